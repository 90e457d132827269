import { localPlane, type Position } from '../domain/geo.ts';
import type { Router } from '../domain/routing.ts';
import { deadlineFrom } from '../domain/reports.ts';
import type { ReportStatus } from '../domain/reports.ts';
import { isMarketDay, localDate, tzOffsetMs } from '../domain/calendar.ts';
import { createRandom, type Random } from './random.ts';

/**
 * Synthetic reports with the structure a real township shows: stalls crowding the market on
 * market days, flyposting around the bus station, exposed garbage along the lanes of zone 3,
 * weeds on the ring road, and scattered background problems in the villages. Deterministic:
 * the same seed, end date and town give the same reports, byte for byte.
 */

export interface GeneratorTown {
  router: Router;
  timezone: string;
  /** Named places the patterns gather around, WGS84. */
  landmarks: Record<string, Position>;
  /** Road lines by name, WGS84. */
  roads: Record<string, Position[]>;
  /** Category code -> default rectification deadline in hours. */
  deadlineHours: Record<string, number>;
}

export interface GeneratorOptions {
  seed: number;
  /** The last instant of the period (exclusive), ISO. */
  end: string;
  days: number;
  /** Multiplies every rate; 1 gives about 20 reports a day. */
  scale?: number;
}

export interface GeneratedEvent {
  type: 'created' | 'notify' | 'rectify' | 'verify' | 'reopen' | 'reject' | 'merge';
  from: ReportStatus | null;
  to: ReportStatus;
  at: string;
  note: string | null;
}

export interface GeneratedReport {
  id: string;
  category: string;
  lon: number;
  lat: number;
  accuracyM: number;
  description: string;
  status: ReportStatus;
  capturedAt: string;
  receivedAt: string;
  deadlineAt: string | null;
  closedAt: string | null;
  duplicateOf: string | null;
  events: GeneratedEvent[];
}

const DESCRIPTIONS: Record<string, string[]> = {
  exposed_garbage: ['路边生活垃圾未清运', '巷道内垃圾堆积', '垃圾桶满溢', '沟渠内有垃圾', '塑料袋散落路面'],
  road_stall: ['流动摊贩沿街摆摊', '水果摊占用人行道', '赶集日摊点占道', '三轮车占道卖菜', '店外摆放商品占道'],
  illegal_ad: ['电线杆张贴小广告', '墙面喷涂办证广告', '公交站牌贴满小广告', '临时横幅未拆除', '门面乱贴招租广告'],
  black_spot: ['房前屋后卫生死角', '桥下垃圾死角', '河边沟渠脏乱', '墙角堆积杂物'],
  piled_debris: ['路边柴堆占道', '土堆未清理', '建筑垃圾乱堆', '门前乱堆杂物'],
  weeds: ['公路两旁杂草过高', '人行道杂草丛生', '绿化带杂草未清理'],
  dirty_toilet: ['公厕异味严重', '公厕地面脏污', '公厕无人保洁'],
  construction_site: ['工地出入口泥土带出', '围挡占用人行道', '工地未覆盖裸土'],
  office_area: ['办公区域杂物堆放', '院内垃圾未清扫', '门前三包未落实'],
};

interface Pattern {
  category: string;
  /** Mean reports a day; market days use marketRate when given. */
  rate: number;
  marketRate?: number;
  hours: [number, number];
  place(r: Random): Position;
}

