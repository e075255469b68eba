/*
 * editor.js — the instructors' lesson editor on /editor.
 *
 * Owns: the lesson picker (GET /api/v1/lessons; slug + locale, kept in ?slug=&locale= of
 * the address), loading a lesson's text and ETag, the live preview (POST /api/v1/render,
 * debounced 400 ms; the newest answer wins) re-using the lesson-page scripts on the preview
 * (player.js, quiz.js), the problems list ("FILE:LINE: message"; a click puts the caret on
 * that line), Save (PUT with If-Match: 412 → "someone else saved a newer revision" with
 * "load theirs" / "keep mine"; 422 → the problems), the revision list with Restore.
 * Every localised message comes from the server (data-msg-* on section.tl-editor).
 * Does not: render Markdown itself or decide validity (the server does), keep anything in
 * storage. Requests go through net.js (X-CSRF-Token, If-Match, JSON answers).
 * ETags are taken from the JSON bodies (revision ids) rather than the ETag header, which the
 * compression layer may decorate ("-gz").
 * Test hooks: section.tl-editor gets data-editor-state="ready" once a lesson is loaded,
 * data-preview-seq="N" after the N-th preview answer has been shown, and
 * data-dirty="true|false".
 */
import { request as call } from './net.js';

const DEBOUNCE_MS = 400;

