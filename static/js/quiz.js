/*
 * quiz.js — quiz questions graded by the server (docs/dom.md, docs/quiz.md).
 *
 * Owns: for each <form class="tl-question">, getting its variant (questions with
 * data-params="1" ask POST /api/v1/questions/{id}/variants, keeping the seed in localStorage
 * per question so a reload shows the same numbers), turning the inputs into the answer
 * payload of quiz.md, POSTing it to /api/v1/variants/{variant}/submissions and showing the
 * result in .tl-feedback: one verdict with the score, what is wrong (marks on each choice,
 * ✓/✗ on each ladder cell), the hint, and "Try again" / "Show answer" buttons; the worked
 * explanation only when the answer is right, when the student asks for it (POST
 * /api/v1/variants/{variant}/answer, which records nothing; practice only) or when the
 * server sends it (an exam's last attempt). Format errors are listed in plain words with
 * the offending ladder cells marked (aria-invalid). Order questions are operable by
 * keyboard (↑/↓ buttons named after their item keep focus).
 * In practice mode a question with drawn numbers offers the server's next_variant ("Try
 * again with new numbers") once the answer has been shown.
 * Each answer goes with an Idempotency-Key; when a submission gets no answer (network
 * error) or a 5xx, sending the same answer again reuses the key, so a recorded attempt
 * (an exam's are limited) is counted once even if the first request did reach the server.
 * A signed-in student's last answer to each question comes back on load (progress.js
 * savedAnswer): on the variant it was given for, in the inputs, with its stored result.
 * Does not: know any answer (answers never reach the page), grade anything, or use inline
 * styles.
 */

import { problemText, request } from './net.js';
import { locale, t } from './i18n.js';
import { fillAnswer, savedAnswer } from './progress.js';

/** Strings of the feedback that teaches (kept here, beside the code that uses them). */
const FEEDBACK = {
  en: {
    hint: 'Hint:',
    tryAgain: 'Try again',
    showAnswer: 'Show answer',
    answerTitle: 'Answer',
    markRight: 'right', markWrong: 'wrong',
    cellRight: 'correct', cellWrong: 'not right',
    cellMissing: (row, col) => `Row ${row}, ${col}: fill in this cell.`,
    attemptsLeft: (n) => (n === 1 ? '1 attempt left.' : `${n} attempts left.`),
    noAttemptsLeft: 'No attempts left.',
    moveItem: (item, up) => `Move ${item} ${up ? 'up' : 'down'}`,
  },
  'zh-CN': {
    hint: '提示：',
    tryAgain: '再试一次',
    showAnswer: '查看答案',
    answerTitle: '答案',
    markRight: '正确', markWrong: '有误',
    cellRight: '正确', cellWrong: '不对',
    cellMissing: (row, col) => `第 ${row} 行 ${col}：请填写这一格。`,
    attemptsLeft: (n) => `还剩 ${n} 次机会。`,
    noAttemptsLeft: '机会已用完。',
    moveItem: (item, up) => `将 ${item} ${up ? '上移' : '下移'}`,
  },
};

function tf() {
  return FEEDBACK[locale()];
}

const SEED_KEY = (qid) => `tcplab:seed:${qid}`;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function storedSeed(qid) {
  try {
    const v = localStorage.getItem(SEED_KEY(qid));
    return v !== null && /^\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : null;
  } catch {
    return null; // storage disabled: a fresh variant each time
  }
}

function storeSeed(qid, seed) {
  try {
    localStorage.setItem(SEED_KEY(qid), String(seed));
  } catch {
    /* storage disabled or full: nothing to remember */
  }
}

/** A fresh Idempotency-Key: 128 random bits in hex (getRandomValues, unlike randomUUID,
 *  also works on a plain-http page that is not a secure context). */
function newIdempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A format error may be a string or {pointer|field|name, detail|message}. */
function formatErrorText(e) {
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const where = e.pointer || e.field || e.name || '';
    const what = e.detail || e.message || e.error || JSON.stringify(e);
    return where ? `${where}: ${what}` : what;
  }
  return String(e);
}

