// tests/api/compression.test.mjs — gzip content coding (server/http/gzip.c, server.c,
// static_files.c, the built-in trace cache of api_simulations.c): negotiation by Accept-Encoding q-values, Vary, bodies that decompress to
// the identity body, one ETag per coding with working 304s, HEAD, and the page-weight budget
// of the issue: a lesson page with its /static/ assets stays under 150 KB on the wire.
// Raw bytes are read with node:http (no automatic decompression, unlike fetch).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { startServer } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// GET (or another method) with exactly these headers; body as raw wire bytes.
function raw(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.base}${path}`, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const GZ = { 'Accept-Encoding': 'gzip, deflate, br' };
const varyList = (r) => (r.headers.vary || '').split(',').map((s) => s.trim().toLowerCase());

test('a lesson page is gzipped when asked, identical once decompressed, Vary on both', async () => {
  const plain = await raw('/lessons/reset');
  const gz = await raw('/lessons/reset', GZ);
  assert.equal(plain.status, 200);
  assert.equal(gz.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(varyList(plain).includes('accept-encoding'), `identity Vary: ${plain.headers.vary}`);
  assert.ok(varyList(gz).includes('accept-encoding'), `gzip Vary: ${gz.headers.vary}`);
  // the page's own Vary members are kept
  assert.ok(varyList(gz).includes('accept-language'));
  assert.equal(Number(gz.headers['content-length']), gz.body.length);
  assert.ok(gz.body.length < plain.body.length / 3, `${gz.body.length} vs ${plain.body.length}`);
  assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
});

test('Accept-Encoding q-values decide', async () => {
  const cases = [
    ['gzip', true],
    ['GZIP;Q=0.001', true],
    ['x-gzip', true],
    ['br, gzip;q=0.5', true],
    ['*', true],
    ['*;q=0.2', true],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['gzip;q=0, *', false],
    ['*;q=0', false],
    ['br', false],
    ['identity', false],
    ['deflate', false],
    ['gzip;q=2', false], // malformed q-value: not acceptable
    ['', false],
  ];
  for (const [ae, want] of cases) {
    const r = await raw('/lessons/three-way-handshake', { 'Accept-Encoding': ae });
    assert.equal(r.status, 200, ae);
    assert.equal(r.headers['content-encoding'] === 'gzip', want, `Accept-Encoding: ${ae}`);
    assert.ok(varyList(r).includes('accept-encoding'), ae);
  }
  const none = await raw('/lessons/three-way-handshake');
  assert.equal(none.headers['content-encoding'], undefined, 'no Accept-Encoding: identity');
});

test('JSON API bodies are gzipped; small bodies are not, but still carry Vary', async () => {
  const plain = await raw('/api/v1/scenarios');
  const gz = await raw('/api/v1/scenarios', GZ);
  assert.equal(gz.status, 200);
  assert.match(gz.headers['content-type'], /^application\/json/);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);

  const api = await raw('/api/v1/openapi.json', GZ);
  assert.equal(api.status, 200);
  assert.equal(api.headers['content-encoding'], 'gzip');
  JSON.parse(zlib.gunzipSync(api.body).toString('utf8'));

  const small = await raw('/healthz', GZ);
  assert.equal(small.status, 200);
  assert.equal(small.headers['content-encoding'], undefined);
  assert.ok(varyList(small).includes('accept-encoding'));
  assert.deepEqual(JSON.parse(small.body.toString()), { status: 'ok' });

  const problem = await raw('/api/v1/scenarios/no-such-thing', GZ);
  assert.equal(problem.status, 404);
  assert.equal(problem.headers['content-encoding'], undefined); // < 1 KiB
  assert.equal(JSON.parse(problem.body.toString()).status, 404);
});

test('static files: precompressed variant, its own ETag, 304 per encoding', async () => {
  const plain = await raw('/static/css/app.css');
  const gz = await raw('/static/css/app.css', GZ);
  assert.equal(plain.status, 200);
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(varyList(plain).includes('accept-encoding'));
  assert.ok(varyList(gz).includes('accept-encoding'));
  assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
  const etPlain = plain.headers.etag;
  const etGz = gz.headers.etag;
  assert.match(etPlain, /^"[0-9a-f]+"$/);
  assert.equal(etGz, etPlain.slice(0, -1) + '-gz"');

  // each variant revalidates with its own tag
  const r1 = await raw('/static/css/app.css', { ...GZ, 'If-None-Match': etGz });
  assert.equal(r1.status, 304);
  assert.equal(r1.headers.etag, etGz);
  assert.equal(r1.body.length, 0);
  assert.ok(varyList(r1).includes('accept-encoding'), '304 keeps Vary');
  const r2 = await raw('/static/css/app.css', { 'If-None-Match': etPlain });
  assert.equal(r2.status, 304);
  assert.equal(r2.headers.etag, etPlain);
  // a tag of the other coding does not match
  const r3 = await raw('/static/css/app.css', { ...GZ, 'If-None-Match': etPlain });
  assert.equal(r3.status, 200);
  assert.equal(r3.headers['content-encoding'], 'gzip');
  const r4 = await raw('/static/css/app.css', { 'If-None-Match': etGz });
  assert.equal(r4.status, 200);
  assert.equal(r4.headers['content-encoding'], undefined);
  assert.deepEqual(r4.body, plain.body);
  // both listed: 304 either way
  const both = `${etPlain}, ${etGz}`;
  assert.equal((await raw('/static/css/app.css', { ...GZ, 'If-None-Match': both })).status, 304);
  assert.equal((await raw('/static/css/app.css', { 'If-None-Match': both })).status, 304);

  // a small file has no gzip variant
  const ico = await raw('/static/favicon.svg', GZ);
  assert.equal(ico.status, 200);
  assert.equal(ico.headers['content-encoding'], undefined);
  assert.doesNotMatch(ico.headers.etag, /-gz"$/);
});

test('dynamic pages: the gzip body gets its own ETag and revalidates with it', async () => {
  const plain = await raw('/lessons/time-wait');
  const gz = await raw('/lessons/time-wait', GZ);
  const etPlain = plain.headers.etag;
  const etGz = gz.headers.etag;
  assert.ok(etPlain, 'the page has an ETag');
  assert.equal(etGz, etPlain.slice(0, -1) + '-gz"');
  const r1 = await raw('/lessons/time-wait', { ...GZ, 'If-None-Match': etGz });
  assert.equal(r1.status, 304);
  assert.equal(r1.headers.etag, etGz);
  assert.equal(r1.headers['content-encoding'], undefined);
  assert.equal(r1.body.length, 0);
  assert.ok(varyList(r1).includes('accept-encoding'));
  const r2 = await raw('/lessons/time-wait', { 'If-None-Match': etPlain });
  assert.equal(r2.status, 304);
  assert.equal(r2.headers.etag, etPlain);
  const r3 = await raw('/lessons/time-wait', { 'If-None-Match': etGz });
  assert.equal(r3.status, 200, 'the gzip tag does not validate the identity body');
  assert.equal(r3.headers['content-encoding'], undefined);
});

test('cached built-in traces: compressed once at start, own ETag, 304 per encoding', async () => {
  const path = '/api/v1/simulations?scenario=handshake-and-close';
  const plain = await raw(path);
  const gz = await raw(path, GZ);
  assert.equal(plain.status, 200);
  assert.equal(gz.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
  assert.ok(gz.body.length < plain.body.length / 4, `gzip ${gz.body.length} of ${plain.body.length} bytes`);
  for (const r of [plain, gz]) {
    assert.equal(r.headers['cache-control'], 'public, max-age=3600');
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.ok(varyList(r).includes('accept-encoding'));
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  }
  const etPlain = plain.headers.etag;
  const etGz = gz.headers.etag;
  assert.match(etPlain, /^"[0-9a-f]{16}"$/);
  assert.equal(etGz, etPlain.slice(0, -1) + '-gz"');
  // the same bytes every time (served from memory, not recompressed)
  assert.deepEqual((await raw(path, GZ)).body, gz.body);

  const r1 = await raw(path, { ...GZ, 'If-None-Match': etGz });
  assert.equal(r1.status, 304);
  assert.equal(r1.headers.etag, etGz);
  assert.equal(r1.headers['content-encoding'], undefined);
  assert.equal(r1.body.length, 0);
  assert.ok(varyList(r1).includes('accept-encoding'));
  const r2 = await raw(path, { 'If-None-Match': `W/${etPlain}` });
  assert.equal(r2.status, 304);
  assert.equal(r2.headers.etag, etPlain);
  const r3 = await raw(path, { ...GZ, 'If-None-Match': etPlain });
  assert.equal(r3.status, 200, 'the identity tag does not validate the gzip body');
  assert.equal(r3.headers['content-encoding'], 'gzip');
  const r4 = await raw(path, { 'If-None-Match': etGz });
  assert.equal(r4.status, 200, 'the gzip tag does not validate the identity body');
  assert.deepEqual(r4.body, plain.body);

  const head = await raw(path, GZ, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], String(gz.body.length));
  assert.equal(head.headers.etag, etGz);
});

test('HEAD: no body, but the same coding, length and ETag as GET', async () => {
  const get = await raw('/static/css/app.css', GZ);
  const head = await raw('/static/css/app.css', GZ, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-encoding'], 'gzip');
  assert.equal(head.headers['content-length'], String(get.body.length));
  assert.equal(head.headers.etag, get.headers.etag);

  const pageGet = await raw('/lessons/reset', GZ);
  const page = await raw('/lessons/reset', GZ, 'HEAD');
  assert.equal(page.status, 200);
  assert.equal(page.body.length, 0);
  assert.ok(varyList(page).includes('accept-encoding'));
  assert.equal(page.headers['content-encoding'], 'gzip');
  assert.equal(page.headers['content-length'], String(pageGet.body.length));
  assert.equal(page.headers.etag, pageGet.headers.etag);
  const plainHead = await raw('/lessons/reset', {}, 'HEAD');
  assert.equal(plainHead.headers['content-encoding'], undefined);
  assert.equal(plainHead.body.length, 0);
});

// ---- page weight ------------------------------------------------------------------------

const BUDGET = 150000;

// /static/ assets of a page: link href / script src / img src, plus the JS modules those
// scripts import (statically, or by the './x.js' names app.js loads on demand), so the
// figure counts everything a lesson page can make the browser fetch.
async function pageWeight(path) {
  const page = await raw(path, { 'Accept-Encoding': 'gzip' });
  assert.equal(page.status, 200, path);
  assert.equal(page.headers['content-encoding'], 'gzip', path);
  const html = zlib.gunzipSync(page.body).toString('utf8');
  const queue = [];
  for (const m of html.matchAll(/<(?:link|script|img)\b[^>]*?\b(?:href|src)="(\/static\/[^"?#]+)"/g)) queue.push(m[1]);
  assert.ok(queue.includes('/static/css/app.css') && queue.includes('/static/js/app.js'), path);
  const seen = new Set();
  let bytes = page.body.length;
  const parts = [`${path} html ${page.body.length}`];
  while (queue.length) {
    const a = queue.shift();
    if (seen.has(a)) continue;
    seen.add(a);
    const r = await raw(a, { 'Accept-Encoding': 'gzip' });
    assert.equal(r.status, 200, a);
    bytes += r.body.length;
    parts.push(`${a} ${r.body.length}`);
    if (a.endsWith('.js')) {
      const text = (r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body).toString('utf8');
      for (const m of text.matchAll(/['"](\.\/[A-Za-z0-9_-]+\.js)['"]/g)) {
        queue.push(new URL(m[1], `http://x${a}`).pathname);
      }
    }
  }
  return { bytes, parts };
}

test('every lesson page with its assets stays under 150 KB on the wire (gzip)', async (t) => {
  const index = zlib.gunzipSync((await raw('/lessons', { 'Accept-Encoding': 'gzip' })).body).toString('utf8');
  const slugs = [...new Set(Array.from(index.matchAll(/href="\/lessons\/([a-z0-9-]+)"/g), (m) => m[1]))];
  assert.ok(slugs.length >= 8, `lesson slugs found: ${slugs}`);
  const report = [];
  for (const slug of slugs) {
    for (const q of ['', '?lang=zh-CN']) {
      const { bytes, parts } = await pageWeight(`/lessons/${slug}${q}`);
      report.push(`${String(bytes).padStart(7)} ${slug}${q}`);
      assert.ok(bytes < BUDGET, `${slug}${q}: ${bytes} bytes on the wire\n${parts.join('\n')}`);
    }
  }
  t.diagnostic('bytes on the wire, page + assets:');
  for (const line of report) t.diagnostic(line);
});
