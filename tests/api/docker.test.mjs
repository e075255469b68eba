// tests/api/docker.test.mjs — docker/Dockerfile stays in step with tools/deps.sh (no Docker
// engine here, so the file is checked statically): the build stage installs exactly
// `tools/deps.sh list-build`; the runtime stage runs as non-root, keeps the DB on /data,
// listens on 0.0.0.0:8080 and has a HEALTHCHECK on /healthz; compose uses a volume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers.mjs';

const dockerfile = readFileSync(path.join(repoRoot, 'docker', 'Dockerfile'), 'utf8');
// Join continuation lines, drop comments.
const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((l) => !/^\s*#/.test(l));
const stages = [];
for (const l of lines) {
  if (/^FROM\s/i.test(l)) stages.push([]);
  if (stages.length) stages[stages.length - 1].push(l);
}

function aptPackages(stageLines) {
  const pkgs = [];
  for (const l of stageLines) {
    for (const m of l.matchAll(/apt-get install([^&;|]*)/g)) {
      for (const tok of m[1].trim().split(/\s+/)) if (tok && !tok.startsWith('-')) pkgs.push(tok);
    }
  }
  return pkgs.sort();
}

test('Dockerfile build stage installs exactly tools/deps.sh list-build', () => {
  const want = execFileSync(path.join(repoRoot, 'tools', 'deps.sh'), ['list-build'], { encoding: 'utf8' })
    .split('\n').filter(Boolean).sort();
  assert.ok(stages.length >= 2, 'multi-stage');
  assert.match(stages[0][0], /^FROM debian:12-slim\b/);
  assert.deepEqual(aptPackages(stages[0]), want);
});

test('Dockerfile runtime stage: non-root, /data volume, 0.0.0.0:8080, HEALTHCHECK /healthz', () => {
  const rt = stages[stages.length - 1].join('\n');
  assert.match(rt, /^FROM debian:12-slim\b/m);
  assert.match(rt, /^USER (?!root\b|0\b)\S+/m);
  assert.match(rt, /^VOLUME .*\/data/m);
  assert.match(rt, /^EXPOSE 8080$/m);
  assert.match(rt, /TCPLAB_BIND=0\.0\.0\.0/);
  assert.match(rt, /TCPLAB_DB=\/data\//);
  assert.match(rt, /^HEALTHCHECK .*\/healthz/m);
  // every runtime library of the build packages is present
  for (const lib of ['libmicrohttpd12', 'libjansson4', 'libsqlite3-0', 'libmd4c0', 'libmd4c-html0', 'libyaml-0-2', 'libsodium23']) {
    assert.ok(aptPackages(stages[stages.length - 1]).includes(lib), lib);
  }
});

test('compose.yaml builds from the Dockerfile and keeps the DB on a volume', () => {
  const compose = readFileSync(path.join(repoRoot, 'docker', 'compose.yaml'), 'utf8');
  assert.match(compose, /dockerfile: docker\/Dockerfile/);
  assert.match(compose, /- tcplab-data:\/data/);
  assert.match(compose, /healthz/);
});
