// lesson.test.mjs — the student's journeys in a real browser against the real server
// ($TCPLAB_BIN serve, started by tests/api/helpers.mjs): a lesson in each language and the
// switch between them, the player stepped with the keyboard (states checked against the
// API's trace of the same scenario), a quiz question answered right and wrong, a ladder
// question with per-student numbers, the playground building and running a scenario and its
// share link; throughout: no request leaves 127.0.0.1, no CSP violation, no console error,
// and the page weight budget. Screenshots go to tests/out/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, screenshot, statesAfter, press, repoRoot, withLessonServer } from './helpers.mjs';

/** Rule text as the player shows it: a sentence, first letter capitalised. */
const sentence = (t) => t.charAt(0).toUpperCase() + t.slice(1);

const LESSON = 'three-way-handshake';
const BUDGET = 150 * 1024;
const env = withLessonServer();

async function clean(log, allowedConsole = []) {
  assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
  assert.deepEqual(log.csp, [], 'expected no CSP violation reported in the console');
  assert.deepEqual(await log.cspInPage(), [], 'expected no securitypolicyviolation event');
  assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
  assert.deepEqual(log.consoleErrors.filter((t) => !allowedConsole.some((re) => re.test(t))), [],
    `expected no console error (HTTP errors: ${log.httpErrors.join(', ') || 'none'})`);
}

/** The answer key of question `id` in a lesson's ```quiz block (simple YAML subset). */
function answerOf(slug, id) {
  const md = fs.readFileSync(path.join(repoRoot, 'lessons', `${slug}.md`), 'utf8');
  const block = md.split(/^- id: /m).find((b) => b.startsWith(`${id}\n`));
  assert.ok(block, `expected question ${id} in lessons/${slug}.md`);
  const m = /^\s+answer: (.+)$/m.exec(block);
  assert.ok(m, `expected an answer: line for ${slug}.${id}`);
  return JSON.parse(m[1]);
}

/** Loads a page and waits until every module app.js wanted has started and the transfers
 * have been counted. */
async function loadFully(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
}

async function apiTrace(name) {
  const r = await fetch(`${env.srv.base}/api/v1/simulations?scenario=${encodeURIComponent(name)}`);
  assert.equal(r.status, 200, `expected GET /api/v1/simulations?scenario=${name} to answer 200`);
  return r.json();
}

