/*
 * progress.js — the signed-in side of every page: the header's account block, progress on
 * the lesson lists, the line about keeping progress above a lesson's quiz, and a student's
 * last answers for quiz.js to put back.
 *
 * Owns: deciding whether the visitor is signed in (the readable tcplab_csrf cookie, which
 * login sets and logout clears, then GET /api/v1/me to confirm and learn name and role — an
 * anonymous visitor makes no request at all); the header (.tl-account: the server renders
 * "Sign in"; signed in it becomes "My progress", "Editor" for instructors and admins, and
 * "Sign out", which POSTs /api/v1/logout and stays on the page, or goes to /lessons from a
 * page that is only for the signed-in); "solved of total" bars on li.tl-lesson-item cards
 * (GET /api/v1/progress); the quiet "Sign in to keep your progress" (or "Your answers are
 * saved in My progress") above section.tl-quiz; savedAnswer (GET /api/v1/progress/{slug},
 * once per lesson) and fillAnswer, which quiz.js uses to restore the last answers.
 * Texts come localised from the server: data-msg-* on .tl-account (pages_progress.c).
 * Does not: show results (quiz.js does, with its own showResult), grade, or read the session
 * cookie (HttpOnly). Tolerant of extra members in stored results and answers.
 */

import { csrfToken, request } from './net.js';

const PRIVATE_PAGES = /^\/(?:progress|editor)(?:\/|$)/;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function account() {
  return document.querySelector('.tl-account');
}

