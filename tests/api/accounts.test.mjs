// tests/api/accounts.test.mjs — identities: CLI bootstrap (user add, token
// create/list/revoke), login cookies, no user enumeration, login throttle, CSRF on cookie
// sessions, logout server-side, bearer tokens (unknown, revoked, last used).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setCookies, startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

const cookiesOf = (r) => setCookies(r);
const cookieHeader = (setCookies) => setCookies.map((c) => c.split(';')[0]).join('; ');

describe('accounts', () => {
  let dir, db, srv, graderToken;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-acc-'));
    db = path.join(dir, 't.db');
    assert.match(cli(db, ['user', 'add', '--role', 'instructor', 'prof'], { password: 'prof-secret-1' }), /added/);
    // password from stdin
    assert.match(cli(db, ['user', 'add', '--role', 'student', 'alice'], { input: 'alice-secret-1\n' }), /added/);
    assert.match(cli(db, ['user', 'add', '--role', 'student', 'carol'], { password: 'carol-secret-1' }), /added/);
    graderToken = cli(db, ['token', 'create', '--role', 'grader', '--name', 'ci']).trim();
    assert.match(graderToken, /^tl_[A-Za-z0-9_-]{43}$/);
    srv = await startServer({ db });
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const login = (name, password, headers = {}) => fetch(`${srv.base}/api/v1/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name, password }),
  });

  test('CLI refuses bad input with exit code 2 and a reason', () => {
    for (const args of [['user', 'add', '--role', 'wizard', 'x'], ['user', 'add', '--role', 'student', 'bad name'],
      ['token', 'create', '--role', 'grader'], ['token', 'revoke', 'abc']]) {
      assert.throws(() => cli(db, args, { password: 'long-enough-1' }), (e) => e.status === 2 && e.stderr.length > 0, args.join(' '));
    }
    assert.throws(() => cli(db, ['user', 'add', '--role', 'student', 'shorty'], { password: 'short' }), (e) => e.status === 2);
    assert.throws(() => cli(db, ['user', 'add', '--role', 'student', 'alice'], { password: 'again-secret-1' }),
      (e) => e.status === 1 && /already exists/.test(e.stderr));
    assert.match(cli(db, ['user', 'list']), /alice\s+student/);
  });

  test('login sets HttpOnly SameSite=Lax cookies; Secure only behind https', async () => {
    const r = await login('alice', 'alice-secret-1');
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.equal(body.role, 'student');
    assert.ok(body.csrf_token);
    const [session, csrf] = cookiesOf(r);
    assert.match(session, /^tcplab_session=tl_[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    assert.match(csrf, /^tcplab_csrf=/);
    assert.doesNotMatch(csrf, /HttpOnly/);
    const r2 = await login('alice', 'alice-secret-1', { 'x-forwarded-proto': 'https' });
    assert.equal(r2.status, 200);
    assert.match(cookiesOf(r2)[0], /; Secure$/);
  });

  test('unknown user and wrong password get the same answer', async () => {
    const a = await login('nosuchuser', 'whatever-123');
    const b = await login('prof', 'wrong-password');
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    const ja = await a.json(); const jb = await b.json();
    assert.equal(ja.detail, jb.detail);
    assert.equal(ja.title, jb.title);
  });

  test('login is rate limited per IP and name (429 + Retry-After), even with the right password', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login('carol', 'nope-nope-' + i)).status, 401);
    const r = await login('carol', 'carol-secret-1');
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    // another name from the same IP is not blocked
    assert.equal((await login('prof', 'prof-secret-1')).status, 200);
  });

  test('cross-site login is refused (Origin must match Host)', async () => {
    const r = await login('prof', 'prof-secret-1', { origin: 'https://evil.example' });
    assert.equal(r.status, 403);
  });

  test('cookie session: me, CSRF required on POST, logout deletes the session server-side', async () => {
    const r = await login('prof', 'prof-secret-1');
    const { csrf_token: csrf } = await r.json();
    const cookie = cookieHeader(cookiesOf(r));
    const me = await (await fetch(`${srv.base}/api/v1/me`, { headers: { cookie } })).json();
    assert.deepEqual([me.authenticated, me.name, me.role, me.csrf_token, me.via], [true, 'prof', 'instructor', csrf, 'session']);
    // no CSRF header / wrong one / foreign Origin → 403
    assert.equal((await fetch(`${srv.base}/api/v1/logout`, { method: 'POST', headers: { cookie } })).status, 403);
    assert.equal((await fetch(`${srv.base}/api/v1/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': 'tl_wrong' } })).status, 403);
    assert.equal((await fetch(`${srv.base}/api/v1/logout`, {
      method: 'POST', headers: { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' },
    })).status, 403);
    const out = await fetch(`${srv.base}/api/v1/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(out.status, 204);
    assert.match(setCookies(out)[0], /Max-Age=0/);
    // the old cookie no longer works, even if the browser kept it
    const after2 = await (await fetch(`${srv.base}/api/v1/me`, { headers: { cookie } })).json();
    assert.equal(after2.authenticated, false);
  });

  test('an unknown user costs about the same time as a wrong password (dummy hash)', async () => {
    const time = async (name) => { const t0 = performance.now(); const r = await login(name, 'not-the-password'); await r.arrayBuffer(); assert.equal(r.status, 401); return performance.now() - t0; };
    const median = (xs) => xs.sort((a, b) => a - b)[1];
    await time('ghost-warmup');
    const unknown = median([await time('ghost1'), await time('ghost2'), await time('ghost3')]);
    const known = median([await time('alice'), await time('alice'), await time('alice')]);
    assert.ok(unknown > known / 3 && unknown < known * 3, `unknown ${unknown.toFixed(1)} ms vs known ${known.toFixed(1)} ms`);
  });

  test('bearer tokens: valid, unknown (401), revoked (401), last used recorded', async () => {
    const ok = await fetch(`${srv.base}/api/v1/me`, { headers: { authorization: `Bearer ${graderToken}` } });
    assert.equal(ok.status, 200);
    const me = await ok.json();
    assert.deepEqual([me.role, me.name, me.via], ['grader', 'ci', 'token']);
    const bad = await fetch(`${srv.base}/api/v1/me`, { headers: { authorization: 'Bearer tl_nope' } });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate'), /^Bearer/);
    assert.equal((await fetch(`${srv.base}/api/v1/me`, { headers: { authorization: 'Basic abc' } })).status, 401);
    const list = cli(db, ['token', 'list']);
    assert.match(list, /^1\s+ci\s+grader\s+-\s+\S+\s+\d{4}-\d\d-\d\dT/m, 'last used is set');
    const tok2 = cli(db, ['token', 'create', '--role', 'student', '--name', 'tmp', '--user', 'alice']).trim();
    const me2 = await fetch(`${srv.base}/api/v1/me`, { headers: { authorization: `Bearer ${tok2}` } });
    assert.equal(me2.status, 200);
    const who = await me2.json();
    assert.deepEqual([who.role, who.name, who.via], ['student', 'alice', 'token'], 'a student token acts as its student');
    assert.match(cli(db, ['token', 'list']), /^\d+\s+tmp\s+student\s+alice\s/m);
    const id = /^(\d+)\s+tmp/m.exec(cli(db, ['token', 'list']))[1];
    assert.match(cli(db, ['token', 'revoke', id]), /revoked/);
    assert.equal((await fetch(`${srv.base}/api/v1/me`, { headers: { authorization: `Bearer ${tok2}` } })).status, 401);
    assert.throws(() => cli(db, ['token', 'revoke', id]), (e) => e.status === 1);
  });

  test('a student token needs --user, a student; its answers are recorded as that student\'s', async () => {
    for (const args of [['--role', 'student', '--name', 'x'], ['--role', 'grader', '--name', 'x', '--user', 'alice']]) {
      assert.throws(() => cli(db, ['token', 'create', ...args]), (e) => e.status === 2 && /--user/.test(e.stderr), args.join(' '));
    }
    assert.throws(() => cli(db, ['token', 'create', '--role', 'student', '--name', 'x', '--user', 'nobody']),
      (e) => e.status === 1 && /no such user/.test(e.stderr));
    assert.throws(() => cli(db, ['token', 'create', '--role', 'student', '--name', 'x', '--user', 'prof']),
      (e) => e.status === 1 && /is not a student/.test(e.stderr));
    const carol = cli(db, ['token', 'create', '--role', 'student', '--name', 'carol-laptop', '--user', 'carol']).trim();
    const r = await fetch(`${srv.base}/api/v1/variants/v0-three-way-handshake.q1/submissions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${carol}` },
      body: JSON.stringify({ choice: 0 }),
    });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).gradable, true);
    const staff = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'stats']).trim();
    const stats = await (await fetch(`${srv.base}/api/v1/statistics`, { headers: { authorization: `Bearer ${staff}` } })).json();
    const q = stats.find((s) => s.kind === 'quiz' && s.ref === 'three-way-handshake.q1');
    assert.ok(q && q.attempts >= 1, `recorded for carol: ${JSON.stringify(stats)}`);
  });

  test('sign-ins are checked on hashing threads: /healthz answers while 24 of them wait', async () => {
    let done = 0;
    const logins = Array.from({ length: 24 }, (_, i) => login(`nobody-${i}`, 'not-the-password')
      .then(async (r) => { await r.text(); done += 1; return r.status; }));
    await new Promise((resolve) => setTimeout(resolve, 30)); // let them reach the server
    for (let k = 0; k < 5; k += 1) {
      const r = await fetch(`${srv.base}/healthz`);
      assert.equal(r.status, 200);
      await r.text();
    }
    const doneAtHealthz = done;
    const statuses = await Promise.all(logins);
    assert.deepEqual([...new Set(statuses)], [401]);
    // each check is an argon2id hash (13–60 ms of a core), two at a time: the HTTP workers
    // answering /healthz meanwhile means they were not the ones hashing
    assert.ok(doneAtHealthz < 12, `/healthz waited until ${doneAtHealthz} of 24 sign-ins were answered`);
  });
});
