// editor.test.mjs — GET /login and GET /editor over HTTP: anonymous
// visitors are sent to /login?next=/editor (303), a student gets a 403 HTML page, an
// instructor the editor; ?next= is kept only when it is a path on this site (else dropped); both pages are
// never cached. The browser journey is tests/browser/editor.test.mjs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers.mjs';
import { roleTokens } from './accounts-cli.mjs';

let dir;
let srv;
const tok = {};

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-editor-api-'));
  const db = path.join(dir, 't.db');
  Object.assign(tok, roleTokens(db));
  srv = await startServer({ db });
});
after(async () => {
  if (srv) assert.equal(await srv.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (p, role, headers = {}) => fetch(`${srv.base}${p}`, {
  redirect: 'manual',
  headers: { ...(role ? { authorization: `Bearer ${role === 'bad' ? 'tl_not-a-token' : tok[role]}` } : {}), ...headers },
});

test('anonymous GET /editor → 303 to /login?next=/editor', async () => {
  for (const p of ['/editor', '/editor?slug=reset&locale=en']) {
    const r = await get(p);
    assert.equal(r.status, 303, p);
    assert.equal(r.headers.get('location'), '/login?next=/editor');
    assert.equal(r.headers.get('cache-control'), 'no-store');
  }
  const head = await fetch(`${srv.base}/editor`, { method: 'HEAD', redirect: 'manual' });
  assert.equal(head.status, 303);
  const bad = await get('/editor', 'bad');
  assert.equal(bad.status, 303, 'an unknown token counts as not signed in');
});

test('GET /login: the form, localised, with a safe ?next=', async () => {
  const r = await get('/login?next=/editor');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const html = await r.text();
  assert.match(html, /<form class="tl-login-form" method="post" action="\/api\/v1\/login" data-next="\/editor"/);
  assert.match(html, /<input id="login-name" name="name"/);
  assert.match(html, /<input id="login-password" name="password" type="password"/);
  assert.doesNotMatch(html, /<script(?![^>]*src=)/, 'no inline script');
  assert.doesNotMatch(html, /style=/, 'no inline style');
  // Anything but a path on this site is dropped; the role then decides where sign-in goes
  // (login.js: instructors /editor, students /lessons; tests/api/progress.test.mjs).
  for (const evil of ['//evil.example/x', 'https://evil.example/', '/x"><b>', 'javascript:alert(1)']) {
    const t = await (await get(`/login?next=${encodeURIComponent(evil)}`)).text();
    assert.match(t, /data-next=""/, `next=${evil} dropped`);
  }
  const zh = await (await get('/login?lang=zh-CN')).text();
  assert.match(zh, /<html lang="zh-CN">/);
  assert.match(zh, /<h1>登录<\/h1>/);
});

test('GET /editor by role: student and grader 403 HTML, instructor and admin 200', async () => {
  for (const role of ['student', 'grader']) {
    const r = await get('/editor', role);
    assert.equal(r.status, 403, role);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    const html = await r.text();
    assert.match(html, /class="tl-forbidden"/);
    assert.doesNotMatch(html, /tl-editor-text/);
  }
  for (const role of ['instructor', 'admin']) {
    const r = await get('/editor', role);
    assert.equal(r.status, 200, role);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const html = await r.text();
    assert.match(html, /<section class="tl-editor" data-locale="en"/);
    assert.match(html, /<textarea id="editor-text" class="tl-editor-text"/);
    assert.match(html, /data-msg-conflict="Someone else saved a newer revision/);
    assert.match(html, /<script type="module" src="\/static\/js\/app\.js"><\/script>/);
    assert.doesNotMatch(html, /style=/, 'no inline style');
  }
  const zh = await (await get('/editor?lang=zh-CN', 'instructor')).text();
  assert.match(zh, /<h1>课程编辑器<\/h1>/);
});
