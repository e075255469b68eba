// a11y.test.mjs — axe-core (node_modules/axe-core, pinned in package.json) on every page
// type: home, lesson list, every lesson, playground, login, the editor signed in as an
// instructor, and /progress and /class when the server has them; at 390×844 and 1280×800,
// in English and Chinese, light and dark. Light: every page with every WCAG 2.0/2.1 A and
// AA rule and the best practices. Dark: the same on every page but the lessons, and on every
// lesson the colour rules (color-contrast, link-in-text-block: the only ones a colour scheme
// changes), with every rule on the retransmission lesson. On each lesson page the first
// figure is stepped a few steps first (current, past and future marks drawn) and its step
// table opened; on the desktop the last figure's state diagram is toggled (enlarged, or back
// to the side column where it starts large). Asserts 0 axe violations and 0 console errors,
// page errors or CSP violations. One browser, one context per combination.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/helpers.mjs';
import { cli } from '../api/accounts-cli.mjs';
import { launchBrowser, newPage, repoRoot } from './helpers.mjs';

const AXE = fs.readFileSync(path.join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
const SLUGS = fs.readdirSync(path.join(repoRoot, 'lessons'))
  .filter((f) => f.endsWith('.md') && !f.includes('.zh-CN.'))
  .map((f) => f.slice(0, -3))
  .sort();
const SAMPLE_LESSONS = ['retransmission'];
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];
const PW = 'ida-secret-12';

let dir;
let srv;
let browser;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcplab-a11y-'));
  const db = path.join(dir, 't.db');
  cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: PW });
  srv = await startServer({ db, args: ['--static', 'static', '--lessons', 'lessons'] });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs axe in the page (injected through the devtools protocol, which the page's CSP does
 * not govern); returns "rule: target — summary" lines. */
async function axe(page, colourOnly = false) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const only = colourOnly ? { type: 'rule', values: COLOUR_RULES }
    : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] };
  const run = () => page.evaluate((runOnly) => window.axe.run(document, {
    runOnly,
    resultTypes: ['violations'],
  }), only);
  // axe cannot name an element that a script replaced while it ran (a quiz fetching its
  // numbers): settle and run once more then.
  const res = await run().catch(async () => {
    await page.waitForLoadState('networkidle');
    return run();
  });
  return res.violations.flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.target.join(' ')} — ${(n.failureSummary || v.help).replace(/\s+/g, ' ').slice(0, 200)}`));
}

async function open(page, p, lang) {
  await page.goto(`${srv.base}${p}${p.includes('?') ? '&' : '?'}lang=${lang}`, { waitUntil: 'networkidle' });
  await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached', timeout: 5000 }).catch(() => {});
}

/** Steps the first figure of a lesson page and opens its step table. */
async function exercise(page) {
  const fig = page.locator('figure.tl-scenario').first();
  if (!(await fig.count())) return;
  await fig.locator('.tl-player .tl-next').waitFor();
  for (let i = 0; i < 3; i++) await fig.locator('.tl-player .tl-next').evaluate((b) => b.click());
  await fig.locator('details.tl-steps-details').evaluate((d) => { d.open = true; });
  const zoom = page.locator('figure.tl-scenario .tl-zoom').last();
  if (await zoom.isVisible()) await zoom.click();
}

async function signIn(page, lang) {
  await open(page, '/login?next=/editor', lang);
  await page.fill('#login-name', 'ida');
  await page.fill('#login-password', PW);
  await Promise.all([page.waitForURL(/\/editor/), page.click('form.tl-login-form button[type="submit"]')]);
  await page.locator('section.tl-editor').waitFor();
  await page.waitForLoadState('networkidle');
  // the preview's players have started
  await page.waitForFunction(() => !document.querySelector('figure.tl-scenario:not(.tl-js)'));
}

const COMBOS = [];
for (const width of [390, 1280]) {
  for (const scheme of ['light', 'dark']) {
    for (const lang of ['en', 'zh-CN']) COMBOS.push({ width, scheme, lang, full: scheme === 'light' });
  }
}

for (const { width, scheme, lang, full } of COMBOS) {
  test(`axe: 0 violations, 0 console errors at ${width} px, ${lang}, ${scheme}`, async () => {
    const viewport = { width, height: width < 500 ? 844 : 800 };
    const { context, page, log } = await newPage(browser, { viewport, colorScheme: scheme });
    const problems = [];
    try {
      const pages = ['/', '/lessons', ...SLUGS.map((s) => `/lessons/${s}`), '/playground', '/login'];
      for (const p of pages) {
        await open(page, p, lang);
        const lesson = p.startsWith('/lessons/');
        if (lesson) await exercise(page);
        const colourOnly = !full && lesson && !SAMPLE_LESSONS.includes(p.slice('/lessons/'.length));
        for (const v of await axe(page, colourOnly)) problems.push(`${p}${colourOnly ? ' (colour rules)' : ''}: ${v}`);
      }
      await signIn(page, lang);
      for (const v of await axe(page)) problems.push(`/editor: ${v}`);
      for (const p of ['/progress', '/class']) {
        const r = await page.request.get(`${srv.base}${p}`);
        if (r.status() === 404) continue;
        await open(page, p, lang);
        for (const v of await axe(page)) problems.push(`${p}: ${v}`);
      }
      assert.deepEqual(problems, [], `${problems.length} axe violations:\n${problems.slice(0, 40).join('\n')}`);
      assert.deepEqual(log.consoleErrors, [], 'expected no console error');
      assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
      assert.deepEqual(log.csp, [], 'expected no CSP violation');
      assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
    } finally {
      await context.close();
    }
  });
}
