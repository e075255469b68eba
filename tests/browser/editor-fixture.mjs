// editor-fixture.mjs — what the editor browser tests share: a server with an instructor
// (ida), a student (stu) and an instructor token, sign-in through the API (the session cookie
// lands in the page's context), opening a lesson, the page guards, and screenshots into
// /work/notes/shots/editor/ as well as tests/out/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../api/helpers.mjs';
import { cli } from '../api/accounts-cli.mjs';
import { launchBrowser, screenshot } from './helpers.mjs';

export const PW = { ida: 'ida-secret-12', stu: 'stu-secret-12' };
const NOTES_SHOTS = process.env.TCPLAB_EDITOR_SHOTS || '';

export function editorFixture() {
  const env = { srv: null, browser: null, token: null, dir: null };
  env.setup = async () => {
    env.dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-editor-b-'));
    const db = path.join(env.dir, 't.db');
    env.db = db;
    cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: PW.ida });
    cli(db, ['user', 'add', '--role', 'student', 'stu'], { password: PW.stu });
    env.token = cli(db, ['token', 'create', '--role', 'instructor', '--name', 'other-instructor']).trim();
    env.srv = await startServer({ db });
    env.browser = await launchBrowser();
  };
  env.teardown = async () => {
    if (env.browser) await env.browser.close();
    if (env.srv) assert.equal(await env.srv.stop(), 0);
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  };
  /** The API as the other instructor (bearer token). */
  env.api = async (method, p, { body, etag } = {}) => {
    const headers = { authorization: `Bearer ${env.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (etag) headers['if-match'] = etag;
    const r = await fetch(`${env.srv.base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, etag: r.headers.get('etag'), body: await r.json().catch(() => null) };
  };
  /** Signs `page`'s context in as `name` through POST /api/v1/login. */
  env.signIn = async (page, name) => {
    const r = await page.request.post(`${env.srv.base}/api/v1/login`, { data: { name, password: PW[name] } });
    assert.equal(r.status(), 200, `sign-in of ${name}`);
  };
  /** Opens the editor on slug/locale and waits until the lesson, preview and check are in. */
  env.open = async (page, slug, locale = 'en', lang = locale) => {
    await page.goto(`${env.srv.base}/editor?slug=${slug}&locale=${locale}&lang=${lang}`);
    await page.locator('section.tl-editor[data-editor-state="ready"]').waitFor({ state: 'attached' });
    await page.locator('section.tl-editor[data-check-seq]').waitFor({ state: 'attached' });
  };
  /** Guards: no offsite request, CSP violation or script error; HTTP errors only those listed. */
  env.clean = async (log, expectedHttp = []) => {
    const http = log.httpErrors.map((e) => e.replace(env.srv.base, ''));
    for (const e of http) assert.ok(expectedHttp.some((re) => re.test(e)), `unexpected HTTP error: ${e}`);
    const statuses = new Set(http.map((e) => e.split(' ')[0]));
    const errors = log.consoleErrors.filter((t) => {
      const m = /^Failed to load resource: the server responded with a status of (\d+)/.exec(t);
      return !(m && statuses.has(m[1]));
    });
    assert.deepEqual(log.offsite, [], 'expected no request to leave 127.0.0.1');
    assert.deepEqual(log.csp, [], 'expected no CSP violation reported in the console');
    assert.deepEqual(await log.cspInPage(), [], 'expected no securitypolicyviolation event');
    assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
    assert.deepEqual(errors, [], 'expected no console error');
  };
  return env;
}

/** Screenshot into tests/out/screenshots/ and, when TCPLAB_EDITOR_SHOTS names a folder, there. */
export async function shot(page, name) {
  const file = await screenshot(page, name);
  if (NOTES_SHOTS) {
    mkdirSync(NOTES_SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(NOTES_SHOTS, `${name}.png`), fullPage: true });
  }
  return file;
}
