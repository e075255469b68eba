// editor-builder.test.mjs — lessons and questions without hand-written YAML: the New lesson
// dialog creates both locale files from a template; the question builder writes a ```quiz
// block for EACH type (single, multiple, number, order, state, ladder — the state step and the
// ladder's last segment clicked in the scenario's step list, the ladder's ISN a parameter with a
// range), its live preview shows the student's variant with the engine's answer graded 100 %;
// the lesson saves, its preview in the editor shows every question, and a student on the lesson
// page answers each with that answer and is graded correct. The scenario picker inserts a
// figure with other numbers as scenario JSON. Screenshots: 390 and 1280 px, en and zh-CN,
// light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newPage } from './helpers.mjs';
import { editorFixture, shot } from './editor-fixture.mjs';

const env = editorFixture();
before(env.setup);
after(env.teardown);

const SLUG = 'built-lesson';

async function openBuilder(page) {
  await page.click('button.tl-tool-question');
  const d = page.locator('dialog.tl-builder');
  await d.waitFor();
  return d;
}

async function fillChoices(d, texts, correct) {
  while (await d.locator('li.qb-choice').count() < texts.length) await d.locator('button.qb-add-choice').click();
  for (let i = 0; i < texts.length; i++) {
    const li = d.locator('li.qb-choice').nth(i);
    await li.locator('input.qb-choice-text').fill(texts[i]);
    if (correct.includes(i)) await li.locator('input.qb-choice-correct').check();
  }
}

/** Builds one question; returns the engine answer text the preview showed. */
async function build(page, type, fillIn) {
  const d = await openBuilder(page);
  await d.locator('select.qb-type').selectOption(type);
  await d.locator('.qb-explanation').fill(`Explained: {answer}.`);
  await fillIn(d);
  await page.locator('dialog.tl-builder[data-preview-state="ready"]').waitFor({ state: 'attached' });
  const answer = (await d.locator('.qb-answer-text').innerText()).trim();
  assert.match(await d.locator('.qb-graded').innerText(), /Graded as 100 %/);
  assert.equal(await d.locator('.qb-variant form.tl-question').count(), 1, 'expected the student form in the preview');
  assert.match(await d.locator('pre.qb-yaml').innerText(), new RegExp(`type: ${type}`));
  return { d, answer };
}

async function insert(page, d) {
  await d.locator('button.qb-insert').click();
  await d.waitFor({ state: 'detached' });
}