test('a lesson in English, the switch to Chinese, and back', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await page.goto(`${env.srv.base}/lessons/${LESSON}?lang=en`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'expected <html lang="en">');
    const sw = page.locator('nav a.tl-lang');
    assert.equal(await sw.getAttribute('hreflang'), 'zh-CN', 'expected the switch link to have hreflang="zh-CN"');
    assert.match(await sw.getAttribute('href'), /lang=zh-CN/, 'expected the switch link to ask for lang=zh-CN');
    await page.locator('figure.tl-scenario .tl-player .tl-next').first().waitFor();
    await screenshot(page, 'lesson-en');
    await Promise.all([page.waitForURL(/lang=zh-CN/), sw.click()]);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'expected <html lang="zh-CN"> after the switch');
    assert.equal(await page.locator('nav a.tl-lang').getAttribute('hreflang'), 'en', 'expected a switch back to English');
    await page.locator('figure.tl-scenario .tl-player .tl-next').first().waitFor();
    assert.equal(await page.locator('.tl-player .tl-next').first().getAttribute('aria-label'), '下一步',
      'expected the player\'s Next button labelled 下一步 on the Chinese page');
    const q = page.locator(`form.tl-question[data-question="${LESSON}.q1"]`);
    const right = answerOf(LESSON, 'q1');
    await q.locator(`input[name="choice"][value="${right === 0 ? 1 : 0}"]`).check();
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback.tl-bad').waitFor();
    assert.match(await q.locator('.tl-feedback').textContent(), /回答不正确/, 'expected Chinese feedback "回答不正确" on the Chinese page');
    await screenshot(page, 'lesson-zh-CN');
    // The choice is remembered: a plain URL now comes in Chinese.
    await page.goto(`${env.srv.base}/lessons/${LESSON}`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'expected the remembered language (zh-CN) without ?lang');
    await page.locator('nav a.tl-lang').click();
    await page.waitForURL(/lang=en/);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('the player, stepped with the keyboard, shows the trace\'s states', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await page.goto(`${env.srv.base}/lessons/${LESSON}?lang=en`);
    const fig = page.locator('figure.tl-scenario').first();
    await fig.locator('.tl-player .tl-next').waitFor();
    const name = await fig.getAttribute('data-scenario');
    const trace = await apiTrace(name);
    const n = trace.steps.length;
    assert.equal(await fig.getAttribute('data-steps'), String(n), `expected data-steps=${n} (the API's trace of ${name})`);
    await fig.focus();
    let at = 0;
    for (const k of [1, 4, 6, 8, Math.min(n, 13)]) {
      await press(page, 'ArrowRight', k - at);
      at = k;
      const want = statesAfter(trace, k);
      assert.equal(await fig.getAttribute('data-current-step'), String(k), `expected data-current-step=${k} after ${k} × →`);
      assert.equal(await fig.getAttribute('data-client-state'), want.client, `expected the client in ${want.client} after step ${k}`);
      assert.equal(await fig.getAttribute('data-server-state'), want.server, `expected the server in ${want.server} after step ${k}`);
      assert.equal(await fig.locator('.tl-diagram .tl-state.tl-current-client').first().getAttribute('data-state'), want.client,
        `expected the state diagram to highlight ${want.client} for the client after step ${k}`);
      assert.equal(await fig.locator('.tl-diagram .tl-state.tl-current-server').first().getAttribute('data-state'), want.server,
        `expected the state diagram to highlight ${want.server} for the server after step ${k}`);
      assert.equal(await fig.locator('.tl-ladder .tl-step.tl-current').getAttribute('data-step'), String(k),
        `expected ladder step ${k} highlighted`);
      assert.equal(await fig.locator('table.tl-steps tr.tl-current').getAttribute('data-step'), String(k),
        `expected table row ${k} highlighted`);
      const rule = sentence(trace.steps[k - 1].rule);
      assert.ok((await fig.locator('.tl-rule').textContent()).includes(rule), `expected the rule line to show "${rule}" (capitalised)`);
      const tcb = trace.steps[k - 1].tcb;
      assert.ok(tcb && tcb.client && tcb.server, `expected step ${k} of the trace to carry "tcb" for both sides`);
      for (const [ep, key, label] of [['client', 'snd_nxt', 'SND.NXT'], ['server', 'snd_una', 'SND.UNA']]) {
        const shown = await fig.locator(`table.tl-tcb tr[data-var="${key}"] td[data-endpoint="${ep}"]`).textContent();
        const st = tcb[ep].state;
        const want2 = st === 'CLOSED' || st === 'LISTEN' ? '—' : String(tcb[ep][key]);
        assert.equal(shown, want2, `expected the TCB table to show ${ep} ${label} = ${want2} after step ${k}`);
      }
      if (want.client === 'ESTABLISHED') {
        const cell = await fig.locator('table.tl-tcb tr[data-var="rcv_nxt"] td[data-endpoint="client"]').textContent();
        assert.equal(cell, String(tcb.client.rcv_nxt), `expected client RCV.NXT ${tcb.client.rcv_nxt} after step ${k}`);
      }
      if (k === 6) await screenshot(page, 'player-step6');
    }
    await press(page, 'ArrowLeft');
    assert.equal(await fig.getAttribute('data-current-step'), String(at - 1), 'expected ← to go back one step');
    await press(page, 'End');
    const fin = trace.final;
    assert.equal(await fig.getAttribute('data-client-state'), fin.client.state, `expected End to show the final client state ${fin.client.state}`);
    assert.equal(await fig.getAttribute('data-server-state'), fin.server.state, `expected End to show the final server state ${fin.server.state}`);
    await press(page, 'Home');
    assert.equal(await fig.getAttribute('data-current-step'), '0', 'expected Home to go back to step 0');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('on a zh-CN lesson the player\'s rule line shows the rule in Chinese, the English below it', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await page.goto(`${env.srv.base}/lessons/${LESSON}?lang=zh-CN`);
    const fig = page.locator('figure.tl-scenario').first();
    await fig.locator('.tl-player .tl-next').waitFor();
    const name = await fig.getAttribute('data-scenario');
    const r = await fetch(`${env.srv.base}/api/v1/simulations?scenario=${encodeURIComponent(name)}&lang=zh-CN`);
    assert.equal(r.status, 200, `expected GET /api/v1/simulations?scenario=${name}&lang=zh-CN to answer 200`);
    const trace = await r.json();
    await fig.focus();
    let at = 0;
    for (const k of [1, 3, 6]) {
      await press(page, 'ArrowRight', k - at);
      at = k;
      const step = trace.steps[k - 1];
      assert.match(step.rule_zh, /[\u4e00-\u9fff]/, `expected the API's step ${k} to carry a Chinese rule_zh`);
      const zh = fig.locator('.tl-rule .tl-rule-text[lang="zh-CN"]');
      assert.equal(await zh.count(), 1, `expected one Chinese rule text after step ${k}`);
      assert.ok((await zh.textContent()).startsWith(sentence(step.rule_zh)), `expected the rule line to show "${step.rule_zh}" after step ${k}`);
      assert.equal(await fig.locator('.tl-rule .tl-rule-en[lang="en"]').textContent(), sentence(step.rule),
        `expected the English original "${step.rule}" kept beside it (lang="en")`);
    }
    assert.match(await fig.locator('table.tl-steps tr[data-step="1"] td').last().textContent(), /[\u4e00-\u9fff]/,
      'expected the step table (no-JS view) to show the rule in Chinese too');
    await screenshot(page, 'player-zh-CN-step6');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('a quiz question answered wrong, then right; a ladder question with my own numbers', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await page.goto(`${env.srv.base}/lessons/${LESSON}?lang=en`);
    const q = page.locator(`form.tl-question[data-question="${LESSON}.q1"]`);
    const right = answerOf(LESSON, 'q1');
    const wrong = right === 0 ? 1 : 0;
    await q.locator(`input[name="choice"][value="${wrong}"]`).check();
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback.tl-bad').waitFor();
    const fbWrong = await q.locator('.tl-feedback').textContent();
    assert.match(fbWrong, /Not quite\./, `expected "Not quite." after a wrong answer, saw "${fbWrong}"`);
    assert.match(fbWrong, /0 of 1 points/, `expected "0 of 1 points", saw "${fbWrong}"`);
    await q.locator(`input[name="choice"][value="${right}"]`).check();
    await q.locator('button[type="submit"]').click();
    await q.locator('.tl-feedback.tl-ok').waitFor();
    const fbRight = await q.locator('.tl-feedback').textContent();
    assert.match(fbRight, /Correct\./, `expected "Correct." after the right answer, saw "${fbRight}"`);
    assert.match(fbRight, /Explanation/, 'expected the explanation after answering');

    // Order, by keyboard only: focus an item's ↑ button and press Enter until it is in place.
    const oq = page.locator(`form.tl-question[data-type="order"]`).first();
    const oid = (await oq.getAttribute('data-question')).split('.').pop();
    const want = answerOf(LESSON, oid);
    for (let i = 0; i < want.length; i++) {
      const up = oq.locator(`li[data-index="${want[i]}"] .tl-up`);
      await up.focus();
      for (;;) {
        const pos = await oq.locator('li[data-index]').evaluateAll((els, ix) => els.findIndex((e) => e.dataset.index === String(ix)), want[i]);
        if (pos <= i) break;
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.dataset.index), String(want[i]),
          'expected focus to stay on the ↑ button of the item being moved');
      }
    }
    await oq.locator('button[type="submit"]').click();
    await oq.locator('.tl-feedback.tl-ok').waitFor();

    // Ladder with params: the numbers come from my variant and survive a reload.
    const lq = page.locator(`form.tl-question[data-question="${LESSON}.q4"]`);
    await page.waitForFunction((id) => document.querySelector(`form[data-question="${id}"]`)?.dataset.variant, `${LESSON}.q4`);
    const params = async () => lq.locator('var.tl-param').evaluateAll((vs) => Object.fromEntries(vs.map((v) => [v.dataset.param, v.textContent])));
    const p1 = await params();
    assert.match(p1.client_iss, /^\d+$/, `expected the client ISN filled in from the variant, saw "${p1.client_iss}"`);
    const ci = Number(p1.client_iss);
    const si = Number(p1.server_iss);
    const M = 2 ** 32;
    const seg = [[ci, 0], [si, (ci + 1) % M], [(ci + 1) % M, (si + 1) % M]];
    for (let j = 1; j <= 3; j++) {
      await lq.locator(`input[name="seq-${j}"]`).fill(String(seg[j - 1][0]));
      await lq.locator(`input[name="ack-${j}"]`).fill(String(j === 3 ? seg[j - 1][1] + 1 : seg[j - 1][1])); // one wrong field
    }
    await lq.locator('button[type="submit"]').click();
    await lq.locator('.tl-feedback.tl-partial').waitFor();
    await lq.locator('input[name="ack-3"]').fill(String(seg[2][1]));
    await lq.locator('button[type="submit"]').click();
    await lq.locator('.tl-feedback.tl-ok').waitFor();
    await lq.scrollIntoViewIfNeeded();
    await screenshot(page, 'quiz-feedback');
    await page.reload();
    await page.waitForFunction((id) => document.querySelector(`form[data-question="${id}"]`)?.dataset.variant, `${LESSON}.q4`);
    assert.deepEqual(await params(), p1, 'expected the same numbers after a reload (seed kept per question)');

    // A malformed answer is explained, not graded.
    await lq.locator('input[name="seq-1"]').fill('abc');
    for (let j = 1; j <= 3; j++) {
      if (j > 1) await lq.locator(`input[name="seq-${j}"]`).fill('1');
      await lq.locator(`input[name="ack-${j}"]`).fill('1');
    }
    await lq.locator('button[type="submit"]').click();
    await lq.locator('.tl-feedback.tl-format').waitFor();
    assert.match(await lq.locator('.tl-feedback').textContent(), /Row 1, SEQ: enter a whole number/, 'expected a plain format error for "abc", its row counted from 1');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('a saved simulation\'s page shows its share link above the figure and loads its scenario into the form', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    // The playground itself runs without saving (tests/browser/playground.test.mjs); a saved
    // simulation comes from the API and keeps its /playground?sim=ID page.
    const scenario = { client: { iss: 4294967000 }, server: { iss: 7000 },
      network: { latency_ms: 50, faults: [{ action: 'drop', from: 'client', flags: ['SYN'], nth: 1 }] },
      events: [{ at_ms: 0, endpoint: 'server', call: 'listen' }, { at_ms: 0, endpoint: 'client', call: 'connect' }] };
    const r = await fetch(`${env.srv.base}/api/v1/simulations?save=true`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(scenario) });
    assert.equal(r.status, 201, 'expected the simulation saved');
    const saved = await r.json();
    await loadFully(page, `${env.srv.base}${saved.url}&lang=en`);
    const fig = page.locator('figure.tl-scenario');
    await fig.locator('.tl-player .tl-next').waitFor();
    const trace = JSON.parse(await fig.locator('script.tl-trace').textContent());
    assert.ok(trace.steps.some((s) => s.kind === 'drop' && s.endpoint === 'client'), 'expected the client\'s first SYN to be dropped');
    assert.equal(trace.steps.find((s) => s.kind === 'send').segment.seq, 4294967000, 'expected the client ISN 4294967000 in the first SYN');
    const shareFirst = await page.evaluate(() => {
      const a = document.querySelector('a.tl-share');
      const f = document.querySelector('figure.tl-scenario');
      return Boolean(a && f && (a.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING));
    });
    assert.ok(shareFirst, 'expected the share link above the figure');
    assert.match(await page.locator('a.tl-share').getAttribute('href'), /^\/playground\?sim=/);
    await page.locator('input[data-ptr="/client/iss"]').waitFor();
    await page.waitForFunction(() => document.querySelector('input[data-ptr="/client/iss"]').value === '4294967000');
    await fig.focus();
    await press(page, 'End');
    assert.equal(await fig.getAttribute('data-client-state'), trace.final.client.state, 'expected the player at the end to show the final client state');
    await screenshot(page, 'playground-result');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('phone width, dark scheme and print render the lesson', async () => {
  const { context, page, log } = await newPage(env.browser, { viewport: { width: 360, height: 740 }, colorScheme: 'dark' });
  try {
    await page.goto(`${env.srv.base}/lessons/${LESSON}?lang=en`);
    await page.locator('.tl-player .tl-next').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `expected no horizontal page scroll at 360 px, the page is ${overflow}px too wide`);
    await screenshot(page, 'lesson-360-dark');
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    assert.equal(await page.locator('nav.tl-nav').isVisible(), false, 'expected no navigation when printed');
    await screenshot(page, 'lesson-print');
    await clean(log);
  } finally {
    await context.close();
  }
});

