// lessons-limits.test.mjs — POST /api/v1/render with hostile lesson texts (deep block
// quotes, deep YAML, too many figures): each gets an answer naming the limit and its line,
// and the (ASan) server keeps running and exits cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './helpers.mjs';
import { cli } from './accounts-cli.mjs';

const FM = '---\ntitle: T\nsummary: S\norder: 1\ntags: [a]\nlocale: en\n---\n';

test('POST /api/v1/render: deep quotes, deep YAML and too many figures are reported, not fatal', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-lim-'));
  const db = path.join(dir, 't.db');
  const prof = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'p']).trim();
  const srv = await startServer({ db });
  try {
    const post = (text) => fetch(`${srv.base}/api/v1/render`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${prof}` },
      body: JSON.stringify({ text, slug: 'limits' }),
    });
    const messages = async (r) => (await r.json()).problems.map((p) => `${p.line}: ${p.message ?? p.detail ?? JSON.stringify(p)}`).join('\n');

    const quotes = await post(`${FM}${'> '.repeat(200)}deep text\n`);
    const qm = await messages(quotes);
    assert.match(qm, /8: block quotes nested deeper than 64 levels/);

    const yaml = await post(`---\ntitle: T\nsummary: S\norder: 1\ntags: ${'['.repeat(5000)}${']'.repeat(5000)}\nlocale: en\n---\nx\n`);
    assert.equal(yaml.status, 422);
    assert.match(await messages(yaml), /5: front matter: lists and mappings nested deeper than 16 levels/);

    const figs = await post(FM + '```scenario\nconnection-refused\n```\n\n'.repeat(2000));
    assert.equal(figs.status, 422);
    assert.match(await messages(figs), /136: scenario block: more than 32 scenario figures/);

    const ok = await post(FM + '## a\n\n'.repeat(4000));
    assert.equal(ok.status, 200);
    assert.match((await ok.json()).html, /<h2 id="a-4000">/);
  } finally {
    assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