function fill(template, values = {}) {
  return String(template || '').replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function lessonUrl(slug, locale, rest = '') {
  return `/api/v1/lessons/${encodeURIComponent(slug)}${rest}?locale=${encodeURIComponent(locale)}`;
}

function fileName(slug, locale) {
  return `${slug}${locale === 'en' ? '' : `.${locale}`}.md`;
}

class Editor {
  constructor(root) {
    this.root = root;
    this.msg = root.dataset;
    const q = (s) => root.querySelector(s);
    this.slugSel = q('.tl-editor-slug');
    this.localeSel = q('.tl-editor-locale');
    this.status = q('.tl-editor-status');
    this.conflictBox = q('.tl-editor-conflict');
    this.conflictText = q('.tl-editor-conflict-text');
    this.text = q('.tl-editor-text');
    this.saveBtn = q('.tl-editor-save');
    this.etagOut = q('.tl-editor-etag');
    this.revList = q('.tl-revisions');
    this.problems = q('.tl-problems');
    this.preview = q('.tl-editor-preview');
    this.lessons = [];
    this.slug = null;
    this.locale = 'en';
    this.etag = null;
    this.saved = '';
    this.theirs = null;
    this.timer = null;
    this.renderSeq = 0;
    this.shownSeq = 0;
    this.busy = false;

    this.text.addEventListener('input', () => {
      this.markDirty();
      this.schedulePreview();
    });
    this.saveBtn.addEventListener('click', () => this.save());
    this.slugSel.addEventListener('change', () => this.pick(this.slugSel.value, this.localeSel.value));
    this.localeSel.addEventListener('change', () => this.pick(this.slugSel.value, this.localeSel.value));
    q('.tl-editor-theirs').addEventListener('click', () => this.loadTheirs());
    q('.tl-editor-mine').addEventListener('click', () => this.keepMine());
    this.text.addEventListener('keydown', (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key === 's') {
        ev.preventDefault();
        this.save();
      }
    });
  }

  say(text, kind = '') {
    this.status.textContent = text || '';
    this.status.className = `tl-editor-status${kind ? ` tl-${kind}` : ''}`;
  }

  failed(r) {
    if (r.status === 401 || r.status === 403) {
      this.say(this.msg.msgSession, 'bad');
      const a = el('a', { href: `/login?next=${encodeURIComponent('/editor')}` }, '→ /login');
      this.status.append(' ', a);
      return;
    }
    const detail = (r.body && (r.body.detail || r.body.title)) || `HTTP ${r.status}`;
    this.say(fill(this.msg.msgFailed, { detail }), 'bad');
  }

  networkFailed(e) {
    this.say(fill(this.msg.msgNetwork, { detail: e && e.message }), 'bad');
  }

  get dirty() {
    return this.text.value !== this.saved;
  }

  markDirty() {
    const d = this.dirty;
    this.root.dataset.dirty = String(d);
    for (const b of this.revList.querySelectorAll('button.tl-restore')) {
      b.disabled = d || b.dataset.current === 'true';
    }
    if (d && !this.busy) this.say(this.msg.msgUnsaved);
  }

  async start() {
    this.say(this.msg.msgLoading);
    let r;
    try {
      r = await call('GET', '/api/v1/lessons');
    } catch (e) {
      this.networkFailed(e);
      return;
    }
    if (!r.ok || !r.body) {
      this.failed(r);
      return;
    }
    this.lessons = (r.body.lessons || []).filter((l) => !l.deleted);
    const bySlug = new Map();
    for (const l of this.lessons) {
      const cur = bySlug.get(l.slug);
      if (!cur || (l.locale === this.msg.locale && l.title)) bySlug.set(l.slug, l);
    }
    this.slugSel.replaceChildren();
    for (const [slug, l] of [...bySlug.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      this.slugSel.append(el('option', { value: slug }, l.title ? `${l.title} (${slug})` : slug));
    }
    if (!bySlug.size) {
      this.say(this.msg.msgNoLessons);
      return;
    }
    const params = new URLSearchParams(window.location.search);
    const want = params.get('slug');
    const slug = want && bySlug.has(want) ? want : this.slugSel.options[0].value;
    const locale = params.get('locale') === 'zh-CN' ? 'zh-CN' : (params.get('locale') === 'en' ? 'en'
      : (this.msg.locale === 'zh-CN' ? 'zh-CN' : 'en'));
    await this.pick(slug, locale);
  }

  async pick(slug, locale) {
    if (!this.lessons.some((l) => l.slug === slug && l.locale === locale)) {
      // this locale of the lesson does not exist: fall back to the one that does
      const other = this.lessons.find((l) => l.slug === slug);
      if (other) locale = other.locale;
    }
    this.slugSel.value = slug;
    this.localeSel.value = locale;
    const params = new URLSearchParams(window.location.search);
    params.set('slug', slug);
    params.set('locale', locale);
    window.history.replaceState(null, '', `${window.location.pathname}?${params}`);
    await this.load(slug, locale);
  }

  async load(slug, locale) {
    this.say(this.msg.msgLoading);
    this.hideConflict();
    let r;
    try {
      r = await call('GET', lessonUrl(slug, locale));
    } catch (e) {
      this.networkFailed(e);
      return;
    }
    if (!r.ok || !r.body) {
      this.failed(r);
      return;
    }
    this.slug = slug;
    this.locale = locale;
    this.setText(r.body.text ?? '', r.body.etag || r.etag);
    this.text.disabled = false;
    this.saveBtn.disabled = false;
    this.say(fill(this.msg.msgLoaded, { rev: r.body.revision }));
    await Promise.all([this.renderNow(), this.loadRevisions()]);
    this.root.dataset.editorState = 'ready';
  }

  setText(text, etag) {
    this.text.value = text;
    this.saved = text;
    this.setEtag(etag);
    this.markDirty();
  }

  setEtag(etag) {
    this.etag = etag;
    this.etagOut.textContent = etag ? `ETag ${etag}` : '';
  }

  schedulePreview() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.renderNow(), DEBOUNCE_MS);
  }

  async renderNow() {
    clearTimeout(this.timer);
    const seq = ++this.renderSeq;
    let r;
    try {
      r = await call('POST', '/api/v1/render', { body: { text: this.text.value, slug: this.slug, locale: this.locale } });
    } catch (e) {
      if (seq === this.renderSeq) this.networkFailed(e);
      return;
    }
    if (seq !== this.renderSeq) return; // a newer text is being rendered
    if (r.status === 200 && r.body) {
      this.showProblems((r.body.problems || []).map((p) => ({ line: p.line, text: p.message })));
      await this.showPreview(r.body);
    } else if (r.status === 422 && r.body && Array.isArray(r.body.problems)) {
      this.showProblems(r.body.problems.map((p) => ({ line: p.line, text: p.message })));
      this.preview.classList.add('tl-stale');
      this.preview.setAttribute('title', this.msg.msgStale);
    } else if (r.status === 422 && r.body && Array.isArray(r.body.errors)) {
      this.showProblems(r.body.errors.map((e) => ({ line: 0, text: `${e.pointer}: ${e.detail}` })));
    } else {
      this.failed(r);
    }
    this.shownSeq = seq;
    this.root.dataset.previewSeq = String(seq);
  }

  /** problems: [{line, text}] shown as FILE:LINE: text; a click moves the caret there. */
  showProblems(problems) {
    const file = fileName(this.slug, this.locale);
    this.problems.replaceChildren();
    this.problems.closest('.tl-editor-problems').classList.toggle('tl-has-problems', problems.length > 0);
    if (!problems.length) {
      this.problems.append(el('li', { class: 'tl-ok' }, this.msg.msgNoProblems));
      return;
    }
    for (const p of problems) {
      const li = el('li', { class: 'tl-problem', 'data-line': p.line || undefined });
      const where = p.line ? `${file}:${p.line}` : file;
      if (p.line) {
        const b = el('button', { type: 'button', class: 'tl-problem-where' }, where);
        b.addEventListener('click', () => this.gotoLine(p.line));
        li.append(b, `: ${p.text}`);
      } else {
        li.append(`${where}: ${p.text}`);
      }
      this.problems.append(li);
    }
  }

  gotoLine(line) {
    const lines = this.text.value.split('\n');
    let pos = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    this.text.focus();
    this.text.setSelectionRange(pos, pos + (lines[line - 1] || '').length);
  }

  async showPreview(body) {
    const article = el('article', { class: 'tl-lesson', 'data-lesson': this.slug, lang: this.locale });
    const header = el('header', { class: 'tl-lesson-header' });
    const html = body.html || '';
    if (!/^<h1/.test(html)) header.append(el('h1', {}, body.title || ''));
    const main = el('div', { class: 'tl-lesson-body' });
    main.innerHTML = html; // the server's rendering, exactly as on /lessons/{slug}
    article.append(header, main);
    this.preview.replaceChildren(article);
    this.preview.classList.remove('tl-stale');
    this.preview.removeAttribute('title');
    // the lesson page's scripts, on the preview only
    try {
      if (this.preview.querySelector('figure.tl-scenario')) (await import('./player.js')).initPlayers(this.preview);
      if (this.preview.querySelector('form.tl-question')) (await import('./quiz.js')).initQuizzes(this.preview);
    } catch (e) {
      console.error(`tcplab: preview scripts failed: ${e && e.message}`);
    }
  }

  async save() {
    if (!this.slug || this.busy) return;
    this.busy = true;
    this.saveBtn.disabled = true;
    const text = this.text.value;
    let r;
    try {
      r = await call('PUT', lessonUrl(this.slug, this.locale), { body: { text }, etag: this.etag });
    } catch (e) {
      this.networkFailed(e);
      return;
    } finally {
      this.busy = false;
      this.saveBtn.disabled = false;
    }
    if (r.ok && r.body) {
      this.hideConflict();
      this.saved = text;
      this.setEtag(r.body.revision ? `"r${r.body.revision}"` : r.etag);
      this.markDirty();
      this.say(fill(this.msg.msgSaved, { rev: r.body.revision }), 'ok');
      const warnings = Array.isArray(r.body.warnings) ? r.body.warnings : [];
      if (warnings.length) {
        const ul = el('ul', { class: 'tl-warnings' });
        for (const w of warnings) ul.append(el('li', {}, typeof w === 'string' ? w : (w.detail || JSON.stringify(w))));
        this.status.append(' ', this.msg.msgWarnings, ul);
      }
      await this.loadRevisions();
    } else if (r.status === 412 && r.body) {
      this.showConflict(r.body);
    } else if (r.status === 422 && r.body && Array.isArray(r.body.problems)) {
      this.say(this.msg.msgInvalid, 'bad');
      this.showProblemsDetailed(r.body.problems);
    } else {
      this.failed(r);
    }
  }

  /** The save's problems: [{file, line, detail: "FILE:LINE: message"}]. */
  showProblemsDetailed(problems) {
    this.showProblems(problems.map((p) => {
      const d = String(p.detail || '');
      const m = /^[^:]*:\d+: ([\s\S]*)$/.exec(d);
      return { line: p.line, text: m ? m[1] : d };
    }));
  }

  showConflict(body) {
    this.theirs = { text: body.text ?? '', etag: body.etag || null, revision: body.revision };
    this.conflictText.textContent = fill(this.msg.msgConflict, { rev: body.revision ?? '?', author: body.author ?? '?' });
    this.conflictBox.hidden = false;
    this.say('');
  }

  hideConflict() {
    this.conflictBox.hidden = true;
    this.theirs = null;
  }

  async loadTheirs() {
    if (!this.theirs) return;
    const t = this.theirs;
    this.hideConflict();
    this.setText(t.text, t.etag);
    this.say(fill(this.msg.msgLoaded, { rev: t.revision }));
    await Promise.all([this.renderNow(), this.loadRevisions()]);
  }

  keepMine() {
    if (!this.theirs) return;
    // the next Save names their revision in If-Match: an explicit overwrite (theirs stays in the history)
    this.setEtag(this.theirs.etag);
    this.hideConflict();
    this.markDirty();
    this.loadRevisions();
  }

  async loadRevisions() {
    let r;
    try {
      r = await call('GET', lessonUrl(this.slug, this.locale, '/revisions'));
    } catch (e) {
      this.networkFailed(e);
      return;
    }
    if (!r.ok || !r.body) {
      this.failed(r);
      return;
    }
    const current = r.body.current_revision;
    this.revList.replaceChildren();
    for (const rev of r.body.revisions || []) {
      const isCurrent = rev.revision === current;
      const li = el('li', { class: `tl-revision${isCurrent ? ' tl-current' : ''}`, 'data-revision': rev.revision });
      const when = rev.saved_at ? new Date(rev.saved_at * 1000).toLocaleString(this.msg.locale) : '';
      li.append(el('code', {}, `r${rev.revision}`), ` ${when} — ${rev.author || '?'}`);
      if (isCurrent) li.append(' ', el('span', { class: 'tl-tag' }, this.msg.msgCurrent));
      const b = el('button', { type: 'button', class: 'tl-restore', 'data-current': String(isCurrent) }, this.msg.msgRestore);
      b.disabled = isCurrent || this.dirty;
      b.title = this.dirty ? this.msg.msgRestoreDirty : '';
      b.addEventListener('click', () => this.restore(rev.revision));
      li.append(' ', b);
      this.revList.append(li);
    }
  }

  async restore(rev) {
    if (this.dirty) {
      this.say(this.msg.msgRestoreDirty, 'bad');
      return;
    }
    let r;
    try {
      r = await call('POST', lessonUrl(this.slug, this.locale, `/revisions/${rev}/restore`), { etag: this.etag });
    } catch (e) {
      this.networkFailed(e);
      return;
    }
    if (r.status === 412 && r.body) {
      this.showConflict(r.body);
      return;
    }
    if (!r.ok || !r.body) {
      this.failed(r);
      return;
    }
    const g = await call('GET', lessonUrl(this.slug, this.locale));
    if (!g.ok || !g.body) {
      this.failed(g);
      return;
    }
    this.setText(g.body.text ?? '', g.body.etag || g.etag);
    this.say(fill(this.msg.msgRestored, { from: `r${rev}`, rev: g.body.revision }), 'ok');
    await Promise.all([this.renderNow(), this.loadRevisions()]);
  }
}

export function initEditor(root = document) {
  const editors = [];
  for (const section of root.querySelectorAll('section.tl-editor')) {
    const e = new Editor(section);
    editors.push(e);
    e.start().catch((err) => e.networkFailed(err));
  }
  return editors;
}
