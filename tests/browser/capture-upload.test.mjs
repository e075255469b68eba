// capture-upload.test.mjs — the "Your capture" page (/capture): in English and Chinese, light and
// dark, on a 390×844 phone and a 1280×800 desktop, a student uploads a capture recorded from
// the Linux stack (tests/fixtures/captures/), gets the connection, the observations and the
// lesson figure, and steps through it with the player (the figure's data-client-state /
// data-server-state follow the trace); a file that is not a capture gets the problem's
// detail in the status line. No console errors, no CSP violations, nothing leaves
// 127.0.0.1. Screenshots: tests/out/screenshots/capture-*.png (copied to
// /work/notes/shots/pcapin/ when that folder exists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, screenshot, repoRoot, withLessonServer } from './helpers.mjs';

const env = withLessonServer();
const FIX = path.join(repoRoot, 'tests/fixtures/captures');
const NOTES = '/work/notes/shots/pcapin';

async function shot(page, name) {
  const file = await screenshot(page, name);
  if (fs.existsSync(path.dirname(NOTES))) {
    fs.mkdirSync(NOTES, { recursive: true });
    fs.copyFileSync(file, path.join(NOTES, `${name}.png`));
  }
}

async function upload(page, file) {
  await page.setInputFiles('#tl-capture-file', path.join(FIX, file));
  await page.click('form.tl-capture-form button[type="submit"]');
}

for (const [lang, viewport, scheme] of [['en', { width: 1280, height: 800 }, 'light'], ['zh-CN', { width: 390, height: 844 }, 'dark'], ['en', { width: 390, height: 844 }, 'light'], ['zh-CN', { width: 1280, height: 800 }, 'dark']]) {
  test(`capture page ${lang} ${viewport.width}px ${scheme}: upload, observe, step through`, async () => {
    const { page, log, context } = await newPage(env.browser, { viewport, colorScheme: scheme });
    await page.goto(`${env.srv.base}/capture?lang=${lang}`);
    await page.waitForSelector('html[data-tl-ready="1"]');
    const pre = await page.locator('.tl-capture-how code').first().textContent();
    assert.match(pre, /tcpdump -i any -s 0 -w my\.pcap/);
    assert.match(await page.locator('.tl-capture-how').textContent(), /Wireshark/);
    await upload(page, 'abort.pcap');
    await page.waitForSelector('.tl-capture-result figure.tl-scenario[data-current-step]');
    const obs = page.locator('.tl-capture-obs li[data-kind="rst-ack-abort"]');
    assert.equal(await obs.count(), 1);
    assert.match(await obs.textContent(), lang === 'en' ? /RST,ACK/ : /复位/);
    const fig = page.locator('.tl-capture-result figure.tl-scenario');
    const trace = JSON.parse(await fig.locator('script.tl-trace').textContent());
    assert.equal(trace.steps.length, 12);
    const next = fig.locator('button.tl-next');
    for (let k = 1; k <= trace.steps.length; k++) {
      await next.click();
      const step = trace.steps[k - 1];
      const side = step.endpoint === 'client' ? 'data-client-state' : 'data-server-state';
      assert.equal(await fig.getAttribute(side), step.state_after, `step ${k}`);
    }
    assert.equal(await fig.getAttribute('data-client-state'), 'CLOSED');
    await shot(page, `capture-${lang}-${viewport.width}-${scheme}`);
    assert.deepEqual(log.offsite, []);
    assert.deepEqual(log.consoleErrors, []);
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(await log.cspInPage(), []);
    await context.close();
  });
}

test('capture page: a file that is not a capture is refused with its reason', async () => {
  const { page, context } = await newPage(env.browser);
  await page.goto(`${env.srv.base}/capture?lang=en`);
  await page.waitForSelector('html[data-tl-ready="1"]');
  await page.setInputFiles('#tl-capture-file', { name: 'notes.pcap', mimeType: 'application/vnd.tcpdump.pcap', buffer: Buffer.from('this is not a capture') });
  await page.click('form.tl-capture-form button[type="submit"]');
  await page.waitForFunction(() => /not a pcap or pcapng file/.test(document.querySelector('.tl-capture-status').textContent));
  assert.equal(await page.locator('.tl-capture-result figure').count(), 0);
  await shot(page, 'capture-en-error');
  await context.close();
});

// Save and share: after an analysis "Save and share" stores the file and shows its link; the
// link opened in a fresh context (no cookies, another student) shows the same connection
// server-rendered, in its own language, and the player steps through it from the keyboard.
for (const [lang, viewport, scheme] of [['en', { width: 1280, height: 800 }, 'light'], ['zh-CN', { width: 390, height: 844 }, 'dark']]) {
  test(`capture page ${lang} ${viewport.width}px ${scheme}: save, share, open the link elsewhere, step with the keyboard`, async () => {
    const { page, log, context } = await newPage(env.browser, { viewport, colorScheme: scheme });
    await page.goto(`${env.srv.base}/capture?lang=${lang}`);
    await page.waitForSelector('html[data-tl-ready="1"]');
    assert.equal(await page.locator('.tl-capture-save').isVisible(), false);
    await upload(page, 'abort.pcap');
    await page.waitForSelector('.tl-capture-result figure.tl-scenario[data-current-step]');
    await page.click('button.tl-capture-save-button');
    await page.waitForSelector('.tl-capture-save a.tl-share[href*="/capture/"]', { state: 'visible' });
    const href = await page.locator('.tl-capture-save a.tl-share').getAttribute('href');
    assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/capture\/[A-Za-z0-9_-]{22}$/);
    assert.match(await page.locator('.tl-capture-status').textContent(), lang === 'en' ? /Saved/ : /已保存/);
    await shot(page, `capture-saved-${lang}-${viewport.width}-${scheme}`);
    assert.deepEqual(log.consoleErrors, []);
    await context.close();

    const other = await newPage(env.browser, { viewport, colorScheme: scheme, locale: lang });
    await other.page.goto(`${href}?lang=${lang}`);
    await other.page.waitForSelector('html[data-tl-ready="1"]');
    assert.equal(await other.page.locator('html').getAttribute('lang'), lang);
    assert.match(await other.page.locator('h1').textContent(), lang === 'en' ? /A shared capture/ : /分享的抓包/);
    const fig = other.page.locator('.tl-capture-result figure.tl-scenario');
    await other.page.waitForSelector('.tl-capture-result figure.tl-scenario[data-current-step]');
    const trace = JSON.parse(await fig.locator('script.tl-trace').textContent());
    assert.equal(trace.steps.length, 12);
    await fig.focus();
    for (let k = 1; k <= trace.steps.length; k++) {
      await other.page.keyboard.press('ArrowRight');
      const step = trace.steps[k - 1];
      const side = step.endpoint === 'client' ? 'data-client-state' : 'data-server-state';
      assert.equal(await fig.getAttribute(side), step.state_after, `step ${k}`);
    }
    await other.page.keyboard.press('Home');
    assert.equal(await fig.getAttribute('data-current-step'), '0');
    assert.equal(await other.page.locator('.tl-capture-obs li[data-kind="rst-ack-abort"]').count(), 1);
    await shot(other.page, `capture-shared-${lang}-${viewport.width}-${scheme}`);
    assert.deepEqual(other.log.offsite, []);
    assert.deepEqual(other.log.consoleErrors, []);
    assert.deepEqual(other.log.pageErrors, []);
    assert.deepEqual(await other.log.cspInPage(), []);
    await other.context.close();
  });
}
