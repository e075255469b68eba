// playground.test.mjs — the playground as a sandbox, in a real browser against the real server
// ($TCPLAB_BIN serve with the bundled static files and lessons): every built-in loads into the
// form (editable), runs, and gives the API's trace of that built-in; the scenario lives in the
// URL (#s=): reload, back/forward and a shared link restore the form and the result exactly
// (an ISN of 4294967295 stays 4294967295); a simultaneous open built from scratch; predict
// mode; a broken JSON edit and an out-of-range value are named in plain words (English and
// Chinese); the form's ranges are the server's; screenshots at 390 and 1280 px, en/zh,
// light/dark, to /work/notes/shots/sandbox/ when that directory exists (else tests/out/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, screenshot, shotDir, withLessonServer } from './helpers.mjs';

const env = withLessonServer();
const NOTES_SHOTS = '/work/notes/shots/sandbox';

async function clean(log) {
  assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
  assert.deepEqual(log.csp, [], 'expected no CSP violation');
  assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
  // A refused scenario is a 422 the page shows in words; the browser logs the status.
  assert.deepEqual(log.consoleErrors.filter((t) => !/status of 4(00|22)/.test(t)), [], 'expected no console error');
}

async function open(page, url) {
  await page.goto(url);
  await page.locator('html[data-tl-playground="ready"]').waitFor({ state: 'attached' });
}

async function api(p) {
  const r = await fetch(`${env.srv.base}${p}`);
  assert.equal(r.status, 200, `expected GET ${p} to answer 200`);
  return r.json();
}

/** Clicks Run and returns the trace of the new result figure. */
async function run(page) {
  const before = Number(await page.locator('section.tl-playground-result').getAttribute('data-runs')) || 0;
  await page.locator('form.tl-playground button[type="submit"]').click();
  return resultTrace(page, before);
}

async function resultTrace(page, before) {
  await page.locator(`section.tl-playground-result[data-runs="${before + 1}"] figure.tl-scenario.tl-js`).waitFor();
  return JSON.parse(await page.locator('section.tl-playground-result figure.tl-scenario script.tl-trace').textContent());
}

/** Chooses a built-in in "Start from" and waits until the form shows it. */
async function choose(page, name) {
  await page.locator('#pg-scenario').selectOption(name);
  await page.waitForURL(new RegExp(`#s=[A-Za-z0-9_-]+&from=${name}$`));
}

function hashScenario(url) {
  const m = /#s=([A-Za-z0-9_-]+)/.exec(url);
  assert.ok(m, `expected #s= in the URL ${url}`);
  return JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
}

test('each of the 20 built-ins loads into the form, editable, and runs to the API\'s trace', async () => {
  const list = await api('/api/v1/scenarios');
  const names = (Array.isArray(list) ? list : list.scenarios).map((s) => s.name);
  assert.equal(names.length, 20, 'expected 20 built-ins');
  const { context, page, log } = await newPage(env.browser);
  try {
    await open(page, `${env.srv.base}/playground?lang=en`);
    for (const name of names) {
      const { scenario } = await api(`/api/v1/scenarios/${name}`);
      await choose(page, name);
      const title = page.locator('input[data-ptr="/title"]');
      assert.equal(await title.inputValue(), scenario.title, `${name}: expected its title in the form`);
      // A listen-queue built-in with several clients (`clients`) has no one-client ISN field.
      if (scenario.client) {
        const iss = page.locator('input[data-ptr="/client/iss"]');
        assert.equal(await iss.isEditable(), true, `${name}: expected the form editable, not greyed out`);
        const want = Array.isArray(scenario.client.iss) ? scenario.client.iss.join(', ') : String(scenario.client.iss);
        assert.equal(await iss.inputValue(), want, `${name}: expected the client ISN ${want} in the form`);
      }
      assert.equal(await page.locator('.tl-pg-events li').count(), scenario.events.length, `${name}: expected one row per event`);
      assert.equal(await page.locator('.tl-pg-faults li').count(), (scenario.network.faults || []).length, `${name}: expected one row per fault`);
      assert.deepEqual(hashScenario(page.url()), scenario, `${name}: expected the URL to hold the built-in's scenario`);
      const trace = await run(page);
      const builtin = await api(`/api/v1/simulations?scenario=${name}`);
      assert.deepEqual(trace, builtin, `${name}: expected the form's run to give the built-in's trace`);
    }
    await clean(log);
  } finally {
    await context.close();
  }
});

