// tests/api/hardening.test.mjs — limits that keep a few clients from starving the rest
// (server/http/server.c): the per-address connection limit against connection
// exhaustion, the budget for request bodies buffered at once (TCPLAB_BODY_BUDGET), and the
// policing of request heads the library would frame or answer badly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, rawRequest, rawStatus } from './helpers.mjs';

// Opens a connection from `localAddress` and writes `bytes`; resolves to the socket once
// connected, with `.text()` (what arrived) and `.gone` (a promise for its close).
function hold(port, bytes, localAddress = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sock = net.createConnection({ port, host: '127.0.0.1', localAddress });
    sock.text = () => Buffer.concat(chunks).toString('latin1');
    sock.gone = new Promise((r) => sock.on('close', r));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {});
    sock.on('connect', () => { sock.write(bytes); resolve(sock); });
    sock.on('error', reject);
  });
}

test('two addresses holding half-sent heads cannot take every connection', async () => {
  const srv = await startServer({ env: { TCPLAB_CONN_LIMIT: '32', TCPLAB_THREADS: '1' } });
  const socks = [];
  try {
    for (const addr of ['127.0.0.2', '127.0.0.3'])
      for (let i = 0; i < 20; i++)
        socks.push(await hold(srv.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', addr));
    const text = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      { timeoutMs: 3000 });
    assert.equal(rawStatus(text), 200, `healthz from a third address: ${JSON.stringify(text.slice(0, 80))}`);
  } finally {
    for (const s of socks) s.destroy();
    await srv.stop();
  }
});

test('a per-address limit above half the connection limit is refused at start', async () => {
  await assert.rejects(
    startServer({ env: { TCPLAB_CONN_LIMIT: '32', TCPLAB_PER_IP_LIMIT: '20' }, startTimeoutMs: 60000 }),
    /more than half the connection limit/);
});

test('request bodies buffered at once are bounded: past the budget a 503 with Retry-After', async () => {
  const srv = await startServer({ env: { TCPLAB_MAX_BODY: '3000', TCPLAB_BODY_BUDGET: '5000' } });
  const head = 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3000\r\n\r\n';
  try {
    const first = await hold(srv.port, head + 'x'.repeat(2999));
    await new Promise((r) => setTimeout(r, 200)); // let the server take the first body in
    const second = await rawRequest(srv.port, head + 'x'.repeat(2999), { timeoutMs: 3000 });
    assert.equal(rawStatus(second), 503, JSON.stringify(second.slice(0, 80)));
    assert.match(second, /\r\nRetry-After: 1\r\n/i);
    assert.match(second, /application\/problem\+json/);
    first.destroy();
    await first.gone;
    await new Promise((r) => setTimeout(r, 200)); // the server sees the close
    const third = await rawRequest(srv.port, head.replace('HTTP/1.1', 'HTTP/1.1') + 'x'.repeat(3000),
      { timeoutMs: 3000 });
    assert.equal(rawStatus(third), 405, 'the budget is given back when a connection goes');
  } finally {
    await srv.stop();
  }
});

test('a chunked body counts against the budget as it grows', async () => {
  const srv = await startServer({ env: { TCPLAB_MAX_BODY: '100000', TCPLAB_BODY_BUDGET: '100001' } });
  try {
    const chunk = (s) => s.length.toString(16) + '\r\n' + s + '\r\n';
    const first = await hold(srv.port, 'POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
      chunk('y'.repeat(60000)));
    await new Promise((r) => setTimeout(r, 200));
    const second = await rawRequest(srv.port, 'POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
      chunk('z'.repeat(60000)) + '0\r\n\r\n', { timeoutMs: 3000 });
    assert.equal(rawStatus(second), 503, JSON.stringify(second.slice(0, 80)));
    first.destroy();
  } finally {
    await srv.stop();
  }
});

test('whitespace before a header colon, a missing or second Host: 400 and the connection closed', async () => {
  const srv = await startServer();
  try {
    const cases = [
      ['Transfer-Encoding : chunked with a length',
        'POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n'],
      ['Content-Length : 5 with a request as body',
        'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['HTTP/1.1 without Host', 'GET /healthz HTTP/1.1\r\n\r\n'],
      ['two Host headers', 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
    ];
    for (const [what, bytes] of cases) {
      const t0 = Date.now();
      const text = await rawRequest(srv.port, bytes, { timeoutMs: 3000 });
      assert.equal(rawStatus(text), 400, `${what}: ${JSON.stringify(text.slice(0, 60))}`);
      assert.equal(text.match(/HTTP\/1\.1 \d{3} /g).length, 1, `${what}: one answer`);
      assert.match(text, /application\/problem\+json/, what);
      assert.ok(Date.now() - t0 < 2500, `${what}: the server closed the connection`);
    }
    // HTTP/1.0 needs no Host
    const ok = await rawRequest(srv.port, 'GET /healthz HTTP/1.0\r\n\r\n', { timeoutMs: 3000 });
    assert.equal(rawStatus(ok), 200);
  } finally {
    await srv.stop();
  }
});

test('/metrics is off by default, public with --metrics, and needs the bearer token when one is set', async () => {
  let srv = await startServer();
  try {
    assert.equal((await fetch(`${srv.base}/metrics`)).status, 404);
  } finally { await srv.stop(); }
  srv = await startServer({ args: ['--metrics'] });
  try {
    assert.equal((await fetch(`${srv.base}/metrics`)).status, 200);
  } finally { await srv.stop(); }
  srv = await startServer({ env: { TCPLAB_METRICS_TOKEN: 's3cret-token' } });
  try {
    const none = await fetch(`${srv.base}/metrics`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate'), /^Bearer/);
    const wrong = await fetch(`${srv.base}/metrics`, { headers: { Authorization: 'Bearer s3cret-tokex' } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${srv.base}/metrics`, { headers: { Authorization: 'Bearer s3cret-token' } });
    assert.equal(right.status, 200);
    assert.match(await right.text(), /tcplab_/);
  } finally { await srv.stop(); }
});

test('--public-url: only its Host is served (421 otherwise), HSTS when it is https', async () => {
  let srv = await startServer({ args: ['--public-url', 'https://tcplab.example:8443/'] });
  try {
    const get = (host) => rawRequest(srv.port,
      `GET /api/v1/scenarios HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, { timeoutMs: 5000 });
    const other = await get('rebound.attacker.example');
    assert.equal(rawStatus(other), 421);
    assert.match(other, /application\/problem\+json/);
    const own = await get('TCPLab.example:8443');
    assert.equal(rawStatus(own), 200);
    assert.match(own, /\r\nStrict-Transport-Security: max-age=\d+/i);
    assert.match(await get(`127.0.0.1:${srv.port}`), /^HTTP\/1\.1 421/);
    // health probes by address still work
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
  } finally { await srv.stop(); }
  srv = await startServer({ env: { TCPLAB_PUBLIC_URL: 'http://tcplab.example' } });
  try {
    const own = await rawRequest(srv.port, 'GET /api/v1/scenarios HTTP/1.1\r\nHost: tcplab.example:80\r\nConnection: close\r\n\r\n',
      { timeoutMs: 5000 });
    assert.equal(rawStatus(own), 200);
    assert.doesNotMatch(own, /Strict-Transport-Security/i);
  } finally { await srv.stop(); }
  await assert.rejects(startServer({ args: ['--public-url', 'ftp://x'], startTimeoutMs: 60000 }), /http:\/\/ or https:\/\//);
});
