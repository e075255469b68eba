// tests/api/grading.test.mjs — grading: role × endpoint (a student token gets 403
// on every instructor/grader endpoint, anonymous 401), trace checking, challenges, CSRF on
// cookie submissions, Idempotency-Key replay and misuse, exports (Canvas CSV, Gradescope,
// LTI), statistics, and kill -9 durability (every 2xx submission survives).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, startServer } from './helpers.mjs';
import { cli, roleTokens } from './accounts-cli.mjs';

const GOAL = {
  reach: { all: [{ state: { endpoint: 'server', is: 'CLOSE-WAIT' } }, { state: { endpoint: 'client', is: 'FIN-WAIT-2' } }] },
  never: { state_visited: { endpoint: 'client', is: 'TIME-WAIT' } },
};
const GOOD_EVENTS = [
  { at_ms: 0, endpoint: 'server', call: 'listen' },
  { at_ms: 0, endpoint: 'client', call: 'connect' },
  { at_ms: 500, endpoint: 'client', call: 'close' },
];
const BAD_EVENTS = [...GOOD_EVENTS, { at_ms: 700, endpoint: 'server', call: 'close' }];

describe('grading', () => {
  let dir, db, srv;
  const tok = {};
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-grd-'));
    db = path.join(dir, 't.db');
    cli(db, ['user', 'add', '--role', 'student', 'alice'], { password: 'alice-secret-1' });
    Object.assign(tok, roleTokens(db, 'sam')); // the student token acts as sam
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
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });

  let challengeId;
  test('instructor creates a challenge; invalid ones are 422 with pointers', async () => {
    const r = await call('POST', '/api/v1/challenges', { role: 'instructor', body: { title: 'Half close', scenario: 'half-close', goal: GOAL, points: 5 } });
    assert.equal(r.status, 201);
    const c = await r.json();
    challengeId = c.id;
    assert.equal(r.headers.get('location'), `/api/v1/challenges/${c.id}`);
    assert.equal(c.points, 5);
    assert.equal(c.scenario.title, 'Half-close');
    const bad = await call('POST', '/api/v1/challenges', {
      role: 'admin', body: { title: '', scenario: 'nope', goal: { never: { state: { endpoint: 'client', is: 'TIMEWAIT' } } } },
    });
    assert.equal(bad.status, 422);
    const pointers = (await bad.json()).errors.map((e) => e.pointer);
    assert.deepEqual(pointers.sort(), ['/goal/never/state/is', '/scenario', '/title']);
  });

  test('role × endpoint: anonymous 401, student 403 on every instructor/grader endpoint', async () => {
    const staffOnly = [
      ['POST', '/api/v1/challenges', { title: 't', scenario: 'half-close', goal: GOAL }],
      ['GET', '/api/v1/statistics'],
    ];
    const graderToo = [
      ['GET', '/api/v1/gradebook'],
      ['GET', '/api/v1/gradebook?format=csv'],
    ];
    for (const [m, p, body] of [...staffOnly, ...graderToo]) {
      assert.equal((await call(m, p, { body })).status, 401, `anonymous ${m} ${p}`);
      assert.equal((await call(m, p, { role: 'student', body })).status, 403, `student ${m} ${p}`);
      assert.ok([200, 201].includes((await call(m, p, { role: 'instructor', body })).status), `instructor ${m} ${p}`);
      assert.ok([200, 201].includes((await call(m, p, { role: 'admin', body })).status), `admin ${m} ${p}`);
    }
    for (const [m, p, body] of staffOnly) assert.equal((await call(m, p, { role: 'grader', body })).status, 403, `grader ${m} ${p}`);
    for (const [m, p] of graderToo) assert.equal((await call(m, p, { role: 'grader' })).status, 200, `grader ${m} ${p}`);
    // signed-in only
    for (const p of ['/api/v1/challenges', `/api/v1/challenges/${challengeId}`]) {
      assert.equal((await call('GET', p)).status, 401);
      assert.equal((await call('GET', p, { role: 'student' })).status, 200);
    }
    assert.equal((await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { body: { events: GOOD_EVENTS } })).status, 401);
    // a grader's submission for alice: the student may not read it, the grader may
    const s = await (await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { role: 'grader', body: { user: 'alice', events: GOOD_EVENTS } })).json();
    for (const suffix of ['', '/gradescope', '/lti']) {
      assert.equal((await call('GET', `/api/v1/submissions/${s.id}${suffix}`)).status, 401);
      assert.equal((await call('GET', `/api/v1/submissions/${s.id}${suffix}`, { role: 'student' })).status, 403, `student ${suffix}`);
      assert.equal((await call('GET', `/api/v1/submissions/${s.id}${suffix}`, { role: 'grader' })).status, 200);
    }
    // a student may not submit for somebody else
    assert.equal((await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { role: 'student', body: { user: 'alice', events: GOOD_EVENTS } })).status, 403);
  });

  test('challenge submissions: pass, and the first failing step named', async () => {
    const ok = await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { role: 'grader', body: { user: 'bob', events: GOOD_EVENTS } });
    assert.equal(ok.status, 201);
    const g = await ok.json();
    assert.deepEqual([g.passed, g.score, g.points, g.max_points, g.failed_step], [true, 1, 5, 5, null]);
    const bad = await (await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { role: 'grader', body: { user: 'bob', events: BAD_EVENTS } })).json();
    assert.equal(bad.passed, false);
    assert.ok(bad.failed_step >= 1);
    assert.equal(bad.step.step, bad.failed_step);
    assert.equal(bad.step.tcb.client.state, 'TIME-WAIT');
    assert.match(bad.reason, new RegExp(`^step ${bad.failed_step}: .*TIME-WAIT`));
    const inval = await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { role: 'grader', body: { events: [{ at_ms: 0, endpoint: 'client', call: 'connet' }] } });
    assert.equal(inval.status, 422);
    assert.equal((await inval.json()).errors[0].pointer, '/events/0/call');
    assert.equal((await call('POST', '/api/v1/challenges/999/submissions', { role: 'grader', body: { events: [] } })).status, 404);
    assert.equal((await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { role: 'grader', body: '{"events": [' })).status, 400);
  });

  test('trace checking: anonymous practice, lines marked with the engine rule, pointers for bad lines', async () => {
    const steps = [
      { endpoint: 'client', flags: ['SYN'], seq: 100, state_after: 'SYN-SENT' },
      { endpoint: 'server', flags: 'SYN,ACK', seq: 300, ack: 100 },
      { endpoint: 'client', flags: ['ACK'], seq: 101, ack: 301 },
    ];
    const r = await call('POST', '/api/v1/grade/trace', { body: { scenario: 'handshake-and-close', steps } });
    assert.equal(r.status, 200);
    const j = await r.json();
    assert.equal(j.submission_id, null);
    assert.deepEqual(j.lines.slice(0, 3).map((l) => l.right), [true, false, true]);
    assert.deepEqual(j.lines[1].wrong, ['ack']);
    assert.match(j.lines[1].explanation, /ACK is 101, not 100; engine: RFC 9293 §3\.10\.7\.2/);
    assert.ok(j.lines.slice(3).every((l) => l.missing));
    assert.equal(j.max_points, j.expected_lines);
    const bad = await call('POST', '/api/v1/grade/trace', { body: { scenario: 'handshake-and-close', steps: [{ endpoint: 'x', flags: ['SYN'], seq: 1 }], extra: 1 } });
    assert.equal(bad.status, 422);
    assert.deepEqual((await bad.json()).errors.map((e) => e.pointer), ['/extra', '/steps/0/endpoint']);
    const bad2 = await call('POST', '/api/v1/grade/trace', { body: { scenario: 'handshake-and-close', steps: [{ endpoint: 'x', flags: ['SYN'], seq: 1 }] } });
    assert.equal(bad2.status, 422);
    assert.deepEqual((await bad2.json()).errors.map((e) => e.pointer), ['/steps/0/endpoint']);
    // signed in: stored
    const stored = await (await call('POST', '/api/v1/grade/trace', { role: 'student', body: { scenario: 'handshake-and-close', steps } })).json();
    assert.ok(stored.submission_id > 0);
  });

  test('cookie sessions need X-CSRF-Token to submit', async () => {
    const lr = await call('POST', '/api/v1/login', { body: { name: 'alice', password: 'alice-secret-1' } });
    const { csrf_token: csrf } = await lr.json();
    const cookie = cookieHeaderFrom(lr);
    const p = `/api/v1/challenges/${challengeId}/submissions`;
    assert.equal((await call('POST', p, { body: { events: GOOD_EVENTS }, headers: { cookie } })).status, 403);
    const ok = await call('POST', p, { body: { events: GOOD_EVENTS }, headers: { cookie, 'x-csrf-token': csrf } });
    assert.equal(ok.status, 201);
    const id = (await ok.json()).id;
    // alice reads her own submission with the cookie
    const mine = await (await call('GET', `/api/v1/submissions/${id}`, { headers: { cookie } })).json();
    assert.equal(mine.user, 'alice');
  });

  test('Idempotency-Key: a retry returns the stored answer; the same key with another body is 422', async () => {
    const p = `/api/v1/challenges/${challengeId}/submissions`;
    const h = { 'idempotency-key': 'retry-1' };
    const a = await call('POST', p, { role: 'grader', body: { user: 'dave', events: GOOD_EVENTS }, headers: h });
    assert.equal(a.status, 201);
    const ja = await a.json();
    const b = await call('POST', p, { role: 'grader', body: { user: 'dave', events: GOOD_EVENTS }, headers: h });
    assert.equal(b.status, 201);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await b.json(), ja);
    const c = await call('POST', p, { role: 'grader', body: { user: 'dave', events: BAD_EVENTS }, headers: h });
    assert.equal(c.status, 422);
    // keys are per caller: the instructor's "retry-1" is a new submission
    const d = await call('POST', p, { role: 'instructor', body: { user: 'dave', events: GOOD_EVENTS }, headers: h });
    assert.notEqual((await d.json()).id, ja.id);
    // concurrent retries of one key → one row
    const rs = await Promise.all(Array.from({ length: 8 }, () => call('POST', p, { role: 'grader', body: { user: 'erin', events: GOOD_EVENTS }, headers: { 'idempotency-key': 'burst' } })));
    const ids = new Set(await Promise.all(rs.map(async (r) => { assert.equal(r.status, 201); return (await r.json()).id; })));
    assert.equal(ids.size, 1);
    assert.equal((await call('POST', p, { role: 'grader', body: { events: GOOD_EVENTS }, headers: { 'idempotency-key': '' } })).status, 400);
  });

  test('exports: gradebook JSON and Canvas CSV, Gradescope results.json, LTI score; statistics', async () => {
    const csv = await call('GET', '/api/v1/gradebook?format=csv', { role: 'grader' });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    const rows = (await csv.text()).trim().split('\r\n');
    assert.equal(rows[0].split(',').slice(0, 5).join(','), 'Student,ID,SIS User ID,SIS Login ID,Section');
    assert.ok(rows[0].includes(`Half close (${challengeId})`));
    assert.ok(rows[1].startsWith('Points Possible,,,,,5'));
    assert.ok(rows.some((r) => /^alice,\d+,,alice,,5(,|$)/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => /^bob,,,bob,,5(,|$)/.test(r)), 'best of bob\'s pass and fail');
    // formula injection through a title or a name is defused
    await call('POST', '/api/v1/challenges', { role: 'instructor', body: { title: '=HYPERLINK("x")', scenario: 'half-close', goal: GOAL } });
    await call('POST', '/api/v1/grade/trace', { role: 'grader', body: { user: '@evil', scenario: 'lost-syn', steps: [] } });
    const csv2 = await (await call('GET', '/api/v1/gradebook?format=csv', { role: 'grader' })).text();
    assert.ok(csv2.includes(`"'=HYPERLINK(""x"") (`), csv2.split('\r\n')[0]);
    const gb = await (await call('GET', '/api/v1/gradebook', { role: 'instructor' })).json();
    assert.equal(gb.students.find((s) => s.name === 'bob').scores[`challenge:${challengeId}`], 5);
    assert.equal((await call('GET', '/api/v1/gradebook?format=xml', { role: 'instructor' })).status, 400);

    const sub = await (await call('POST', `/api/v1/challenges/${challengeId}/submissions`, { role: 'grader', body: { user: 'frank', events: BAD_EVENTS } })).json();
    const gs = await (await call('GET', `/api/v1/submissions/${sub.id}/gradescope`, { role: 'grader' })).json();
    assert.equal(gs.score, 0);
    assert.deepEqual(Object.keys(gs.tests[0]).sort(), ['max_score', 'name', 'output', 'score', 'visibility']);
    assert.equal(gs.tests[0].max_score, 5);
    const lti = await (await call('GET', `/api/v1/submissions/${sub.id}/lti`, { role: 'grader' })).json();
    assert.deepEqual([lti.userId, lti.scoreGiven, lti.scoreMaximum, lti.activityProgress, lti.gradingProgress], ['frank', 0, 5, 'Completed', 'FullyGraded']);
    assert.match(lti.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const trace = await (await call('POST', '/api/v1/grade/trace', { role: 'grader', body: { user: 'frank', scenario: 'lost-syn', steps: [{ endpoint: 'client', flags: ['SYN'], seq: 1 }] } })).json();
    const gst = await (await call('GET', `/api/v1/submissions/${trace.submission_id}/gradescope`, { role: 'grader' })).json();
    assert.equal(gst.tests.length, trace.lines.length);
    assert.equal(gst.tests[0].name, 'line 1');

    const stats = await (await call('GET', '/api/v1/statistics', { role: 'instructor' })).json();
    const ch = stats.find((s) => s.kind === 'challenge' && s.ref === String(challengeId));
    assert.ok(ch.attempts >= 5);
    assert.ok(ch.mean_score > 0 && ch.mean_score < 1);
    assert.deepEqual(ch.common_wrong_answers[0].answer, BAD_EVENTS);
  });
});

