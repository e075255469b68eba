// instructor-phone.test.mjs — the instructor's pages fit the screen: the editor (with the
// question builder open on an existing question) and /class with a removed student in the
// gradebook, at 390 and 1280 px, in English and Chinese, light and dark — no sideways
// scrolling of the page, axe-core 0 violations. Screenshots into tests/out/screenshots/ and,
// when TCPLAB_EDITOR_SHOTS names a folder, there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { newPage } from './helpers.mjs';
import { editorFixture, shot } from './editor-fixture.mjs';

const env = editorFixture();
before(env.setup);
after(env.teardown);

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated through the devtools protocol, which the CSP does not
 * govern), the rules a11y.test.mjs runs; "rule: target" lines. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  return r.violations.flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.target.join(' ')}`));
}

async function noSideways(page, where) {
  const w = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: document.documentElement.clientWidth }));
  assert.ok(w.doc <= w.view, `${where}: the page scrolls sideways (${w.doc} > ${w.view})`);
}

test('editor and class page at 390 and 1280 px, en and zh-CN, light and dark: no sideways scroll, axe clean', async () => {
  // a class: two students, one answer each, one of them removed
  const roster = await fetch(`${env.srv.base}/api/v1/roster/import`, {
    method: 'POST', headers: { authorization: `Bearer ${env.token}`, 'content-type': 'text/csv' },
    body: 'name,login,email,section\r\n"Lovelace, Ada",ada,,A\r\n张伟,zhangwei,,B\r\n',
  });
  assert.equal(roster.status, 200);
  for (const [who, choice] of [['ada', 1], ['zhangwei', 0]]) {
    const tok = (await import('../api/accounts-cli.mjs')).cli(env.db, ['token', 'create', '--role', 'student', '--name', `t-${who}`, '--user', who]).trim();
    const r = await fetch(`${env.srv.base}/api/v1/variants/v0-three-way-handshake.q1/submissions`, {
      method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify({ choice }),
    });
    assert.ok(r.ok, `${who} answers: HTTP ${r.status}`);
  }
  assert.equal((await fetch(`${env.srv.base}/api/v1/roster/zhangwei`, { method: 'DELETE', headers: { authorization: `Bearer ${env.token}` } })).status, 204);
  for (const width of [390, 1280]) {
    for (const lang of ['en', 'zh-CN']) {
      for (const scheme of ['light', 'dark']) {
        const tag = `${width}-${lang}-${scheme}`;
        const { context, page, log } = await newPage(env.browser, { viewport: { width, height: 844 }, colorScheme: scheme });
        try {
          await env.signIn(page, 'ida');
          await env.open(page, 'segments-and-sequence-numbers', 'en', lang);
          await noSideways(page, `editor ${tag}`);
          assert.deepEqual(await axe(page), [], `editor ${tag}`);
          await shot(page, `instructor-editor-${tag}`);
          // the builder on an existing question (the caret in the lesson's first question)
          const ta = page.locator('textarea.tl-editor-text');
          await ta.evaluate((el) => { const at = el.value.indexOf('- id: q1') + 3; el.focus(); el.setSelectionRange(at, at); });
          await page.click('button.tl-tool-question');
          await page.locator('dialog.tl-builder[data-opened="0"][data-preview-state="ready"]').waitFor({ state: 'attached' });
          assert.deepEqual(await axe(page), [], `builder ${tag}`);
          await shot(page, `instructor-builder-${tag}`);
          await page.locator('dialog.tl-builder button.tl-dialog-close').click();
          await page.goto(`${env.srv.base}/class?lang=${lang}`);
          await page.locator('.tl-class-gradebook-body table').waitFor();
          assert.equal(await page.locator('.tl-class-gradebook-body tr[data-login="zhangwei"][data-status="removed"] .tl-class-status-tag').count(), 1);
          await noSideways(page, `class ${tag}`);
          assert.deepEqual(await axe(page), [], `class ${tag}`);
          await shot(page, `instructor-class-${tag}`);
          await env.clean(log);
        } finally {
          await context.close();
        }
      }
    }
  }
});
