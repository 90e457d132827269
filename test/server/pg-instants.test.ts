import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoFromPg } from '../../server/store/connect.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';

// Instants come back from PostgreSQL as ISO-8601 UTC strings with milliseconds, the form SQLite stores: the
// store reshapes PostgreSQL's text rather than making a Date of every value.

const instant = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true });

describe('instants read from PostgreSQL', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await freshStore('postgres');
  });
  afterAll(() => t?.drop());

  it('reshape exactly as a Date would, for any fraction of a second PostgreSQL writes', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 999 }), (d, micros) => {
        // PostgreSQL trims trailing zeros of the fraction, and writes none when it is zero
        const [date, time] = d.toISOString().replace('Z', '').split('T') as [string, string];
        const [hms, ms] = time.split('.') as [string, string];
        const fraction = `${ms}${String(micros).padStart(3, '0')}`.replace(/0+$/, '');
        const text = `${date} ${hms}${fraction ? `.${fraction}` : ''}+00`;
        expect(isoFromPg(text)).toBe(new Date(text).toISOString());
        expect(isoFromPg(text)).toBe(d.toISOString());
      }),
      { numRuns: 2000 },
    );
    // another zone still reads right
    expect(isoFromPg('2026-11-22 11:04:19.5+08')).toBe('2026-11-22T03:04:19.500Z');
  });

  it('come back as the instants written, through a real session', async () => {
    const values = fc.sample(instant, { numRuns: 300, seed: 11 }).map((d) => d.toISOString());
    values.push('2026-11-22T03:04:19.000Z', '2026-11-22T03:04:19.100Z', '1970-01-01T00:00:00.000Z');
    const r = await sql<{ t: string }>`SELECT unnest(${values}::timestamptz[]) AS t`.execute(t.store.db);
    expect(r.rows.map((row) => row.t)).toEqual(values);
    // sessions speak UTC, so the text path is the one taken
    const zone = await sql<{ z: string }>`SELECT current_setting('TimeZone') AS z`.execute(t.store.db);
    expect(zone.rows[0]!.z).toBe('UTC');
  });
});