describe('render', () => {
  test('POST /api/v1/render: staff only; the lesson as students see it, problems with lines', async () => {
    const { readFileSync } = await import('node:fs');
    const { repoRoot } = await import('./helpers.mjs');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-rnd-'));
    const db = path.join(dir, 't.db');
    const prof = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'p']).trim();
    cli(db, ['user', 'add', '--role', 'student', 's'], { password: 's-secret-123' });
    const stud = cli(db, ['token', 'create', '--role', 'student', '--name', 's', '--user', 's']).trim();
    const srv = await startServer({ db });
    try {
      const text = readFileSync(path.join(repoRoot, 'lessons/three-way-handshake.md'), 'utf8');
      const post = (t, body) => fetch(`${srv.base}/api/v1/render`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) }, body: JSON.stringify(body),
      });
      assert.equal((await post(null, { text })).status, 401);
      assert.equal((await post(stud, { text })).status, 403);
      const ok = await (await post(prof, { text, slug: 'three-way-handshake' })).json();
      assert.equal(ok.valid, true);
      assert.deepEqual(ok.problems, []);
      assert.match(ok.html, /tl-question/);
      const broken = await post(prof, { text: 'no front matter' });
      assert.equal(broken.status, 422);
      assert.equal((await broken.json()).problems[0].line, 1);
      assert.equal((await post(prof, { text, locale: 'fr' })).status, 422);
    } finally {
      assert.equal(await srv.stop(), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('durability', () => {
  test('kill -9 while a grader posts: every submission that got a 2xx is there after restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-kill-'));
    const db = path.join(dir, 't.db');
    const grader = cli(db, ['token', 'create', '--role', 'grader', '--name', 'ci']).trim();
    const instructor = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'prof']).trim();
    let srv = await startServer({ db });
    const auth = (t) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
    const c = await (await fetch(`${srv.base}/api/v1/challenges`, {
      method: 'POST', headers: auth(instructor), body: JSON.stringify({ title: 'k', scenario: 'half-close', goal: GOAL }),
    })).json();
    const acked = [];
    let stop = false;
    const worker = async (w) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await fetch(`${srv.base}/api/v1/challenges/${c.id}/submissions`, {
            method: 'POST', headers: { ...auth(grader), 'idempotency-key': `w${w}-${i}` },
            body: JSON.stringify({ user: `s${w}`, events: GOOD_EVENTS }),
          });
          if (r.status === 201) acked.push((await r.json()).id);
        } catch { return; }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    // kill while requests are in flight, once some have been acknowledged
    for (const t0 = Date.now(); acked.length < 40 && Date.now() - t0 < 15000;) await new Promise((r) => setTimeout(r, 20));
    srv.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await new Promise((r) => srv.proc.exitCode !== null || srv.proc.signalCode !== null ? r() : srv.proc.once('exit', r));
    assert.ok(acked.length > 10, `only ${acked.length} acknowledged before the kill`);
    srv = await startServer({ db });
    try {
      for (const id of acked) {
        const r = await fetch(`${srv.base}/api/v1/submissions/${id}`, { headers: auth(grader) });
        assert.equal(r.status, 200, `submission ${id} acknowledged but lost`);
        await r.arrayBuffer();
      }
    } finally {
      assert.equal(await srv.stop(), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
