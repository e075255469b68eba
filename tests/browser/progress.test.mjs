// progress.test.mjs — progress that counts, in a real browser (playwright-core, Debian's
// chromium): a student signs in from a lesson's header link and comes back to the lesson,
// answers, reloads and finds the answers and results restored (also in a fresh browser, on
// the same numbers); the lesson list shows "solved of total" and /progress lists the lesson
// with score and attempts; signing out leaves the page anonymous again, with the quiet
// "Sign in to keep your answers" line. Where sign-in lands: a student at /lessons (never the
// editor's 403), an instructor at /editor, both back at a page they came from; next= values
// that would leave the site are refused. Both languages, 390 px and 1280 px, light and dark:
// screenshots tests/out/screenshots/progress-*.png; no horizontal scrolling on the phone.
// Throughout: no request leaves 127.0.0.1, no CSP violation, no script or console error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/helpers.mjs';
import { cli } from '../api/accounts-cli.mjs';
import { launchBrowser, newPage, screenshot, shotDir } from './helpers.mjs';

const LESSON = 'three-way-handshake';
const PW = { stu: 'stu-secret-12', ida: 'ida-secret-12', kim: 'kim-secret-12', pat: 'pat-secret-12' };
let dir, srv, browser;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-progress-br-'));
  const db = path.join(dir, 't.db');
  cli(db, ['user', 'add', '--role', 'student', 'stu'], { password: PW.stu });
  cli(db, ['user', 'add', '--role', 'student', 'kim'], { password: PW.kim });
  cli(db, ['user', 'add', '--role', 'student', 'pat'], { password: PW.pat });
  cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: PW.ida });
  srv = await startServer({ db, args: ['--static', 'static', '--lessons', 'lessons'] });
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
  assert.deepEqual(log.httpErrors, [], 'expected no HTTP error');
  assert.deepEqual(log.consoleErrors, [], 'expected no console error');
}

/** A screenshot of the viewport (not the whole long page) to tests/out/screenshots/NAME.png. */
async function viewShot(page, name) {
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
}

const ready = (page) => page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
const question = (page, id) => page.locator(`form.tl-question[data-question="${LESSON}.${id}"]`);

/** Fills the sign-in form on the current /login page and waits until `landing` (a path). */
async function submitLogin(page, name, landing) {
  await ready(page);
  await page.fill('#login-name', name);
  await page.fill('#login-password', PW[name]);
  await page.click('form.tl-login-form button[type="submit"]');
  await page.waitForURL((u) => u.pathname + u.search === landing || u.pathname === landing.split('?')[0]);
  await ready(page);
}

async function isns(q) {
  return {
    client: (await q.locator('var.tl-param[data-param="client_iss"]').textContent()).trim(),
    server: (await q.locator('var.tl-param[data-param="server_iss"]').textContent()).trim(),
  };
}

function ladderFor({ client, server }) {
  const c = BigInt(client), s = BigInt(server), m = 1n << 32n;
  return { 'seq-1': c, 'ack-1': 0n, 'seq-2': s, 'ack-2': (c + 1n) % m, 'seq-3': (c + 1n) % m, 'ack-3': (s + 1n) % m };
}

async function check(q, verdictClass) {
  const answered = q.page().waitForResponse((r) => r.url().includes('/submissions') && r.request().method() === 'POST');
  await q.locator('button[type="submit"]').click();
  assert.equal((await answered).status(), 200);
  await q.locator(`.tl-feedback.${verdictClass}`).waitFor();
}

let cookies = null; // stu's signed-in session, for the screenshot matrix
let numbers = null; // the q4 numbers stu answered