test('the URL holds the scenario: reload, back and a shared link restore it (ISN 4294967295 stays)', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await open(page, `${env.srv.base}/playground?lang=en`);
    const iss = page.locator('input[data-ptr="/client/iss"]');
    await iss.fill('4294967295');
    const t1 = await run(page);
    const syn = t1.steps.find((s) => s.kind === 'send');
    assert.equal(syn.segment.seq, 4294967295, 'expected the first SYN to carry SEQ=4294967295');
    assert.equal(await iss.inputValue(), '4294967295', 'expected the form not to reset after Run');
    assert.equal(hashScenario(page.url()).client.iss, 4294967295, 'expected the URL to hold the ISN exactly');
    // The share link sits above the result, before the figure.
    const shareFirst = await page.evaluate(() => {
      const a = document.querySelector('section.tl-playground-result a.tl-share');
      const f = document.querySelector('section.tl-playground-result figure.tl-scenario');
      return Boolean(a && f && (a.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING));
    });
    assert.ok(shareFirst, 'expected the share link before the figure');
    const url1 = page.url();
    assert.equal(await page.locator('a.tl-share').getAttribute('href'), url1, 'expected the share link to be this URL');

    // Reload: the same form and the same result.
    await page.reload();
    await page.locator('html[data-tl-playground="ready"]').waitFor({ state: 'attached' });
    await page.locator('section.tl-playground-result figure.tl-scenario.tl-js').waitFor();
    assert.equal(await iss.inputValue(), '4294967295', 'expected the ISN back after reload');
    const t2 = JSON.parse(await page.locator('section.tl-playground-result script.tl-trace').textContent());
    assert.deepEqual(t2, t1, 'expected the same trace after reload');

    // Another built-in, then Back: the first scenario and its result again; Forward: the second.
    await choose(page, 'lost-syn');
    const t3 = await run(page);
    assert.equal(await iss.inputValue(), '100');
    const runs = Number(await page.locator('section.tl-playground-result').getAttribute('data-runs'));
    await page.goBack();
    await page.waitForURL(url1);
    const t4 = await resultTrace(page, runs);
    assert.equal(await iss.inputValue(), '4294967295', 'expected Back to restore the ISN 4294967295');
    assert.deepEqual(t4, t1, 'expected Back to show the first result again');
    await page.goForward();
    const t5 = await resultTrace(page, runs + 1);
    assert.equal(await iss.inputValue(), '100', 'expected Forward to restore the second scenario');
    assert.deepEqual(t5, t3);

    // The shared link in a fresh context (another student).
    const other = await newPage(env.browser);
    try {
      await open(other.page, url1);
      await other.page.locator('section.tl-playground-result figure.tl-scenario.tl-js').waitFor();
      assert.equal(await other.page.locator('input[data-ptr="/client/iss"]').inputValue(), '4294967295');
      const t6 = JSON.parse(await other.page.locator('section.tl-playground-result script.tl-trace').textContent());
      assert.deepEqual(t6, t1, 'expected the shared link to show the same trace');
      await clean(other.log);
    } finally {
      await other.context.close();
    }
    await clean(log);
  } finally {
    await context.close();
  }
});

