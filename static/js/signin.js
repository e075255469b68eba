/*
 * signin.js — the sign-in-link page (/signin#TOKEN): exchanges the token for a session, then
 * lets the student choose a password.
 *
 * Owns: reading the token from the URL fragment (never sent to the server by the browser),
 * removing it from the address bar and history at once, POST /api/v1/signin {token}, then
 * POST /api/v1/me/password {password}. Texts come from section.tl-signin's data-msg-*.
 * Does not: keep the token after the exchange.
 */
import { request } from './net.js';

function fill(template, values) {
  return String(template || '').replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

export async function initSignin(doc) {
  const root = doc.querySelector('section.tl-signin');
  if (!root) return;
  const msg = (name, values = {}) => fill(root.dataset['msg' + name.replace(/(^|-)(\w)/g, (m, d, c) => c.toUpperCase())], values);
  const status = root.querySelector('.tl-signin-status');
  const form = root.querySelector('.tl-signin-form');
  const next = root.querySelector('.tl-signin-next');
  const say = (text, bad) => {
    status.textContent = text;
    status.classList.toggle('tl-error', !!bad);
  };
  const token = window.location.hash.slice(1);
  if (token) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  if (!/^[A-Za-z0-9_-]{10,63}$/.test(token)) {
    say(msg('signin-missing'), true);
    return;
  }
  say(msg('signin-working'));
  const r = await request('POST', '/api/v1/signin', { body: { token } });
  if (!r.ok) {
    say(r.status === 401 ? msg('signin-bad') : msg('failed', { detail: (r.body && r.body.detail) || `HTTP ${r.status}` }), true);
    return;
  }
  say(msg('signin-done', { name: r.body.name }));
  form.hidden = false;
  next.hidden = false;
  form.elements.password.focus();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const password = form.elements.password.value;
    if (password.length < 8) {
      say(msg('password-short'), true);
      return;
    }
    const p = await request('POST', '/api/v1/me/password', { body: { password } });
    if (p.ok) {
      form.hidden = true;
      say(msg('password-saved'));
      next.querySelector('a').focus();
    } else {
      say(msg('failed', { detail: (p.body && p.body.detail) || `HTTP ${p.status}` }), true);
    }
  });
}
