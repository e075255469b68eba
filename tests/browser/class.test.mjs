// class.test.mjs — the class page in a real browser: an instructor signs in through /login,
// opens /class, imports a roster CSV with a malformed line and a duplicate login (the errors
// are listed by line and column, nothing is imported), fixes the file (the preview shows
// who is new, then the import shows one-time sign-in links), and the page's numbers —
// gradebook cells, progress per lesson, statistics — equal the API's, for all students and
// for one section. A student opening a sign-in link sets a password. A student gets the 403
// page; the Chinese page; 390 px and 1280 px, light and dark. Throughout: no request leaves
// 127.0.0.1, no CSP violation, no script error. Screenshots: tests/out/screenshots/class-*.png
// (and $TCPLAB_SHOTS_DIR when set).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/helpers.mjs';
import { cli } from '../api/accounts-cli.mjs';
import { launchBrowser, newPage, screenshot } from './helpers.mjs';

const PW = { ida: 'ida-secret-12', stu: 'stu-secret-12' };
const BAD_CSV = 'name,login,email,section\nAda Lovelace,ada,ada@example.org,A\n"Hopper, Grace",grace,,A\n张伟,zhangwei,zw@example.cn,B\nAgain,ada,,B\n"Broken "quote",bq,,A\n';
const GOOD_CSV = 'name,login,email,section\nAda Lovelace,ada,ada@example.org,A\n"Hopper, Grace",grace,,A\n张伟,zhangwei,zw@example.cn,B\nJosé Núñez,jose,,B\n';
let dir, srv, browser, token;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-classpage-'));
  const db = path.join(dir, 't.db');
  cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: PW.ida });
  cli(db, ['user', 'add', '--role', 'student', 'stu'], { password: PW.stu });
  token = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'prof']).trim();
  fs.writeFileSync(path.join(dir, 'bad.csv'), BAD_CSV);
  fs.writeFileSync(path.join(dir, 'good.csv'), GOOD_CSV);
  srv = await startServer({ db });
  srv.db = db;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function shot(page, name) {
  const file = await screenshot(page, `class-${name}`);
  if (process.env.TCPLAB_SHOTS_DIR) {
    fs.mkdirSync(process.env.TCPLAB_SHOTS_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(process.env.TCPLAB_SHOTS_DIR, `${name}.png`));
  }
}

