// tests/api/lti-platform.mjs — an LTI 1.3 platform emulator for the tests: its own RSA keys
// (node:crypto), an OIDC authorization endpoint answering with the form_post page a real
// platform sends, a JWKS endpoint (which can be made to hang, answer garbage or answer a key
// set larger than the tool reads), an OAuth 2 token endpoint and an AGS score endpoint that
// record what they receive.
// It signs id_tokens with whatever the test asks (another key, alg none, HS256, wrong aud,
// expired, unknown deployment), so each refusal of the tool can be provoked.
import http from 'node:http';
import crypto from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export class Platform {
  constructor() {
    this.keys = [this.newKey('platform-key-1')];
    this.jwksMode = 'ok'; // 'ok' | 'hang' | 'garbage' | 'huge'
    this.jwksFetches = 0;
    this.scores = [];
    this.tokenRequests = 0;
    this.scoreStatus = 200;
    this.hanging = [];
  }

  newKey(kid) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { kid, privateKey, publicKey };
  }

  async start() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${this.server.address().port}`;
    this.issuer = `${this.base}/platform`;
    return this;
  }

  async stop() {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections?.();
    await new Promise((r) => this.server.close(r));
  }

  jwks() {
    return { keys: this.keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: 'RS256', use: 'sig' })) };
  }

  handle(req, res) {
    const url = new URL(req.url, this.base);
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (url.pathname === '/jwks') {
        this.jwksFetches++;
        if (this.jwksMode === 'hang') { this.hanging.push(res.socket); return; }
        res.setHeader('Content-Type', 'application/json');
        if (this.jwksMode === 'huge') {
          // the real key set, padded past 256 KiB with a member nobody reads
          res.end(JSON.stringify({ ...this.jwks(), padding: 'x'.repeat(300 * 1024) }));
          return;
        }
        res.end(this.jwksMode === 'garbage' ? '<html>not a key set' : JSON.stringify(this.jwks()));
        return;
      }
      if (url.pathname === '/auth') {
        // OIDC authorization: answer with the auto-submitting form_post page.
        const q = Object.fromEntries(url.searchParams);
        this.lastAuth = q;
        const token = this.idToken({ nonce: q.nonce, ...(this.nextClaims || {}) }, this.nextSign || {});
        res.setHeader('Content-Type', 'text/html');
        res.end(`<form method="post" action="${q.redirect_uri}">` +
          `<input type="hidden" name="id_token" value="${token}">` +
          `<input type="hidden" name="state" value="${q.state}"></form>`);
        return;
      }
      if (url.pathname === '/token') {
        this.tokenRequests++;
        this.lastTokenRequest = Object.fromEntries(new URLSearchParams(body));
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ access_token: `at-${this.tokenRequests}`, token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      if (url.pathname.startsWith('/lineitems/')) {
        this.scores.push({ path: url.pathname, auth: req.headers.authorization, type: req.headers['content-type'], body });
        res.statusCode = this.scoreStatus;
        res.end();
        return;
      }
      res.statusCode = 404;
      res.end();
    });
  }

  // The claims of a launch; `over` replaces or adds members (undefined deletes).
  claims(over = {}) {
    const now = Math.floor(Date.now() / 1000);
    const c = {
      iss: this.issuer,
      aud: this.clientId,
      sub: 'student-1',
      iat: now,
      exp: now + 300,
      nonce: 'set-by-auth',
      name: 'Ada Lovelace',
      email: 'ada@example.edu',
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
      'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'dep-1',
      'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': 'https://tool.example/lessons/three-way-handshake',
      'https://purl.imsglobal.org/spec/lti/claim/roles': ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
      'https://purl.imsglobal.org/spec/lti/claim/context': { id: 'ctx-1', label: 'NET101', title: 'Networks' },
      'https://purl.imsglobal.org/spec/lti/claim/resource_link': { id: 'rl-1', title: 'The handshake' },
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
        scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'],
        lineitem: `${this.base}/lineitems/1`,
      },
    };
    for (const [k, v] of Object.entries(over)) {
      if (v === undefined) delete c[k]; else c[k] = v;
    }
    return c;
  }

  // A signed id_token. sign: {alg, key (a key object of this.keys or newKey), kid, hmacSecret}
  idToken(over = {}, sign = {}) {
    const alg = sign.alg || 'RS256';
    const key = sign.key || this.keys[0];
    const header = { alg, typ: 'JWT' };
    if (alg !== 'none') header.kid = sign.kid ?? key.kid;
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(this.claims(over)))}`;
    let sig = '';
    if (alg === 'RS256') sig = b64url(crypto.sign('sha256', Buffer.from(input), key.privateKey));
    else if (alg === 'HS256') sig = b64url(crypto.createHmac('sha256', sign.hmacSecret).update(input).digest());
    return `${input}.${sig}`;
  }
}

// The browser's part of a launch: the platform starts the login at the tool, the tool sends
// the browser to the platform's authorization endpoint, whose form_post page goes back to the
// tool's launch with the state cookie. Returns the launch's response and what was posted.
export async function browserLaunch(toolBase, platform, { claims = {}, sign = {}, clientId = platform.clientId, tamper } = {}) {
  platform.clientId = clientId;
  platform.nextClaims = { aud: clientId, ...claims };
  platform.nextSign = sign;
  const q = new URLSearchParams({ iss: platform.issuer, login_hint: 'hint-1', client_id: clientId,
    target_link_uri: `${toolBase}/lti/launch`, lti_message_hint: 'msg-1' });
  const login = await fetch(`${toolBase}/lti/login?${q}`, { redirect: 'manual' });
  const to = new URL(login.headers.get('location'));
  const setCookie = typeof login.headers.getSetCookie === 'function' ? login.headers.getSetCookie() : [login.headers.get('set-cookie')];
  let cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  const page = await (await fetch(to)).text();
  const field = (n) => new RegExp(`name="${n}" value="([^"]*)"`).exec(page)[1];
  let form = { id_token: field('id_token'), state: field('state') };
  if (tamper) ({ form, cookie } = tamper(form, cookie));
  const res = await fetch(`${toolBase}/lti/launch`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams(form).toString(),
  });
  return { login, to, res, form, cookie, body: await res.text() };
}
