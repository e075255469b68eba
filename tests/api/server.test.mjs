// tests/api/server.test.mjs — the HTTP core: error table (404/405/413/415/501/400),
// traversal battery, static files (MIME, ETag/304, Cache-Control, allow-list), security
// headers and CSP, /healthz, /metrics format, slow clients, access log, start-up errors,
// SIGTERM. Run: make build/asan/tcplab && node --test tests/api/server.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, rawRequest, rawStatus, serverBin, repoRoot } from './helpers.mjs';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let srv;
let staticDir;
let outsideDir;

before(async () => {
  // A static folder with one of everything the allow-list has to decide about.
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-static-'));
  outsideDir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-outside-'));
  mkdirSync(path.join(staticDir, 'css'));
  mkdirSync(path.join(staticDir, 'js'));
  writeFileSync(path.join(staticDir, 'css', 'app.css'), 'body { color: black; }\n');
  writeFileSync(path.join(staticDir, 'js', 'app.js'), 'export const x = 1;\n');
  writeFileSync(path.join(staticDir, 'js', 'mod.mjs'), 'export default 2;\n');
  writeFileSync(path.join(staticDir, 'js', 'app.0123abcd.js'), 'export const y = 2;\n');
  writeFileSync(path.join(staticDir, 'page.html'), '<!doctype html><title>t</title>\n');
  writeFileSync(path.join(staticDir, 'data.json'), '{"a":1}\n');
  writeFileSync(path.join(staticDir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(path.join(staticDir, 'img.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(path.join(staticDir, 'notes.txt'), 'hello\n');
  writeFileSync(path.join(staticDir, 'font.woff2'), 'wOF2');
  writeFileSync(path.join(staticDir, '.secret.txt'), 'hidden\n');
  writeFileSync(path.join(staticDir, 'binary.exe'), 'MZ');
  writeFileSync(path.join(outsideDir, 'secret.txt'), 'outside\n');
  symlinkSync(path.join(outsideDir, 'secret.txt'), path.join(staticDir, 'escape.txt'));
  symlinkSync(path.join(staticDir, 'notes.txt'), path.join(staticDir, 'alias.txt'));
  srv = await startServer({ args: ['--static', staticDir, '--metrics'] });
});

after(async () => {
  if (srv) await srv.stop().catch(() => {});
  rmSync(staticDir, { recursive: true, force: true });
  rmSync(outsideDir, { recursive: true, force: true });
});

function assertSecurityHeaders(res) {
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('referrer-policy') ?? '', /^(no-referrer|strict-origin-when-cross-origin)$/);
}

async function problem(res, status) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assertSecurityHeaders(res);
  const body = await res.json();
  assert.equal(body.status, status);
  assert.equal(typeof body.type, 'string');
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.detail, 'string');
  return body;
}

test('GET /healthz answers {"status":"ok"} with security headers', async () => {
  const res = await fetch(`${srv.base}/healthz`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assertSecurityHeaders(res);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('GET / is HTML with the CSP and links to the API docs', async () => {
  const res = await fetch(`${srv.base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('content-security-policy'), CSP);
  assertSecurityHeaders(res);
  const html = await res.text();
  assert.match(html, /<html lang="(en|zh-CN)"/);
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script');
});

test('unknown path → 404 problem+json with instance', async () => {
  const body = await problem(await fetch(`${srv.base}/no/such/thing`), 404);
  assert.equal(body.instance, '/no/such/thing');
});

test('wrong method → 405 with Allow', async () => {
  const res = await fetch(`${srv.base}/healthz`, { method: 'DELETE' });
  const allow = res.headers.get('allow');
  await problem(res, 405);
  assert.ok(allow.split(/,\s*/).includes('GET'), allow);
  assert.ok(allow.split(/,\s*/).includes('HEAD'), allow);
});

test('HEAD is served like GET without a body', async () => {
  const res = await fetch(`${srv.base}/static/css/app.css`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/css/);
  assert.equal(res.headers.get('content-length'), String('body { color: black; }\n'.length));
  assert.equal((await res.arrayBuffer()).byteLength, 0);
});

test('2 MiB body → 413 (Content-Length)', async () => {
  const res = await fetch(`${srv.base}/api/v1/simulations`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: Buffer.alloc(2 * 1024 * 1024, 0x20),
  });
  await problem(res, 413);
});

test('2 MiB chunked body → 413 (bytes counted as they arrive)', async () => {
  const head = 'POST /api/v1/simulations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
    'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const parts = [Buffer.from(head)];
  for (let i = 0; i < 32; i++) parts.push(Buffer.from('10000\r\n'), chunk, Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n\r\n'));
  const text = await rawRequest(srv.port, Buffer.concat(parts), { timeoutMs: 5000 });
  assert.equal(rawStatus(text), 413, text.slice(0, 200));
});

test('non-JSON Content-Type on a JSON route → 415', async () => {
  const res = await fetch(`${srv.base}/api/v1/simulations`, {
    method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"scenario":"handshake-and-close"}',
  });
  await problem(res, 415);
});

test('Transfer-Encoding: gzip → 501 without hanging', async () => {
  const text = await rawRequest(srv.port,
    'POST /api/v1/simulations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
    'Transfer-Encoding: gzip\r\n\r\nxxxx', { timeoutMs: 3000 });
  assert.equal(rawStatus(text), 501, text.slice(0, 200));
  assert.match(text, /application\/problem\+json/);
});

test('duplicate differing Content-Length → 400', async () => {
  const text = await rawRequest(srv.port,
    'POST /api/v1/simulations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
    'Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}', { timeoutMs: 3000 });
  assert.equal(rawStatus(text), 400, text.slice(0, 200));
});

test('traversal battery → 404, never a file outside static/', async () => {
  const paths = [
    '/static/../Makefile', '/static/%2e%2e/Makefile', '/static/%2E%2E/%2e%2e/etc/passwd',
    '/static/%00', '/static/css/app.css%00.png', '//etc/passwd', '/static/..%2fMakefile',
    '/static/..%5cMakefile', '/static//etc/passwd', '/static/./css/app.css', '/static/css/./app.css',
    '/static/%2fetc%2fpasswd', '/static/escape.txt', '/static/.secret.txt', '/static/binary.exe',
    '/static/', '/static', '/../../etc/passwd', '/static/css/%0aapp.css', '/static/%ff%fe',
  ];
  for (const p of paths) {
    const text = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
    const status = rawStatus(text);
    assert.ok(status === 404 || status === 400, `${p} → ${status}`);
    assert.ok(!text.includes('outside') && !text.includes('hidden') && !text.includes('root:'), p);
  }
});

test('static files: MIME types from the allow-list', async () => {
  const want = {
    'css/app.css': /^text\/css/, 'js/app.js': /^text\/javascript/, 'js/mod.mjs': /^text\/javascript/,
    'page.html': /^text\/html/, 'data.json': /^application\/json/, 'logo.svg': /^image\/svg\+xml/,
    'img.png': /^image\/png/, 'notes.txt': /^text\/plain/, 'font.woff2': /^font\/woff2/,
    'alias.txt': /^text\/plain/,
  };
  for (const [rel, mime] of Object.entries(want)) {
    const res = await fetch(`${srv.base}/static/${rel}`);
    assert.equal(res.status, 200, rel);
    assert.match(res.headers.get('content-type'), mime, rel);
    assertSecurityHeaders(res);
    await res.arrayBuffer();
  }
  const html = await fetch(`${srv.base}/static/page.html`);
  assert.equal(html.headers.get('content-security-policy'), CSP);
});

test('static files: strong ETag, If-None-Match → 304, Cache-Control', async () => {
  const res = await fetch(`${srv.base}/static/css/app.css`);
  assert.equal(await res.text(), 'body { color: black; }\n');
  const etag = res.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16,}"$/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const again = await fetch(`${srv.base}/static/css/app.css`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  const list = await fetch(`${srv.base}/static/css/app.css`, { headers: { 'if-none-match': `"nope", W/${etag}` } });
  assert.equal(list.status, 304);
  const other = await fetch(`${srv.base}/static/css/app.css`, { headers: { 'if-none-match': '"nope"' } });
  assert.equal(other.status, 200);
  await other.arrayBuffer();
  const fp = await fetch(`${srv.base}/static/js/app.0123abcd.js`);
  assert.equal(fp.status, 200);
  assert.equal(fp.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  await fp.arrayBuffer();
  const other2 = await fetch(`${srv.base}/static/js/app.js`);
  assert.notEqual(other2.headers.get('etag'), etag);
  await other2.arrayBuffer();
});

test('GET /metrics is Prometheus text with the four families', async () => {
  await (await fetch(`${srv.base}/healthz`)).arrayBuffer();
  const res = await fetch(`${srv.base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /^# TYPE tcplab_http_requests_total counter$/m);
  assert.match(text, /^tcplab_http_requests_total\{route="healthz",status="200"\} [1-9]\d*$/m);
  assert.match(text, /^# TYPE tcplab_http_request_duration_seconds histogram$/m);
  assert.match(text, /^tcplab_http_request_duration_seconds_bucket\{route="healthz",le="\+Inf"\} [1-9]\d*$/m);
  assert.match(text, /^tcplab_http_request_duration_seconds_count\{route="healthz"\} [1-9]\d*$/m);
  assert.match(text, /^# TYPE tcplab_simulations_total counter$/m);
  assert.match(text, /^tcplab_simulations_total \d+$/m);
  assert.match(text, /^# TYPE tcplab_open_connections gauge$/m);
  assert.match(text, /^tcplab_open_connections [1-9]\d*$/m);
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    assert.match(line, /^[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? [0-9.e+-]+$/, line);
  }
});

test('a client sending its headers 1 byte per second does not block others', async () => {
  const slow = net.createConnection({ port: srv.port, host: '127.0.0.1' });
  await new Promise((r) => slow.on('connect', r));
  slow.on('error', () => {});
  const req = 'GET /healthz HTTP/1.1\r\nHost: t\r\n';
  let i = 0;
  const timer = setInterval(() => { if (i < req.length) slow.write(req[i++]); }, 1000);
  try {
    const t0 = Date.now();
    for (let k = 0; k < 30; k++) {
      const r = await fetch(`${srv.base}/healthz`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      await new Promise((r2) => setTimeout(r2, 100));
    }
    const perRequest = (Date.now() - t0) / 30 - 100;
    assert.ok(perRequest < 500, `requests took ${perRequest} ms each beside a slow client`);
  } finally {
    clearInterval(timer);
    slow.destroy();
  }
});

test('after the battery, /healthz still answers', async () => {
  const res = await fetch(`${srv.base}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('access log: method path status bytes microseconds on stderr (off with --quiet)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-log-'));
  const proc = spawn(serverBin(), ['serve', '--port', '0', '--db', path.join(dir, 'db.sqlite')],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const base = await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/TCP Lab listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (c) => reject(new Error(`exited ${c}: ${err}`)));
  });
  await (await fetch(`${base}/healthz`)).arrayBuffer();
  await (await fetch(`${base}/nowhere%0a`)).arrayBuffer();
  const code = await new Promise((resolve) => { proc.on('exit', (c) => resolve(c)); proc.kill('SIGINT'); });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, err);
  assert.match(err, /^GET \/healthz 200 15 \d+$/m);
  assert.match(err, /^GET \/nowhere%0A 404 \d+ \d+$/m); // control bytes escaped
});

function runToExit(args, env = {}) {
  return new Promise((resolve) => {
    const proc = spawn(serverBin(), args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, err }); });
  });
}

test('start-up errors: one clear line, exit 1', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-err-'));
  const db = path.join(dir, 'db.sqlite');
  const inUse = await runToExit(['serve', '--port', String(srv.port), '--db', db, '--quiet']);
  assert.equal(inUse.code, 1, inUse.err);
  assert.match(inUse.err, /cannot listen on 127\.0\.0\.1 port \d+: Address already in use/);
  assert.equal(inUse.err.trim().split('\n').length, 1, inUse.err);
  const noStatic = await runToExit(['serve', '--port', '0', '--db', db, '--static', path.join(dir, 'missing')]);
  assert.equal(noStatic.code, 1, noStatic.err);
  assert.match(noStatic.err, /static folder .*missing/);
  const badDb = await runToExit(['serve', '--port', '0', '--db', path.join(dir, 'no', 'such', 'dir', 'x.db')]);
  assert.equal(badDb.code, 1, badDb.err);
  assert.match(badDb.err, /cannot open database/);
  const badPort = await runToExit(['serve', '--port', '70000']);
  assert.equal(badPort.code, 2);
  const badEnv = await runToExit(['serve', '--port', '0', '--db', db], { TCPLAB_PER_IP_LIMIT: 'lots' });
  assert.equal(badEnv.code, 2);
  assert.match(badEnv.err, /TCPLAB_PER_IP_LIMIT/);
  for (const name of ['TCPLAB_HEADER_TIMEOUT', 'TCPLAB_BODY_TIMEOUT']) {
    for (const value of ['soon', '-1', '1e9']) {
      const bad = await runToExit(['serve', '--port', '0', '--db', db, '--quiet'], { [name]: value });
      assert.equal(bad.code, 1, `${name}=${value}: ${bad.err}`);
      assert.match(bad.err, new RegExp(`${name}="${value}" is not a number of seconds in 0\\.\\.86400`));
      assert.equal(bad.err.trim().split('\n').length, 1, bad.err);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

test('environment configures the server (TCPLAB_MAX_BODY)', async () => {
  const s = await startServer({ env: { TCPLAB_MAX_BODY: '100' } });
  try {
    const res = await fetch(`${s.base}/api/v1/simulations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: ' '.repeat(200),
    });
    await problem(res, 413);
  } finally {
    await s.stop();
  }
});

test('SIGTERM: an in-flight request finishes, new connections are refused, exit 0', async () => {
  const s = await startServer();
  const body = JSON.stringify({ scenario: 'handshake-and-close' });
  const sock = net.createConnection({ port: s.port, host: '127.0.0.1' });
  await new Promise((r) => sock.on('connect', r));
  let reply = '';
  sock.setEncoding('latin1');
  sock.on('data', (d) => { reply += d; });
  const closed = new Promise((r) => sock.on('close', r));
  sock.write(`POST /api/v1/simulations HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`);
  await new Promise((r) => setTimeout(r, 300));
  s.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  await assert.rejects(rawRequest(s.port, 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n'),
    /ECONNREFUSED/, 'a new connection after SIGTERM is refused');
  sock.write(body.slice(5));
  await closed;
  assert.equal(rawStatus(reply), 200, reply.slice(0, 300));
  assert.equal(await s.stop(), 0);
});

test('SIGTERM: exits 0', async () => {
  const s = await startServer();
  await (await fetch(`${s.base}/healthz`)).arrayBuffer();
  assert.equal(await s.stop(), 0);
});
