// tests/api/quiz-modes.test.mjs — quiz modes, on the fixture lessons of
// tests/fixtures/quiz-modes (served with --lessons): practice answers a wrong answer with
// next_variant; exam gives a signed-in student one variant per question, a limited number
// of attempts (counted race-free by the store's writer) and decreasing points.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, repoRoot, startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

const ladderAnswer = (iss) => ({ segments: [{ seq: iss, ack: 0 }, { seq: 0, ack: (iss + 1) % 4294967296 }] });

describe('quiz modes', () => {
  let dir, db, srv;
  const sessions = {};
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-qm-'));
    db = path.join(dir, 't.db');
    const lessons = path.join(dir, 'lessons');
    cpSync(path.join(repoRoot, 'tests/fixtures/quiz-modes'), lessons, { recursive: true });
    for (const name of ['sam', 'ria', 'kim']) cli(db, ['user', 'add', '--role', 'student', name], { password: `${name}-secret-12` });
    srv = await startServer({ db, args: ['--lessons', lessons] });
    for (const name of ['sam', 'ria', 'kim']) {
      const login = await fetch(`${srv.base}/api/v1/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: `${name}-secret-12` }),
      });
      assert.equal(login.status, 200);
      const { csrf_token: csrf } = await login.json();
      sessions[name] = { cookie: cookieHeaderFrom(login), 'x-csrf-token': csrf };
    }
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const variant = async (qid, headers = {}, body = undefined) => {
    const r = await fetch(`${srv.base}/api/v1/questions/${qid}/variants`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(r.status, 201);
    return r.json();
  };
  const submit = (vid, headers, answer) => fetch(`${srv.base}/api/v1/variants/${vid}/submissions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(answer),
  });

  test('practice: a wrong answer comes with a new variant (new numbers), a right one without', async () => {
    const v = await variant('practice-demo.q2');
    assert.equal(v.mode, 'practice');
    const iss = v.params.client_iss;
    const wrong = await submit(v.variant_id, {}, ladderAnswer((iss + 5) % 4294967296));
    assert.equal(wrong.status, 200);
    const w = await wrong.json();
    assert.equal(w.gradable, true);
    assert.ok(w.score < 1);
    assert.equal(w.mode, 'practice');
    assert.ok(w.next_variant, 'next_variant after a wrong answer');
    assert.notEqual(w.next_variant.variant_id, v.variant_id);
    assert.match(w.next_variant.variant_id, /^v\d+-practice-demo\.q2$/);
    assert.equal(typeof w.next_variant.params.client_iss, 'number');
    assert.match(w.next_variant.prompt, new RegExp(String(w.next_variant.params.client_iss)));
    const nv = w.next_variant;
    const right = await (await submit(nv.variant_id, {}, ladderAnswer(nv.params.client_iss))).json();
    assert.equal(right.score, 1);
    assert.equal(right.next_variant, undefined);
    const bad = await (await submit(nv.variant_id, {}, { segments: 'x' })).json();
    assert.equal(bad.gradable, false);
    assert.equal(bad.next_variant, undefined, 'a malformed answer gets no new variant');
  });

  test('exam: one variant per student, another variant id is a 409, anonymous is a 401', async () => {
    const a = await variant('exam-demo.q2', { cookie: sessions.sam.cookie });
    const b = await variant('exam-demo.q2', { cookie: sessions.sam.cookie }, { seed: 7 });
    assert.equal(a.mode, 'exam');
    assert.equal(a.attempts, 3);
    assert.equal(a.attempts_left, 3);
    assert.equal(b.variant_id, a.variant_id, 'the same variant on every request');
    const other = await variant('exam-demo.q2', { cookie: sessions.ria.cookie });
    assert.notEqual(other.variant_id, a.variant_id, 'another student, another variant');
    const r = await submit(other.variant_id, sessions.sam, ladderAnswer(other.params.client_iss));
    assert.equal(r.status, 409);
    assert.match(r.headers.get('content-type'), /application\/problem\+json/);
    const anon = await submit(a.variant_id, {}, ladderAnswer(a.params.client_iss));
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('content-type'), /application\/problem\+json/);
  });

  test('exam: malformed answers are free, points decrease, the 4th attempt is a 409', async () => {
    const v = await variant('exam-demo.q1', { cookie: sessions.sam.cookie });
    assert.equal(v.variant_id, 'v0-exam-demo.q1');
    const bad = await submit(v.variant_id, sessions.sam, { choice: 'two' });
    assert.equal(bad.status, 200);
    const b = await bad.json();
    assert.equal(b.gradable, false);
    assert.equal(b.attempts_left, 3, 'a malformed answer costs no attempt');
    const r1 = await (await submit(v.variant_id, sessions.sam, { choice: 1 })).json();
    assert.deepEqual([r1.attempt, r1.attempts_left, r1.points, r1.mode], [1, 2, 0, 'exam']);
    assert.equal(r1.next_variant, undefined, 'no new variant in an exam');
    const r2 = await (await submit(v.variant_id, sessions.sam, { choice: 0 })).json();
    assert.deepEqual([r2.attempt, r2.attempts_left, r2.score], [2, 1, 1]);
    assert.equal(r2.points, r2.max_points * 0.75);
    const r3 = await (await submit(v.variant_id, sessions.sam, { choice: 0 })).json();
    assert.deepEqual([r3.attempt, r3.attempts_left], [3, 0]);
    assert.equal(r3.points, r3.max_points * 0.5);
    const r4 = await submit(v.variant_id, sessions.sam, { choice: 0 });
    assert.equal(r4.status, 409);
    assert.match((await r4.json()).detail, /no attempts left/);
    const again = await variant('exam-demo.q1', { cookie: sessions.sam.cookie });
    assert.equal(again.attempts_left, 0);
  });

  test('Idempotency-Key: a retried exam answer is replayed, not a second attempt', async () => {
    const v = await variant('exam-demo.q1', { cookie: sessions.ria.cookie });
    const k1 = { ...sessions.ria, 'idempotency-key': 'ria-q1-answer-1' };
    const r1 = await submit(v.variant_id, k1, { choice: 0 });
    assert.equal(r1.status, 200);
    assert.equal(r1.headers.get('idempotent-replayed'), null);
    const a1 = await r1.json();
    assert.deepEqual([a1.attempt, a1.attempts_left, a1.score], [1, 2, 1]);
    const again = await submit(v.variant_id, k1, { choice: 0 });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await again.json(), a1, 'the stored answer, word for word');
    assert.equal((await variant('exam-demo.q1', { cookie: sessions.ria.cookie })).attempts_left, 2);
    // the same key for another answer is refused, and costs nothing
    const misuse = await submit(v.variant_id, k1, { choice: 1 });
    assert.equal(misuse.status, 422);
    assert.match(misuse.headers.get('content-type'), /application\/problem\+json/);
    assert.match((await misuse.json()).title, /Idempotency-Key reused/);
    // five copies of one request in parallel: one attempt
    const k2 = { ...sessions.ria, 'idempotency-key': 'ria-q1-answer-2' };
    const rs = await Promise.all(Array.from({ length: 5 }, () => submit(v.variant_id, k2, { choice: 1 })));
    assert.deepEqual(rs.map((r) => r.status), [200, 200, 200, 200, 200]);
    const bodies = await Promise.all(rs.map((r) => r.json()));
    for (const b of bodies) assert.deepEqual([b.attempt, b.attempts_left], [2, 1]);
    assert.equal(rs.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 4);
    assert.equal((await variant('exam-demo.q1', { cookie: sessions.ria.cookie })).attempts_left, 1);
    // a malformed key is a 400
    const bad = await submit(v.variant_id, { ...sessions.ria, 'idempotency-key': 'x'.repeat(256) }, { choice: 0 });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).detail, /Idempotency-Key/);
  });

  test('Idempotency-Key: a retried practice answer is replayed with a next variant', async () => {
    const v = await variant('practice-demo.q2', { cookie: sessions.ria.cookie });
    const k = { ...sessions.ria, 'idempotency-key': 'ria-practice-1' };
    const wrong = ladderAnswer((v.params.client_iss + 5) % 4294967296);
    const first = await (await submit(v.variant_id, k, wrong)).json();
    const r = await submit(v.variant_id, k, wrong);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('idempotent-replayed'), 'true');
    const replayed = await r.json();
    assert.equal(replayed.score, first.score);
    assert.equal(replayed.mode, 'practice');
    assert.ok(replayed.next_variant, 'a wrong answer still comes with a new variant');
    // anonymous answers are not recorded: the key changes nothing
    const anon = await submit(v.variant_id, { 'idempotency-key': 'anon-1' }, wrong);
    assert.equal(anon.status, 200);
    assert.equal(anon.headers.get('idempotent-replayed'), null);
  });

  test('exam: 10 parallel submissions with 3 attempts → exactly 3 graded', async () => {
    const v = await variant('exam-demo.q2', { cookie: sessions.kim.cookie });
    const answer = ladderAnswer(v.params.client_iss);
    const rs = await Promise.all(Array.from({ length: 10 }, () => submit(v.variant_id, sessions.kim, answer)));
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 409, 409, 409, 409, 409, 409, 409]);
    const graded = await Promise.all(rs.filter((r) => r.status === 200).map((r) => r.json()));
    assert.deepEqual(graded.map((g) => g.attempt).sort(), [1, 2, 3]);
    await Promise.all(rs.filter((r) => r.status !== 200).map((r) => r.arrayBuffer()));
  });
});
