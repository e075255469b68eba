// tests/api/progress.test.mjs — a student's progress over HTTP: GET /api/v1/progress and
// GET /api/v1/progress/{slug} (who may ask; answered, solved, attempts and score per lesson;
// the latest answer, result and variant per question, for a reload to restore; one user
// never sees another's), the /progress page (303 to sign in, then the lessons with "N / M
// solved", in both languages), the header's Sign in link on every page (with a ?next= back
// to the page), the sign-in page's ?next= refusals, and where login.js sends each role.
// Exam mode (tests/fixtures/quiz-modes): the restored variant is the student's exam variant
// and a withheld explanation stays withheld.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, repoRoot, startServer } from './helpers.mjs';
import { cli, roleTokens } from './accounts-cli.mjs';
import { landingFor, safeNext } from '../../static/js/login.js';

const PW = (name) => `${name}-secret-12`;

async function signIn(base, name) {
  const r = await fetch(`${base}/api/v1/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PW(name) }),
  });
  assert.equal(r.status, 200, `sign-in of ${name}`);
  const { csrf_token: csrf } = await r.json();
  return { cookie: cookieHeaderFrom(r), 'x-csrf-token': csrf };
}

function client(base) {
  const get = (p, headers = {}) => fetch(`${base}${p}`, { redirect: 'manual', headers });
  const json = async (p, headers = {}) => {
    const r = await get(p, headers);
    return { status: r.status, headers: r.headers, body: await r.json().catch(() => null) };
  };
  const variant = async (qid, headers = {}, body) => {
    const r = await fetch(`${base}/api/v1/questions/${qid}/variants`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(r.status, 201);
    return r.json();
  };
  const submit = async (vid, headers, answer) => {
    const r = await fetch(`${base}/api/v1/variants/${vid}/submissions`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(answer),
    });
    assert.equal(r.status, 200, `answer to ${vid}`);
    return r.json();
  };
  return { get, json, variant, submit };
}

const handshakeLadder = (c, s) => ({
  segments: [
    { seq: c, ack: 0 },
    { seq: s, ack: (c + 1) % 4294967296 },
    { seq: (c + 1) % 4294967296, ack: (s + 1) % 4294967296 },
  ],
});

describe('progress API and pages (the bundled lessons)', () => {
  let dir, srv, api, tok;
  const s = {};
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-progress-'));
    const db = path.join(dir, 't.db');
    for (const name of ['sam', 'ria']) cli(db, ['user', 'add', '--role', 'student', name], { password: PW(name) });
    cli(db, ['user', 'add', '--role', 'instructor', 'ida'], { password: PW('ida') });
    tok = roleTokens(db);
    srv = await startServer({ db, args: ['--static', 'static', '--lessons', 'lessons'] });
    api = client(srv.base);
    for (const name of ['sam', 'ria', 'ida']) s[name] = await signIn(srv.base, name);
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('who may ask: anonymous 401, a token acting as no user 403, a user or a student token 200', async () => {
    for (const p of ['/api/v1/progress', '/api/v1/progress/three-way-handshake']) {
      const anon = await api.json(p);
      assert.equal(anon.status, 401, p);
      assert.match(anon.headers.get('content-type'), /^application\/problem\+json/);
      assert.match(anon.headers.get('www-authenticate') || '', /^Bearer/);
      assert.match(anon.body.detail, /sign in/);
      assert.equal((await api.json(p, { authorization: 'Bearer tl_not-a-token' })).status, 401, `${p} bad token`);
      for (const role of ['grader', 'instructor', 'admin']) {
        const r = await api.json(p, { authorization: `Bearer ${tok[role]}` });
        assert.equal(r.status, 403, `${p} ${role} token`);
        assert.match(r.body.detail, /per user/);
      }
      const st = await api.json(p, { authorization: `Bearer ${tok.student}` });
      assert.equal(st.status, 200, `${p} student token acting as a user`);
      assert.equal(st.body.user, 'tok-student');
      const me = await api.json(p, { cookie: s.sam.cookie });
      assert.equal(me.status, 200, `${p} session`);
      assert.equal(me.headers.get('cache-control'), 'no-store');
      assert.equal(me.body.user, 'sam');
    }
  });

  test('a fresh student: every lesson with its questions, nothing answered', async () => {
    const r = await api.json('/api/v1/progress', { cookie: s.ria.cookie });
    assert.equal(r.status, 200);
    const slugs = r.body.lessons.map((l) => l.slug);
    assert.ok(slugs.includes('three-way-handshake') && slugs.includes('time-wait'), slugs.join(' '));
    for (const l of r.body.lessons) {
      assert.equal(l.question_count, 6, l.slug);
      assert.deepEqual([l.answered, l.solved, l.attempts, l.score, l.last_at, l.mode], [0, 0, 0, 0, null, 'practice'], l.slug);
      assert.equal(l.locale, 'en');
    }
    assert.equal(r.body.question_count, 6 * r.body.lessons.length);
    assert.deepEqual([r.body.answered, r.body.solved, r.body.attempts], [0, 0, 0]);
    const zh = await api.json('/api/v1/progress?lang=zh-CN', { cookie: s.ria.cookie });
    const hs = zh.body.lessons.find((l) => l.slug === 'three-way-handshake');
    assert.equal(hs.locale, 'zh-CN');
    assert.match(hs.title, /握手/);
  });

  test('answers count: solved, answered, attempts, score; the latest answer is restored, the best decides solved', async () => {
    const h = s.sam;
    // q1 right at once; q3 (order) wrong then right; q5 (multiple) partly right; q6 right then wrong
    const r1 = await api.submit('v0-three-way-handshake.q1', h, { choice: 1 });
    assert.equal(r1.variant_id, 'v0-three-way-handshake.q1', 'the result names the variant answered');
    await api.submit('v0-three-way-handshake.q3', h, { order: [0, 1, 2] });
    await api.submit('v0-three-way-handshake.q3', h, { order: [2, 1, 0] });
    const partial = await api.submit('v0-three-way-handshake.q5', h, { choices: [0] });
    assert.ok(partial.score > 0 && partial.score < 1, `partial score ${partial.score}`);
    await api.submit('v0-three-way-handshake.q6', h, { choice: 1 });
    await api.submit('v0-three-way-handshake.q6', h, { choice: 0 });
    // q4 has numbers: the variant answered is the one restored
    const v = await api.variant('three-way-handshake.q4', h);
    const ladder = await api.submit(v.variant_id, h, handshakeLadder(v.params.client_iss, v.params.server_iss));
    assert.equal(ladder.score, 1);
    // a malformed answer is not an attempt; an anonymous one is not stored
    const bad = await api.submit('v0-three-way-handshake.q2', h, { state: 42 });
    assert.equal(bad.gradable, false);
    await api.submit('v0-three-way-handshake.q2', {}, { state: 'SYN-RECEIVED' });

    const list = await api.json('/api/v1/progress', { cookie: h.cookie });
    const hs = list.body.lessons.find((l) => l.slug === 'three-way-handshake');
    assert.deepEqual([hs.question_count, hs.answered, hs.solved, hs.attempts], [6, 5, 4, 7]);
    assert.ok(Math.abs(hs.score - (4 + partial.score) / 6) < 1e-9, `score ${hs.score}`);
    assert.ok(Number.isInteger(hs.last_at) && Math.abs(hs.last_at - Date.now() / 1000) < 600, `last_at ${hs.last_at}`);
    assert.deepEqual([list.body.answered, list.body.solved, list.body.attempts], [5, 4, 7]);

    const d = await api.json('/api/v1/progress/three-way-handshake', { cookie: h.cookie });
    assert.equal(d.status, 200);
    assert.equal(d.headers.get('cache-control'), 'no-store');
    assert.deepEqual([d.body.slug, d.body.question_count, d.body.solved, d.body.attempts], ['three-way-handshake', 6, 4, 7]);
    const q = Object.fromEntries(d.body.questions.map((x) => [x.id.split('.')[1], x]));
    assert.deepEqual(Object.keys(q), ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'], 'every question, in lesson order');
    assert.deepEqual([q.q1.type, q.q1.attempts, q.q1.solved, q.q1.best_score], ['single', 1, true, 1]);
    assert.deepEqual(q.q1.latest.answer, { choice: 1 });
    assert.equal(q.q1.latest.variant_id, 'v0-three-way-handshake.q1');
    assert.equal(q.q1.latest.result.score, 1);
    assert.equal(q.q1.latest.result.gradable, true);
    assert.ok(q.q1.latest.result.explanation, 'the stored result keeps what the student was shown');
    assert.deepEqual([q.q2.attempts, q.q2.latest], [0, null], 'malformed and anonymous answers are not attempts');
    assert.deepEqual([q.q3.attempts, q.q3.solved], [2, true]);
    assert.deepEqual(q.q3.latest.answer, { order: [2, 1, 0] });
    assert.deepEqual([q.q5.solved, q.q5.best_score], [false, partial.score]);
    assert.deepEqual(q.q6.latest.answer, { choice: 0 }, 'the latest answer is restored');
    assert.equal(q.q6.latest.score, 0);
    assert.deepEqual([q.q6.solved, q.q6.best_score], [true, 1], 'a later wrong answer does not unsolve');
    assert.equal(q.q4.type, 'ladder');
    assert.equal(q.q4.latest.variant_id, v.variant_id, 'the variant with the numbers the student saw');
    assert.deepEqual(q.q4.latest.answer, handshakeLadder(v.params.client_iss, v.params.server_iss));
    // asking for that variant again gives the same numbers back
    const seed = Number(/^v(\d+)-/.exec(v.variant_id)[1]);
    const again = await api.variant('three-way-handshake.q4', h, { seed });
    assert.deepEqual(again.params, v.params);

    // one student never sees another's answers
    const ria = await api.json('/api/v1/progress/three-way-handshake', { cookie: s.ria.cookie });
    assert.ok(ria.body.questions.every((x) => x.attempts === 0 && x.latest === null));
  });

  test('lesson progress: unknown or invalid slugs are 404; titles follow the language', async () => {
    for (const slug of ['no-such-lesson', 'UPPER', 'a%2Fb', 'x'.repeat(80)]) {
      const r = await api.json(`/api/v1/progress/${slug}`, { cookie: s.sam.cookie });
      assert.equal(r.status, 404, slug);
      assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
    }
    const zh = await api.json('/api/v1/progress/three-way-handshake?lang=zh-CN', { cookie: s.sam.cookie });
    assert.equal(zh.body.locale, 'zh-CN');
    assert.match(zh.body.title, /握手/);
  });

  test('GET /progress: anonymous → 303 to sign in; a student sees lessons, solved of total, score and attempts', async () => {
    const anon = await api.get('/progress');
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/login?next=/progress');
    assert.equal(anon.headers.get('cache-control'), 'no-store');
    assert.equal((await api.get('/progress', { authorization: `Bearer ${tok.instructor}` })).status, 303,
      'a token acting as no user has no progress page');

    const r = await api.get('/progress', { cookie: s.sam.cookie });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const html = await r.text();
    assert.match(html, /<h1>My progress<\/h1>/);
    assert.match(html, /Signed in as <strong>sam<\/strong>\./);
    assert.match(html, /You have solved 4 of the 48 questions in 8 lessons\./);
    const card = /<li class="tl-progress-lesson"><h2 class="tl-progress-title"><a href="\/lessons\/three-way-handshake">[\s\S]*?<\/li>\n/.exec(html)[0];
    assert.match(card, /<progress max="6" value="4" aria-label="4 of 6 questions solved"><\/progress> <span aria-hidden="true">4 \/ 6 solved<\/span>/);
    assert.match(card, /<dt>Score<\/dt><dd>\d+%<\/dd>/);
    assert.match(card, /<dt>Answers sent<\/dt><dd>7<\/dd>/);
    assert.match(card, /<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">/);
    assert.match(card, /<li class="tl-ok"><span class="tl-progress-q">Question 1<\/span> solved · 1 answer<\/li>/);
    assert.match(card, /<li class="tl-partial"><span class="tl-progress-q">Question 5<\/span> best score \d+% · 1 answer<\/li>/);
    assert.match(card, /<li class="tl-none"><span class="tl-progress-q">Question 2<\/span> not answered yet<\/li>/);
    const untouched = /<a href="\/lessons\/time-wait">[\s\S]*?<\/li>\n/.exec(html)[0];
    assert.match(untouched, /0 \/ 6 solved/);
    assert.match(untouched, /<p class="tl-progress-none">Not started<\/p>/);
    assert.doesNotMatch(html, /style=/, 'no inline style');
    assert.doesNotMatch(html, /<script(?![^>]*src=)/, 'no inline script');

    const zh = await (await api.get('/progress?lang=zh-CN', { cookie: s.sam.cookie })).text();
    assert.match(zh, /<html lang="zh-CN">/);
    assert.match(zh, /<h1>我的学习进度<\/h1>/);
    assert.match(zh, /当前账号：<strong>sam<\/strong><\/p>/);
    assert.match(zh, /8 课共 48 道题，你已答对 4 道。/);
    assert.match(zh, /aria-label="6 道题中已答对 4 道"/);
    assert.match(zh, /<dt>作答次数<\/dt><dd>7<\/dd>/);
    assert.match(zh, /第 1 题<\/span> 已答对 · 作答 1 次/);

    const fresh = await (await api.get('/progress', { cookie: s.ria.cookie })).text();
    assert.match(fresh, /No answers yet\./);
    assert.doesNotMatch(fresh, /tl-progress-details/, 'no per-question list before any answer');
  });

  test('every page has a Sign in link in its header that comes back to the page', async () => {
    const cases = [
      ['/lessons/three-way-handshake', '/login?next=/lessons/three-way-handshake'],
      ['/lessons', '/login?next=/lessons'],
      ['/playground?scenario=lost-syn', '/login?next=/playground%3Fscenario%3Dlost-syn'],
      ['/lessons/no-such-lesson', '/login?next=/lessons/no-such-lesson'],
      ['/', '/login'],
      ['/login?next=/lessons', '/login'],
    ];
    for (const [p, href] of cases) {
      const html = await (await api.get(p)).text();
      const header = /<header class="tl-header">[\s\S]*?<\/header>/.exec(html)[0];
      const link = /<a class="tl-signin" href="([^"]*)"/.exec(header);
      assert.ok(link, `${p}: a Sign in link in the header`);
      assert.equal(link[1], href, p);
      assert.match(header, /data-msg-signout="Sign out"/, p);
    }
    const editor = await (await api.get('/editor', { authorization: `Bearer ${tok.student}` })).text();
    assert.match(editor, /<a class="tl-signin" href="\/login\?next=\/editor"/);
    const zh = await (await api.get('/lessons?lang=zh-CN')).text();
    assert.match(zh, /<a class="tl-signin" href="\/login\?next=\/lessons">登录<\/a>/);
    assert.match(zh, /data-msg-progress="我的进度"/);
    assert.match(zh, /data-msg-keep="\{link\}后，你的答案会保存下来，还能查看学习进度。"/);
  });

  test('the sign-in page keeps only a path on this site as ?next= (open-redirect refusals)', async () => {
    const dataNext = async (q) => /data-next="([^"]*)"/.exec(await (await api.get(`/login${q}`)).text())[1];
    assert.equal(await dataNext(''), '', 'no next: the role decides');
    assert.equal(await dataNext('?next=/lessons/time-wait'), '/lessons/time-wait');
    assert.equal(await dataNext(`?next=${encodeURIComponent('/playground?scenario=lost-syn')}`), '/playground?scenario=lost-syn');
    for (const evil of ['//evil.example/x', '///evil.example', 'https://evil.example/', 'http:/evil.example', '/\\evil.example',
      '/%5C%5Cevil', 'javascript:alert(1)', '/lessons//evil.example', 'evil.example', '/x"><b>', ' /lessons', '/a#b']) {
      const got = await dataNext(`?next=${encodeURIComponent(evil)}`);
      assert.ok(got === '' || (got.startsWith('/') && !got.includes('//') && !got.includes('\\')), `next=${evil} gave ${got}`);
      if (evil !== '/%5C%5Cevil') assert.equal(got, '', `next=${evil} refused`);
    }
    // the language switch keeps a good next
    const html = await (await api.get('/login?next=/lessons/time-wait')).text();
    assert.match(html, /href="\?next=\/lessons\/time-wait&amp;lang=zh-CN"/);
  });

  test('login.js: where each role lands after signing in, and next= refusals', () => {
    assert.equal(landingFor('student', '/lessons/time-wait'), '/lessons/time-wait');
    assert.equal(landingFor('student', ''), '/lessons');
    assert.equal(landingFor('student', '/editor'), '/lessons', 'a student never lands on the editor');
    assert.equal(landingFor('student', '/editor?slug=reset'), '/lessons');
    assert.equal(landingFor('student', '/%65ditor'), '/lessons');
    assert.equal(landingFor('instructor', ''), '/editor');
    assert.equal(landingFor('admin', undefined), '/editor');
    assert.equal(landingFor('instructor', '/lessons/reset'), '/lessons/reset');
    assert.equal(landingFor('instructor', '/editor?slug=reset&locale=zh-CN'), '/editor?slug=reset&locale=zh-CN');
    for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example', '\\\\evil', 'javascript:alert(1)',
      '/a//b', 'evil', '/x y', '/' + 'a'.repeat(200), null, 42]) {
      assert.equal(safeNext(evil), '', String(evil));
      assert.equal(landingFor('student', evil), '/lessons', String(evil));
      assert.equal(landingFor('instructor', evil), '/editor', String(evil));
    }
  });
});

describe('progress in exam mode (tests/fixtures/quiz-modes)', () => {
  let dir, srv, api, sam;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-progress-exam-'));
    const db = path.join(dir, 't.db');
    const lessons = path.join(dir, 'lessons');
    cpSync(path.join(repoRoot, 'tests/fixtures/quiz-modes'), lessons, { recursive: true });
    cli(db, ['user', 'add', '--role', 'student', 'sam'], { password: PW('sam') });
    srv = await startServer({ db, args: ['--lessons', lessons] });
    api = client(srv.base);
    sam = await signIn(srv.base, 'sam');
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the restored variant is the exam variant; a withheld explanation stays withheld', async () => {
    const v = await api.variant('exam-demo.q2', sam);
    assert.equal(v.mode, 'exam');
    const iss = v.params.client_iss;
    const wrong = { segments: [{ seq: (iss + 7) % 4294967296, ack: 0 }, { seq: 0, ack: (iss + 1) % 4294967296 }] };
    const r = await api.submit(v.variant_id, sam, wrong);
    assert.equal(r.attempt, 1);
    assert.equal(r.explanation, null);
    const d = await api.json('/api/v1/progress/exam-demo', { cookie: sam.cookie });
    assert.equal(d.body.mode, 'exam');
    const q2 = d.body.questions.find((x) => x.id === 'exam-demo.q2');
    assert.equal(q2.latest.variant_id, v.variant_id);
    assert.equal((await api.variant('exam-demo.q2', sam)).variant_id, q2.latest.variant_id, 'the same variant comes back');
    assert.equal(q2.latest.result.explanation, null, 'the explanation is not given away by the restore');
    assert.deepEqual([q2.latest.result.mode, q2.latest.result.attempt, q2.latest.result.attempts_left], ['exam', 1, 2]);
    const list = await api.json('/api/v1/progress', { cookie: sam.cookie });
    assert.deepEqual(list.body.lessons.map((l) => [l.slug, l.mode]).sort(), [['exam-demo', 'exam'], ['practice-demo', 'practice']]);
    const page = await (await api.get('/progress', { cookie: sam.cookie })).text();
    assert.match(page, /<a href="\/lessons\/exam-demo">Exam demo<\/a> <span class="tl-progress-mode" lang="en">Exam<\/span>/);
  });
});
