// editor-safe.test.mjs — unsaved edits in the lesson editor are never lost silently:
// switching lessons asks first (and "stay" keeps the text), a reload asks (beforeunload) and
// the draft kept in the browser is offered back and restored; a two-tab conflict shows both
// versions as a diff beside Save and merges per change, nothing overwritten before Save; the
// Problems panel shows as you type what Save would warn about (a question in one language
// only); a save's note and the author's name appear in the revision list with a diff; restore
// asks first; the picker lists lessons by order with a "recently edited" group; no ETag label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newPage } from './helpers.mjs';
import { editorFixture, shot } from './editor-fixture.mjs';

const env = editorFixture();
before(env.setup);
after(env.teardown);

const text = (page) => page.inputValue('.tl-editor-text');

test('switching lessons with unsaved changes asks; "stay" keeps them, "leave" keeps a draft that comes back', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await env.signIn(page, 'ida');
    await env.open(page, 'time-wait');
    // the picker: lessons in course order (front matter `order`), no ETag label on the page
    const values = await page.$$eval('.tl-editor-slug optgroup.tl-all option', (o) => o.map((x) => x.value));
    assert.deepEqual(values.slice(0, 3), ['segments-and-sequence-numbers', 'three-way-handshake', 'teardown-and-half-close']);
    assert.doesNotMatch(await page.innerText('section.tl-editor'), /ETag/);

    const mine = `${(await text(page)).trimEnd()}\n\nAn edit that must not be lost.\n`;
    await page.fill('.tl-editor-text', mine);
    await page.selectOption('.tl-editor-slug', 'reset');
    const ask = page.locator('dialog.tl-ask');
    await ask.waitFor();
    assert.match(await ask.innerText(), /time-wait\.md has changes that are not saved/);
    await shot(page, 'editor-leave-question-1280-en-light');
    await ask.locator('button.tl-ask-no').click();
    await ask.waitFor({ state: 'detached' });
    assert.equal(await text(page), mine, 'expected the edit still in the textarea');
    assert.equal(await page.inputValue('.tl-editor-slug'), 'time-wait');
    assert.match(page.url(), /slug=time-wait/);

    // leave: the other lesson opens; coming back offers the draft
    await page.selectOption('.tl-editor-slug', 'reset');
    await ask.waitFor();
    await ask.locator('button.tl-ask-yes').click();
    await page.waitForURL(/slug=reset/);
    await page.locator('section.tl-editor[data-dirty="false"]').waitFor({ state: 'attached' });
    await page.selectOption('.tl-editor-slug', 'time-wait');
    const draft = page.locator('.tl-editor-draft');
    await draft.waitFor({ state: 'visible' });
    assert.match(await draft.innerText(), /A draft of time-wait\.md/);
    await draft.locator('button.tl-draft-restore').click();
    assert.equal(await text(page), mine);
    assert.equal(await page.getAttribute('section.tl-editor', 'data-dirty'), 'true');
    await env.clean(log);
  } finally {
    await context.close();
  }
});

test('a reload with unsaved changes asks (beforeunload); the draft survives and is restored, then Save clears it', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await env.signIn(page, 'ida');
    await env.open(page, 'retransmission');
    const mine = `${(await text(page)).trimEnd()}\n\nTyped before a crash.\n`;
    await page.fill('.tl-editor-text', mine);
    await page.locator('.tl-editor-text').press('End'); // a real key press: the page has a user gesture
    let asked = null;
    page.once('dialog', async (d) => {
      asked = d.type();
      await d.accept();
    });
    await page.reload();
    await page.locator('section.tl-editor[data-editor-state="ready"]').waitFor({ state: 'attached' });
    assert.equal(asked, 'beforeunload', 'expected the browser to ask before the reload');
    const draft = page.locator('.tl-editor-draft');
    await draft.waitFor({ state: 'visible' });
    await shot(page, 'editor-draft-1280-en-light');
    await draft.locator('button.tl-draft-restore').click();
    assert.equal(await text(page), mine);
    await page.click('button.tl-editor-save');
    await page.locator('.tl-editor-status.tl-ok').waitFor();
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tcplab-draft:')));
    assert.deepEqual(stored, [], 'expected the draft removed after Save');
    // a fresh open offers nothing
    await env.open(page, 'retransmission');
    assert.equal(await page.locator('.tl-editor-draft').isHidden(), true);
    await env.clean(log);
  } finally {
    await context.close();
  }
});

