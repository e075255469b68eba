// tests/api/header_timeout.test.mjs — the request-head and request-body deadlines against
// slowloris (server/http/server.c, TCPLAB_HEADER_TIMEOUT, TCPLAB_BODY_TIMEOUT): a client
// that trickles its request head, each byte well inside the idle timeout, is disconnected
// once the deadline passes, on a new connection and on a kept-alive one; so is one that
// sends its head at once and trickles the body; clients that send their requests normally
// are served meanwhile, and an idle keep-alive connection outlives the head deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './helpers.mjs';

const DEADLINE_S = 2;
let srv;
const BODY_DEADLINE_S = 2;
before(async () => {
  srv = await startServer({
    env: { TCPLAB_HEADER_TIMEOUT: String(DEADLINE_S), TCPLAB_BODY_TIMEOUT: String(BODY_DEADLINE_S) },
  });
});
after(async () => { await srv.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Connects, runs `script(sock, received)` and resolves when the server closes the
// connection: {closedAfterMs (since connect), text}. Fails after limitMs.
function connection(script, limitMs = 15000) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ port: srv.port, host: '127.0.0.1' });
    const chunks = [];
    let t0 = 0;
    let closed = false;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`still open after ${limitMs} ms`)); }, limitMs);
    sock.on('connect', () => {
      t0 = Date.now();
      script(sock, () => Buffer.concat(chunks).toString('latin1'), () => closed).catch((e) => { sock.destroy(); reject(e); });
    });
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {}); // a reset counts as closed
    sock.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - t0, text: Buffer.concat(chunks).toString('latin1') });
    });
  });
}

// Writes `text` one byte every `everyMs` until done or the socket is closed.
async function trickle(sock, text, everyMs, isClosed) {
  for (const ch of text) {
    if (isClosed() || sock.destroyed) return;
    sock.write(ch);
    await sleep(everyMs);
  }
}

test('a client trickling its request head is cut at the deadline; others are served meanwhile', async () => {
  const head = 'GET /healthz HTTP/1.1\r\nHost: x\r\n' + 'X-Slow: ' + 'a'.repeat(200) + '\r\n\r\n';
  const slow = connection((sock, _text, closed) => trickle(sock, head, 200, closed));
  // while it trickles, ordinary requests work
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${srv.base}/healthz`);
    assert.equal(r.status, 200);
    await r.arrayBuffer();
    await sleep(200);
  }
  const { closedAfterMs, text } = await slow;
  assert.equal(text, '', 'no response to an incomplete head');
  assert.ok(closedAfterMs >= DEADLINE_S * 1000 - 300, `closed too early: ${closedAfterMs} ms`);
  assert.ok(closedAfterMs <= DEADLINE_S * 1000 + 1500, `closed too late: ${closedAfterMs} ms`);
});

test('a kept-alive connection that trickles its next head is cut too; an idle one is not', async () => {
  const req = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
  let idleAnswers = 0;
  const res = await connection(async (sock, text, closed) => {
    sock.write(req);
    await sleep(300);
    // idle past the head deadline: the connection must still serve the next request
    await sleep(DEADLINE_S * 1000 + 700);
    assert.ok(!closed(), 'an idle keep-alive connection was cut by the head deadline');
    sock.write(req);
    await sleep(300);
    idleAnswers = (text().match(/HTTP\/1\.1 200/g) || []).length;
    // now the request line at once, then the header fields one byte at a time
    sock.write('GET /healthz HTTP/1.1\r\n');
    await trickle(sock, 'Host: x\r\nX-Slow: ' + 'b'.repeat(200) + '\r\n\r\n', 200, closed);
  });
  assert.equal(idleAnswers, 2, res.text);
  const total = 300 + DEADLINE_S * 1000 + 700 + 300 + DEADLINE_S * 1000;
  assert.ok(res.closedAfterMs >= total - 400, `closed too early: ${res.closedAfterMs} ms`);
  assert.ok(res.closedAfterMs <= total + 1500, `closed too late: ${res.closedAfterMs} ms`);
});

test('a slow but complete request is answered', async () => {
  const r = await connection(async (sock) => {
    await sleep(DEADLINE_S * 1000 / 2);
    sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  });
  assert.match(r.text, /^HTTP\/1\.1 200/);
});

test('a client trickling its request body is cut at the body deadline', async () => {
  const body = JSON.stringify({ scenario: 'handshake-and-close' }) + ' '.repeat(100);
  const head = 'POST /api/v1/simulations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\n\r\n`;
  const r = await connection(async (sock, _text, closed) => {
    sock.write(head);
    await trickle(sock, body, 200, closed);
  });
  assert.equal(r.text, '', 'no response to an incomplete body');
  assert.ok(r.closedAfterMs >= BODY_DEADLINE_S * 1000 - 300, `closed too early: ${r.closedAfterMs} ms`);
  assert.ok(r.closedAfterMs <= BODY_DEADLINE_S * 1000 + 1500, `closed too late: ${r.closedAfterMs} ms`);
  // the server is fine afterwards
  assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
});

test('a body sent in slow pieces within the deadline is answered, and the next request too', async () => {
  const body = JSON.stringify({ scenario: 'handshake-and-close' });
  const head = 'POST /api/v1/simulations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\n\r\n`;
  const r = await connection(async (sock, text) => {
    sock.write(head);
    const third = Math.ceil(body.length / 3);
    for (let i = 0; i < 3; i++) {
      await sleep(BODY_DEADLINE_S * 1000 / 5);
      sock.write(body.slice(i * third, (i + 1) * third));
    }
    // served; the kept-alive connection then idles past the body deadline and still works
    for (let i = 0; i < 50 && !/\r\n\r\n\{/.test(text()); i++) await sleep(100);
    await sleep(BODY_DEADLINE_S * 1000 + 500);
    sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  });
  const answers = r.text.match(/HTTP\/1\.1 \d{3}/g) || [];
  assert.deepEqual(answers, ['HTTP/1.1 200', 'HTTP/1.1 200'], r.text.slice(0, 300));
});