test('a student signs in from a lesson, answers, reloads: answers restored; progress on /lessons and /progress', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${srv.base}/lessons/${LESSON}?lang=en`);
    await ready(page);
    // anonymous: the header says Sign in, the quiz has the quiet line
    const signin = page.locator('header .tl-account a.tl-signin');
    assert.equal((await signin.textContent()).trim(), 'Sign in');
    assert.equal(await signin.getAttribute('href'), `/login?next=/lessons/${LESSON}`);
    const line = page.locator('section.tl-quiz > p.tl-keep-progress');
    await line.waitFor();
    assert.equal((await line.textContent()).trim(), 'Sign in to keep your answers and see your progress.');
    assert.equal(await line.locator('a').getAttribute('href'), `/login?next=/lessons/${LESSON}`);

    await signin.click();
    await page.waitForURL(`${srv.base}/login?next=/lessons/${LESSON}`);
    await submitLogin(page, 'stu', `/lessons/${LESSON}`);
    assert.equal(new URL(page.url()).pathname, `/lessons/${LESSON}`, 'back on the lesson after signing in');
    const account = page.locator('header .tl-account.tl-signed-in');
    await account.locator('.tl-account-name').waitFor();
    assert.equal((await account.locator('a.tl-account-progress').textContent()).trim(), 'My progress');
    assert.equal((await account.locator('button.tl-signout').textContent()).trim(), 'Sign out');
    assert.equal(await account.locator('a.tl-account-editor').count(), 0, 'no editor link for a student');
    assert.equal((await account.locator('.tl-account-name').textContent()).trim(), 'stu');
    await page.locator('section.tl-quiz > p.tl-keep-progress a[href="/progress"]').waitFor();
    assert.equal((await page.locator('section.tl-quiz > p.tl-keep-progress').textContent()).trim(),
      'Your answers are saved: see My progress.');

    // answers: q1 right, q2 right, q4 (drawn numbers) right, q5 partly right
    const q1 = question(page, 'q1');
    await q1.locator('input[name="choice"][value="1"]').check();
    await check(q1, 'tl-ok');
    const q2 = question(page, 'q2');
    await q2.locator('select[name="state"]').selectOption('SYN-RECEIVED');
    await check(q2, 'tl-ok');
    const q4 = question(page, 'q4');
    await q4.locator('.tl-prompt.tl-prompt-ready').waitFor();
    numbers = await isns(q4);
    const variant = await q4.getAttribute('data-variant');
    for (const [n, v] of Object.entries(ladderFor(numbers))) await q4.locator(`input[name="${n}"]`).fill(String(v));
    await check(q4, 'tl-ok');
    const q5 = question(page, 'q5');
    await q5.locator('input[name="choices"][value="0"]').check();
    await check(q5, 'tl-partial');

    // reload: every answer and result is back
    await page.reload();
    await ready(page);
    await page.locator('form.tl-question[data-restored="1"]').nth(3).waitFor({ state: 'attached' });
    assert.equal(await page.locator('form.tl-question[data-restored="1"]').count(), 4, 'four answered questions restored');
    assert.equal(await question(page, 'q1').locator('input[name="choice"][value="1"]').isChecked(), true);
    await question(page, 'q1').locator('.tl-feedback.tl-ok').waitFor();
    assert.equal(await question(page, 'q2').locator('select[name="state"]').inputValue(), 'SYN-RECEIVED');
    assert.equal(await question(page, 'q4').getAttribute('data-variant'), variant, 'the same variant');
    assert.deepEqual(await isns(question(page, 'q4')), numbers, 'the same numbers');
    for (const [n, v] of Object.entries(ladderFor(numbers))) {
      assert.equal(await question(page, 'q4').locator(`input[name="${n}"]`).inputValue(), String(v), n);
    }
    await question(page, 'q4').locator('.tl-feedback.tl-ok').waitFor();
    assert.deepEqual(await question(page, 'q5').locator('input[name="choices"]:checked').evaluateAll((xs) => xs.map((x) => x.value)), ['0']);
    await question(page, 'q5').locator('.tl-feedback.tl-partial').waitFor();
    assert.equal(await question(page, 'q3').getAttribute('data-restored'), null, 'an unanswered question stays blank');
    assert.equal((await question(page, 'q3').locator('.tl-feedback').textContent()).trim(), '');
    await question(page, 'q4').scrollIntoViewIfNeeded();
    await viewShot(page, 'progress-restored-en');

    // the lesson list shows solved of total
    await page.goto(`${srv.base}/lessons?lang=en`);
    await ready(page);
    const card = page.locator(`li.tl-lesson-item:has(a[href="/lessons/${LESSON}"])`);
    const bar = card.locator('p.tl-lesson-progress progress');
    await bar.waitFor();
    assert.deepEqual([await bar.getAttribute('value'), await bar.getAttribute('max')], ['3', '6']);
    assert.equal(await bar.getAttribute('aria-label'), '3 of 6 questions solved');
    assert.equal((await card.locator('p.tl-lesson-progress').textContent()).trim(), '3 / 6 solved');
    assert.equal((await page.locator('li.tl-lesson-item:has(a[href="/lessons/time-wait"]) p.tl-lesson-progress').textContent()).trim(), '0 / 6 solved');

    // My progress
    await page.locator('header a.tl-account-progress').click();
    await page.waitForURL(`${srv.base}/progress`);
    await ready(page);
    assert.equal(await page.locator('header a.tl-account-progress').getAttribute('aria-current'), 'page');
    const item = page.locator(`li.tl-progress-lesson:has(a[href="/lessons/${LESSON}"])`);
    assert.equal(await item.locator('progress').getAttribute('aria-label'), '3 of 6 questions solved');
    assert.match(await item.locator('dl.tl-progress-facts').innerText(), /Score:?\s*\d+%[\s\S]*Answers sent:?\s*4/);
    await item.locator('details summary').click();
    assert.match(await item.locator('ol.tl-progress-questions').innerText(), /Question 1 solved · 1 answer[\s\S]*Question 3 not answered yet/);
    await screenshot(page, 'progress-page-en');

    // sign out: the same page for anyone (here /progress is for the signed-in: /lessons)
    await page.goto(`${srv.base}/lessons/${LESSON}?lang=en`);
    await ready(page);
    await page.locator('header button.tl-signout').click();
    await page.waitForURL(`${srv.base}/lessons/${LESSON}?lang=en`);
    await page.locator('header .tl-account a.tl-signin').waitFor();
    await page.locator('section.tl-quiz > p.tl-keep-progress a.tl-signin, section.tl-quiz > p.tl-keep-progress a[href^="/login"]').waitFor();
    assert.equal(await page.locator('form.tl-question[data-restored]').count(), 0, 'nothing restored when signed out');
    assert.equal(await question(page, 'q1').locator('input[name="choice"]:checked').count(), 0);
    await clean(log);
  } finally {
    await context.close();
  }
});

test('practice: a wrong answer with drawn numbers, restored after a reload, still offers new numbers', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${srv.base}/login?next=/lessons/${LESSON}&lang=en`);
    await submitLogin(page, 'pat', `/lessons/${LESSON}`);
    const q4 = question(page, 'q4');
    await q4.locator('.tl-prompt.tl-prompt-ready').waitFor();
    const first = await isns(q4);
    for (const n of ['seq-1', 'ack-1', 'seq-2', 'ack-2', 'seq-3', 'ack-3']) await q4.locator(`input[name="${n}"]`).fill('7');
    await check(q4, 'tl-bad');
    await q4.locator('.tl-feedback button.tl-show-answer').click();
    await q4.locator('.tl-feedback button.tl-new-variant').waitFor();

    await page.reload();
    await ready(page);
    await page.locator(`form.tl-question[data-question="${LESSON}.q4"][data-restored="1"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await isns(q4), first, 'the restored answer on its own numbers');
    assert.equal(await q4.locator('input[name="seq-1"]').inputValue(), '7', 'the answer is back');
    const again = q4.locator('.tl-feedback button.tl-new-variant');
    await again.waitFor();
    assert.equal((await again.textContent()).trim(), 'Try again with new numbers');
    const oldVariant = await q4.getAttribute('data-variant');
    await again.click();
    await page.waitForFunction((v) => document.querySelector(`form.tl-question[data-question$=".q4"]`).getAttribute('data-variant') !== v, oldVariant);
    assert.notDeepEqual(await isns(q4), first, 'expected new ISNs in the prompt');
    assert.equal(await q4.locator('input[name="seq-1"]').inputValue(), '', 'typed answers cleared');
    assert.equal((await q4.locator('.tl-feedback').textContent()).trim(), '', 'feedback cleared');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('another browser: after signing in, the same answers on the same numbers', async () => {
  assert.ok(numbers, 'needs the first test');
  const { context, page, log } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await page.goto(`${srv.base}/login?next=${encodeURIComponent(`/lessons/${LESSON}`)}`);
    await submitLogin(page, 'stu', `/lessons/${LESSON}`);
    const q4 = question(page, 'q4');
    await page.locator(`form.tl-question[data-question="${LESSON}.q4"][data-restored="1"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await isns(q4), numbers, 'no seed in this browser: the numbers come from the stored attempt');
    assert.equal(await q4.locator('input[name="seq-1"]').inputValue(), numbers.client);
    cookies = await context.cookies();
    await clean(log);
  } finally {
    await context.close();
  }
});

