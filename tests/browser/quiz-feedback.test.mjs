// quiz-feedback.test.mjs — feedback that teaches, in the browser (static/js/quiz.js,
// server/lessons/quiz_grade.c, server/web/api_quiz.c), on the three-way-handshake lesson in
// English and Chinese: a wrong answer shows one verdict, the hint and "Try again" but not the
// explanation; Try again keeps the answer and clears the feedback; the right answer shows the
// explanation; "Show answer" shows it without grading anything; multiple choice marks every
// choice ✓/✗ with a text and gives per-choice partial credit; ladder cells are marked; a
// malformed cell is named in plain words, 1-based, and highlighted (aria-invalid); ordering
// buttons are named after their item. Screenshots at 390 and 1280 px, light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, screenshot, shotDir, withLessonServer } from './helpers.mjs';

const env = withLessonServer();
const L = {
  en: {
    lang: 'en', wrong: 'Not quite.', hint: 'Hint:', again: 'Try again', show: 'Show answer', expl: 'Explanation',
    correct: 'Correct.', right: 'right', wrongMark: 'wrong', fix: 'Please fix your answer:',
    rowErr: 'Row 1, SEQ: enter a whole number from 0 to 4294967295.', missing: 'Row 2, ACK: fill in this cell.',
    step4: 'In which state does it then wait for the ACK?', moveUp: 'Move SYN-SENT up', moveDown: 'Move SYN-SENT down',
    cells: /Not right yet: row 3 ACK\./, score: '0.75 of 3 points',
  },
  zh: {
    lang: 'zh-CN', wrong: '回答不正确。', hint: '提示：', again: '再试一次', show: '查看答案', expl: '解析',
    correct: '回答正确。', right: '正确', wrongMark: '有误', fix: '请修改你的答案：',
    rowErr: '第 1 行 SEQ：请填写 0 到 4294967295 之间的整数。', missing: '第 2 行 ACK：请填写这一格。',
    step4: '在哪个状态等待对方的 ACK', moveUp: '将 SYN-SENT 上移', moveDown: '将 SYN-SENT 下移',
    cells: /这些格还不对：第 3 行 ACK。/, score: '得分 0.75 / 3',
  },
};

const q = (page, id) => page.locator(`form.tl-question[data-question="three-way-handshake.${id}"]`);

async function open(page, s) {
  await page.goto(`${env.srv.base}/lessons/three-way-handshake?lang=${s.lang}`);
  await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
}

