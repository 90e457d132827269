/**
 * Takes screenshots of the running product over the demo town, for the README and for review:
 *   npm run screenshot -- [out-dir]   (default docs/)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import { launchBrowser } from './helper.ts';
import { TownMap } from './driver.ts';

const out = path.resolve(process.argv[2] ?? 'docs');
fs.mkdirSync(out, { recursive: true });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-shots-'));
const server = await startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: dataDir }), () => {});
const browser = await launchBrowser();
try {
  const map = await TownMap.open(browser, server.url);
  await map.page.screenshot({ path: path.join(out, 'screenshot.png') });
  await map.zoomToTownCentre();
  await map.page.screenshot({ path: path.join(out, 'town-centre.png') });
  await map.switchLanguage();
  await map.settle();
  await map.page.screenshot({ path: path.join(out, 'town-centre-en.png') });
  await map.close();
  const phone = await TownMap.open(browser, server.url, { width: 360, height: 640 });
  await phone.page.screenshot({ path: path.join(out, 'phone.png') });
  await phone.close();
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