test('two tabs: the second save shows the diff beside Save and merges per change', async () => {
  const a = await newPage(env.browser);
  const b = await newPage(env.browser);
  try {
    await env.signIn(a.page, 'ida');
    await env.signIn(b.page, 'ida');
    await env.open(a.page, 'three-way-handshake');
    await env.open(b.page, 'three-way-handshake');
    const base = await text(a.page);
    const lines = base.split('\n');
    // A changes the title line, B changes the title line too and adds a paragraph at the end
    const titleAt = lines.findIndex((l) => l.startsWith('title: '));
    const aLines = [...lines];
    aLines[titleAt] = 'title: "Tab A title"';
    await a.page.fill('.tl-editor-text', aLines.join('\n'));
    await a.page.fill('.tl-editor-note', 'tab A: retitled');
    await a.page.click('button.tl-editor-save');
    await a.page.locator('.tl-editor-status.tl-ok').waitFor();

    const bLines = [...lines];
    bLines[titleAt] = 'title: "Tab B title"';
    const bText = `${bLines.join('\n').trimEnd()}\n\nTab B's closing paragraph.\n`;
    await b.page.fill('.tl-editor-text', bText);
    await b.page.click('button.tl-editor-save');
    const box = b.page.locator('.tl-editor-savebar .tl-editor-conflict');
    await box.waitFor({ state: 'visible' });
    // the status beside Save says so, and the box is in view
    assert.match(await b.page.innerText('.tl-editor-status'), /Someone else saved a newer revision \(r\d+, ida\)/);
    assert.ok(await box.isVisible());
    const hunks = box.locator('tbody.tl-diff-hunk');
    assert.equal(await hunks.count(), 2, 'expected two changes: the title and the paragraph');
    assert.match(await hunks.nth(0).innerText(), /Tab A title[\s\S]*Tab B title/);
    assert.match(await hunks.nth(1).innerText(), /Tab B's closing paragraph/);
    await shot(b.page, 'editor-conflict-diff-1280-en-light');
    // nothing was written: the server still has A's text
    const mid = await env.api('GET', '/api/v1/lessons/three-way-handshake?locale=en');
    assert.match(mid.body.text, /Tab A title/);
    assert.doesNotMatch(mid.body.text, /Tab B/);
    // theirs for the title, mine for the paragraph
    await hunks.nth(0).locator('input[value="a"]').check();
    await b.page.click('button.tl-editor-merge');
    await box.waitFor({ state: 'hidden' });
    const merged = await text(b.page);
    assert.match(merged, /title: "Tab A title"/);
    assert.match(merged, /Tab B's closing paragraph/);
    assert.doesNotMatch(merged, /Tab B title/);
    await b.page.click('button.tl-editor-save');
    await b.page.locator('.tl-editor-status.tl-ok').waitFor();
    const after2 = await env.api('GET', '/api/v1/lessons/three-way-handshake?locale=en');
    assert.equal(after2.body.text, merged);
    // the status shows as soon as the save lands; the revision list follows with its own
    // request: wait until it shows the saved revision (under load it can be a moment later)
    const savedRev = /revision (\d+)/.exec(await b.page.innerText('.tl-editor-status'))[1];
    await b.page.locator(`section.tl-editor[data-revisions-of="${savedRev}"]`).waitFor({ state: 'attached' });
    assert.equal(await b.page.locator('ol.tl-revisions li.tl-current').getAttribute('data-revision'), savedRev);

    // the revision list: author by name, A's note, a diff against the previous revision
    const first = b.page.locator('ol.tl-revisions li').nth(1);
    assert.match(await first.innerText(), /ida/);
    assert.match(await first.innerText(), /tab A: retitled/);
    assert.doesNotMatch(await b.page.innerText('ol.tl-revisions'), /user:ida/);
    await first.locator('button.tl-show-diff').click();
    await first.locator('table.tl-diff tr.tl-diff-add', { hasText: 'Tab A title' }).waitFor();
    await shot(b.page, 'editor-revisions-1280-en-light');
    await env.clean(a.log);
    await env.clean(b.log, [/^412 PUT \/api\/v1\/lessons\/three-way-handshake\?locale=en$/]);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('Problems shows what Save would warn about as you type; the save warning is beside Save; restore asks first', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await env.signIn(page, 'ida');
    await env.open(page, 'reset');
    const orig = await text(page);
    const added = orig.replace('```quiz\n', '```quiz\n- id: q99\n  type: number\n  prompt: "Extra"\n  answer: 1\n  explanation: "One."\n');
    await page.fill('.tl-editor-text', added);
    const warn = page.locator('.tl-problems li.tl-warning');
    await warn.waitFor();
    assert.match(await warn.innerText(), /reset\.md: differs from reset\.zh-CN\.md/);
    await page.click('button.tl-editor-save');
    await page.locator('.tl-editor-savebar .tl-editor-status.tl-ok ul.tl-warnings li').waitFor();
    assert.match(await page.innerText('.tl-editor-savebar .tl-editor-status'), /Saved as revision \d+[\s\S]*differs from reset\.zh-CN\.md/);
    await shot(page, 'editor-save-warning-1280-en-light');

    // restore the imported revision: asked first; "Cancel" changes nothing
    const last = page.locator('ol.tl-revisions li').last();
    await last.locator('button.tl-restore').click();
    const ask = page.locator('dialog.tl-ask');
    await ask.waitFor();
    assert.match(await ask.innerText(), /Restore revision r\d+\?/);
    await ask.locator('button.tl-ask-no').click();
    assert.equal(await text(page), added);
    await last.locator('button.tl-restore').click();
    await ask.locator('button.tl-ask-yes').click();
    await page.locator('.tl-editor-status', { hasText: /Restored revision r\d+ as revision \d+/ }).waitFor();
    assert.equal(await text(page), orig);
    // the picker now has a "recently edited" group, reset first
    const recent = await page.$$eval('.tl-editor-slug optgroup.tl-recent option', (o) => o.map((x) => x.value));
    assert.equal(recent[0], 'reset');
    await env.clean(log);
  } finally {
    await context.close();
  }
});
