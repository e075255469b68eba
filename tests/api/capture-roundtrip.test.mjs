// capture-roundtrip.test.mjs — round trip: every built-in's trace exported as a pcap
// (`tcplab simulate --scenario NAME --format pcap`) and analysed
// again (`tcplab analyze -`) gives back, segment by segment, the sender of every segment with
// its flags and sequence number and the sender's state after it, and, for every segment the
// simulated network delivered, the receiver's state after it.
// What a capture cannot carry is listed below with its reason and only checked to analyse
// (a capture on the sender's side shows a dropped ACK as sent; a crash and an injected
// segment leave nothing on the wire but their effects; two SYN,ACKs or an ACK crossing on
// the wire carry nothing that tells which left first).
// A listen-queue trace (many connections to one listener) is compared connection by
// connection, each its own four-tuple in the capture; what the listener's queue lengths
// decided (a segment dropped because a queue was full, a SYN answered with a cookie) leaves
// nothing on the wire, so those steps, and the state the receiver is in until its next
// receive, are only checked to be there.
// Skipped (with a note) while `simulate --format pcap` is not in this build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './helpers.mjs';

const BIN = path.resolve(repoRoot, process.env.TCPLAB_BIN || 'build/tcplab');
const run = (args, input) => spawnSync(BIN, args, { input, maxBuffer: 64 << 20 });

const KNOWN = {
  'half-open-data': 'the client crashed: its CLOSED is not on the wire',
  'half-open-discovery': 'the client crashed and reconnected on the same ports',
  'lost-final-ack': 'the dropped final ACK is in the sender-side capture',
  'old-duplicate-syn': 'an injected old SYN looks like the client\'s own',
  'old-duplicate-syn-passive': 'an injected old SYN looks like the client\'s own',
  'simultaneous-close': 'the crossing ACKs carry no sequence space',
  'simultaneous-open': 'the two SYN,ACKs cross on the wire',
};

const names = run(['scenarios']).stdout.toString().trim().split('\n').map((l) => l.split(/\s+/)[0]);
const probe = run(['simulate', '--scenario', names[0], '--format', 'pcap']);
const exportable = probe.status === 0 && probe.stdout.length > 24;

for (const name of names) {
  test(`round trip: ${name}`, { skip: exportable ? false : 'this build has no simulate --format pcap' }, () => {
    const trace = JSON.parse(run(['simulate', '--scenario', name]).stdout.toString());
    const pcap = run(['simulate', '--scenario', name, '--format', 'pcap']);
    assert.equal(pcap.status, 0, pcap.stderr.toString());
    const an = run(['analyze', '-'], pcap.stdout);
    assert.equal(an.status, 0, an.stderr.toString());
    const got = JSON.parse(an.stdout.toString());
    if (KNOWN[name]) {
      assert.ok(got.steps.length > 0, `${name}: analysed (${KNOWN[name]})`);
      return;
    }
    if (trace.connections) {
      compareConnections(name, trace, got, pcap.stdout);
      return;
    }
    compareSteps(name, trace.steps, got.steps);
  });
}

// A two-endpoint trace, or one connection of a listen-queue trace: the packets on the wire
// (sends, and injected segments, which the capture shows as sent by the other end) one by
// one, then each receive's state. `injected`: the client end is an injected source with no
// host behind it, so only the server's states are compared.
function compareSteps(name, steps, gotSteps, injected = false) {
    // a receive decided by the listener's queue lengths (a segment dropped because a queue was
    // full, a SYN answered with a cookie and no TCB) is invisible on the wire: the capture
    // cannot tell the receiver's state from it until that endpoint's next receive
    // (the SYN a cookie answers counts too: the cookie SYN,ACK after it says so)
    const decided = new Set();
    const last = { client: null, server: null };
    for (const s of steps) {
      if (s.kind === 'receive') {
        last[s.endpoint] = s;
        if (s.queue_full || s.syn_cookie) decided.add(s);
      } else if (s.kind === 'send' && s.syn_cookie && last[s.endpoint]) {
        decided.add(last[s.endpoint]);
      }
    }
    const queueDecided = (s) => decided.has(s);
    const hidden = new Set();
    const unseen = { client: false, server: false };
    for (const s of steps) {
      if (s.kind === 'receive') unseen[s.endpoint] = queueDecided(s);
      else if (s.kind === 'send' && (unseen[s.endpoint] || s.syn_cookie)) hidden.add(s);
    }
    const sent = steps.filter((s) => s.kind === 'send' || s.kind === 'inject')
      .map((s) => (s.kind === 'inject' ? { ...s, endpoint: s.endpoint === 'server' ? 'client' : 'server' } : s));
    const gotSent = gotSteps.filter((s) => s.kind === 'send');
    assert.equal(gotSent.length, sent.length, `${name}: one packet per segment sent`);
    sent.forEach((s, i) => {
      const g = gotSent[i];
      const what = `${name}: segment ${i + 1}`;
      assert.equal(g.endpoint, s.endpoint, what);
      assert.deepEqual(g.segment.flags, s.segment.flags, what);
      assert.equal(g.segment.seq, s.segment.seq, what);
      if (s.kind === 'send' && !hidden.has(s)) assert.equal(g.state_after, s.state_after, `${what}: the sender's state`);
    });
    const key = (s) => `${s.endpoint} ${s.segment.seq} ${s.segment.ack} ${s.segment.flags}`;
    const received = new Map();
    for (const s of gotSteps.filter((x) => x.kind === 'receive')) {
      if (!received.has(key(s))) received.set(key(s), []);
      received.get(key(s)).push(s.state_after);
    }
    for (const s of steps.filter((x) => x.kind === 'receive')) {
      const states = received.get(key(s)) || [];
      if (queueDecided(s) || (injected && s.endpoint === 'client')) {
        // (an injected source: no host there receives anything)
        states.shift();
        continue;
      }
      assert.ok(states.length, `${name}: ${key(s)} received`);
      assert.equal(states.shift(), s.state_after, `${name}: receiver's state after ${key(s)}`);
    }
}

// A listen-queue trace: every connection is its own four-tuple in the capture; each is
// analysed on its own (--connection N) and compared with the trace's steps for it.
function compareConnections(name, trace, got, pcapBytes) {
  const server = `${trace.listener.addr}:${trace.listener.port}`;
  assert.equal(got.connections.length, trace.connections.filter((c) =>
    trace.steps.some((s) => s.conn === c.name && (s.kind === 'send' || s.kind === 'inject'))).length,
    `${name}: one connection in the capture per connection on the wire`);
  for (const c of trace.connections) {
    const steps = trace.steps.filter((s) => s.conn === c.name);
    if (!steps.some((s) => s.kind === 'send' || s.kind === 'inject')) continue;
    const g = got.connections.find((x) => x.client === `${c.addr}:${c.port}` && x.server === server);
    assert.ok(g, `${name}: ${c.name} (${c.addr}:${c.port}) is a connection in the capture`);
    const an = run(['analyze', '-', '--connection', String(g.id)], pcapBytes);
    assert.equal(an.status, 0, an.stderr.toString());
    compareSteps(`${name} ${c.name}`, steps, JSON.parse(an.stdout.toString()).steps, c.spoofed);
  }
}
