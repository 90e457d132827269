import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { every } from 'hono/combine';
import type { ZodType } from 'zod';
import { errorBody, validationHook } from './errors.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** A JSON body must say it is JSON: any other type is refused rather than read as an empty object. */
const requireJson: MiddlewareHandler = async (c, next) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  if (!JSON_TYPE.test(type)) {
    return c.json(errorBody('unsupported_media_type', `Send the body as application/json (got ${type ? `"${type.slice(0, 100)}"` : 'no Content-Type'}).`), 415);
  }
  return next();
};

/** What a validating middleware checks, readable by the OpenAPI document (the same schema, not a copy). */
export const VALIDATES = Symbol('validates');
export interface Validates {
  target: keyof ValidationTargets;
  schema: ZodType;
}

/** zValidator with the product's error shape. */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) => {
  const v = zValidator(target, schema, (result, c) => validationHook(result as never, c));
  const mw = (target === 'json' ? every(requireJson, v) : v) as typeof v;
  return Object.assign(mw, { [VALIDATES]: { target, schema } satisfies Validates });
};
