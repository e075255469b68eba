// bench/soak.mjs — the traffic, sampling and checks of bench/soak.sh (see there).
//
// env: SOAK_BASE (http://127.0.0.1:PORT), SOAK_PID (the server), SOAK_SECONDS,
//      SOAK_TOKEN (an instructor API token), SOAK_STUDENT / SOAK_STUDENT_PW (a student who
//      signs in), SOAK_CONCURRENCY (8), SOAK_SAMPLE_SECONDS (5).
// Prints the figures; exits 1 on a 5xx, a network error, a lost write or a leak trend.
import { readFileSync, readdirSync } from 'node:fs';

const base = process.env.SOAK_BASE;
const pid = Number(process.env.SOAK_PID);
const seconds = Number(process.env.SOAK_SECONDS || 1800);
const token = process.env.SOAK_TOKEN;
const student = process.env.SOAK_STUDENT;
const studentPw = process.env.SOAK_STUDENT_PW;
const concurrency = Number(process.env.SOAK_CONCURRENCY || 8);
const sampleEvery = Number(process.env.SOAK_SAMPLE_SECONDS || 5) * 1000;
const MiB = 1024 * 1024;

const byStatus = new Map();
const byKind = new Map();
const errors = [];
const fail = (why) => { if (errors.length < 50) errors.push(why); };

// ---- sampling /proc/PID ----------------------------------------------------------------------
const samples = [];
function sample(label = '') {
  try {
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(st) || [])[1] || 0);
    const s = { t: Date.now(), rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024, threads: kb('Threads'),
      fds: readdirSync(`/proc/${pid}/fd`).length, label };
    samples.push(s);
    return s;
  } catch (e) {
    fail(`cannot sample /proc/${pid}: ${e.message} (server gone?)`);
    return null;
  }
}

