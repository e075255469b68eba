// lessons-sync.test.mjs — `tcplab serve --lessons-sync` over several starts of one database:
// a changed lesson file becomes a new revision by "files" at the next start; a browser edit
// of a lesson whose file did not change is kept ("database is newer"); where both changed the
// start logs the refusal with what to do, imports nothing and serves on; a file that does not
// parse is refused with FILE:LINE. GET /api/v1/lessons/{slug} says which copy is the source
// (`source.state`), and /editor carries the line that shows it, in both languages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startServer } from './helpers.mjs';
import { roleTokens } from './accounts-cli.mjs';

let dir;
let course;
let db;
let tok;

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-lessons-sync-'));
  course = path.join(dir, 'course');
  db = path.join(dir, 't.db');
  cpSync(path.join(repoRoot, 'lessons'), course, { recursive: true });
  tok = roleTokens(db);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const start = (sync = true) => startServer({ db, args: ['--lessons', course, ...(sync ? ['--lessons-sync'] : [])] });
const auth = () => ({ authorization: `Bearer ${tok.instructor}` });

async function lesson(srv, slug) {
  const r = await fetch(`${srv.base}/api/v1/lessons/${slug}?locale=en`, { headers: auth() });
  assert.equal(r.status, 200);
  return r.json();
}

function editFile(name, from, to) {
  const p = path.join(course, name);
  const before = readFileSync(p, 'utf8');
  assert.ok(before.includes(from), `${name} contains ${from}`);
  writeFileSync(p, before.replace(from, to));
}

test('first start imports the files; the source line says database = file', async () => {
  const srv = await start();
  try {
    const l = await lesson(srv, 'reset');
    assert.equal(l.source.of_truth, 'database');
    assert.equal(l.source.state, 'same');
    assert.equal(l.source.file, `${course}/reset.md`);
    assert.equal(typeof l.source.synced_at, 'number');
    assert.equal(l.source.synced_revision, l.revision);
    assert.equal(l.author, 'import');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('a changed file becomes a new revision by "files" at the next start', async () => {
  editFile('reset.md', '# Reset: refused', '# Reset — refused');
  const srv = await start();
  try {
    assert.match(srv.stderr(), /lessons sync: changed reset\.md \(by files\)/);
    assert.match(srv.stderr(), /lessons sync: imported 1 file from .* as new revisions/);
    const l = await lesson(srv, 'reset');
    assert.match(l.text, /# Reset — refused/);
    assert.equal(l.author, 'files');
    assert.equal(l.source.state, 'same');
    const page = await (await fetch(`${srv.base}/lessons/reset?lang=en`)).text();
    assert.match(page, /Reset — refused/, 'the served lesson is the imported one');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('a browser edit is kept when its file did not change ("database is newer")', async () => {
  let srv = await start();
  try {
    const l = await lesson(srv, 'reset');
    const text = l.text.replace('FIN ends a connection politely', 'FIN closes a connection politely');
    const put = await fetch(`${srv.base}/api/v1/lessons/reset?locale=en`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json', 'if-match': l.etag },
      body: JSON.stringify({ text }),
    });
    assert.equal(put.status, 200, await put.text());
    assert.equal((await lesson(srv, 'reset')).source.state, 'database-newer');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
  srv = await start();
  try {
    assert.match(srv.stderr(), /kept reset\.md: the database is newer \(r\d+ by token:\d+\)/);
    const l = await lesson(srv, 'reset');
    assert.match(l.text, /FIN closes a connection politely/);
    assert.equal(l.source.state, 'database-newer');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('both changed: the start logs the refusal, imports nothing and serves on', async () => {
  editFile('reset.md', '# Reset — refused', '# Reset, refused');
  editFile('time-wait.md', '\n# ', '\n# (file edit) ');
  const srv = await start();
  try {
    const err = srv.stderr();
    assert.match(err, /lessons sync: REFUSED, nothing imported from/);
    assert.match(err, /reset\.md: the database has an edit the file does not have/);
    assert.match(err, /--force/);
    const l = await lesson(srv, 'reset');
    assert.match(l.text, /FIN closes a connection politely/, 'the browser edit stays');
    assert.doesNotMatch(l.text, /# Reset, refused/);
    assert.equal(l.source.state, 'both-changed');
    const tw = await lesson(srv, 'time-wait');
    assert.doesNotMatch(tw.text, /\(file edit\)/, 'all or nothing: the other file waits too');
    assert.equal(tw.source.state, 'file-newer');
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('a file that does not parse is refused with FILE:LINE; without --lessons-sync files are not read', async () => {
  writeFileSync(path.join(course, 'broken.md'), '---\ntitle: "B"\nsummary: "s"\norder: [1\n---\n\n# B\n');
  let srv = await start();
  try {
    assert.match(srv.stderr(), new RegExp(`${course}/broken\\.md:\\d+: `));
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
  rmSync(path.join(course, 'broken.md'));
  srv = await start(false);
  try {
    assert.doesNotMatch(srv.stderr(), /lessons sync/);
    assert.doesNotMatch((await lesson(srv, 'time-wait')).text, /\(file edit\)/);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
  assert.ok(readdirSync(course).includes('reset.md'), 'files are never written by an import');
});

test('/editor has the source line with every state, in English and Chinese', async () => {
  const srv = await start(false);
  try {
    for (const [lang, word] of [['en', 'Source: the database'], ['zh-CN', '来源：数据库']]) {
      const html = await (await fetch(`${srv.base}/editor?lang=${lang}`, { headers: auth() })).text();
      const m = html.match(/<p class="tl-editor-files"[^>]*>/);
      assert.ok(m, `${lang}: p.tl-editor-files`);
      for (const s of ['not-synced', 'same', 'database-newer', 'file-newer', 'both-changed', 'no-file']) {
        assert.match(m[0], new RegExp(`data-msg-${s}="${word}`), `${lang} ${s}`);
      }
    }
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});
