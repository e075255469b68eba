// tests/api/login-throttle.test.mjs — the login limits that span addresses and names: a
// per-account limit across client addresses, and a flood of failing sign-ins from one address
// that must not lock everyone else out. Other addresses are 127.0.0.x (Linux routes all of
// 127/8 to lo), used as the client's local address against a server bound to 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

describe('login throttle across addresses', () => {
  let dir, db, srv;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-thr-'));
    db = path.join(dir, 't.db');
    cli(db, ['user', 'add', '--role', 'student', 'dave'], { password: 'dave-secret-1' });
    cli(db, ['user', 'add', '--role', 'student', 'erin'], { password: 'erin-secret-1' });
    srv = await startServer({ db });
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  // POST /api/v1/login from local address `from`; resolves to the status.
  const loginFrom = (from, name, password) => new Promise((resolve, reject) => {
    const body = JSON.stringify({ name, password });
    const req = http.request({
      host: '127.0.0.1', port: srv.port, path: '/api/v1/login', method: 'POST', localAddress: from, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(body);
  });

  test('failures for one account are limited across addresses (and each address is seen as itself)', async () => {
    const statuses = [];
    for (let i = 0; i < 40; i += 1) statuses.push(await loginFrom(`127.0.0.${10 + i}`, 'dave', `wrong-${i}`));
    // 20 failures from 20 addresses: none of them hit the per-address limit of 5
    assert.deepEqual([...new Set(statuses.slice(0, 20))], [401]);
    assert.deepEqual([...new Set(statuses.slice(20))], [429], statuses.join(' '));
    // even the right password, from yet another address, waits out the window
    assert.equal(await loginFrom('127.0.0.99', 'dave', 'dave-secret-1'), 429);
    assert.equal(await loginFrom('127.0.0.99', 'erin', 'erin-secret-1'), 200);
  });

  test('a flood of failing sign-ins from one address does not keep another address out', async () => {
    let firstRefusal;
    const refused = new Promise((resolve) => { firstRefusal = resolve; });
    // 200 at once: over the bucket (60) and the queue share (32), under the server's own
    // per-address connection limit (256), which would refuse the rest before any login code
    const flood = Array.from({ length: 200 }, (_, i) => loginFrom('127.0.0.2', `flood-${i}-${Math.random()}`, 'x')
      .then((s) => { if (s !== 401) firstRefusal(); return s; }));
    await refused; // the flood has hit a limit: before, the hashing queue was full by now
    assert.equal(await loginFrom('127.0.0.1', 'erin', 'erin-secret-1'), 200);
    const statuses = await Promise.all(flood);
    const count = (s) => statuses.filter((x) => x === s).length;
    assert.equal(count(401) + count(429), 200, `only 401 and 429: ${[...new Set(statuses)]}`);
    assert.ok(count(429) > 0);
  });
});
