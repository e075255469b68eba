// tests/api/lti-ags.test.mjs — LTI grade passback (AGS) through the durable outbox: a student
// launched from the platform emulator answers a quiz question of the linked lesson; the score
// is posted to the line item with a token from the client-credentials grant (a JWT assertion
// signed by the tool's key). The platform first answers 500: the entry stays pending (visible
// to admins with the platform's answer); TCP Lab is then killed with SIGKILL, started again on
// the same database, the platform answers 200, and the entry — retried by hand — is posted
// and done. A better answer then posts the newer score in the same entry with the cached
// access token. The outbox and its retry are for admins: an unknown entry or a student's
// request is answered with a problem.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, serverBin, repoRoot, cookieHeaderFrom } from './helpers.mjs';
import { Platform, browserLaunch } from './lti-platform.mjs';

const ENV = { TCPLAB_LTI_INSECURE_HTTP_FOR_TESTS: '1' };
let platform, dir, db;

function cli(args, env = {}) {
  const r = spawnSync(serverBin(), args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...ENV, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`waited in vain for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function adminHeaders(base) {
  const r = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'root', password: 'correct horse battery' }) });
  assert.equal(r.status, 200);
  const { csrf_token: csrf } = await r.json();
  return { Cookie: cookieHeaderFrom(r), 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
}

async function outbox(base, h) {
  const r = await fetch(`${base}/api/v1/lti/outbox`, { headers: h });
  assert.equal(r.status, 200);
  return (await r.json()).entries;
}

before(async () => {
  platform = await new Platform().start();
  platform.clientId = 'client-ags';
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-lti-ags-'));
  db = path.join(dir, 'tcplab.db');
  cli(['lti', 'platform', 'add', '--issuer', platform.issuer, '--client-id', 'client-ags', '--deployment', 'dep-1',
    '--auth-url', `${platform.base}/auth`, '--token-url', `${platform.base}/token`, '--jwks-url', `${platform.base}/jwks`, '--db', db]);
  cli(['user', 'add', '--role', 'admin', 'root'], { TCPLAB_PASSWORD: 'correct horse battery', TCPLAB_DB: db });
});

after(async () => {
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a graded answer reaches the platform: 500, kill -9, restart, retry, 200; a newer score with the cached token', async () => {
  let server = await startServer({ db, args: ['--lessons', 'lessons'], env: ENV });
  try {
    platform.scoreStatus = 500;
    const l = await browserLaunch(server.base, platform, { claims: { sub: 'ags-student-1' } });
    assert.equal(l.res.status, 303, l.body.slice(0, 300));
    const csrf = /tcplab_csrf=([^;]+)/.exec(cookieHeaderFrom(l.res))[1];
    const r = await fetch(`${server.base}/api/v1/variants/v0-three-way-handshake.q1/submissions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookieHeaderFrom(l.res), 'X-CSRF-Token': csrf },
      body: JSON.stringify({ choice: 1 }),
    });
    assert.equal(r.status, 200, await r.text());
    await until('the first post', () => platform.scores.length >= 1);
    const first = platform.scores[0];
    assert.equal(first.path, '/lineitems/1/scores');
    assert.equal(first.type, 'application/vnd.ims.lis.v1.score+json');
    assert.equal(first.auth, 'Bearer at-1');
    const score = JSON.parse(first.body);
    assert.equal(score.userId, 'ags-student-1');
    assert.equal(score.scoreGiven, 1);
    assert.equal(score.scoreMaximum, 6);
    assert.equal(score.gradingProgress, 'FullyGraded');
    assert.equal(score.activityProgress, 'InProgress');
    assert.match(score.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // the token request: client credentials with a JWT assertion the tool's JWKS verifies
    const t = platform.lastTokenRequest;
    assert.equal(t.grant_type, 'client_credentials');
    assert.equal(t.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(t.scope, 'https://purl.imsglobal.org/spec/lti-ags/scope/score');
    const [h64, p64, s64] = t.client_assertion.split('.');
    const hdr = JSON.parse(Buffer.from(h64, 'base64url'));
    const claims = JSON.parse(Buffer.from(p64, 'base64url'));
    assert.equal(hdr.alg, 'RS256');
    assert.equal(claims.iss, 'client-ags');
    assert.equal(claims.aud, `${platform.base}/token`);
    const jwks = await (await fetch(`${server.base}/lti/jwks`)).json();
    const jwk = jwks.keys.find((k) => k.kid === hdr.kid);
    assert.ok(crypto.verify('sha256', Buffer.from(`${h64}.${p64}`), crypto.createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s64, 'base64url')));
    // visible to the admin: pending, the platform's 500, one attempt
    const h = await adminHeaders(server.base);
    const e = await until('the entry settled after the 500', async () => (await outbox(server.base, h)).find((x) => x.last_status === 500));
    assert.equal(e.state, 'pending');
    assert.equal(e.attempts, 1);
    assert.ok(e.next_at > Math.floor(Date.now() / 1000) + 10, 'backoff');
    // kill -9; the outbox is in the database
    server.proc.kill('SIGKILL');
    await new Promise((res) => server.proc.once('exit', res));
    platform.scoreStatus = 200;
    server = await startServer({ db, args: ['--lessons', 'lessons'], env: ENV });
    const h2 = await adminHeaders(server.base);
    const [again] = await outbox(server.base, h2);
    assert.equal(again.id, e.id);
    assert.equal(again.state, 'pending');
    const retry = await fetch(`${server.base}/api/v1/lti/outbox/${e.id}/retry`, { method: 'POST', headers: h2 });
    assert.equal(retry.status, 202);
    const done = await until('the entry done', async () => (await outbox(server.base, h2)).find((x) => x.id === e.id && x.state === 'done'));
    assert.equal(done.last_status, 200);
    assert.equal(platform.scores.length, 2, 'posted once more, not twice');
    assert.deepEqual(JSON.parse(platform.scores[1].body), score, 'the same score, unchanged');
    // an entry that is not there, and a student, get a problem, not the outbox
    const none = await fetch(`${server.base}/api/v1/lti/outbox/999999/retry`, { method: 'POST', headers: h2 });
    assert.equal(none.status, 404);
    assert.match(none.headers.get('content-type'), /^application\/problem\+json/);
    const student = await fetch(`${server.base}/api/v1/lti/outbox`, { headers: { Cookie: cookieHeaderFrom(l.res) } });
    assert.equal(student.status, 403);
    assert.match(student.headers.get('content-type'), /^application\/problem\+json/);
    // a better score later: the newer score is posted with the cached access token
    const tokens = platform.tokenRequests;
    const r2 = await fetch(`${server.base}/api/v1/variants/v0-three-way-handshake.q6/submissions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookieHeaderFrom(l.res), 'X-CSRF-Token': csrf },
      body: JSON.stringify({ choice: 1 }),
    });
    assert.equal(r2.status, 200, await r2.text());
    await until('the newer score', () => platform.scores.length >= 3);
    const newer = JSON.parse(platform.scores[2].body);
    assert.equal(newer.scoreGiven, 2);
    assert.ok(newer.timestamp > score.timestamp, `${newer.timestamp} after ${score.timestamp}`);
    assert.equal(platform.scores[2].auth, platform.scores[1].auth, 'the same access token');
    assert.equal(platform.tokenRequests, tokens, 'no new token request');
    const all = await outbox(server.base, h2);
    assert.equal(all.length, 1, 'one entry per line item and user');
    await until('the entry done again', async () => (await outbox(server.base, h2))[0].state === 'done');
  } finally {
    if (server.proc.exitCode === null && server.proc.signalCode === null) await server.stop();
  }
});