for (const [name, s] of Object.entries(L)) {
  test(`${name}: wrong → hint → try again → right → explanation; show answer records nothing`, async () => {
    const { context, page, log } = await newPage(env.browser);
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(new URL(r.url()).pathname); });
    try {
      await open(page, s);
      const q2 = q(page, 'q2');
      const fb = q2.locator('.tl-feedback');
      await q2.locator('select[name="state"]').selectOption('LISTEN');
      await q2.locator('button[type="submit"]').click();
      await q2.locator('.tl-feedback.tl-bad').waitFor();
      const text = await fb.textContent();
      assert.equal(await fb.locator('.tl-verdict').count(), 1);
      assert.ok(text.includes(s.wrong), `expected "${s.wrong}" in "${text}"`);
      assert.doesNotMatch(text, /Not correct|回答错误/, 'one verdict, not two');
      assert.ok((await fb.locator('.tl-hint').textContent()).includes(s.hint));
      assert.ok(text.includes(s.step4), 'expected the authored hint');
      assert.doesNotMatch(text, /SYN-RECEIVED/, 'the hint must not give the state away');
      assert.equal(await fb.locator('.tl-explanation').count(), 0, 'no explanation after a wrong answer');
      const again = fb.locator('button.tl-try-again');
      assert.equal((await again.textContent()).trim(), s.again);
      assert.equal((await fb.locator('button.tl-show-answer').textContent()).trim(), s.show);
      await again.click();
      assert.equal((await fb.textContent()).trim(), '', 'Try again clears the feedback');
      assert.equal(await q2.locator('select[name="state"]').inputValue(), 'LISTEN', 'and keeps the answer');
      assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.name), 'state');
      await q2.locator('select[name="state"]').selectOption('SYN-RECEIVED');
      await q2.locator('button[type="submit"]').click();
      await q2.locator('.tl-feedback.tl-ok').waitFor();
      assert.ok((await fb.textContent()).includes(s.correct));
      assert.ok((await fb.locator('.tl-explanation').textContent()).includes(s.expl));
      assert.equal(await fb.locator('.tl-hint, .tl-actions').count(), 0);

      // Show answer: the explanation comes from /answer; no submission is sent for it
      const q1 = q(page, 'q1');
      await q1.locator('input[name="choice"][value="0"]').check();
      await q1.locator('button[type="submit"]').click();
      await q1.locator('.tl-feedback.tl-bad').waitFor();
      assert.equal(await q1.locator('.tl-explanation').count(), 0);
      await q1.locator('li.tl-mark-bad .tl-mark').waitFor();
      assert.ok((await q1.locator('li.tl-mark-bad .tl-mark').textContent()).includes(s.wrongMark));
      const before = posts.length;
      await q1.locator('button.tl-show-answer').click();
      await q1.locator('.tl-explanation').waitFor();
      assert.deepEqual(posts.slice(before), ['/api/v1/variants/v0-three-way-handshake.q1/answer']);
      assert.match(await q1.locator('.tl-explanation').textContent(), /<SEQ=101><ACK=301><CTL=ACK>/);
      assert.equal(await q1.locator('button.tl-show-answer').count(), 0);
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${name}: per-choice marks and partial credit; ladder cells marked; plain errors; named order buttons`, async () => {
    const { context, page, log } = await newPage(env.browser);
    try {
      await open(page, s);
      // multiple (key 0, 1, 3): ticking 0 and 2 — one right tick, one wrong, two missed
      const q5 = q(page, 'q5');
      await q5.locator('input[name="choices"][value="0"]').check();
      await q5.locator('input[name="choices"][value="2"]').check();
      await q5.locator('button[type="submit"]').click();
      await q5.locator('.tl-feedback.tl-partial').waitFor();
      assert.ok((await q5.locator('.tl-feedback .tl-score').textContent()).includes(s.score));
      const marks = await q5.locator('.tl-choices > li').evaluateAll((lis) => lis.map((li) => ({
        ok: li.classList.contains('tl-mark-ok'), text: (li.querySelector('.tl-mark') || {}).textContent || '',
      })));
      assert.deepEqual(marks.map((m) => m.ok), [true, false, false, false]);
      assert.ok(marks[0].text.includes(s.right) && marks[2].text.includes(s.wrongMark), JSON.stringify(marks));
      // changing a tick takes the marks away
      await q5.locator('input[name="choices"][value="1"]').check();
      assert.equal(await q5.locator('.tl-mark').count(), 0);

      // ladder: one wrong cell is marked ✗ and named in the hint, never with its value
      const lq = q(page, 'q4');
      await lq.locator('.tl-prompt.tl-prompt-ready').waitFor();
      const p = await lq.locator('var.tl-param').evaluateAll((vs) => Object.fromEntries(vs.map((v) => [v.dataset.param, BigInt(v.textContent)])));
      const M = 1n << 32n, c = p.client_iss, sv = p.server_iss;
      const cells = { 'seq-1': c, 'ack-1': 0n, 'seq-2': sv, 'ack-2': (c + 1n) % M, 'seq-3': (c + 1n) % M, 'ack-3': sv };
      for (const [n, v] of Object.entries(cells)) await lq.locator(`input[name="${n}"]`).fill(String(v));
      await lq.locator('button[type="submit"]').click();
      await lq.locator('.tl-feedback.tl-partial').waitFor();
      assert.match(await lq.locator('.tl-hint').textContent(), s.cells);
      assert.doesNotMatch(await lq.locator('.tl-hint').textContent(), new RegExp(`\\b${(sv + 1n) % M}\\b`));
      assert.equal(await lq.locator('td.tl-cell-bad input').getAttribute('name'), 'ack-3');
      assert.equal(await lq.locator('input[name="ack-3"]').getAttribute('aria-invalid'), 'true');
      assert.equal(await lq.locator('td.tl-cell-ok').count(), 5);
      await lq.scrollIntoViewIfNeeded();
      await screenshot(page, `quiz-feedback-ladder-${name}`);
      await lq.locator('button.tl-try-again').click();
      assert.equal(await page.evaluate(() => document.activeElement.name), 'ack-3', 'focus on the wrong cell');

      // a malformed cell: plain words, 1-based, highlighted; the pointer stays in the API
      await lq.locator('input[name="seq-1"]').fill('abc');
      const resp = page.waitForResponse((r) => r.url().includes('/submissions'));
      await lq.locator('button[type="submit"]').click();
      const body = await (await resp).json();
      assert.equal(body.format_errors[0].field, '/segments/0/seq');
      await lq.locator('.tl-feedback.tl-format').waitFor();
      const fbt = await lq.locator('.tl-feedback').textContent();
      assert.ok(fbt.includes(s.fix) && fbt.includes(s.rowErr), `saw "${fbt}"`);
      assert.doesNotMatch(fbt, /\/segments|format_errors/);
      const seq1 = lq.locator('input[name="seq-1"]');
      assert.equal(await seq1.getAttribute('aria-invalid'), 'true');
      assert.equal(await lq.locator('td.tl-cell-error').count(), 1);
      const described = await seq1.getAttribute('aria-describedby');
      assert.equal(await page.locator(`[id="${described}"]`).textContent(), s.rowErr);
      // an empty cell is caught before sending, in the same words
      await seq1.fill(String(c));
      await lq.locator('input[name="ack-2"]').fill('');
      await lq.locator('button[type="submit"]').click();
      await page.waitForFunction((m) => document.querySelector('form[data-question="three-way-handshake.q4"] .tl-format-errors')?.textContent.includes(m), s.missing);
      assert.equal(await lq.locator('input[name="ack-2"]').getAttribute('aria-invalid'), 'true');

      // order buttons are named after their item
      const q3 = q(page, 'q3');
      const li = q3.locator('li', { hasText: 'SYN-SENT' });
      assert.equal(await li.locator('.tl-up').getAttribute('aria-label'), s.moveUp);
      assert.equal(await li.locator('.tl-down').getAttribute('aria-label'), s.moveDown);
      assert.deepEqual(log.pageErrors, []);
    } finally {
      await context.close();
    }
  });
}

test('screenshots: feedback at 390 and 1280 px, English and Chinese, light and dark', async () => {
  for (const [name, s] of Object.entries(L)) {
    for (const width of [390, 1280]) {
      for (const scheme of ['light', 'dark']) {
        const { context, page, log } = await newPage(env.browser, { viewport: { width, height: 900 }, colorScheme: scheme });
        try {
          await open(page, s);
          const q5 = q(page, 'q5');
          await q5.locator('input[name="choices"][value="0"]').check();
          await q5.locator('input[name="choices"][value="2"]').check();
          await q5.locator('button[type="submit"]').click();
          await q5.locator('.tl-feedback .tl-hint').waitFor();
          const lq = q(page, 'q4');
          await lq.locator('.tl-prompt.tl-prompt-ready').waitFor();
          await lq.locator('input[name="seq-1"]').fill('4294967295');
          await lq.locator('input[name="ack-1"]').fill('0');
          await lq.locator('input[name="seq-2"]').fill('abc');
          for (const n of ['ack-2', 'seq-3', 'ack-3']) await lq.locator(`input[name="${n}"]`).fill('1');
          await lq.locator('button[type="submit"]').click();
          await lq.locator('.tl-feedback.tl-format').waitFor();
          // the answer table fits the phone: no sideways scrolling inside or outside it
          const fit = await lq.evaluate((f) => {
            const t = f.querySelector('table.tl-ladder-answer');
            return { table: t.scrollWidth <= t.clientWidth + 1, page: document.documentElement.scrollWidth <= window.innerWidth };
          });
          assert.deepEqual(fit, { table: true, page: true }, `${name} ${width} ${scheme}`);
          fs.mkdirSync(shotDir, { recursive: true });
          await page.locator('section.tl-quiz').screenshot({ path: path.join(shotDir, `quiz-feedback-${name}-${width}-${scheme}.png`) });
          // graded and marked: every cell still shows all ten digits of 4294967295
          await lq.locator('input[name="seq-2"]').fill('4294967295');
          await lq.locator('button[type="submit"]').click();
          await lq.locator('.tl-feedback .tl-hint').waitFor();
          const clipped = await lq.locator('input').evaluateAll((xs) => xs.filter((x) => x.scrollWidth > x.clientWidth).map((x) => x.name));
          assert.deepEqual(clipped, [], `${name} ${width} ${scheme}: inputs too narrow for their value`);
          await lq.screenshot({ path: path.join(shotDir, `quiz-feedback-${name}-${width}-${scheme}-marked.png`) });
          assert.deepEqual(log.pageErrors, []);
        } finally {
          await context.close();
        }
      }
    }
  }
});
