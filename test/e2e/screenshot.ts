/**
 * Takes screenshots of the running product over the demo town, for the README and for review:
 *   npm run screenshot -- [out-dir]   (default docs/)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import { launchBrowser, openPage } from './helper.ts';
import { TownMap } from './driver.ts';

const out = path.resolve(process.argv[2] ?? 'docs');
fs.mkdirSync(out, { recursive: true });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-shots-'));
const server = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dataDir }), () => {});
const browser = await launchBrowser();
const shot = (map: TownMap, name: string) => map.page.screenshot({ path: path.join(out, name) });
try {
  const login = await openPage(browser, server.url);
  await login.page.locator('[data-testid=login]').waitFor();
  await login.page.screenshot({ path: path.join(out, 'login.png') });
  await login.close();

  const map = await TownMap.open(browser, server.url, { as: 'leader' });
  await shot(map, 'screenshot.png');
  await map.zoomToTownCentre();
  await shot(map, 'town-centre.png');
  await map.colourPinsBy('state');
  await shot(map, 'town-centre-states.png');
  await map.switchLanguage();
  await map.settle();
  await shot(map, 'town-centre-en.png');
  await map.close();

  const cleaner = await TownMap.open(browser, server.url, { as: 'cleaner3', path: '/tasks' });
  await cleaner.page.locator('[data-testid=task-item]').first().click();
  await cleaner.page.click('[data-testid=task-details]');
  await cleaner.page.locator('[data-testid=detail-actions]').waitFor();
  await shot(cleaner, 'tasks.png');
  await cleaner.close();

  const phone = await TownMap.open(browser, server.url, { as: 'cleaner3', path: '/tasks', width: 360, height: 640 });
  await shot(phone, 'tasks-phone.png');
  await phone.close();

  const field = await openPage(browser, `${server.url}/field`, { width: 360, height: 640 });
  await field.page.context().grantPermissions(['geolocation']);
  await field.page.context().setGeolocation({ longitude: 105.9404, latitude: 26.1405, accuracy: 15 });
  await field.page.fill('[data-testid=login-username]', 'inspector');
  await field.page.fill('[data-testid=login-password]', 'demo');
  await field.page.click('[data-testid=login-submit]');
  await field.page.locator('[data-testid=drop-pin]').waitFor();
  await field.page.waitForTimeout(1500);
  await field.page.click('[data-testid=drop-pin]');
  await field.page.click('[data-testid=category-exposed_garbage]');
  await field.page.waitForTimeout(500);
  await field.page.screenshot({ path: path.join(out, 'field.png') });
  await field.close();

  const briefing = await TownMap.open(browser, server.url, { as: 'office', path: '/briefing' });
  await briefing.page.frameLocator('[data-testid=briefing-frame]').locator('h1').waitFor();
  await briefing.page.waitForTimeout(500);
  await shot(briefing, 'briefing.png');
  await briefing.close();

  const office = await TownMap.open(browser, server.url, { as: 'office', path: '/ledger' });
  await office.page.check('[data-testid=ledger-overdue]');
  await office.page.locator('[data-testid=ledger-row]').first().click();
  await office.page.locator('[data-testid=report-detail] dl').waitFor();
  await office.page.waitForTimeout(500);
  await shot(office, 'ledger.png');
  await office.page.click('[data-testid=report-detail] button.link');
  await office.page.click('[data-testid=tab-accountability]');
  await office.page.locator('[data-testid=acc-row]').first().waitFor();
  await shot(office, 'accountability.png');
  await office.close();
  const admin = await TownMap.open(browser, server.url, { as: 'office', path: '/admin' });
  const zone = await admin.page.locator('[data-testid=area-pick] option').nth(1).getAttribute('value');
  await admin.page.selectOption('[data-testid=area-pick]', zone!);
  await admin.page.waitForTimeout(1500);
  await shot(admin, 'admin-areas.png');
  await admin.page.click('[data-testid=admin-tab-import]');
  const csv = path.join(dataDir, '台账.csv');
  fs.writeFileSync(csv, '经度,纬度,类别,发现时间,描述\n105.934,26.142,暴露垃圾,2026-11-20 09:30,好\nabc,26.1,暴露垃圾,2026-11-20 09:30,坏\n105.934,26.142,外星垃圾,2026-11-20 09:30,类别\n');
  await admin.page.setInputFiles('[data-testid=import-file]', csv);
  await admin.page.click('[data-testid=import-check]');
  await admin.page.locator('[data-testid=import-summary]').waitFor();
  await shot(admin, 'admin-import.png');
  await admin.close();
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
