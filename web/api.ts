import { hc, type InferResponseType } from 'hono/client';
import type { AppType } from '../server/app.ts';

// The typed client: every call the web makes goes through here.
export const api = hc<AppType>('/api');

export type Township = InferResponseType<typeof api.township.$get, 200>;
export type AreasResponse = InferResponseType<typeof api.areas.$get, 200>;
export type AreaFeature = AreasResponse['features'][number];
export type Category = InferResponseType<typeof api.categories.$get, 200>[number];
export type Basemap = InferResponseType<typeof api.basemap.$get, 200>;
export type ReportList = InferResponseType<typeof api.reports.$get, 200>;
export type ReportFeature = ReportList['features'][number];
export type ReportDetail = InferResponseType<(typeof api.reports)[':id']['$get'], 200>;
export type CreatedReport = InferResponseType<typeof api.reports.$post, 201>;

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Unwraps a response: its JSON when ok, an ApiFailure carrying the server's error message otherwise. */
export async function unwrap<T>(pending: Promise<{ ok: boolean; status: number; json(): Promise<T> }>): Promise<T> {
  let res: Awaited<typeof pending>;
  try {
    res = await pending;
  } catch (e) {
    throw new ApiFailure(0, 'network', (e as Error).message || 'network error');
  }
  if (res.ok) return res.json();
  let code = `http_${res.status}`;
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as unknown as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiFailure(res.status, code, message);
}