test('where sign-in lands: students on the page they came from or /lessons, instructors on /editor; next= never leaves the site', async () => {
  const cases = [
    // [user, /login query, expected landing path]
    ['stu', '', '/lessons'],
    ['stu', '?next=/editor', '/lessons'],
    ['stu', `?next=${encodeURIComponent('/editor?slug=reset')}`, '/lessons'],
    ['stu', `?next=${encodeURIComponent('/playground?scenario=lost-syn')}`, '/playground?scenario=lost-syn'],
    ['stu', `?next=${encodeURIComponent('//evil.example/x')}`, '/lessons'],
    ['stu', `?next=${encodeURIComponent('https://evil.example/x')}`, '/lessons'],
    ['stu', `?next=${encodeURIComponent('/\\evil.example')}`, '/lessons'],
    ['stu', `?next=${encodeURIComponent('javascript:alert(1)')}`, '/lessons'],
    ['ida', '', '/editor'],
    ['ida', `?next=${encodeURIComponent('//evil.example/')}`, '/editor'],
    ['ida', `?next=/lessons/${LESSON}`, `/lessons/${LESSON}`],
  ];
  for (const [who, query, landing] of cases) {
    const { context, page, log } = await newPage(browser);
    try {
      await page.goto(`${srv.base}/login${query}`);
      await submitLogin(page, who, landing);
      const u = new URL(page.url());
      assert.equal(u.origin, srv.base, `${who} ${query}: stays on the site`);
      // (the editor then puts the lesson it opened into its own query)
      if (landing.startsWith('/playground?scenario=')) {
        // the playground moves the scenario it opened into its own #s=…&from=NAME
        assert.equal(u.pathname, '/playground', `${who} ${query}`);
        const name = landing.split('=')[1];
        assert.ok(u.search === `?scenario=${name}` || new URLSearchParams(u.hash.slice(1)).get('from') === name,
          `${who} ${query}: the playground opened ${name} (${u.search}${u.hash.slice(0, 40)})`);
      } else {
        assert.equal(landing === '/editor' ? u.pathname : u.pathname + u.search, landing, `${who} ${query}`);
      }
      if (landing === '/editor') await page.locator('section.tl-editor').waitFor();
      assert.equal(await page.locator('section.tl-forbidden').count(), 0, `${who} ${query}: never the 403 page`);
      if (who === 'ida') await page.locator('header .tl-account a.tl-account-editor').waitFor();
      await clean(log);
    } finally {
      await context.close();
    }
  }
  // the header's link from a page: back to that page, query included
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${srv.base}/playground?scenario=lost-syn`);
    await ready(page);
    await page.locator('header a.tl-signin').click();
    await page.waitForURL(/\/login\?next=/);
    await submitLogin(page, 'kim', '/playground?scenario=lost-syn');
    const back = new URL(page.url());
    assert.ok(back.search === '?scenario=lost-syn' || new URLSearchParams(back.hash.slice(1)).get('from') === 'lost-syn',
      `back on the playground with lost-syn (${back.search}${back.hash.slice(0, 40)})`);
    await clean(log);
  } finally {
    await context.close();
  }
});

test('both languages, 390 px and 1280 px, light and dark: header, lesson list, quiz and /progress', async () => {
  assert.ok(cookies, 'needs the signed-in session of the second test');
  const texts = {
    en: { progress: 'My progress', signout: 'Sign out', solved: '3 / 6 solved', kept: 'Your answers are saved: see My progress.', h1: 'My progress' },
    'zh-CN': { progress: '我的进度', signout: '退出登录', solved: '已答对 3 / 6', kept: '你的答案会自动保存，可在我的进度中查看。', h1: '我的学习进度' },
  };
  for (const lang of ['en', 'zh-CN']) {
    for (const width of [390, 1280]) {
      for (const scheme of ['light', 'dark']) {
        const tag = `${lang}-${width}-${scheme}`;
        const { context, page, log } = await newPage(browser, { viewport: { width, height: width < 500 ? 844 : 800 }, colorScheme: scheme });
        try {
          await context.addCookies(cookies);
          const T = texts[lang];
          await page.goto(`${srv.base}/lessons?lang=${lang}`);
          await ready(page);
          await page.locator('li.tl-lesson-item p.tl-lesson-progress').first().waitFor();
          assert.equal((await page.locator('header a.tl-account-progress').textContent()).trim(), T.progress, tag);
          assert.equal((await page.locator('header button.tl-signout').textContent()).trim(), T.signout, tag);
          const card = page.locator(`li.tl-lesson-item:has(a[href="/lessons/${LESSON}"]) p.tl-lesson-progress`);
          assert.equal((await card.textContent()).trim(), T.solved, tag);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${tag}: /lessons scrolls sideways by ${overflow} px`);
          const header = await page.locator('header.tl-header').boundingBox();
          assert.ok(header.height < (width < 500 ? 170 : 80), `${tag}: header is ${header.height} px tall`);
          await screenshot(page, `progress-lessons-${tag}`);

          await page.goto(`${srv.base}/lessons/${LESSON}?lang=${lang}`);
          await ready(page);
          const quiz = page.locator('section.tl-quiz');
          await page.locator('form.tl-question[data-restored="1"]').nth(3).waitFor({ state: 'attached' });
          assert.equal((await quiz.locator('p.tl-keep-progress').textContent()).trim(), T.kept, tag);
          await quiz.locator('p.tl-keep-progress').scrollIntoViewIfNeeded();
          await viewShot(page, `progress-quiz-${tag}`);

          await page.goto(`${srv.base}/progress?lang=${lang}`);
          await ready(page);
          assert.equal((await page.locator('main h1').textContent()).trim(), T.h1, tag);
          const o2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(o2 <= 0, `${tag}: /progress scrolls sideways by ${o2} px`);
          await page.locator(`li.tl-progress-lesson:has(a[href="/lessons/${LESSON}"]) details summary`).click();
          await screenshot(page, `progress-page-${tag}`);
          await clean(log);
        } finally {
          await context.close();
        }
      }
    }
  }
});

