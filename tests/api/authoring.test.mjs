// tests/api/authoring.test.mjs — authoring: lessons in the database with revisions.
// Role checks (a student token gets 403 on every authoring endpoint, anonymous 401; cookie
// auth needs CSRF), create (409 when it exists, 422 with FILE:LINE problems), the If-Match
// path with two instructors (428 without, 412 with the current text and ETag when stale),
// revisions and restore, soft delete, the lesson page reflecting a save, and
// `tcplab lessons export` byte-identical to lessons/ after the first-start import.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, repoRoot, serverBin, startServer } from './helpers.mjs';
import { cli, roleTokens } from './accounts-cli.mjs';

const NEW_LESSON = `---
title: "Authoring test lesson"
summary: "Made through the API."
order: 99
tags: [test]
locale: en
---

# Authoring test lesson

First text.
`;

describe('authoring', () => {
  let dir, db, srv;
  const tok = {};
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-auth-'));
    db = path.join(dir, 't.db');
    cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: 'ida-secret-12' });
    Object.assign(tok, roleTokens(db));
    tok.instructor2 = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'second']).trim();
    srv = await startServer({ db });
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method, p, { role, body, headers = {} } = {}) => fetch(`${srv.base}${p}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(role ? { authorization: `Bearer ${tok[role]}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  const ENDPOINTS = [
    ['GET', '/api/v1/lessons'],
    ['POST', '/api/v1/lessons', { slug: 'x', text: NEW_LESSON }],
    ['GET', '/api/v1/lessons/reset?locale=en'],
    ['PUT', '/api/v1/lessons/reset?locale=en', { text: NEW_LESSON }, { 'if-match': '"r1"' }],
    ['DELETE', '/api/v1/lessons/reset?locale=en'],
    ['GET', '/api/v1/lessons/reset/revisions?locale=en'],
    ['GET', '/api/v1/lessons/reset/revisions/1?locale=en'],
    ['POST', '/api/v1/lessons/reset/revisions/1/restore?locale=en'],
  ];

  test('every authoring endpoint: anonymous 401, student and grader 403', async () => {
    for (const [m, p, body, headers] of ENDPOINTS) {
      const anon = await call(m, p, { body, headers });
      assert.equal(anon.status, 401, `${m} ${p} anonymous`);
      for (const role of ['student', 'grader']) {
        const r = await call(m, p, { role, body, headers });
        assert.equal(r.status, 403, `${m} ${p} ${role}`);
        assert.match(r.headers.get('content-type'), /problem\+json/);
      }
    }
  });

  test('first start imported lessons/; export is byte-identical (diff -r)', async () => {
    const r = await call('GET', '/api/v1/lessons', { role: 'admin' });
    assert.equal(r.status, 200);
    const { lessons } = await r.json();
    assert.ok(lessons.length >= 10);
    for (const l of lessons) {
      assert.equal(l.author, 'import');
      assert.match(l.etag, /^"r\d+"$/);
      assert.equal(l.served, true, `${l.slug}.${l.locale} served`);
    }
    const out = path.join(dir, 'export');
    const stdout = execFileSync(serverBin(),
      ['lessons', 'export', out, '--db', db], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
    assert.match(stdout, /exported \d+ lesson files/);
    execFileSync('diff', ['-r', path.join(repoRoot, 'lessons'), out]); // throws when different
    const one = await call('GET', '/api/v1/lessons/reset?locale=zh-CN', { role: 'instructor' });
    assert.equal(one.status, 200);
    const j = await one.json();
    assert.equal(j.text, readFileSync(path.join(repoRoot, 'lessons/reset.zh-CN.md'), 'utf8'));
    assert.equal(one.headers.get("etag").replace("-gz", ""), j.etag);
  });

  let etag1;
  test('create: 201 with ETag, 409 when it exists, 422 with FILE:LINE problems', async () => {
    const r = await call('POST', '/api/v1/lessons', { role: 'instructor', body: { slug: 'authoring-test', locale: 'en', text: NEW_LESSON } });
    assert.equal(r.status, 201);
    const j = await r.json();
    etag1 = r.headers.get('etag');
    assert.equal(j.etag, etag1.replace("-gz", ""));
    assert.equal(j.author, 'token:' + j.author.slice(6));
    assert.equal(r.headers.get('location'), '/api/v1/lessons/authoring-test?locale=en');
    assert.ok(j.warnings.some((w) => /zh-CN/.test(w)), 'missing other locale is a warning');
    const again = await call('POST', '/api/v1/lessons', { role: 'admin', body: { slug: 'authoring-test', text: NEW_LESSON } });
    assert.equal(again.status, 409);
    const bad = await call('POST', '/api/v1/lessons', { role: 'instructor', body: { slug: 'broken', text: '---\ntitle: [unclosed\n---\n# x\n' } });
    assert.equal(bad.status, 422);
    const b = await bad.json();
    assert.ok(b.problems.length > 0);
    assert.match(b.problems[0].detail, /^broken\.md:\d+: /);
    const gone = await call('GET', '/api/v1/lessons/broken?locale=en', { role: 'instructor' });
    assert.equal(gone.status, 404, 'an invalid text is not saved');
    const badLink = await call('POST', '/api/v1/lessons', { role: 'instructor', body: { slug: 'broken', text: NEW_LESSON + '\n[x](no-such-lesson)\n' } });
    assert.equal(badLink.status, 422, 'links are checked like tcplab check');
  });

  test('the lesson page shows the new lesson', async () => {
    const page = await fetch(`${srv.base}/lessons/authoring-test`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /First text\./);
  });

  let etag2;
  test('update: 428 without If-Match; two instructors, the stale one gets 412 with the current text', async () => {
    const none = await call('PUT', '/api/v1/lessons/authoring-test?locale=en', { role: 'instructor', body: { text: NEW_LESSON } });
    assert.equal(none.status, 428);
    const textA = NEW_LESSON.replace('First text.', 'Second text, by A.');
    const a = await call('PUT', '/api/v1/lessons/authoring-test?locale=en', { role: 'instructor', body: { text: textA }, headers: { 'if-match': etag1 } });
    assert.equal(a.status, 200);
    etag2 = a.headers.get('etag');
    assert.notEqual(etag2, etag1);
    const textB = NEW_LESSON.replace('First text.', 'Text by B.');
    const b = await call('PUT', '/api/v1/lessons/authoring-test?locale=en', { role: 'instructor2', body: { text: textB }, headers: { 'if-match': etag1 } });
    assert.equal(b.status, 412);
    const pb = await b.json();
    assert.equal(pb.etag, etag2.replace("-gz", ""));
    assert.equal(pb.text, textA);
    const invalid = await call('PUT', '/api/v1/lessons/authoring-test?locale=en', { role: 'instructor2', body: { text: 'no front matter' }, headers: { 'if-match': etag2 } });
    assert.equal(invalid.status, 422);
    const cur = await (await call('GET', '/api/v1/lessons/authoring-test?locale=en', { role: 'admin' })).json();
    assert.equal(cur.text, textA, 'neither the stale nor the invalid save overwrote A');
    const page = await (await fetch(`${srv.base}/lessons/authoring-test`)).text();
    assert.match(page, /Second text, by A\./);
    // an existing, imported lesson: the page reflects the save
    const g = await call('GET', '/api/v1/lessons/reset?locale=en', { role: 'instructor' });
    const rj = await g.json();
    const changed = rj.text.replace('FIN ends a connection politely', 'FIN ends a connection courteously');
    const s = await call('PUT', '/api/v1/lessons/reset?locale=en', { role: 'instructor', body: { text: changed }, headers: { 'if-match': g.headers.get('etag') } });
    assert.equal(s.status, 200, JSON.stringify(await s.clone().json()));
    const rp = await (await fetch(`${srv.base}/lessons/reset`)).text();
    assert.match(rp, /courteously/);
  });

  test('revisions and restore (a new revision with the old text)', async () => {
    const r = await call('GET', '/api/v1/lessons/authoring-test/revisions?locale=en', { role: 'instructor' });
    assert.equal(r.status, 200);
    const j = await r.json();
    assert.equal(j.revisions.length, 2);
    assert.equal(j.revisions[0].etag, etag2.replace("-gz", ""));
    assert.equal(j.revisions[1].etag, etag1.replace("-gz", ""));
    const first = j.revisions[1].revision;
    const old = await (await call('GET', `/api/v1/lessons/authoring-test/revisions/${first}?locale=en`, { role: 'instructor' })).json();
    assert.equal(old.text, NEW_LESSON);
    const stale = await call('POST', `/api/v1/lessons/authoring-test/revisions/${first}/restore?locale=en`, { role: 'instructor', headers: { 'if-match': etag1 } });
    assert.equal(stale.status, 412);
    const rs = await call('POST', `/api/v1/lessons/authoring-test/revisions/${first}/restore?locale=en`, { role: 'instructor', headers: { 'if-match': etag2 } });
    assert.equal(rs.status, 201);
    const rj = await rs.json();
    assert.ok(rj.revision > Number(etag2.match(/r(\d+)/)[1]));
    const cur = await (await call('GET', '/api/v1/lessons/authoring-test?locale=en', { role: 'instructor' })).json();
    assert.equal(cur.text, NEW_LESSON);
    const after3 = await (await call('GET', '/api/v1/lessons/authoring-test/revisions?locale=en', { role: 'instructor' })).json();
    assert.equal(after3.revisions.length, 3, 'nothing overwritten');
    const nope = await call('POST', '/api/v1/lessons/reset/revisions/' + first + '/restore?locale=en', { role: 'instructor' });
    assert.equal(nope.status, 404, "another lesson's revision cannot be restored here");
    assert.match(await (await fetch(`${srv.base}/lessons/authoring-test`)).text(), /First text\./);
  });

  test('soft delete: gone from the API and the pages, revisions kept, restore revives', async () => {
    const d = await call('DELETE', '/api/v1/lessons/authoring-test?locale=en', { role: 'admin', headers: { 'if-match': '"r1"' } });
    assert.equal(d.status, 412);
    const ok = await call('DELETE', '/api/v1/lessons/authoring-test?locale=en', { role: 'admin' });
    assert.equal(ok.status, 204);
    assert.equal((await call('GET', '/api/v1/lessons/authoring-test?locale=en', { role: 'admin' })).status, 404);
    assert.equal((await fetch(`${srv.base}/lessons/authoring-test`)).status, 404);
    const list = await (await call('GET', '/api/v1/lessons', { role: 'admin' })).json();
    assert.ok(!list.lessons.some((l) => l.slug === 'authoring-test'));
    const withDel = await (await call('GET', '/api/v1/lessons?deleted=true', { role: 'admin' })).json();
    assert.ok(withDel.lessons.some((l) => l.slug === 'authoring-test' && l.deleted));
    const revs = await (await call('GET', '/api/v1/lessons/authoring-test/revisions?locale=en', { role: 'admin' })).json();
    assert.equal(revs.revisions.length, 3);
    assert.equal(revs.current_revision, null);
    const rs = await call('POST', `/api/v1/lessons/authoring-test/revisions/${revs.revisions[1].revision}/restore?locale=en`, { role: 'admin' });
    assert.equal(rs.status, 201);
    assert.match(await (await fetch(`${srv.base}/lessons/authoring-test`)).text(), /Second text, by A\./);
  });

  test('cookie auth: unsafe methods need the CSRF token', async () => {
    const login = await fetch(`${srv.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ida', password: 'ida-secret-12' }),
    });
    assert.equal(login.status, 200);
    const { csrf_token: csrf } = await login.json();
    const cookie = cookieHeaderFrom(login);
    const g = await fetch(`${srv.base}/api/v1/lessons/authoring-test?locale=en`, { headers: { cookie } });
    assert.equal(g.status, 200);
    const etag = g.headers.get('etag');
    const { text } = await g.json();
    const put = (h) => fetch(`${srv.base}/api/v1/lessons/authoring-test?locale=en`, {
      method: 'PUT', headers: { cookie, 'content-type': 'application/json', 'if-match': etag, ...h },
      body: JSON.stringify({ text: text + '\nBy cookie.\n' }),
    });
    assert.equal((await put({})).status, 403);
    const ok = await put({ 'x-csrf-token': csrf });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).author, 'user:ida');
  });
});
