// tests/api/lti.test.mjs — TCP Lab as an LTI 1.3 tool, driven by a platform emulator
// (tests/api/lti-platform.mjs): registration from the CLI, the tool's JWKS and configuration,
// login (GET and POST; the cookies behind https) → launch → a signed-in student (and
// instructor) on the linked lesson, key rotation, and one test for every refusal of a launch,
// each asserting the check the refusal page names.
// The server reaches the emulator over plain http://127.0.0.1 only because the test-only
// setting TCPLAB_LTI_INSECURE_HTTP_FOR_TESTS=1 is on; a test checks it is refused without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, serverBin, repoRoot, cookieHeaderFrom, setCookies } from './helpers.mjs';
import { Platform } from './lti-platform.mjs';

const INSECURE = { TCPLAB_LTI_INSECURE_HTTP_FOR_TESTS: '1' };
let platform, server, dir;

function cli(args, env = INSECURE) {
  return spawnSync(serverBin(), args, {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', ...env },
  });
}

function register(clientId, db) {
  const r = cli(['lti', 'platform', 'add', '--issuer', platform.issuer, '--client-id', clientId,
    '--deployment', 'dep-1', '--deployment', 'dep-2', '--auth-url', `${platform.base}/auth`,
    '--token-url', `${platform.base}/token`, '--jwks-url', `${platform.base}/jwks`, '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

before(async () => {
  platform = await new Platform().start();
  platform.clientId = 'client-a';
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-lti-'));
  const db = path.join(dir, 'tcplab.db');
  register('client-a', db);
  register('client-hang', db);
  register('client-garbage', db);
  register('client-huge', db);
  server = await startServer({ db, args: ['--lessons', 'lessons'], env: INSECURE });
});

after(async () => {
  await server?.stop();
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// The browser's part: the platform starts the login, the tool redirects to the platform's
// authorization endpoint, whose form_post page goes back to the launch with the state cookie.
// `claims` and `sign` shape the id_token; `tamper(form, cookie)` may change what is posted.
async function launch({ claims = {}, sign = {}, clientId = 'client-a', tamper } = {}) {
  platform.clientId = clientId;
  platform.nextClaims = { aud: clientId, ...claims };
  platform.nextSign = sign;
  const q = new URLSearchParams({ iss: platform.issuer, login_hint: 'hint-1', client_id: clientId,
    target_link_uri: `${server.base}/lti/launch`, lti_message_hint: 'msg-1' });
  const login = await fetch(`${server.base}/lti/login?${q}`, { redirect: 'manual' });
  assert.equal(login.status, 302, await login.text());
  const to = new URL(login.headers.get('location'));
  assert.equal(to.origin + to.pathname, `${platform.base}/auth`);
  assert.equal(to.searchParams.get('response_mode'), 'form_post');
  assert.equal(to.searchParams.get('client_id'), clientId);
  assert.equal(to.searchParams.get('lti_message_hint'), 'msg-1');
  let cookie = cookieHeaderFrom(login);
  const page = await (await fetch(to)).text();
  const field = (n) => new RegExp(`name="${n}" value="([^"]*)"`).exec(page)[1];
  let form = { id_token: field('id_token'), state: field('state') };
  if (tamper) ({ form, cookie } = tamper(form, cookie));
  const res = await fetch(`${server.base}/lti/launch`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams(form).toString(),
  });
  return { res, form, cookie, body: await res.text() };
}

function refusedWith(r, check) {
  assert.ok(r.res.status === 400 || r.res.status === 502, `status ${r.res.status}: ${r.body.slice(0, 300)}`);
  assert.match(r.res.headers.get('content-type'), /text\/html/);
  const m = /data-lti-check="([a-z_]+)"/.exec(r.body);
  assert.ok(m, r.body.slice(0, 400));
  assert.equal(m[1], check, r.body.match(/<dd>[^<]*<\/dd><\/dl>/)?.[0]);
  assert.ok(!setCookies(r.res).some((c) => c.startsWith('tcplab_session=')), 'no session on refusal');
  assert.match(server.stderr(), new RegExp(`lti: launch refused .*check ${check}:`));
}

async function me(res) {
  const r = await fetch(`${server.base}/api/v1/me`, { headers: { Cookie: cookieHeaderFrom(res) } });
  return r.json();
}

test('plain http platform URLs are refused without the test-only setting', () => {
  const r = cli(['lti', 'platform', 'add', '--issuer', 'http://127.0.0.1:9/x', '--client-id', 'c',
    '--deployment', 'd', '--auth-url', 'http://127.0.0.1:9/a', '--token-url', 'http://127.0.0.1:9/t',
    '--jwks-url', 'http://127.0.0.1:9/j', '--db', path.join(dir, 'other.db')], {});
  assert.equal(r.status, 1);
  assert.match(r.stderr, /issuer is plain http: allowed only with the test setting TCPLAB_LTI_INSECURE_HTTP_FOR_TESTS=1/);
  const r2 = cli(['lti', 'platform', 'add', '--issuer', 'http://lms.example.edu', '--client-id', 'c',
    '--deployment', 'd', '--auth-url', 'https://lms.example.edu/a', '--token-url', 'https://lms.example.edu/t',
    '--jwks-url', 'https://lms.example.edu/j', '--db', path.join(dir, 'other.db')]);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /must be reached over https/);
  assert.match(server.stderr(), /WARNING: TCPLAB_LTI_INSECURE_HTTP_FOR_TESTS=1/);
});

test('platform list from the CLI', () => {
  const r = cli(['lti', 'platform', 'list', '--db', server.dbPath]);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0].slice(1, 4), [platform.issuer, 'client-a', 'dep-1,dep-2']);
});

test('GET /lti/jwks publishes the tool key with a kid; /lti/config and the Canvas JSON', async () => {
  const jwks = await (await fetch(`${server.base}/lti/jwks`)).json();
  assert.equal(jwks.keys.length, 1);
  const k = jwks.keys[0];
  assert.match(k.kid, /^tcplab-[0-9a-f]{16}$/);
  assert.equal(k.kty, 'RSA');
  assert.equal(k.alg, 'RS256');
  assert.equal(k.e, 'AQAB');
  assert.equal(k.d, undefined);
  crypto.createPublicKey({ key: k, format: 'jwk' }); // a usable key
  const cfg = await (await fetch(`${server.base}/lti/config`)).json();
  assert.equal(cfg.oidc_initiation_url, `${server.base}/lti/login`);
  assert.equal(cfg.jwks_uri, `${server.base}/lti/jwks`);
  assert.deepEqual(cfg.redirect_uris, [`${server.base}/lti/launch`]);
  const canvas = await (await fetch(`${server.base}/lti/config/canvas`)).json();
  assert.equal(canvas.public_jwk_url, `${server.base}/lti/jwks`);
  assert.equal(canvas.extensions[0].platform, 'canvas.instructure.com');
  assert.ok(canvas.scopes.includes('https://purl.imsglobal.org/spec/lti-ags/scope/score'));
});

test('a student launch: login → launch → signed in on the lesson', async () => {
  const r = await launch();
  assert.equal(r.res.status, 303, r.body.slice(0, 400));
  assert.equal(r.res.headers.get('location'), '/lessons/three-way-handshake');
  const cookies = setCookies(r.res);
  assert.ok(cookies.some((c) => /^tcplab_session=.*HttpOnly/.test(c)), cookies.join(' | '));
  const who = await me(r.res);
  assert.equal(who.role, 'student');
  assert.match(who.name, /^lti-[0-9a-f]{16}$/);
  const lesson = await fetch(`${server.base}/lessons/three-way-handshake`, { headers: { Cookie: cookieHeaderFrom(r.res) } });
  assert.equal(lesson.status, 200);
  // the same LTI user launching again is the same account
  const again = await launch();
  assert.equal(again.res.status, 303);
  assert.equal((await me(again.res)).name, who.name);
});

test('an instructor launch (TeachingAssistant) becomes an instructor; context is the section', async () => {
  const r = await launch({ claims: {
    sub: 'ta-7',
    'https://purl.imsglobal.org/spec/lti/claim/roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'],
  } });
  assert.equal(r.res.status, 303, r.body.slice(0, 400));
  assert.equal((await me(r.res)).role, 'instructor');
  // the student of the first test sits in section NET101
  const roster = await fetch(`${server.base}/api/v1/roster?section=NET101`, { headers: { Cookie: cookieHeaderFrom(r.res) } });
  assert.equal(roster.status, 200);
  const body = await roster.json();
  const list = body.students || body;
  assert.ok(list.some((s) => s.section === 'NET101'), JSON.stringify(body).slice(0, 300));
});

