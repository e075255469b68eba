/*
 * editor.js — the instructors' lesson editor on /editor.
 *
 * Owns: the lesson picker (GET /api/v1/lessons: a "recently edited" group, last edited first,
 * then every lesson by its front matter `order`; slug + locale kept in ?slug=&locale=),
 * loading a lesson's text and revision, the live preview (POST /api/v1/render, debounced
 * 400 ms; the newest answer wins) re-using the lesson-page scripts on the preview (player.js,
 * quiz.js), the Problems panel fed by POST /api/v1/lessons/{slug}/check as you type (the
 * same problems and warnings Save would give, "FILE:LINE: message"; a click puts the caret
 * on that line), Save with an optional note (PUT with If-Match) and the status bar beside
 * it that shows every save result, warning and conflict; a conflict (412) shown as a line
 * diff of their revision and my text with a choice per change (diff.js), nothing written
 * until the instructor saves the merged text; unsaved edits guarded (the browser's
 * beforeunload question, an in-page question before switching lessons) and kept as a draft
 * in localStorage (key tcplab-draft:SLUG:LOCALE, with the revision it started from),
 * offered back on open and removed on save; the revision list (author's name, time, note,
 * the changes against the previous revision, Restore after a question); the New lesson
 * dialog (both locales from a template). The question builder, scenario picker and help are
 * builder.js's, opened from the toolbar above the text.
 * Messages of the first editor come from the server (data-msg-* on section.tl-editor), the
 * newer controls' labels from editor-i18n.js.
 * Does not: render Markdown or decide validity (the server does). Requests go through
 * net.js (X-CSRF-Token, If-Match, JSON answers). ETags are taken from the JSON bodies
 * (revision ids) rather than the ETag header, which the compression layer may decorate.
 * Test hooks: section.tl-editor gets data-editor-state="ready" once a lesson is loaded,
 * data-preview-seq="N" after the N-th preview answer has been shown, data-check-seq="N"
 * after the N-th check answer, and data-dirty="true|false".
 */
import { request as call } from './net.js';
import { hunks, hunkCount, merge, renderDiff } from './diff.js';
import { editorStrings } from './editor-i18n.js';

const DEBOUNCE_MS = 400;
const DRAFT_MS = 250;
const DRAFT_PREFIX = 'tcplab-draft:';
const RECENT_MAX = 5;

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

function revOf(etag) {
  const m = /"r(\d+)/.exec(etag || '');
  return m ? Number(m[1]) : 0;
}

/** Drafts in localStorage; every access may throw (storage off, quota): then no drafts. */
const drafts = {
  key: (slug, locale) => `${DRAFT_PREFIX}${slug}:${locale}`,
  get(slug, locale) {
    try {
      const d = JSON.parse(window.localStorage.getItem(this.key(slug, locale)) || 'null');
      return d && typeof d.text === 'string' ? d : null;
    } catch {
      return null;
    }
  },
  put(slug, locale, base, text) {
    try {
      window.localStorage.setItem(this.key(slug, locale), JSON.stringify({ base, text, at: Date.now() }));
    } catch {
      /* no storage: the beforeunload question still guards the edit */
    }
  },
  drop(slug, locale) {
    try {
      window.localStorage.removeItem(this.key(slug, locale));
    } catch {
      /* nothing to drop */
    }
  },
};

/** An in-page question in a <dialog>: resolves true (yes) or false (no, Escape). */
export function ask(root, { title, text, yes, no, danger = false }) {
  return new Promise((resolve) => {
    const d = el('dialog', { class: 'tl-dialog tl-ask', 'aria-labelledby': 'tl-ask-title' });
    const h = el('h2', { id: 'tl-ask-title' }, title);
    const p = el('p', {}, text);
    const by = el('button', { type: 'button', class: `tl-ask-yes${danger ? ' tl-danger' : ''}` }, yes);
    const bn = el('button', { type: 'button', class: 'tl-ask-no tl-secondary' }, no);
    const row = el('p', { class: 'tl-dialog-actions' });
    row.append(bn, ' ', by);
    d.append(h, p, row);
    let done = false;
    const end = (v) => {
      if (done) return;
      done = true;
      d.close();
      d.remove();
      resolve(v);
    };
    by.addEventListener('click', () => end(true));
    bn.addEventListener('click', () => end(false));
    d.addEventListener('cancel', (ev) => {
      ev.preventDefault();
      end(false);
    });
    root.append(d);
    d.showModal();
    bn.focus();
  });
}

