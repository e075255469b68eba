// tests/api/api.test.mjs — the engine REST API (/api/v1): every endpoint, the error table,
// a bad-input battery for POST /api/v1/simulations, saved simulations, ETag/304.
// One server (TCPLAB_BIN, default build/asan/tcplab) for the whole file; it must still answer
// /healthz after the battery and exit 0 on SIGTERM (ASan reports make it exit non-zero).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers.mjs';

const BUILTINS = [
  'handshake-and-close', 'server-closes-first', 'half-close', 'simultaneous-open',
  'simultaneous-close', 'lost-syn', 'lost-syn-ack', 'lost-third-ack', 'lost-fin',
  'lost-final-ack', 'connection-refused', 'abort-rst', 'half-open-discovery', 'half-open-data',
  'old-duplicate-syn', 'old-duplicate-syn-passive', 'syn-retries-exhausted',
  'listen-backlog', 'syn-flood', 'syn-flood-cookies',
];
const STATES = ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1',
  'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];

const HANDSHAKE = {
  client: { iss: 100 },
  server: { iss: 300 },
  events: [
    { at_ms: 0, endpoint: 'server', call: 'listen' },
    { at_ms: 0, endpoint: 'client', call: 'connect' },
    { at_ms: 300, endpoint: 'client', call: 'send', bytes: 10 },
    { at_ms: 500, endpoint: 'client', call: 'close' },
    { at_ms: 700, endpoint: 'server', call: 'close' },
  ],
};

let srv;
before(async () => { srv = await startServer({ args: ['--metrics'] }); });
after(async () => { if (srv) assert.equal(await srv.stop(), 0); });

const url = (p) => `${srv.base}${p}`;

async function get(path, headers = {}) {
  const r = await fetch(url(path), { headers });
  const text = await r.text();
  return { r, text };
}

async function post(path, body, { type = 'application/json', headers = {} } = {}) {
  const init = { method: 'POST', headers: { ...headers }, body };
  if (type !== null) init.headers['content-type'] = type;
  const r = await fetch(url(path), init);
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { r, text, json };
}

const postJSON = (path, value, opts) => post(path, JSON.stringify(value), opts);

// A problem+json answer with the given status; returns the parsed problem.
function assertProblem(res, status) {
  assert.equal(res.r.status, status, `expected ${status}, got ${res.r.status}: ${res.text}`);
  assert.match(res.r.headers.get('content-type') || '', /^application\/problem\+json/);
  const p = JSON.parse(res.text);
  assert.equal(p.status, status);
  assert.equal(typeof p.title, 'string');
  assert.equal(typeof p.type, 'string');
  return p;
}

function assertPointer(problem, pointer) {
  assert.ok(Array.isArray(problem.errors), `no errors[] in ${JSON.stringify(problem)}`);
  assert.ok(problem.errors.some((e) => e.pointer === pointer && typeof e.detail === 'string' && e.detail),
    `no error at ${pointer}: ${JSON.stringify(problem.errors)}`);
}

function assertTrace(t) {
  assert.ok(Array.isArray(t.steps) && t.steps.length > 0, 'trace has steps');
  for (const s of t.steps) {
    assert.ok(['call', 'send', 'receive', 'drop', 'timeout', 'inject'].includes(s.kind), s.kind);
    assert.ok(STATES.includes(s.state_before) && STATES.includes(s.state_after));
    assert.ok(['client', 'server'].includes(s.endpoint));
    assert.equal(typeof s.t_ms, 'number');
  }
  assert.ok(STATES.includes(t.final.client.state) && STATES.includes(t.final.server.state));
}

