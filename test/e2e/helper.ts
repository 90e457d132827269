import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

// The only module that touches Playwright. Chromium comes from Debian (`apt-get install chromium`).

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  // WebGL (the map) still draws through SwiftShader; the page itself is composited on the CPU instead of through
  // emulated GPU calls, which kept the GPU process busy for seconds after each map was drawn (end-to-end files ran
  // 15-19 % faster with it on this machine, and the colours they read off screenshots still match).
  '--disable-gpu-compositing',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it with "apt-get install -y chromium" (or set CHROMIUM_PATH); the end-to-end tests need a real browser.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraArgs], headless: true });
}

export interface PageOptions {
  width?: number;
  height?: number;
  locale?: string;
}

/** A fresh page whose console errors and failed requests are collected for the test to check. */
export async function openPage(browser: Browser, url: string, opts: PageOptions = {}) {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // requests cut short because the page navigated away are not failures
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  await page.goto(url);
  return { page, problems, close: () => context.close() };
}

export async function screenshot(page: Page, file?: string): Promise<Buffer> {
  return page.screenshot({ path: file, type: 'png' });
}

export type { Browser, Page };
