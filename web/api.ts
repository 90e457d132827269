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
export type Me = NonNullable<InferResponseType<typeof api.auth.me.$get, 200>['user']>;
export type LedgerResponse = InferResponseType<typeof api.ledger.$get, 200>;
export type LedgerRow = LedgerResponse['rows'][number];
export type Accountability = InferResponseType<typeof api.accountability.$get, 200>;
export type TaskItem = InferResponseType<typeof api.tasks.$get, 200>['items'][number];
export type ReportAction = ReportDetail['allowedActions'][number];
type HotspotAnswer = InferResponseType<typeof api.hotspots.$get, 200>;
/** The compact hot-spot answer the map draws (?all=1, the full grid as GeoJSON, is for analysts). */
export type Hotspots = Extract<HotspotAnswer, { grid: unknown }>;
export type Emerging = InferResponseType<typeof api.analysis.emerging.$get, 200>;
export type Chronic = InferResponseType<typeof api.analysis.chronic.$get, 200>;
export type TimePatterns = InferResponseType<(typeof api.analysis)['time-patterns']['$get'], 200>;
export type AreasCompared = InferResponseType<typeof api.analysis.areas.$get, 200>;
export type CountyTownship = InferResponseType<typeof api.county.townships.$get, 200>['townships'][number];
export type TownshipAddReport = InferResponseType<typeof api.county.townships.$post, 200>;

/** Uploads one photo; the same picture twice gives the same id. */
export function uploadPhoto(file: File) {
  return unwrap(api.photos.$post({ form: { file } }));
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Structured help some refusals carry (an import's rows, a township file's problems). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The JSON of a response's success variants. */
type OkBody<R> = R extends { ok: true; json(): Promise<infer T> } ? T : never;

/** Unwraps a response: its JSON when ok, an ApiFailure carrying the server's error message otherwise. */
export async function unwrap<R extends { ok: boolean; status: number; json(): Promise<unknown> }>(pending: Promise<R>): Promise<OkBody<R>> {
  let res: R;
  try {
    res = await pending;
  } catch (e) {
    throw new ApiFailure(0, 'network', (e as Error).message || 'network error');
  }
  if (res.ok) return (await res.json()) as OkBody<R>;
  let code = `http_${res.status}`;
  let message = `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as unknown as { error?: { code?: string; message?: string; details?: unknown } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
    details = body.error?.details;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiFailure(res.status, code, message, details);
}
