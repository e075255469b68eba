// tests/api/response_budget.test.mjs — the budget on response bodies queued and not yet
// read (server/http/server.c, TCPLAB_RESPONSE_BUDGET): clients that do not read their
// answers hold it; past it an answer over 16 KiB gets 503 problem+json with Retry-After,
// small answers still go, and the budget comes back when such a client goes away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, rawRequest, rawStatus } from './helpers.mjs';

// listen, connect, one send of 400,000 bytes: a trace of about 740 KB (under max_trace_bytes)
const scenario = JSON.stringify({
  events: [
    { at_ms: 0, endpoint: 'server', call: 'listen' },
    { at_ms: 0, endpoint: 'client', call: 'connect' },
    { at_ms: 200, endpoint: 'client', call: 'send', bytes: 400000 },
  ],
});
const request = (extra = '') => 'POST /api/v1/simulations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${scenario.length}\r\n${extra}\r\n${scenario}`;

// Sends the request and stops reading after the first bytes of the answer; resolves to
// {sock, first} (the socket stays open, its answer unread).
function nonReader(port) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ port, host: '127.0.0.1' });
    sock.on('error', reject);
    sock.on('connect', () => sock.write(request()));
    sock.once('data', (d) => { sock.pause(); resolve({ sock, first: d.toString('latin1') }); });
  });
}

test('unread answers hold the response budget: a large answer past it gets 503, small ones go', async () => {
  const srv = await startServer({ env: { TCPLAB_RESPONSE_BUDGET: '1000000', TCPLAB_SNDBUF: '4096' } });
  try {
    const held = await nonReader(srv.port);
    assert.equal(rawStatus(held.first), 200, held.first.slice(0, 80));

    const refused = await rawRequest(srv.port, request('Connection: close\r\n'), { timeoutMs: 5000 });
    assert.equal(rawStatus(refused), 503, refused.slice(0, 120));
    assert.match(refused, /\r\nRetry-After: 1\r\n/i);
    assert.match(refused, /\r\nContent-Type: application\/problem\+json/i);
    assert.match(refused, /unread answers/);

    const small = await rawRequest(srv.port, 'GET /api/v1/states HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      { timeoutMs: 5000 });
    assert.equal(rawStatus(small), 200, 'a small answer still goes');
    const health = await fetch(`${srv.base}/healthz`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();

    // the budget comes back once the non-reading client is gone
    held.sock.destroy();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = rawStatus(await rawRequest(srv.port, request('Connection: close\r\n'), { timeoutMs: 5000 }));
    }
    assert.equal(status, 200);
  } finally {
    await srv.stop();
  }
});
