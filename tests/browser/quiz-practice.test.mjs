// quiz-practice.test.mjs — practice mode in the browser: a wrong answer to a question with
// drawn numbers (three-way-handshake.q4, the ISN ladder) offers "Try again" and "Show answer";
// once the answer is shown, "Try again with new numbers" switches to the server's next_variant — new ISNs in the prompt, the next answer goes to
// the new variant, a reload keeps the new numbers — and clears the typed answers and the
// feedback (static/js/quiz.js, server/web/api_quiz.c). The explanation shown on request
// works out the old numbers, so copying it cannot answer the new ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, screenshot, withLessonServer } from './helpers.mjs';

const env = withLessonServer();

const isns = async (q) => ({
  client: (await q.locator('var.tl-param[data-param="client_iss"]').textContent()).trim(),
  server: (await q.locator('var.tl-param[data-param="server_iss"]').textContent()).trim(),
});

test('practice: a wrong ladder answer, then Show answer, offers new numbers, and they replace the old ones', async () => {
  const { context, page } = await newPage(env.browser);
  try {
    await page.goto(`${env.srv.base}/lessons/three-way-handshake?lang=en`);
    const q = page.locator('form.tl-question[data-question="three-way-handshake.q4"]');
    await q.locator('.tl-prompt.tl-prompt-ready').waitFor();
    const first = await isns(q);
    assert.match(first.client, /^\d+$/);
    const oldVariant = await q.getAttribute('data-variant');

    for (const n of ['seq-1', 'ack-1', 'seq-2', 'ack-2', 'seq-3', 'ack-3']) await q.locator(`input[name="${n}"]`).fill('7');
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback button.tl-show-answer').waitFor();
    assert.equal(await q.locator('.tl-feedback button.tl-new-variant').count(), 0, 'new numbers only once the answer is shown');
    assert.equal(await q.locator('.tl-feedback .tl-explanation').count(), 0);
    await q.locator('.tl-feedback button.tl-show-answer').click();
    await q.locator('.tl-feedback .tl-explanation').waitFor();
    assert.ok((await q.locator('.tl-feedback .tl-explanation').textContent()).includes(first.client), 'the explanation works out these numbers');
    const again = q.locator('.tl-feedback button.tl-new-variant');
    await again.waitFor();
    assert.equal((await again.textContent()).trim(), 'Try again with new numbers');
    assert.match(await q.locator('.tl-feedback').textContent(), /Not quite/);
    await q.scrollIntoViewIfNeeded();
    await screenshot(page, 'quiz-practice-new-numbers');

    await again.click();
    const second = await isns(q);
    assert.notDeepEqual(second, first, 'expected new ISNs in the prompt');
    const newVariant = await q.getAttribute('data-variant');
    assert.notEqual(newVariant, oldVariant);
    assert.equal(await q.locator('input[name="seq-1"]').inputValue(), '', 'typed answers cleared');
    assert.equal((await q.locator('.tl-feedback').textContent()).trim(), '', 'feedback cleared');

    // the next answer goes to the new variant, and the right answer for the new numbers is right
    const c = BigInt(second.client), s = BigInt(second.server), m = 1n << 32n;
    const right = { 'seq-1': c, 'ack-1': 0n, 'seq-2': s, 'ack-2': (c + 1n) % m, 'seq-3': (c + 1n) % m, 'ack-3': (s + 1n) % m };
    for (const [n, v] of Object.entries(right)) await q.locator(`input[name="${n}"]`).fill(String(v));
    const sent = page.waitForRequest((r) => r.url().includes('/submissions'));
    await q.locator('button[type="submit"]').click();
    assert.ok((await sent).url().includes(encodeURIComponent(newVariant)), 'expected the new variant');
    await q.locator('.tl-feedback .tl-verdict').waitFor();
    assert.match(await q.locator('.tl-feedback').textContent(), /Correct/);
    assert.equal(await q.locator('.tl-feedback button.tl-new-variant').count(), 0, 'no new numbers after a right answer');

    // a reload shows the new numbers again (the seed is kept per question)
    await page.reload();
    await q.locator('.tl-prompt.tl-prompt-ready').waitFor();
    assert.deepEqual(await isns(q), second);
  } finally {
    await context.close();
  }
});