function round(x) {
  return typeof x === 'number' ? Math.round(x * 100) / 100 : x;
}

/** Text of an order item without its buttons. */
function itemText(li) {
  const label = li.querySelector('.tl-order-text');
  if (label) return label.textContent.trim();
  return Array.from(li.childNodes)
    .filter((n) => !(n instanceof Element && (n.matches('button, .tl-order-buttons'))))
    .map((n) => n.textContent)
    .join('')
    .trim();
}

class Question {
  constructor(form, preview = null) {
    this.previewApi = preview;
    this.form = form;
    this.qid = form.getAttribute('data-question') || '';
    this.type = form.getAttribute('data-type') || '';
    this.variant = form.getAttribute('data-variant') || null;
    this.feedback = form.querySelector('.tl-feedback');
    if (!this.feedback) {
      this.feedback = el('div', { class: 'tl-feedback', 'aria-live': 'polite' });
      form.append(this.feedback);
    }
    this.pending = null;
    this.unanswered = null; // {variant, body, key} of a submission with no final answer yet
    if (this.type === 'order') this.setupOrder();
    this.pending = this.prepare(form.getAttribute('data-params') === '1');
    // A mark describes the answer it was given for: editing a field takes its marks away.
    form.addEventListener('input', (ev) => {
      const x = ev.target instanceof Element ? ev.target : null;
      if (!x) return;
      if (x.closest('.tl-choices')) {
        for (const m of form.querySelectorAll('.tl-choices .tl-mark')) m.remove();
        for (const li of form.querySelectorAll('.tl-mark-ok, .tl-mark-bad')) li.classList.remove('tl-mark-ok', 'tl-mark-bad');
      }
      const td = x.closest('table.tl-ladder-answer td');
      if (td) {
        for (const m of td.querySelectorAll('.tl-cell-mark')) m.remove();
        td.classList.remove('tl-cell-ok', 'tl-cell-bad', 'tl-cell-error');
        x.removeAttribute('aria-invalid');
      }
    });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
  }

  /** Loads the variant of a question with numbers (`params`) and puts back a signed-in
   *  student's last answer and its result, on the variant it was given for. Resolves to
   *  whether the question can be answered. */
  async prepare(params) {
    const saved = await savedAnswer(this.qid);
    const m = saved && /^v(\d+)-/.exec(String(saved.variant_id || ''));
    if (params && m) storeSeed(this.qid, m[1]);
    const ok = params ? await this.loadVariant() : true;
    if (ok && saved && saved.variant_id === this.variant) this.restore(saved);
    return ok;
  }

  /** Shows a stored attempt {answer, result}: the answer in the inputs, the result below. */
  restore(saved) {
    fillAnswer(this.form, this.type, saved.answer);
    const list = this.form.querySelector('ol.tl-order');
    if (list) this.refreshOrder(list);
    const res = saved.result && typeof saved.result === 'object' ? saved.result : {};
    this.showResult(res);
    // A stored practice answer that was not right keeps its way on to new numbers: the
    // next_variant it was given with is not stored, so the button draws a fresh variant.
    const score = typeof res.score === 'number' ? res.score : 0;
    if (res.mode !== 'exam' && res.gradable !== false && score < 1 &&
        this.form.getAttribute('data-params') === '1' && !this.feedback.querySelector('.tl-new-variant')) {
      let line = this.feedback.querySelector('.tl-actions');
      if (!line) {
        line = el('p', { class: 'tl-actions' });
        this.feedback.append(line);
      }
      const b = el('button', { type: 'button', class: 'tl-new-variant' }, t().newNumbers);
      b.addEventListener('click', () => this.drawNewNumbers(b));
      if (line.childNodes.length) line.append(' ');
      line.append(b);
    }
    this.form.setAttribute('data-restored', '1');
  }