test('anonymous, both languages and widths: the Sign in link, the quiet line, the sign-in page', async () => {
  const texts = {
    en: { signin: 'Sign in', keep: 'Sign in to keep your answers and see your progress.' },
    'zh-CN': { signin: '登录', keep: '登录后，你的答案会保存下来，还能查看学习进度。' },
  };
  for (const lang of ['en', 'zh-CN']) {
    for (const [width, scheme] of [[390, 'dark'], [1280, 'light']]) {
      const tag = `${lang}-${width}-${scheme}`;
      const { context, page, log } = await newPage(browser, { viewport: { width, height: width < 500 ? 844 : 800 }, colorScheme: scheme });
      try {
        await page.goto(`${srv.base}/lessons/${LESSON}?lang=${lang}`);
        await ready(page);
        assert.equal((await page.locator('header a.tl-signin').textContent()).trim(), texts[lang].signin, tag);
        assert.ok(await page.locator('header a.tl-signin').isVisible(), `${tag}: the Sign in link is visible`);
        await viewShot(page, `progress-anon-header-${tag}`);
        const line = page.locator('section.tl-quiz > p.tl-keep-progress');
        await line.waitFor();
        assert.equal((await line.textContent()).trim(), texts[lang].keep, tag);
        await line.scrollIntoViewIfNeeded();
        await viewShot(page, `progress-anon-quiz-${tag}`);
        await page.locator('header a.tl-signin').click();
        await page.waitForURL(/\/login\?next=/);
        await ready(page);
        const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(o <= 0, `${tag}: /login scrolls sideways by ${o} px`);
        await viewShot(page, `progress-login-${tag}`);
        await clean(log);
      } finally {
        await context.close();
      }
    }
  }
});

test('a CSRF cookie that outlived its session: the page shows Sign in again, with no failed request', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await context.addCookies([{ name: 'tcplab_csrf', value: 'tl_stale', url: srv.base }]);
    await page.goto(`${srv.base}/lessons/${LESSON}?lang=en`);
    await ready(page);
    await page.locator('section.tl-quiz > p.tl-keep-progress a[href^="/login"]').waitFor();
    await page.locator('header .tl-account:not(.tl-signed-in) a.tl-signin').waitFor();
    assert.equal(await page.locator('form.tl-question[data-restored]').count(), 0);
    assert.deepEqual((await context.cookies()).filter((c) => c.name === 'tcplab_csrf'), [], 'the stale cookie is forgotten');
    await clean(log);
  } finally {
    await context.close();
  }
});
