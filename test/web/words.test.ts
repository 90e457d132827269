import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from '../helpers/app.ts';
import { errorText } from '../../web/i18n/errors.ts';
import { zhCN } from '../../web/i18n/zh-CN.ts';
import { en } from '../../web/i18n/en.ts';
import { ACTIONS } from '../../server/domain/lifecycle.ts';

// The UI in one language: a refusal, an event in an item's history and an entry in the audit log are shown in
// words of the UI's language, never as a raw key or the validator's English.

const LATIN = /[A-Za-z]{3,}/;

describe('refusals in the UI language', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await demoApp('sqlite', { scale: 0.1 });
  });
  afterAll(async () => {
    await app?.drop();
  });

  it('words each problem of a refused form from its code, in Chinese or English', async () => {
    const admin = await app.as('admin');
    const res = await admin.call('POST', '/api/users', { username: '', displayName: '', role: 'inspector', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Too small|expected/);
    const zh = errorText(res.body.error, 'zh-CN');
    expect(zh).toContain('用户名');
    expect(zh).not.toMatch(LATIN);
    const english = errorText(res.body.error, 'en');
    expect(english).toContain('user name');
    expect(english).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('shows a bilingual refusal in the UI language only', async () => {
    const office = await app.as('office');
    const res = await office.call('GET', '/api/reports/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(errorText(res.body.error, 'zh-CN')).not.toMatch(/No report/);
    expect(errorText({ code: 'network', message: 'Failed to fetch' }, 'zh-CN')).not.toMatch(LATIN);
  });

  it('has words for every event an item can have and every action the audit log records', async () => {
    const stored = await app.deps.store.db.selectFrom('report_events').select('type').distinct().execute();
    const types = new Set([...stored.map((r) => r.type), ...ACTIONS, 'created', 'sighting', 'overdue', 'merged_in', 'rerouted', 'imported']);
    for (const type of types) {
      expect(zhCN, type).toHaveProperty([`event.${type}`]);
      expect(en, type).toHaveProperty([`event.${type}`]);
    }
    // the audit actions the server writes, read off its source
    const actions = new Set<string>();
    const walk = (dir: string) => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, f.name);
        if (f.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const src = fs.readFileSync(p, 'utf8');
          if (!src.includes('recordAudit(')) continue;
          for (const m of src.matchAll(/action: (?:[a-z]+ \? )?'([a-z_]+\.[a-z_]+)'(?: : '([a-z_]+\.[a-z_]+)')?/g)) {
            actions.add(m[1]!);
            if (m[2]) actions.add(m[2]);
          }
        }
      }
    };
    walk('server');
    expect(actions.size).toBeGreaterThan(15);
    for (const a of actions) {
      expect(zhCN, a).toHaveProperty([`audit.${a}`]);
      expect(en, a).toHaveProperty([`audit.${a}`]);
    }
  });
});
