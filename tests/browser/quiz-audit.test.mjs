// quiz-audit.test.mjs — what static/js/quiz.js sends: an integer too large for a JavaScript
// number reaches the server as the text typed, so the student gets a format error in plain
// words, not a silently rounded value (graded) or a "Malformed JSON" problem for a body
// the page built itself; a multiple-choice question with nothing ticked is not sent (every
// such question has a right choice, so the empty answer could only score 0 — and in an
// exam cost an attempt), as a single-choice question with nothing chosen is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, withLessonServer } from './helpers.mjs';

const env = withLessonServer();

test('a huge number is a format error, not a rounded answer or a malformed request', async () => {
  const { context, page, log } = await newPage(env.browser);
  const bodies = [];
  page.on('request', (r) => { if (r.url().includes('/submissions')) bodies.push(r.postData()); });
  try {
    await page.goto(`${env.srv.base}/lessons/segments-and-sequence-numbers?lang=en`);
    await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
    const q = page.locator('form.tl-question[data-question="segments-and-sequence-numbers.q2"]');
    for (const typed of ['99999999999999999999', '9007199254740993']) {
      await q.locator('input[name="value"]').fill(typed);
      await q.locator('button[type="submit"]').click();
      await q.locator('.tl-feedback.tl-format').waitFor();
      const fb = await q.locator('.tl-feedback').textContent();
      // in plain words; the JSON pointer (/value) stays in the API answer, not on the page
      assert.match(fb, /Enter a whole number/, `expected a format error for ${typed}, saw "${fb}"`);
      assert.doesNotMatch(fb, /\/value/, `expected no JSON pointer on the page for ${typed}, saw "${fb}"`);
      assert.deepEqual(JSON.parse(bodies.at(-1)), { value: typed }, 'expected the typed digits sent as they are');
      await q.locator('.tl-feedback').evaluate((e) => { e.className = 'tl-feedback'; });
    }
    // a safe integer is still sent as a number and graded
    await q.locator('input[name="value"]').fill(' 111 ');
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback.tl-ok').waitFor();
    assert.deepEqual(JSON.parse(bodies.at(-1)), { value: 111 });
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await context.close();
  }
});

test('a multiple-choice question with nothing ticked asks for a choice and sends nothing', async () => {
  const { context, page, log } = await newPage(env.browser);
  let sent = 0;
  page.on('request', (r) => { if (r.url().includes('/submissions')) sent++; });
  try {
    await page.goto(`${env.srv.base}/lessons/three-way-handshake?lang=en`);
    await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
    const q = page.locator('form.tl-question[data-question="three-way-handshake.q5"]');
    assert.equal(await q.getAttribute('data-type'), 'multiple');
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback.tl-format').waitFor();
    assert.match(await q.locator('.tl-feedback').textContent(), /Choose an answer first/);
    assert.equal(sent, 0, 'expected no submission for an empty multiple-choice answer');
    await q.locator('input[name="choices"][value="0"]').check();
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback.tl-partial').waitFor();
    assert.equal(sent, 1);
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await context.close();
  }
});
