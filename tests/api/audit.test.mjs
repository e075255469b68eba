// tests/api/audit.test.mjs — regression tests from the security and robustness audit of the
// HTTP-facing code: request framing (Transfer-Encoding / Content-Length, RFC 9112 §6.1),
// who an exam attempt is recorded for, and the role/CSRF/idempotency rules probed on the way.
// Run: make build/asan/tcplab && node --test tests/api/audit.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, rawRequest, rawStatus, repoRoot, serverBin, startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

// Every status line in a raw response text (one per answered request on the connection).
// (a body need not end with a line break, so the next status line may follow it directly)
const statusLines = (text) => text.match(/HTTP\/1\.[01] \d{3}/g) ?? [];

describe('request framing', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { if (srv) assert.equal(await srv.stop(), 0); });

  // A request smuggled behind one whose framing a proxy and this server could read
  // differently must never be answered: the server refuses and closes.
  const smuggle = (head) => rawRequest(srv.port,
    'POST /api/v1/simulations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' + head +
    '\r\n2\r\n{}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n', { timeoutMs: 2000 });

  test('Transfer-Encoding together with Content-Length → 400, connection closed', async () => {
    const text = await smuggle('Transfer-Encoding: chunked\r\nContent-Length: 5\r\n');
    assert.equal(rawStatus(text), 400, text.slice(0, 300));
    assert.equal(statusLines(text).length, 1, `the pipelined request was answered:\n${text}`);
    assert.match(text, /application\/problem\+json/);
  });

  test('a second Transfer-Encoding line (chunked, then gzip) is refused, connection closed', async () => {
    const text = await smuggle('Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n');
    const st = rawStatus(text);
    assert.ok(st === 400 || st === 501, text.slice(0, 300));
    assert.equal(statusLines(text).length, 1, `the pipelined request was answered:\n${text}`);
  });

  test('HTTP/1.0 with Transfer-Encoding (faulty framing) is refused, connection closed', async () => {
    const text = await rawRequest(srv.port,
      'POST /api/v1/simulations HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n' +
      'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n' +
      '\r\n2\r\n{}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n', { timeoutMs: 2000 });
    assert.equal(rawStatus(text), 400, text.slice(0, 300));
    assert.equal(statusLines(text).length, 1, `the pipelined request was answered:\n${text}`);
  });

  test('one plain Transfer-Encoding: chunked still works on a kept-alive connection', async () => {
    const text = await smuggle('Transfer-Encoding: chunked\r\n');
    assert.deepEqual(statusLines(text).map((l) => l.split(' ')[1]), ['422', '200']);
  });
});

test('access log: control bytes in the METHOD are escaped like those in the path', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-audit-log-'));
  const proc = spawn(serverBin(), ['serve', '--port', '0', '--db', path.join(dir, 'db.sqlite')],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d.toString('latin1'); });
  const port = await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (c) => reject(new Error(`exited ${c}: ${err}`)));
  });
  // backspaces that would hide "FAKE" on a terminal, and an ANSI colour sequence
  await rawRequest(port, 'FAKE\x08\x08\x08\x08GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  await rawRequest(port, 'G\x1b[31mT /y HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  const code = await new Promise((resolve) => { proc.on('exit', (c) => resolve(c)); proc.kill('SIGINT'); });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, err);
  assert.doesNotMatch(err, /[\x00-\x09\x0b-\x1f\x7f]/, JSON.stringify(err));
  assert.match(err, /^FAKE%08%08%08%08GET \/x \d{3} \d+ \d+$/m);
  assert.match(err, /^G%1B\[31mT \/y \d{3} \d+ \d+$/m);
});

describe('exam attempts belong to users', () => {
  let dir, db, srv, staffTok, nobodyTok, alice;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-audit-'));
    db = path.join(dir, 't.db');
    const lessons = path.join(dir, 'lessons');
    cpSync(path.join(repoRoot, 'tests/fixtures/quiz-modes'), lessons, { recursive: true });
    cli(db, ['user', 'add', '--role', 'student', 'alice'], { password: 'alice-secret-12' });
    // a staff token whose NAME happens to be a student's name, and one named like nobody
    staffTok = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'alice']).trim();
    nobodyTok = cli(db, ['token', 'create', '--role', 'grader', '--name', 'ci-bot']).trim();
    srv = await startServer({ db, args: ['--lessons', lessons] });
    const login = await fetch(`${srv.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'alice', password: 'alice-secret-12' }),
    });
    assert.equal(login.status, 200);
    alice = { cookie: cookieHeaderFrom(login), 'x-csrf-token': (await login.json()).csrf_token };
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (p, headers, body) => fetch(`${srv.base}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });

  test('a token that acts as no user cannot answer an exam (nor spend a student\'s attempts)', async () => {
    for (const tok of [staffTok, nobodyTok]) {
      const r = await post('/api/v1/variants/v0-exam-demo.q1/submissions', { authorization: `Bearer ${tok}` }, { choice: 0 });
      assert.equal(r.status, 403, await r.text());
    }
    const v = await (await post('/api/v1/questions/exam-demo.q1/variants', { cookie: alice.cookie }, {})).json();
    assert.equal(v.attempts_left, 3, 'alice still has all her attempts');
    const gb = await (await fetch(`${srv.base}/api/v1/gradebook`, { headers: { authorization: `Bearer ${nobodyTok}` } })).json();
    assert.deepEqual(gb.students.map((s) => s.name), ['alice']);
    assert.equal(gb.students[0].scores['quiz:exam-demo.q1'], undefined, 'no score was written for alice');
    // alice herself answers normally
    const own = await post(`/api/v1/variants/${v.variant_id}/submissions`, alice, { choice: 0 });
    assert.equal(own.status, 200);
    assert.deepEqual([(await own.json()).attempt], [1]);
  });
});

