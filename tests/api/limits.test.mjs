// tests/api/limits.test.mjs — what one anonymous request may cost: the simulation answers'
// step limit (max_steps) and trace size limit (max_trace_bytes), each a 422 problem naming
// the limit; anonymous saves (size cap, per-address rate); CSV formula defusing in the
// gradebook export; Cache-Control: no-store on per-user answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers.mjs';
import { roleTokens } from './accounts-cli.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) assert.equal(await srv.stop(), 0); });

const MAX_STEPS = 2000;
const MAX_TRACE_BYTES = 1024 * 1024;

// listen, connect, then one send of `bytes` (the amplification scenario uses 36,367,187)
function sendScenario(bytes) {
  return JSON.stringify({
    events: [
      { at_ms: 0, endpoint: 'server', call: 'listen' },
      { at_ms: 0, endpoint: 'client', call: 'connect' },
      { at_ms: 200, endpoint: 'client', call: 'send', bytes },
    ],
  });
}

async function post(body, query = '') {
  const r = await fetch(`${srv.base}/api/v1/simulations${query}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
  });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), text, headers: r.headers };
}

function assertLimit(res, limit, max) {
  assert.equal(res.status, 422, res.text.slice(0, 300));
  assert.equal(res.type, 'application/problem+json');
  const j = JSON.parse(res.text);
  assert.equal(j.limit, limit);
  assert.equal(j.max, max);
  assert.ok(j.detail.includes(String(max)), j.detail);
  assert.ok(Array.isArray(j.errors) && j.errors.length === 1, res.text);
}

test('a 36,367,187-byte send: 422 naming max_steps, in English and zh-CN', async () => {
  const body = sendScenario(36367187);
  assert.ok(body.length < 200);
  for (const q of ['', '?lang=zh-CN']) {
    const res = await post(body, q);
    assertLimit(res, 'max_steps', MAX_STEPS);
    assert.ok(res.text.length < 2000, `answer is ${res.text.length} bytes`);
  }
});

test('a huge send with mss 1 stops at the step limit too (work bounded by steps, not bytes)', async () => {
  const sc = JSON.parse(sendScenario(1000000000));
  sc.client = { mss: 1 };
  sc.server = { mss: 1 };
  assertLimit(await post(JSON.stringify(sc)), 'max_steps', MAX_STEPS);
});

test('a trace under the step limit but over max_trace_bytes: 422 naming max_trace_bytes', async () => {
  const res = await post(sendScenario(700000)); // 1933 steps, about 1.3 MB of trace
  assertLimit(res, 'max_trace_bytes', MAX_TRACE_BYTES);
});

test('a trace under both limits is answered in full', async () => {
  const res = await post(sendScenario(146000)); // 413 steps, about 270 KB
  assert.equal(res.status, 200);
  const j = JSON.parse(res.text);
  assert.equal(j.steps.length, 413);
  assert.ok(res.text.length <= MAX_TRACE_BYTES);
});

test('save=true of an over-limit scenario is refused and nothing is saved', async () => {
  for (const bytes of [36367187, 700000]) {
    const res = await post(sendScenario(bytes), '?save=true');
    assert.equal(res.status, 422, res.text.slice(0, 300));
    assert.equal(res.headers.get('location'), null);
  }
});

test('built-ins are still answered by POST and GET (well under the limits)', async () => {
  const res = await post(JSON.stringify({ scenario: 'handshake-and-close', seed: 1 }));
  assert.equal(res.status, 200);
  const g = await fetch(`${srv.base}/api/v1/simulations?scenario=handshake-and-close&lang=zh-CN`);
  assert.equal(g.status, 200);
  await g.arrayBuffer();
});

describe('per-user answers and the gradebook export', () => {
  let dir, gsrv, tok;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-lim-'));
    const db = path.join(dir, 't.db');
    tok = roleTokens(db, 'sam');
    gsrv = await startServer({ db });
  });
  after(async () => {
    if (gsrv) assert.equal(await gsrv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });
  const call = (method, p, { role, body } = {}) => fetch(`${gsrv.base}${p}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(role ? { authorization: `Bearer ${tok[role]}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const GOAL = { reach: { state: { endpoint: 'client', is: 'ESTABLISHED' } } };

  test('CSV cells starting with LF, CR, TAB or spaces before = + - @ are defused', async () => {
    const titles = ['\n=1+1', '\r=1+1', '\t=1+1', '   =1+1', ' +1', '  -1', ' @SUM(A1)'];
    for (const title of titles) {
      const r = await call('POST', '/api/v1/challenges', { role: 'instructor', body: { title, scenario: 'handshake-and-close', goal: GOAL } });
      assert.equal(r.status, 201, title);
      await r.arrayBuffer();
    }
    const csv = await (await call('GET', '/api/v1/gradebook?format=csv', { role: 'grader' })).text();
    for (const title of titles) {
      // the field is quoted (it holds a space, CR or LF) and starts with ' before the title
      assert.ok(csv.includes(`"'${title} (`) || csv.includes(`'${title} (`), JSON.stringify(title));
    }
    assert.ok(!/(^|,)"?[ ]*[\n\r\t]?[ ]*[=+\-@]1/.test(csv), csv.split('\r\n')[0]);
  });

  test('anonymous saves: a size cap (422) and a per-address rate (429, Retry-After); signed-in saves are not limited', async () => {
    const small = { events: [{ at_ms: 0, endpoint: 'server', call: 'listen' }] };
    // 1,000 events: well over 32 KiB once saved
    const big = { events: Array.from({ length: 1000 }, (_, i) => ({ at_ms: i, endpoint: 'server', call: 'listen' })) };
    const tooBig = await call('POST', '/api/v1/simulations?save=true', { body: big });
    assert.equal(tooBig.status, 422);
    const tb = await tooBig.json();
    assert.equal(tb.limit, 'max_saved_scenario_bytes');
    assert.equal(tb.max, 32768);
    // signed in, the same scenario is saved
    const bigSigned = await call('POST', '/api/v1/simulations?save=true', { role: 'student', body: big });
    assert.equal(bigSigned.status, 201);
    await bigSigned.arrayBuffer();
    const statuses = [];
    let limited;
    for (let i = 0; i < 11; i++) {
      const r = await call('POST', '/api/v1/simulations?save=true', { body: small });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
      else await r.arrayBuffer();
    }
    assert.deepEqual(statuses, [...Array(10).fill(201), 429]);
    assert.equal(limited.headers.get('content-type'), 'application/problem+json');
    const ra = Number(limited.headers.get('retry-after'));
    assert.ok(ra >= 1 && ra <= 60, `Retry-After ${ra}`);
    assert.equal((await limited.json()).limit, 'anonymous_saves_per_minute');
    // running without saving is not limited, nor are signed-in saves
    const run = await call('POST', '/api/v1/simulations', { body: small });
    assert.equal(run.status, 200);
    await run.arrayBuffer();
    for (let i = 0; i < 12; i++) {
      const r = await call('POST', '/api/v1/simulations?save=true', { role: 'student', body: small });
      assert.equal(r.status, 201);
      await r.arrayBuffer();
    }
  });

  test('per-user answers carry Cache-Control: no-store', async () => {
    const c = await (await call('POST', '/api/v1/challenges', { role: 'instructor', body: { title: 'Open', scenario: 'handshake-and-close', goal: GOAL } })).json();
    const sub = await call('POST', `/api/v1/challenges/${c.id}/submissions`, { role: 'grader', body: { user: 'sam', events: [
      { at_ms: 0, endpoint: 'server', call: 'listen' }, { at_ms: 0, endpoint: 'client', call: 'connect' }] } });
    assert.equal(sub.status, 201);
    const { id } = await sub.json();
    const paths = [
      [`/api/v1/submissions/${id}`, 'grader'], [`/api/v1/submissions/${id}/gradescope`, 'grader'],
      [`/api/v1/submissions/${id}/lti`, 'grader'], ['/api/v1/gradebook', 'grader'],
      ['/api/v1/gradebook?format=csv', 'grader'], ['/api/v1/statistics', 'instructor'],
      ['/api/v1/me', 'student'], ['/api/v1/challenges', 'student'], [`/api/v1/challenges/${c.id}`, 'student'],
    ];
    for (const [p, role] of paths) {
      const r = await call('GET', p, { role });
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('cache-control'), 'no-store', p);
      await r.arrayBuffer();
    }
  });
});
