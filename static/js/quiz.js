/*
 * quiz.js — quiz questions graded by the server (docs/dom.md, docs/quiz.md).
 *
 * Owns: for each <form class="tl-question">, getting its variant (questions with
 * data-params="1" ask POST /api/v1/questions/{id}/variants, keeping the seed in localStorage
 * per question so a reload shows the same numbers), turning the inputs into the answer
 * payload of quiz.md, POSTing it to /api/v1/variants/{variant}/submissions and showing the
 * result (verdict, score, feedback, per-part results, explanation, format errors) in
 * .tl-feedback; making order questions operable by keyboard (↑/↓ buttons keep focus).
 * In practice mode a wrong answer to a question with drawn numbers offers the server's
 * next_variant ("Try again with new numbers").
 * Each answer goes with an Idempotency-Key; when a submission gets no answer (network
 * error) or a 5xx, sending the same answer again reuses the key, so a recorded attempt
 * (an exam's are limited) is counted once even if the first request did reach the server.
 * A signed-in student's last answer to each question comes back on load (progress.js
 * savedAnswer): on the variant it was given for, in the inputs, with its stored result.
 * Does not: know any answer (answers never reach the page), grade anything, or use inline
 * styles.
 */

import { problemText, request } from './net.js';
import { t } from './i18n.js';
import { fillAnswer, savedAnswer } from './progress.js';

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
  constructor(form) {
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
    this.showResult(saved.result);
    this.form.setAttribute('data-restored', '1');
  }

  async loadVariant() {
    const L = t();
    const seed = storedSeed(this.qid);
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
    const list = this.form.querySelector('ol.tl-order');
    if (!list) return;
    this.status = el('p', { class: 'tl-sr-only', 'aria-live': 'polite' });
    list.after(this.status);
    for (const li of list.querySelectorAll('li[data-index]')) {
      if (!li.querySelector('.tl-up')) {
        li.append(el('button', { type: 'button', class: 'tl-up', 'aria-label': L.moveUp }, '↑'));
      }
      if (!li.querySelector('.tl-down')) {
        li.append(el('button', { type: 'button', class: 'tl-down', 'aria-label': L.moveDown }, '↓'));
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
        const rows = Array.from(f.querySelectorAll('input[name^="seq-"]'))
          .map((i) => ({ j: Number(i.name.slice(4)), seq: i }))
          .filter((r) => Number.isInteger(r.j))
          .sort((a, b) => a.j - b.j);
        const segments = [];
        const missing = [];
        for (const r of rows) {
          const ackInput = f.querySelector(`input[name="ack-${r.j}"]`);
          const seq = Question.num(r.seq);
          const ack = Question.num(ackInput);
          if (seq === null) missing.push(r.seq.getAttribute('aria-label') || r.seq.name);
          if (ack === null) missing.push((ackInput && ackInput.getAttribute('aria-label')) || `ack-${r.j}`);
          segments.push({ seq, ack });
        }
        return missing.length ? { error: L.fillAll(missing.join(', ')) } : { segments };
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
    const answer = this.payload();
    if (answer.error) {
      this.showMessage(answer.error, 'tl-bad tl-format');
      return;
    }
    // The same answer to the same variant after a failure that may have reached the server
    // (no response, or a 5xx) keeps its key: the server then answers from its record.
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

  showResult(res) {
    const L = t();
    const fb = this.feedback;
    fb.replaceChildren();
    if (res.gradable === false) {
      fb.className = 'tl-feedback tl-bad tl-format';
      fb.append(el('p', { class: 'tl-verdict' }, L.notGradable));
      const errs = Array.isArray(res.format_errors) ? res.format_errors : [];
      if (errs.length) {
        fb.append(el('p', {}, L.formatErrors));
        const ul = el('ul', { class: 'tl-format-errors' });
        for (const e of errs) ul.append(el('li', {}, formatErrorText(e)));
        fb.append(ul);
      }
      if (res.feedback) fb.append(el('p', { class: 'tl-feedback-text' }, res.feedback));
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
    if (res.feedback) fb.append(el('p', { class: 'tl-feedback-text' }, res.feedback));
    const parts = Array.isArray(res.parts) ? res.parts : [];
    if (parts.length > 1 || (parts.length === 1 && parts[0].feedback)) {
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
    const errs = Array.isArray(res.format_errors) ? res.format_errors : [];
    if (errs.length) {
      const ul = el('ul', { class: 'tl-format-errors' });
      for (const e of errs) ul.append(el('li', {}, formatErrorText(e)));
      fb.append(el('p', {}, L.formatErrors), ul);
    }
    if (res.explanation) {
      const d = el('div', { class: 'tl-explanation' });
      d.append(el('p', { class: 'tl-explanation-title' }, L.explanation), el('p', {}, res.explanation));
      fb.append(d);
    }
    // Practice mode: a wrong answer to a question with drawn numbers comes with a fresh
    // variant; the explanation above worked out these numbers, so offer new ones.
    const nv = res.next_variant;
    if (score < 1 && nv && typeof nv.variant_id === 'string' && this.form.getAttribute('data-params') === '1') {
      const b = el('button', { type: 'button', class: 'tl-new-variant' }, L.newNumbers);
      b.addEventListener('click', () => this.tryNewNumbers(nv));
      const line = el('p', { class: 'tl-next' });
      line.append(b);
      fb.append(line);
    }
  }
}

/** Sets up every quiz question on the page. */
export function initQuizzes(root = document) {
  return Array.from(root.querySelectorAll('form.tl-question')).map((f) => new Question(f));
}