  /** Asks the server for a fresh variant of this question (new numbers) and switches to it. */
  async drawNewNumbers(button) {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    try {
      const r = await request('POST', `/api/v1/questions/${encodeURIComponent(this.qid)}/variants`, { body: {} });
      if (!r.ok || !r.body || typeof r.body.variant_id !== 'string') {
        this.feedback.append(el('p', { class: 'tl-bad' }, problemText(r)));
        return;
      }
      this.tryNewNumbers(r.body);
    } catch (e) {
      this.feedback.append(el('p', { class: 'tl-bad' }, t().network(e.message)));
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }

  async loadVariant() {
    const L = t();
    const seed = storedSeed(this.qid);
    if (this.previewApi) {
      const v = await this.previewApi.variant(this.qid, seed === null ? 1 : seed);
      if (!v) {
        this.showMessage(L.network('no variant'), 'tl-bad');
        return false;
      }
      this.useVariant(v, false);
      return true;
    }
    this.form.setAttribute('aria-busy', 'true');
    try {
      const r = await request('POST', `/api/v1/questions/${encodeURIComponent(this.qid)}/variants`,
        { body: seed === null ? {} : { seed } });
      if (!r.ok || !r.body || !r.body.variant_id) {
        if (seed !== null && r.status === 422) {
          // A remembered seed the server no longer accepts: forget it and draw a new one.
          try { localStorage.removeItem(SEED_KEY(this.qid)); } catch { /* ignore */ }
          return this.loadVariant();
        }
        this.showMessage(problemText(r), 'tl-bad');
        return false;
      }
      this.useVariant(r.body, seed === null);
      return true;
    } catch (e) {
      this.showMessage(L.network(e.message), 'tl-bad');
      return false;
    } finally {
      this.form.removeAttribute('aria-busy');
    }
  }

  /** Makes `v` ({variant_id, params, prompt}) the variant answers go to and shows its
   * numbers; `remember`: keep its seed for this question, so a reload shows them again. */
  useVariant(v, remember) {
    this.variant = v.variant_id;
    this.form.setAttribute('data-variant', this.variant);
    const m = /^v(\d+)-/.exec(this.variant);
    if (m && remember) storeSeed(this.qid, m[1]);
    this.showPrompt(v);
  }

  /** Practice mode, after a wrong answer: switches to the server's fresh variant (new
   * numbers), clears the typed answers and the feedback, and puts the focus on the first
   * field, so the student works the question out again instead of copying the explanation. */
  tryNewNumbers(v) {
    this.useVariant(v, true);
    this.unanswered = null;
    this.clearMarks();
    for (const x of this.form.querySelectorAll('input[type="text"]')) x.value = '';
    this.feedback.replaceChildren();
    this.feedback.className = 'tl-feedback';
    const first = this.form.querySelector('input, select');
    if (first) first.focus();
  }

  /** Puts the variant's numbers into the prompt: into its <var class="tl-param"
   * data-param="NAME"> placeholders when every one has a value, else the server's prompt text. */
  showPrompt(v) {
    const prompt = this.form.querySelector('.tl-prompt');
    if (!prompt) return;
    const params = v.params && typeof v.params === 'object' ? v.params : {};
    const vars = Array.from(prompt.querySelectorAll('var.tl-param[data-param]'));
    if (vars.length && vars.every((x) => params[x.getAttribute('data-param')] !== undefined)) {
      for (const x of vars) x.textContent = String(params[x.getAttribute('data-param')]);
    } else if (typeof v.prompt === 'string' && v.prompt) {
      prompt.textContent = v.prompt;
    }
    prompt.classList.add('tl-prompt-ready');
  }

  setupOrder() {
    const L = t();
    const F = tf();
    const list = this.form.querySelector('ol.tl-order');
    if (!list) return;
    this.status = el('p', { class: 'tl-sr-only', 'aria-live': 'polite' });
    list.after(this.status);
    for (const li of list.querySelectorAll('li[data-index]')) {
      // each button names its item ("Move SYN-SENT up"); the server renders them so
      const name = itemText(li);
      if (!li.querySelector('.tl-up')) {
        li.append(el('button', { type: 'button', class: 'tl-up', 'aria-label': name ? F.moveItem(name, true) : L.moveUp }, '↑'));
      }
      if (!li.querySelector('.tl-down')) {
        li.append(el('button', { type: 'button', class: 'tl-down', 'aria-label': name ? F.moveItem(name, false) : L.moveDown }, '↓'));
      }
    }
    this.refreshOrder(list);
    list.addEventListener('click', (ev) => {
      const b = ev.target instanceof Element ? ev.target.closest('button.tl-up, button.tl-down') : null;
      if (!b) return;
      ev.preventDefault();
      const li = b.closest('li');
      const up = b.classList.contains('tl-up');
      const other = up ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (up) other.before(li);
      else other.after(li);
      b.focus(); // keep focus on the button the user pressed (it moved with its item)
      this.refreshOrder(list);
      const items = Array.from(list.querySelectorAll('li[data-index]'));
      this.status.textContent = L.moved(itemText(li), items.indexOf(li) + 1, items.length);
    });
  }

  refreshOrder(list) {
    const items = Array.from(list.querySelectorAll('li[data-index]'));
    items.forEach((li, i) => {
      const up = li.querySelector('.tl-up');
      const down = li.querySelector('.tl-down');
      if (up) up.setAttribute('aria-disabled', i === 0 ? 'true' : 'false');
      if (down) down.setAttribute('aria-disabled', i === items.length - 1 ? 'true' : 'false');
    });
  }

  /** Number from an input: an integer when it looks like one and a JavaScript number holds
   * it exactly, else the raw text (the server then names the field in format_errors rather
   * than grading a rounded value). null when empty. */
  static num(input) {
    const v = (input && input.value || '').trim();
    if (v === '') return null;
    return /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }

  /** The answer payload of quiz.md, or {error: message} when something is missing. */
  payload() {
    const L = t();
    const f = this.form;
    switch (this.type) {
      case 'single': {
        const c = f.querySelector('input[name="choice"]:checked');
        return c ? { choice: Number(c.value) } : { error: L.chooseOne };
      }
      case 'multiple': {
        // Every multiple-choice question has a right choice: an empty answer is a slip.
        const picked = Array.from(f.querySelectorAll('input[name="choices"]:checked')).map((c) => Number(c.value));
        return picked.length ? { choices: picked } : { error: L.chooseOne };
      }
      case 'number': {
        const v = Question.num(f.querySelector('[name="value"]'));
        return v === null ? { error: L.enterNumber } : { value: v };
      }
      case 'state': {
        const s = f.querySelector('[name="state"]');
        return s && s.value ? { state: s.value } : { error: L.chooseOne };
      }
      case 'order':
        return { order: Array.from(f.querySelectorAll('ol.tl-order li[data-index]')).map((li) => Number(li.getAttribute('data-index'))) };
      case 'ladder': {
        const F = tf();
        const rows = Array.from(f.querySelectorAll('input[name^="seq-"]'))
          .map((i) => ({ j: Number(i.name.slice(4)), seq: i }))
          .filter((r) => Number.isInteger(r.j))
          .sort((a, b) => a.j - b.j);
        const segments = [];
        const missing = []; // {message, row, column}, as the server's format errors
        for (const r of rows) {
          const ackInput = f.querySelector(`input[name="ack-${r.j}"]`);
          const seq = Question.num(r.seq);
          const ack = Question.num(ackInput);
          if (seq === null) missing.push({ message: F.cellMissing(r.j, 'SEQ'), row: r.j, column: 'seq' });
          if (ack === null) missing.push({ message: F.cellMissing(r.j, 'ACK'), row: r.j, column: 'ack' });
          segments.push({ seq, ack });
        }
        return missing.length ? { error: L.formatErrors, errors: missing } : { segments };
      }
      default:
        return { error: `unknown question type "${this.type}"` };
    }
  }

  showMessage(text, cls) {
    this.feedback.replaceChildren(el('p', { class: 'tl-verdict' }, text));
    this.feedback.className = `tl-feedback ${cls}`;
  }

  async submit() {
    const L = t();
    const button = this.form.querySelector('button[type="submit"], button:not([type])');
    if (this.pending) {
      const ok = await this.pending;
      if (!ok) {
        this.pending = this.loadVariant();
        if (!(await this.pending)) return;
      }
      this.pending = null;
    }
    if (!this.variant) {
      this.showMessage(L.network('no variant'), 'tl-bad');
      return;
    }
    this.clearMarks();
    const answer = this.payload();
    if (answer.error) {
      if (answer.errors) this.showFormatErrors(answer.errors);
      else this.showMessage(answer.error, 'tl-bad tl-format');
      return;
    }
    // The same answer to the same variant after a failure that may have reached the server
    // (no response, or a 5xx) keeps its key: the server then answers from its record.
    if (this.previewApi) {
      const res = await this.previewApi.grade(this.qid, this.variant, answer);
      if (res) this.showResult(res);
      else this.showMessage(L.network('preview'), 'tl-bad');
      return;
    }
    const body = JSON.stringify(answer);
    const u = this.unanswered;
    const key = u && u.variant === this.variant && u.body === body ? u.key : newIdempotencyKey();
    this.unanswered = { variant: this.variant, body, key };
    if (button) button.setAttribute('aria-disabled', 'true');
    this.form.setAttribute('aria-busy', 'true');
    try {
      const r = await request('POST', `/api/v1/variants/${encodeURIComponent(this.variant)}/submissions`,
        { body: answer, headers: { 'Idempotency-Key': key } });
      if (r.status < 500) this.unanswered = null; // answered for good, recorded or not
      if (!r.ok || !r.body) {
        this.showMessage(problemText(r), 'tl-bad');
        return;
      }
      this.showResult(r.body);
    } catch (e) {
      this.showMessage(L.network(e.message), 'tl-bad');
    } finally {
      if (button) button.removeAttribute('aria-disabled');
      this.form.removeAttribute('aria-busy');
    }
  }

  /** Removes the marks of the last result: choice marks, ladder cell marks, aria-invalid. */
  clearMarks() {
    for (const m of this.form.querySelectorAll('.tl-mark, .tl-cell-mark')) m.remove();
    for (const x of this.form.querySelectorAll('.tl-mark-ok, .tl-mark-bad, .tl-cell-ok, .tl-cell-bad, .tl-cell-error')) {
      x.classList.remove('tl-mark-ok', 'tl-mark-bad', 'tl-cell-ok', 'tl-cell-bad', 'tl-cell-error');
    }
    for (const x of this.form.querySelectorAll('[aria-invalid]')) {
      x.removeAttribute('aria-invalid');
      x.removeAttribute('aria-describedby');
    }
  }

  /** The ladder input of (row, column "seq"/"ack"), or null. */
  cell(row, column) {
    if (!Number.isInteger(row) || (column !== 'seq' && column !== 'ack')) return null;
    return this.form.querySelector(`input[name="${column}-${row}"]`);
  }

  /** A list of format errors in plain words; the cells they name are marked invalid and
   *  described by their error. errs: the server's [{message, detail, field, row, column}]. */
  showFormatErrors(errs) {
    const L = t();
    const fb = this.feedback;
    fb.replaceChildren();
    fb.className = 'tl-feedback tl-bad tl-format';
    fb.append(el('p', { class: 'tl-verdict' }, L.formatErrors));
    const ul = el('ul', { class: 'tl-format-errors' });
    const base = `${this.qid.replace(/[^a-z0-9-]/gi, '-')}-err`;
    errs.forEach((e, i) => {
      const li = el('li', { id: `${base}-${i}` }, e && e.message ? e.message : formatErrorText(e));
      ul.append(li);
      const input = e ? this.cell(e.row, e.column) : null;
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', li.id);
        const td = input.closest('td');
        if (td) td.classList.add('tl-cell-error');
      }
    });
    fb.append(ul);
    const first = this.form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }

  /** Marks each choice after grading: ✓/✗ with a text ("right"/"wrong"), not colour alone. */
  markChoices(marks) {
    const F = tf();
    for (const m of marks) {
      if (!m || !Number.isInteger(m.index)) continue;
      const input = this.form.querySelector(`.tl-choices input[value="${m.index}"]`);
      const li = input ? input.closest('li') : null;
      if (!li) continue;
      li.classList.add(m.right ? 'tl-mark-ok' : 'tl-mark-bad');
      const mark = el('span', { class: 'tl-mark' });
      mark.append(el('span', { 'aria-hidden': 'true' }, m.right ? '✓ ' : '✗ '), m.right ? F.markRight : F.markWrong);
      // inside the label: read with the choice, beside its text
      (input.closest('label') || li).append(mark);
    }
  }

  /** Marks each ladder cell the server graded: ✓/✗ beside it, aria-invalid when wrong. */
  markCells(parts) {
    const F = tf();
    for (const p of parts) {
      const input = p ? this.cell(p.row, p.column) : null;
      if (!input) continue;
      const ok = p.points >= p.max_points;
      const td = input.closest('td');
      if (td) td.classList.add(ok ? 'tl-cell-ok' : 'tl-cell-bad');
      if (!ok) input.setAttribute('aria-invalid', 'true');
      const mark = el('span', { class: 'tl-cell-mark' });
      mark.append(el('span', { 'aria-hidden': 'true' }, ok ? '✓' : '✗'), el('span', { class: 'tl-sr-only' }, ok ? F.cellRight : F.cellWrong));
      input.after(mark);
    }
  }

