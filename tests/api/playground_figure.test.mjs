// playground_figure.test.mjs — POST /playground/figure, the playground's run: a scenario in,
// its figure (HTML, in the asked language, with the same trace as POST /api/v1/simulations)
// out; an invalid scenario is a 422 naming each field by JSON pointer, malformed JSON a 400, a
// body that is not JSON a 415, and a scenario longer than a figure shows a 422 saying so.
// One server (TCPLAB_BIN, default build/asan/tcplab); it must exit 0 on SIGTERM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) assert.equal(await srv.stop(), 0); });

const post = (body, { lang = 'en', type = 'application/json' } = {}) => fetch(`${srv.base}/playground/figure?lang=${lang}`, {
  method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body),
});

const SIMOPEN = {
  client: { iss: 4294967295 }, server: { iss: 300 },
  events: [{ at_ms: 0, endpoint: 'client', call: 'connect' }, { at_ms: 0, endpoint: 'server', call: 'connect' }],
};

function embeddedTrace(html) {
  const m = /<script type="application\/json" class="tl-trace">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'expected the figure to embed its trace');
  return JSON.parse(m[1]);
}

test('a scenario comes back as its figure, with the API\'s trace; zh-CN in Chinese', async () => {
  const r = await post(SIMOPEN);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const html = await r.text();
  assert.match(html, /^<figure class="tl-scenario"/);
  const api = await (await fetch(`${srv.base}/api/v1/simulations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(SIMOPEN) })).json();
  assert.deepEqual(embeddedTrace(html), api);
  assert.equal(api.steps.find((s) => s.kind === 'send').segment.seq, 4294967295);
  const zh = await (await post(SIMOPEN, { lang: 'zh-CN' })).text();
  assert.match(zh, /客户端/);
});

test('an invalid scenario: 422 with every error at its JSON pointer', async () => {
  const r = await post({ client: { iss: 4294967296 }, network: { faults: [{ action: 'drop', from: 'client', flags: [] }] }, events: [{ at_ms: 1.5, endpoint: 'client', call: 'connect' }] });
  assert.equal(r.status, 422);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  const b = await r.json();
  assert.deepEqual(b.errors.map((e) => e.pointer), ['/client/iss', '/network/faults/0/flags', '/events/0/at_ms']);
  assert.match(b.errors[0].detail, /out of range: 4294967296 \(must be 0\.\.4294967295\)/);
});

test('malformed JSON is a 400, a body that is not JSON a 415', async () => {
  const r = await post('{"events": [');
  assert.equal(r.status, 400);
  const b = await r.json();
  assert.match(b.errors[0].detail, /line 1, column/);
  assert.equal((await post('events', { type: 'text/plain' })).status, 415);
});

test('a run longer than a figure shows is a 422 that says so', async () => {
  const sc = { events: [{ at_ms: 0, endpoint: 'server', call: 'listen' }, { at_ms: 0, endpoint: 'client', call: 'connect' }] };
  for (let i = 0; i < 300; i++) sc.events.push({ at_ms: 200 + i, endpoint: 'client', call: 'send', bytes: 1 });
  const r = await post(sc);
  assert.equal(r.status, 422);
  const b = await r.json();
  assert.match(b.detail, /a figure shows at most 400/);
});
