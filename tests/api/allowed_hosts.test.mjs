// tests/api/allowed_hosts.test.mjs — the Host allow-list against DNS rebinding
// (server/http/request.c): by default IP addresses, localhost, *.localhost and names
// without a dot are served; --allowed-hosts / TCPLAB_ALLOWED_HOSTS lists names and
// *.domain wildcards (or * for any); other Hosts get 421 problem+json; /healthz answers
// any Host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, rawRequest, rawStatus } from './helpers.mjs';

const get = (srv, host, p = '/api/v1/scenarios') => rawRequest(srv.port,
  `GET ${p} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, { timeoutMs: 5000 });

async function expectStatus(srv, host, status, p) {
  const text = await get(srv, host, p);
  assert.equal(rawStatus(text), status, `Host ${host}: ${text.slice(0, 80)}`);
  return text;
}

test('default: addresses, localhost and dotless names are served; a DNS name gets 421', async () => {
  const srv = await startServer();
  try {
    for (const host of [`127.0.0.1:${srv.port}`, '10.0.0.5', `[::1]:${srv.port}`, `localhost:${srv.port}`,
      'LOCALHOST', 'lab.localhost', 'tcplab', 'tcplab:8080'])
      await expectStatus(srv, host, 200);
    for (const host of ['rebound.attacker.example', 'attacker.example:80', 'localhost.attacker.example', '127.0.0.1.nip.io']) {
      const text = await expectStatus(srv, host, 421);
      assert.match(text, /\r\nContent-Type: application\/problem\+json/i);
      assert.match(text, /--allowed-hosts/);
    }
    await expectStatus(srv, 'rebound.attacker.example', 200, '/healthz');
    const old = await rawRequest(srv.port, 'GET /api/v1/scenarios HTTP/1.0\r\n\r\n', { timeoutMs: 5000 });
    assert.equal(rawStatus(old), 200, 'HTTP/1.0 without Host');
  } finally { await srv.stop(); }
});

test('--allowed-hosts: listed names and *.domain are served, nothing else (not even addresses)', async () => {
  const srv = await startServer({ args: ['--allowed-hosts', 'tcplab.example.org, *.school.example'] });
  try {
    for (const host of ['tcplab.example.org', 'TCPLab.Example.ORG.:8080', 'lab.school.example', 'a.b.school.example'])
      await expectStatus(srv, host, 200);
    for (const host of ['school.example', 'evil.example', 'tcplab.example.org.evil.example', `127.0.0.1:${srv.port}`, 'tcplab'])
      await expectStatus(srv, host, 421);
    await expectStatus(srv, 'evil.example', 200, '/healthz');
  } finally { await srv.stop(); }
});

test('TCPLAB_ALLOWED_HOSTS=* serves any Host; with --public-url the list adds to its host', async () => {
  let srv = await startServer({ env: { TCPLAB_ALLOWED_HOSTS: '*' } });
  try {
    await expectStatus(srv, 'anything.example', 200);
  } finally { await srv.stop(); }
  srv = await startServer({ args: ['--public-url', 'https://tcplab.example:8443', '--allowed-hosts', 'lab.internal.example'] });
  try {
    await expectStatus(srv, 'tcplab.example:8443', 200);
    await expectStatus(srv, 'lab.internal.example', 200);
    await expectStatus(srv, 'tcplab.example:9999', 421);
    await expectStatus(srv, `127.0.0.1:${srv.port}`, 421);
  } finally { await srv.stop(); }
});

test('a malformed allowed-hosts entry is refused at start', async () => {
  await assert.rejects(startServer({ args: ['--allowed-hosts', 'ok.example,bad host!'], startTimeoutMs: 60000 }),
    /allowed host "bad host!"/);
});