describe('catalog', () => {
  test('GET /api/v1/scenarios lists the 20 built-ins', async () => {
    const { r, text } = await get('/api/v1/scenarios');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const list = JSON.parse(text);
    assert.deepEqual(list.map((e) => e.name).sort(), [...BUILTINS].sort());
    for (const e of list) {
      assert.equal(typeof e.title, 'string');
      assert.ok(e.summary.length > 40, `${e.name} has a real summary`);
      assert.deepEqual(Object.keys(e).sort(), ['name', 'summary', 'title']);
    }
  });

  test('GET /api/v1/scenarios/{name} returns the full scenario', async () => {
    for (const name of BUILTINS) {
      const { r, text } = await get(`/api/v1/scenarios/${name}`);
      assert.equal(r.status, 200, name);
      const doc = JSON.parse(text);
      assert.equal(doc.name, name);
      assert.equal(typeof doc.title, 'string');
      assert.equal(typeof doc.summary, 'string');
      assert.ok(Array.isArray(doc.scenario.events) && doc.scenario.events.length > 0);
    }
  });

  test('unknown built-in → 404 problem', async () => {
    const p = assertProblem(await get('/api/v1/scenarios/no-such-thing'), 404);
    assert.match(p.detail, /no-such-thing/);
  });
});

describe('states', () => {
  test('GET /api/v1/states is RFC 9293 Figure 5', async () => {
    const { r, text } = await get('/api/v1/states');
    assert.equal(r.status, 200);
    const d = JSON.parse(text);
    assert.deepEqual(d.states.map((s) => s.name), STATES);
    for (const s of d.states) assert.ok(s.description.length > 20);
    assert.equal(d.edges.length, 20);
    for (const e of [...d.edges, ...d.note_edges]) {
      assert.ok(STATES.includes(e.from) && STATES.includes(e.to), JSON.stringify(e));
      assert.equal(typeof e.event, 'string');
      assert.equal(typeof e.action, 'string');
    }
    const has = (from, to, event, action) =>
      d.edges.some((e) => e.from === from && e.to === to && e.event === event && e.action === action);
    assert.ok(has('CLOSED', 'LISTEN', 'passive OPEN', 'create TCB'));
    assert.ok(has('LISTEN', 'SYN-RECEIVED', 'rcv SYN', 'snd SYN,ACK'));
    assert.ok(has('SYN-SENT', 'SYN-RECEIVED', 'rcv SYN', 'snd SYN,ACK'));
    assert.ok(has('TIME-WAIT', 'CLOSED', 'Timeout=2MSL', 'delete TCB'));
    assert.deepEqual(d.note_edges.map((e) => [e.from, e.to]), [['FIN-WAIT-1', 'TIME-WAIT']]);
    // every state is reachable in the figure's edges
    for (const s of STATES) assert.ok(d.edges.some((e) => e.from === s || e.to === s), s);
  });
});

