import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOverdue } from '../../server/services/lifecycle.ts';
import { deliverWebhooks, renderMessage, ROBOT_MAX_BYTES, ROBOT_PER_MINUTE, type EventPayload } from '../../server/services/webhooks.ts';
import { demoApp, type Client, type TestApp } from '../helpers/app.ts';
import { signedPath } from '../../server/services/signed-links.ts';

// A DingTalk group robot as its documentation describes it, played by a local server: 加签 (timestamp + HMAC-SHA256
// of "timestamp\nsecret", base64, within an hour), a keyword every message must hold, 20 messages a minute, and
// the errcode answers it gives. The signature is checked here from the documented recipe, not with our function.

const SECRET = `SEC${crypto.randomBytes(32).toString('hex')}`;
const KEYWORD = '创文';

interface Seen {
  ok: boolean;
  body: any;
  bytes: number;
}

function dingtalkRobot(now: () => number) {
  const seen: Seen[] = [];
  const sentAt: number[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://robot');
      const reply = (errcode: number, errmsg: string) => {
        seen.push({ ok: errcode === 0, body: raw ? JSON.parse(raw) : null, bytes: Buffer.byteLength(raw) });
        res.setHeader('content-type', 'application/json');
        res.writeHead(200).end(JSON.stringify({ errcode, errmsg }));
      };
      const ts = Number(url.searchParams.get('timestamp'));
      const expected = crypto.createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64');
      if (url.searchParams.get('sign') !== expected) return reply(310000, 'sign not match');
      if (Math.abs(now() - ts) > 3600_000) return reply(310000, 'timestamp is invalid');
      const body = JSON.parse(raw);
      if (!JSON.stringify(body).includes(KEYWORD)) return reply(310000, 'keywords not in content');
      const minuteAgo = now() - 60_000;
      if (sentAt.filter((t) => t > minuteAgo).length >= 20) return reply(130101, 'send too fast, exceed 20 times per minute');
      sentAt.push(now());
      reply(0, 'ok');
    });
  });
  return { server, seen };
}

