// tests/api/scenario-audit.test.mjs — regressions from the robustness audit of the scenario
// contract over HTTP (POST /api/v1/simulations): every invalid scenario is a 422 whose
// "errors" list names a pointer and a detail, also when the offending name is long enough
// to be cut inside a multi-byte character (the answer used to carry an empty "errors" list
// and the detail "(detail text was not valid UTF-8)").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) assert.equal(await srv.stop(), 0); });

async function post(body) {
  const r = await fetch(`${srv.base}/api/v1/simulations`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
  });
  return { status: r.status, json: await r.json() };
}

function assertNamed(res, pointerStart, detailPart) {
  assert.equal(res.status, 422);
  assert.ok(Array.isArray(res.json.errors) && res.json.errors.length >= 1,
    `errors list is empty: ${JSON.stringify(res.json)}`);
  const e = res.json.errors[0];
  assert.ok(e.pointer.startsWith(pointerStart), `pointer ${e.pointer}`);
  assert.ok(e.detail.includes(detailPart), `detail ${e.detail}`);
  assert.ok(!res.json.detail.includes('not valid UTF-8'), res.json.detail);
}

const CHARS = ['é', '中', '😀'];

test('unknown long member name cut in a multi-byte character: still a named 422', async () => {
  for (const ch of CHARS) {
    for (let pre = 118; pre < 128; pre++) {
      const key = 'a'.repeat(pre) + ch + 'zz';
      assertNamed(await post(`{"events": [], "${key}": 1}`), '/aaaa', 'unknown field');
    }
  }
});

test('too-large integer under a long member name: still a named 422', async () => {
  for (const ch of CHARS) {
    for (let pre = 118; pre < 128; pre++) {
      const key = 'a'.repeat(pre) + ch + 'zz';
      assertNamed(await post(`{"events": [], "${key}": 99999999999999999999}`), '/aaaa',
        'out of range');
    }
  }
});

test('unknown long built-in name cut in a multi-byte character: still a named 422', async () => {
  for (const ch of CHARS) {
    for (let pre = 95; pre < 102; pre++) {
      const name = 'a'.repeat(pre) + ch + 'zz';
      assertNamed(await post(JSON.stringify({ scenario: name })), '/scenario',
        'unknown built-in scenario');
    }
  }
});

// An ACK war between two ESTABLISHED endpoints made with injected segments, at the longest
// latency: simulated time used to overflow int64 (the ASan server aborted on UBSan's report;
// the release build produced negative times). Now a 422 naming the time bound, and the
// server keeps answering.
// Over HTTP a run may make 2,000 steps (max_steps), which this war reaches before the time
// bound (tests/unit/test_scenario_audit.c holds the time bound itself, at SIM_MAX_STEPS).
test('ACK war at the longest latency: 422 naming a bound, server alive', async () => {
  const war = {
    client: { iss: 100 }, server: { iss: 300 },
    network: { latency_ms: 9007199254740992 },
    events: [
      { at_ms: 0, endpoint: 'server', call: 'listen' },
      { at_ms: 0, inject: { to: 'server', flags: ['SYN'], seq: 100 } },
      { at_ms: 0, inject: { to: 'server', flags: ['ACK'], seq: 101, ack: 301 } },
      { at_ms: 0, endpoint: 'client', call: 'connect' },
      { at_ms: 0, inject: { to: 'client', flags: ['SYN', 'ACK'], seq: 300, ack: 101 } },
      { at_ms: 0, inject: { to: 'server', flags: ['ACK'], seq: 101, ack: 301, len: 10 } },
    ],
  };
  const res = await post(JSON.stringify(war));
  assert.equal(res.status, 422);
  assert.match(res.json.detail, /2\^62|more than 2000 steps/);
  const h = await fetch(`${srv.base}/healthz`);
  assert.equal(h.status, 200);
});

test('any problem detail cut inside a character keeps its text (U+FFFD for the cut bytes)', async () => {
  // GET of an unknown built-in: the detail quotes a copy of the name cut to 100 bytes
  for (const ch of CHARS) {
    for (let pre = 95; pre < 102; pre++) {
      const name = 'a'.repeat(pre) + ch + 'zz';
      const r = await fetch(`${srv.base}/api/v1/simulations?scenario=${encodeURIComponent(name)}`);
      assert.equal(r.status, 404);
      const body = await r.json();
      assert.match(body.detail, /^no built-in scenario named "a+/, body.detail);
      assert.ok(!body.detail.includes('not valid UTF-8'), body.detail);
    }
  }
});
