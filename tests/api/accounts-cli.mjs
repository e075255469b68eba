// tests/api/accounts-cli.mjs — run `tcplab user|token ...` against a test database (issue #5
// bootstrap commands) for tests/api/accounts.test.mjs and grading.test.mjs.
import { execFileSync } from 'node:child_process';
import { repoRoot, serverBin } from './helpers.mjs';

// cli(db, ['token', 'create', ...], {password, input}) → stdout; throws (with .status,
// .stderr) on a non-zero exit.
export function cli(db, args, { password, input } = {}) {
  return execFileSync(serverBin(), [...args, '--db', db], {
    cwd: repoRoot,
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', TCPLAB_PASSWORD: password ?? '' },
    input: input ?? '',
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