describe('DingTalk and WeCom robots', () => {
  let app: TestApp;
  let admin: Client;
  let base: string;
  let robot: ReturnType<typeof dingtalkRobot>;

  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0, privateWebhooks: true });
    robot = dingtalkRobot(() => app.clock.now.getTime());
    await new Promise<void>((r) => robot.server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(robot.server.address() as AddressInfo).port}`;
    admin = await app.as('admin');
  });
  afterAll(async () => {
    await app?.drop();
    await new Promise((r) => robot.server.close(r));
  });

  it('refuses a signing secret that is not DingTalk’s, or for another platform', async () => {
    expect((await admin.call('POST', '/api/webhooks', { name: 'x', format: 'dingtalk', url: `${base}/robot/send?access_token=t`, events: ['report.overdue'], secret: 'hunter2' })).status).toBe(400);
    expect((await admin.call('POST', '/api/webhooks', { name: 'x', format: 'wecom', url: `${base}/wecom`, events: ['report.overdue'], secret: SECRET })).status).toBe(422);
  });

  it('signs each message, puts the keyword in, @-mentions the responsible person, keeps 20 a minute and folds the rest into one digest', async () => {
    // an unsigned robot first: the robot refuses, and the webhooks page shows its words
    const unsigned = await admin.call('POST', '/api/webhooks', { name: '未加签', format: 'dingtalk', url: `${base}/robot/send?access_token=u`, events: ['report.overdue'] });
    expect(unsigned.status).toBe(201);
    const made = await admin.call('POST', '/api/webhooks', { name: '创建办钉钉群', format: 'dingtalk', url: `${base}/robot/send?access_token=t`, events: ['report.overdue'], secret: SECRET, keyword: KEYWORD });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ signed: true, keyword: KEYWORD });
    expect(JSON.stringify(made.body)).not.toContain(SECRET);

    // 25 items go past their deadline at once; the area answering for them has a new phone number
    const inspector = await app.as('inspector');
    const ids: string[] = [];
    for (let k = 0; k < 25; k++) {
      const r = await inspector.call('POST', '/api/reports', { category: 'exposed_garbage', lon: 105.934 + k * 0.00012, lat: 26.142, description: '垃圾' });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const area = (await admin.call('GET', `/api/reports/${ids[0]}`)).body.responsibleArea;
    expect((await admin.call('PATCH', `/api/areas/${area.id}`, { responsiblePhone: '13800138000' })).status).toBe(200);
    app.clock.advance(2 * 86_400_000);
    expect(await sweepOverdue(app.deps)).toBeGreaterThanOrEqual(25);
    await deliverWebhooks(app.deps, { limit: 200 });

    const accepted = robot.seen.filter((s) => s.ok);
    // within the minute: at most 20 messages, the last of them a digest of what did not fit
    expect(accepted.length).toBeLessThanOrEqual(ROBOT_PER_MINUTE);
    const digest = accepted.find((s) => s.body.markdown.title.includes('汇总'));
    expect(digest).toBeTruthy();
    const individual = accepted.filter((s) => s !== digest);
    const foldedCount = Number(/另有 (\d+) 条/.exec(digest!.body.markdown.title)![1]);
    expect(individual.length + foldedCount).toBeGreaterThanOrEqual(25);
    for (const s of accepted) {
      expect(JSON.stringify(s.body)).toContain(KEYWORD);
      expect(s.bytes).toBeLessThan(ROBOT_MAX_BYTES);
    }
    const mentioned = individual.filter((s) => s.body.at?.atMobiles?.includes('13800138000'));
    expect(mentioned.length).toBeGreaterThan(0);
    expect(mentioned[0]!.body.markdown.text).toContain('@13800138000');
    // nothing was refused for speed: the limit is kept before the robot has to say so
    expect(robot.seen.some((s) => !s.ok && JSON.stringify(s).includes('send too fast'))).toBe(false);

    // the webhooks page: the unsigned robot's failures in the robot's own words
    // (two days later: the admin signs in again)
    admin = await app.signInAgain('admin');
    const listed = await admin.call('GET', '/api/webhooks');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const hooks = listed.body.webhooks;
    const bad = hooks.find((h: any) => h.name === '未加签');
    expect(bad.deliveries.lastError).toContain('sign not match');
    expect(bad.deliveries.pending).toBeGreaterThan(0);
    const good = hooks.find((h: any) => h.name === '创建办钉钉群');
    expect(good.deliveries.delivered).toBeGreaterThanOrEqual(25);
    expect(good.deliveries.lastError).toBeNull();
  });

  it('cuts a long message to fit under 4 096 bytes, in either platform’s shape', () => {
    const p: EventPayload = {
      event: 'briefing.ready',
      township: { code: 'NJ', nameZh: '纳具镇' },
      occurredAt: '2026-11-30T00:00:00Z',
      title: '【周报】纳具镇',
      text: '第三保洁区逾期未整改。'.repeat(400),
      link: 'https://example.org/briefing',
      data: {},
    };
    for (const format of ['dingtalk', 'wecom'] as const) {
      const body = renderMessage(format, p, { keyword: KEYWORD }) as any;
      expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(ROBOT_MAX_BYTES);
      const text = format === 'dingtalk' ? body.markdown.text : body.markdown.content;
      expect(text).toContain('…');
      expect(text).toContain('https://example.org/briefing');
      expect(JSON.stringify(body)).toContain(KEYWORD);
    }
  });

  it('gives group members a read-only briefing link that opens for 14 days, and only that file', async () => {
    const office = await app.signInAgain('office');
    const t = (await office.call('GET', '/api/township')).body;
    const week = '2026-W48';
    const link = await signedPath(app.deps, t, `/api/briefings/${week}.pdf`);
    // no session: the link alone opens the PDF
    const res = await app.app.request(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    // and nothing else: another file, a changed signature, or no signature
    const other = link.replace(`${week}.pdf`, `${week}.json`);
    expect((await app.call('GET', other)).body.error.code).toBe('link_invalid');
    // flip the signature's first character to a different one, whatever it was
    const tampered = link.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect(tampered).not.toBe(link);
    expect((await app.call('GET', tampered)).status).toBe(403);
    expect((await app.call('GET', `/api/briefings/${week}.pdf`)).status).toBe(401);
    // fifteen days later it has expired, and says so
    app.clock.advance(15 * 86_400_000);
    const late = await app.call('GET', link);
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe('link_expired');
  });
});
