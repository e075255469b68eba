// editor.test.mjs — authoring in a real browser: an instructor signs in through
// /login, opens /editor, edits a lesson and sees the preview (the same HTML as the lesson
// page, with a working scenario player) follow the text, sees a FILE:LINE problem for broken
// front matter, saves, and the public lesson page shows the change; a save over a revision
// someone else stored meanwhile shows the conflict beside Save with the two versions as a
// diff, and "load theirs" works; an older revision is restored after the confirming question;
// the page in Chinese; a student who signs in from the editor's redirect lands on /lessons
// (never on the editor's 403 page), which /editor still gives a signed-in student who opens it. (editor-safe.test.mjs and
// editor-builder.test.mjs cover drafts, merging, notes, the builder and new lessons.)
// Throughout: no request leaves 127.0.0.1, no CSP violation, no script error.
// Screenshots: tests/out/screenshots/editor-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/helpers.mjs';
import { cli } from '../api/accounts-cli.mjs';
import { launchBrowser, newPage, screenshot } from './helpers.mjs';

const SLUG = 'state-diagram';
const PW = { ida: 'ida-secret-12', stu: 'stu-secret-12' };
let dir;
let srv;
let browser;
let token;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-editor-'));
  const db = path.join(dir, 't.db');
  cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: PW.ida });
  cli(db, ['user', 'add', '--role', 'student', 'stu'], { password: PW.stu });
  token = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'other-instructor']).trim();
  srv = await startServer({ db });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) assert.equal(await srv.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The guards; `expectedHttp` lists regexps of the HTTP errors ("STATUS METHOD /path") the
 * journey causes on purpose (Chromium logs each as a console error, which is then allowed). */
async function clean(log, expectedHttp = []) {
  const http = log.httpErrors.map((e) => e.replace(srv.base, ''));
  for (const e of http) assert.ok(expectedHttp.some((re) => re.test(e)), `unexpected HTTP error: ${e}`);
  const statuses = new Set(http.map((e) => e.split(' ')[0]));
  log.consoleErrors = log.consoleErrors.filter((t) => {
    const m = /^Failed to load resource: the server responded with a status of (\d+)/.exec(t);
    return !(m && statuses.has(m[1]));
  });
  assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
  assert.deepEqual(log.csp, [], 'expected no CSP violation reported in the console');
  assert.deepEqual(await log.cspInPage(), [], 'expected no securitypolicyviolation event');
  assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
  assert.deepEqual(log.consoleErrors, [], `expected no console error (HTTP errors: ${log.httpErrors.join(', ') || 'none'})`);
}

/** Signs in through the /login form reached by opening /editor. An instructor lands on
 * /editor (returns that response); a student on /lessons (returns that response). */
async function signIn(page, name, { expectEditor = true } = {}) {
  await page.goto(`${srv.base}/editor`);
  assert.match(page.url(), /\/login\?next=\/editor$/, 'expected /editor to send an anonymous visitor to /login');
  await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
  await page.fill('#login-name', name);
  await page.fill('#login-password', PW[name]);
  const target = expectEditor ? '/editor' : '/lessons';
  const landed = page.waitForResponse((r) => new URL(r.url()).pathname === target && r.request().method() === 'GET');
  await page.click('form.tl-login-form button[type="submit"]');
  const res = await landed;
  await page.waitForURL((u) => u.pathname === target);
  if (expectEditor) await page.locator('section.tl-editor').waitFor();
  return res;
}

async function api(method, p, { body, etag } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (etag) headers['if-match'] = etag;
  const r = await fetch(`${srv.base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, etag: r.headers.get('etag'), body: await r.json().catch(() => null) };
}

async function openLesson(page) {
  await page.goto(`${srv.base}/editor?slug=${SLUG}&locale=en`);
  await page.locator('section.tl-editor[data-editor-state="ready"]').waitFor({ state: 'attached' });
  await page.locator('.tl-editor-preview article.tl-lesson').waitFor();
}

async function previewShows(page, text) {
  await page.locator('.tl-editor-preview .tl-lesson-body', { hasText: text }).waitFor();
}

test('instructor: sign in, edit with live preview and problems, save, public page changes', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    const res = await signIn(page, 'ida');
    assert.equal(res.status(), 200);
    await openLesson(page);
    const original = await page.inputValue('.tl-editor-text');
    assert.match(original, /^---\ntitle: /, 'expected the lesson file in the textarea');
    assert.equal(await page.locator('.tl-problems li.tl-ok').count(), 1, 'expected "no problems" for the stored lesson');
    // the preview is the lesson page's HTML, and the player script runs on it
    await page.locator('.tl-editor-preview figure.tl-scenario .tl-player button').first().waitFor();
    await page.locator('.tl-editor-preview figure.tl-scenario').first().focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('.tl-editor-preview figure.tl-scenario >> nth=0', 'data-current-step'), '1');

    const marker = `Edited in the browser ${Date.now()}.`;
    const edited = `${original.trimEnd()}\n\n${marker}\n`;
    await page.fill('.tl-editor-text', edited);
    assert.equal(await page.getAttribute('section.tl-editor', 'data-dirty'), 'true');
    await previewShows(page, marker);
    await screenshot(page, 'editor-preview');

    // broken front matter: a problem "FILE:LINE: ..." appears beside the preview
    await page.fill('.tl-editor-text', edited.replace(/^title: .*$/m, 'title: [unclosed'));
    const problem = page.locator('.tl-problems li.tl-problem').first();
    await problem.waitFor();
    assert.match(await problem.innerText(), /^state-diagram\.md:\d+: \S/, 'expected a FILE:LINE: message');
    await screenshot(page, 'editor-problem');
    // a click on the problem's place selects that line in the textarea
    await page.click('.tl-problems li.tl-problem button.tl-problem-where >> nth=0');
    const selected = await page.evaluate(() => {
      const t = document.querySelector('.tl-editor-text');
      return t.value.slice(t.selectionStart, t.selectionEnd);
    });
    assert.ok(selected.length > 0, 'expected the problem line selected');

    // fixed again, saved
    await page.fill('.tl-editor-text', edited);
    await page.locator('.tl-problems li.tl-ok').waitFor();
    await page.click('button.tl-editor-save');
    await page.locator('.tl-editor-status.tl-ok').waitFor();
    assert.match(await page.innerText('.tl-editor-status'), /Saved as revision \d+/);
    assert.equal(await page.getAttribute('section.tl-editor', 'data-dirty'), 'false');
    await page.locator('ol.tl-revisions li').nth(1).waitFor();
    await screenshot(page, 'editor-saved');

    // the public lesson page shows the change (also to an anonymous reader)
    const pub = await fetch(`${srv.base}/lessons/${SLUG}`);
    assert.equal(pub.status, 200);
    assert.ok((await pub.text()).includes(marker), 'expected the public lesson page to show the saved text');
    await page.goto(`${srv.base}/lessons/${SLUG}`);
    await page.locator('.tl-lesson-body', { hasText: marker }).waitFor();
    await clean(log, [/^422 POST \/api\/v1\/render$/]);
  } finally {
    await context.close();
  }
});

test('instructor: a stale save shows the conflict; "load theirs" and "keep mine"; restore', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await signIn(page, 'ida');
    await openLesson(page);
    const mine = await page.inputValue('.tl-editor-text');

    // someone else saves meanwhile (another instructor, through the API)
    const cur = await api('GET', `/api/v1/lessons/${SLUG}?locale=en`);
    assert.equal(cur.status, 200);
    const theirMarker = `Their change ${Date.now()}.`;
    const put = await api('PUT', `/api/v1/lessons/${SLUG}?locale=en`, { body: { text: `${cur.body.text.trimEnd()}\n\n${theirMarker}\n` }, etag: cur.etag });
    assert.equal(put.status, 200, JSON.stringify(put.body));

    await page.fill('.tl-editor-text', `${mine.trimEnd()}\n\nMy change.\n`);
    await page.click('button.tl-editor-save');
    const box = page.locator('.tl-editor-conflict');
    await box.waitFor({ state: 'visible' });
    // the status beside Save names who saved; the box shows the two versions as a diff
    assert.match(await page.innerText('.tl-editor-savebar .tl-editor-status'), /someone else saved a newer revision/i);
    assert.match(await page.innerText('.tl-editor-status'), /other-instructor/);
    assert.ok((await box.locator('table.tl-diff').innerText()).includes(theirMarker), 'expected their change in the diff');
    await screenshot(page, 'editor-conflict');
    await page.click('button.tl-editor-theirs');
    await box.waitFor({ state: 'hidden' });
    assert.ok((await page.inputValue('.tl-editor-text')).includes(theirMarker), 'expected their text loaded');
    await previewShows(page, theirMarker);

    // a second conflict, resolved with "keep mine": the next save replaces theirs
    const cur2 = await api('GET', `/api/v1/lessons/${SLUG}?locale=en`);
    const put2 = await api('PUT', `/api/v1/lessons/${SLUG}?locale=en`, { body: { text: `${cur2.body.text.trimEnd()}\n\nTheirs again.\n` }, etag: cur2.etag });
    assert.equal(put2.status, 200);
    const myText = `${(await page.inputValue('.tl-editor-text')).trimEnd()}\n\nMine wins.\n`;
    await page.fill('.tl-editor-text', myText);
    await page.click('button.tl-editor-save');
    await box.waitFor({ state: 'visible' });
    await page.click('button.tl-editor-mine');
    await page.click('button.tl-editor-save');
    await page.locator('.tl-editor-status.tl-ok').waitFor();
    const after = await api('GET', `/api/v1/lessons/${SLUG}?locale=en`);
    assert.equal(after.body.text, myText);

    // restore the revision before "Mine wins." (theirs): a new revision with that text
    const revs = page.locator('ol.tl-revisions li');
    await revs.nth(1).waitFor();
    await revs.nth(1).locator('button.tl-restore').click();
    await page.locator('dialog.tl-ask button.tl-ask-yes').click();
    await page.locator('.tl-editor-status', { hasText: /Restored revision r\d+ as revision \d+/ }).waitFor();
    assert.ok((await page.inputValue('.tl-editor-text')).includes('Theirs again.'));
    const restored = await api('GET', `/api/v1/lessons/${SLUG}?locale=en`);
    assert.ok(restored.body.text.includes('Theirs again.') && !restored.body.text.includes('Mine wins.'));
    await clean(log, [/^412 PUT \/api\/v1\/lessons\/state-diagram\?locale=en$/]);
  } finally {
    await context.close();
  }
});

test('the editor in Chinese', async () => {
  const { context, page, log } = await newPage(browser, { locale: 'zh-CN' });
  try {
    await signIn(page, 'ida');
    await page.goto(`${srv.base}/editor?lang=zh-CN`);
    await page.locator('section.tl-editor[data-editor-state="ready"]').waitFor({ state: 'attached' });
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.innerText('section.tl-editor h1'), '课程编辑器');
    assert.match(await page.innerText('.tl-editor-status'), /已加载修订/);
    await screenshot(page, 'editor-zh-CN');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('a student signing in from /editor lands on /lessons; /editor itself is a 403 page for them', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    const landed = await signIn(page, 'stu', { expectEditor: false });
    assert.equal(landed.status(), 200, 'the student is sent to /lessons, not to the editor');
    assert.equal(await page.locator('section.tl-forbidden').count(), 0);
    const res = await page.goto(`${srv.base}/editor`);
    assert.equal(res.status(), 403);
    await page.locator('section.tl-forbidden').waitFor();
    assert.match(await page.innerText('section.tl-forbidden'), /for instructors/);
    assert.equal(await page.locator('section.tl-editor').count(), 0);
    await screenshot(page, 'editor-student-403');
    // the 403 of the page itself is the only HTTP error
    assert.deepEqual(log.httpErrors.map((e) => e.replace(srv.base, '')), ['403 GET /editor']);
    await clean(log, [/^403 GET \/editor$/]);
  } finally {
    await context.close();
  }
});

test('a signed-in student answers a quiz on a lesson page; the attempt is stored', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await signIn(page, 'stu', { expectEditor: false }); // lands on /lessons
    await page.goto(`${srv.base}/lessons/three-way-handshake?lang=en`);
    const q = page.locator('form.tl-question[data-question="three-way-handshake.q1"]');
    await q.locator('input[name="choice"][value="1"]').check();
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback.tl-ok').waitFor();
    const stats = await api('GET', '/api/v1/statistics');
    const row = stats.body.find((s) => s.kind === 'quiz' && s.ref === 'three-way-handshake.q1');
    assert.ok(row && row.attempts === 1, `expected one stored attempt for three-way-handshake.q1, saw ${JSON.stringify(row)}`);
    await clean(log);
  } finally {
    await context.close();
  }
});
