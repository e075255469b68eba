// editor-roundtrip.test.mjs — the question builder edits questions that are already in the
// Markdown and the source stays the truth: for EVERY quiz question of EVERY bundled lesson
// file (both languages), opened from the source into the builder form, the YAML the form
// writes is the question's own lines byte for byte, and writing it back unchanged leaves the
// lesson text byte-identical. A changed question rewrites only its own lines, and changing
// it back restores the file exactly; the caret in a question opens that question.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { newPage, repoRoot } from './helpers.mjs';
import { editorFixture } from './editor-fixture.mjs';

const env = editorFixture();
before(env.setup);
after(env.teardown);

const FILES = readdirSync(path.join(repoRoot, 'lessons')).filter((f) => f.endsWith('.md')).sort()
  .map((f) => (f.endsWith('.zh-CN.md') ? { slug: f.slice(0, -9), locale: 'zh-CN' } : { slug: f.slice(0, -3), locale: 'en' }));

async function openBuilder(page) {
  await page.click('button.tl-tool-question');
  const d = page.locator('dialog.tl-builder');
  await d.waitFor();
  await page.locator('dialog.tl-builder[data-opened]').waitFor({ state: 'attached' });
  return d;
}

/** Picks question k in the builder's list and waits until the form holds it. */
async function openQuestion(page, d, k) {
  await d.locator('select.qb-open').selectOption(String(k));
  await page.locator(`dialog.tl-builder[data-opened="${k}"]`).waitFor({ state: 'attached' });
}

test('every bundled question opens into the builder and writes back byte-identical', async () => {
  const { context, page, log } = await newPage(env.browser);
  let total = 0;
  try {
    await env.signIn(page, 'ida');
    for (const { slug, locale } of FILES) {
      await env.open(page, slug, locale, 'en');
      const original = await page.locator('textarea.tl-editor-text').inputValue();
      const d = await openBuilder(page);
      const n = Number(await d.getAttribute('data-questions'));
      assert.ok(n > 0, `${slug} ${locale}: the builder lists the lesson's questions`);
      for (let k = 0; k < n; k++) {
        await openQuestion(page, d, k);
        const id = await d.getAttribute('data-opened-id');
        assert.equal(await d.getAttribute('data-faithful'), 'true',
          `${slug} ${locale} ${id}: the form writes the question's own lines`);
        total++;
      }
      await d.locator('button.tl-dialog-close').click();
      await d.waitFor({ state: 'detached' });
      // write every question back unchanged, through the dialog's button
      for (let k = 0; k < n; k++) {
        const b = await openBuilder(page);
        await openQuestion(page, b, k);
        await b.locator('button.qb-insert').click();
        await b.waitFor({ state: 'detached', timeout: 5000 }).catch(async () => {
          assert.fail(`${slug} ${locale} #${k}: the builder stayed open: ${await b.locator('.qb-status').innerText()}`);
        });
        assert.equal(await page.locator('textarea.tl-editor-text').inputValue(), original, `${slug} ${locale} #${k}: written back unchanged`);
      }
      assert.notEqual(await page.locator('section.tl-editor').getAttribute('data-dirty'), 'true', `${slug} ${locale}: nothing to save`);
    }
    assert.ok(total >= 90, `expected every bundled question, got ${total}`);
    await env.clean(log);
  } finally {
    await context.close();
  }
});

test('a changed question rewrites only its lines; changing it back restores the file; the caret opens its question', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await env.signIn(page, 'ida');
    await env.open(page, 'three-way-handshake');
    const ta = page.locator('textarea.tl-editor-text');
    const original = await ta.inputValue();
    // the caret inside q3 (an order question whose answer is not the listed order)
    const at = original.indexOf('- id: q3') + 12;
    await ta.evaluate((el, pos) => { el.focus(); el.setSelectionRange(pos, pos); }, at);
    let d = await openBuilder(page);
    assert.equal(await d.getAttribute('data-opened-id'), 'q3');
    assert.equal(await d.locator('select.qb-type').inputValue(), 'order');
    assert.deepEqual(await d.locator('input.qb-choice-pos').evaluateAll((els) => els.map((e) => e.value)), ['3', '2', '1']);
    await d.locator('.qb-prompt').fill('Put the client states in order.');
    await d.locator('.qb-hint').fill('');
    await page.locator('dialog.tl-builder[data-preview-state="ready"]').waitFor({ state: 'attached' });
    assert.match(await d.locator('.qb-graded').innerText(), /100 %/);
    await d.locator('button.qb-insert').click();
    await d.waitFor({ state: 'detached' });
    const changed = await ta.inputValue();
    const a = original.split('\n');
    const b = changed.split('\n');
    assert.equal(b.length, a.length - 1, 'the hint line went, nothing else');
    const diff = a.filter((l) => !b.includes(l));
    assert.deepEqual(diff.map((l) => l.trim().split(':')[0]), ['prompt', 'hint']);
    assert.ok(changed.includes('  prompt: "Put the client states in order."\n  choices: ["ESTABLISHED", "SYN-SENT", "CLOSED"]\n  answer: [2, 1, 0]\n'));
    // back again
    await ta.evaluate((el, pos) => { el.focus(); el.setSelectionRange(pos, pos); }, at);
    d = await openBuilder(page);
    assert.equal(await d.getAttribute('data-opened-id'), 'q3');
    await d.locator('.qb-prompt').fill("Put the client's states during an active open in order.");
    await d.locator('.qb-hint').fill('Start where every connection starts, before anything is sent.');
    await d.locator('button.qb-insert').click();
    await d.waitFor({ state: 'detached' });
    assert.equal(await ta.inputValue(), original);
    await env.clean(log);
  } finally {
    await context.close();
  }
});
