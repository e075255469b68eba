// tests/api/quiz-feedback.test.mjs — feedback that teaches, over HTTP (server/web/api_quiz.c,
// server/lessons/quiz_grade.c): a wrong practice answer carries a hint and no explanation
// (answer_available), a right one the explanation; POST /api/v1/variants/{id}/answer shows the
// worked answer and records nothing (an exam question's is a 403, its attempts untouched);
// multiple choice gets per-choice partial credit and choice_marks; format errors keep their
// JSON pointers and add plain 1-based messages in the request's language.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, repoRoot, startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

describe('quiz feedback', () => {
  let dir, srv, sam;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-qf-'));
    const db = path.join(dir, 't.db');
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

  const post = async (p, body, headers = {}) => {
    const r = await fetch(`${srv.base}${p}`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
  };
  const submit = (vid, answer, q = '', headers = {}) => post(`/api/v1/variants/${vid}/submissions${q}`, answer, headers);

  test('practice: wrong → hint, no explanation; right → explanation, no hint', async () => {
    const w = await submit('v0-three-way-handshake.q2', { state: 'LISTEN' }, '?lang=en');
    assert.equal(w.status, 200);
    assert.equal(w.body.gradable, true);
    assert.equal(w.body.score, 0);
    assert.equal(w.body.explanation, null, 'the worked answer waits');
    assert.equal(w.body.answer_available, true);
    assert.match(w.body.hint, /step \d+/);
    assert.match(w.body.hint, /In which state does it then wait for the ACK\?/, 'the authored hint follows the generated one');
    assert.doesNotMatch(w.body.hint, /SYN-RECEIVED/);
    assert.equal(w.body.feedback, 'Not correct.', 'feedback keeps its old form');
    assert.equal(w.body.feedback_detail, null);
    const r = await submit('v0-three-way-handshake.q2', { state: 'SYN-RECEIVED' }, '?lang=en');
    assert.equal(r.body.score, 1);
    assert.match(r.body.explanation, /LISTEN to SYN-RECEIVED/);
    assert.equal(r.body.hint, null);
    assert.equal(r.body.answer_available, undefined);
    const zh = await submit('v0-three-way-handshake.q2', { state: 'LISTEN' }, '?lang=zh-CN');
    assert.match(zh.body.hint, /第 \d+ 步/);
    assert.match(zh.body.hint, /在哪个状态等待对方的 ACK/);
  });

  test('Show answer: POST /answer gives the worked answer and records nothing', async () => {
    const a = await post('/api/v1/variants/v0-three-way-handshake.q2/answer?lang=en');
    assert.equal(a.status, 200);
    assert.equal(a.body.variant_id, 'v0-three-way-handshake.q2');
    assert.equal(a.body.answer, 'SYN-RECEIVED');
    assert.match(a.body.explanation, /LISTEN to SYN-RECEIVED/);
    assert.equal(a.body.mode, 'practice');
    assert.equal(a.body.next_variant, undefined, 'no parameters, no new numbers');
    assert.equal((await post('/api/v1/variants/v0-three-way-handshake.q2/answer', {})).status, 200, '{} is an empty body too');
    // a question with parameters: the explanation works out this variant; new numbers come along
    const v = await post('/api/v1/questions/three-way-handshake.q4/variants', { seed: 12345 });
    const { client_iss: c, server_iss: s } = v.body.params;
    const l = await post(`/api/v1/variants/${v.body.variant_id}/answer?lang=en`);
    assert.equal(l.status, 200);
    assert.equal(l.body.answer, `seq=${c} ack=0; seq=${s} ack=${(c + 1) % 2 ** 32}; seq=${(c + 1) % 2 ** 32} ack=${(s + 1) % 2 ** 32}`);
    assert.ok(l.body.explanation.includes(`seq=${c}`));
    assert.match(l.body.next_variant.variant_id, /^v\d+-three-way-handshake\.q4$/);
    // bad requests
    const bad = await post('/api/v1/variants/nonsense/answer');
    assert.equal(bad.status, 422);
    assert.match(bad.type, /problem\+json/);
    assert.equal((await post('/api/v1/variants/v0-three-way-handshake.q99/answer')).status, 404);
    assert.equal((await post('/api/v1/variants/v0-three-way-handshake.q2/answer', { seed: 1 })).status, 422);
    assert.equal((await post('/api/v1/variants/v7-three-way-handshake.q2/answer')).status, 422, 'no such variant of a question without parameters');
    // exam: 403, and it costs no attempt
    const ev = await post('/api/v1/questions/exam-demo.q1/variants', undefined, { cookie: sam.cookie });
    assert.equal(ev.body.attempts_left, 3);
    const ex = await post(`/api/v1/variants/${ev.body.variant_id}/answer`, undefined, sam);
    assert.equal(ex.status, 403);
    assert.match(ex.body.detail, /exam/);
    const again = await post('/api/v1/questions/exam-demo.q1/variants', undefined, { cookie: sam.cookie });
    assert.equal(again.body.attempts_left, 3, 'no attempt used');
  });

  test('exam rules unchanged: a wrong attempt with attempts left has a hint and no explanation', async () => {
    const ev = await post('/api/v1/questions/exam-demo.q1/variants', undefined, { cookie: sam.cookie });
    const w = await submit(ev.body.variant_id, { choice: 1 }, '?lang=en', sam);
    assert.equal(w.status, 200);
    assert.equal(w.body.mode, 'exam');
    assert.equal(w.body.explanation, null);
    assert.equal(w.body.attempts_left, 2);
    assert.equal(w.body.answer_available, undefined, 'no Show answer in an exam');
    assert.deepEqual(w.body.choice_marks, [{ index: 1, picked: true, right: false }]);
  });

  test('multiple choice: per-choice partial credit and a mark on every choice', async () => {
    // three-way-handshake.q5: 4 choices, key [0, 1, 3]; ticking 0 and 2 agrees on choice 0 only
    const m = await submit('v0-three-way-handshake.q5', { choices: [0, 2] }, '?lang=en');
    assert.equal(m.body.gradable, true);
    assert.equal(m.body.max_points, 3);
    assert.equal(m.body.points, 0.75);
    assert.equal(m.body.score, 0.25);
    assert.equal(m.body.feedback_detail, '1 of 4 choices marked right.');
    assert.deepEqual(m.body.choice_marks, [
      { index: 0, picked: true, right: true }, { index: 1, picked: false, right: false },
      { index: 2, picked: true, right: false }, { index: 3, picked: false, right: false },
    ]);
    assert.equal(m.body.explanation, null);
    assert.match(m.body.hint, /✗/);
    // one right and one wrong tick of two choices' worth: half the points, not zero
    const h = await submit('v0-three-way-handshake.q5', { choices: [0, 1, 2, 3] }, '?lang=zh-CN');
    assert.equal(h.body.points, 2.25);
    assert.equal(h.body.feedback_detail, '判断正确的选项有 3 个（共 4 个）。');
  });

  test('format errors: JSON pointers kept, plain 1-based messages beside them, in both languages', async () => {
    const seg = { segments: [{ seq: 'abc', ack: 0 }, { seq: 1 }, { seq: 1, ack: 2 }] };
    const en = await submit('v5-three-way-handshake.q4', seg, '?lang=en');
    assert.equal(en.body.gradable, false);
    assert.deepEqual(en.body.format_errors, [
      { field: '/segments/0/seq', detail: 'must be an integer 0..4294967295', message: 'Row 1, SEQ: enter a whole number from 0 to 4294967295.', row: 1, column: 'seq' },
      { field: '/segments/1/ack', detail: 'missing', message: 'Row 2, ACK: fill in this cell.', row: 2, column: 'ack' },
    ]);
    assert.equal(en.body.hint, null);
    const zh = await submit('v5-three-way-handshake.q4', seg, '?lang=zh-CN');
    assert.deepEqual(zh.body.format_errors.map((e) => [e.field, e.message]), [
      ['/segments/0/seq', '第 1 行 SEQ：请填写 0 到 4294967295 之间的整数。'],
      ['/segments/1/ack', '第 2 行 ACK：请填写这一格。'],
    ]);
    const n = await submit('v0-segments-and-sequence-numbers.q2', { value: '12x' }, '?lang=zh-CN');
    assert.deepEqual(n.body.format_errors, [{ field: '/value', detail: 'must be an integer', message: '请填写一个整数，例如 101。' }]);
    // a graded ladder: parts carry row and column; the hint names cells, not values
    const v = await post('/api/v1/questions/three-way-handshake.q4/variants', { seed: 99 });
    const { client_iss: c, server_iss: s } = v.body.params;
    const M = 2 ** 32;
    const g = await submit(v.body.variant_id, { segments: [{ seq: c, ack: 0 }, { seq: s, ack: c }, { seq: (c + 1) % M, ack: (s + 1) % M }] }, '?lang=en');
    assert.equal(g.body.points, 5);
    assert.deepEqual(g.body.parts.filter((p) => p.points === 0).map((p) => [p.row, p.column]), [[2, 'ack']]);
    assert.match(g.body.hint, /^Not right yet: row 2 ACK\. ACK is the next sequence number/);
    assert.ok(!g.body.hint.includes(String((c + 1) % M)), 'the hint never gives the value');
  });
});