test('New lesson, a question of every type from the builder, saved, previewed and graded in the student view', async () => {
  const { context, page, log } = await newPage(env.browser);
  const answers = {};
  try {
    await env.signIn(page, 'ida');
    await env.open(page, 'reset');
    // New lesson: both languages from the blank template
    await page.click('button.tl-editor-new');
    const nl = page.locator('dialog.tl-new-lesson');
    await nl.locator('#tl-nl-slug').fill('Bad Slug');
    await nl.locator('#tl-nl-en').fill('Built with the builder');
    await nl.locator('#tl-nl-zh').fill('用出题助手做的课程');
    await nl.locator('#tl-nl-tpl').selectOption('blank');
    await nl.locator('button.tl-nl-create').click();
    assert.match(await nl.locator('.tl-dialog-status').innerText(), /lower-case letters/);
    await nl.locator('#tl-nl-slug').fill(SLUG);
    await shot(page, 'editor-new-lesson-1280-en-light');
    await nl.locator('button.tl-nl-create').click();
    await page.waitForURL(new RegExp(`slug=${SLUG}`));
    await page.locator('.tl-editor-status', { hasText: `Created ${SLUG} in both languages.` }).waitFor();
    const zhFile = await env.api('GET', `/api/v1/lessons/${SLUG}?locale=zh-CN`);
    assert.equal(zhFile.status, 200);
    assert.match(zhFile.body.text, /title: "用出题助手做的课程"/);

    // caret at the end, then one question of each type
    const toEnd = () => page.locator('.tl-editor-text').evaluate((t) => { t.focus(); t.setSelectionRange(t.value.length, t.value.length); });
    await toEnd();
    let r = await build(page, 'single', async (d) => {
      await d.locator('.qb-prompt').fill('Which segment opens a connection?');
      await fillChoices(d, ['FIN', 'SYN', 'RST'], [1]);
      await d.locator('.qb-explanation').fill('A SYN.');
    });
    answers.single = r.answer;
    await insert(page, r.d);
    assert.match(await page.inputValue('.tl-editor-text'), /```quiz\n- id: q1\n  type: single\n/);

    // the caret inside that block: the next question joins it
    await page.locator('.tl-editor-text').evaluate((t) => {
      const at = t.value.lastIndexOf('```');
      t.focus();
      t.setSelectionRange(at, at);
    });
    r = await build(page, 'multiple', async (d) => {
      await d.locator('.qb-prompt').fill('Which flags can a handshake segment carry?');
      await fillChoices(d, ['SYN', 'ACK', 'RST', 'PSH only'], [0, 1]);
    });
    answers.multiple = r.answer;
    await insert(page, r.d);
    assert.equal((await page.inputValue('.tl-editor-text')).match(/```quiz/g).length, 1, 'expected q2 appended to the same block');

    await toEnd();
    r = await build(page, 'number', async (d) => {
      await d.locator('.qb-prompt').fill('The client ISN is 100. What ACK does the SYN+ACK carry?');
      await d.locator('.qb-answer').fill('101');
    });
    answers.number = r.answer;
    await insert(page, r.d);

    await toEnd();
    r = await build(page, 'order', async (d) => {
      await d.locator('.qb-prompt').fill('Put the client states in order');
      await fillChoices(d, ['CLOSED', 'SYN-SENT', 'ESTABLISHED'], []);
    });
    answers.order = r.answer;
    await insert(page, r.d);

    await toEnd();
    r = await build(page, 'state', async (d) => {
      await d.locator('.qb-prompt').fill('Which state is the client in after step {step}?');
      await d.locator('select.qb-scenario-name').selectOption('handshake-and-close');
      await d.locator('button.tl-builder-step[data-step="5"]').click();
      assert.equal(await d.locator('input.qb-step').inputValue(), '5');
      await d.locator('.qb-explanation').fill('It is {answer}.');
    });
    answers.state = r.answer;
    assert.match(answers.state, /^[A-Z]+(-[A-Z0-9]+)*$/);
    await shot(page, 'editor-builder-state-1280-en-light');
    await insert(page, r.d);

    await toEnd();
    r = await build(page, 'ladder', async (d) => {
      await d.locator('.qb-prompt').fill('The client ISN is {client_iss}. Fill in SEQ and ACK of the handshake.');
      await d.locator('select.qb-scenario-name').selectOption('handshake-and-close');
      const sends = d.locator('button.tl-builder-step.tl-send');
      await sends.nth(2).click(); // the third segment sent: the handshake's ACK
      assert.equal(await d.locator('input.qb-segments').inputValue(), '3');
      await d.locator('input.qb-param-use[data-param="client_iss"]').check();
      await d.locator('#qb-lo-client_iss').fill('5000');
      await d.locator('#qb-hi-client_iss').fill('5000');
    });
    answers.ladder = r.answer;
    assert.match(await r.d.locator('pre.qb-yaml').innerText(), /client_iss: "int\[5000, 5000\]"/);
    assert.match(answers.ladder, /^1: seq=5000 ack=0; 2: seq=\d+ ack=5001; 3: seq=5001 ack=\d+$/);
    await insert(page, r.d);

    // before Save, the editor's preview answers from the unsaved text: the parameterised q6
    // gets its variant (client ISN 5000) and the engine's answer is graded correct there
    const pq6 = page.locator(`.tl-editor-preview form.tl-question[data-question="${SLUG}.q6"]`);
    await pq6.waitFor();
    await page.locator(`.tl-editor-preview form.tl-question[data-question="${SLUG}.q6"][data-variant]`).waitFor({ state: 'attached' });
    assert.match(await pq6.innerText(), /5000/);
    {
      const segs = [...answers.ladder.matchAll(/seq=(\d+) ack=(\d+)/g)];
      for (let j = 0; j < segs.length; j++) {
        await pq6.locator(`input[name="seq-${j + 1}"]`).fill(segs[j][1]);
        await pq6.locator(`input[name="ack-${j + 1}"]`).fill(segs[j][2]);
      }
      await pq6.locator('button[type="submit"]').click();
      await pq6.locator('.tl-feedback.tl-ok').waitFor();
    }
    // saved (the other language does not have the questions yet: a warning, not a refusal)
    await page.locator('.tl-problems li.tl-warning').waitFor();
    await page.click('button.tl-editor-save');
    await page.locator('.tl-editor-status.tl-ok').waitFor();
    // the editor's preview shows all six questions
    await page.locator('.tl-editor-preview form.tl-question').nth(5).waitFor();
    assert.equal(await page.locator('.tl-editor-preview form.tl-question').count(), 6);
    // while the form is incomplete the builder's preview may be refused (shown in the dialog)
    await env.clean(log, [/^422 POST \/api\/v1\/render\/question$/]);
  } finally {
    await context.close();
  }

  // the student view: every question graded correct with the engine's answer
  const stu = await newPage(env.browser);
  try {
    await env.signIn(stu.page, 'stu');
    await stu.page.goto(`${env.srv.base}/lessons/${SLUG}?lang=en`);
    await stu.page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
    const form = (id) => stu.page.locator(`form.tl-question[data-question="${SLUG}.${id}"]`);
    const submit = async (id) => {
      await form(id).locator('button[type="submit"]').click();
      await form(id).locator('.tl-feedback.tl-ok').waitFor();
    };
    const labelIndex = async (f, name, text) => f.locator(`input[name="${name}"]`).evaluateAll((inputs, t) => {
      const i = inputs.find((x) => (x.closest('label') || x.parentElement).textContent.trim() === t);
      return i ? i.value : null;
    }, text);
    let f = form('q1');
    await f.locator(`input[name="choice"][value="${await labelIndex(f, 'choice', answers.single)}"]`).check();
    await submit('q1');
    f = form('q2');
    for (const t of answers.multiple.split('; ')) await f.locator(`input[name="choices"][value="${await labelIndex(f, 'choices', t)}"]`).check();
    await submit('q2');
    await form('q3').locator('input[name="value"]').fill(answers.number);
    await submit('q3');
    f = form('q4');
    const want = answers.order.split(' → ');
    for (let pos = 0; pos < want.length; pos++) {
      for (let guard = 0; guard < 10; guard++) {
        const items = await f.locator('ol.tl-order > li').evaluateAll((lis) => lis.map((li) => li.textContent));
        const at = items.findIndex((x) => x.includes(want[pos]));
        if (at === pos) break;
        await f.locator('ol.tl-order > li').nth(at).locator('.tl-up').click();
      }
    }
    await submit('q4');
    await form('q5').locator('select[name="state"]').selectOption(answers.state);
    await submit('q5');
    f = form('q6');
    const segs = [...answers.ladder.matchAll(/seq=(\d+) ack=(\d+)/g)];
    for (let j = 0; j < segs.length; j++) {
      await f.locator(`input[name="seq-${j + 1}"]`).fill(segs[j][1]);
      await f.locator(`input[name="ack-${j + 1}"]`).fill(segs[j][2]);
    }
    await submit('q6');
    await shot(stu.page, 'editor-built-lesson-student-1280-en-light');
    await env.clean(stu.log);
  } finally {
    await stu.context.close();
  }
});

test('the scenario picker inserts a figure with other numbers; help shows an example per block', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await env.signIn(page, 'ida');
    await env.open(page, 'time-wait');
    await page.locator('.tl-editor-text').evaluate((t) => { t.focus(); t.setSelectionRange(t.value.length, t.value.length); });
    await page.click('button.tl-tool-figure');
    const d = page.locator('dialog.tl-scenario-picker');
    await d.waitFor();
    await d.locator('select.sp-scenario').selectOption('lost-syn');
    await d.locator('#sp-client-iss').fill('7000');
    await page.locator('dialog.tl-scenario-picker[data-preview-state="ready"]').waitFor({ state: 'attached' });
    await d.locator('.tl-builder-figure figure.tl-scenario').waitFor();
    assert.match(await d.locator('pre.sp-block').innerText(), /"iss": 7000/);
    await shot(page, 'editor-scenario-picker-1280-en-light');
    await d.locator('button.sp-insert').click();
    await d.waitFor({ state: 'detached' });
    assert.match(await page.inputValue('.tl-editor-text'), /```scenario\n\{[\s\S]*"iss": 7000[\s\S]*\}\n```\n/);
    await page.locator('.tl-editor-preview figure.tl-scenario').last().waitFor();
    await page.locator('.tl-problems li.tl-ok, .tl-problems li.tl-warning').first().waitFor();
    assert.equal(await page.locator('.tl-problems li.tl-problem').count(), 0);

    await page.click('button.tl-tool-help');
    const h = page.locator('dialog.tl-help-dialog');
    await h.waitFor();
    for (const k of ['front', 'figure', 'quiz', 'callout']) assert.equal(await h.locator(`pre[data-example="${k}"]`).count(), 1, k);
    await h.locator('button.tl-dialog-close').click();
    await h.waitFor({ state: 'detached' });
    await env.clean(log);
  } finally {
    await context.close();
  }
});

test('screenshots: 390 and 1280 px, en and zh-CN, light and dark', async () => {
  for (const width of [1280, 390]) {
    for (const lang of ['en', 'zh-CN']) {
      for (const scheme of ['light', 'dark']) {
        const { context, page, log } = await newPage(env.browser, { viewport: { width, height: 900 }, colorScheme: scheme, locale: lang });
        try {
          await env.signIn(page, 'ida');
          await env.open(page, 'three-way-handshake', lang, lang);
          if (lang === 'zh-CN') assert.equal(await page.innerText('button.tl-editor-new'), '新建课程');
          await shot(page, `editor-${width}-${lang}-${scheme}`);
          const d = await openBuilder(page);
          await d.locator('select.qb-type').selectOption('state');
          await d.locator('.qb-prompt').fill(lang === 'en' ? 'Which state after step {step}?' : '第 {step} 步之后处于什么状态？');
          await d.locator('.qb-explanation').fill(lang === 'en' ? 'It is {answer}.' : '此时处于 {answer}。');
          await d.locator('button.tl-builder-step[data-step="3"]').click();
          await page.locator('dialog.tl-builder[data-preview-state="ready"]').waitFor({ state: 'attached' });
          await shot(page, `editor-builder-${width}-${lang}-${scheme}`);
          await env.clean(log, [/^422 POST \/api\/v1\/render\/question$/]);
        } finally {
          await context.close();
        }
      }
    }
  }
});
