// Rules about a single report that hold everywhere: statuses, and which clock to trust.

export const REPORT_STATUSES = ['reported', 'notified', 'rectified', 'closed', 'rejected', 'duplicate'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Statuses of items still waiting for someone to act. */
export const OPEN_STATUSES: readonly ReportStatus[] = ['reported', 'notified', 'rectified'];
/** Statuses of items still waiting for rectification: their deadline runs, and passing it costs the owner. */
export const AWAITING_RECTIFICATION: readonly ReportStatus[] = ['reported', 'notified'];

/** How far back a phone may claim to have captured a report (a week in an offline outbox). */
export const MAX_CAPTURE_AGE_MS = 7 * 24 * 3600_000;
/** How far ahead of the server a phone's clock may run and still be believed. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * When the problem was seen, on the server's clock. A phone that also says when it sent the report
 * (`sentAt`, its own clock) reveals how far its clock is off: received − sent. The capture time is
 * shifted by that much, so a phone clock hours off still puts the report in the right day and week.
 * The result is believed when plausible (not after the receive time beyond a small skew, not older than
 * an offline week); otherwise the receive time stands.
 */
export function observedAt(capturedAt: string | null | undefined, receivedAt: string, sentAt?: string | null): string {
  if (!capturedAt) return receivedAt;
  let c = Date.parse(capturedAt);
  const r = Date.parse(receivedAt);
  const s = sentAt ? Date.parse(sentAt) : Number.NaN;
  if (Number.isFinite(c) && Number.isFinite(s) && s >= c) c += r - s;
  if (!Number.isFinite(c) || c > r + MAX_CLOCK_AHEAD_MS || c < r - MAX_CAPTURE_AGE_MS) return receivedAt;
  return new Date(c).toISOString();
}

/** The deadline a new item gets from its category. */
export function deadlineFrom(observed: string, deadlineHours: number): string {
  return new Date(Date.parse(observed) + deadlineHours * 3600_000).toISOString();
}

/** How a list of items can be sorted (the ledger's columns). */
export const REPORT_SORTS = ['observed', 'deadline', 'case', 'category', 'zone', 'responsible', 'status', 'photos'] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];
