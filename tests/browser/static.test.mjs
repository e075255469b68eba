// static.test.mjs — static/js and static/css against fixture pages that follow
// docs/dom.md (tests/browser/fixtures/server.mjs, a mock API with known answers).
// These pin the browser code's own behaviour (keys, focus, payloads, error display) without
// depending on the lesson texts; lesson.test.mjs runs the same journeys on the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, screenshot, statesAfter, press } from './helpers.mjs';
import { startFixtureServer } from './fixtures/server.mjs';

let browser;
let fx;
before(async () => {
  fx = await startFixtureServer();
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (fx) await fx.stop();
});

async function noLeaks(log, allowedConsole = []) {
  assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
  assert.deepEqual(log.csp, [], 'expected no CSP violation in the console');
  assert.deepEqual(await log.cspInPage(), [], 'expected no securitypolicyviolation event');
  assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
  assert.deepEqual(log.consoleErrors.filter((t) => !allowedConsole.some((re) => re.test(t))), [], `expected no console error (HTTP errors: ${log.httpErrors.join(', ') || 'none'})`);
}

test('fixture: player steps with the keyboard and shows states, TCB and rule', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${fx.base}/lessons/demo`);
    const fig = page.locator('figure#scn-1');
    await fig.locator('.tl-player .tl-next').waitFor();
    assert.equal(await fig.getAttribute('data-current-step'), '0', 'expected the player to start at step 0');
    assert.equal(await fig.getAttribute('tabindex'), '0', 'expected the figure to be focusable (tabindex=0)');
    await fig.focus();
    const n = fx.trace.steps.length;
    for (const k of [1, 4, 6]) {
      await press(page, 'ArrowRight', k - Number(await fig.getAttribute('data-current-step')));
      const want = statesAfter(fx.trace, k);
      assert.equal(await fig.getAttribute('data-current-step'), String(k), `expected data-current-step=${k}`);
      assert.equal(await fig.getAttribute('data-client-state'), want.client, `expected client ${want.client} after step ${k}`);
      assert.equal(await fig.getAttribute('data-server-state'), want.server, `expected server ${want.server} after step ${k}`);
      assert.equal(await fig.locator('.tl-ladder .tl-step.tl-current').getAttribute('data-step'), String(k),
        `expected ladder step ${k} to carry tl-current`);
      assert.equal(await fig.locator('table.tl-steps tr.tl-current').getAttribute('data-step'), String(k),
        `expected table row ${k} to carry tl-current`);
      assert.equal(await fig.locator('.tl-diagram .tl-state.tl-current-client').getAttribute('data-state'), want.client,
        `expected the state diagram to mark ${want.client} as the client's state`);
      assert.equal(await fig.locator('.tl-diagram .tl-state.tl-current-server').getAttribute('data-state'), want.server,
        `expected the state diagram to mark ${want.server} as the server's state`);
    }
    // After step 6 (client receives SYN,ACK): client TCB per the trace.
    const tcb = fx.trace.steps[5].tcb.client;
    assert.equal(await fig.locator('table.tl-tcb tr[data-var="rcv_nxt"] td[data-endpoint="client"]').textContent(), String(tcb.rcv_nxt),
      `expected client RCV.NXT ${tcb.rcv_nxt} after step 6`);
    assert.equal(await fig.locator('table.tl-tcb tr[data-var="snd_una"] td[data-endpoint="client"]').textContent(), String(tcb.snd_una));
    assert.match(await fig.locator('.tl-rule').textContent(), /§3\.10\.7\.3/, 'expected the rule line to cite the rule that fired');
    assert.equal(await fig.locator('.tl-rule').getAttribute('aria-live'), 'polite');
    assert.equal(await fig.locator('.tl-diagram .tl-edge.tl-current').getAttribute('data-to'), 'ESTABLISHED',
      'expected the edge SYN-SENT→ESTABLISHED to be marked current after step 6');
    await screenshot(page, 'fixture-player-step6');
    await press(page, 'End');
    assert.equal(await fig.getAttribute('data-current-step'), String(n), 'expected End to go to the last step');
    await press(page, 'ArrowRight');
    assert.equal(await fig.getAttribute('data-current-step'), String(n), 'expected → at the end to stay at the end');
    await press(page, 'Home');
    assert.equal(await fig.getAttribute('data-current-step'), '0', 'expected Home to go back to step 0');
    assert.equal(await fig.locator('.tl-current').count(), 0, 'expected nothing highlighted at step 0');
    // Buttons, and focus stays on the button pressed.
    await fig.locator('.tl-next').click();
    await fig.locator('.tl-next').click();
    await fig.locator('.tl-prev').click();
    assert.equal(await fig.getAttribute('data-current-step'), '1', 'expected next, next, prev to reach step 1');
    await fig.locator('.tl-last').focus();
    await page.keyboard.press('Enter');
    assert.equal(await fig.getAttribute('data-current-step'), String(n));
    assert.equal(await page.evaluate(() => document.activeElement.className), 'tl-last', 'expected focus to stay on the Last button');
    // Clicking a table row jumps there.
    await fig.locator('table.tl-steps tr[data-step="3"]').click();
    assert.equal(await fig.getAttribute('data-current-step'), '3', 'expected a click on row 3 to go to step 3');
    await noLeaks(log);
  } finally {
    await context.close();
  }
});