describe('exam: the explanation (the answer key) waits until the attempts are over', () => {
  let dir, db, srv, kim;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-audit-ex-'));
    db = path.join(dir, 't.db');
    const lessons = path.join(dir, 'lessons');
    cpSync(path.join(repoRoot, 'tests/fixtures/quiz-modes'), lessons, { recursive: true });
    cli(db, ['user', 'add', '--role', 'student', 'kim'], { password: 'kim-secret-123' });
    srv = await startServer({ db, args: ['--lessons', lessons] });
    const login = await fetch(`${srv.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kim', password: 'kim-secret-123' }),
    });
    kim = { cookie: cookieHeaderFrom(login), 'x-csrf-token': (await login.json()).csrf_token };
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });
  const post = (p, headers, body) => fetch(`${srv.base}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });

  test('a wrong attempt with attempts left gets no explanation; the last one does', async () => {
    const v = await (await post('/api/v1/questions/exam-demo.q2/variants', { cookie: kim.cookie }, {})).json();
    const iss = v.params.client_iss;
    const wrong = { segments: [{ seq: (iss + 5) % 4294967296, ack: 0 }, { seq: 0, ack: (iss + 6) % 4294967296 }] };
    const r1 = await (await post(`/api/v1/variants/${v.variant_id}/submissions`, kim, wrong)).json();
    assert.deepEqual([r1.attempt, r1.attempts_left], [1, 2]);
    assert.ok(r1.score < 1);
    assert.ok(!r1.explanation, `the exam's answer key was sent after attempt 1: ${r1.explanation}`);
    assert.ok(Array.isArray(r1.parts) && r1.parts.length > 0, 'per-part feedback stays');
    // a retry of that request (same Idempotency-Key) is replayed without it too
    const k = { ...kim, 'idempotency-key': 'audit-exam-2' };
    const r2 = await (await post(`/api/v1/variants/${v.variant_id}/submissions`, k, wrong)).json();
    assert.equal(r2.attempt, 2);
    assert.ok(!r2.explanation);
    const again = await post(`/api/v1/variants/${v.variant_id}/submissions`, k, wrong);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.ok(!(await again.json()).explanation);
    const r3 = await (await post(`/api/v1/variants/${v.variant_id}/submissions`, kim, wrong)).json();
    assert.deepEqual([r3.attempt, r3.attempts_left], [3, 0]);
    assert.match(r3.explanation, new RegExp(String(iss)), 'after the last attempt the explanation is shown');
    const after = await (await post('/api/v1/questions/exam-demo.q2/variants', { cookie: kim.cookie }, {})).json();
    assert.equal(after.attempts_left, 0);
  });

  test('a fully right exam answer gets the explanation at once', async () => {
    const r = await (await post('/api/v1/variants/v0-exam-demo.q1/submissions', kim, { choice: 0 })).json();
    assert.deepEqual([r.score, r.attempt], [1, 1]);
    assert.ok(r.explanation);
  });
});

describe('login throttle under concurrency', () => {
  let dir, db, srv;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-audit-thr-'));
    db = path.join(dir, 't.db');
    cli(db, ['user', 'add', '--role', 'instructor', 'prof'], { password: 'prof-secret-123' });
    // many workers, so many guesses can be in flight at once
    srv = await startServer({ db, env: { TCPLAB_THREADS: '16' } });
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  test('40 parallel wrong passwords: at most 5 are checked (401), the rest are 429', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${srv.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'prof', password: `guess-${i}` }),
    }).then(async (r) => { await r.arrayBuffer(); return r.status; })));
    const checked = statuses.filter((s) => s === 401).length;
    assert.ok(checked <= 5, `${checked} passwords were tried in one window: ${statuses.join(' ')}`);
    assert.equal(checked + statuses.filter((s) => s === 429).length, 40);
    // the right password is refused too while the window lasts
    const right = await fetch(`${srv.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'prof', password: 'prof-secret-123' }),
    });
    assert.equal(right.status, 429);
  });
});
