// tests/api/catalog_i18n.test.mjs — Chinese text that comes from C data, seen over HTTP:
// GET /api/v1/scenarios?lang=zh-CN (and /{name}), zh-CN figure captions and state-diagram
// tooltips on a lesson page, the playground's scenario list and its "start from" labels, the
// favicon link in every page head, and the rules in Chinese: "rule_zh" in the traces of
// GET/POST /api/v1/simulations…?lang=zh-CN and of zh-CN figures (server/scenario/rules_zh.c).
// One server (TCPLAB_BIN, default build/asan/tcplab); it must exit 0 on SIGTERM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './helpers.mjs';

const CJK = /[\u4e00-\u9fff]/;
let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) assert.equal(await srv.stop(), 0); });
const url = (p) => `${srv.base}${p}`;

test('GET /api/v1/scenarios?lang=zh-CN gives Chinese titles and summaries; default English', async () => {
  const en = await (await fetch(url('/api/v1/scenarios'))).json();
  const zhRes = await fetch(url('/api/v1/scenarios?lang=zh-CN'));
  assert.equal(zhRes.status, 200);
  const zh = await zhRes.json();
  assert.equal(zh.length, 20);
  assert.deepEqual(zh.map((e) => e.name), en.map((e) => e.name));
  for (let i = 0; i < zh.length; i++) {
    assert.match(zh[i].title, CJK, zh[i].name);
    assert.match(zh[i].summary, CJK, zh[i].name);
    assert.doesNotMatch(en[i].title, CJK, en[i].name);
  }
  const explicitEn = await (await fetch(url('/api/v1/scenarios?lang=en'))).json();
  assert.deepEqual(explicitEn, en);
});

test('GET /api/v1/scenarios/{name}?lang=zh-CN translates title and summary only', async () => {
  const zh = await (await fetch(url('/api/v1/scenarios/lost-syn?lang=zh-CN'))).json();
  const en = await (await fetch(url('/api/v1/scenarios/lost-syn'))).json();
  assert.equal(zh.title, 'SYN 丢失');
  assert.equal(en.title, 'Lost SYN');
  assert.match(zh.summary, CJK);
  assert.deepEqual(zh.scenario, en.scenario);
});

test('an unknown lang is a 400 naming the parameter', async () => {
  for (const p of ['/api/v1/scenarios?lang=fr', '/api/v1/scenarios/lost-syn?lang=zh']) {
    const r = await fetch(url(p));
    assert.equal(r.status, 400, p);
    assert.match(r.headers.get('content-type'), /problem\+json/);
    assert.match((await r.json()).detail, /lang/);
  }
});

test('a zh-CN lesson figure has a Chinese caption and Chinese state tooltips', async () => {
  const zh = await (await fetch(url('/lessons/retransmission?lang=zh-CN'))).text();
  assert.match(zh, /<figcaption>SYN 丢失<\/figcaption>/);
  assert.doesNotMatch(zh, /<figcaption>Lost SYN<\/figcaption>/);
  assert.match(zh, /<title>已发出连接请求，正在等待与之匹配的连接请求。<\/title>/);
  assert.doesNotMatch(zh, /<title>Waiting for a matching connection request/);
  const en = await (await fetch(url('/lessons/retransmission?lang=en'))).text();
  assert.match(en, /<figcaption>Lost SYN<\/figcaption>/);
  assert.match(en, /<title>Waiting for a matching connection request/);
});

test('playground: Chinese scenario names in zh-CN; "start from" and the scratch option in both languages', async () => {
  const zh = await (await fetch(url('/playground?lang=zh-CN'))).text();
  assert.match(zh, /<option value="lost-syn">lost-syn — SYN 丢失<\/option>/);
  assert.match(zh, /<label for="pg-scenario">从这里开始<\/label>/);
  assert.match(zh, /<option value="">从零开始<\/option>/);
  const en = await (await fetch(url('/playground?lang=en&scenario=lost-syn'))).text();
  assert.match(en, /<option value="lost-syn" selected>lost-syn — Lost SYN<\/option>/);
  assert.match(en, /<option value="">Start from scratch<\/option>/);
});

