// tests/api/request_line.test.mjs — a malformed first request on a connection (request line,
// header line, Content-Length) gets ONE problem+json answer with the security headers, and
// the connection is closed at once (server/http/early_reject.c; RFC 9112 §3, §6.3); requests
// that are only slow or begin with empty lines are still served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, rawRequest, rawStatus } from './helpers.mjs';

let srv;
// a head deadline far above the time allowed for an answer: a silent server fails the test
before(async () => { srv = await startServer({ env: { TCPLAB_HEADER_TIMEOUT: '20' } }); });
after(async () => { assert.equal(await srv.stop(), 0); });

const post = (cl) => `POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${cl}\r\n\r\n{}`;
const cases = [
  ['NUL bytes instead of a request line', '\x00\x01garbage\r\n\r\n', 400],
  ['a bare method', 'GET\r\n\r\n', 400],
  ['no HTTP version', 'GET /healthz\r\n\r\n', 400],
  ['control byte in the method', 'GE\x07T /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ['two spaces before the target', 'GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
  ['a version that is not HTTP/d.d', 'GET /healthz HTTX/1.1\r\nHost: x\r\n\r\n', 400],
  ['HTTP/2.0 on the wire', 'GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n', 505],
  ['a header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n', 400],
  ['Content-Length: -1', post('-1'), 400],
  ['Content-Length: 1e3', post('1e3'), 400],
  ['Content-Length: +5', post('+5'), 400],
  ['Content-Length: 5, 5', post('5, 5'), 400],
  ['Content-Length empty', post(''), 400],
  ['Content-Length 2^64+1', post('18446744073709551617'), 413],
];

for (const [what, bytes, status] of cases) {
  test(`${what}: one ${status} problem+json with nosniff and a CSP, closed at once`, async () => {
    const t0 = Date.now();
    const text = await rawRequest(srv.port, bytes, { timeoutMs: 8000 });
    const ms = Date.now() - t0;
    assert.equal(rawStatus(text), status, JSON.stringify(text.slice(0, 120)));
    assert.equal(text.match(/HTTP\/1\.[01] \d{3} /g).length, 1, `one status line: ${JSON.stringify(text.slice(0, 300))}`);
    const [head, body] = text.split('\r\n\r\n');
    assert.match(head, /\r\nContent-Type: application\/problem\+json\r\n/i);
    assert.match(head, /\r\nX-Content-Type-Options: nosniff\r\n/i);
    assert.match(head, /\r\nContent-Security-Policy: [^\r]*default-src/i);
    assert.match(head, /\r\nConnection: close\r\n/i);
    const len = Number(/\r\nContent-Length: (\d+)/i.exec(head)[1]);
    assert.equal(Buffer.byteLength(body, 'latin1'), len, 'the body is exactly Content-Length long');
    const problem = JSON.parse(body);
    assert.equal(problem.status, status);
    assert.equal(typeof problem.detail, 'string');
    assert.ok(ms < 5000, `the connection was closed after ${ms} ms (not at the head deadline)`);
  });
}

test('the server still serves normal requests afterwards, and one after empty lines', async () => {
  const ok = await rawRequest(srv.port, '\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    { timeoutMs: 5000 });
  assert.equal(rawStatus(ok), 200, ok.slice(0, 80));
  const r = await fetch(`${srv.base}/healthz`);
  assert.equal(r.status, 200);
  await r.arrayBuffer();
});

test('a request line that arrives a few bytes at a time is judged only on what came: served', async () => {
  const text = await new Promise((resolve, reject) => {
    const sock = net.createConnection({ port: srv.port, host: '127.0.0.1' });
    const chunks = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    sock.on('connect', async () => {
      for (const piece of ['GE', 'T /hea', 'lthz HT', 'TP/1.1\r', '\nHost: x\r\nConnection: close\r\n\r\n']) {
        sock.write(piece);
        await new Promise((r) => setTimeout(r, 150));
      }
    });
  });
  assert.equal(rawStatus(text), 200, text.slice(0, 80));
});

test('a POST with a valid Content-Length is unaffected', async () => {
  const text = await rawRequest(srv.port, post('2').replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'),
    { timeoutMs: 5000 });
  assert.equal(rawStatus(text), 405, text.slice(0, 80)); // /healthz is GET only
  assert.match(text, /application\/problem\+json/);
});