// ---- requests --------------------------------------------------------------------------------
async function req(kind, method, path, { body, headers = {}, raw = false } = {}) {
  const h = { ...headers };
  let b = body;
  if (body !== undefined && !raw) { b = JSON.stringify(body); h['content-type'] = 'application/json'; }
  if (raw && body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
  let r;
  try {
    r = await fetch(base + path, { method, headers: h, body: b });
  } catch (e) {
    fail(`${kind} ${method} ${path}: ${e.cause?.code || e.message}`);
    byStatus.set('error', (byStatus.get('error') || 0) + 1);
    return { status: 0, json: null, headers: new Headers() };
  }
  const text = await r.text();
  byStatus.set(r.status, (byStatus.get(r.status) || 0) + 1);
  const k = byKind.get(kind) || {};
  k[r.status] = (k[r.status] || 0) + 1;
  byKind.set(kind, k);
  if (r.status >= 500) fail(`${kind} ${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, headers: r.headers, text };
}
const auth = { authorization: `Bearer ${token}` };
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

const PAGES = ['/', '/lessons', '/playground', '/login', '/static/js/app.js', '/static/css/app.css',
  '/api/v1/scenarios', '/api/v1/states', '/api/v1/openapi.json', '/healthz',
  '/api/v1/simulations?scenario=handshake-and-close', '/api/v1/simulations?scenario=lost-syn'];
const SCENARIO = (bytes) => ({
  client: { iss: 100 }, server: { iss: 300 },
  events: [
    { at_ms: 0, endpoint: 'server', call: 'listen' },
    { at_ms: 0, endpoint: 'client', call: 'connect' },
    { at_ms: 300, endpoint: 'client', call: 'send', bytes },
    { at_ms: 500, endpoint: 'client', call: 'close' },
    { at_ms: 700, endpoint: 'server', call: 'close' },
  ],
});
const LESSON = (slug, n) => `---\ntitle: "Soak ${slug}"\nsummary: "Soak test lesson."\norder: 99\ntags: [test]\nlocale: en\n---\n\n# Soak ${slug}\n\nSave number ${n}.\n`;

const savedSims = []; // {id, bytes}
const lessons = new Map(); // slug -> {etag, acks: [{revision, n}]}
let lessonSlugs = [];

async function doPage() {
  const r = await req('page', 'GET', pick(PAGES));
  if (r.status !== 200) fail(`page: ${r.status}`);
}
async function doLessonPage() {
  const list = await req('page', 'GET', '/api/v1/lessons', { headers: auth });
  const ls = list.json?.lessons || [];
  if (ls.length) await req('page', 'GET', `/lessons/${pick(ls).slug}`);
}
async function doSimulation() {
  const bytes = 1 + Math.floor(Math.random() * 1000);
  const save = Math.random() < 0.3;
  // Saves are signed in two times in three; an anonymous save may meet the per-address
  // limit on anonymous saves (429 with Retry-After), which is the expected answer, not an error.
  const anonymous = save && Math.random() < 1 / 3;
  const headers = save && !anonymous ? auth : {};
  const r = await req(anonymous ? 'sim-anon-save' : 'simulation', 'POST',
    `/api/v1/simulations${save ? '?save=true' : ''}`, { body: SCENARIO(bytes), headers });
  if (save && r.status === 201 && r.json?.id !== undefined) savedSims.push({ id: r.json.id, bytes });
  else if (anonymous && r.status === 429 && r.headers?.get?.('retry-after')) return;
  else if (r.status !== (save ? 201 : 200)) fail(`simulation: ${r.status}`);
}
async function doQuiz() {
  const v = await req('quiz', 'POST', '/api/v1/questions/three-way-handshake.q1/variants');
  if (v.status !== 201) return fail(`quiz variant: ${v.status}`);
  const s = await req('quiz', 'POST', `/api/v1/variants/${v.json.variant_id}/submissions`, { body: { choice: Math.floor(Math.random() * 3) } });
  if (s.status !== 200) fail(`quiz submission: ${s.status}`);
}
// Sign-ins from this one address stay under its token bucket (60 attempts, then one per 2 s):
// at most one good sign-in every 4 s and one bad one every 6 s (0.42 a second in all, under the
// refill of 0.5), so the good sign-ins are never refused and a refused one (429) is a failure.
let lastGoodLogin = 0;
async function doLoginGood() {
  if (Date.now() - lastGoodLogin < 4000) return doPage();
  lastGoodLogin = Date.now();
  const r = await req('login-good', 'POST', '/api/v1/login', { body: { name: student, password: studentPw } });
  if (r.status !== 200) fail(`good login: ${r.status}`);
}
let lastBadLogin = 0;
async function doLoginBad() {
  if (Date.now() - lastBadLogin < 6000) return doPage();
  lastBadLogin = Date.now();
  const name = Math.random() < 0.5 ? `nobody-${Math.random().toString(36).slice(2)}` : 'soak-victim';
  const r = await req('login-bad', 'POST', '/api/v1/login', { body: { name, password: 'wrong-password' } });
  if (r.status !== 401 && r.status !== 429) fail(`bad login: ${r.status}`);
}
async function doLessonSave(slug) {
  const L = lessons.get(slug);
  const n = L.acks.length + 1;
  const r = await req('lesson-save', 'PUT', `/api/v1/lessons/${slug}?locale=en`, { body: { text: LESSON(slug, n) }, headers: { ...auth, 'if-match': L.etag } });
  if (r.status === 200) { L.etag = r.headers.get('etag'); L.acks.push({ revision: r.json.revision, n }); }
  else fail(`lesson save ${slug}: ${r.status} ${r.text?.slice(0, 200)}`);
}
const BAD = [
  () => req('bad-input', 'POST', '/api/v1/simulations', { body: '{"client": {', raw: true }),
  () => req('bad-input', 'POST', '/api/v1/simulations', { body: '{"events": 5}', raw: true }),
  () => req('bad-input', 'POST', '/api/v1/simulations', { body: 'x'.repeat(3 * MiB), raw: true }),
  () => req('bad-input', 'POST', '/api/v1/login', { body: '[1,2', raw: true }),
  () => req('bad-input', 'GET', '/api/v1/no-such-thing'),
  () => req('bad-input', 'GET', '/static/../../etc/passwd'),
  () => req('bad-input', 'GET', '/lessons/%00%ff'),
  () => req('bad-input', 'GET', '/api/v1/simulations?scenario=' + 'z'.repeat(5000)),
  () => req('bad-input', 'GET', '/api/v1/simulations/999999999'),
  () => req('bad-input', 'PUT', '/api/v1/lessons/soak-0?locale=en', { body: { text: 'no front matter' }, headers: auth }),
  () => req('bad-input', 'POST', '/api/v1/variants/v0-nope/submissions', { body: { choice: 'x' } }),
];
async function doBad() {
  const r = await pick(BAD)();
  if (r.status !== 0 && (r.status < 400 || r.status >= 500)) fail(`bad input answered ${r.status}`);
}

async function worker(i, until) {
  const mine = lessonSlugs[i];
  while (Date.now() < until) {
    const x = Math.random();
    if (x < 0.30) await doPage();
    else if (x < 0.40) await doLessonPage();
    else if (x < 0.58) await doSimulation();
    else if (x < 0.72) await doQuiz();
    else if (x < 0.76) await doLoginGood();
    else if (x < 0.80) await doLoginBad();
    else if (x < 0.90) await doLessonSave(mine);
    else await doBad();
  }
}

// ---- verification ----------------------------------------------------------------------------
async function verify() {
  let checked = 0;
  for (const s of savedSims) {
    const r = await req('verify', 'GET', `/api/v1/simulations/${s.id}`);
    const send = r.json?.scenario?.events?.find((e) => e.call === 'send');
    if (r.status !== 200 || send?.bytes !== s.bytes) fail(`lost simulation ${s.id}: ${r.status}`);
    checked += 1;
  }
  let revs = 0;
  for (const [slug, L] of lessons) {
    const r = await req('verify', 'GET', `/api/v1/lessons/${slug}/revisions?locale=en`, { headers: auth });
    const have = new Set((r.json?.revisions || []).map((x) => x.revision));
    for (const a of L.acks) {
      if (!have.has(a.revision)) fail(`lost lesson revision ${slug} r${a.revision}`);
      revs += 1;
    }
    // the texts of the last and up to 5 random acknowledged revisions
    const probe = L.acks.length ? [L.acks[L.acks.length - 1], ...Array.from({ length: 5 }, () => pick(L.acks))] : [];
    for (const a of probe) {
      const g = await req('verify', 'GET', `/api/v1/lessons/${slug}/revisions/${a.revision}?locale=en`, { headers: auth });
      if (g.status !== 200 || !g.json?.text?.includes(`Save number ${a.n}.`)) fail(`lesson ${slug} r${a.revision}: wrong text`);
    }
    const cur = await req('verify', 'GET', `/api/v1/lessons/${slug}?locale=en`, { headers: auth });
    const last = L.acks[L.acks.length - 1];
    if (last && !cur.json?.text?.includes(`Save number ${last.n}.`)) fail(`lesson ${slug}: current text is not the last acknowledged save`);
  }
  return { sims: checked, revisions: revs };
}

// ---- main ------------------------------------------------------------------------------------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
for (let i = 0; i < concurrency; i += 1) {
  const slug = `soak-${i}`;
  const r = await req('lesson-save', 'POST', '/api/v1/lessons', { body: { slug, locale: 'en', text: LESSON(slug, 0) }, headers: auth });
  if (r.status !== 201) { fail(`create lesson ${slug}: ${r.status} ${r.text}`); continue; }
  lessons.set(slug, { etag: r.headers.get('etag'), acks: [{ revision: r.json.revision, n: 0 }] });
  lessonSlugs.push(slug);
}
// warm-up: a tenth of the run (at least 10 s), then the idle baseline
const warm = Math.max(10, Math.min(120, seconds / 10)) * 1000;
await Promise.all(lessonSlugs.map((_, i) => worker(i, Date.now() + warm)));
await sleep(2000);
const baseline = sample('baseline (idle, after warm-up)');
const timer = setInterval(() => sample(), sampleEvery);
const mainStart = Date.now();
await Promise.all(lessonSlugs.map((_, i) => worker(i, mainStart + seconds * 1000)));
clearInterval(timer);
await sleep(3000);
const end = sample('end (idle)');
const v = await verify();

// ---- figures and verdict ---------------------------------------------------------------------
const load = samples.filter((s) => s.t > mainStart);
const maxOf = (k) => Math.max(...samples.map((s) => s[k]));
// RSS trend: each password check maps and frees 64 MiB (argon2id), so single samples swing by
// up to 128 MiB; the trend is read from the lowest sample of each quarter of the run (the
// memory that stays), and from the idle end against the idle baseline.
const quarters = [0, 1, 2, 3].map((q) => load.slice(Math.floor(q * load.length / 4), Math.floor((q + 1) * load.length / 4)))
  .filter((xs) => xs.length).map((xs) => Math.min(...xs.map((s) => s.rss)));
const troughs = quarters.map((b) => (b / MiB).toFixed(1)).join(' → ');
const climbing = quarters.length === 4 && quarters[1] < quarters[2] && quarters[2] < quarters[3];
const growMax = Number(process.env.SOAK_RSS_GROWTH_MAX || 16) * MiB;
const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
const fmt = (b) => (b / MiB).toFixed(1) + ' MiB';
console.log(`soak: ${((Date.now() - t0) / 1000).toFixed(0)} s (${seconds} s measured after ${warm / 1000} s warm-up), ${concurrency} clients, ${total} requests (${(total / ((Date.now() - t0) / 1000)).toFixed(0)}/s)`);
if (baseline && end) {
  console.log(`RSS   baseline ${fmt(baseline.rss)}  end ${fmt(end.rss)}  max ${fmt(maxOf('rss'))}  (VmHWM ${fmt(end.hwm)}; lowest per quarter ${troughs} MiB)`);
  console.log(`fds   baseline ${baseline.fds}  end ${end.fds}  max ${maxOf('fds')}`);
  console.log(`threads baseline ${baseline.threads}  end ${end.threads}  max ${maxOf('threads')}`);
  if (end.fds > baseline.fds + 8) fail(`fd leak: ${baseline.fds} idle after warm-up, ${end.fds} idle at the end`);
  if (end.threads > baseline.threads + 2) fail(`thread leak: ${baseline.threads} → ${end.threads}`);
  if (end.rss - baseline.rss > growMax) fail(`RSS grew ${fmt(end.rss - baseline.rss)} idle to idle (limit ${fmt(growMax)})`);
  if (climbing && quarters[3] - quarters[1] > growMax / 2) fail(`RSS trend: lowest per quarter ${troughs} MiB`);
}
console.log('status ' + [...byStatus.entries()].sort().map(([s, n]) => `${s}:${n}`).join('  '));
for (const [k, m] of [...byKind.entries()].sort()) console.log(`  ${k.padEnd(12)} ` + Object.entries(m).map(([s, n]) => `${s}:${n}`).join('  '));
console.log(`writes verified: ${v.sims} saved simulations, ${v.revisions} acknowledged lesson revisions`);
console.log(`samples (${samples.length}): ` + samples.filter((_, i) => i % Math.ceil(samples.length / 12) === 0 || i === samples.length - 1)
  .map((s) => `${Math.round((s.t - mainStart) / 1000)}s ${(s.rss / MiB).toFixed(0)}M/${s.fds}fd/${s.threads}t`).join(' '));
if (errors.length) {
  console.log(`FAILED: ${errors.length} problem(s)`);
  for (const e of errors) console.log('  ' + e);
  process.exit(1);
}
console.log('OK: no 5xx, no lost write, no leak trend');