function template(kind, { slug, title, locale, order }) {
  const zh = locale === 'zh-CN';
  const head = `---\ntitle: ${JSON.stringify(title)}\nsummary: ${JSON.stringify(zh ? '一句话说明本课内容。' : 'One sentence on what this lesson is about.')}\norder: ${order}\ntags: []\nlocale: ${locale}\n---\n\n# ${title}\n\n`;
  if (kind !== 'full') {
    return `${head}${zh ? '在这里写课程正文。' : 'Write the lesson here.'}\n`;
  }
  const quiz = zh
    ? '```quiz\n- id: q1\n  type: state\n  prompt: "第 {step} 步之后，客户端处于什么状态？"\n  scenario: handshake-and-close\n  endpoint: client\n  step: 3\n  explanation: "客户端此时处于 {answer}。"\n```\n'
    : '```quiz\n- id: q1\n  type: state\n  prompt: "Which state is the client in after step {step}?"\n  scenario: handshake-and-close\n  endpoint: client\n  step: 3\n  explanation: "The client is in {answer}."\n```\n';
  return `${head}${zh ? '先看一个完整的连接：三次握手、数据和关闭。' : 'First, a whole connection: the handshake, data and the close.'}\n\n`
    + '```scenario\nhandshake-and-close\n```\n\n'
    + `${zh ? '## 小测验' : '## Check yourself'}\n\n${quiz}\n`
    + `${zh ? '## 小结' : '## Summary'}\n\n${zh ? '- 要点一' : '- First point'}\n`;
}