async function api(p) {
  const r = await fetch(`${srv.base}${p}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, p);
  return r.json();
}

async function clean(log, expectedHttp = []) {
  const http = log.httpErrors.map((e) => e.replace(srv.base, ''));
  for (const e of http) assert.ok(expectedHttp.some((re) => re.test(e)), `unexpected HTTP error: ${e}`);
  const statuses = new Set(http.map((e) => e.split(' ')[0]));
  log.consoleErrors = log.consoleErrors.filter((t) => {
    const m = /^Failed to load resource: the server responded with a status of (\d+)/.exec(t);
    return !(m && statuses.has(m[1]));
  });
  assert.deepEqual(log.offsite, []);
  assert.deepEqual(log.csp, []);
  assert.deepEqual(await log.cspInPage(), []);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
}

async function signIn(page, name) {
  await page.goto(`${srv.base}/class`);
  assert.match(page.url(), /\/login\?next=\/class$/, 'a signed-out visitor is sent to sign in');
  await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
  await page.fill('#login-name', name);
  await page.fill('#login-password', PW[name]);
  await page.click('form.tl-login-form button[type="submit"]');
  await page.waitForURL((u) => new URL(u).pathname === '/class');
}

async function loaded(page, n) {
  await page.locator(`section.tl-class[data-loaded="${n}"]`).waitFor({ state: 'attached' });
}

/** Gradebook cells on the page as {login: {key: text}}. */
async function pageGradebook(page) {
  return page.evaluate(() => {
    const out = {};
    for (const tr of document.querySelectorAll('.tl-class-gradebook-table tbody tr')) {
      out[tr.dataset.login] = {};
      for (const td of tr.querySelectorAll('td.tl-class-score')) out[tr.dataset.login][td.dataset.key] = td.textContent;
    }
    return out;
  });
}

const fmt = (v) => (v === null || v === undefined ? '–' : String(Math.round(v * 100) / 100));

async function checkNumbers(page, q) {
  const gb = await api(`/api/v1/gradebook${q}`);
  const shown = await pageGradebook(page);
  assert.deepEqual(Object.keys(shown), gb.students.map((s) => s.name), `gradebook students ${q}`);
  for (const s of gb.students) {
    for (const a of gb.assignments) {
      const k = `${a.kind}:${a.id}`;
      assert.equal(shown[s.name][k], fmt(s.scores[k]), `${s.name} ${k} ${q}`);
    }
  }
  const cls = await api(`/api/v1/class${q}`);
  const prog = await page.evaluate(() => [...document.querySelectorAll('.tl-class-progress-table tbody tr')].map((tr) => [tr.dataset.login,
    [...tr.querySelectorAll('td')].map((td) => [td.dataset.slug, Number(td.dataset.right), Number(td.dataset.attempted)])]));
  assert.deepEqual(prog, cls.students.map((s) => [s.login, cls.lessons.map((l) => [l.slug, s.progress[l.slug].right, s.progress[l.slug].attempted])]), `progress ${q}`);
  const stats = await api(`/api/v1/statistics${q}`);
  const shownStats = await page.evaluate(() => [...document.querySelectorAll('.tl-class-stats-table tbody tr')].map((tr) => [tr.dataset.ref,
    tr.querySelector('.tl-class-attempts').textContent, tr.querySelector('.tl-class-mean').textContent]));
  assert.deepEqual(shownStats, stats.map((s) => [`${s.kind}:${s.ref}`, String(s.attempts), fmt(s.mean_score)]), `statistics ${q}`);
}

test('instructor: a bad CSV shows per-line errors and imports nothing; the fixed file imports; the numbers equal the API', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await signIn(page, 'ida');
    await loaded(page, 1);
    assert.match(await page.innerText('.tl-class-roster-body'), /stu/);

    await page.click('button.tl-class-import');
    await page.setInputFiles('.tl-class-file', path.join(dir, 'bad.csv'));
    await page.locator('.tl-class-errors-table').waitFor();
    const errs = await page.$$eval('.tl-class-errors-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(errs.map((e) => [e[0], e[1]]), [['5', 'login'], ['6', 'name']]);
    assert.match(errs[0][2], /"ada" is already on line 2/);
    assert.match(errs[1][2], /closing quote/);
    assert.match(await page.innerText('.tl-class-import-status'), /Nothing was imported/);
    assert.ok(await page.isDisabled('button.tl-class-confirm'));
    await shot(page, 'import-errors-1280-light');
    const roster = await api('/api/v1/roster');
    assert.deepEqual(roster.students.map((s) => s.login), ['stu'], 'nothing imported');

    await page.setInputFiles('.tl-class-file', path.join(dir, 'good.csv'));
    await page.locator('.tl-class-preview-table').waitFor();
    assert.match(await page.innerText('.tl-class-import-status'), /4 new, 0 changed, 0 unchanged/);
    assert.deepEqual((await api('/api/v1/roster')).students.map((s) => s.login), ['stu'], 'a preview stores nothing');
    await shot(page, 'import-preview-1280-light');
    await page.click('button.tl-class-confirm');
    await page.locator('input.tl-class-link').first().waitFor();
    assert.equal(await page.locator('input.tl-class-link').count(), 4);
    const link = await page.inputValue('input.tl-class-link >> nth=2');
    assert.match(link, /\/signin#tl_/);
    await shot(page, 'import-done-1280-light');
    await page.click('button.tl-class-cancel');
    await loaded(page, 2);
    assert.deepEqual((await api('/api/v1/roster')).students.map((s) => s.login), ['ada', 'grace', 'jose', 'stu', 'zhangwei']);

    // answers by three students, then the page's numbers against the API's
    for (const [u, q, choice] of [['ada', 'q1', 0], ['ada', 'q1', 1], ['ada', 'q2', 0], ['grace', 'q1', 2], ['zhangwei', 'q1', 1]]) {
      const t = cli(srv.db, ['token', 'create', '--role', 'student', '--name', `t-${u}-${q}-${choice}`, '--user', u]).trim();
      const r = await fetch(`${srv.base}/api/v1/variants/v0-three-way-handshake.${q}/submissions`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` }, body: JSON.stringify({ choice }),
      });
      assert.equal(r.status, 200);
    }
    await page.reload();
    await loaded(page, 1);
    await checkNumbers(page, '');
    await shot(page, 'all-1280-light');
    await page.selectOption('.tl-class-section', '=A');
    await loaded(page, 2);
    await checkNumbers(page, '?section=A');
    assert.equal(await page.getAttribute('.tl-class-csv', 'href'), '/api/v1/gradebook?section=A&format=csv');

    // a student's attempt history
    await page.click('.tl-class-roster-table tr[data-login="ada"] button.tl-class-who');
    await page.locator('.tl-class-history-table').waitFor();
    const hist = await api('/api/v1/class/students/ada/attempts');
    assert.ok(hist.attempts.length >= 2);
    assert.equal(await page.locator('.tl-class-history-table tbody tr').count(), hist.attempts.length);
    await shot(page, 'history-1280-light');

    // the student opens the sign-in link and sets a password (another browser context)
    const other = await newPage(browser, { viewport: { width: 390, height: 800 } });
    await other.page.goto(link);
    await other.page.locator('.tl-signin-form:not([hidden])').waitFor();
    assert.match(await other.page.innerText('.tl-signin-status'), /Signed in as zhangwei/);
    assert.ok(!other.page.url().includes('#'), 'the token leaves the address bar');
    await other.page.fill('#signin-password', 'zw-secret-123');
    await other.page.click('.tl-signin-form button[type="submit"]');
    await other.page.locator('.tl-signin-status', { hasText: 'Password saved.' }).waitFor();
    await shot(other.page, 'signin-390-light');
    await clean(other.log);
    await other.context.close();
    const login = await fetch(`${srv.base}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'zhangwei', password: 'zw-secret-123' }) });
    assert.equal(login.status, 200);

    await clean(log, [/^422 POST \/api\/v1\/roster\/import\?dry_run=1$/]);
  } finally {
    await context.close();
  }
});

test('the page in Chinese, dark, at 390 px and 1280 px', async () => {
  for (const [w, scheme, lang] of [[1280, 'dark', 'zh-CN'], [390, 'light', 'zh-CN'], [390, 'dark', 'en'], [1280, 'light', 'en']]) {
    const { context, page, log } = await newPage(browser, { viewport: { width: w, height: 900 }, colorScheme: scheme });
    try {
      await signIn(page, 'ida');
      await page.goto(`${srv.base}/class?lang=${lang}`);
      await loaded(page, 1);
      if (lang === 'zh-CN') {
        assert.equal(await page.innerText('section.tl-class h1'), '班级');
        assert.match(await page.innerText('#class-progress-h'), /各课进度/);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling of the page at ${w} px (tables scroll in their own box): ${overflow}`);
      await shot(page, `page-${w}-${scheme}-${lang}`);
      await clean(log);
    } finally {
      await context.close();
    }
  }
});

test('a student gets the 403 page with a way back', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await signIn(page, 'stu');
    assert.equal(await page.innerText('section.tl-forbidden h1'), 'Not allowed');
    assert.equal(await page.getAttribute('section.tl-forbidden a', 'href'), '/lessons');
    await shot(page, 'forbidden-1280-light');
    await clean(log, [/^403 GET \/class$/]);
  } finally {
    await context.close();
  }
});
