export { isDatabaseUnavailable } from '../store/errors.ts';

/**
 * An error a user can act on. Services throw it; the HTTP layer turns it into
 * `{ "error": { "code", "message" } }` with the given status.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 421 | 422 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    /** Structured detail a client can show (e.g. an import's row-by-row problems). */
    readonly details?: unknown,
    /** Seconds after which trying again may succeed (429, 503): sent as Retry-After. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
