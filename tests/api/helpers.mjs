// tests/api/helpers.mjs — start the built server for a test, and talk raw HTTP to it.
//
// startServer({args, env}) runs `$TCPLAB_BIN serve --port 0 --bind 127.0.0.1 --db <tmp>
// --quiet ...args` from the repository root (so static/ and lessons/ are found), waits for
// the "listening on http://HOST:PORT/" line and for GET /healthz, and resolves to
// {base, port, dbPath, stop(), proc, stderr()}. The server picks a free port itself
// (--port 0), so there is no race between choosing a port and binding it.
// stop() sends SIGTERM and resolves with the exit code 0; it rejects if the server
// crashed, was killed, exited non-zero (ASan/UBSan reports do that), or did not exit in 10 s.
// rawRequest(port, bytes, {timeoutMs}) writes bytes to a fresh TCP connection and
// resolves to everything the server sent back (as latin1 text) once it closes the
// connection or timeoutMs (default 2000) passes, whichever is first.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function serverBin() {
  const bin = process.env.TCPLAB_BIN || 'build/asan/tcplab';
  return path.isAbsolute(bin) ? bin : path.join(repoRoot, bin);
}

export async function startServer({ args = [], env = {}, db = undefined, startTimeoutMs = 15000 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-test-'));
  const dbPath = db ?? path.join(dir, 'tcplab.db');
  const fullArgs = ['serve', '--port', '0', '--bind', '127.0.0.1', '--db', dbPath, '--quiet', ...args];
  const proc = spawn(serverBin(), fullArgs, {
    cwd: repoRoot,
    env: { ASAN_OPTIONS: 'detect_leaks=1', ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });

  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start in ${startTimeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, startTimeoutMs);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s/]+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal})\nstderr: ${err}`));
    });
  });
  const port = Number(new URL(base).port);

  // Wait until /healthz answers.
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      await r.arrayBuffer();
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server never answered /healthz\nstderr: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  let stopped = null;
  function stop({ signal = 'SIGTERM', timeoutMs = 10000 } = {}) {
    if (stopped) return stopped;
    stopped = (async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      let timer;
      const result = await Promise.race([
        exited,
        new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); }),
      ]);
      clearTimeout(timer);
      if (!db) rmSync(dir, { recursive: true, force: true });
      if (!result) {
        proc.kill('SIGKILL');
        throw new Error(`server did not exit within ${timeoutMs} ms of ${signal}\nstderr: ${err}`);
      }
      if (result.signal || result.code !== 0) {
        throw new Error(`server exited with code ${result.code} signal ${result.signal}\nstderr: ${err}`);
      }
      return result.code;
    })();
    return stopped;
  }
  return { base, port, dbPath, dir, stop, proc, stderr: () => err, stdout: () => out };
}

export function rawRequest(port, bytes, { timeoutMs = 2000, host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sock = net.createConnection({ port, host });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('connect', () => sock.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes));
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', (e) => {
      if (chunks.length) finish();
      else if (!done) { done = true; clearTimeout(timer); reject(e); }
    });
  });
}

// Status code of a raw HTTP response text (first line), or 0.
export function rawStatus(text) {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : 0;
}

// The Set-Cookie headers of a fetch Response as a list. Headers.getSetCookie() exists from
// Node 19.7; Debian 12 ships Node 18, where the values come joined by ", " — split them
// where a new "name=" begins (our cookies carry no Expires date, whose value has a comma).
export function setCookies(res) {
  if (typeof res.headers.getSetCookie === 'function') return res.headers.getSetCookie();
  const joined = res.headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[A-Za-z0-9_.-]+=)/) : [];
}

// The Cookie request header that sends back every cookie a response set.
export function cookieHeaderFrom(res) {
  return setCookies(res).map((c) => c.split(';')[0]).join('; ');
}
