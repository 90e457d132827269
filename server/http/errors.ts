import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { AppError, isDatabaseUnavailable } from '../services/errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Every failure leaves as `{ "error": { "code", "message" } }`. */
export const onError: ErrorHandler = (err, c) => {
  if (err instanceof AppError) {
    const headers: Record<string, string> = err.retryAfterS !== undefined ? { 'Retry-After': String(Math.max(1, Math.ceil(err.retryAfterS))) } : {};
    return c.json(errorBody(err.code, err.message, err.details), err.status as ContentfulStatusCode, headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? 'body_too_large' : status === 400 ? 'bad_request' : `http_${status}`;
    return c.json(errorBody(code, err.message || 'The request could not be handled.'), status);
  }
  if (isDatabaseUnavailable(err)) {
    return c.json(errorBody('database_unavailable', '数据库暂时无法连接,请稍后重试,数据不会丢失。The database cannot be reached just now; try again shortly (nothing was changed).'), 503, { 'Retry-After': '5' });
  }
  console.error('unhandled error', c.req.method, c.req.path, err);
  return c.json(errorBody('internal_error', 'Something went wrong on the server. The request was not completed; try again.'), 500);
};

export const notFound: NotFoundHandler = (c) =>
  c.json(errorBody('not_found', `No such endpoint: ${c.req.method} ${c.req.path}`), 404);

/** The zValidator hook: a failed validation answers 400 with what was wrong, field by field. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const message = result.error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
  // what each problem is, as a code and its numbers, so a client can say it in its own language
  const issues = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    code: i.code,
    ...('minimum' in i ? { minimum: Number(i.minimum) } : {}),
    ...('maximum' in i ? { maximum: Number(i.maximum) } : {}),
    ...('origin' in i ? { origin: String(i.origin) } : {}),
    message: i.message,
  }));
  return c.json(errorBody('invalid_input', message, { issues }), 400);
}