describe('simulations', () => {
  test('POST a scenario → 200 trace', async () => {
    const res = await postJSON('/api/v1/simulations', HANDSHAKE);
    assert.equal(res.r.status, 200, res.text);
    assert.match(res.r.headers.get('content-type'), /^application\/json/);
    assertTrace(res.json);
    const first = res.json.steps.find((s) => s.kind === 'send');
    assert.deepEqual(first.segment.flags, ['SYN']);
    assert.equal(first.segment.seq, 100);
    assert.equal(res.json.steps[0].kind, 'call');
  });

  test('content types with parameters and +json are accepted', async () => {
    for (const type of ['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/scenario+json']) {
      const res = await postJSON('/api/v1/simulations', HANDSHAKE, { type });
      assert.equal(res.r.status, 200, `${type}: ${res.text}`);
    }
  });

  test('POST {"scenario": NAME} equals GET ?scenario=NAME', async () => {
    for (const name of ['handshake-and-close', 'lost-syn', 'half-open-discovery']) {
      const a = await postJSON('/api/v1/simulations', { scenario: name });
      assert.equal(a.r.status, 200, a.text);
      const b = await get(`/api/v1/simulations?scenario=${name}`);
      assert.equal(b.r.status, 200);
      assert.deepEqual(a.json, JSON.parse(b.text), name);
      // an override that does not change the run: a fresh engine run equals the cached trace
      const c = await postJSON('/api/v1/simulations', { scenario: name, title: 'mine' });
      assert.equal(c.r.status, 200, c.text);
      assert.deepEqual(c.json, a.json, `${name}: fresh run equals cache`);
      // and so does posting the built-in's full scenario
      const full = JSON.parse((await get(`/api/v1/scenarios/${name}`)).text).scenario;
      const d = await postJSON('/api/v1/simulations', full);
      assert.deepEqual(d.json, a.json, `${name}: full scenario equals cache`);
    }
  });

  test('every built-in runs through GET ?scenario=', async () => {
    for (const name of BUILTINS) {
      const { r, text } = await get(`/api/v1/simulations?scenario=${name}`);
      assert.equal(r.status, 200, name);
      assertTrace(JSON.parse(text));
    }
  });

  test('overrides replace the built-in\'s top-level members', async () => {
    const base = await postJSON('/api/v1/simulations', { scenario: 'lost-syn' });
    const fast = await postJSON('/api/v1/simulations', { scenario: 'lost-syn', timers: { rto_ms: 300 } });
    assert.equal(fast.r.status, 200, fast.text);
    const retx = (t) => t.steps.find((s) => s.kind === 'send' && s.retransmission);
    assert.ok(retx(base.json) && retx(fast.json));
    assert.ok(retx(fast.json).t_ms < retx(base.json).t_ms,
      `rto override: ${retx(fast.json).t_ms} vs ${retx(base.json).t_ms}`);
    // an unknown override is an unknown field at its own pointer
    assertPointer(assertProblem(await postJSON('/api/v1/simulations', { scenario: 'lost-syn', bogus: 1 }), 422), '/bogus');
    // a bad override value is reported where the client wrote it
    assertPointer(assertProblem(await postJSON('/api/v1/simulations',
      { scenario: 'lost-syn', timers: { rto_ms: 'soon' } }), 422), '/timers/rto_ms');
  });

  test('unknown or mistyped built-in name → 422 at /scenario', async () => {
    assertPointer(assertProblem(await postJSON('/api/v1/simulations', { scenario: 'nope' }), 422), '/scenario');
    assertPointer(assertProblem(await postJSON('/api/v1/simulations', { scenario: 5 }), 422), '/scenario');
  });

  test('GET ?scenario= is cached: strong ETag, Cache-Control, 304', async () => {
    const a = await get('/api/v1/simulations?scenario=handshake-and-close');
    assert.equal(a.r.status, 200);
    const etag = a.r.headers.get('etag');
    assert.match(etag, /^"[^"]+"$/, 'a strong ETag');
    assert.match(a.r.headers.get('cache-control'), /public/);
    assert.match(a.r.headers.get('cache-control'), /max-age=3600/);
    const b = await get('/api/v1/simulations?scenario=handshake-and-close', { 'if-none-match': etag });
    assert.equal(b.r.status, 304);
    assert.equal(b.text, '');
    assert.equal(b.r.headers.get('etag'), etag);
    const c = await get('/api/v1/simulations?scenario=handshake-and-close', { 'if-none-match': `"x", W/${etag}` });
    assert.equal(c.r.status, 304, 'weak comparison, list of tags');
    const d = await get('/api/v1/simulations?scenario=handshake-and-close', { 'if-none-match': '"other"' });
    assert.equal(d.r.status, 200);
    const e = await get('/api/v1/simulations?scenario=lost-syn');
    assert.notEqual(e.r.headers.get('etag'), etag, 'different content, different tag');
    const head = await fetch(url('/api/v1/simulations?scenario=handshake-and-close'), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('etag'), etag);
    assert.equal(await head.text(), '');
  });

  test('GET /api/v1/simulations without or with an unknown scenario', async () => {
    assertProblem(await get('/api/v1/simulations'), 400);
    assertProblem(await get('/api/v1/simulations?scenario='), 400);
    const p = assertProblem(await get('/api/v1/simulations?scenario=nope'), 404);
    assert.match(p.detail, /nope/);
  });

  test('save=true → 201, Location, replay by id', async () => {
    const res = await postJSON('/api/v1/simulations?save=true', HANDSHAKE);
    assert.equal(res.r.status, 201, res.text);
    const { id, url: link, trace } = res.json;
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(link, `/playground?sim=${id}`);
    assert.equal(res.r.headers.get('location'), `/api/v1/simulations/${id}`);
    assertTrace(trace);
    const plain = await postJSON('/api/v1/simulations', HANDSHAKE);
    assert.deepEqual(trace, plain.json, 'saving does not change the trace');

    const back = await get(res.r.headers.get('location'));
    assert.equal(back.r.status, 200, back.text);
    const doc = JSON.parse(back.text);
    assert.equal(doc.id, id);
    assert.deepEqual(doc.trace, trace, 'the replay is exactly what was seen');
    assert.ok(Array.isArray(doc.scenario.events));
    // the stored scenario is complete: posting it again gives the same trace
    const again = await postJSON('/api/v1/simulations', doc.scenario);
    assert.equal(again.r.status, 200, again.text);
    assert.deepEqual(again.json, trace);

    // a built-in with overrides is saved resolved
    const named = await postJSON('/api/v1/simulations?save=1', { scenario: 'lost-fin', timers: { rto_ms: 400 } });
    assert.equal(named.r.status, 201, named.text);
    const nb = JSON.parse((await get(`/api/v1/simulations/${named.json.id}`)).text);
    assert.equal(nb.scenario.timers.rto_ms, 400);
    assert.deepEqual(nb.trace, named.json.trace);

    const ids = new Set([id, named.json.id]);
    assert.equal(ids.size, 2);
  });

  test('saved ids: unknown and malformed → 404', async () => {
    assertProblem(await get('/api/v1/simulations/AAAAAAAAAAAAAAAAAAAAAA'), 404);
    assertProblem(await get('/api/v1/simulations/x'), 404);
    assertProblem(await get("/api/v1/simulations/'%20OR%201=1"), 404);
  });

  test('save with a bad value → 400; invalid scenario is not saved', async () => {
    assertProblem(await postJSON('/api/v1/simulations?save=maybe', HANDSHAKE), 400);
    assertProblem(await postJSON('/api/v1/simulations?save=true', { events: 'x' }), 422);
  });
});