test('a link to a lesson TCP Lab does not have is refused (resource)', async () => {
  refusedWith(await launch({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/custom': { resource: 'lesson:no-such-lesson' } } }), 'resource');
});

test('refused: bad signature (signed by another key under the platform kid)', async () => {
  const other = platform.newKey('platform-key-1');
  refusedWith(await launch({ sign: { key: other } }), 'signature');
});

test('refused: alg none', async () => {
  refusedWith(await launch({ sign: { alg: 'none' } }), 'alg');
});

test('refused: HS256 keyed with the platform public key', async () => {
  const pem = platform.keys[0].publicKey.export({ type: 'spki', format: 'pem' });
  refusedWith(await launch({ sign: { alg: 'HS256', hmacSecret: pem } }), 'alg');
  const jwk = JSON.stringify(platform.jwks().keys[0]);
  refusedWith(await launch({ sign: { alg: 'HS256', hmacSecret: jwk } }), 'alg');
});

test('refused: wrong aud', async () => {
  refusedWith(await launch({ claims: { aud: 'someone-else' } }), 'aud');
});

test('refused: expired token', async () => {
  const now = Math.floor(Date.now() / 1000);
  refusedWith(await launch({ claims: { iat: now - 4000, exp: now - 3600 } }), 'exp');
});

test('refused: replayed nonce (the same launch posted twice)', async () => {
  const first = await launch();
  assert.equal(first.res.status, 303);
  const res = await fetch(`${server.base}/lti/launch`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: first.cookie },
    body: new URLSearchParams(first.form).toString(),
  });
  refusedWith({ res, body: await res.text() }, 'nonce');
});

test('refused: a nonce other than the one sent with the login', async () => {
  refusedWith(await launch({ claims: { nonce: 'made-up' } }), 'nonce');
});

test('refused: unknown deployment', async () => {
  refusedWith(await launch({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'dep-9' } }), 'deployment_id');
});