test('fixture: zh-CN labels', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${fx.base}/lessons/demo?lang=zh-CN`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.locator('.tl-player .tl-next').waitFor();
    assert.equal(await page.locator('.tl-player .tl-next').getAttribute('aria-label'), '下一步', 'expected the Next button labelled 下一步');
    assert.equal(await page.locator('.tl-player .tl-prev').getAttribute('aria-label'), '上一步', 'expected the Previous button labelled 上一步');
    await page.locator('figure.tl-scenario').focus();
    await press(page, 'ArrowRight', 2);
    assert.match(await page.locator('.tl-pos').textContent(), /第 2 步，共 8 步/);
    assert.match(await page.locator('.tl-rule').textContent(), /客户端调用 connect\(\)/);
    await noLeaks(log);
  } finally {
    await context.close();
  }
});

test('fixture: quiz right, wrong, params seed kept, order by keyboard', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${fx.base}/lessons/demo`);
    const q1 = page.locator('form[data-question="demo.q1"]');
    await q1.locator('input[value="0"]').check();
    await q1.locator('button[type="submit"]').click();
    await q1.locator('.tl-feedback.tl-bad').waitFor();
    assert.match(await q1.locator('.tl-feedback').textContent(), /Not quite/, 'expected "Not quite." for a wrong answer');
    // the worked explanation waits for a right answer or "Show answer"; a wrong one offers Try again
    assert.doesNotMatch(await q1.locator('.tl-feedback').textContent(), /Explanation/, 'no explanation after a wrong answer');
    assert.equal(await q1.locator('.tl-feedback button.tl-try-again').count(), 1, 'expected "Try again"');
    await q1.locator('input[value="1"]').check();
    await q1.locator('button[type="submit"]').click();
    await q1.locator('.tl-feedback.tl-ok').waitFor();
    assert.match(await q1.locator('.tl-feedback').textContent(), /Correct\.\s*1 of 1 points/, 'expected "Correct. 1 of 1 points"');

    // Params: the prompt comes from the variant; a reload keeps the same seed.
    const q2 = page.locator('form[data-question="demo.q2"]');
    await page.waitForFunction(() => document.querySelector('form[data-question="demo.q2"]').dataset.variant);
    const prompt = await q2.locator('.tl-prompt').textContent();
    const iss = Number(/ISN is (\d+)/.exec(prompt)?.[1]);
    assert.ok(iss > 0, `expected the variant's prompt with an ISN, got "${prompt}"`);
    await q2.locator('button[type="submit"]').click();
    assert.match(await q2.locator('.tl-feedback').textContent(), /Enter a whole number/, 'expected a hint for an empty number');
    await q2.locator('input[name="value"]').fill(String(iss + 1));
    await q2.locator('button[type="submit"]').click();
    await q2.locator('.tl-feedback.tl-ok').waitFor();
    await page.reload();
    await page.waitForFunction(() => document.querySelector('form[data-question="demo.q2"]').dataset.variant);
    assert.equal(await page.locator('form[data-question="demo.q2"] .tl-prompt').textContent(), prompt,
      'expected the same numbers after a reload (seed kept in localStorage)');

    // Order: move CLOSED (last) to the top with the keyboard; focus stays on the button.
    const q3 = page.locator('form[data-question="demo.q3"]');
    await q3.locator('li[data-index="2"] .tl-up').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.dataset.index), '2',
      'expected focus to stay on the moved item\'s ↑ button');
    await q3.locator('li[data-index="1"] .tl-up').focus();
    await page.keyboard.press('Enter'); // SYN-SENT above ESTABLISHED
    const order = await q3.locator('li[data-index]').evaluateAll((els) => els.map((e) => e.dataset.index).join(','));
    assert.equal(order, '2,1,0', 'expected the order CLOSED, SYN-SENT, ESTABLISHED');
    await page.keyboard.press('Tab'); // ↓ of the same item
    await page.keyboard.press('Tab'); // next item's ↑ ...
    await q3.locator('button[type="submit"]').click();
    await q3.locator('.tl-feedback.tl-ok').waitFor();
    const sent = fx.posted.filter((p) => p.q === 'demo.q3').at(-1);
    assert.deepEqual(sent.a, { order: [2, 1, 0] }, 'expected the order payload {"order":[2,1,0]}');

    const q4 = page.locator('form[data-question="demo.q4"]');
    await q4.locator('button[type="submit"]').click();
    assert.match(await q4.locator('.tl-feedback').textContent(), /Choose an answer/);
    await q4.locator('select').selectOption('ESTABLISHED');
    await q4.locator('button[type="submit"]').click();
    await q4.locator('.tl-feedback.tl-ok').waitFor();
    await screenshot(page, 'fixture-quiz');
    await noLeaks(log);
  } finally {
    await context.close();
  }
});

