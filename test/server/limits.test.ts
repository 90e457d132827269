import { describe, expect, it } from 'vitest';
import { bulkTransitionBody, newReportBody, sightingBody, transitionBody } from '../../server/http/schemas.ts';
import { BULK_MAX, NOTE_MAX, PHOTOS_MAX } from '../../server/domain/limits.ts';
import { NOTE_MAX as PHONE_NOTE_MAX } from '../../web/offline/outbox.ts';

// One set of limits: what the API's schemas take is what the forms stop at (they read the same module).

const photo = (i: number) => i.toString(16).padStart(64, '0');
const report = { category: 'weeds', lon: 105.93, lat: 26.14 };

describe('the input limits the server and the forms share', () => {
  it('take a note and photos up to the limit and refuse one more', () => {
    expect(PHONE_NOTE_MAX).toBe(NOTE_MAX);
    expect(newReportBody.safeParse({ ...report, description: 'x'.repeat(NOTE_MAX) }).success).toBe(true);
    expect(newReportBody.safeParse({ ...report, description: 'x'.repeat(NOTE_MAX + 1) }).success).toBe(false);
    const photos = (n: number) => Array.from({ length: n }, (_, i) => photo(i));
    expect(newReportBody.safeParse({ ...report, photoIds: photos(PHOTOS_MAX) }).success).toBe(true);
    expect(newReportBody.safeParse({ ...report, photoIds: photos(PHOTOS_MAX + 1) }).success).toBe(false);
    expect(transitionBody.safeParse({ action: 'rectify', note: 'x'.repeat(NOTE_MAX + 1) }).success).toBe(false);
    expect(sightingBody.safeParse({ photoIds: photos(PHOTOS_MAX + 1) }).success).toBe(false);
  });

  it('take a bulk step over at most BULK_MAX items', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(bulkTransitionBody.safeParse({ action: 'urge', ids: ids(BULK_MAX) }).success).toBe(true);
    const over = bulkTransitionBody.safeParse({ action: 'urge', ids: ids(BULK_MAX + 1) });
    expect(over.success).toBe(false);
    expect(JSON.stringify(over.error?.issues)).toContain(`${BULK_MAX}`);
  });
});
