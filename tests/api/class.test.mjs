// class.test.mjs — the class API: roster import (CSV and JSON) with per-line errors and
// nothing half-done, dry run, idempotent re-import, sign-in links, remove and reset, the
// section filter on every class read, the class overview's numbers against the gradebook's,
// attempt histories, size limits, and students refused.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cookieHeaderFrom, startServer } from './helpers.mjs';
import { cli, roleTokens } from './accounts-cli.mjs';

const ROSTER = [
  'name,login,email,section',
  'Ada Lovelace,ada,ada@example.org,A',
  '"Hopper, Grace",grace,,A',
  '张伟,zhangwei,zw@example.cn,B',
  'José Núñez,jose,,B',
].join('\r\n') + '\r\n';

describe('class', () => {
  let dir, db, srv, tok;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-class-'));
    db = path.join(dir, 't.db');
    tok = roleTokens(db);
    cli(db, ['user', 'add', '--role', 'instructor', 'prof'], { password: 'prof-secret-1' });
    srv = await startServer({ db });
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method, url, { role = 'instructor', body, type, headers = {} } = {}) => fetch(`${srv.base}${url}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': type || (typeof body === 'string' ? 'text/csv' : 'application/json') } : {}),
      ...(role ? { authorization: `Bearer ${tok[role]}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = async (r) => ({ status: r.status, body: await r.json() });
  const roster = async (q = '') => (await (await call('GET', `/api/v1/roster${q}`)).json()).students.map((s) => s.login);

  test('students and anonymous callers are refused', async () => {
    for (const [m, u] of [['POST', '/api/v1/roster/import'], ['GET', '/api/v1/roster'], ['GET', '/api/v1/class'],
      ['GET', '/api/v1/class/students/ada/attempts'], ['DELETE', '/api/v1/roster/ada'], ['POST', '/api/v1/roster/ada/reset']]) {
      const body = m === 'POST' && u.endsWith('import') ? ROSTER : undefined;
      assert.equal((await call(m, u, { role: 'student', body })).status, 403, `${m} ${u} student`);
      assert.equal((await call(m, u, { role: null, body })).status, 401, `${m} ${u} anonymous`);
    }
    assert.deepEqual(await roster(), ['tok-student'], 'nothing imported by refused calls');
  });

  test('a malformed line, a duplicate login and a bad e-mail: every line named, nothing imported', async () => {
    const bad = [
      'name,login,email,section',
      'Ada Lovelace,ada,ada@example.org,A',
      '张伟,zhangwei,,B',
      'Again,ada,,B',
      'No Mail,nomail,not-an-address,A',
      ',,,A',
      'Bad "quote",bq,,A',
      `${'x'.repeat(201)},long,,A`,
      '"never closed,zz,,A',
    ].join('\n');
    const r = await json(await call('POST', '/api/v1/roster/import', { body: bad }));
    assert.equal(r.status, 422);
    assert.match(r.body.detail, /nothing was imported/);
    const at = (line) => r.body.errors.filter((e) => e.line === line).map((e) => `${e.column}: ${e.detail}`).join(' | ');
    assert.match(at(4), /^login: .*"ada" is already on line 2/);
    assert.match(at(5), /^email: /);
    assert.match(at(6), /^login: the login is empty/);
    assert.match(at(7), /^name: field 1: a double quote inside an unquoted field/);
    assert.match(at(8), /^name: the name is longer than 200 bytes/);
    assert.match(at(9), /^name: field 1: a quoted field is not closed/);
    assert.equal(r.body.error_count, 6);
    assert.equal(at(2), '', 'a good line has no error');
    assert.equal(at(3), '', 'a Chinese name is fine');
    assert.deepEqual(await roster(), ['tok-student'], 'nothing half-done');
  });

  test('a header without a login column, an empty file, another type', async () => {
    let r = await json(await call('POST', '/api/v1/roster/import', { body: 'name,email\nA,a@b.c\n' }));
    assert.equal(r.status, 422);
    assert.equal(r.body.errors[0].line, 1);
    assert.match(r.body.errors[0].detail, /no login column/);
    r = await json(await call('POST', '/api/v1/roster/import', { body: '' }));
    assert.equal(r.status, 422);
    assert.equal((await call('POST', '/api/v1/roster/import', { body: 'x', type: 'application/xml' })).status, 415);
  });

  test('dry run previews and stores nothing; the import creates links once; re-import changes nothing', async () => {
    const dry = await json(await call('POST', '/api/v1/roster/import?dry_run=1', { body: ROSTER }));
    assert.equal(dry.status, 200);
    assert.deepEqual([dry.body.dry_run, dry.body.created, dry.body.updated, dry.body.unchanged], [true, 4, 0, 0]);
    assert.ok(dry.body.students.every((s) => !s.signin_url), 'a dry run shows no links');
    assert.deepEqual(dry.body.students.map((s) => [s.line, s.login, s.action]),
      [[2, 'ada', 'created'], [3, 'grace', 'created'], [4, 'zhangwei', 'created'], [5, 'jose', 'created']]);
    assert.deepEqual(await roster(), ['tok-student']);

    const imp = await json(await call('POST', '/api/v1/roster/import', { body: ROSTER }));
    assert.equal(imp.status, 200);
    assert.equal(imp.body.created, 4);
    assert.ok(imp.body.students.every((s) => /^\/signin#tl_[A-Za-z0-9_-]+$/.test(s.signin_url)));
    assert.equal(imp.body.students.find((s) => s.login === 'zhangwei').name, '张伟');
    assert.equal(imp.body.students.find((s) => s.login === 'grace').name, 'Hopper, Grace');

    const again = await json(await call('POST', '/api/v1/roster/import', { body: ROSTER }));
    assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 0, 4]);
    assert.ok(again.body.students.every((s) => !s.signin_url), 'no new links on re-import');

    const moved = await json(await call('POST', '/api/v1/roster/import', { body: ROSTER.replace('José Núñez,jose,,B', 'José Núñez,jose,jose@example.org,A') }));
    assert.deepEqual([moved.body.created, moved.body.updated, moved.body.unchanged], [0, 1, 3]);
    const list = await (await call('GET', '/api/v1/roster')).json();
    const jose = list.students.find((s) => s.login === 'jose');
    assert.deepEqual([jose.section, jose.email, jose.has_password, jose.link_pending], ['A', 'jose@example.org', false, true]);
    assert.deepEqual(list.sections.map((s) => [s.name, s.students]), [['', 1], ['A', 3], ['B', 1]]);
  });

  test('JSON rows: errors by JSON pointer; a staff login is refused (409) and nothing changes', async () => {
    let r = await json(await call('POST', '/api/v1/roster/import', { body: { students: [{ login: 'ok1', name: 'Ok' }, { login: 'bad login' }, { login: 'ok1' }] } }));
    assert.equal(r.status, 422);
    assert.deepEqual(r.body.errors.map((e) => e.pointer), ['/students/1/login', '/students/2/login']);
    r = await json(await call('POST', '/api/v1/roster/import', { body: 'name,login\nNew,newbie\nProf,prof\n' }));
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.errors.map((e) => [e.line, e.column]), [[3, 'login']]);
    assert.ok(!(await roster()).includes('newbie'), 'the good row of a refused import is not stored');
  });

  test('too many rows is a 413', async () => {
    const rows = ['login', ...Array.from({ length: 10001 }, (_, i) => `u${i}`)].join('\n');
    const r = await call('POST', '/api/v1/roster/import?dry_run=1', { body: rows });
    assert.equal(r.status, 413);
    assert.match((await r.json()).detail, /at most 10000/);
  });

  test('a sign-in link signs in once and lets the student set a password; reset issues a new one', async () => {
    const imp = await json(await call('POST', '/api/v1/roster/import', { body: 'name,login,section\nLin,lin,B\n' }));
    const token = imp.body.students[0].signin_url.split('#')[1];
    const signin = (t) => fetch(`${srv.base}/api/v1/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: t }) });
    const s = await signin(token);
    assert.equal(s.status, 200);
    const sb = await s.json();
    assert.deepEqual([sb.name, sb.role, sb.set_password], ['lin', 'student', true]);
    const cookie = cookieHeaderFrom(s);
    assert.equal((await signin(token)).status, 401, 'a link works once');
    const pw = await fetch(`${srv.base}/api/v1/me/password`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': sb.csrf_token }, body: JSON.stringify({ password: 'lin-secret-1' }),
    });
    assert.equal(pw.status, 204);
    const login = (p) => fetch(`${srv.base}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'lin', password: p }) });
    assert.equal((await login('lin-secret-1')).status, 200);
    assert.ok((await (await call('GET', '/api/v1/roster')).json()).students.find((x) => x.login === 'lin').has_password);

    const reset = await json(await call('POST', '/api/v1/roster/lin/reset'));
    assert.equal(reset.status, 200);
    assert.match(reset.body.signin_url, /^\/signin#tl_/);
    assert.equal((await login('lin-secret-1')).status, 401, 'the old password stops working');
    assert.equal((await signin(reset.body.signin_url.split('#')[1])).status, 200);
    assert.equal((await call('POST', '/api/v1/roster/nobody/reset')).status, 404);
    assert.equal((await call('POST', '/api/v1/roster/prof/reset')).status, 404, 'staff are not reset here');
  });

  test('section filter, progress equal to the gradebook, statistics, attempt history, remove', async () => {
    // quiz answers by students acting through their own tokens
    const stok = {};
    for (const u of ['ada', 'grace', 'zhangwei']) stok[u] = cli(db, ['token', 'create', '--role', 'student', '--name', `t-${u}`, '--user', u]).trim();
    const answer = (u, q, choice) => fetch(`${srv.base}/api/v1/variants/v0-three-way-handshake.${q}/submissions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${stok[u]}` }, body: JSON.stringify({ choice }),
    }).then((r) => r.json());
    await answer('ada', 'q1', 0);
    await answer('ada', 'q1', 1);
    await answer('grace', 'q1', 2);
    await answer('zhangwei', 'q1', 1);

    assert.deepEqual(await roster('?section=A'), ['ada', 'grace', 'jose']);
    assert.deepEqual(await roster('?section=B'), ['lin', 'zhangwei']);
    assert.deepEqual(await roster('?section='), ['tok-student']);

    for (const sec of ['', '?section=A', '?section=B']) {
      const gb = await (await call('GET', `/api/v1/gradebook${sec}`)).json();
      const cls = await (await call('GET', `/api/v1/class${sec}`)).json();
      assert.deepEqual(cls.students.map((s) => s.login), gb.students.map((s) => s.name), `same students ${sec}`);
      for (const s of cls.students) {
        const g = gb.students.find((x) => x.name === s.login);
        for (const l of cls.lessons) {
          const cells = Object.entries(g.scores).filter(([k, v]) => k.startsWith(`quiz:${l.slug}.`) && v !== null);
          const p = s.progress[l.slug];
          assert.equal(p.attempted, cells.length, `${s.login} ${l.slug} attempted`);
          assert.equal(p.score, cells.reduce((a, [, v]) => a + v, 0), `${s.login} ${l.slug} score`);
          assert.equal(p.right, cells.filter(([, v]) => v >= 1).length, `${s.login} ${l.slug} right`);
        }
      }
    }
    const cls = await (await call('GET', '/api/v1/class?section=A')).json();
    assert.deepEqual(cls.students.find((s) => s.login === 'ada').progress['three-way-handshake'], { attempted: 1, right: 1, score: 1 });
    assert.deepEqual(cls.students.find((s) => s.login === 'grace').progress['three-way-handshake'], { attempted: 1, right: 0, score: 0 });

    const statOf = async (q) => (await (await call('GET', `/api/v1/statistics${q}`)).json()).find((s) => s.ref === 'three-way-handshake.q1');
    const all = await statOf('');
    assert.deepEqual([all.attempts, all.students, all.students_right, all.missed_by], [4, 3, 2, 1]);
    const a = await statOf('?section=A');
    assert.deepEqual([a.attempts, a.students, a.students_right, a.missed_by], [3, 2, 1, 1]);
    assert.deepEqual(a.common_wrong_answers.map((w) => [w.answer, w.count]), [[{ choice: 0 }, 1], [{ choice: 2 }, 1]]);
    const b = await statOf('?section=B');
    assert.deepEqual([b.attempts, b.students_right], [1, 1]);

    const csvA = await (await call('GET', '/api/v1/gradebook?format=csv&section=A')).text();
    const rows = csvA.trim().split('\r\n');
    assert.equal(rows.length, 2 + 3);
    assert.ok(rows.some((r) => r.startsWith('"Hopper, Grace",') && r.includes(',grace,A,')), csvA);

    const h = await json(await call('GET', '/api/v1/class/students/ada/attempts'));
    assert.equal(h.status, 200);
    assert.deepEqual(h.body.attempts.map((x) => [x.ref, x.score, x.answer.choice]), [['three-way-handshake.q1', 1, 1], ['three-way-handshake.q1', 0, 0]]);
    assert.equal((await call('GET', '/api/v1/class/students/nobody/attempts')).status, 404);

    assert.equal((await call('DELETE', '/api/v1/roster/grace')).status, 204);
    assert.equal((await call('DELETE', '/api/v1/roster/grace')).status, 404);
    assert.ok(!(await roster('?section=A')).includes('grace'));
    assert.equal((await call('GET', `/api/v1/roster?section=${'x'.repeat(64)}`)).status, 400);
  });

  test('a removed student keeps their grades, marked removed, in the gradebook, class page and statistics', async () => {
    // grace (section A) answered three-way-handshake.q1 and was removed by the test before
    for (const sec of ['', '?section=A']) {
      const gb = await (await call('GET', `/api/v1/gradebook${sec}`)).json();
      const cls = await (await call('GET', `/api/v1/class${sec}`)).json();
      const g = gb.students.find((s) => s.name === 'grace');
      assert.ok(g, `grace's grades are still in the gradebook ${sec}`);
      assert.deepEqual([g.status, g.display_name, g.section, g.id], ['removed', 'Hopper, Grace', 'A', null]);
      assert.equal(g.scores['quiz:three-way-handshake.q1'], 0);
      assert.equal(gb.students.find((s) => s.name === 'ada').status, 'enrolled');
      assert.deepEqual(cls.students.map((s) => [s.login, s.status]), gb.students.map((s) => [s.name, s.status]), `class page = gradebook ${sec}`);
      const stat = (await (await call('GET', `/api/v1/statistics${sec}`)).json()).find((s) => s.ref === 'three-way-handshake.q1');
      assert.equal(stat.students, sec ? 2 : 3, `statistics count the students the gradebook lists ${sec}`);
    }
    const csv = await (await call('GET', '/api/v1/gradebook?format=csv&section=A')).text();
    assert.ok(csv.split('\r\n').some((r) => r.startsWith('"Hopper, Grace (removed)",,,grace,A')), csv);
    assert.ok(!(await (await call('GET', '/api/v1/gradebook?section=B')).json()).students.some((s) => s.name === 'grace'));
    // imported again: enrolled, with the grades she had
    const back = await call('POST', '/api/v1/roster/import', { body: 'name,login,email,section\r\n"Hopper, Grace",grace,,A\r\n' });
    assert.equal(back.status, 200);
    const g = (await (await call('GET', '/api/v1/gradebook?section=A')).json()).students.find((s) => s.name === 'grace');
    assert.equal(g.status, 'enrolled');
    assert.equal(g.scores['quiz:three-way-handshake.q1'], 0);
  });
});