test('refused: mismatched state (another state cookie, or none)', async () => {
  refusedWith(await launch({ tamper: (form, cookie) => ({ form, cookie: cookie.replace(/tcplab_lti_state=[^;]*/, 'tcplab_lti_state=tl_not-this-one') }) }), 'state');
  refusedWith(await launch({ tamper: (form) => ({ form, cookie: '' }) }), 'state');
});

test('refused: wrong version and message type', async () => {
  refusedWith(await launch({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/version': '1.1' } }), 'version');
  refusedWith(await launch({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/message_type': 'Other' } }), 'message_type');
});

test('unknown kid: the tool fetches the JWKS again, then accepts a rotated key or refuses', async () => {
  // a new platform key the tool has not seen: one refetch finds it
  const before = platform.jwksFetches;
  platform.keys.push(platform.newKey('platform-key-2'));
  const ok = await launch({ sign: { key: platform.keys[1] } });
  assert.equal(ok.res.status, 303, ok.body.slice(0, 300));
  assert.equal(platform.jwksFetches, before + 1);
  // a kid the platform does not publish: refetched once, then refused
  const stray = platform.newKey('platform-key-stray');
  const r = await launch({ sign: { key: stray } });
  refusedWith(r, 'kid');
  assert.equal(platform.jwksFetches, before + 2);
});

test('refused: a JWKS endpoint that hangs (time limit), answers garbage or too much (size limit)', async () => {
  platform.jwksMode = 'hang';
  try {
    refusedWith(await launch({ clientId: 'client-hang' }), 'jwks');
    assert.match(server.stderr(), /check jwks: fetching .*no answer within 5000 ms/);
    platform.jwksMode = 'garbage';
    refusedWith(await launch({ clientId: 'client-garbage' }), 'jwks');
    assert.match(server.stderr(), /did not answer a JWK Set/);
    // a key set larger than the limit is not read, however valid
    platform.jwksMode = 'huge';
    refusedWith(await launch({ clientId: 'client-huge' }), 'jwks');
    assert.match(server.stderr(), /check jwks: fetching .*the answer is larger than 262144 bytes/);
  } finally {
    platform.jwksMode = 'ok';
  }
});

test('the refusal page speaks Chinese to a Chinese browser', async () => {
  platform.nextClaims = { aud: 'client-a' };
  const res = await fetch(`${server.base}/lti/launch`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': 'zh-CN,zh;q=0.9' },
    body: 'id_token=x.y.z&state=s',
  });
  const body = await res.text();
  assert.equal(res.status, 400);
  assert.match(body, /无法从课程平台打开 TCP 实验室/);
  assert.match(body, /data-lti-check="state"/);
});

test('admin API: list, add (validated), remove platforms', async () => {
  const db = server.dbPath;
  execFileSync(serverBin(), ['user', 'add', '--role', 'admin', 'root'], { cwd: repoRoot, env: { ...process.env, TCPLAB_PASSWORD: 'correct horse battery', ASAN_OPTIONS: 'detect_leaks=0', TCPLAB_DB: db } });
  const login = await fetch(`${server.base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'root', password: 'correct horse battery' }) });
  assert.equal(login.status, 200);
  const { csrf_token: csrf } = await login.json();
  const h = { Cookie: cookieHeaderFrom(login), 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
  const list = await (await fetch(`${server.base}/api/v1/lti/platforms`, { headers: h })).json();
  assert.equal(list.platforms.length, 4);
  const bad = await fetch(`${server.base}/api/v1/lti/platforms`, { method: 'POST', headers: h, body: JSON.stringify({ issuer: 'ftp://x', client_id: 'c', deployment_ids: ['d'], auth_url: 'https://a', token_url: 'https://t', jwks_url: 'https://j' }) });
  assert.equal(bad.status, 422);
  assert.match((await bad.json()).detail, /issuer is not an https:\/\/ URL/);
  const add = await fetch(`${server.base}/api/v1/lti/platforms`, { method: 'POST', headers: h, body: JSON.stringify({ issuer: 'https://canvas.example.edu', client_id: '10000000000001', deployment_ids: ['1:abc'], auth_url: 'https://canvas.example.edu/api/lti/authorize_redirect', token_url: 'https://canvas.example.edu/login/oauth2/token', jwks_url: 'https://canvas.example.edu/api/lti/security/jwks' }) });
  assert.equal(add.status, 201);
  const p = await add.json();
  assert.deepEqual(p.deployment_ids, ['1:abc']);
  const dup = await fetch(`${server.base}/api/v1/lti/platforms`, { method: 'POST', headers: h, body: JSON.stringify({ ...p, id: undefined }) });
  assert.equal(dup.status, 409);
  assert.equal((await fetch(`${server.base}/api/v1/lti/platforms/${p.id}`, { method: 'DELETE', headers: h })).status, 204);
  assert.equal((await fetch(`${server.base}/api/v1/lti/platforms/${p.id}`, { method: 'DELETE', headers: h })).status, 404);
  assert.equal((await fetch(`${server.base}/api/v1/lti/platforms`)).status, 401);
});

test('TCPLAB_FRAME_ANCESTORS lets the LMS frame the pages and receive forms; default none', async () => {
  const page = await fetch(`${server.base}/lessons`);
  assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'; form-action 'self'$/);
  const framed = await startServer({ env: { TCPLAB_FRAME_ANCESTORS: 'https://canvas.example.edu, https://moodle.example.edu:8443' } });
  try {
    const r = await fetch(`${framed.base}/`);
    assert.match(r.headers.get('content-security-policy'),
      /frame-ancestors 'self' https:\/\/canvas\.example\.edu https:\/\/moodle\.example\.edu:8443; form-action 'self' https:\/\/canvas\.example\.edu https:\/\/moodle\.example\.edu:8443$/);
  } finally { await framed.stop(); }
  const bad = spawnSync(serverBin(), ['serve', '--port', '0', '--db', path.join(dir, 'bad.db')], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', TCPLAB_FRAME_ANCESTORS: "https://x.example/path 'unsafe-inline'" },
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /frame ancestors: "https:\/\/x\.example\/path" is not an origin/);
});

test('Deep Linking 2.0: an instructor picks lessons; the tool answers a signed LtiDeepLinkingResponse', async () => {
  const r = await launch({ claims: {
    sub: 'teacher-dl',
    'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingRequest',
    'https://purl.imsglobal.org/spec/lti/claim/roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'],
    'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': {
      deep_link_return_url: `${platform.base}/dl-return`, accept_types: ['ltiResourceLink'], data: 'opaque-1',
    },
  } });
  assert.equal(r.res.status, 200, r.body.slice(0, 300));
  assert.match(r.body, /name="lesson" value="three-way-handshake"/);
  const context = /name="context" value="([^"]+)"/.exec(r.body)[1];
  // a student's deep-linking launch is refused
  refusedWith(await launch({ claims: { 'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingRequest',
    'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': { deep_link_return_url: `${platform.base}/dl-return` } } }), 'roles');
  const pick = await fetch(`${server.base}/lti/deep-link`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `context=${encodeURIComponent(context)}&lesson=three-way-handshake&lesson=reset&lesson=no-such`,
  });
  const page = await pick.text();
  assert.equal(pick.status, 200, page.slice(0, 300));
  assert.match(page, new RegExp(`<form method="post" action="${platform.base}/dl-return">`));
  const jwt = /name="JWT" value="([^"]+)"/.exec(page)[1];
  const [h64, p64, s64] = jwt.split('.');
  const hdr = JSON.parse(Buffer.from(h64, 'base64url'));
  const claims = JSON.parse(Buffer.from(p64, 'base64url'));
  const jwks = await (await fetch(`${server.base}/lti/jwks`)).json();
  const jwk = jwks.keys.find((k) => k.kid === hdr.kid);
  assert.ok(crypto.verify('sha256', Buffer.from(`${h64}.${p64}`), crypto.createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s64, 'base64url')));
  assert.equal(hdr.alg, 'RS256');
  assert.equal(claims.iss, 'client-a');
  assert.equal(claims.aud, platform.issuer);
  assert.equal(claims['https://purl.imsglobal.org/spec/lti/claim/message_type'], 'LtiDeepLinkingResponse');
  assert.equal(claims['https://purl.imsglobal.org/spec/lti/claim/version'], '1.3.0');
  assert.equal(claims['https://purl.imsglobal.org/spec/lti/claim/deployment_id'], 'dep-1');
  assert.equal(claims['https://purl.imsglobal.org/spec/lti-dl/claim/data'], 'opaque-1');
  const items = claims['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'];
  assert.equal(items.length, 2);
  assert.deepEqual(items.map((i) => i.custom.resource), ['lesson:three-way-handshake', 'lesson:reset']);
  assert.equal(items[0].type, 'ltiResourceLink');
  assert.equal(items[0].url, `${server.base}/lti/launch`);
  assert.equal(items[0].lineItem.scoreMaximum, 6);
  assert.equal(items[0].lineItem.resourceId, 'lesson:three-way-handshake');
  // a launch of such an item (custom resource) opens the lesson
  const opened = await launch({ claims: { sub: 'student-dl', 'https://purl.imsglobal.org/spec/lti/claim/custom': { resource: 'lesson:reset' } } });
  assert.equal(opened.res.headers.get('location'), '/lessons/reset');
  // a forged context is refused
  const forged = await fetch(`${server.base}/lti/deep-link`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `context=${encodeURIComponent(platform.idToken())}&lesson=reset`,
  });
  assert.equal(forged.status, 400);
  assert.match(await forged.text(), /data-lti-check="signature"/);
});

test('POST /lti/login (a form body) starts the login too; behind https the cookies are SameSite=None; Secure', async () => {
  platform.clientId = 'client-a';
  platform.nextClaims = { aud: 'client-a', sub: 'post-login-1' };
  platform.nextSign = {};
  const https = { 'X-Forwarded-Proto': 'https' };
  const form = new URLSearchParams({ iss: platform.issuer, login_hint: 'hint-2', client_id: 'client-a',
    target_link_uri: `${server.base}/lti/launch`, lti_message_hint: 'msg-2' });
  const login = await fetch(`${server.base}/lti/login`, {
    method: 'POST', redirect: 'manual', body: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...https },
  });
  assert.equal(login.status, 302, await login.text());
  const to = new URL(login.headers.get('location'));
  assert.equal(to.origin + to.pathname, `${platform.base}/auth`);
  assert.equal(to.searchParams.get('login_hint'), 'hint-2');
  assert.equal(to.searchParams.get('lti_message_hint'), 'msg-2');
  assert.ok(to.searchParams.get('state') && to.searchParams.get('nonce'));
  const state = setCookies(login).find((c) => c.startsWith('tcplab_lti_state='));
  assert.match(state, /; HttpOnly; SameSite=None; Secure/);
  const page = await (await fetch(to)).text();
  const field = (n) => new RegExp(`name="${n}" value="([^"]*)"`).exec(page)[1];
  const res = await fetch(`${server.base}/lti/launch`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieHeaderFrom(login), ...https },
    body: new URLSearchParams({ id_token: field('id_token'), state: field('state') }).toString(),
  });
  assert.equal(res.status, 303, (await res.text()).slice(0, 300));
  const session = setCookies(res).find((c) => c.startsWith('tcplab_session='));
  assert.match(session, /SameSite=None; Secure/);
  // over plain HTTP the state cookie is SameSite=Lax (a cross-site launch would lose it)
  const plain = await fetch(`${server.base}/lti/login`, {
    method: 'POST', redirect: 'manual', body: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(plain.status, 302);
  const lax = setCookies(plain).find((c) => c.startsWith('tcplab_lti_state='));
  assert.match(lax, /SameSite=Lax/);
  assert.doesNotMatch(lax, /Secure/);
});

test('tcplab lti key rotate: the new key is published beside the old one in /lti/jwks', async () => {
  const before = (await (await fetch(`${server.base}/lti/jwks`)).json()).keys.map((k) => k.kid);
  assert.equal(before.length, 1);
  const r = cli(['lti', 'key', 'rotate', '--db', path.join(dir, 'tcplab.db')]);
  assert.equal(r.status, 0, r.stderr);
  const kid = r.stdout.trim().split(/\s+/).pop();
  const after = (await (await fetch(`${server.base}/lti/jwks`)).json()).keys.map((k) => k.kid);
  assert.equal(after.length, 2, JSON.stringify(after));
  assert.ok(after.includes(before[0]), 'the old key is still published');
  assert.ok(after.includes(kid), `the new key ${kid} is published: ${after}`);
});