test('every page head links the SVG favicon', async () => {
  for (const p of ['/', '/lessons', '/playground?lang=zh-CN', '/lessons/no-such-lesson']) {
    const html = await (await fetch(url(p))).text();
    const head = html.slice(0, html.indexOf('</head>'));
    assert.match(head, /<link rel="icon" href="\/static\/favicon.svg" type="image\/svg\+xml">/, p);
  }
  const icon = await fetch(url('/static/favicon.svg'));
  assert.equal(icon.status, 200);
  assert.match(icon.headers.get('content-type'), /image\/svg\+xml/);
  await icon.arrayBuffer();
});

// ---- rule texts in Chinese (rule_zh) ----

/** The trace without its rule_zh members (what the English-only trace must equal). */
function withoutRuleZh(trace) {
  return { ...trace, steps: trace.steps.map(({ rule_zh: _zh, ...rest }) => rest) };
}

/** Every step has an English rule and, next to it, a Chinese rule_zh citing the same RFC section. */
function assertRuleZh(trace, what) {
  assert.ok(trace.steps.length > 0, what);
  for (const st of trace.steps) {
    assert.equal(typeof st.rule_zh, 'string', `${what} step ${st.step}: rule_zh`);
    assert.match(st.rule_zh, CJK, `${what} step ${st.step}`);
    assert.doesNotMatch(st.rule, CJK, `${what} step ${st.step}: rule stays English`);
    const ref = st.rule.match(/RFC \d+ §[\d.]*\d/);
    if (ref) assert.ok(st.rule_zh.includes(ref[0]), `${what} step ${st.step}: ${ref[0]} kept`);
    const keys = Object.keys(st);
    assert.equal(keys[keys.indexOf('rule') + 1], 'rule_zh', `${what} step ${st.step}: rule_zh right after rule`);
  }
}

const BUILTIN_NAMES = async () => (await (await fetch(url('/api/v1/scenarios'))).json()).map((e) => e.name);

test('GET /api/v1/simulations?scenario=NAME&lang=zh-CN adds rule_zh; without lang (or lang=en) nothing changes', async () => {
  for (const name of await BUILTIN_NAMES()) {
    const plainRes = await fetch(url(`/api/v1/simulations?scenario=${name}`));
    const plainText = await plainRes.text();
    assert.doesNotMatch(plainText, /rule_zh/, name);
    const enText = await (await fetch(url(`/api/v1/simulations?scenario=${name}&lang=en`))).text();
    assert.equal(enText, plainText, `${name}: lang=en is the default trace, byte for byte`);
    const zhRes = await fetch(url(`/api/v1/simulations?scenario=${name}&lang=zh-CN`));
    assert.equal(zhRes.status, 200, name);
    assert.match(zhRes.headers.get('content-type'), /application\/json/);
    const zh = await zhRes.json();
    assertRuleZh(zh, name);
    assert.deepEqual(withoutRuleZh(zh), JSON.parse(plainText), `${name}: only rule_zh is added`);
    assert.notEqual(zhRes.headers.get('etag'), plainRes.headers.get('etag'), `${name}: its own ETag`);
  }
});