test('a simultaneous open built from scratch gives Figure 7\'s trace; the final ACK can be dropped', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await open(page, `${env.srv.base}/playground?lang=en`);
    // Scratch: event 1 = server listen, event 2 = client connect. Make both connect at 0 ms.
    const rows = page.locator('.tl-pg-events li');
    await rows.nth(0).locator('select[data-ptr="/events/0/endpoint"]').selectOption('client');
    await rows.nth(0).locator('select[data-ptr="/events/0/call"]').selectOption('connect');
    await rows.nth(1).locator('select[data-ptr="/events/1/endpoint"]').selectOption('server');
    const trace = await run(page);
    const builtin = await api('/api/v1/simulations?scenario=simultaneous-open');
    assert.deepEqual(trace, builtin, 'expected the simultaneous-open built-in\'s trace');
    assert.ok(trace.steps.some((s) => s.endpoint === 'client' && s.state_before === 'SYN-SENT' && s.state_after === 'SYN-RECEIVED'));
    assert.ok(trace.steps.some((s) => s.endpoint === 'server' && s.state_before === 'SYN-SENT' && s.state_after === 'SYN-RECEIVED'));

    // From scratch again: close from both sides, and drop the 2nd ACK from the client (the
    // handshake's ACK is the 1st): the server retransmits its FIN from LAST-ACK.
    await page.locator('#pg-scenario').selectOption('');
    await page.locator('.tl-pg-events .tl-pg-add').click();
    await page.locator('.tl-pg-events .tl-pg-add').click();
    await page.locator('input[data-ptr="/events/2/at_ms"]').fill('200');
    await page.locator('input[data-ptr="/events/3/at_ms"]').fill('400');
    await page.locator('select[data-ptr="/events/3/endpoint"]').selectOption('server');
    await page.locator('.tl-pg-faults .tl-pg-add').click();
    const fault = page.locator('.tl-pg-faults li').nth(0);
    await fault.locator('input[value="SYN"]').uncheck();
    await fault.locator('input[value="ACK"]').check();
    await fault.locator('input[data-ptr="/network/faults/0/nth"]').fill('2');
    const t2 = await run(page);
    assert.deepEqual(t2, await api('/api/v1/simulations?scenario=lost-final-ack'), 'expected the lost-final-ack trace, built from scratch');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('predict mode asks for the next state of each side, then shows the truth', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await open(page, `${env.srv.base}/playground?lang=en`);
    await choose(page, 'handshake-and-close');
    await page.locator('.tl-pg-predict input[type="checkbox"]').check();
    const trace = await run(page);
    const fig = page.locator('section.tl-playground-result figure.tl-scenario');
    const panel = fig.locator('.tl-predict');
    await fig.locator('.tl-player .tl-next').click();
    await panel.locator('.tl-predict-q').waitFor();
    assert.equal(await fig.getAttribute('data-current-step'), '0', 'expected the step held back until the guess');
    // Step 1: the server calls listen → LISTEN; guess the client right and the server wrong.
    assert.equal(trace.steps[0].state_after, 'LISTEN');
    await panel.locator('select[data-endpoint="client"]').selectOption('CLOSED');
    await panel.locator('select[data-endpoint="server"]').selectOption('SYN-SENT');
    await panel.locator('.tl-predict-check').click();
    assert.equal(await fig.getAttribute('data-current-step'), '1', 'expected the step shown after the guess');
    assert.match(await panel.locator('li[data-endpoint="client"]').textContent(), /✓/);
    assert.match(await panel.locator('li[data-endpoint="server"]').textContent(), /✗ no, it is LISTEN/);
    assert.match(await panel.textContent(), /1 of 2/);
    // The ladder does not give the next steps away while predicting.
    assert.equal(await fig.locator('.tl-step[data-step="1"]').getAttribute('class').then((c) => /tl-unseen/.test(c)), false);
    assert.match(await fig.locator('.tl-step[data-step="2"]').getAttribute('class'), /tl-unseen/, 'expected step 2 hidden on the ladder');
    // The keyboard asks too; "Just show it" moves on without a guess.
    await fig.focus();
    await page.keyboard.press('ArrowRight');
    await panel.locator('.tl-predict-q').waitFor();
    assert.equal(await fig.getAttribute('data-current-step'), '1');
    await panel.locator('.tl-predict-skip').click();
    assert.equal(await fig.getAttribute('data-current-step'), '2');
    await screenshot(page, 'playground-predict');
    // Off: Next steps at once.
    await page.locator('.tl-pg-predict input[type="checkbox"]').uncheck();
    await fig.locator('.tl-player .tl-next').click();
    assert.equal(await fig.getAttribute('data-current-step'), '3');
    assert.equal(await fig.locator('.tl-unseen').count(), 0, 'expected every step visible again');
    await clean(log);
  } finally {
    await context.close();
  }
});

