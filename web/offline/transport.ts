// Time limits for the typed client's calls, for phones on weak signal: a stalled answer is given up after a while
// instead of holding the outbox for minutes. A JSON request has a fixed limit; an upload is given up only when no
// byte has gone out for a while, so a big photo on a slow but working line still gets through. Both are handed to
// the typed client (web/api.ts): a signal through `init`, and for uploads a fetch made on XMLHttpRequest, the one
// browser API that reports upload progress.

/** A JSON request gives up after this long. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** An upload gives up after this long with no progress. */
export const UPLOAD_STALL_MS = 20_000;

export class TimedOut extends Error {
  constructor(what: string) {
    super(`${what} timed out`);
  }
}

/**
 * Runs a call with a signal that aborts after `timeoutMs` (or sooner, with `signal`); a call cut by the time limit
 * fails with TimedOut.
 */
export async function withTimeLimit<T>(what: string, call: (signal: AbortSignal) => Promise<T>, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    return await call(signal);
  } catch (err) {
    if (timeout.aborted) throw new TimedOut(what);
    throw err;
  }
}

/** A fetch for uploads, on XMLHttpRequest: given up after `stallMs` without progress, or when `signal` aborts. */
export function stallingFetch(opts: { stallMs?: number; signal?: AbortSignal } = {}): typeof fetch {
  const stallMs = opts.stallMs ?? UPLOAD_STALL_MS;
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const xhr = new XMLHttpRequest();
      let timer: ReturnType<typeof setTimeout> | undefined;
      let stalled = false;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          stalled = true;
          xhr.abort();
        }, stallMs);
      };
      const onAbort = () => xhr.abort();
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      xhr.open(init.method ?? 'GET', url);
      xhr.withCredentials = true;
      new Headers(init.headers).forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.upload.onprogress = arm;
      xhr.onprogress = arm;
      xhr.onload = () => {
        done();
        const headers = new Headers();
        for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
          const at = line.indexOf(':');
          if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
        }
        resolve(new Response(xhr.responseText, { status: xhr.status, headers }));
      };
      xhr.onerror = () => {
        done();
        reject(new TypeError('network error'));
      };
      xhr.onabort = () => {
        done();
        reject(stalled ? new TimedOut(url) : new DOMException('aborted', 'AbortError'));
      };
      opts.signal?.addEventListener('abort', onAbort);
      arm();
      xhr.send((init.body ?? null) as XMLHttpRequestBodyInit | null);
    });
}