test(`the ${LESSON} lesson page with its assets stays under 150 KB`, async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await loadFully(page, `${env.srv.base}/lessons/${LESSON}`);
    const kb = (log.bytes() / 1024).toFixed(1);
    assert.ok(log.bytes() < BUDGET, `expected < 150 KB transferred, got ${kb} KB: ${log.transfers.map((t) => `${t.url} ${t.bytes}`).join(', ')}`);
    await clean(log);
  } finally {
    await context.close();
  }
});

test('every lesson page with its assets stays under 150 KB', async () => {
  const slugs = fs.readdirSync(path.join(repoRoot, 'lessons')).filter((f) => /^[a-z0-9-]+\.md$/.test(f)).map((f) => f.slice(0, -3));
  const over = [];
  for (const slug of slugs) {
    for (const lang of ['en', 'zh-CN']) {
      const { context, page, log } = await newPage(env.browser);
      try {
        await loadFully(page, `${env.srv.base}/lessons/${slug}?lang=${lang}`);
        if (log.bytes() >= BUDGET) over.push(`${slug} (${lang}): ${(log.bytes() / 1024).toFixed(1)} KB`);
        await clean(log);
      } finally {
        await context.close();
      }
    }
  }
  assert.deepEqual(over, [], 'expected every lesson page (with its CSS and JS) under 150 KB transferred');
});
