// tests/api/tempdirs.test.mjs — the temporary folders of lesson previews and checks are
// named <kind>-<pid>-XXXXXX under $TMPDIR; at start `tcplab serve` removes those whose
// process no longer runs (a crash or kill -9 left them), never a running process's, never
// through a symbolic link (server/util/tempdir.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers.mjs';

test('stale tcplab-render-/tcplab-lessons- folders of a dead pid are swept at start; others stay', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tcplab-tmpdir-'));
  const dead = spawnSync('true').pid; // exited: its pid runs nothing now
  const live = process.pid;
  const at = (name) => path.join(tmp, name);
  const stale1 = at(`tcplab-render-${dead}-Ab12Cd`);
  const stale2 = at(`tcplab-lessons-${dead}-xY34zw`);
  mkdirSync(path.join(stale1, 'deeper'), { recursive: true });
  writeFileSync(path.join(stale1, 'intro.md'), '# left by a crash\n');
  writeFileSync(path.join(stale1, 'deeper', 'x.md'), 'x');
  mkdirSync(stale2);
  writeFileSync(path.join(stale2, 'intro.zh-CN.md'), '# 崩溃留下的\n');
  const alive = at(`tcplab-render-${live}-Qw56Er`);
  mkdirSync(alive);
  writeFileSync(path.join(alive, 'keep.md'), 'in use');
  const other = at(`tcplab-renderer-${dead}-Ab12Cd`); // another prefix
  mkdirSync(other);
  // a link named like a stale folder: removed neither it nor what it points to
  const target = at('elsewhere');
  mkdirSync(target);
  writeFileSync(path.join(target, 'precious'), 'p');
  const link = at(`tcplab-lessons-${dead}-LiNk00`);
  symlinkSync(target, link);

  const srv = await startServer({ env: { TMPDIR: tmp } });
  try {
    assert.ok(!existsSync(stale1), 'the dead pid\'s render folder is gone');
    assert.ok(!existsSync(stale2), 'the dead pid\'s lessons folder is gone');
    assert.ok(existsSync(path.join(alive, 'keep.md')), 'a running process\'s folder stays');
    assert.ok(existsSync(other), 'a folder of another name stays');
    assert.ok(existsSync(link) && existsSync(path.join(target, 'precious')), 'a link is not followed');
  } finally {
    await srv.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
