// tests/api/captures.test.mjs — POST /api/v1/captures: the fixtures recorded from the Linux
// stack (tests/fixtures/captures/) come back as the trace JSON (steps, final, end_ms) plus
// packets, connection, connections, observations and capture; ?lang=zh-CN adds rule_zh and
// text_zh; ?connection= picks the connection; bad input is a problem+json naming the packet
// (not a capture, a file cut inside a packet, timestamps going backwards); the limits:
// more than 100,000 packets is a 413 and more than 1,000 connections a 422, each naming the
// limit; a body over 10 MiB is a 413 (this route's own body limit, larger than the server's
// 1 MiB), and another media type a 415. Captures are built here with a small pcap writer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, startServer } from './helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) assert.equal(await srv.stop(), 0); });

const FIX = path.join(repoRoot, 'tests/fixtures/captures');
const PCAP = 'application/vnd.tcpdump.pcap';

async function post(body, { type = PCAP, query = '' } = {}) {
  const r = await fetch(`${srv.base}/api/v1/captures${query}`, { method: 'POST', headers: { 'Content-Type': type }, body });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), json: text ? JSON.parse(text) : null };
}

/** A little-endian pcap (Ethernet) of packets [{t_ms, from, seq, ack, flags, sport, dport}]. */
function pcap(packets) {
  const recs = [];
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(65535, 16); hdr.writeUInt32LE(1, 20);
  recs.push(hdr);
  for (const p of packets) {
    const f = Buffer.alloc(54);
    f.writeUInt16BE(0x0800, 12);
    f[14] = 0x45; f.writeUInt16BE(40, 16); f[22] = 64; f[23] = 6;
    const [a, b] = p.from === 'server' ? [2, 1] : [1, 2];
    f[26] = 10; f[29] = a; f[30] = 10; f[33] = b;
    f.writeUInt16BE(p.sport ?? (p.from === 'server' ? 80 : 40000), 34);
    f.writeUInt16BE(p.dport ?? (p.from === 'server' ? 40000 : 80), 36);
    f.writeUInt32BE(p.seq >>> 0, 38); f.writeUInt32BE((p.ack ?? 0) >>> 0, 42);
    f[46] = 0x50; f[47] = p.flags; f.writeUInt16BE(65535, 48);
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(p.t_ms / 1000), 0); h.writeUInt32LE((p.t_ms % 1000) * 1000, 4);
    h.writeUInt32LE(54, 8); h.writeUInt32LE(54, 12);
    recs.push(h, f);
  }
  return Buffer.concat(recs);
}
const SYN = 0x02, ACK = 0x10, RST = 0x04;

test('every fixture: the trace, its connection and its observations', async () => {
  const want = {
    'handshake.pcap': ['ESTABLISHED', 'ESTABLISHED', []],
    'client-first-close.pcap': ['TIME-WAIT', 'CLOSED', []],
    'client-first-close.pcapng': ['TIME-WAIT', 'CLOSED', []],
    'server-first-close.pcap': ['CLOSED', 'TIME-WAIT', []],
    'half-close.pcap': ['TIME-WAIT', 'CLOSED', []],
    'refused.pcap': ['CLOSED', 'CLOSED', []],
    'abort.pcap': ['CLOSED', 'CLOSED', ['rst-ack-abort']],
    'lost-final-ack.pcap': ['TIME-WAIT', 'CLOSED', ['retransmission', 'retransmission']],
    'simultaneous-close.pcap': ['TIME-WAIT', 'TIME-WAIT', []],
    'handshake-ipv6-any.pcap': ['ESTABLISHED', 'ESTABLISHED', []],
  };
  for (const [file, [client, server, kinds]] of Object.entries(want)) {
    const type = file.endsWith('.pcapng') ? 'application/x-pcapng' : PCAP;
    const r = await post(readFileSync(path.join(FIX, file)), { type });
    assert.equal(r.status, 200, file);
    assert.match(r.type, /^application\/json/);
    const t = r.json;
    assert.equal(t.final.client.state, client, file);
    assert.equal(t.final.server.state, server, file);
    assert.deepEqual(t.observations.map((o) => o.kind), kinds, file);
    assert.equal(t.packets.length, t.steps.length);
    assert.equal(t.connection, 1);
    assert.equal(t.connections.length, 1);
    assert.equal(t.connections[0].state.client, client);
    assert.equal(t.end_ms, t.steps.at(-1).t_ms);
    for (const s of t.steps) assert.ok(s.rule.length > 0 && s.tcb.client && s.tcb.server, file);
  }
});