  /** Shows a graded result (or a stored one on reload: old results lack the newer fields). */
  showResult(res) {
    const L = t();
    const F = tf();
    const fb = this.feedback;
    this.clearMarks();
    fb.replaceChildren();
    if (res.gradable === false) {
      const errs = Array.isArray(res.format_errors) && res.format_errors.length
        ? res.format_errors : [{ message: L.notGradable }];
      this.showFormatErrors(errs);
      return;
    }
    const score = typeof res.score === 'number' ? res.score : 0;
    const cls = score >= 1 ? 'tl-ok' : score <= 0 ? 'tl-bad' : 'tl-partial';
    const verdict = score >= 1 ? L.correct : score <= 0 ? L.incorrect : L.partial;
    fb.className = `tl-feedback ${cls}`;
    const v = el('p', { class: 'tl-verdict' });
    v.append(el('strong', {}, verdict));
    if (res.max_points !== undefined) {
      v.append(' ', el('span', { class: 'tl-score' }, L.score(round(res.points), round(res.max_points))));
    }
    fb.append(v);
    // One verdict: the server's feedback repeats it, so only what it adds is shown.
    const detail = 'feedback_detail' in res ? res.feedback_detail : res.feedback;
    if (detail) fb.append(el('p', { class: 'tl-feedback-text' }, detail));
    if (Array.isArray(res.choice_marks)) this.markChoices(res.choice_marks);
    const parts = Array.isArray(res.parts) ? res.parts : [];
    if (parts.some((p) => p && Number.isInteger(p.row))) {
      this.markCells(parts);
    } else if (parts.length > 1 || (parts.length === 1 && parts[0].feedback)) {
      const ul = el('ul', { class: 'tl-parts' });
      for (const p of parts) {
        const li = el('li', { class: p.points >= p.max_points ? 'tl-ok' : p.points > 0 ? 'tl-partial' : 'tl-bad' });
        li.append(el('span', { class: 'tl-part-name' }, p.name), ' ',
          el('span', { class: 'tl-score' }, `${round(p.points)}/${round(p.max_points)}`));
        if (p.feedback) li.append(' ', el('span', {}, p.feedback));
        ul.append(li);
      }
      fb.append(ul);
    }
    if (score < 1 && res.hint) {
      const h = el('p', { class: 'tl-hint' });
      h.append(el('strong', {}, F.hint), F.hint.endsWith('：') ? '' : ' ', res.hint);
      fb.append(h);
    }
    const exam = res.mode === 'exam';
    if (exam && Number.isInteger(res.attempts_left) && score < 1) {
      fb.append(el('p', { class: 'tl-attempts' }, res.attempts_left > 0 ? F.attemptsLeft(res.attempts_left) : F.noAttemptsLeft));
    }
    if (res.explanation) this.showExplanation(res.explanation);
    const nv = res.next_variant;
    this.nextVariant = nv && typeof nv.variant_id === 'string' ? nv : null;
    const actions = el('p', { class: 'tl-actions' });
    if (score < 1 && !res.explanation && (!exam || res.attempts_left > 0)) {
      const again = el('button', { type: 'button', class: 'tl-try-again' }, F.tryAgain);
      again.addEventListener('click', () => this.tryAgain());
      actions.append(again);
      if (!exam && res.answer_available) {
        const show = el('button', { type: 'button', class: 'tl-show-answer' }, F.showAnswer);
        show.addEventListener('click', () => this.showAnswer(show));
        actions.append(' ', show);
      }
    } else if (score < 1 && res.explanation) {
      this.offerNewNumbers(actions);
    }
    if (actions.childNodes.length) fb.append(actions);
  }

