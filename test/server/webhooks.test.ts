import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScheduledBriefing } from '../../server/services/briefings.ts';
import { sweepOverdue } from '../../server/services/lifecycle.ts';
import { deliverWebhooks, MAX_ATTEMPTS } from '../../server/services/webhooks.ts';
import { cookieOf, demoApp, expectError, type Client, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/stores.ts';

// Outgoing webhooks against a real local HTTP receiver: generic JSON, WeCom and DingTalk robots, retried with
// back-off, each event delivered once.

interface Received {
  path: string;
  body: any;
}

function receiver() {
  const received: Received[] = [];
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const path = req.url ?? '';
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      const body = JSON.parse(raw);
      received.push({ path, body });
      res.setHeader('content-type', 'application/json');
      if (path === '/flaky' && n <= 2) return res.writeHead(500).end('busy');
      if (path === '/dead') return res.writeHead(503).end('down');
      // DingTalk refuses the first message (as when a keyword rule is not met), then accepts.
      if (path === '/ding') return res.writeHead(200).end(JSON.stringify(n === 1 ? { errcode: 310000, errmsg: 'keywords not in content' } : { errcode: 0, errmsg: 'ok' }));
      res.writeHead(200).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  return { server, received, hits };
}

describe.each(DIALECTS)('webhooks (%s)', (dialect) => {
  let app: TestApp;
  let admin: Client;
  let base: string;
  const rx = receiver();

  beforeAll(async () => {
    await new Promise<void>((r) => rx.server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(rx.server.address() as AddressInfo).port}`;
    // The test's receiver listens on this computer: allowed here as HOTSPOTS_WEBHOOK_PRIVATE=1 would allow it.
    app = await demoApp(dialect, { scale: 0.05, privateWebhooks: true });
    admin = await app.as('admin');
    const add = (name: string, format: string, path: string, events: string[]) =>
      admin.call('POST', '/api/webhooks', { name, format, url: `${base}${path}`, events });
    expect((await add('督查系统', 'json', '/flaky', ['report.overdue', 'briefing.ready'])).status).toBe(201);
    expect((await add('创建办企业微信群', 'wecom', '/wecom?key=secret-robot-key', ['report.overdue'])).status).toBe(201);
    expect((await add('领导小组钉钉群', 'dingtalk', '/ding', ['briefing.ready'])).status).toBe(201);
    expect((await add('旧系统', 'json', '/dead', ['briefing.ready'])).status).toBe(201);
  });
  afterAll(async () => {
    await app?.drop();
    await new Promise((r) => rx.server.close(r));
  });

  /** Runs the delivery job until nothing is due, moving the clock past each back-off. */
  async function deliverAll() {
    for (let i = 0; i < 24; i++) {
      await Promise.all([deliverWebhooks(app.deps), deliverWebhooks(app.deps)]);
      app.clock.advance(3600_000);
    }
  }

  it('tells the groups when an item passes its deadline, once each, through failures', async () => {
    const listed = (await admin.call('GET', '/api/webhooks')).body.webhooks;
    expect(listed.find((w: { format: string }) => w.format === 'wecom').url).not.toContain('secret-robot-key');
    const created = await (await app.as('inspector')).call('POST', '/api/reports', { category: 'exposed_garbage', lon: 105.934, lat: 26.142 });
    expect(created.status).toBe(201);
    const id = created.body.id;
    app.clock.advance(2 * 86_400_000);
    expect(await sweepOverdue(app.deps)).toBeGreaterThan(0);
    await deliverAll();

    const mine = (path: string) => rx.received.filter((r) => r.path.startsWith(path) && JSON.stringify(r.body).includes(id));
    // Two refusals, then one success: three tries of the same message.
    const json = mine('/flaky');
    expect(json).toHaveLength(3);
    expect(json[2]!.body).toMatchObject({ event: 'report.overdue', data: { reportId: id, category: 'exposed_garbage' }, township: { nameZh: expect.any(String) } });
    expect(json[2]!.body.title).toContain('暴露垃圾');
    // The only item that went overdue reached the WeCom group once, though two delivery jobs ran side by side.
    const wecom = rx.received.filter((r) => r.path.startsWith('/wecom'));
    expect(wecom).toHaveLength(1);
    expect(wecom[0]!.body).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining('超期未整改') } });
  });

  it('announces the weekly briefing; a robot that refuses is retried, a dead receiver is given up', async () => {
    app.clock.now = new Date('2026-12-07T02:00:00.000Z'); // Monday 10:00 in the township
    const week = await runScheduledBriefing(app.deps, 8);
    expect(week).toBe('2026-W49');
    expect(await runScheduledBriefing(app.deps, 8)).toBeNull();
    await deliverAll();
    const ding = rx.received.filter((r) => r.path === '/ding');
    expect(ding).toHaveLength(2);
    expect(ding[1]!.body).toEqual({ msgtype: 'markdown', markdown: { title: expect.stringContaining('2026-W49'), text: expect.stringContaining('销号') } });
    expect(rx.received.filter((r) => r.path === '/dead')).toHaveLength(MAX_ATTEMPTS);
    const json = rx.received.filter((r) => r.path === '/flaky' && r.body.event === 'briefing.ready');
    expect(json).toHaveLength(1);
    expect(json[0]!.body.data).toMatchObject({ week: '2026-W49', pdf: '/api/briefings/2026-W49.pdf' });
  });

  it('is managed by the admin only, with the changes in the audit log', async () => {
    // A week has passed on the clock: sign in again.
    const admin = { call: async (m: string, p: string, b?: unknown) => app.call(m, p, b, { cookie: await cookieOf(app, 'admin') }) };
    expectError(await (await app.as('office')).call('GET', '/api/webhooks'), 403);
    expectError(await admin.call('POST', '/api/webhooks', { name: 'x', format: 'slack', url: `${base}/x`, events: ['report.overdue'] }), 400);
    expectError(await admin.call('POST', '/api/webhooks', { name: 'x', format: 'json', url: 'ftp://example.org/', events: ['report.overdue'] }), 400);
    const hook = (await admin.call('GET', '/api/webhooks')).body.webhooks[0];
    expect((await admin.call('DELETE', `/api/webhooks/${hook.id}`)).body.active).toBe(false);
    const actions = (await admin.call('GET', '/api/audit')).body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['webhook.create', 'webhook.remove']));
  });
});