describe('openapi', () => {
  test('GET /api/v1/openapi.json is OpenAPI 3.1 with ETag', async () => {
    const { r, text } = await get('/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const doc = JSON.parse(text);
    assert.match(doc.openapi, /^3\.1\./);
    assert.ok(doc.paths['/api/v1/simulations'].post);
    const etag = r.headers.get('etag');
    assert.ok(etag);
    const again = await get('/api/v1/openapi.json', { 'if-none-match': etag });
    assert.equal(again.r.status, 304);
  });
});

describe('error table', () => {
  test('404 unknown path, problem+json', async () => {
    for (const p of ['/api/v1/nope', '/api/v2/scenarios', '/api/v1/scenarios/a/b', '/api/v1/simulationsX']) {
      assertProblem(await get(p), 404);
    }
  });

  test('405 with Allow', async () => {
    const del = await fetch(url('/api/v1/simulations'), { method: 'DELETE' });
    const p = assertProblem({ r: del, text: await del.text() }, 405);
    assert.ok(p);
    const allow = del.headers.get('allow') || '';
    assert.match(allow, /GET/);
    assert.match(allow, /POST/);
    const put = await fetch(url('/api/v1/states'), { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(put.status, 405);
    await put.text();
    assert.match(put.headers.get('allow') || '', /GET/);
    assert.doesNotMatch(put.headers.get('allow') || '', /POST/);
    const postStates = await fetch(url('/api/v1/scenarios/lost-syn'), { method: 'POST', body: '{}' });
    assert.equal(postStates.status, 405);
    await postStates.text();
  });

  test('415 for a non-JSON body', async () => {
    assertProblem(await post('/api/v1/simulations', JSON.stringify(HANDSHAKE), { type: 'text/plain' }), 415);
    assertProblem(await post('/api/v1/simulations', 'events=1', { type: 'application/x-www-form-urlencoded' }), 415);
    assertProblem(await post('/api/v1/simulations', JSON.stringify(HANDSHAKE), { type: 'application/jsonx' }), 415);
  });

  test('413 for a 2 MiB body', async () => {
    const big = JSON.stringify({ events: [], title: 'x'.repeat(2 * 1024 * 1024) });
    // the server answers 413 from Content-Length, before buffering the body
    assertProblem(await post('/api/v1/simulations', big), 413);
    const ok = await get('/healthz');
    assert.equal(ok.r.status, 200);
  });

  test('422 with a pointer per problem', async () => {
    const bad = {
      events: [
        { at_ms: 0, endpoint: 'server', call: 'listen' },
        { at_ms: -5, endpoint: 'client', call: 'connet' },
        { at_ms: 0, endpoint: 'moon', call: 'close' },
      ],
      network: { faults: [{ action: 'drop', from: 'server', flags: ['SYN'], nth: 0 }] },
    };
    const p = assertProblem(await postJSON('/api/v1/simulations', bad), 422);
    assertPointer(p, '/events/1/call');
    assertPointer(p, '/events/1/at_ms');
    assertPointer(p, '/events/2/endpoint');
    assertPointer(p, '/network/faults/0/nth');
    assert.match(p.detail, /\//, 'the detail names a pointer too');
  });

  test('400 for malformed and truncated JSON, with line and column', async () => {
    for (const body of ['{"events": [', '{"events": [}', '{events: []}', '{"events": []} x', "{'a': 1}", '[1,]', 'nul']) {
      const p = assertProblem(await post('/api/v1/simulations', body), 400);
      assert.equal(typeof p.line, 'number', body);
      assert.equal(typeof p.column, 'number', body);
      assert.match(p.detail, /line \d+, column \d+/);
    }
    const p = assertProblem(await post('/api/v1/simulations', '{\n  "events": [\n    {"at_ms": 0,,}\n  ]\n}'), 400);
    assert.equal(p.line, 3);
  });
});

describe('bad-input battery for POST /api/v1/simulations', () => {
  const ev = (over) => ({ events: [{ at_ms: 0, endpoint: 'client', call: 'connect', ...over }] });

  test('wrong types', async () => {
    const cases = [
      [{ events: 'x' }, '/events'],
      [{ events: {} }, '/events'],
      [ev({ at_ms: '0' }), '/events/0/at_ms'],
      [ev({ at_ms: 1.5 }), '/events/0/at_ms'],
      [ev({ at_ms: true }), '/events/0/at_ms'],
      [ev({ endpoint: 1 }), '/events/0/endpoint'],
      [ev({ call: null }), '/events/0/call'],
      [{ events: [], client: { iss: 'a' } }, '/client/iss'],
      [{ events: [], client: [] }, '/client'],
      [{ events: [], timers: 5 }, '/timers'],
      [{ events: [], network: { faults: {} } }, '/network/faults'],
      [{ events: [], until_ms: {} }, '/until_ms'],
      [{ events: [5] }, '/events/0'],
    ];
    for (const [body, pointer] of cases) {
      assertPointer(assertProblem(await postJSON('/api/v1/simulations', body), 422), pointer);
    }
    for (const body of ['[]', '5', '"x"', 'null', 'true']) {
      assertProblem(await post('/api/v1/simulations', body), 422);
    }
  });

  test('huge numbers', async () => {
    // out of range but representable → 422 at the pointer
    for (const [text, pointer] of [
      ['{"events":[{"at_ms":18446744073709551616,"endpoint":"client","call":"connect"}]}', '/events/0/at_ms'],
      ['{"events":[],"client":{"iss":4294967296}}', '/client/iss'],
      ['{"events":[],"client":{"iss":-1}}', '/client/iss'],
      ['{"events":[{"at_ms":9007199254740993,"endpoint":"client","call":"connect"}]}', '/events/0/at_ms'],
      ['{"scenario":"lost-syn","until_ms":99999999999999999999999}', '/until_ms'],
    ]) {
      assertPointer(assertProblem(await post('/api/v1/simulations', text), 422), pointer);
    }
    // 1e400 is not a finite double: jansson cannot read it → 400 (or 422 if reported at its pointer)
    const r = await post('/api/v1/simulations', '{"events":[{"at_ms":1e400,"endpoint":"client","call":"connect"}]}');
    assert.ok([400, 422].includes(r.r.status), r.text);
    assertProblem(r, r.r.status);
  });

  test('deep nesting (10,000 levels)', async () => {
    assertProblem(await post('/api/v1/simulations', '['.repeat(10000)), 400);
    assertProblem(await post('/api/v1/simulations', '{"events":' + '['.repeat(10000) + ']'.repeat(10000) + '}'), 400);
    assertProblem(await post('/api/v1/simulations', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)), 400);
  });

  test('unknown fields', async () => {
    assertPointer(assertProblem(await postJSON('/api/v1/simulations', { events: [], bogus: 1 }), 422), '/bogus');
    assertPointer(assertProblem(await postJSON('/api/v1/simulations', ev({ colour: 'red' })), 422), '/events/0/colour');
    assertPointer(assertProblem(await postJSON('/api/v1/simulations', { events: [], timers: { rto: 1 } }), 422), '/timers/rto');
    assertPointer(assertProblem(await postJSON('/api/v1/simulations', { events: [], 'a/b~c': 1 }), 422), '/a~1b~0c');
  });

  test('invalid UTF-8 and NUL bytes', async () => {
    const bodies = [
      Buffer.concat([Buffer.from('{"events":[],"title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"events":[],"title":"'), Buffer.from([0xc3]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"events":[],"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('":1}')]),
      Buffer.from('{"events":[],"title":"\\u0000"}'),
      Buffer.from('{"events":[]}\u0000'),
    ];
    for (const b of bodies) {
      const res = await post('/api/v1/simulations', b);
      assert.ok([400, 422].includes(res.r.status), `${b.toString('hex')}: ${res.r.status} ${res.text}`);
      assertProblem(res, res.r.status);
    }
    // the detail echoes nothing that breaks JSON: the problem parsed above. Unicode is fine:
    const ok = await postJSON('/api/v1/simulations', { ...HANDSHAKE, title: '握手 ✓' });
    assert.equal(ok.r.status, 200, ok.text);
  });

  test('empty body and whitespace', async () => {
    assertProblem(await post('/api/v1/simulations', ''), 400);
    assertProblem(await post('/api/v1/simulations', Buffer.alloc(0), { type: null }), 400);
    assertProblem(await post('/api/v1/simulations', '   \n'), 400);
  });

  test('duplicate members are malformed', async () => {
    assertProblem(await post('/api/v1/simulations', '{"events":[],"events":[]}'), 400);
  });

  test('a 10,000-event scenario → 422 (bound: 1,000 events)', async () => {
    const events = [];
    for (let i = 0; i < 10000; i++) events.push({ at_ms: i, endpoint: 'client', call: 'close' });
    const p = assertProblem(await postJSON('/api/v1/simulations', { events }), 422);
    assertPointer(p, '/events');
  });

  test('engine bound exceeded → 422, not a hang', async () => {
    const body = {
      client: { iss: 1, mss: 1 },
      server: { iss: 2, wnd: 65535 },
      events: [
        { at_ms: 0, endpoint: 'server', call: 'listen' },
        { at_ms: 0, endpoint: 'client', call: 'connect' },
        { at_ms: 200, endpoint: 'client', call: 'send', bytes: 1000000000 },
      ],
    };
    const t0 = Date.now();
    const res = await postJSON('/api/v1/simulations', body);
    const p = assertProblem(res, 422);
    assert.ok(p.detail.length > 0);
    assert.ok(Date.now() - t0 < 20000);
  });

  test('many concurrent simulations', async () => {
    const all = await Promise.all(Array.from({ length: 32 }, (_, i) =>
      postJSON('/api/v1/simulations', i % 2 ? HANDSHAKE : { scenario: BUILTINS[i % BUILTINS.length] })));
    for (const res of all) assert.equal(res.r.status, 200, res.text);
    const ref = JSON.stringify(all[1].json);
    for (let i = 1; i < all.length; i += 2) assert.equal(JSON.stringify(all[i].json), ref, 'deterministic');
  });

  test('simulations are counted in /metrics', async () => {
    const { r, text } = await get('/metrics');
    assert.equal(r.status, 200);
    const m = /^tcplab_simulations_total(?:\{[^}]*\})? (\d+)/m.exec(text);
    assert.ok(m, 'tcplab_simulations_total present');
    assert.ok(Number(m[1]) >= 10, `simulations counted: ${m[1]}`);
  });

  test('after the battery the server still answers /healthz', async () => {
    const { r, text } = await get('/healthz');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(text).status, 'ok');
  });
});
