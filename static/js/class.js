/*
 * class.js — the instructors' class page (/class): roster with import, progress per lesson,
 * gradebook, question statistics and a student's attempt history, for all students or one
 * section.
 *
 * Owns: fetching the class API (GET /api/v1/roster, /api/v1/class, /api/v1/gradebook,
 * /api/v1/statistics, /api/v1/class/students/{login}/attempts) for the chosen section and
 * drawing its tables; the import dialog (a CSV file → POST /api/v1/roster/import?dry_run=1
 * → a preview or the per-line errors → confirm → the one-time sign-in links); removing a
 * student and giving one a new link. Every text comes from the server-rendered data-msg-*
 * attributes of section.tl-class (en or zh-CN).
 * Does not: compute grades (the numbers are the API's, shown as they come), or keep the
 * sign-in links after the dialog closes.
 */
import { csrfToken, request } from './net.js';

function fill(template, values) {
  return String(template || '').replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'width') e.style.width = v; // CSSOM, not a style attribute: allowed by the CSP
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** A number as the page shows it: at most two decimals. */
export function fmt(v) {
  if (v === null || v === undefined) return '–';
  return String(Math.round(v * 100) / 100);
}

function table(cls, caption, head, rows) {
  const t = el('table', { class: `tl-class-table ${cls}` });
  if (caption) t.append(el('caption', { class: 'tl-sr-only', text: caption }));
  const tr = el('tr');
  for (const h of head) tr.append(typeof h === 'string' ? el('th', { scope: 'col', text: h }) : el('th', { scope: 'col' }, h));
  t.append(el('thead', {}, tr));
  const tb = el('tbody');
  for (const r of rows) tb.append(r);
  t.append(tb);
  return el('div', { class: 'tl-class-scroll', tabindex: '0', role: 'region', 'aria-label': regionLabel(caption) }, t);
}

// the label of a table's scroll region: not the same as its panel's (axe landmark-unique)
let regionLabel = (caption) => caption;