/** A localised text from .tl-account's data-msg-NAME with {key} values filled in. */
function msg(name, values = {}) {
  const box = account();
  const key = `msg${name.replace(/(^|-)([a-z])/g, (m, d, c) => c.toUpperCase())}`;
  const text = (box && box.dataset[key]) || '';
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

/** Is there a session cookie pair? (The CSRF cookie is readable; the session one is not.) */
export function maybeSignedIn() {
  return csrfToken() !== '';
}

let meOnce = null;
let sessionEnded = false; // GET /api/v1/me answered that nobody is signed in
/** {name, role} of the signed-in user, or null; asks GET /api/v1/me at most once. */
export function whoAmI() {
  if (!meOnce) {
    meOnce = !maybeSignedIn() ? Promise.resolve(null) : request('GET', '/api/v1/me')
      .then((r) => {
        if (!r.ok || !r.body) return null;
        // only the server's own word that nobody is signed in makes the cookie stale; a
        // failed or aborted request (the page being left) says nothing about the session
        sessionEnded = !r.body.authenticated;
        return r.body.authenticated ? { name: r.body.name || '', role: r.body.role || '' } : null;
      })
      .catch(() => null);
  }
  return meOnce;
}

const lessonOnce = new Map();
/** The stored progress of lesson `slug` for a signed-in user (GET /api/v1/progress/{slug}),
 *  or null (anonymous, network failure, unknown lesson); one request per lesson. */
function lessonProgress(slug) {
  if (!lessonOnce.has(slug)) {
    const lang = document.documentElement.getAttribute('lang') || 'en';
    // only once /me has confirmed the session: a stale cookie costs no 401
    lessonOnce.set(slug, whoAmI().then((me) => (!me ? null
      : request('GET', `/api/v1/progress/${encodeURIComponent(slug)}?lang=${encodeURIComponent(lang)}`)
        .then((r) => (r.ok && r.body && Array.isArray(r.body.questions) ? r.body : null))))
      .catch(() => null));
  }
  return lessonOnce.get(slug);
}

/**
 * The signed-in student's last stored answer to question `qid` ("slug.id"): {variant_id,
 * answer, result, score, at}, or null when there is none (or nobody is signed in). Never
 * rejects.
 */
export async function savedAnswer(qid) {
  const slug = String(qid || '').split('.')[0];
  if (!slug) return null;
  const p = await lessonProgress(slug);
  const q = p && p.questions.find((x) => x && x.id === qid);
  const latest = q && q.latest;
  return latest && typeof latest === 'object' && latest.answer && latest.result ? latest : null;
}

/** Puts a stored answer payload (docs/quiz.md) back into the inputs of a quiz form; what
 *  does not fit the form (a question changed since) is left out. */
export function fillAnswer(form, type, answer) {
  if (!answer || typeof answer !== 'object') return;
  const set = (input, on) => { if (input) input.checked = on; };
  switch (type) {
    case 'single':
      for (const c of form.querySelectorAll('input[name="choice"]')) set(c, Number(c.value) === answer.choice);
      break;
    case 'multiple': {
      const picked = Array.isArray(answer.choices) ? answer.choices : [];
      for (const c of form.querySelectorAll('input[name="choices"]')) set(c, picked.includes(Number(c.value)));
      break;
    }
    case 'number': {
      const i = form.querySelector('[name="value"]');
      if (i && answer.value !== undefined && answer.value !== null) i.value = String(answer.value);
      break;
    }
    case 'state': {
      const s = form.querySelector('select[name="state"]');
      if (s && typeof answer.state === 'string' && Array.from(s.options).some((o) => o.value === answer.state)) s.value = answer.state;
      break;
    }
    case 'order': {
      const list = form.querySelector('ol.tl-order');
      const order = Array.isArray(answer.order) ? answer.order : [];
      if (!list) break;
      const items = new Map(Array.from(list.querySelectorAll('li[data-index]')).map((li) => [Number(li.getAttribute('data-index')), li]));
      if (order.length === items.size && order.every((i) => items.has(i)) && new Set(order).size === order.length) {
        for (const i of order) list.append(items.get(i));
      }
      break;
    }
    case 'ladder': {
      const rows = Array.from(form.querySelectorAll('input[name^="seq-"]'))
        .map((i) => Number(i.name.slice(4)))
        .filter((j) => Number.isInteger(j))
        .sort((a, b) => a - b);
      const segs = Array.isArray(answer.segments) ? answer.segments : [];
      rows.forEach((j, k) => {
        const s = segs[k];
        if (!s || typeof s !== 'object') return;
        const seq = form.querySelector(`input[name="seq-${j}"]`);
        const ack = form.querySelector(`input[name="ack-${j}"]`);
        if (seq && s.seq !== undefined && s.seq !== null) seq.value = String(s.seq);
        if (ack && s.ack !== undefined && s.ack !== null) ack.value = String(s.ack);
      });
      break;
    }
    default:
      break;
  }
}

/* ---- the header ---- */

function signInHref() {
  const a = document.querySelector('.tl-account a.tl-signin');
  return a ? a.getAttribute('href') : '/login';
}

async function signOut(button) {
  button.disabled = true;
  try {
    await request('POST', '/api/v1/logout');
  } catch { /* the cookies may be gone anyway; leave the page in a clean state */ }
  if (PRIVATE_PAGES.test(window.location.pathname)) window.location.assign('/lessons');
  else window.location.reload();
}

/** The signed-in header: "My progress" [· "Editor"] · "Sign out"; `me` may still be null. */
function showSignedIn(box, me) {
  const here = window.location.pathname;
  const parts = [];
  if (me && me.name) {
    parts.push(el('span', { class: 'tl-account-name', title: msg('who', { name: me.name }) }, me.name));
  }
  const progress = el('a', { class: 'tl-account-progress', href: '/progress' }, msg('progress'));
  if (here === '/progress') progress.setAttribute('aria-current', 'page');
  parts.push(progress);
  if (me && (me.role === 'instructor' || me.role === 'admin')) {
    const ed = el('a', { class: 'tl-account-editor', href: '/editor' }, msg('editor'));
    if (here === '/editor') ed.setAttribute('aria-current', 'page');
    parts.push(ed);
  }
  const out = el('button', { type: 'button', class: 'tl-signout' }, msg('signout'));
  if (me && me.name) out.setAttribute('aria-label', `${msg('signout')} (${me.name})`);
  out.addEventListener('click', () => signOut(out));
  parts.push(out);
  box.replaceChildren(...parts);
  box.classList.add('tl-signed-in');
}

/* ---- lesson lists and the lesson page ---- */

function solvedBar(solved, total) {
  const p = el('p', { class: 'tl-lesson-progress' });
  const bar = el('progress', { max: String(total), value: String(solved), 'aria-label': msg('solved-label', { solved, total }) });
  p.append(bar, ' ', el('span', { 'aria-hidden': 'true' }, msg('solved', { solved, total })));
  return p;
}

async function showListProgress(cards) {
  const lang = document.documentElement.getAttribute('lang') || 'en';
  let r;
  try {
    r = await request('GET', `/api/v1/progress?lang=${encodeURIComponent(lang)}`);
  } catch {
    return;
  }
  if (!r.ok || !r.body || !Array.isArray(r.body.lessons)) return;
  const bySlug = new Map(r.body.lessons.map((l) => [l.slug, l]));
  for (const card of cards) {
    const link = card.querySelector('a.tl-lesson-link');
    const m = link && /^\/lessons\/([a-z0-9-]+)$/.exec(link.getAttribute('href') || '');
    const l = m && bySlug.get(m[1]);
    if (!l || !(l.question_count > 0) || card.querySelector('.tl-lesson-progress')) continue;
    const bar = solvedBar(l.solved || 0, l.question_count);
    if (l.locale && l.locale !== lang) bar.setAttribute('lang', lang); // the card may be in the other language
    const summary = card.querySelector('.tl-lesson-summary');
    if (summary) summary.after(bar);
    else link.after(bar);
  }
}

/** The quiet line above a lesson's quiz: sign in to keep progress, or where it is kept.
 *  The message has a {link} where the link goes (its place differs between languages). */
function quizLine(section, signedIn) {
  const old = section.querySelector('.tl-keep-progress');
  if (old) old.remove();
  const p = el('p', { class: 'tl-keep-progress' });
  const link = signedIn ? el('a', { href: '/progress' }, msg('progress'))
    : el('a', { href: signInHref() }, msg('keep-link'));
  const [before, after = ''] = msg(signedIn ? 'kept' : 'keep').split('{link}');
  p.append(before, link, after);
  section.prepend(p);
}

/** Sets up the account block, list progress and quiz lines on the page. */
export async function initProgress(root = document) {
  const box = root.querySelector('.tl-account');
  if (!box) return;
  const quizzes = Array.from(root.querySelectorAll('section.tl-quiz'));
  if (!maybeSignedIn()) {
    for (const s of quizzes) quizLine(s, false);
    return;
  }
  const anonymous = Array.from(box.childNodes);
  showSignedIn(box, null); // at once, so the header does not flicker; confirmed below
  const me = await whoAmI();
  if (!me) {
    // The session has ended (the CSRF cookie outlived it): forget the cookie, show the page
    // as for anyone. A /me that failed only shows the page as for anyone.
    if (sessionEnded) document.cookie = 'tcplab_csrf=; Path=/; Max-Age=0; SameSite=Lax';
    box.replaceChildren(...anonymous);
    box.classList.remove('tl-signed-in');
    for (const s of quizzes) quizLine(s, false);
    return;
  }
  showSignedIn(box, me);
  for (const s of quizzes) quizLine(s, true);
  const cards = Array.from(root.querySelectorAll('li.tl-lesson-item'));
  if (cards.length) await showListProgress(cards);
}
