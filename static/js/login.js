/*
 * login.js — the sign-in form of /login and the "Sign out" buttons.
 *
 * Owns: turning form.tl-login-form into POST /api/v1/login (JSON {name, password}), showing
 * the server-rendered, localised message for a failure (data-msg-* on the form), and where
 * a successful sign-in goes (landingFor): the form's data-next when it is a path on this
 * site, else by role: an instructor or admin to /editor, anyone else to /lessons; a
 * student is never sent to /editor (its 403 page). button.tl-logout → POST /api/v1/logout
 * with the CSRF token, then /login.
 * Does not: keep the password anywhere, or read the session cookie (HttpOnly): only the
 * readable tcplab_csrf cookie.
 */

import { csrfToken } from './net.js';

export { csrfToken };

/** `next` when it is a path on this site ("/" then [A-Za-z0-9/._~?=&%-], no "//", no
 *  scheme, no backslash, at most 200 characters; as pages_editor_safe_next), else ''. */
export function safeNext(next) {
  return typeof next === 'string' && next.length <= 200 && /^\/[A-Za-z0-9/._~?=&%-]*$/.test(next)
    && !next.includes('//') ? next : '';
}

/** Is the path (of a safe next) the lesson editor? Percent-escapes are decoded first. */
function isEditor(path) {
  let p = path.split('?')[0];
  try {
    p = decodeURIComponent(p);
  } catch {
    return true; // a malformed escape: not worth the risk
  }
  return /^\/editor(?:\/|$)/.test(p);
}

/** Where a signed-in `role` goes after signing in from a page that asked for `next`. */
export function landingFor(role, next) {
  const n = safeNext(next);
  if (role === 'instructor' || role === 'admin') return n || '/editor';
  return n && !isEditor(n) ? n : '/lessons';
}

function fill(template, values) {
  return String(template || '').replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function setupForm(form) {
  const status = form.querySelector('.tl-login-status');
  const button = form.querySelector('button[type="submit"]');
  const say = (text, bad) => {
    status.textContent = text;
    status.hidden = !text;
    status.classList.toggle('tl-error', !!bad);
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = form.elements.name.value.trim();
    const password = form.elements.password.value;
    if (!name || !password) {
      (name ? form.elements.password : form.elements.name).focus();
      return;
    }
    button.disabled = true;
    say('');
    try {
      const res = await fetch('/api/v1/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ name, password }),
        credentials: 'same-origin',
      });
      if (res.ok) {
        let role = '';
        try {
          role = (await res.json()).role || '';
        } catch { /* no body: treated as a student */ }
        const next = landingFor(role, form.dataset.next);
        say(fill(form.dataset.msgDone, { next }), false);
        window.location.assign(next);
        return;
      }
      let detail = `HTTP ${res.status}`;
      try {
        const body = await res.json();
        if (body && body.detail) detail = body.detail;
      } catch { /* not JSON */ }
      if (res.status === 401) say(form.dataset.msgBad, true);
      else if (res.status === 429) say(form.dataset.msgThrottled, true);
      else say(fill(form.dataset.msgFailed, { detail }), true);
      form.elements.password.select();
    } catch (e) {
      say(fill(form.dataset.msgNetwork, { detail: e && e.message }), true);
    } finally {
      button.disabled = false;
    }
  });
}

function setupLogout(button) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await fetch('/api/v1/logout', {
        method: 'POST',
        headers: { 'X-CSRF-Token': csrfToken() },
        credentials: 'same-origin',
      });
    } finally {
      window.location.assign('/login');
    }
  });
}

export function initLogin(root = document) {
  for (const form of root.querySelectorAll('form.tl-login-form')) setupForm(form);
  for (const b of root.querySelectorAll('button.tl-logout')) setupLogout(b);
}
