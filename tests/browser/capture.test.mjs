// capture.test.mjs — the "Download for Wireshark" link (static/js/capture_link.js) in a real
// browser against the real server: under every figure of a lesson (English and Chinese), a
// link to the built-in's capture that downloads a pcap file; on the playground, after a run,
// a button that POSTs the scenario and downloads its capture (the same bytes as the CLI's
// for an unchanged built-in); on a saved simulation, a link to /api/v1/simulations/ID?format=pcap.
// Screenshots at 390 and 1280 px, en/zh, light/dark, to /work/notes/shots/pcapout/ when that
// directory exists (else tests/out/screenshots/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, shotDir, withLessonServer } from './helpers.mjs';

const env = withLessonServer();
const NOTES_SHOTS = '/work/notes/shots/pcapout';

async function clean(log) {
  assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
  assert.deepEqual(log.csp, [], 'expected no CSP violation');
  assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
  assert.deepEqual(log.consoleErrors, [], 'expected no console error');
}

/** A viewport screenshot with the first capture link in view. */
async function shot(page, name) {
  const dir = fs.existsSync(NOTES_SHOTS) ? NOTES_SHOTS : shotDir;
  fs.mkdirSync(dir, { recursive: true });
  await page.locator('.tl-capture-line').first().scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, Math.round(window.innerHeight / 3)));
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

async function downloaded(page, click) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

function isPcap(bytes) {
  return bytes.length > 24 && bytes.readUInt32LE(0) === 0xa1b2c3d4 && bytes.readUInt32LE(20) === 101;
}

for (const lang of ['en', 'zh-CN']) {
  test(`lesson figures (${lang}): each has a Download for Wireshark link to its built-in's capture`, async () => {
    const { context, page, log } = await newPage(env.browser);
    try {
      await page.goto(`${env.srv.base}/lessons/three-way-handshake?lang=${lang}`);
      await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
      const figures = await page.locator('figure.tl-scenario').count();
      assert.ok(figures >= 1);
      await page.locator('.tl-capture-line').nth(figures - 1).waitFor();
      assert.equal(await page.locator('.tl-capture-line').count(), figures, 'one link per figure');
      for (let i = 0; i < figures; i++) {
        const name = await page.locator('figure.tl-scenario').nth(i).getAttribute('data-scenario');
        const a = page.locator('figure.tl-scenario + p.tl-capture-line a.tl-capture').nth(i);
        assert.equal(await a.getAttribute('href'), `/api/v1/simulations?scenario=${name}&format=pcap`);
        assert.match(await a.textContent(), lang === 'en' ? /Download for Wireshark/ : /Wireshark/);
      }
      const note = await page.locator('.tl-capture-note').first().textContent();
      assert.match(note, lang === 'en' ? /dropped still appears/ : /被网络丢弃/);
      const first = page.locator('a.tl-capture').first();
      const name = await page.locator('figure.tl-scenario').first().getAttribute('data-scenario');
      const got = await downloaded(page, () => first.click());
      assert.equal(got.name, `tcplab-${name}.pcap`);
      assert.ok(isPcap(got.bytes), 'the download is a pcap file');
      await clean(log);
    } finally {
      await context.close();
    }
  });
}

test('playground: after a run, the button downloads the capture of the scenario as run; a saved simulation links to its own', async () => {
  const { context, page, log } = await newPage(env.browser);
  try {
    await page.goto(`${env.srv.base}/playground`);
    await page.locator('html[data-tl-playground="ready"]').waitFor({ state: 'attached' });
    await page.locator('#pg-scenario').selectOption('lost-syn-ack');
    await page.waitForURL(/#s=[A-Za-z0-9_-]+&from=lost-syn-ack$/);
    await page.locator('form.tl-playground button[type="submit"]').click();
    const button = page.locator('section.tl-playground-result button.tl-capture');
    await button.waitFor();
    const got = await downloaded(page, () => button.click());
    assert.equal(got.name, 'tcplab-simulation.pcap');
    const cli = await fetch(`${env.srv.base}/api/v1/simulations?scenario=lost-syn-ack&format=pcap`);
    assert.ok(got.bytes.equals(Buffer.from(await cli.arrayBuffer())), 'the built-in run unchanged gives the built-in\'s capture');
    await clean(log);

    const saved = await fetch(`${env.srv.base}/api/v1/simulations?save=true`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"scenario":"lost-fin"}',
    });
    const { id } = await saved.json();
    await page.goto(`${env.srv.base}/playground?sim=${id}`);
    const a = page.locator('section[data-sim] a.tl-capture');
    await a.waitFor();
    assert.equal(await a.getAttribute('href'), `/api/v1/simulations/${id}?format=pcap`);
    const dl = await downloaded(page, () => a.click());
    assert.equal(dl.name, `tcplab-${id}.pcap`);
    assert.ok(isPcap(dl.bytes));
    await clean(log);
  } finally {
    await context.close();
  }
});

test('screenshots: the link at 390 and 1280 px, English and Chinese, light and dark', async () => {
  for (const [w, h] of [[390, 844], [1280, 900]]) {
    for (const lang of ['en', 'zh-CN']) {
      for (const scheme of ['light', 'dark']) {
        const { context, page, log } = await newPage(env.browser, { viewport: { width: w, height: h }, colorScheme: scheme });
        try {
          await page.goto(`${env.srv.base}/lessons/three-way-handshake?lang=${lang}`);
          await page.locator('.tl-capture-line').first().waitFor();
          const box = await page.locator('.tl-capture-line').first().boundingBox();
          assert.ok(box.x >= 0 && box.x + box.width <= w + 1, `the line fits in ${w} px (x ${box.x}, width ${box.width})`);
          await shot(page, `lesson-${w}-${lang}-${scheme}`);
          await clean(log);
        } finally {
          await context.close();
        }
      }
    }
  }
  const { context, page } = await newPage(env.browser, { viewport: { width: 390, height: 844 } });
  try {
    await page.goto(`${env.srv.base}/playground?scenario=lost-fin&lang=zh-CN`);
    await page.locator('html[data-tl-playground="ready"]').waitFor({ state: 'attached' });
    const before = Number(await page.locator('section.tl-playground-result').getAttribute('data-runs')) || 0;
    await page.locator('form.tl-playground button[type="submit"]').click();
    // the run is over when its result figure is drawn and the form is no longer busy; the
    // element is looked up in the page at scroll time, as the result may be drawn again
    await page.locator(`section.tl-playground-result[data-runs="${before + 1}"] figure.tl-scenario.tl-js`).waitFor();
    await page.waitForFunction(() => !document.querySelector('form.tl-playground[aria-busy]'));
    await page.evaluate(() => document.querySelector('section.tl-playground-result .tl-capture').scrollIntoView({ block: 'center' }));
    const dir = fs.existsSync(NOTES_SHOTS) ? NOTES_SHOTS : shotDir;
    await page.screenshot({ path: path.join(dir, 'playground-390-zh-CN.png') });
  } finally {
    await context.close();
  }
});
