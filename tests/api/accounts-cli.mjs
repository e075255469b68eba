// tests/api/accounts-cli.mjs — run `tcplab user|token ...` against a test database (the
// bootstrap commands) for the API tests that need users and tokens.
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

// One API token per role, named `${role}-tok`: {student, grader, instructor, admin}. A
// student token acts as a student, so the student user `studentUser` (password
// `${studentUser}-secret-1`) is added first unless it exists.
export function roleTokens(db, studentUser = 'tok-student') {
  try {
    cli(db, ['user', 'add', '--role', 'student', studentUser], { password: `${studentUser}-secret-1` });
  } catch (e) {
    if (!/already exists/.test(e.stderr || '')) throw e;
  }
  const tok = {};
  for (const role of ['student', 'grader', 'instructor', 'admin']) {
    const user = role === 'student' ? ['--user', studentUser] : [];
    tok[role] = cli(db, ['token', 'create', '--role', role, '--name', `${role}-tok`, ...user]).trim();
  }
  return tok;
}