class Editor {
  constructor(root) {
    this.root = root;
    this.msg = root.dataset;
    this.t = editorStrings(root.dataset.locale);
    const q = (s) => root.querySelector(s);
    this.slugSel = q('.tl-editor-slug');
    this.localeSel = q('.tl-editor-locale');
    this.status = q('.tl-editor-status');
    this.conflictBox = q('.tl-editor-conflict');
    this.conflictDiff = q('.tl-editor-conflict-diff');
    this.draftBox = q('.tl-editor-draft');
    this.text = q('.tl-editor-text');
    this.saveBtn = q('.tl-editor-save');
    this.note = q('.tl-editor-note');
    this.revList = q('.tl-revisions');
    this.problems = q('.tl-problems');
    this.preview = q('.tl-editor-preview');
    this.tools = q('.tl-editor-tools');
    this.newBtn = q('.tl-editor-new');
    this.lessons = [];
    this.slug = null;
    this.locale = 'en';
    this.etag = null;
    this.saved = '';
    this.theirs = null;
    this.timer = null;
    this.checkTimer = null;
    this.draftTimer = null;
    this.renderSeq = 0;
    this.checkSeq = 0;
    this.busy = false;

    q('.tl-editor-note-label').textContent = this.t.note;
    this.note.placeholder = this.t.notePlaceholder;
    q('.tl-editor-conflict-how').textContent = this.t.conflictHow;
    q('.tl-editor-merge').textContent = this.t.useMerged;
    this.newBtn.textContent = this.t.newLesson;
    this.buildTools();

    this.text.addEventListener('input', () => this.edited());
    this.saveBtn.addEventListener('click', () => this.save());
    const switched = () => this.pick(this.slugSel.value, this.localeSel.value);
    this.slugSel.addEventListener('change', switched);
    this.localeSel.addEventListener('change', switched);
    q('.tl-editor-theirs').addEventListener('click', () => this.loadTheirs());
    q('.tl-editor-mine').addEventListener('click', () => this.keepMine());
    q('.tl-editor-merge').addEventListener('click', () => this.useMerged());
    this.newBtn.addEventListener('click', () => this.newLesson());
    this.text.addEventListener('keydown', (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key === 's') {
        ev.preventDefault();
        this.save();
      }
    });
    window.addEventListener('beforeunload', (ev) => {
      if (!this.dirty) return;
      this.keepDraft();
      ev.preventDefault();
      ev.returnValue = ''; // older browsers need a value to ask
    });
  }

  buildTools() {
    const mk = (cls, label, fn) => {
      const b = el('button', { type: 'button', class: `tl-secondary ${cls}` }, label);
      b.disabled = true;
      b.addEventListener('click', fn);
      this.tools.append(b, ' ');
      return b;
    };
    const builder = () => import('./builder.js');
    this.toolButtons = [
      mk('tl-tool-question', this.t.insertQuestion, async () => (await builder()).openQuestionBuilder(this)),
      mk('tl-tool-figure', this.t.insertFigure, async () => (await builder()).openScenarioPicker(this)),
      mk('tl-tool-help', this.t.help, async () => (await builder()).openHelp(this)),
    ];
  }

  /** Inserts `block` (whole lines) at the caret, or appends `item` to the ```quiz block the
   * caret is in when `item` is given; keeps the caret after it and updates everything. */
  insertAtCursor(block, item) {
    const v = this.text.value;
    let pos = this.text.selectionStart ?? v.length;
    if (item) {
      const fence = this.quizBlockAround(pos);
      if (fence) {
        const ins = item.endsWith('\n') ? item : `${item}\n`;
        this.text.value = v.slice(0, fence.close) + ins + v.slice(fence.close);
        pos = fence.close + ins.length;
        this.text.setSelectionRange(pos, pos);
        this.edited();
        return;
      }
    }
    // whole lines: move to the start of the next line, surround with blank lines
    const lineEnd = v.indexOf('\n', pos);
    if (pos > 0 && v[pos - 1] !== '\n') pos = lineEnd < 0 ? v.length : lineEnd + 1;
    const before = v.slice(0, pos);
    const lead = before === '' || before.endsWith('\n\n') ? '' : (before.endsWith('\n') ? '\n' : '\n\n');
    const text = `${lead}${block.endsWith('\n') ? block : `${block}\n`}\n`;
    this.text.value = before + text + v.slice(pos);
    const at = pos + text.length;
    this.text.focus();
    this.text.setSelectionRange(at, at);
    this.edited();
  }

  /** The ```quiz block containing offset pos: {open, close} (close: the offset of the closing
   * fence line), or null. */
  quizBlockAround(pos) {
    const v = this.text.value;
    const re = /^```quiz[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
    for (let m; (m = re.exec(v));) {
      const open = m.index;
      const close = m.index + m[0].lastIndexOf('```');
      if (pos > open && pos <= close) return { open, close };
    }
    return null;
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
    return this.slug !== null && this.text.value !== this.saved;
  }

  get file() {
    return fileName(this.slug, this.locale);
  }

  edited() {
    this.markDirty();
    this.schedulePreview();
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.keepDraft(), DRAFT_MS);
  }

  keepDraft() {
    clearTimeout(this.draftTimer);
    if (!this.slug) return;
    if (this.dirty) drafts.put(this.slug, this.locale, revOf(this.etag), this.text.value);
    else drafts.drop(this.slug, this.locale);
  }

  markDirty() {
    const d = this.dirty;
    this.root.dataset.dirty = String(d);
    for (const b of this.revList.querySelectorAll('button.tl-restore')) {
      b.disabled = d || b.dataset.current === 'true';
    }
    if (d && !this.busy && !this.theirs) this.say(this.msg.msgUnsaved);
  }

  async start() {
    this.say(this.msg.msgLoading);
    const list = await this.loadList();
    if (!list) return;
    this.newBtn.disabled = false;
    if (!list.size) {
      this.say(this.msg.msgNoLessons);
      return;
    }
    const params = new URLSearchParams(window.location.search);
    const want = params.get('slug');
    const slug = want && list.has(want) ? want : this.slugSel.options[0].value;
    const pl = params.get('locale');
    const locale = pl === 'zh-CN' || pl === 'en' ? pl : (this.msg.locale === 'zh-CN' ? 'zh-CN' : 'en');
    await this.pick(slug, locale, { force: true });
  }

  /** Fills the picker; returns the lessons by slug (or null after showing the failure). */
  async loadList() {
    let r;
    try {
      r = await call('GET', '/api/v1/lessons');
    } catch (e) {
      this.networkFailed(e);
      return null;
    }
    if (!r.ok || !r.body) {
      this.failed(r);
      return null;
    }
    this.lessons = (r.body.lessons || []).filter((l) => !l.deleted);
    const bySlug = new Map();
    for (const l of this.lessons) {
      const cur = bySlug.get(l.slug) || { slug: l.slug, title: '', order: null, edited: 0 };
      if (l.title && (!cur.title || l.locale === this.msg.locale)) cur.title = l.title;
      if (typeof l.order === 'number') cur.order = l.order;
      if (l.author !== 'import') cur.edited = Math.max(cur.edited, l.saved_at || 0);
      bySlug.set(l.slug, cur);
    }
    const label = (l) => (l.title ? `${l.title} (${l.slug})` : l.slug);
    const all = [...bySlug.values()].sort((a, b) => ((a.order ?? 1e9) - (b.order ?? 1e9)) || a.slug.localeCompare(b.slug));
    const recent = all.filter((l) => l.edited > 0).sort((a, b) => b.edited - a.edited).slice(0, RECENT_MAX);
    this.slugSel.replaceChildren();
    if (recent.length) {
      const g = el('optgroup', { label: this.t.recent, class: 'tl-recent' });
      for (const l of recent) g.append(el('option', { value: l.slug }, label(l)));
      this.slugSel.append(g);
    }
    const g = el('optgroup', { label: this.t.allLessons, class: 'tl-all' });
    for (const l of all) g.append(el('option', { value: l.slug }, label(l)));
    this.slugSel.append(g);
    if (this.slug) this.slugSel.value = this.slug;
    return bySlug;
  }

  /** Opens slug/locale; with unsaved changes it asks first (force: no question). */
  async pick(slug, locale, { force = false } = {}) {
    if (!force && this.dirty && (slug !== this.slug || locale !== this.locale)) {
      this.keepDraft();
      const leave = await ask(this.root, {
        title: this.t.leaveTitle, text: this.t.leaveText(this.file), yes: this.t.leave, no: this.t.stay,
      });
      if (!leave) {
        this.slugSel.value = this.slug;
        this.localeSel.value = this.locale;
        this.text.focus();
        return;
      }
    }
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
    this.draftBox.hidden = true;
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
    this.note.value = '';
    this.text.disabled = false;
    this.saveBtn.disabled = false;
    for (const b of this.toolButtons) b.disabled = false;
    this.say(fill(this.msg.msgLoaded, { rev: r.body.revision }));
    this.offerDraft(r.body.revision);
    await Promise.all([this.renderNow(), this.checkNow(), this.loadRevisions()]);
    this.root.dataset.editorState = 'ready';
  }

  /** Shows the kept draft of this lesson, if any differs from the loaded text. */
  offerDraft(current) {
    const d = drafts.get(this.slug, this.locale);
    if (!d || d.text === this.saved) {
      if (d) drafts.drop(this.slug, this.locale);
      return;
    }
    const when = new Date(d.at || Date.now()).toLocaleString(this.msg.locale);
    this.draftBox.replaceChildren();
    this.draftBox.append(el('p', {}, this.t.draftFound(this.file, when, `r${d.base}`)));
    if (d.base !== current) this.draftBox.append(el('p', {}, this.t.draftOlder));
    const yes = el('button', { type: 'button', class: 'tl-draft-restore' }, this.t.draftRestore);
    const no = el('button', { type: 'button', class: 'tl-draft-discard tl-secondary' }, this.t.draftDiscard);
    yes.addEventListener('click', () => this.restoreDraft(d, current));
    no.addEventListener('click', () => {
      drafts.drop(this.slug, this.locale);
      this.draftBox.hidden = true;
      this.text.focus();
    });
    const p = el('p', { class: 'tl-dialog-actions' });
    p.append(yes, ' ', no);
    this.draftBox.append(p);
    this.draftBox.hidden = false;
  }

  restoreDraft(d, current) {
    this.draftBox.hidden = true;
    this.text.value = d.text;
    if (d.base && d.base !== current) {
      // started from an older revision: saving must meet the newer one first (a 412 → diff)
      this.etag = `"r${d.base}"`;
    }
    this.edited();
    this.say(this.t.draftRestored);
    this.text.focus();
  }

  setText(text, etag) {
    this.text.value = text;
    this.saved = text;
    this.etag = etag;
    this.markDirty();
  }

  schedulePreview() {
    clearTimeout(this.timer);
    clearTimeout(this.checkTimer);
    this.timer = setTimeout(() => this.renderNow(), DEBOUNCE_MS);
    this.checkTimer = setTimeout(() => this.checkNow(), DEBOUNCE_MS);
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
      await this.showPreview(r.body);
    } else if (r.status === 422 && r.body) {
      this.preview.classList.add('tl-stale');
      this.preview.setAttribute('title', this.msg.msgStale);
    } else {
      this.failed(r);
    }
    this.root.dataset.previewSeq = String(seq);
  }

  /** The Problems panel: what Save would refuse and warn about, for the current text. */
  async checkNow() {
    clearTimeout(this.checkTimer);
    const seq = ++this.checkSeq;
    let r;
    try {
      r = await call('POST', lessonUrl(this.slug, this.locale, '/check'), { body: { text: this.text.value } });
    } catch (e) {
      if (seq === this.checkSeq) this.networkFailed(e);
      return;
    }
    if (seq !== this.checkSeq) return;
    if (r.status === 200 && r.body) {
      this.showProblemsDetailed(r.body.problems || [], r.body.warnings || []);
    } else if (r.status === 422 && r.body && Array.isArray(r.body.errors)) {
      this.showProblems(r.body.errors.map((e) => ({ line: 0, text: `${e.pointer}: ${e.detail}` })));
    } else {
      this.failed(r);
    }
    this.root.dataset.checkSeq = String(seq);
  }

  /** problems: [{line, text}] shown as FILE:LINE: text; a click moves the caret there;
   * warnings: strings ("FILE: …"), shown after them. */
  showProblems(problems, warnings = []) {
    const file = this.file;
    this.problems.replaceChildren();
    const section = this.problems.closest('.tl-editor-problems');
    section.classList.toggle('tl-has-problems', problems.length > 0);
    section.classList.toggle('tl-has-warnings', !problems.length && warnings.length > 0);
    if (!problems.length && !warnings.length) {
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
    for (const w of warnings) {
      const li = el('li', { class: 'tl-warning' });
      li.append(el('strong', {}, `${this.t.checkWarning}: `), String(w));
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
      if (this.preview.querySelector('form.tl-question')) (await import('./quiz.js')).initQuizzes(this.preview, { preview: this.previewQuizApi() });
    } catch (e) {
      console.error(`tcplab: preview scripts failed: ${e && e.message}`);
    }
  }

  /** The preview's questions answer from the text being edited, saved or not: a variant and
   * a grade come from POST /api/v1/render/question on the question's ```quiz block. */
  previewQuizApi() {
    const ask = async (qid, seed, payload) => {
      const id = qid.slice(qid.indexOf('.') + 1);
      const { quizBlocks } = await import('./builder.js');
      const v = this.text.value;
      for (const b of quizBlocks(v)) {
        const yaml = v.slice(b.body, b.close);
        if (!new RegExp(`id:\\s*["']?${id.replace(/[^a-z0-9-]/g, '')}["']?\\s*$`, 'm').test(yaml)) continue;
        const r = await call('POST', '/api/v1/render/question', {
          body: { yaml, slug: this.slug || 'preview', locale: this.locale, seed, ...(payload ? { answers: { [id]: payload } } : {}) },
        });
        const qq = r.ok && r.body && Array.isArray(r.body.questions) ? r.body.questions.find((x) => x.id === id) : null;
        if (qq) return qq;
      }
      return null;
    };
    return {
      variant: async (qid, seed) => {
        const qq = await ask(qid, seed);
        return qq && qq.variant ? qq.variant : null;
      },
      grade: async (qid, variantId, payload) => {
        const m = /^v(\d+)-/.exec(variantId || '');
        const qq = await ask(qid, m ? Number(m[1]) : 1, payload);
        return qq && qq.grade ? qq.grade : null;
      },
    };
  }

  async save() {
    if (!this.slug || this.busy) return;
    this.busy = true;
    this.saveBtn.disabled = true;
    const text = this.text.value;
    const note = this.note.value.trim();
    let r;
    try {
      r = await call('PUT', lessonUrl(this.slug, this.locale), { body: note ? { text, note } : { text }, etag: this.etag });
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
      this.etag = r.body.etag || `"r${r.body.revision}"`;
      this.note.value = '';
      drafts.drop(this.slug, this.locale);
      this.markDirty();
      this.say(fill(this.msg.msgSaved, { rev: r.body.revision }), 'ok');
      const warnings = Array.isArray(r.body.warnings) ? r.body.warnings : [];
      if (warnings.length) {
        this.status.classList.add('tl-warn');
        const ul = el('ul', { class: 'tl-warnings' });
        for (const w of warnings) ul.append(el('li', {}, typeof w === 'string' ? w : (w.detail || JSON.stringify(w))));
        this.status.append(' ', this.msg.msgWarnings, ul);
      }
      await Promise.all([this.loadRevisions(), this.loadList(), this.checkNow()]);
    } else if (r.status === 412 && r.body) {
      this.showConflict(r.body);
    } else if (r.status === 422 && r.body && Array.isArray(r.body.problems)) {
      this.say(this.msg.msgInvalid, 'bad');
      const ul = el('ul', { class: 'tl-warnings' });
      for (const p of r.body.problems) ul.append(el('li', {}, String(p.detail || '')));
      this.status.append(ul);
      this.showProblemsDetailed(r.body.problems);
    } else if (r.status === 422 && r.body && Array.isArray(r.body.errors)) {
      this.say(fill(this.msg.msgFailed, { detail: r.body.errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ') }), 'bad');
    } else {
      this.failed(r);
    }
  }

  /** Problems as the check and the save give them: [{file, line, detail: "FILE:LINE: message"}]. */
  showProblemsDetailed(problems, warnings = []) {
    this.showProblems(problems.map((p) => {
      const d = String(p.detail || '');
      const m = /^[^:]*:\d+: ([\s\S]*)$/.exec(d);
      return { line: p.line, text: m ? m[1] : d };
    }), warnings);
  }

  /** The 412 answer: their revision against my text, a choice per change. */
  showConflict(body) {
    const mine = this.text.value;
    this.theirs = { text: body.text ?? '', etag: body.etag || null, revision: body.revision };
    const said = fill(this.msg.msgConflict, { rev: body.revision ?? '?', author: body.author_name || body.author || '?' });
    this.parts = hunks(this.theirs.text, mine);
    this.choice = [];
    const n = hunkCount(this.parts);
    this.conflictDiff.replaceChildren();
    if (!n) {
      this.conflictDiff.append(el('p', {}, this.t.noDiff));
    } else {
      const table = renderDiff(this.theirs.text, mine, {
        labels: [this.t.theirs, this.t.mine],
        onHunk: (k, tbody) => {
          this.choice[k] = 'b';
          const tr = el('tr', { class: 'tl-diff-choose' });
          const td = el('td', { colspan: '3' });
          const fs = el('fieldset', { class: 'tl-diff-pick' });
          fs.append(el('legend', {}, this.t.changeN(k + 1, n)));
          for (const [v, label] of [['a', this.t.theirs], ['b', this.t.mine], ['both', this.t.both]]) {
            const id = `tl-hunk-${k}-${v}`;
            const input = el('input', { type: 'radio', name: `tl-hunk-${k}`, value: v, id });
            input.checked = v === 'b';
            input.addEventListener('change', () => {
              this.choice[k] = v;
            });
            const lab = el('label', { for: id }, label);
            fs.append(input, ' ', lab, ' ');
          }
          td.append(fs);
          tr.append(td);
          tbody.prepend(tr);
        },
      });
      this.conflictDiff.append(table);
    }
    this.conflictBox.hidden = false;
    this.say(said, 'bad');
    this.conflictBox.scrollIntoView({ block: 'nearest' });
  }

  hideConflict() {
    this.conflictBox.hidden = true;
    this.conflictDiff.replaceChildren();
    this.theirs = null;
  }

  /** The merged text goes into the editor, based on their revision; Save stores it. */
  useMerged() {
    if (!this.theirs) return;
    const t = this.theirs;
    const mine = this.text.value;
    const nl = t.text.endsWith('\n') || mine.endsWith('\n');
    this.text.value = merge(this.parts, this.choice, nl);
    this.etag = t.etag;
    this.hideConflict();
    this.edited();
    this.say(this.t.merged(`r${t.revision}`));
    this.loadRevisions();
  }

  async loadTheirs() {
    if (!this.theirs) return;
    const t = this.theirs;
    this.hideConflict();
    this.setText(t.text, t.etag);
    drafts.drop(this.slug, this.locale);
    this.say(fill(this.msg.msgLoaded, { rev: t.revision }));
    await Promise.all([this.renderNow(), this.checkNow(), this.loadRevisions()]);
  }

  keepMine() {
    if (!this.theirs) return;
    // the next Save names their revision in If-Match: the instructor has seen the diff
    const rev = this.theirs.revision;
    this.etag = this.theirs.etag;
    this.hideConflict();
    this.markDirty();
    this.keepDraft();
    this.say(this.t.keptMine(`r${rev}`));
    this.loadRevisions();
  }

  /** Draws the revision list. Several loads can overlap (a merge, then a save): only the
   * newest one draws, so an older answer arriving late never replaces a newer list. */
  async loadRevisions() {
    const seq = (this.revSeq = (this.revSeq || 0) + 1);
    let r;
    try {
      r = await call('GET', lessonUrl(this.slug, this.locale, '/revisions'));
    } catch (e) {
      if (seq === this.revSeq) this.networkFailed(e);
      return;
    }
    if (seq !== this.revSeq) return;
    if (!r.ok || !r.body) {
      this.failed(r);
      return;
    }
    const current = r.body.current_revision;
    const revs = r.body.revisions || [];
    this.revList.replaceChildren();
    revs.forEach((rev, i) => {
      const isCurrent = rev.revision === current;
      const li = el('li', { class: `tl-revision${isCurrent ? ' tl-current' : ''}`, 'data-revision': rev.revision });
      const when = rev.saved_at ? new Date(rev.saved_at * 1000).toLocaleString(this.msg.locale) : '';
      const who = rev.author === 'import' ? this.t.imported : (rev.author_name || rev.author || '?');
      const head = el('p', { class: 'tl-revision-head' });
      head.append(el('code', {}, `r${rev.revision}`), ' ', el('span', { class: 'tl-revision-who' }, who), ` · ${when}`);
      if (isCurrent) head.append(' ', el('span', { class: 'tl-tag' }, this.msg.msgCurrent));
      li.append(head);
      if (rev.note) li.append(el('p', { class: 'tl-revision-note' }, rev.note));
      const prev = revs[i + 1];
      const buttons = el('p', { class: 'tl-revision-actions' });
      const show = el('button', { type: 'button', class: 'tl-secondary tl-show-diff', 'aria-expanded': 'false' }, this.t.showChanges);
      const box = el('div', { class: 'tl-revision-diff', hidden: '' });
      show.addEventListener('click', () => this.toggleDiff(show, box, rev.revision, prev && prev.revision));
      const b = el('button', { type: 'button', class: 'tl-restore', 'data-current': String(isCurrent) }, this.msg.msgRestore);
      b.disabled = isCurrent || this.dirty;
      b.title = this.dirty ? this.msg.msgRestoreDirty : '';
      b.addEventListener('click', () => this.restore(rev.revision));
      buttons.append(show, ' ', b);
      li.append(buttons, box);
      this.revList.append(li);
    });
    this.root.dataset.revisionsOf = String(current); // the current revision the list shows
  }

  async revisionText(rev) {
    const r = await call('GET', lessonUrl(this.slug, this.locale, `/revisions/${rev}`));
    if (!r.ok || !r.body) throw new Error(`HTTP ${r.status}`);
    return r.body.text ?? '';
  }

  async toggleDiff(button, box, rev, prevRev) {
    if (!box.hidden) {
      box.hidden = true;
      button.textContent = this.t.showChanges;
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    box.replaceChildren(el('p', {}, this.msg.msgLoading));
    box.hidden = false;
    button.textContent = this.t.hideChanges;
    button.setAttribute('aria-expanded', 'true');
    try {
      if (!prevRev) {
        box.replaceChildren(el('p', {}, this.t.firstRevision));
        return;
      }
      const [a, b] = await Promise.all([this.revisionText(prevRev), this.revisionText(rev)]);
      box.replaceChildren(a === b ? el('p', {}, this.t.noDiff) : renderDiff(a, b, { labels: ['−', '+'] }));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'tl-bad' }, fill(this.msg.msgNetwork, { detail: e && e.message })));
    }
  }

  async restore(rev) {
    if (this.dirty) {
      this.say(this.msg.msgRestoreDirty, 'bad');
      return;
    }
    const yes = await ask(this.root, {
      title: this.msg.msgRestore, text: this.t.restoreAsk(rev), yes: this.t.restoreYes, no: this.t.cancel,
    });
    if (!yes) return;
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
    await Promise.all([this.renderNow(), this.checkNow(), this.loadRevisions(), this.loadList()]);
  }

  /** The New lesson dialog: slug, both titles, a template; creates both locale files. */
  async newLesson() {
    const t = this.t;
    const d = el('dialog', { class: 'tl-dialog tl-new-lesson', 'aria-labelledby': 'tl-nl-title' });
    const form = el('form', { method: 'dialog', novalidate: '' });
    form.append(el('h2', { id: 'tl-nl-title' }, t.nlTitle), el('p', {}, t.nlIntro));
    const field = (id, label, input, help) => {
      const p = el('p', { class: 'tl-field tl-field-col' });
      p.append(el('label', { for: id }, label), input);
      if (help) {
        const h = el('span', { class: 'tl-help', id: `${id}-help` }, help);
        input.setAttribute('aria-describedby', h.id);
        p.append(h);
      }
      form.append(p);
      return input;
    };
    const slug = field('tl-nl-slug', t.nlSlug, el('input', { id: 'tl-nl-slug', required: '', maxlength: '63', pattern: '[a-z0-9\\-]{1,63}', autocapitalize: 'none', spellcheck: 'false' }), t.nlSlugHelp);
    const en = field('tl-nl-en', t.nlTitleEn, el('input', { id: 'tl-nl-en', required: '', lang: 'en' }));
    const zh = field('tl-nl-zh', t.nlTitleZh, el('input', { id: 'tl-nl-zh', required: '', lang: 'zh-CN' }));
    const tpl = field('tl-nl-tpl', t.nlTemplate, el('select', { id: 'tl-nl-tpl' }));
    tpl.append(el('option', { value: 'full' }, t.nlFull), el('option', { value: 'blank' }, t.nlBlank));
    const out = el('p', { class: 'tl-dialog-status', role: 'alert' });
    const create = el('button', { type: 'submit', class: 'tl-nl-create' }, t.nlCreate);
    const cancel = el('button', { type: 'button', class: 'tl-secondary' }, t.cancel);
    const row = el('p', { class: 'tl-dialog-actions' });
    row.append(cancel, ' ', create);
    form.append(out, row);
    d.append(form);
    this.root.append(d);
    const close = () => {
      d.close();
      d.remove();
    };
    cancel.addEventListener('click', close);
    d.addEventListener('close', () => d.remove());
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const s = slug.value.trim();
      if (!/^[a-z0-9-]{1,63}$/.test(s)) {
        out.textContent = t.nlBadSlug;
        slug.focus();
        return;
      }
      if (!en.value.trim() || !zh.value.trim()) {
        out.textContent = t.nlNeedTitles;
        return;
      }
      if (this.lessons.some((l) => l.slug === s)) {
        out.textContent = t.nlExists;
        return;
      }
      const order = Math.max(0, ...this.lessons.map((l) => (typeof l.order === 'number' ? l.order : 0))) + 1;
      create.disabled = true;
      out.textContent = this.msg.msgLoading;
      for (const [locale, title] of [['en', en.value.trim()], ['zh-CN', zh.value.trim()]]) {
        let r;
        try {
          r = await call('POST', '/api/v1/lessons', { body: { slug: s, locale, text: template(tpl.value, { slug: s, title, locale, order }) } });
        } catch (e) {
          out.textContent = fill(this.msg.msgNetwork, { detail: e && e.message });
          create.disabled = false;
          return;
        }
        if (r.status === 409) {
          out.textContent = t.nlExists;
          create.disabled = false;
          return;
        }
        if (!r.ok) {
          const p = r.body && (r.body.problems || r.body.errors);
          out.textContent = fill(this.msg.msgFailed, { detail: p ? p.map((x) => x.detail).join('; ') : (r.body && r.body.detail) || `HTTP ${r.status}` });
          create.disabled = false;
          return;
        }
      }
      close();
      await this.loadList();
      await this.pick(s, this.msg.locale === 'zh-CN' ? 'zh-CN' : 'en');
      this.say(t.nlCreated(s), 'ok');
    });
    d.showModal();
    slug.focus();
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
