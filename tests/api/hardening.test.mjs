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
    startServer({ env: { TCPLAB_CONN_LIMIT: '32', TCPLAB_PER_IP_LIMIT: '20' }, startTimeoutMs: 5000 }),
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