test('the JSON view validates as you type and names errors in plain words (en, zh-CN)', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await open(page, `${env.srv.base}/playground?lang=en`);
    await page.locator('.tl-pg-view[data-view="json"]').click();
    const box = page.locator('textarea.tl-pg-json-text');
    const status = page.locator('.tl-pg-json-status');
    await status.filter({ hasText: /Valid: the run has \d+ steps/ }).waitFor();
    const good = await box.inputValue();
    await box.fill(good.replace('"iss": 100', '"iss": 100,,'));
    await status.filter({ hasText: /not valid JSON \(line \d+, column \d+\)/ }).waitFor();
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    await box.fill(good.replace('"iss": 100', '"iss": 4294967296'));
    await status.filter({ hasText: 'Client ISN must be between 0 and 4294967295 (it is 4294967296).' }).waitFor();
    assert.doesNotMatch(await status.textContent(), /\/client\/iss/, 'expected words, not a JSON pointer');
    await screenshot(page, 'playground-json-error');
    // Back to the form: the last valid JSON object is what it shows, its field marked.
    await page.locator('.tl-pg-view[data-view="form"]').click();
    const iss = page.locator('input[data-ptr="/client/iss"]');
    assert.equal(await iss.inputValue(), '4294967296');
    await page.locator('input[data-ptr="/client/iss"][aria-invalid="true"]').waitFor();
    assert.match(await iss.locator('xpath=..').textContent(), /must be between 0 and 4294967295/);
    await page.locator('input[data-ptr="/network/latency_ms"]').fill('1.5');
    assert.match(await page.locator('input[data-ptr="/network/latency_ms"]').locator('xpath=..').textContent(), /must be a whole number/);
    await clean(log);

    await open(page, `${env.srv.base}/playground?lang=zh-CN`);
    await page.locator('.tl-pg-view[data-view="json"]').click();
    await status.filter({ hasText: /有效/ }).waitFor();
    await box.fill('{"events": [], "client": {"iss": -1}}');
    await status.filter({ hasText: '客户端初始序列号必须在 0 到 4294967295 之间（现在是 -1）。' }).waitFor();
    await box.fill('{"events": [');
    await status.filter({ hasText: /这不是有效的 JSON/ }).waitFor();
  } finally {
    await context.close();
  }
});

