// tests/api/capture.test.mjs — traces as pcap captures: `tcplab simulate --format pcap` and
// format=pcap / Accept: application/vnd.tcpdump.pcap on the simulation endpoints.
// For EVERY built-in (`tcplab scenarios --json`), over IPv4 and IPv6: `tcpdump -nn -S -tt -r`
// on the CLI's file prints one packet per send/inject step of the trace, in order, with the
// step's time, sender address and port (a listen-queue trace: each connection's own), flags, absolute SEQ, ACK (when ACK is set) and
// length; `tcpdump -vv` says "cksum … (correct)" for every packet; the API's file is byte for
// byte the CLI's. With tshark installed, the packets tshark's TCP analysis calls
// retransmissions are exactly the trace's retransmitted sends (without tshark that test
// skips and says so: tools/deps.sh does not install it, it pulls in much of Wireshark).
// Needs tcpdump (tools/deps.sh test installs it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, serverBin, startServer } from './helpers.mjs';

const BIN = serverBin();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tcplab-capture-'));
const ADDR = {
  4: { client: '192.0.2.1.49152', server: '198.51.100.1.9000', word: 'IP' },
  6: { client: '2001:db8::1.49152', server: '2001:db8::2.9000', word: 'IP6' },
};

function which(cmd) {
  for (const dir of (process.env.PATH || '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}
const TCPDUMP = which('tcpdump');
const TSHARK = which('tshark');

function cli(args, opts = {}) {
  return spawnSync(BIN, args, { cwd: repoRoot, env: { ASAN_OPTIONS: 'detect_leaks=1', ...process.env }, ...opts });
}

function builtins() {
  const r = cli(['scenarios', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).map((e) => e.name);
}

/** The trace's packets: one per send or inject step, with its sender. */
function tracePackets(trace) {
  const out = [];
  for (const st of trace.steps) {
    if (!st.segment || (st.kind !== 'send' && st.kind !== 'inject')) continue;
    const from = st.kind === 'send' ? st.endpoint : (st.endpoint === 'client' ? 'server' : 'client');
    out.push({ ...st.segment, t_ms: st.t_ms, from, conn: st.conn, retransmission: !!st.retransmission });
  }
  return out;
}

/** An IPv4 address as the IPv6 file carries it: 2001:db8::/96 and its 32 bits. */
function mapped6(v4) {
  const [a, b, c, d] = v4.split('.').map(Number);
  const hi = (a << 8) | b, lo = (c << 8) | d;
  return hi ? `2001:db8::${hi.toString(16)}:${lo.toString(16)}` : `2001:db8::${lo.toString(16)}`;
}

/** tcpdump's "ADDR.PORT" for one end (`side`: client or server) of packet `p`: the default
 * addresses, or in a listen-queue trace the packet's own connection and the listener. */
function endAddr(trace, p, side, ip) {
  if (!trace.connections) return ADDR[ip][side];
  const c = side === 'server' ? trace.listener : trace.connections.find((x) => x.name === p.conn);
  return `${ip === 6 ? mapped6(c.addr) : c.addr}.${c.port}`;
}

/** tcpdump's flag letters, in its order (FIN, SYN, RST, PSH, ACK); "none" for no flag. */
function tcpdumpFlags(flags) {
  const s = [['FIN', 'F'], ['SYN', 'S'], ['RST', 'R'], ['PSH', 'P'], ['ACK', '.']]
    .filter(([n]) => flags.includes(n)).map(([, c]) => c).join('');
  return s || 'none';
}

/** `tcpdump -nn -S -tt -r FILE` (+ extra args) → one parsed object per packet. */
function tcpdump(file, extra = []) {
  const text = execFileSync(TCPDUMP, ['-nn', '-S', '-tt', ...extra, '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const pkts = [];
  // -vv prints each packet over two lines; join the continuation onto its head
  const lines = text.replace(/\n\s{4}(?=\S)/g, ' ').split('\n').filter(Boolean);
  for (const line of lines) {
    const m = line.match(/^(\d+)\.(\d{6}) (IP6?) .*?(\S+) > (\S+): Flags \[([^\]]*)\](.*)$/);
    assert.ok(m, `tcpdump line not understood: ${line}`);
    const rest = m[7];
    const seq = rest.match(/ seq (\d+)(?::(\d+))?/);
    const ack = rest.match(/ ack (\d+)/);
    const win = rest.match(/ win (\d+)/);
    const len = rest.match(/ length (\d+)/);
    const mss = rest.match(/mss (\d+)/);
    const cksum = rest.match(/cksum 0x[0-9a-f]+ \((correct|incorrect[^)]*)\)/);
    pkts.push({
      t_ms: Number(m[1]) * 1000 + Number(m[2]) / 1000,
      ip: m[3], src: m[4], dst: m[5], flags: m[6],
      seq: seq ? Number(seq[1]) : null, ack: ack ? Number(ack[1]) : null,
      win: win ? Number(win[1]) : null, len: len ? Number(len[1]) : null,
      mss: mss ? Number(mss[1]) : null, cksum: cksum ? cksum[1] : null, line,
    });
  }
  return pkts;
}

function simulateJSON(name) {
  const r = cli(['simulate', '--scenario', name], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function simulatePcap(name, ip) {
  const file = path.join(tmp, `${name}-v${ip}.pcap`);
  const r = cli(['simulate', '--scenario', name, '--format', 'pcap', '--ip', String(ip), '--output', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '', 'nothing on stdout with --output');
  return file;
}

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  if (srv) assert.equal(await srv.stop(), 0);
  rmSync(tmp, { recursive: true, force: true });
});

describe('tcpdump reads every built-in back as its trace', () => {
  test('tcpdump is installed (tools/deps.sh test)', () => {
    assert.ok(TCPDUMP, 'tcpdump not found: run tools/deps.sh test');
  });
  for (const ip of [4, 6]) {
    test(`every built-in, IPv${ip}: same packets, flags, SEQ, ACK, length, time and sender; checksums correct`, { skip: !TCPDUMP }, () => {
      const names = builtins();
      assert.ok(names.length >= 17, `only ${names.length} built-ins`);
      for (const name of names) {
        const trace = simulateJSON(name);
        const want = tracePackets(trace);
        const file = simulatePcap(name, ip);
        // exactly `tcpdump -nn -S -r` (plus -tt for the time): it leaves SEQ out of a pure
        // ACK (no data, no SYN/FIN/RST); -vv prints it always, and the checksum verdicts
        const plain = tcpdump(file);
        const verbose = tcpdump(file, ['-vv']);
        assert.equal(plain.length, want.length, `${name}: ${plain.length} packets, the trace has ${want.length} sends/injects`);
        assert.equal(verbose.length, want.length, name);
        want.forEach((w, i) => {
          const g = plain[i];
          const v = verbose[i];
          const where = `${name} packet ${i + 1}: ${g.line}`;
          assert.equal(g.ip, ADDR[ip].word, where);
          assert.equal(g.src, endAddr(trace, w, w.from, ip), where);
          assert.equal(g.dst, endAddr(trace, w, w.from === 'client' ? 'server' : 'client', ip), where);
          assert.equal(g.flags, tcpdumpFlags(w.flags), where);
          const pureAck = w.len === 0 && tcpdumpFlags(w.flags) === '.';
          assert.equal(g.seq, pureAck ? null : w.seq, where);
          assert.equal(v.seq, w.seq, `${where} (-vv)`);
          assert.equal(g.ack, w.flags.includes('ACK') ? w.ack : null, where);
          assert.equal(v.ack, g.ack, `${where} (-vv)`);
          assert.equal(g.len, w.len, where);
          assert.equal(g.win, w.wnd, where);
          assert.equal(g.t_ms, w.t_ms, where);
          assert.equal(g.mss !== null, w.flags.includes('SYN'), where);
          assert.equal(v.cksum, 'correct', `${where} (-vv)`);
        });
      }
    });
  }
  test('the MSS option carries the scenario\'s mss', { skip: !TCPDUMP }, () => {
    const sc = {
      client: { iss: 100, mss: 536 }, server: { iss: 300, mss: 1200, wnd: 8192 },
      events: [{ at_ms: 0, endpoint: 'server', call: 'listen' }, { at_ms: 0, endpoint: 'client', call: 'connect' },
        { at_ms: 200, endpoint: 'client', call: 'send', bytes: 1500 }],
    };
    const scFile = path.join(tmp, 'mss.json');
    writeFileSync(scFile, JSON.stringify(sc));
    const file = path.join(tmp, 'mss.pcap');
    const r = cli(['simulate', scFile, '--format', 'pcap', '-o', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = tcpdump(file, ['-vv']);
    assert.equal(got[0].mss, 536);
    assert.equal(got[1].mss, 1200);
    assert.equal(got[1].win, 8192);
    assert.deepEqual(got.filter((p) => p.src === ADDR[4].client && p.len > 0).map((p) => p.len), [536, 536, 428]);
    assert.ok(got.every((p) => p.cksum === 'correct'));
  });
});

// Where tshark's analysis and the engine name a segment differently, on purpose: in a
// simultaneous open each side answers the other's SYN with SYN,ACK carrying its own SYN's
// sequence number again (RFC 9293 §3.10.7.3, Figure 8), so tshark calls both SYN,ACKs
// retransmissions; the engine marks only what a retransmission timeout resent.
const TSHARK_ALSO = { 'simultaneous-open': [3, 4] };

describe('tshark', () => {
  test('its retransmission analysis agrees with the trace for every built-in', { skip: TSHARK ? false : 'tshark is not installed (optional; apt-get install tshark to run this test)' }, () => {
    for (const name of builtins()) {
      const want = tracePackets(simulateJSON(name)).map((p, i) => (p.retransmission ? i + 1 : 0)).filter(Boolean)
        .concat(TSHARK_ALSO[name] || []).sort((a, b) => a - b);
      const file = simulatePcap(name, 4);
      const out = execFileSync(TSHARK, ['-n', '-r', file, '-Y',
        'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission',
        '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const got = out.split('\n').filter(Boolean).map(Number);
      assert.deepEqual(got, want, `${name}: tshark's retransmissions (frames) vs the trace's`);
    }
  });
});

describe('CLI', () => {
  test('a capture over --max-bytes is refused and no file is written', () => {
    const file = path.join(tmp, 'small.pcap');
    const r = cli(['simulate', '--scenario', 'handshake-and-close', '--format', 'pcap', '--max-bytes', '100', '-o', file], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /handshake-and-close: the capture would be \d+ bytes, more than the limit of 100 bytes \(--max-bytes\)/);
    assert.equal(existsSync(file), false);
  });
  test('bad --ip, --max-bytes and --format are usage errors (exit 2)', () => {
    for (const [args, msg] of [
      [['--ip', '5'], /--ip must be 4 or 6/],
      [['--max-bytes', '0'], /--max-bytes must be a positive number/],
      [['--max-bytes', '12x'], /--max-bytes must be a positive number/],
    ]) {
      const r = cli(['simulate', '--scenario', 'lost-syn', '--format', 'pcap', ...args], { encoding: 'utf8' });
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, msg);
    }
    const r = cli(['simulate', '--scenario', 'lost-syn', '--format', 'pcapng'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--format must be json, text or pcap/);
  });
  test('to standard output when it is not a terminal; --output works for json too', () => {
    const r = cli(['simulate', '--scenario', 'lost-syn', '--format', 'pcap']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.readUInt32LE(0), 0xa1b2c3d4);
    assert.equal(r.stdout.readUInt32LE(20), 101, 'LINKTYPE_RAW');
    const file = path.join(tmp, 'trace.json');
    const j = cli(['simulate', '--scenario', 'lost-syn', '-o', file], { encoding: 'utf8' });
    assert.equal(j.status, 0, j.stderr);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), simulateJSON('lost-syn'));
  });
});

describe('API', () => {
  const url = (p) => `${srv.base}${p}`;
  async function bytes(r) { return Buffer.from(await r.arrayBuffer()); }

  test('GET ?scenario=NAME&format=pcap: the CLI\'s bytes, as an attachment, for every built-in and both IP versions', async () => {
    for (const name of builtins()) {
      for (const ip of [4, 6]) {
        const r = await fetch(url(`/api/v1/simulations?scenario=${name}&format=pcap&ip=${ip}`));
        assert.equal(r.status, 200, name);
        assert.equal(r.headers.get('content-type'), 'application/vnd.tcpdump.pcap');
        assert.equal(r.headers.get('content-disposition'), `attachment; filename="tcplab-${name}${ip === 6 ? '-ipv6' : ''}.pcap"`);
        assert.equal(r.headers.get('cache-control'), 'public, max-age=3600');
        const body = await bytes(r);
        assert.ok(body.equals(readFileSync(simulatePcap(name, ip))), `${name} IPv${ip}: API and CLI files differ`);
      }
    }
  });

  test('Accept: application/vnd.tcpdump.pcap selects the capture; JSON stays the default', async () => {
    const r = await fetch(url('/api/v1/simulations?scenario=lost-syn'), { headers: { Accept: 'application/vnd.tcpdump.pcap' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/vnd.tcpdump.pcap');
    assert.match(r.headers.get('vary') || '', /Accept\b/);
    const body = await bytes(r);
    assert.equal(body.readUInt32LE(0), 0xa1b2c3d4);
    for (const accept of ['application/json', '*/*', 'application/json, application/vnd.tcpdump.pcap;q=0.5', 'application/vnd.tcpdump.pcap;q=0']) {
      const j = await fetch(url('/api/v1/simulations?scenario=lost-syn'), { headers: { Accept: accept } });
      assert.equal(j.headers.get('content-type'), 'application/json', accept);
      assert.ok(Array.isArray((await j.json()).steps), accept);
    }
    const f = await fetch(url('/api/v1/simulations?scenario=lost-syn&format=json'), { headers: { Accept: 'application/vnd.tcpdump.pcap' } });
    assert.equal(f.headers.get('content-type'), 'application/json', 'format=json wins over Accept');
    await f.arrayBuffer();
  });

  test('POST a custom scenario (and a built-in with overrides) with format=pcap', async () => {
    const sc = { client: { iss: 7 }, server: { iss: 9 }, events: [
      { at_ms: 0, endpoint: 'server', call: 'listen' }, { at_ms: 0, endpoint: 'client', call: 'connect' }] };
    const r = await fetch(url('/api/v1/simulations?format=pcap'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sc) });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-disposition'), 'attachment; filename="tcplab-simulation.pcap"');
    const file = path.join(tmp, 'post.pcap');
    writeFileSync(file, await bytes(r));
    if (TCPDUMP) {
      const got = tcpdump(file);
      assert.deepEqual(got.map((p) => [p.flags, p.seq, p.ack]), [['S', 7, null], ['S.', 9, 8], ['.', null, 10]]);
    }
    const o = await fetch(url('/api/v1/simulations'), { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/vnd.tcpdump.pcap' }, body: JSON.stringify({ scenario: 'lost-syn', network: { latency_ms: 20 } }) });
    assert.equal(o.status, 200);
    assert.equal(o.headers.get('content-disposition'), 'attachment; filename="tcplab-lost-syn.pcap"');
    const only = await fetch(url('/api/v1/simulations?format=pcap'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"scenario":"lost-syn"}' });
    assert.ok((await bytes(only)).equals(readFileSync(simulatePcap('lost-syn', 4))), 'a bare built-in POSTed is the built-in\'s capture');
    await o.arrayBuffer();
  });

  test('a saved simulation as a capture: /api/v1/simulations/{id}?format=pcap', async () => {
    const s = await fetch(url('/api/v1/simulations?save=true'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"scenario":"lost-fin"}' });
    assert.equal(s.status, 201);
    const { id } = await s.json();
    const r = await fetch(url(`/api/v1/simulations/${id}?format=pcap`));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-disposition'), `attachment; filename="tcplab-${id}.pcap"`);
    assert.match(r.headers.get('cache-control'), /immutable/);
    assert.ok((await bytes(r)).equals(readFileSync(simulatePcap('lost-fin', 4))));
    const nf = await fetch(url('/api/v1/simulations/nosuchid?format=pcap'));
    assert.equal(nf.status, 404);
    await nf.arrayBuffer();
  });

  test('errors are problem+json: bad format or ip (400), save with pcap (400), unknown built-in (404), too large (422)', async () => {
    const cases = [
      [fetch(url('/api/v1/simulations?scenario=lost-syn&format=pcapng')), 400, /format must be json or pcap/],
      [fetch(url('/api/v1/simulations?scenario=lost-syn&format=pcap&ip=5')), 400, /ip must be 4 or 6/],
      [fetch(url('/api/v1/simulations?scenario=nope&format=pcap')), 404, /nope/],
      [fetch(url('/api/v1/simulations?save=true&format=pcap'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"scenario":"lost-syn"}' }), 400, /save=true/],
    ];
    for (const [p, status, detail] of cases) {
      const r = await p;
      assert.equal(r.status, status);
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      assert.match((await r.json()).detail, detail);
    }
    // 200 segments of 65,000 octets: within the step limit, far over max_capture_bytes
    const big = { client: { iss: 1, mss: 65000 }, server: { iss: 2, mss: 65000 }, events: [
      { at_ms: 0, endpoint: 'server', call: 'listen' }, { at_ms: 0, endpoint: 'client', call: 'connect' },
      { at_ms: 200, endpoint: 'client', call: 'send', bytes: 200 * 65000 }] };
    const r = await fetch(url('/api/v1/simulations?format=pcap'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(big) });
    assert.equal(r.status, 422);
    const p = await r.json();
    assert.equal(p.limit, 'max_capture_bytes');
    assert.equal(p.max, 4194304);
    assert.match(p.detail, /more than the limit of 4194304 bytes/);
  });
});
