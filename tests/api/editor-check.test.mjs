// editor-check.test.mjs — the editor's server side: POST /api/v1/lessons/{slug}/check answers
// what a save would refuse (problems with file:line) and warn about (the other locale differs)
// without saving; a save's note is kept and listed with the author's name; the question
// builder's preview (POST /api/v1/render/question) gives, for each quiz type, the student's
// variant and the engine's full-marks answer, which grades as full marks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers.mjs';
import { cli, roleTokens } from './accounts-cli.mjs';

let dir;
let srv;
const tok = {};

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-editor-check-'));
  const db = path.join(dir, 't.db');
  Object.assign(tok, roleTokens(db));
  tok.named = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'prof.ada']).trim();
  srv = await startServer({ db });
});
after(async () => {
  if (srv) assert.equal(await srv.stop(), 0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(method, p, { role = 'instructor', body, headers = {} } = {}) {
  const r = await fetch(`${srv.base}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${tok[role]}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, etag: r.headers.get('etag'), type: r.headers.get('content-type'), body: await r.json().catch(() => null) };
}

const EXTRA_Q = `- id: q99
  type: number
  prompt: "An extra question"
  answer: 5
  explanation: "Five."
`;

test('check: the stored lesson is valid; a question in one locale only is a warning; broken YAML a file:line problem', async () => {
  const cur = await call('GET', '/api/v1/lessons/reset?locale=en');
  assert.equal(cur.status, 200);
  const ok = await call('POST', '/api/v1/lessons/reset/check?locale=en', { body: { text: cur.body.text } });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, { valid: true, problems: [], warnings: [] });

  const added = cur.body.text.replace('- id: q1\n', `${EXTRA_Q}- id: q1\n`);
  const one = await call('POST', '/api/v1/lessons/reset/check?locale=en', { body: { text: added } });
  assert.equal(one.status, 200);
  assert.equal(one.body.valid, true);
  assert.equal(one.body.warnings.length, 1, JSON.stringify(one.body));
  assert.match(one.body.warnings[0], /^reset\.md: differs from reset\.zh-CN\.md: /);

  const broken = cur.body.text.replace('  answer: 101\n', '  answer: [unclosed\n');
  const bad = await call('POST', '/api/v1/lessons/reset/check?locale=en', { body: { text: broken } });
  assert.equal(bad.status, 200);
  assert.equal(bad.body.valid, false);
  assert.ok(bad.body.problems.length >= 1);
  assert.equal(bad.body.problems[0].file, 'reset.md');
  assert.ok(bad.body.problems[0].line > 160, `expected the quiz block's line, got ${bad.body.problems[0].line}`);
  assert.match(bad.body.problems[0].detail, /^reset\.md:\d+: /);
  // the same text is what PUT refuses, with the same problem
  const put = await call('PUT', '/api/v1/lessons/reset?locale=en', { body: { text: broken }, headers: { 'if-match': cur.etag } });
  assert.equal(put.status, 422);
  assert.deepEqual(put.body.problems, bad.body.problems);
  // nothing was saved by /check
  const after = await call('GET', '/api/v1/lessons/reset?locale=en');
  assert.equal(after.body.revision, cur.body.revision);

  const zh = await call('POST', '/api/v1/lessons/reset/check?locale=zh-CN', { body: { text: 'no front matter' } });
  assert.equal(zh.status, 200);
  assert.equal(zh.body.valid, false);
  assert.match(zh.body.problems[0].detail, /^reset\.zh-CN\.md:\d+: /);
});

test('check: roles and bad bodies', async () => {
  for (const role of ['student', 'grader']) {
    const r = await call('POST', '/api/v1/lessons/reset/check?locale=en', { role, body: { text: 'x' } });
    assert.equal(r.status, 403, role);
  }
  const anon = await fetch(`${srv.base}/api/v1/lessons/reset/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' });
  assert.equal(anon.status, 401);
  const nt = await call('POST', '/api/v1/lessons/reset/check?locale=en', { body: { txt: 'x' } });
  assert.equal(nt.status, 422);
  assert.equal(nt.body.errors[0].pointer, '/text');
  const loc = await call('POST', '/api/v1/lessons/reset/check?locale=fr', { body: { text: 'x' } });
  assert.equal(loc.status, 400);
});

test('a save keeps its note; revisions list the author by name', async () => {
  const cur = await call('GET', '/api/v1/lessons/time-wait?locale=en', { role: 'named' });
  const text = `${cur.body.text.trimEnd()}\n\nA noted change.\n`;
  const note = 'Fixed the 2MSL example — 修正示例';
  const put = await call('PUT', '/api/v1/lessons/time-wait?locale=en', { role: 'named', body: { text, note }, headers: { 'if-match': cur.etag } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.note, note);
  assert.equal(put.body.author_name, 'prof.ada');
  assert.match(put.body.author, /^token:\d+$/);
  const revs = await call('GET', '/api/v1/lessons/time-wait/revisions?locale=en');
  assert.equal(revs.body.revisions[0].note, note);
  assert.equal(revs.body.revisions[0].author_name, 'prof.ada');
  assert.equal(revs.body.revisions[1].note, '');
  assert.equal(revs.body.revisions[1].author_name, 'import');
  const one = await call('GET', `/api/v1/lessons/time-wait/revisions/${put.body.revision}?locale=en`);
  assert.equal(one.body.note, note);

  const long = await call('PUT', '/api/v1/lessons/time-wait?locale=en', { body: { text, note: 'x'.repeat(501) }, headers: { 'if-match': put.etag } });
  assert.equal(long.status, 422);
  assert.equal(long.body.errors[0].pointer, '/note');
  const num = await call('PUT', '/api/v1/lessons/time-wait?locale=en', { body: { text, note: 5 }, headers: { 'if-match': put.etag } });
  assert.equal(num.status, 422);
  // a save without a note still works (and a stale one names the author by name)
  const plain = await call('PUT', '/api/v1/lessons/time-wait?locale=en', { body: { text: `${text}More.\n` }, headers: { 'if-match': put.etag } });
  assert.equal(plain.status, 200);
  assert.equal(plain.body.note, '');
  const stale = await call('PUT', '/api/v1/lessons/time-wait?locale=en', { body: { text }, headers: { 'if-match': put.etag } });
  assert.equal(stale.status, 412);
  assert.equal(stale.body.author_name, 'instructor-tok');
});

const BLOCKS = {
  single: '- id: b1\n  type: single\n  prompt: "Pick B"\n  choices: ["A", "B", "C"]\n  answer: 1\n  explanation: "B."\n',
  multiple: '- id: b2\n  type: multiple\n  prompt: "Pick A and C"\n  choices: ["A", "B", "C"]\n  answer: [0, 2]\n  explanation: "A, C."\n',
  number: '- id: b3\n  type: number\n  prompt: "ISN 100: the ACK?"\n  answer: 101\n  tolerance: 0\n  explanation: "x"\n',
  order: '- id: b4\n  type: order\n  prompt: "Order"\n  choices: ["ESTABLISHED", "SYN-SENT", "CLOSED"]\n  answer: [2, 1, 0]\n  explanation: "x"\n',
  state: '- id: b5\n  type: state\n  prompt: "After step {step}?"\n  scenario: handshake-and-close\n  endpoint: client\n  step: 3\n  explanation: "It is {answer}."\n',
  ladder: '- id: b6\n  type: ladder\n  prompt: "ISN {client_iss}"\n  scenario: handshake-and-close\n  params:\n    client_iss: "int[0, 1000]"\n  segments: 3\n  explanation: "x"\n',
};

test('question builder preview: every type gives a variant and a full-marks engine answer', async () => {
  for (const [type, yaml] of Object.entries(BLOCKS)) {
    const r = await call('POST', '/api/v1/render/question', { body: { yaml, slug: 'my-lesson', seed: 7 } });
    assert.equal(r.status, 200, `${type}: ${JSON.stringify(r.body)}`);
    const [q] = r.body.questions;
    assert.equal(q.type, type);
    assert.equal(q.problem, null, `${type}: ${q.problem}`);
    assert.match(q.variant.variant_id, new RegExp(`^v7-my-lesson\\.b\\d$`));
    assert.match(q.html, /<form class="tl-question"/);
    assert.ok(q.answer && typeof q.answer === 'object', type);
    assert.equal(q.grade.score, 1, `${type}: ${JSON.stringify(q.grade)}`);
  }
  const st = await call('POST', '/api/v1/render/question', { body: { yaml: BLOCKS.state } });
  assert.match(st.body.questions[0].answer.state, /^[A-Z]+(-[A-Z0-9]+)*$/);
  assert.equal(st.body.questions[0].grade.explanation, `It is ${st.body.questions[0].answer.state}.`);
  const ld = await call('POST', '/api/v1/render/question', { body: { yaml: BLOCKS.ladder, seed: 3 } });
  assert.equal(ld.body.questions[0].answer.segments.length, 3);
  assert.equal(ld.body.questions[0].answer.segments[0].seq, ld.body.questions[0].variant.params.client_iss);

  // a step past the scenario's end is named, with its line, not a server error
  const far = await call('POST', '/api/v1/render/question', { body: { yaml: BLOCKS.state.replace('step: 3', 'step: 999') } });
  assert.equal(far.status, 422);
  assert.match(far.body.errors[0].detail, /^line \d+: .*step 999 out of range/);
  const bad = await call('POST', '/api/v1/render/question', { body: { yaml: '- id: x\n  type: nope\n' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.errors[0].pointer, '/yaml');
  assert.match(bad.body.errors[0].detail, /line \d+/);
  const stu = await call('POST', '/api/v1/render/question', { role: 'student', body: { yaml: BLOCKS.single } });
  assert.equal(stu.status, 403);
});