  /** Appends the worked explanation (once). */
  showExplanation(text) {
    const L = t();
    if (this.feedback.querySelector('.tl-explanation')) return;
    const d = el('div', { class: 'tl-explanation' });
    d.append(el('p', { class: 'tl-explanation-title' }, L.explanation), el('p', {}, text));
    this.feedback.append(d);
  }

  /** Practice, once the answer has been shown: a question with drawn numbers offers the
   *  server's next variant, so the student works it out again with new numbers. */
  offerNewNumbers(line) {
    const L = t();
    const nv = this.nextVariant;
    if (!nv || this.form.getAttribute('data-params') !== '1') return;
    const b = el('button', { type: 'button', class: 'tl-new-variant' }, L.newNumbers);
    b.addEventListener('click', () => this.tryNewNumbers(nv));
    line.append(b);
    line.classList.add('tl-next');
  }

  /** After a wrong answer: the same question again, answers kept, feedback cleared; the
   *  focus goes to the first wrong cell (or the first field). */
  tryAgain() {
    const wrong = this.form.querySelector('[aria-invalid="true"]');
    this.clearMarks();
    this.feedback.replaceChildren();
    this.feedback.className = 'tl-feedback';
    const first = wrong || this.form.querySelector('input, select, ol.tl-order button');
    if (first) first.focus();
  }

