// tests/api/catalog_i18n.test.mjs — Chinese text that comes from C data, seen over HTTP:
// GET /api/v1/scenarios?lang=zh-CN (and /{name}), zh-CN figure captions and state-diagram
// tooltips on a lesson page, the playground's scenario list and default "close at", and the
// favicon link in every page head.
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
  assert.equal(zh.length, 17);
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

test('playground: Chinese scenario names in zh-CN, close at defaults to 5000 ms', async () => {
  const zh = await (await fetch(url('/playground?lang=zh-CN'))).text();
  assert.match(zh, /<option value="lost-syn">lost-syn — SYN 丢失<\/option>/);
  assert.match(zh, /name="close_at_ms" value="5000"/);
  const en = await (await fetch(url('/playground?lang=en&scenario=lost-syn'))).text();
  assert.match(en, /<option value="lost-syn" selected>lost-syn — Lost SYN<\/option>/);
  assert.match(en, /name="close_at_ms" value="5000"/);
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
