// bench/response_budget.mjs — what clients that never read their answers cost the server,
// with and without the response budget (TCPLAB_RESPONSE_BUDGET) and a small kernel send
// buffer (TCPLAB_SNDBUF). Figures, not pass/fail.
//
// For each configuration: start build/tcplab (or $TCPLAB_BIN), open N connections (from
// 127.0.0.2.., BENCH_PER_ADDR per address, under the per-address limit), each POSTing a
// scenario whose trace is about 740 KB, read the status line and then stop reading.
// Prints the server's RSS before, with all N holding, and 2 s after they close; the kernel's
// TCP buffer memory (/proc/net/sockstat "TCP: mem", pages) with all N holding; and how many
// answers were 200 / 503.
//
//   node bench/response_budget.mjs            (BENCH_N=400 by default)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.TCPLAB_BIN || path.join(root, 'build/tcplab');
const N = Number(process.env.BENCH_N || 400);
const PER_ADDR = Number(process.env.BENCH_PER_ADDR || 100);
const MiB = 1024 * 1024;

const scenario = JSON.stringify({
  events: [
    { at_ms: 0, endpoint: 'server', call: 'listen' },
    { at_ms: 0, endpoint: 'client', call: 'connect' },
    { at_ms: 200, endpoint: 'client', call: 'send', bytes: 400000 },
  ],
});
const request = 'POST /api/v1/simulations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${scenario.length}\r\n\r\n${scenario}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const tcpPages = () => Number(/TCP: .* mem (\d+)/.exec(readFileSync('/proc/net/sockstat', 'utf8'))[1]);

async function start(env) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-bench-budget-'));
  const proc = spawn(bin, ['serve', '--port', '0', '--db', path.join(dir, 'db.sqlite'), '--quiet'],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { proc, port, dir };
}

function nonReader(port, localAddress) {
  return new Promise((resolve) => {
    const sock = net.createConnection({ port, host: '127.0.0.1', localAddress });
    sock.on('error', () => resolve({ sock, status: 0 }));
    sock.on('connect', () => sock.write(request));
    sock.once('data', (d) => {
      sock.pause();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'));
      resolve({ sock, status: m ? Number(m[1]) : 0 });
    });
  });
}

async function run(name, env) {
  const { proc, port, dir } = await start(env);
  // warm up: one answer read in full
  await (await fetch(`http://127.0.0.1:${port}/api/v1/simulations`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: scenario,
  })).arrayBuffer();
  await sleep(300);
  const before = rss(proc.pid);
  const tcpBefore = tcpPages();
  const clients = [];
  for (let i = 0; i < N; i += 20) {
    const batch = [];
    for (let k = i; k < Math.min(N, i + 20); k++)
      batch.push(nonReader(port, `127.0.0.${2 + Math.floor(k / PER_ADDR)}`));
    clients.push(...await Promise.all(batch));
  }
  await sleep(1000);
  const holding = rss(proc.pid);
  const tcpHolding = tcpPages();
  const ok = clients.filter((c) => c.status === 200).length;
  const busy = clients.filter((c) => c.status === 503).length;
  for (const c of clients) c.sock.destroy();
  await sleep(2000);
  const after = rss(proc.pid);
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  const page = 4096;
  console.log(`${name.padEnd(44)} RSS ${(before / MiB).toFixed(0).padStart(4)} → ${(holding / MiB).toFixed(0).padStart(4)} → ${(after / MiB).toFixed(0).padStart(4)} MiB` +
    `   kernel TCP +${(((tcpHolding - tcpBefore) * page) / MiB).toFixed(0).padStart(4)} MiB   200: ${ok}  503: ${busy}`);
}

console.log(`${N} clients, each POSTing a ~740 KB trace and never reading past the status line`);
console.log(`${'configuration'.padEnd(44)} RSS before → holding → 2 s after close`);
await run('no budget (1 TiB), system send buffer', { TCPLAB_RESPONSE_BUDGET: String(2 ** 40) });
await run('no budget (1 TiB), TCPLAB_SNDBUF=65536', { TCPLAB_RESPONSE_BUDGET: String(2 ** 40), TCPLAB_SNDBUF: '65536' });
await run('default budget (128 MiB), system send buffer', {});
await run('default budget (128 MiB), TCPLAB_SNDBUF=65536', { TCPLAB_SNDBUF: '65536' });
await run('budget 32 MiB, TCPLAB_SNDBUF=65536', { TCPLAB_RESPONSE_BUDGET: String(32 * MiB), TCPLAB_SNDBUF: '65536' });