  /** "Show answer": asks the server for the worked answer (nothing is recorded). */
  async showAnswer(button) {
    const L = t();
    if (!this.variant) return;
    button.setAttribute('aria-disabled', 'true');
    try {
      const r = await request('POST', `/api/v1/variants/${encodeURIComponent(this.variant)}/answer`, { body: {} });
      if (!r.ok || !r.body || typeof r.body.explanation !== 'string') {
        this.feedback.append(el('p', { class: 'tl-bad' }, problemText(r)));
        return;
      }
      const actions = this.feedback.querySelector('.tl-actions');
      if (actions) actions.remove();
      this.showExplanation(r.body.explanation);
      if (r.body.next_variant && typeof r.body.next_variant.variant_id === 'string') this.nextVariant = r.body.next_variant;
      const line = el('p', { class: 'tl-actions' });
      this.offerNewNumbers(line);
      if (line.childNodes.length) this.feedback.append(line);
      const title = this.feedback.querySelector('.tl-explanation-title');
      if (title) {
        title.setAttribute('tabindex', '-1');
        title.focus();
      }
    } catch (e) {
      this.feedback.append(el('p', { class: 'tl-bad' }, L.network(e.message)));
    } finally {
      button.removeAttribute('aria-disabled');
    }
  }
}

/** Sets up every quiz question on the page. */
/**
 * opts.preview (the editor's preview of an unsaved source): {variant(qid, seed) → {variant_id,
 * params, prompt} | null, grade(qid, variantId, payload) → result | null}; its questions take
 * their numbers from, and are graded against, that source instead of the saved lesson, and
 * record nothing.
 */
export function initQuizzes(root = document, opts = {}) {
  return Array.from(root.querySelectorAll('form.tl-question')).map((f) => new Question(f, opts.preview || null));
}