test('?lang=zh-CN: the engine rules in Chinese, observations in both languages', async () => {
  const r = await post(readFileSync(path.join(FIX, 'abort.pcap')), { query: '?lang=zh-CN' });
  assert.equal(r.status, 200);
  assert.ok(r.json.steps.every((s) => s.rule_zh));
  assert.match(r.json.observations[0].text_zh, /RST,ACK/);
  assert.equal((await post(Buffer.alloc(0), { query: '?lang=fr' })).status, 400);
});

test('?connection= picks a connection; one the capture lacks is a 404', async () => {
  const body = pcap([
    { t_ms: 0, from: 'client', seq: 100, flags: SYN },
    { t_ms: 1, from: 'client', seq: 900, flags: SYN, sport: 40001 },
    { t_ms: 2, from: 'server', seq: 300, ack: 901, flags: SYN | ACK, dport: 40001 },
  ]);
  const r = await post(body, { query: '?connection=2' });
  assert.equal(r.status, 200);
  assert.equal(r.json.connections.length, 2);
  assert.equal(r.json.connection, 2);
  assert.equal(r.json.steps[0].segment.seq, 900);
  assert.equal(r.json.connections[1].client, '10.0.0.1:40001');
  const no = await post(body, { query: '?connection=3' });
  assert.equal(no.status, 404);
  assert.match(no.json.detail, /no connection 3: the capture has 2/);
  assert.equal((await post(body, { query: '?connection=x' })).status, 400);
});

test('bad input: a problem+json naming the packet', async () => {
  let r = await post(Buffer.from('this is not a capture at all'));
  assert.equal(r.status, 422);
  assert.match(r.type, /^application\/problem\+json/);
  assert.equal(r.json.error, 'not-a-capture');

  const good = pcap([{ t_ms: 0, from: 'client', seq: 100, flags: SYN }, { t_ms: 1, from: 'server', seq: 300, ack: 101, flags: SYN | ACK }]);
  r = await post(good.subarray(0, good.length - 20));
  assert.equal(r.status, 422);
  assert.equal(r.json.error, 'truncated-file');
  assert.equal(r.json.packet, 2);
  assert.match(r.json.detail, /^packet 2: /);

  r = await post(pcap([{ t_ms: 500, from: 'client', seq: 100, flags: SYN }, { t_ms: 100, from: 'server', seq: 300, ack: 101, flags: SYN | ACK }]));
  assert.equal(r.status, 422);
  assert.equal(r.json.error, 'timestamps-backwards');
  assert.equal(r.json.packet, 2);

  r = await post(good, { type: 'text/plain' });
  assert.equal(r.status, 415);
});

test('limits: 100,000 packets (413), 1,000 connections (422), 10 MiB (413)', async () => {
  const many = [];
  for (let i = 0; i <= 100000; i++) many.push({ t_ms: i, from: 'client', seq: 100 + i, ack: 1, flags: ACK });
  let r = await post(pcap(many));
  assert.equal(r.status, 413);
  assert.equal(r.json.limit, 100000);
  assert.equal(r.json.packet, 100001);
  assert.match(r.json.detail, /more than 100000 packets/);

  const conns = [];
  for (let i = 0; i <= 1000; i++) conns.push({ t_ms: i, from: 'client', seq: 100, flags: SYN, sport: 20000 + i });
  r = await post(pcap(conns));
  assert.equal(r.status, 422);
  assert.equal(r.json.limit, 1000);
  assert.equal(r.json.packet, 1001);
  assert.match(r.json.detail, /more than 1000 TCP connections/);

  r = await post(Buffer.alloc(10 * 1024 * 1024 + 1));
  assert.equal(r.status, 413);
  // a capture over the server's usual 1 MiB body limit is accepted here
  const big = [];
  for (let i = 0; i < 20000; i++) big.push({ t_ms: i, from: 'client', seq: 100, flags: SYN, sport: 30000 + (i % 500) });
  r = await post(pcap(big));
  assert.equal(r.status, 200);
  assert.ok(pcap(big).length > 1024 * 1024);
  // and a RST from a closed port is only counted as a connection
  r = await post(pcap([{ t_ms: 0, from: 'server', seq: 0, ack: 101, flags: RST | ACK }]));
  assert.equal(r.status, 200);
  assert.equal(r.json.connections.length, 1);
});

// Saving: ?save=true keeps the file and answers its id and share link; GET
// /api/v1/captures/{id} analyses it again, for any connection and either language.
async function saved(id, query = '') {
  const r = await fetch(`${srv.base}/api/v1/captures/${id}${query}`);
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control'), json: text ? JSON.parse(text) : null };
}