test('the zh-CN variant of a built-in is cached like the English one: ETag, 304, gzip', async () => {
  const u = url('/api/v1/simulations?scenario=lost-syn&lang=zh-CN');
  const a = await fetch(u, { headers: { 'accept-encoding': 'identity' } });
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  assert.equal(a.headers.get('cache-control'), 'public, max-age=3600');
  const body = await a.text();
  const b = await fetch(u, { headers: { 'accept-encoding': 'identity', 'if-none-match': etag } });
  assert.equal(b.status, 304);
  await b.arrayBuffer();
  const gz = await fetch(u, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.equal(await gz.text(), body, 'the gzip variant decodes to the same text');
  const en = await fetch(url('/api/v1/simulations?scenario=lost-syn'), { headers: { 'accept-encoding': 'identity', 'if-none-match': etag } });
  assert.equal(en.status, 200, 'the zh ETag does not match the English body');
  await en.arrayBuffer();
});

test('POST /api/v1/simulations?lang=zh-CN adds rule_zh (built-in by name, own scenario, saved and replayed)', async () => {
  const post = (q, body) => fetch(url(`/api/v1/simulations${q}`), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  // a built-in by name (served from the cache) and with an override (run per request)
  const byName = await post('?lang=zh-CN', { scenario: 'lost-fin' });
  assert.equal(byName.status, 200);
  const named = await byName.json();
  assertRuleZh(named, 'lost-fin');
  const plainNamed = await (await post('', { scenario: 'lost-fin' })).json();
  assert.deepEqual(withoutRuleZh(named), plainNamed);
  const over = await (await post('?lang=zh-CN', { scenario: 'lost-fin', timers: { rto_ms: 400 } })).json();
  assertRuleZh(over, 'lost-fin with rto_ms');
  // a scenario of one's own, with a refused call
  const own = {
    client: { iss: 100 }, server: { iss: 300 },
    events: [
      { at_ms: 0, endpoint: 'server', call: 'listen' },
      { at_ms: 0, endpoint: 'client', call: 'connect' },
      { at_ms: 1, endpoint: 'client', call: 'connect' },
      { at_ms: 300, endpoint: 'client', call: 'close' },
    ],
  };
  const ownZh = await (await post('?lang=zh-CN', own)).json();
  assertRuleZh(ownZh, 'own');
  assert.equal(ownZh.steps.find((st) => st.error).error, 'connection already exists', 'error stays English');
  const ownEn = await (await post('?lang=en', own)).json();
  assert.ok(ownEn.steps.every((st) => !('rule_zh' in st)));
  assert.deepEqual(withoutRuleZh(ownZh), ownEn);
  // saved with lang=zh-CN: the answer's trace has rule_zh; the replay has it only when asked
  const saved = await post('?save=true&lang=zh-CN', own);
  assert.equal(saved.status, 201);
  const doc = await saved.json();
  assertRuleZh(doc.trace, 'saved');
  const replayZh = await (await fetch(url(`/api/v1/simulations/${doc.id}?lang=zh-CN`))).json();
  assertRuleZh(replayZh.trace, 'replay');
  assert.deepEqual(replayZh.trace, doc.trace);
  const replay = await (await fetch(url(`/api/v1/simulations/${doc.id}`))).json();
  assert.deepEqual(replay.trace, ownEn);
});

test('lang other than en or zh-CN on the simulations API is a 400 naming the parameter', async () => {
  const cases = [
    ['GET', '/api/v1/simulations?scenario=lost-syn&lang=fr'],
    ['GET', '/api/v1/simulations?scenario=lost-syn&lang=zh'],
    ['GET', '/api/v1/simulations?scenario=lost-syn&lang=zh-cn'],
    ['POST', '/api/v1/simulations?lang=de'],
    ['POST', '/api/v1/simulations?save=true&lang=zh-TW'],
    ['GET', '/api/v1/simulations/AAAAAAAAAAAAAAAAAAAAAA?lang=en-US'],
  ];
  for (const [method, p] of cases) {
    const r = await fetch(url(p), method === 'POST'
      ? { method, headers: { 'content-type': 'application/json' }, body: '{"scenario":"lost-syn"}' }
      : {});
    assert.equal(r.status, 400, `${method} ${p}`);
    assert.match(r.headers.get('content-type'), /problem\+json/);
    assert.match((await r.json()).detail, /lang/, `${method} ${p}`);
  }
});

test('a zh-CN lesson figure shows rules in Chinese; the English page does not', async () => {
  const zh = await (await fetch(url('/lessons/three-way-handshake?lang=zh-CN'))).text();
  assert.match(zh, /<td>RFC 9293 §3\.10\.7\.2：LISTEN 状态下收到 SYN → [^<]*<\/td>/);
  const script = zh.match(/<script type="application\/json" class="tl-trace">([\s\S]*?)<\/script>/);
  assert.ok(script, 'the figure embeds its trace');
  assertRuleZh(JSON.parse(script[1]), 'three-way-handshake figure');
  const en = await (await fetch(url('/lessons/three-way-handshake?lang=en'))).text();
  assert.doesNotMatch(en, /rule_zh/);
  assert.match(en, /<td>RFC 9293 §3\.10\.7\.2: LISTEN, SYN → /);
});
