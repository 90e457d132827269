// Scratch: screenshot the running app.
import { launchBrowser, openPage } from './helper.ts';
const [url, out, w, h] = process.argv.slice(2);
const b = await launchBrowser();
const { page, problems, close } = await openPage(b, url!, { width: Number(w ?? 1280), height: Number(h ?? 800) });
await page.waitForFunction(() => window.__hotspots?.ready === true, null, { timeout: 60000 });
await page.waitForTimeout(2500);
if (process.env.ACTION === 'centre') { await page.click('[data-testid=fit-centre]'); await page.waitForTimeout(2500); }
await page.screenshot({ path: out! });
console.log(problems.join('\n'));
await close(); await b.close();
