// tests/api/quiz-audit.test.mjs — the quiz correctness audit's checks at the API: number
// formats give format_errors (never a grade), sequence numbers wrap modulo 2^32, RFC state
// names are case-exact; in an exam two answers sent at once for the last attempt get one
// 200 and one 409, and a malformed answer at the last attempt costs nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, repoRoot, startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

describe('quiz audit', () => {
  let dir, db, srv, sam;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-qaudit-'));
    db = path.join(dir, 't.db');
    const lessons = path.join(dir, 'lessons');
    cpSync(path.join(repoRoot, 'lessons'), lessons, { recursive: true });
    cpSync(path.join(repoRoot, 'tests/fixtures/quiz-modes'), lessons, { recursive: true });
    cli(db, ['user', 'add', '--role', 'student', 'sam'], { password: 'sam-secret-12' });
    srv = await startServer({ db, args: ['--lessons', lessons] });
    const login = await fetch(`${srv.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sam', password: 'sam-secret-12' }),
    });
    assert.equal(login.status, 200);
    sam = { cookie: cookieHeaderFrom(login), 'x-csrf-token': (await login.json()).csrf_token };
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const submitRaw = (vid, headers, body) => fetch(`${srv.base}/api/v1/variants/${vid}/submissions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
  });
  const grade = async (vid, body) => {
    const r = await submitRaw(vid, {}, body);
    assert.equal(r.status, 200, `expected 200 for ${body}`);
    return r.json();
  };

  test('number answers: the wrapped value is right, other formats are format errors', async () => {
    const q = 'v0-segments-and-sequence-numbers.q3'; // ISN 4294967295 → ACK 0
    assert.equal((await grade(q, '{"value": 0}')).score, 1);
    const wrong = await grade(q, '{"value": 4294967296}');
    assert.deepEqual([wrong.gradable, wrong.score], [true, 0]);
    for (const body of ['{"value": "0"}', '{"value": "0x0"}', '{"value": 0.0}', '{"value": 1e3}', '{"value": null}', '{"value": [0]}', '{"value": 0, "x": 1}', '{}']) {
      const r = await grade(q, body);
      assert.equal(r.gradable, false, `expected ${body} not gradable`);
      assert.equal(r.explanation, null, `expected no explanation for ${body}`);
      assert.ok(r.format_errors.length > 0 && r.format_errors.every((e) => typeof e.field === 'string'), `expected format errors for ${body}`);
    }
  });

  test('ladder: SEQ/ACK are taken modulo 2^32 and must be 0..4294967295', async () => {
    const v = await (await fetch(`${srv.base}/api/v1/questions/segments-and-sequence-numbers.q5/variants`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seed": 12345}',
    })).json();
    const M = 2 ** 32;
    const c = v.params.client_iss;
    const s = v.params.server_iss;
    const right = [[c, 0], [s, (c + 1) % M], [(c + 1) % M, (s + 1) % M]];
    const body = (segs) => JSON.stringify({ segments: segs.map(([seq, ack]) => ({ seq, ack })) });
    const r = await grade(v.variant_id, body(right));
    assert.deepEqual([r.score, r.points, r.max_points], [1, 6, 6]);
    const unwrapped = await grade(v.variant_id, body(right.map(([a, b]) => [a + M, b])));
    assert.equal(unwrapped.gradable, false, 'expected seq + 2^32 to be a format error');
    const neg = await grade(v.variant_id, body([[-1, 0], ...right.slice(1)]));
    assert.equal(neg.gradable, false);
    assert.equal(neg.format_errors[0].field, '/segments/0/seq');
    const partial = await grade(v.variant_id, body([[c, 0], [s, c], [(c + 1) % M, (s + 1) % M]]));
    assert.deepEqual([partial.gradable, partial.points, partial.max_points], [true, 5, 6]);
    assert.ok(partial.score > 0 && partial.score < 1);
  });

  test('state answers are the RFC spellings, exactly', async () => {
    const q = 'v0-three-way-handshake.q2';
    assert.equal((await grade(q, '{"state": "SYN-RECEIVED"}')).score, 1);
    assert.equal((await grade(q, '{"state": "LISTEN"}')).score, 0);
    for (const s of ['syn-received', 'SYN_RECEIVED', ' SYN-RECEIVED', 'SYN-RCVD']) {
      assert.equal((await grade(q, JSON.stringify({ state: s }))).gradable, false, `expected "${s}" not gradable`);
    }
  });

  test('exam: two answers at once for the last attempt → one 200 and one 409; malformed costs nothing', async () => {
    const vid = 'v0-exam-demo.q1';
    for (let i = 1; i <= 2; i++) {
      const r = await submitRaw(vid, sam, '{"choice": 1}');
      assert.equal(r.status, 200);
      assert.equal((await r.json()).attempt, i);
    }
    const bad = await submitRaw(vid, sam, '{"choice": "0"}');
    assert.equal(bad.status, 200);
    assert.deepEqual((({ gradable, attempts_left }) => ({ gradable, attempts_left }))(await bad.json()), { gradable: false, attempts_left: 1 });
    const rs = await Promise.all([submitRaw(vid, sam, '{"choice": 0}'), submitRaw(vid, sam, '{"choice": 2}')]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409]);
    const won = await rs.find((r) => r.status === 200).json();
    assert.deepEqual([won.attempt, won.attempts_left], [3, 0]);
    assert.equal(won.points, won.max_points * 0.5 * won.score, 'points = max_points × (1 − 0.25 × 2) × score');
    await rs.find((r) => r.status === 409).arrayBuffer();
  });
});
