// helpers.mjs — shared pieces of the browser tests: Debian's chromium driven by
// playwright-core (never a downloaded browser), a page wrapper that records every request
// leaving 127.0.0.1 (and blocks it), CSP violations, console errors, page errors and the
// bytes transferred, screenshots under tests/out/screenshots/, and the usual fixture (the
// server with the bundled static files and lessons, and a browser).
import { chromium } from 'playwright-core';
import { after, before } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../api/helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const shotDir = path.join(repoRoot, 'tests/out/screenshots');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

/** Launches headless chromium (a fresh temporary user-data dir per launch). */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`expected a chromium binary at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A new context + page with guards. Returns {context, page, log} where log has:
 * offsite (URLs that tried to leave 127.0.0.1; they are aborted), csp (violation texts),
 * consoleErrors, pageErrors, httpErrors ("STATUS METHOD URL" of every response >= 400), bytes() (sum of transferred bytes of finished requests since the
 * last resetBytes()), resetBytes().
 */
export async function newPage(browser, { viewport = { width: 1280, height: 900 }, colorScheme = 'light', locale } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, locale });
  const log = { offsite: [], csp: [], consoleErrors: [], pageErrors: [], transfers: [], httpErrors: [] };
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if ((u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') && u.hostname !== '127.0.0.1') {
      log.offsite.push(u.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(Number(process.env.TCPLAB_BROWSER_TIMEOUT_MS) || 20000);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp = window.__csp || [];
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) log.csp.push(text);
    else if (msg.type() === 'error') log.consoleErrors.push(text);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) log.httpErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err && err.message)));
  page.on('requestfinished', async (req) => {
    try {
      const s = await req.sizes();
      log.transfers.push({ url: req.url(), bytes: s.responseBodySize + s.responseHeadersSize });
    } catch {
      /* page closed */
    }
  });
  log.bytes = () => log.transfers.reduce((a, t) => a + t.bytes, 0);
  log.resetBytes = () => { log.transfers.length = 0; };
  log.cspInPage = async () => page.evaluate(() => window.__csp || []);
  return { context, page, log };
}

/** Full-page screenshot to tests/out/screenshots/NAME.png; returns the path. */
export async function screenshot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** State of each side after step k (1-based; 0 = before step 1), computed from a trace the
 * way a reader of the trace would: the last state_after of that endpoint's steps so far. */
export function statesAfter(trace, k) {
  const st = { client: 'CLOSED', server: 'CLOSED' };
  for (const ep of ['client', 'server']) {
    const first = trace.steps.find((s) => s.endpoint === ep);
    if (first) st[ep] = first.state_before;
  }
  for (const s of trace.steps.slice(0, k)) st[s.endpoint] = s.state_after;
  return st;
}

/** Presses a key n times on the page (focus must already be where it should be). */
export async function press(page, key, n = 1) {
  for (let i = 0; i < n; i++) await page.keyboard.press(key);
}

/** Registers before/after hooks for the usual fixture: a server (tests/api/helpers.mjs
 * startServer) with the bundled static files and lessons, and a browser. Returns an object
 * whose `srv` and `browser` are set once `before` has run. */
export function withLessonServer() {
  const env = { srv: null, browser: null };
  before(async () => {
    env.srv = await startServer({ args: ['--static', 'static', '--lessons', 'lessons'] });
    env.browser = await launchBrowser();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.srv) await env.srv.stop();
  });
  return env;
}
