// Rules about a single report that hold everywhere: statuses, and which clock to trust.

export const REPORT_STATUSES = ['reported', 'notified', 'rectified', 'closed', 'rejected', 'duplicate'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Statuses of items still waiting for someone to act. */
export const OPEN_STATUSES: readonly ReportStatus[] = ['reported', 'notified', 'rectified'];

/** How far back a phone may claim to have captured a report (a week in an offline outbox). */
export const MAX_CAPTURE_AGE_MS = 7 * 24 * 3600_000;
/** How far ahead of the server a phone's clock may run and still be believed. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/**
 * When the problem was seen. The phone's capture time is believed when it is plausible
 * (not in the future beyond a small skew, not older than an offline week); otherwise the
 * server's receive time stands, so a phone clock that is off by hours cannot move an item.
 */
export function observedAt(capturedAt: string | null | undefined, receivedAt: string): string {
  if (!capturedAt) return receivedAt;
  const c = Date.parse(capturedAt);
  const r = Date.parse(receivedAt);
  if (!Number.isFinite(c) || c > r + MAX_CLOCK_AHEAD_MS || c < r - MAX_CAPTURE_AGE_MS) return receivedAt;
  return new Date(c).toISOString();
}

/** The deadline a new item gets from its category. */
export function deadlineFrom(observed: string, deadlineHours: number): string {
  return new Date(Date.parse(observed) + deadlineHours * 3600_000).toISOString();
}