test('the form shows the server\'s ranges, and warns about combinations that make no sense', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await open(page, `${env.srv.base}/playground?lang=en`);
    const hint = async (ptr) => page.locator(`input[data-ptr="${ptr}"]`).locator('xpath=..').locator('.tl-hint').textContent();
    assert.match(await hint('/client/iss'), /^0 – 4294967295/);
    assert.match(await hint('/network/latency_ms'), /^0 – 9007199254740992/);
    assert.match(await hint('/timers/rto_ms'), /^1 – 3600000/);
    assert.match(await hint('/timers/max_retries'), /^0 – 20/);
    // The largest values the form allows are the largest the API takes, and one more is refused.
    const post = (sc) => fetch(`${env.srv.base}/api/v1/simulations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sc) });
    assert.equal((await post({ client: { iss: 4294967295 }, timers: { max_retries: 20, rto_ms: 3600000 }, events: [] })).status, 200);
    assert.equal((await post({ client: { iss: 4294967296 }, events: [] })).status, 422);
    assert.equal((await post({ timers: { max_retries: 21 }, events: [] })).status, 422);

    const warnings = page.locator('.tl-pg-warnings');
    assert.equal(await warnings.textContent(), '', 'expected no warning for the scratch handshake');
    await page.locator('.tl-pg-events .tl-pg-add').click(); // client close, 200 ms after the last event
    await page.locator('select[data-ptr="/events/2/call"]').selectOption('send');
    await page.locator('.tl-pg-events li').nth(1).locator('.tl-pg-remove').click(); // the client's connect
    await page.locator('input[data-ptr="/timers/rto_ms"]').fill('60');
    const text = await warnings.textContent();
    assert.match(text, /Event 2: the client calls send before it has opened a connection/);
    assert.match(text, /The RTO \(60 ms\) is shorter than a round trip \(100 ms\)/);
    await clean(log);
  } finally {
    await context.close();
  }
});

test('screenshots: 390 and 1280 px, en and zh-CN, light and dark; no sideways scroll on a phone', async () => {
  const dir = fs.existsSync(path.dirname(NOTES_SHOTS)) ? NOTES_SHOTS : shotDir;
  fs.mkdirSync(dir, { recursive: true });
  for (const width of [390, 1280]) {
    for (const lang of ['en', 'zh-CN']) {
      for (const scheme of ['light', 'dark']) {
        const { context, page, log } = await newPage(env.browser, { viewport: { width, height: width === 390 ? 844 : 800 }, colorScheme: scheme });
        try {
          await open(page, `${env.srv.base}/playground?lang=${lang}`);
          await choose(page, 'lost-fin');
          await page.locator('.tl-pg-predict input[type="checkbox"]').check();
          await run(page);
          const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(sideways <= 0, `${width} ${lang} ${scheme}: expected no sideways page scroll, saw ${sideways} px`);
          await page.screenshot({ path: path.join(dir, `playground-${width}-${lang}-${scheme}.png`), fullPage: true });
          await page.locator('section.tl-playground-result .tl-next').click();
          await page.screenshot({ path: path.join(dir, `playground-predict-${width}-${lang}-${scheme}.png`) });
          await clean(log);
        } finally {
          await context.close();
        }
      }
    }
  }
});

test('a phone: the form folds into parts with Run in reach, stays complete, and opens a part with an error', async () => {
  // The built-in with the most events and faults makes the longest form.
  const list = await api('/api/v1/scenarios');
  const names = (Array.isArray(list) ? list : list.scenarios).map((s) => s.name);
  let name = names[0];
  let most = -1;
  for (const n of names) {
    const { scenario } = await api(`/api/v1/scenarios/${n}`);
    const size = scenario.events.length + (scenario.network.faults || []).length;
    if (size > most) { most = size; name = n; }
  }
  const inputs = async (page) => page.locator('.tl-pg-fields').evaluate((f) => f.querySelectorAll('input, select').length);
  for (const lang of ['en', 'zh-CN']) {
    const wide = await newPage(env.browser, { viewport: { width: 1280, height: 800 } });
    const { context, page, log } = await newPage(env.browser, { viewport: { width: 390, height: 844 } });
    try {
      await open(wide.page, `${env.srv.base}/playground?lang=${lang}`);
      await choose(wide.page, name);
      assert.equal(await wide.page.locator('details.tl-pg-section:not([open])').count(), 0, `${lang}: expected every part of the form open at 1280 px`);
      const all = await inputs(wide.page);

      await open(page, `${env.srv.base}/playground?lang=${lang}`);
      await choose(page, name);
      const sections = page.locator('details.tl-pg-section');
      assert.equal(await sections.count(), 4, `${lang}: expected four parts (endpoints, network and timers, events, faults)`);
      assert.equal(await page.locator('details.tl-pg-section[open]').count(), 0, `${lang}: expected the parts folded on a phone`);
      assert.equal(await inputs(page), all, `${lang}: expected the folded form to hold every field`);
      const events = await page.locator('.tl-pg-section-events > summary').textContent();
      assert.ok(events.includes(`${(await api(`/api/v1/scenarios/${name}`)).scenario.events.length}`), `${lang}: expected the events' count in “${events}”`);
      const runTop = await page.locator('form.tl-playground button[type="submit"]').evaluate((b) => b.getBoundingClientRect().top + window.scrollY);
      assert.ok(runTop < 844 * 1.5, `${lang}: expected Run within a screen and a half of the top, at ${Math.round(runTop)} px`);
      await run(page);
      const figTop = await page.locator('section.tl-playground-result figure.tl-scenario').evaluate((f) => f.getBoundingClientRect().top + window.scrollY);
      assert.ok(figTop < 844 * 2.5, `${lang}: expected the result figure within two and a half screens of the top, at ${Math.round(figTop)} px`);
      // A part opens with a tap, and stays open when the form is drawn again.
      await page.locator('.tl-pg-section-faults > summary').click();
      await page.locator('.tl-pg-faults .tl-pg-add').click();
      assert.equal(await page.locator('.tl-pg-section-faults').evaluate((d) => d.open), true, `${lang}: expected the faults part to stay open`);
      // The server refuses a value in a folded part: that part opens to show it.
      await page.locator('.tl-pg-section-faults > summary').click();
      const rto = page.locator('input[data-ptr="/timers/rto_ms"]');
      await rto.evaluate((i) => { i.value = '0'; i.dispatchEvent(new Event('input', { bubbles: true })); });
      await page.locator('form.tl-playground button[type="submit"]').click();
      await page.locator('form.tl-playground .tl-errors:not([hidden])').waitFor();
      assert.equal(await page.locator('.tl-pg-section-network').evaluate((d) => d.open), true, `${lang}: expected the part with the refused RTO opened`);
      assert.equal(await rto.getAttribute('aria-invalid'), 'true');
      assert.ok(await rto.isVisible(), `${lang}: expected the refused field in view`);
      await clean(log);
    } finally {
      await context.close();
      await wide.context.close();
    }
  }
});
