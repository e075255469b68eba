// lessons-sync.test.mjs — the editor's "which copy is the source" line in a real browser:
// a lesson just imported says it matches its file; a lesson whose file changed on disk says
// so and names `tcplab lessons import`; after a Save in the browser the line says the
// database is newer. English and Chinese, light and dark, 390 px and 1280 px.
// Throughout: no request leaves 127.0.0.1, no CSP violation, no script error.
// Screenshots: tests/out/screenshots/lessons-sync-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startServer } from '../api/helpers.mjs';
import { cli } from '../api/accounts-cli.mjs';
import { launchBrowser, newPage, screenshot } from './helpers.mjs';

const PW = 'ida-secret-12';
let dir;
let course;
let srv;
let browser;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-lessons-sync-ui-'));
  course = path.join(dir, 'course');
  cpSync(path.join(repoRoot, 'lessons'), course, { recursive: true });
  const db = path.join(dir, 't.db');
  cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: PW });
  srv = await startServer({ db, args: ['--lessons', course] });
  // after the first-start import: the time-wait file changes on disk
  const tw = path.join(course, 'time-wait.md');
  writeFileSync(tw, readFileSync(tw, 'utf8').replace('\n# ', '\n# (edited on disk) '));
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function clean(log) {
  assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
  assert.deepEqual(log.csp, [], 'expected no CSP violation reported in the console');
  assert.deepEqual(await log.cspInPage(), [], 'expected no securitypolicyviolation event');
  assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
  assert.deepEqual(log.consoleErrors, [], 'expected no console error');
}

async function signIn(page) {
  await page.goto(`${srv.base}/login?next=/editor`);
  await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
  await page.fill('#login-name', 'ida');
  await page.fill('#login-password', PW);
  await page.click('form.tl-login-form button[type="submit"]');
  await page.waitForURL((u) => new URL(u).pathname === '/editor');
}

async function open(page, slug, lang) {
  await page.goto(`${srv.base}/editor?slug=${slug}&locale=en&lang=${lang}`);
  await page.locator('section.tl-editor[data-editor-state="ready"]').waitFor({ state: 'attached' });
  const line = page.locator('p.tl-editor-files[data-state]');
  await line.waitFor();
  return line;
}

const TEXT = {
  en: { same: /^Source: the database\. It matches the file .*\/course\/reset\.md \(last synced with the files .+\)\.$/,
    fileNewer: /The file .*\/course\/time-wait\.md changed since the last import .*tcplab lessons import/,
    dbNewer: /edited here since the last import from files .*tcplab lessons export/ },
  'zh-CN': { same: /^来源：数据库，与文件 .*\/course\/retransmission\.md 内容一致（上次与文件同步：.+）。$/,
    fileNewer: /文件 .*\/course\/time-wait\.md 在上次导入（.+）之后改过，用 tcplab lessons import/,
    dbNewer: /这里有新的修改，文件 .*retransmission\.md 是旧版本/ },
};

for (const lang of ['en', 'zh-CN']) {
  test(`${lang}: the source line follows the files and the saves`, async () => {
    const { context, page, log } = await newPage(browser);
    try {
      await signIn(page);
      const slug = lang === 'en' ? 'reset' : 'retransmission';
      let line = await open(page, slug, lang);
      assert.equal(await line.getAttribute('data-state'), 'same');
      assert.match(await line.innerText(), TEXT[lang].same);
      line = await open(page, 'time-wait', lang);
      assert.equal(await line.getAttribute('data-state'), 'file-newer');
      assert.match(await line.innerText(), TEXT[lang].fileNewer);
      assert.equal(await line.locator('code').innerText(), 'tcplab lessons import');
      await screenshot(page, `lessons-sync-file-newer-${lang}`);

      // a Save in the browser: the database is newer than the file now
      await open(page, slug, lang);
      const text = await page.inputValue('.tl-editor-text');
      await page.fill('.tl-editor-text', `${text.trimEnd()}\n\nSaved in the browser (${lang}).\n`);
      await page.click('button.tl-editor-save');
      await page.locator('p.tl-editor-files[data-state="database-newer"]').waitFor();
      assert.match(await page.innerText('p.tl-editor-files'), TEXT[lang].dbNewer);
      await screenshot(page, `lessons-sync-database-newer-${lang}`);
      await clean(log);
    } finally {
      await context.close();
    }
  });
}

test('the line at 390 px and in dark mode stays inside the page', async () => {
  for (const [w, scheme] of [[390, 'dark'], [390, 'light'], [1280, 'dark']]) {
    const { context, page, log } = await newPage(browser, { viewport: { width: w, height: 900 }, colorScheme: scheme });
    try {
      await signIn(page);
      const line = await open(page, 'time-wait', w === 390 && scheme === 'light' ? 'zh-CN' : 'en');
      const box = await line.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= w, `inside ${w} px`);
      const wraps = await line.evaluate((e) => e.scrollWidth <= e.clientWidth);
      assert.ok(wraps, 'the line wraps instead of overflowing');
      await line.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(repoRoot, `tests/out/screenshots/lessons-sync-${w}-${scheme}.png`) });
      await clean(log);
    } finally {
      await context.close();
    }
  }
});