export function generateReports(town: GeneratorTown, opts: GeneratorOptions): GeneratedReport[] {
  const r = createRandom(opts.seed);
  const scale = opts.scale ?? 1;
  const plane = localPlane(town.landmarks['gov'] ?? [0, 0]);
  const endMs = Date.parse(opts.end);
  const startMs = endMs - opts.days * 86_400_000;

  const near = (name: string, sigmaM: number) => (rr: Random): Position => {
    const c = town.landmarks[name];
    if (!c) throw new Error(`demo town has no landmark "${name}"`);
    const [x, y] = plane.toMetres(c[0], c[1]);
    return plane.toLonLat(x + rr.normal() * sigmaM, y + rr.normal() * sigmaM);
  };
  const along = (names: string[], jitterM: number) => (rr: Random): Position => {
    const road = town.roads[rr.pick(names)];
    if (!road) throw new Error(`demo town has no road among ${names.join(', ')}`);
    const i = rr.int(0, road.length - 2);
    const t = rr.next();
    const a = plane.toMetres(road[i]![0], road[i]![1]);
    const b = plane.toMetres(road[i + 1]![0], road[i + 1]![1]);
    return plane.toLonLat(a[0] + (b[0] - a[0]) * t + rr.normal() * jitterM, a[1] + (b[1] - a[1]) * t + rr.normal() * jitterM);
  };
  const anywhere = (rr: Random): Position => {
    const [minLon, minLat, maxLon, maxLat] = town.router.bbox;
    return [minLon + rr.next() * (maxLon - minLon), minLat + rr.next() * (maxLat - minLat)];
  };
  const villageRoads = Object.keys(town.roads).filter((k) => k.startsWith('village:'));

  const patterns: Pattern[] = [
    { category: 'road_stall', rate: 0.6, marketRate: 16, hours: [6, 13], place: near('market', 70) },
    { category: 'road_stall', rate: 0.5, marketRate: 4, hours: [7, 19], place: along(['mainStreet', 'marketStreet'], 12) },
    { category: 'illegal_ad', rate: 2.6, hours: [8, 18], place: near('busStation', 90) },
    { category: 'illegal_ad', rate: 0.7, hours: [8, 18], place: along(['mainStreet', 'schoolRoad'], 15) },
    { category: 'exposed_garbage', rate: 3.4, hours: [6, 20], place: along(['laneA', 'laneB', 'laneC'], 10) },
    { category: 'exposed_garbage', rate: 1.2, hours: [6, 20], place: along(['schoolRoad', 'compoundRoad', 'mainStreet', 'ringNorth'], 20) },
    { category: 'exposed_garbage', rate: 1.5, hours: [7, 18], place: along(villageRoads, 120) },
    { category: 'black_spot', rate: 1.0, hours: [8, 18], place: along(villageRoads, 200) },
    { category: 'piled_debris', rate: 1.1, hours: [8, 18], place: along(villageRoads, 150) },
    { category: 'weeds', rate: 0.6, hours: [8, 17], place: along(['ringNorth', 'ringSouth', 'countyWest', 'countyEast'], 15) },
    { category: 'dirty_toilet', rate: 0.35, hours: [8, 18], place: (rr) => near(rr.pick(['toiletMarket', 'toiletStation']), 15)(rr) },
    { category: 'construction_site', rate: 0.4, hours: [8, 18], place: (rr) => near(rr.pick(['site', 'resort']), 60)(rr) },
    { category: 'office_area', rate: 0.3, hours: [8, 17], place: (rr) => near(rr.pick(['gov', 'compound', 'healthCentre', 'middleSchool']), 25)(rr) },
    { category: 'exposed_garbage', rate: 0.8, hours: [7, 19], place: anywhere },
    { category: 'piled_debris', rate: 0.4, hours: [7, 19], place: anywhere },
  ];

  const reports: GeneratedReport[] = [];
  const lastOfCategory = new Map<string, GeneratedReport>();
  const offsetMs = tzOffsetMs(town.timezone, endMs);
  const firstMidnight = Math.floor((startMs + offsetMs) / 86_400_000) * 86_400_000 - offsetMs;
  for (let day = 0; day <= opts.days; day++) {
    const localMidnight = firstMidnight + day * 86_400_000;
    const market = isMarketDay(localDate(localMidnight + 12 * 3600_000, town.timezone));
    const todays: { at: number; category: string; place: Position }[] = [];
    for (const p of patterns) {
      const n = r.poisson((market && p.marketRate !== undefined ? p.marketRate : p.rate) * scale);
      for (let k = 0; k < n; k++) {
        const at = localMidnight + (p.hours[0] + r.next() * (p.hours[1] - p.hours[0])) * 3600_000;
        let place = p.place(r);
        for (let tries = 0; tries < 20 && !town.router.route(place[0], place[1]); tries++) place = p.place(r);
        if (!town.router.route(place[0], place[1])) continue;
        todays.push({ at, category: p.category, place });
      }
    }
    todays.sort((a, b) => a.at - b.at);
    for (const t of todays) {
      if (t.at >= endMs || t.at < startMs) continue;
      const rep = buildReport(r, t.category, t.place, t.at, endMs, town.deadlineHours[t.category] ?? 72, lastOfCategory.get(t.category));
      reports.push(rep);
      lastOfCategory.set(t.category, rep);
    }
  }
  return reports;
}

function buildReport(
  r: Random,
  category: string,
  place: Position,
  at: number,
  endMs: number,
  deadlineHours: number,
  previous: GeneratedReport | undefined,
): GeneratedReport {
  const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
  const capturedAt = iso(at);
  // Most reports arrive within a minute; some wait in an offline outbox for an hour or two.
  const receivedMs = at + (r.next() < 0.1 ? r.next() * 2 * 3600_000 : r.next() * 60_000);
  const events: GeneratedEvent[] = [{ type: 'created', from: null, to: 'reported', at: capturedAt, note: null }];
  const rep: GeneratedReport = {
    id: r.uuid(),
    category,
    lon: Math.round(place[0] * 1e7) / 1e7,
    lat: Math.round(place[1] * 1e7) / 1e7,
    accuracyM: Math.round(4 + Math.abs(r.normal()) * 12),
    description: r.pick(DESCRIPTIONS[category] ?? ['现场问题']),
    status: 'reported',
    capturedAt,
    receivedAt: iso(Math.min(receivedMs, endMs - 1)),
    deadlineAt: null,
    closedAt: null,
    duplicateOf: null,
    events,
  };
  const roll = r.next();
  let t = at + (0.5 + r.next() * 3) * 3600_000;
  const step = (type: GeneratedEvent['type'], to: ReportStatus, note: string | null = null): boolean => {
    if (t >= endMs) return false;
    events.push({ type, from: rep.status, to, at: iso(t), note });
    rep.status = to;
    return true;
  };
  if (roll < 0.035) {
    step('reject', 'rejected', '经核实不属于问题');
  } else if (roll < 0.065 && previous) {
    if (step('merge', 'duplicate', '与已有问题重复')) rep.duplicateOf = previous.id;
  } else if (step('notify', 'notified')) {
    rep.deadlineAt = deadlineFrom(iso(t), deadlineHours);
    // About one in six is rectified late; a few are never rectified and sit overdue.
    const late = r.next() < 0.17;
    const never = r.next() < 0.04;
    if (!never) {
      t += deadlineHours * 3600_000 * (late ? 1.1 + r.next() * 1.5 : 0.15 + r.next() * 0.8);
      if (step('rectify', 'rectified')) {
        t += (1 + r.next() * 20) * 3600_000;
        if (r.next() < 0.08) {
          if (step('reopen', 'notified', '复查未整改到位')) {
            rep.deadlineAt = deadlineFrom(iso(t), deadlineHours);
            t += deadlineHours * 3600_000 * (0.2 + r.next() * 0.6);
            step('rectify', 'rectified');
            t += (1 + r.next() * 12) * 3600_000;
          }
        }
        if (rep.status === 'rectified' && step('verify', 'closed', '复查合格,销号')) rep.closedAt = iso(t);
      }
    }
  }
  return rep;
}