test('fixture: the playground editor sends the scenario it shows, and names a refused field in words', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${fx.base}/playground`);
    await page.locator('html[data-tl-playground="ready"]').waitFor({ state: 'attached' });
    const form = page.locator('form.tl-playground');
    await form.locator('input[data-ptr="/client/iss"]').fill('1000');
    await form.locator('input[data-ptr="/server/iss"]').fill('5000');
    await form.locator('button[type="submit"]').click();
    await page.locator('.tl-playground-result figure.tl-scenario .tl-next').waitFor();
    const sent = fx.posted.filter((p) => p.q === 'figure').at(-1).a;
    assert.equal(sent.client.iss, 1000);
    assert.equal(sent.server.iss, 5000);
    assert.deepEqual(sent.events.map((e) => `${e.endpoint}:${e.call}`), ['server:listen', 'client:connect'],
      'expected the scratch scenario: the server listens, the client connects');
    assert.match(page.url(), /#s=[A-Za-z0-9_-]+/, 'expected the scenario in the URL');

    // A value the server refuses: the error names the field in words, beside the form.
    await form.locator('input[data-ptr="/client/iss"]').fill('1e3');
    await form.locator('button[type="submit"]').click();
    await page.locator('.tl-errors:not([hidden])').waitFor();
    assert.match(await page.locator('.tl-errors').textContent(), /Client ISN must be a whole number/,
      'expected "Client ISN must be a whole number" next to the form');
    await screenshot(page, 'fixture-playground-error');
    await noLeaks(log, [/status of 422/]);
  } finally {
    await context.close();
  }
});

test('fixture: narrow screen and dark scheme render without horizontal page scroll', async () => {
  const { context, page, log } = await newPage(browser, { viewport: { width: 360, height: 800 }, colorScheme: 'dark' });
  try {
    await page.goto(`${fx.base}/lessons/demo`);
    await page.locator('.tl-player .tl-next').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `expected no horizontal page scroll at 360 px, got ${overflow}px too wide`);
    await screenshot(page, 'fixture-lesson-360-dark');
    await noLeaks(log);
  } finally {
    await context.close();
  }
});