export function initClass(doc) {
  const root = doc.querySelector('section.tl-class');
  if (!root) return;
  const msg = (name, values = {}) => fill(root.dataset['msg' + name.replace(/(^|-)(\w)/g, (m, d, c) => c.toUpperCase())], values);
  regionLabel = (caption) => msg('table-region', { name: caption });
  const select = root.querySelector('.tl-class-section');
  const status = root.querySelector('.tl-class-status');
  const body = (id) => root.querySelector(`.tl-class-${id}-body`);
  const locale = root.dataset.locale || 'en';
  let section = null; // null: everyone; '' : students without a section

  const q = (extra = '') => {
    const parts = [];
    if (section !== null) parts.push(`section=${encodeURIComponent(section)}`);
    if (extra) parts.push(extra);
    return parts.length ? `?${parts.join('&')}` : '';
  };
  const say = (text, bad) => {
    status.textContent = text;
    status.classList.toggle('tl-error', !!bad);
  };
  const failed = (r) => {
    if (r.status === 401 || r.status === 403) return msg('session');
    return msg('failed', { detail: (r.body && r.body.detail) || `HTTP ${r.status}` });
  };

  async function get(url) {
    const r = await request('GET', url);
    if (!r.ok) throw new Error(failed(r));
    return r.body;
  }

  function drawSections(sections) {
    const keep = select.value;
    select.replaceChildren(el('option', { value: '*', text: msg('all-sections') }));
    for (const s of sections) {
      select.append(el('option', { value: `=${s.name}`, text: `${s.name || msg('no-section')} (${s.students})` }));
    }
    select.value = [...select.options].some((o) => o.value === keep) ? keep : '*';
  }

  function drawRoster(roster) {
    const b = body('roster');
    if (!roster.students.length) {
      b.replaceChildren(el('p', { text: msg('no-students') }));
      return;
    }
    const rows = roster.students.map((s) => el('tr', { 'data-login': s.login },
      el('td', {}, el('button', { type: 'button', class: 'tl-linkish tl-class-who', text: s.name || s.login, onclick: () => showHistory(s.login) })),
      el('td', { class: 'tl-mono', text: s.login }),
      el('td', { text: s.email }),
      el('td', { text: s.section || msg('no-section') }),
      el('td', { text: s.has_password ? msg('acc-password') : s.link_pending ? msg('acc-link') : msg('acc-none') }),
      el('td', { class: 'tl-class-actions' },
        el('button', { type: 'button', class: 'tl-class-reset', text: msg('reset'), 'aria-label': `${msg('reset')}: ${s.login}`, onclick: () => reset(s.login) }),
        ' ',
        el('button', { type: 'button', class: 'tl-class-remove', text: msg('remove'), 'aria-label': `${msg('remove')}: ${s.login}`, onclick: () => remove(s.login) }))));
    b.replaceChildren(table('tl-class-roster-table', msg('roster'),
      [msg('col-name'), msg('col-login'), msg('col-email'), msg('col-section'), msg('col-account'), el('span', { class: 'tl-sr-only', text: msg('col-actions') })], rows));
  }

  /** The row header of a student: the name, and a tag when they are not (or no longer) on
   * the roster (status "removed" or "not_on_roster" from the class and gradebook API). */
  function who(name, st) {
    const th = el('th', { scope: 'row', text: name });
    if (st === 'removed' || st === 'not_on_roster') {
      const key = st === 'removed' ? 'status-removed' : 'status-not-on-roster';
      th.classList.add(`tl-class-${st.replace(/_/g, '-')}`);
      th.append(' ', el('span', { class: 'tl-tag tl-class-status-tag', title: msg(`${key}-help`), text: msg(key) }));
    }
    return th;
  }

  function drawProgress(cls) {
    const b = body('progress');
    if (!cls.students.length || !cls.lessons.length) {
      b.replaceChildren(el('p', { text: msg('no-data') }));
      return;
    }
    const rows = cls.students.map((s) => {
      const tr = el('tr', { 'data-login': s.login, 'data-status': s.status }, who(s.name || s.login, s.status));
      for (const l of cls.lessons) {
        const p = s.progress[l.slug] || { attempted: 0, right: 0, score: 0 };
        const label = msg('progress-cell', { right: p.right, questions: l.questions, attempted: p.attempted });
        const pct = l.questions ? Math.round((100 * p.right) / l.questions) : 0;
        tr.append(el('td', { class: 'tl-class-progress-cell', 'data-slug': l.slug, 'data-right': p.right, 'data-attempted': p.attempted, title: label },
          el('span', { class: 'tl-class-bar-track', 'aria-hidden': 'true' }, el('span', { class: 'tl-class-bar-fill', width: `${pct}%` })),
          el('span', { class: 'tl-class-num', text: `${p.right}/${l.questions}` }),
          el('span', { class: 'tl-sr-only', text: ` ${label}` })));
      }
      return tr;
    });
    b.replaceChildren(table('tl-class-progress-table', msg('progress'), [msg('col-student'), ...cls.lessons.map((l) => l.title)], rows));
  }

  function drawGradebook(gb) {
    const b = body('gradebook');
    if (!gb.students.length || !gb.assignments.length) {
      b.replaceChildren(el('p', { text: msg('no-data') }));
      return;
    }
    const rows = gb.students.map((s) => {
      let total = 0;
      const tr = el('tr', { 'data-login': s.name, 'data-status': s.status }, who(s.display_name || s.name, s.status));
      for (const a of gb.assignments) {
        const v = s.scores[`${a.kind}:${a.id}`];
        if (typeof v === 'number') total += v;
        tr.append(el('td', { class: 'tl-class-score', 'data-key': `${a.kind}:${a.id}`, text: fmt(v) }));
      }
      tr.append(el('td', { class: 'tl-class-total', text: fmt(total) }));
      return tr;
    });
    b.replaceChildren(table('tl-class-gradebook-table', msg('gradebook'),
      [msg('col-student'), ...gb.assignments.map((a) => `${a.title} (${fmt(a.points_possible)})`), msg('col-total')], rows));
  }

  function drawStatistics(stats) {
    const b = body('statistics');
    if (!stats.length) {
      b.replaceChildren(el('p', { text: msg('no-data') }));
      return;
    }
    const missed = stats.filter((s) => s.missed_by > 0)
      .sort((x, y) => (y.missed_by / Math.max(1, y.students)) - (x.missed_by / Math.max(1, x.students)) || y.missed_by - x.missed_by)
      .slice(0, 5);
    const top = el('div', { class: 'tl-class-missed' }, el('h3', { text: msg('most-missed') }));
    if (missed.length) {
      top.append(el('ol', {}, ...missed.map((s) => el('li', { text: msg('missed-line', { ref: s.ref, missed: s.missed_by, students: s.students }) }))));
    } else {
      top.append(el('p', { text: msg('none-missed') }));
    }
    const rows = stats.map((s) => el('tr', { 'data-ref': `${s.kind}:${s.ref}` },
      el('th', { scope: 'row', class: 'tl-mono', text: s.ref }),
      el('td', { class: 'tl-class-attempts', text: String(s.attempts) }),
      el('td', { class: 'tl-class-mean', text: fmt(s.mean_score) }),
      el('td', { text: `${s.students_right}/${s.students}` }),
      el('td', { text: String(s.missed_by) }),
      el('td', { class: 'tl-mono' }, ...s.common_wrong_answers.map((w) => el('div', { text: `${JSON.stringify(w.answer)} × ${w.count}` })))));
    b.replaceChildren(top, table('tl-class-stats-table', msg('statistics'),
      [msg('col-question'), msg('col-attempts'), msg('col-mean'), msg('col-right'), msg('col-missed'), msg('col-wrong')], rows));
  }

  async function showHistory(login) {
    const b = body('history');
    b.replaceChildren(el('p', { text: msg('loading') }));
    try {
      const h = await get(`/api/v1/class/students/${encodeURIComponent(login)}/attempts`);
      const head = el('h3', { text: msg('history-of', { name: h.name || h.login }) });
      if (!h.attempts.length) {
        b.replaceChildren(head, el('p', { text: msg('no-attempts') }));
      } else {
        const rows = h.attempts.map((a) => el('tr', {},
          el('td', { text: new Date(a.created_at * 1000).toLocaleString(locale) }),
          el('td', { class: 'tl-mono', text: `${a.kind} ${a.ref}` }),
          el('td', { text: fmt(a.score) }),
          el('td', { class: 'tl-mono tl-class-answer', text: JSON.stringify(a.answer) })));
        b.replaceChildren(head, table('tl-class-history-table', msg('history-of', { name: h.name || h.login }),
          [msg('col-time'), msg('col-item'), msg('col-score'), msg('col-answer')], rows));
      }
      root.querySelector('#class-history').scrollIntoView({ block: 'start' });
      head.tabIndex = -1;
      head.focus({ preventScroll: true });
    } catch (e) {
      b.replaceChildren(el('p', { class: 'tl-error', text: e.message }));
    }
  }

  async function load() {
    say(msg('loading'));
    root.querySelector('.tl-class-csv').href = `/api/v1/gradebook${q('format=csv')}`;
    try {
      const [roster, cls, gb, stats] = await Promise.all([
        get(`/api/v1/roster${q()}`),
        get(`/api/v1/class${q(`lang=${encodeURIComponent(locale)}`)}`),
        get(`/api/v1/gradebook${q()}`),
        get(`/api/v1/statistics${q()}`),
      ]);
      drawSections(roster.sections);
      drawRoster(roster);
      drawProgress(cls);
      drawGradebook(gb);
      drawStatistics(stats);
      if (!body('history').querySelector('table, h3')) body('history').replaceChildren(el('p', { text: msg('history-hint') }));
      say('');
      root.dataset.loaded = String(Number(root.dataset.loaded || 0) + 1);
    } catch (e) {
      say(e.message, true);
    }
  }

  async function remove(login) {
    if (!window.confirm(msg('confirm-remove', { login }))) return;
    const r = await request('DELETE', `/api/v1/roster/${encodeURIComponent(login)}`);
    if (!r.ok) { say(failed(r), true); return; }
    await load();
    say(msg('removed', { login }));
  }

  async function reset(login) {
    if (!window.confirm(msg('confirm-reset', { login }))) return;
    const r = await request('POST', `/api/v1/roster/${encodeURIComponent(login)}/reset`);
    if (!r.ok) { say(failed(r), true); return; }
    await load();
    status.replaceChildren(msg('reset-done', { login }), ' ',
      el('input', { class: 'tl-class-link', readonly: true, value: new URL(r.body.signin_url, window.location.href).href, 'aria-label': msg('col-link') }));
  }

  select.addEventListener('change', () => {
    section = select.value === '*' ? null : select.value.slice(1);
    load();
  });

  /* ---- the import dialog ---- */
  const dialog = root.querySelector('.tl-class-dialog');
  const file = dialog.querySelector('.tl-class-file');
  const istatus = dialog.querySelector('.tl-class-import-status');
  const preview = dialog.querySelector('.tl-class-preview');
  const confirmBtn = dialog.querySelector('.tl-class-confirm');
  let csvText = null;
  let imported = false;

  const isay = (text, bad) => {
    istatus.textContent = text;
    istatus.classList.toggle('tl-error', !!bad);
  };

  async function post(dryRun) {
    const headers = { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'application/json' };
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const res = await fetch(`/api/v1/roster/import${dryRun ? '?dry_run=1' : ''}`, {
      method: 'POST', headers, body: csvText, credentials: 'same-origin', cache: 'no-store',
    });
    let b = null;
    try { b = await res.json(); } catch { /* not JSON */ }
    return { status: res.status, ok: res.ok, body: b };
  }

  const actionText = (a) => msg(`act-${a}`);

  function showErrors(r) {
    const errs = (r.body && r.body.errors) || [];
    isay(msg('errors', { count: (r.body && r.body.error_count) || errs.length || 1 }) +
      (errs.length ? '' : ` ${(r.body && r.body.detail) || `HTTP ${r.status}`}`), true);
    preview.replaceChildren(errs.length ? table('tl-class-errors-table', msg('col-problem'),
      [msg('col-line'), msg('col-column'), msg('col-problem')],
      errs.map((e) => el('tr', {}, el('td', { text: String(e.line ?? '') }), el('td', { text: e.column || '' }), el('td', { text: e.detail })))) : '');
  }

  function showPreview(b, done) {
    isay(msg(done ? 'done' : 'preview', b));
    const withLinks = done && b.students.some((s) => s.signin_url);
    const head = [msg('col-line'), msg('col-login'), msg('col-name'), msg('col-email'), msg('col-section'), msg('col-action')];
    if (withLinks) head.push(msg('col-link'));
    const rows = b.students.map((s) => {
      const tr = el('tr', { class: `tl-class-act-${s.action}` },
        el('td', { text: String(s.line) }), el('td', { class: 'tl-mono', text: s.login }), el('td', { text: s.name }),
        el('td', { text: s.email }), el('td', { text: s.section }), el('td', { text: actionText(s.action) }));
      if (withLinks) {
        tr.append(el('td', {}, s.signin_url ? el('input', { class: 'tl-class-link', readonly: true, value: new URL(s.signin_url, window.location.href).href, 'aria-label': `${msg('col-link')}: ${s.login}` }) : ''));
      }
      return tr;
    });
    const parts = [];
    if (withLinks) {
      parts.push(el('p', { class: 'tl-class-links-note', text: msg('links') }));
      const csv = ['login,name,signin_url', ...b.students.filter((s) => s.signin_url)
        .map((s) => [s.login, s.name, new URL(s.signin_url, window.location.href).href].map((f) => `"${String(f).replace(/"/g, '""')}"`).join(','))].join('\r\n');
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      parts.push(el('p', {}, el('a', { href: url, download: 'signin-links.csv', text: msg('download-links') })));
    }
    parts.push(table('tl-class-preview-table', msg('import-title'), head, rows));
    preview.replaceChildren(...parts);
  }

  root.querySelector('.tl-class-import').addEventListener('click', () => {
    csvText = null;
    imported = false;
    file.value = '';
    isay('');
    preview.replaceChildren();
    confirmBtn.disabled = true;
    dialog.showModal();
  });
  file.addEventListener('change', async () => {
    confirmBtn.disabled = true;
    preview.replaceChildren();
    const f = file.files && file.files[0];
    if (!f) return;
    isay(msg('loading'));
    csvText = await f.text();
    try {
      const r = await post(true);
      if (!r.ok) { showErrors(r); return; }
      showPreview(r.body, false);
      confirmBtn.disabled = false;
    } catch (e) {
      isay(msg('failed', { detail: e.message }), true);
    }
  });
  confirmBtn.addEventListener('click', async () => {
    confirmBtn.disabled = true;
    try {
      const r = await post(false);
      if (!r.ok) { showErrors(r); return; }
      imported = true;
      showPreview(r.body, true);
    } catch (e) {
      isay(msg('failed', { detail: e.message }), true);
    }
  });
  dialog.querySelector('.tl-class-cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    preview.replaceChildren(); // the links are not kept once the dialog closes
    if (imported) load();
  });

  load();
}
