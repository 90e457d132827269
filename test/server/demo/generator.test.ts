import { describe, expect, it } from 'vitest';
import { generateReports, type GeneratedReport } from '../../../server/demo/generator.ts';
import { distanceMetres } from '../../../server/domain/geo.ts';
import { isMarketDay, localDate } from '../../../server/domain/calendar.ts';
import { REPORT_STATUSES } from '../../../server/domain/reports.ts';
import { demoTown } from '../../helpers/town.ts';

const { generatorTown, town } = demoTown();
const END = '2026-11-30T00:00:00.000Z';
const reports = generateReports(generatorTown, { seed: 7, end: END, days: 91 });

const share = (xs: GeneratedReport[], pred: (r: GeneratedReport) => boolean) => xs.filter(pred).length / xs.length;

describe('the demo report generator', () => {
  it('gives the same reports for the same seed, and different ones for another seed', () => {
    const again = generateReports(generatorTown, { seed: 7, end: END, days: 91 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(reports));
    const other = generateReports(generatorTown, { seed: 8, end: END, days: 91 });
    expect(other[0]!.id).not.toBe(reports[0]!.id);
  });

  it('makes about three months of reports in every category and every status', () => {
    expect(reports.length).toBeGreaterThan(1200);
    expect(reports.length).toBeLessThan(3000);
    expect(new Set(reports.map((r) => r.category))).toEqual(new Set(town.categories.map((c) => c.code)));
    expect(new Set(reports.map((r) => r.status))).toEqual(new Set(REPORT_STATUSES));
    const first = Math.min(...reports.map((r) => Date.parse(r.capturedAt)));
    expect((Date.parse(END) - first) / 86_400_000).toBeGreaterThan(88);
  });

  it('puts every report inside the township, before the end of the period', () => {
    for (const r of reports) {
      expect(generatorTown.router.route(r.lon, r.lat)).not.toBeNull();
      expect(r.capturedAt < END && r.receivedAt < END && r.receivedAt >= r.capturedAt).toBe(true);
    }
  });

  it('keeps each history in time order, starting at capture and ending in the report status', () => {
    for (const r of reports) {
      expect(r.events[0]).toMatchObject({ type: 'created', to: 'reported', at: r.capturedAt });
      for (let i = 1; i < r.events.length; i++) {
        expect(r.events[i]!.at >= r.events[i - 1]!.at).toBe(true);
        expect(r.events[i]!.from).toBe(r.events[i - 1]!.to);
        expect(r.events[i]!.at < END).toBe(true);
      }
      expect(r.events[r.events.length - 1]!.to).toBe(r.status);
      expect(r.status === 'closed').toBe(r.closedAt !== null);
      if (r.status === 'duplicate') expect(reports.some((o) => o.id === r.duplicateOf)).toBe(true);
    }
  });

  it('crowds stalls around the market on market days', () => {
    const market = generatorTown.landmarks['market']!;
    const stalls = reports.filter((r) => r.category === 'road_stall');
    const perDay = (md: boolean) => {
      const days = new Set<string>();
      for (let t = Date.parse(END) - 91 * 86_400_000; t < Date.parse(END); t += 86_400_000) {
        const d = localDate(t + 12 * 3600_000, 'Asia/Shanghai');
        if (isMarketDay(d) === md) days.add(d);
      }
      const n = stalls.filter((r) => isMarketDay(localDate(r.capturedAt, 'Asia/Shanghai')) === md).length;
      return n / days.size;
    };
    expect(perDay(true) / perDay(false)).toBeGreaterThan(5);
    expect(share(stalls, (r) => distanceMetres([r.lon, r.lat], market) < 300)).toBeGreaterThan(0.6);
  });

  it('gathers flyposting around the bus station and exposed garbage along the lanes of zone 3', () => {
    const station = generatorTown.landmarks['busStation']!;
    const ads = reports.filter((r) => r.category === 'illegal_ad');
    expect(share(ads, (r) => distanceMetres([r.lon, r.lat], station) < 350)).toBeGreaterThan(0.6);
    const garbage = reports.filter((r) => r.category === 'exposed_garbage');
    const zone3 = (r: GeneratedReport) => generatorTown.router.route(r.lon, r.lat)?.zone?.code === 'zone-3';
    expect(share(garbage, zone3)).toBeGreaterThan(0.35);
    // …and zone 3 is a small fraction of the township, so this is concentration, not chance
    expect(share(reports.filter((r) => r.category === 'black_spot'), zone3)).toBeLessThan(0.1);
  });

  it('leaves some items overdue: notified, past the deadline and not rectified', () => {
    const overdue = reports.filter((r) => r.status === 'notified' && r.deadlineAt! < END);
    expect(overdue.length).toBeGreaterThan(5);
  });
});
