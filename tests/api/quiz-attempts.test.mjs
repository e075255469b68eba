// tests/api/quiz-attempts.test.mjs — the quiz endpoints with accounts: a
// signed-in student's graded answer is stored (and shows in the instructor's statistics);
// an anonymous answer is graded but not stored; a malformed answer costs no attempt; a bad
// bearer token is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

describe('quiz attempts', () => {
  let dir, db, srv, prof;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-qa-'));
    db = path.join(dir, 't.db');
    cli(db, ['user', 'add', '--role', 'student', 'sam'], { password: 'sam-secret-12' });
    prof = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'prof']).trim();
    srv = await startServer({ db });
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = (headers, body) => fetch(`${srv.base}/api/v1/variants/v0-three-way-handshake.q1/submissions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  const attempts = async () => {
    const stats = await (await fetch(`${srv.base}/api/v1/statistics`, { headers: { authorization: `Bearer ${prof}` } })).json();
    const q = stats.find((s) => s.kind === 'quiz' && s.ref === 'three-way-handshake.q1');
    return q ? q.attempts : 0;
  };

  test('anonymous answers are graded, not stored', async () => {
    const r = await submit({}, { choice: 0 });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).gradable, true);
    assert.equal(await attempts(), 0);
  });

  test('a signed-in student\'s answer is stored before the 200; malformed answers are free', async () => {
    const login = await fetch(`${srv.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sam', password: 'sam-secret-12' }),
    });
    assert.equal(login.status, 200);
    const { csrf_token: csrf } = await login.json();
    const cookie = cookieHeaderFrom(login);
    const r = await submit({ cookie, 'x-csrf-token': csrf }, { choice: 1 });
    assert.equal(r.status, 200);
    assert.equal(await attempts(), 1, 'one stored attempt after a graded answer');
    const forged = await submit({ cookie }, { choice: 1 });
    assert.equal(forged.status, 403, 'a cookie-authenticated answer without the CSRF token is refused');
    assert.equal(await attempts(), 1);
    const bad = await submit({ cookie, 'x-csrf-token': csrf }, { choice: 'two' });
    assert.equal(bad.status, 200);
    assert.equal((await bad.json()).gradable, false);
    assert.equal(await attempts(), 1, 'a malformed answer costs no attempt');
  });

  test('an unknown bearer token is refused with 401', async () => {
    const r = await submit({ authorization: 'Bearer tl_nope' }, { choice: 0 });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('content-type'), /application\/problem\+json/);
  });
});
