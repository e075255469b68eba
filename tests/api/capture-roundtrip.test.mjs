// capture-roundtrip.test.mjs — round trip: every built-in's trace exported as a pcap
// (`tcplab simulate --scenario NAME --format pcap`, the export of issue #14) and analysed
// again (`tcplab analyze -`) gives back, segment by segment, the sender of every segment with
// its flags and sequence number and the sender's state after it, and, for every segment the
// simulated network delivered, the receiver's state after it.
// What a capture cannot carry is listed below with its reason and only checked to analyse
// (a capture on the sender's side shows a dropped ACK as sent; a crash and an injected
// segment leave nothing on the wire but their effects; two SYN,ACKs or an ACK crossing on
// the wire carry nothing that tells which left first).
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
    const sent = trace.steps.filter((s) => s.kind === 'send');
    const gotSent = got.steps.filter((s) => s.kind === 'send');
    assert.equal(gotSent.length, sent.length, `${name}: one packet per segment sent`);
    sent.forEach((s, i) => {
      const g = gotSent[i];
      const what = `${name}: segment ${i + 1}`;
      assert.equal(g.endpoint, s.endpoint, what);
      assert.deepEqual(g.segment.flags, s.segment.flags, what);
      assert.equal(g.segment.seq, s.segment.seq, what);
      assert.equal(g.state_after, s.state_after, `${what}: the sender's state`);
    });
    const key = (s) => `${s.endpoint} ${s.segment.seq} ${s.segment.ack} ${s.segment.flags}`;
    const received = new Map();
    for (const s of got.steps.filter((x) => x.kind === 'receive')) {
      if (!received.has(key(s))) received.set(key(s), []);
      received.get(key(s)).push(s.state_after);
    }
    for (const s of trace.steps.filter((x) => x.kind === 'receive')) {
      const states = received.get(key(s)) || [];
      assert.ok(states.length, `${name}: ${key(s)} received`);
      assert.equal(states.shift(), s.state_after, `${name}: receiver's state after ${key(s)}`);
    }
  });
}
