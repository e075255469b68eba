// quiz-retry.test.mjs — a signed-in student's quiz answer whose response is lost on the way
// back (the server recorded it; the page saw a network error): answering again sends the
// same Idempotency-Key, the server answers from its record (Idempotent-Replayed) instead of
// counting a second attempt, and a different answer gets a new key (static/js/quiz.js,
// server/web/api_quiz.c).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/helpers.mjs';
import { cli } from '../api/accounts-cli.mjs';
import { launchBrowser, newPage } from './helpers.mjs';

let dir;
let srv;
let browser;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-qr-'));
  const db = path.join(dir, 't.db');
  cli(db, ['user', 'add', '--role', 'student', 'sam'], { password: 'sam-secret-12' });
  srv = await startServer({ db, args: ['--static', 'static', '--lessons', 'lessons'] });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a lost quiz response: the same answer again reuses its Idempotency-Key and is replayed', async () => {
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${srv.base}/lessons/three-way-handshake?lang=en`);
    const status = await page.evaluate(async () => (await fetch('/api/v1/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'sam', password: 'sam-secret-12' }),
      credentials: 'same-origin',
    })).status);
    assert.equal(status, 200, 'expected the student to sign in');

    const sent = [];
    let loseNext = true;
    await page.route('**/api/v1/variants/*/submissions', async (route) => {
      const req = route.request();
      sent.push({ key: req.headers()['idempotency-key'], body: req.postData() });
      if (loseNext) {
        loseNext = false;
        await route.fetch(); // the server grades and records it ...
        return route.abort('connectionreset'); // ... and the page never hears back
      }
      return route.continue();
    });

    const q = page.locator('form.tl-question[data-question="three-way-handshake.q1"]');
    const feedback = q.locator('.tl-feedback');
    await q.locator('input[name="choice"][value="0"]').check();
    await q.locator('button[type="submit"]').click();
    await page.waitForFunction((el) => el && el.textContent.trim() !== '', await feedback.elementHandle());
    assert.doesNotMatch(await feedback.textContent(), /points/, 'expected a network error, not a result');

    const answered = page.waitForResponse((r) => r.url().includes('/submissions'));
    await q.locator('button[type="submit"]').click();
    const r = await answered;
    assert.equal(r.status(), 200);
    assert.equal(r.headers()['idempotent-replayed'], 'true', 'expected the recorded answer, replayed');
    await q.locator('.tl-feedback .tl-verdict').waitFor();
    assert.match(await feedback.textContent(), /of 1 points/);

    const next = page.waitForResponse((r2) => r2.url().includes('/submissions'));
    await q.locator('input[name="choice"][value="1"]').check();
    await q.locator('button[type="submit"]').click();
    const r3 = await next;
    assert.equal(r3.headers()['idempotent-replayed'], undefined, 'a new answer is graded anew');

    assert.equal(sent.length, 3);
    for (const s of sent) assert.match(s.key || '', /^[0-9a-f]{32}$/);
    assert.equal(sent[1].key, sent[0].key, 'the retry of the same answer keeps the key');
    assert.equal(sent[1].body, sent[0].body);
    assert.notEqual(sent[2].key, sent[1].key, 'another answer, another key');
    assert.deepEqual(log.offsite, []);
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await context.close();
  }
});