test('save=true: 201 with id, url and analysis; GET answers the same analysis again', async () => {
  const file = readFileSync(path.join(FIX, 'abort.pcap'));
  const plain = await post(file);
  const r = await fetch(`${srv.base}/api/v1/captures?save=true`, { method: 'POST', headers: { 'Content-Type': PCAP }, body: file });
  assert.equal(r.status, 201);
  const b = await r.json();
  assert.match(b.id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(b.url, `/capture/${b.id}`);
  assert.equal(r.headers.get('location'), `/api/v1/captures/${b.id}`);
  assert.deepEqual(b.analysis, plain.json);
  const g = await saved(b.id);
  assert.equal(g.status, 200);
  assert.match(g.type, /^application\/json/);
  assert.match(g.cache, /immutable/);
  assert.deepEqual(g.json, b);
  const zh = await saved(b.id, '?lang=zh-CN');
  assert.ok(zh.json.analysis.steps.every((s) => s.rule_zh));
  assert.match(zh.json.analysis.observations[0].text_zh, /RST,ACK/);
  assert.equal((await saved(b.id, '?lang=fr')).status, 400);
  // the page shows it
  const page = await fetch(`${srv.base}/capture/${b.id}?lang=zh-CN`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /figure class="tl-scenario/);
});

test('saved captures: every connection; unknown, malformed ids and connections are 404, a bad connection 400', async () => {
  const body = pcap([
    { t_ms: 0, from: 'client', seq: 100, flags: SYN },
    { t_ms: 1, from: 'client', seq: 900, flags: SYN, sport: 40001 },
    { t_ms: 2, from: 'server', seq: 300, ack: 901, flags: SYN | ACK, dport: 40001 },
  ]);
  const r = await fetch(`${srv.base}/api/v1/captures?save=1&connection=2`, { method: 'POST', headers: { 'Content-Type': PCAP }, body });
  assert.equal(r.status, 201);
  const { id, analysis } = await r.json();
  assert.equal(analysis.connection, 2);
  let g = await saved(id, '?connection=2');
  assert.equal(g.json.analysis.steps[0].segment.seq, 900);
  g = await saved(id);
  assert.equal(g.json.analysis.connection, 1);
  g = await saved(id, '?connection=3');
  assert.equal(g.status, 404);
  assert.match(g.type, /^application\/problem\+json/);
  assert.match(g.json.detail, /no connection 3: the capture has 2/);
  g = await saved(id, '?connection=x');
  assert.equal(g.status, 400);
  assert.match(g.json.detail, /connection must be a number/);
  for (const bad of ['AAAAAAAAAAAAAAAAAAAAAA', 'no.such', 'x'.repeat(40)]) {
    g = await saved(bad);
    assert.equal(g.status, 404, bad);
    assert.match(g.type, /^application\/problem\+json/);
    assert.match(g.json.detail, /no saved capture with id/);
  }
  assert.equal((await fetch(`${srv.base}/capture/AAAAAAAAAAAAAAAAAAAAAA`)).status, 404);
  // a capture that does not analyse is not saved; a bad save= is a 400
  let p = await post(Buffer.from('not a capture'), { query: '?save=true' });
  assert.equal(p.status, 422);
  p = await post(body, { query: '?save=maybe' });
  assert.equal(p.status, 400);
  assert.match(p.json.detail, /save must be true or false/);
});

test('anonymous saves: at most 1 MiB (422), one rate per address with saved simulations (429)', async () => {
  const big = [];
  for (let i = 0; i < 20000; i++) big.push({ t_ms: i, from: 'client', seq: 100, flags: SYN, sport: 30000 + (i % 500) });
  const file = pcap(big);
  assert.ok(file.length > 1024 * 1024);
  let r = await post(file, { query: '?save=true' });
  assert.equal(r.status, 422);
  assert.equal(r.json.limit, 'max_saved_capture_bytes');
  assert.equal(r.json.max, 1048576);
  assert.match(r.json.type, /#anonymous-saves$/);
  assert.match(r.json.detail, /without sign-in at most max_saved_capture_bytes = 1048576/);
  // 10 saves per minute from one address, simulations and captures together (2 above)
  const small = readFileSync(path.join(FIX, 'handshake.pcap'));
  const statuses = [];
  for (let i = 0; i < 9; i++) statuses.push((await post(small, { query: '?save=true' })).status);
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 201, 201, 201, 429]);
  const last = await post(small, { query: '?save=true' });
  assert.equal(last.status, 429);
  assert.equal(last.json.limit, 'anonymous_saves_per_minute');
  const sim = await fetch(`${srv.base}/api/v1/simulations?save=true`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"scenario":"handshake-and-close"}' });
  assert.equal(sim.status, 429);
  assert.ok(Number(sim.headers.get('retry-after')) > 0);
});
