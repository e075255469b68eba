/*
 * builder.js — the lesson editor's helpers that write Markdown for the instructor: the
 * question builder (a form per quiz type that writes a ```quiz block), the scenario picker
 * (a ```scenario figure: a built-in, optionally with other numbers) and the inline help with
 * an example per block type.
 *
 * Owns: those three dialogs. The builder shows the scenario's figure (POST /api/v1/render on a
 * one-figure lesson, with player.js) and lists its steps; a click on a step in the figure or
 * the list picks the step of a state question or the last segment of a ladder question. Its
 * live preview (POST /api/v1/render/question) shows what a student with a given variant sees
 * and the right answer the engine computes, graded. The YAML it writes uses JSON-quoted
 * strings and flow lists (valid YAML, no escaping rules of our own), keys in the order of
 * the bundled lessons. A new question goes in at the caret through the editor
 * (editor.insertAtCursor): at the end of the ```quiz block the caret is in, else in a new
 * block. An existing question (the one at the caret, or any picked from the list) opens
 * into the form from the server's reading of its block (the `source` of each question of
 * POST /api/v1/render/question, and its line); writing it back replaces only that
 * question's lines, and only when the form says something else than it did when opened —
 * an unchanged question leaves the Markdown byte for byte as it was.
 * Does not: parse YAML or Markdown (the server does), save (the editor's Save does).
 */
import { request as call } from './net.js';
import { editorStrings } from './editor-i18n.js';

const TYPES = ['single', 'multiple', 'number', 'order', 'state', 'ladder'];
const PARAMS = [['client_iss', 'spClientIss'], ['server_iss', 'spServerIss']];
const PREVIEW_MS = 400;
const U32_MAX = 4294967295;

let scenarioList = null;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const q = JSON.stringify; // a JSON string is a valid YAML double-quoted scalar

/** A modal dialog with a title; resolves nothing, removes itself on close. */
function dialog(editor, cls, title) {
  const d = el('dialog', { class: `tl-dialog ${cls}`, 'aria-labelledby': `${cls}-title` });
  const head = el('div', { class: 'tl-dialog-head' });
  const close = el('button', { type: 'button', class: 'tl-secondary tl-dialog-close' }, editorStrings(editor.msg.locale).close);
  head.append(el('h2', { id: `${cls}-title` }, title), close);
  d.append(head);
  close.addEventListener('click', () => d.close());
  d.addEventListener('close', () => d.remove());
  editor.root.append(d);
  return d;
}

function field(parent, id, label, input, help) {
  const p = el('p', { class: 'tl-field tl-field-col' });
  p.append(el('label', { for: id }, label), input);
  if (help) {
    const h = el('span', { class: 'tl-help', id: `${id}-help` }, help);
    input.setAttribute('aria-describedby', h.id);
    p.append(h);
  }
  parent.append(p);
  return p;
}

async function scenarios(locale) {
  if (!scenarioList) {
    const r = await call('GET', `/api/v1/scenarios?lang=${encodeURIComponent(locale)}`);
    scenarioList = r.ok && Array.isArray(r.body) ? r.body : [];
  }
  return scenarioList;
}

function oneFigureLesson(src, locale) {
  return `---\ntitle: "figure"\nsummary: "figure"\norder: 1\ntags: []\nlocale: ${locale}\n---\n\n\`\`\`scenario\n${src}\n\`\`\`\n`;
}

/**
 * The figure panel: draws `src` (a built-in name or scenario JSON) into `box`, and a list of
 * its steps; onPick(k, isSend) when a step is clicked. Returns {pick(k)} to mark a step.
 */
async function drawFigure(editor, box, src, onPick, t) {
  box.replaceChildren(el('p', { class: 'tl-help' }, t.loadingPreview));
  const r = await call('POST', '/api/v1/render', { body: { text: oneFigureLesson(src, editor.locale), slug: 'figure', locale: editor.locale } });
  if (!(r.status === 200 && r.body && r.body.html)) {
    const why = r.body && Array.isArray(r.body.problems) ? r.body.problems.map((p) => p.message).join('; ') : `HTTP ${r.status}`;
    box.replaceChildren(el('p', { class: 'tl-bad' }, why));
    return { pick() {} };
  }
  const fig = el('div', { class: 'tl-builder-figure tl-lesson-body' });
  fig.innerHTML = r.body.html; // the server's figure, as on the lesson page
  const rows = [...fig.querySelectorAll('table.tl-steps tr[data-step]')];
  const sends = new Set([...fig.querySelectorAll('g.tl-step-send[data-step]')].map((g) => Number(g.dataset.step)));
  const list = el('ol', { class: 'tl-builder-steps', 'aria-label': t.qbStepsList });
  const buttons = new Map();
  for (const tr of rows) {
    const k = Number(tr.dataset.step);
    const cells = [...tr.cells].map((c) => c.textContent.trim());
    // #, t (ms), endpoint, kind, flags, seq, ack, len, states, rule
    const seg = cells[4] ? ` ${cells[4]}${cells[5] && cells[5] !== '–' ? ` seq=${cells[5]}` : ''}${cells[6] && cells[6] !== '–' ? ` ack=${cells[6]}` : ''}` : '';
    const label = `${k}. ${cells[1]} ms · ${cells[2]} ${cells[3]}${seg} · ${cells[8] || ''}`;
    const b = el('button', { type: 'button', class: `tl-builder-step${sends.has(k) ? ' tl-send' : ''}`, 'aria-pressed': 'false', 'data-step': String(k) }, label);
    b.addEventListener('click', () => onPick(k, sends.has(k)));
    const li = el('li');
    li.append(b);
    list.append(li);
    buttons.set(k, b);
  }
  fig.addEventListener('click', (ev) => {
    const g = ev.target.closest && ev.target.closest('g.tl-step[data-step], tr[data-step]');
    if (g) onPick(Number(g.dataset.step), sends.has(Number(g.dataset.step)));
  });
  box.replaceChildren(fig, list);
  try {
    (await import('./player.js')).initPlayers(fig);
  } catch (e) {
    console.error(`tcplab: builder figure player failed: ${e && e.message}`);
  }
  return {
    sends,
    pick(k) {
      for (const [n, b] of buttons) b.setAttribute('aria-pressed', String(n === k));
      for (const g of fig.querySelectorAll('.tl-builder-picked')) g.classList.remove('tl-builder-picked');
      for (const g of fig.querySelectorAll(`g.tl-step[data-step="${k}"], tr[data-step="${k}"]`)) g.classList.add('tl-builder-picked');
    },
  };
}

/** Every ```quiz block of `text`: {open, body, close} (offsets of the opening fence, of the
 * first line after it, and of the closing fence line). */
export function quizBlocks(text) {
  const out = [];
  const re = /^```quiz[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m; (m = re.exec(text));) {
    const open = m.index;
    out.push({ open, body: text.indexOf('\n', open) + 1, close: m.index + m[0].lastIndexOf('```') });
  }
  return out;
}

/** Offsets of the starts of lines 1..n of `s` (index 0 unused). */
function lineStarts(s) {
  const at = [0, 0];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) at.push(i + 1);
  return at;
}

/**
 * The questions of every ```quiz block of `text`, as the server reads them: [{id, line (in
 * the file), start, end (the offsets of the question's own lines: from its "- " line to the
 * next question, without trailing blank or comment lines), text, source}]. A block the
 * server cannot read is skipped.
 */
export async function quizQuestions(editor, text) {
  const all = [];
  for (const b of quizBlocks(text)) {
    const body = text.slice(b.body, b.close);
    const r = await call('POST', '/api/v1/render/question', { body: { yaml: body, slug: editor.slug || 'preview', locale: editor.locale } });
    if (r.status !== 200 || !r.body || !Array.isArray(r.body.questions)) continue;
    const starts = lineStarts(body);
    const qs = r.body.questions;
    const fileLine = text.slice(0, b.body).split('\n').length - 1;
    for (const [i, qq] of qs.entries()) {
      const from = starts[qq.line] ?? body.length;
      let to = i + 1 < qs.length ? (starts[qs[i + 1].line] ?? body.length) : body.length;
      let item = body.slice(from, to);
      // blank and comment lines after the question belong to no question: they stay
      const trimmed = item.replace(/(?:\n[ \t]*(?:#[^\n]*)?)+$/, '\n');
      to = from + trimmed.length;
      item = trimmed;
      all.push({ id: qq.id, line: fileLine + qq.line, start: b.body + from, end: b.body + to, text: item, source: qq.source, type: qq.type });
    }
  }
  return all;
}

function nextId(text) {
  const used = new Set();
  for (const m of text.matchAll(/^\s*-\s+id:\s*["']?([a-z0-9-]+)/gm)) used.add(m[1]);
  let n = 1;
  while (used.has(`q${n}`)) n++;
  return `q${n}`;
}

/** The question builder dialog. */
export async function openQuestionBuilder(editor) {
  const t = editorStrings(editor.msg.locale);
  const d = dialog(editor, 'tl-builder', t.qbTitle);
  d.dataset.seed = '1';
  const form = el('form', { class: 'tl-builder-form', novalidate: true });
  const left = el('div', { class: 'tl-builder-fields' });
  const right = el('div', { class: 'tl-builder-side' });
  form.append(left, right);
  d.append(form);

  const openSel = el('select', { id: 'qb-open', class: 'qb-open' });
  openSel.append(el('option', { value: '' }, t.qbOpenNew));
  field(left, 'qb-open', t.qbOpen, openSel, t.qbOpenHelp);
  const type = el('select', { id: 'qb-type', class: 'qb-type' });
  for (const ty of TYPES) type.append(el('option', { value: ty }, t.types[ty]));
  field(left, 'qb-type', t.qbType, type);
  const id = el('input', { id: 'qb-id', class: 'qb-id', pattern: '[a-z0-9\\-]+', maxlength: '40', autocapitalize: 'none', spellcheck: 'false' });
  id.value = nextId(editor.text.value);
  field(left, 'qb-id', t.qbId, id);
  const prompt = el('textarea', { id: 'qb-prompt', class: 'qb-prompt', rows: '3' });
  field(left, 'qb-prompt', t.qbPrompt, prompt, t.qbPromptHelp);

  // choices (single, multiple, order)
  const choicesBox = el('fieldset', { class: 'qb-choices' });
  const choicesLegend = el('legend', {}, t.qbChoices);
  const orderHelp = el('p', { class: 'tl-help' }, t.qbOrderHelp);
  const choiceList = el('ol', { class: 'qb-choice-list' });
  const addChoice = el('button', { type: 'button', class: 'tl-secondary qb-add-choice' }, t.qbAddChoice);
  choicesBox.append(choicesLegend, orderHelp, choiceList, addChoice);
  left.append(choicesBox);
  let rowSeq = 0; // ids stay unique when rows are removed and added
  const addChoiceRow = (text = '', correct = false, pos = '') => {
    const k = choiceList.children.length;
    const n = rowSeq++;
    const li = el('li', { class: 'qb-choice' });
    const input = el('input', { class: 'qb-choice-text', id: `qb-choice-${n}`, 'aria-label': t.qbChoice(k + 1) });
    input.value = text;
    const position = el('input', { class: 'qb-choice-pos', id: `qb-pos-${n}`, type: 'number', min: '1', step: '1', 'aria-label': t.qbPosition(k + 1) });
    position.value = pos === '' ? String(k + 1) : String(pos);
    const mark = el('input', { class: 'qb-choice-correct', id: `qb-correct-${n}`, type: type.value === 'multiple' ? 'checkbox' : 'radio', name: 'qb-correct' });
    mark.checked = correct;
    const markLabel = el('label', { for: `qb-correct-${n}`, class: 'qb-correct-label' }, t.qbCorrect);
    const rm = el('button', { type: 'button', class: 'tl-secondary qb-remove', 'aria-label': `${t.qbRemove}: ${t.qbChoice(k + 1)}` }, '×');
    rm.addEventListener('click', () => {
      li.remove();
      changed();
    });
    li.append(input, ' ', position, ' ', mark, ' ', markLabel, ' ', rm);
    choiceList.append(li);
    return li;
  };
  addChoice.addEventListener('click', () => {
    addChoiceRow().querySelector('input').focus();
    syncType();
  });
  for (let i = 0; i < 3; i++) addChoiceRow();

  // number
  const numBox = el('div', { class: 'qb-number' });
  const answer = el('input', { id: 'qb-answer', class: 'qb-answer', type: 'number', step: '1' });
  const tol = el('input', { id: 'qb-tolerance', class: 'qb-tolerance', type: 'number', step: '1', min: '0', value: '0' });
  field(numBox, 'qb-answer', t.qbAnswer, answer);
  field(numBox, 'qb-tolerance', t.qbTolerance, tol);
  left.append(numBox);

  // state, ladder: scenario, endpoint, step / segments, params
  const scnBox = el('div', { class: 'qb-scenario' });
  const scn = el('select', { id: 'qb-scenario', class: 'qb-scenario-name' });
  field(scnBox, 'qb-scenario', t.qbScenario, scn);
  const ep = el('select', { id: 'qb-endpoint', class: 'qb-endpoint' });
  ep.append(el('option', { value: 'client' }, t.client), el('option', { value: 'server' }, t.server));
  const epField = field(scnBox, 'qb-endpoint', t.qbEndpoint, ep);
  const step = el('input', { id: 'qb-step', class: 'qb-step', type: 'number', min: '1', step: '1' });
  const stepField = field(scnBox, 'qb-step', t.qbStep, step, t.qbStepHelp);
  const segs = el('input', { id: 'qb-segments', class: 'qb-segments', type: 'number', min: '1', step: '1' });
  const segField = field(scnBox, 'qb-segments', t.qbSegments, segs, t.qbSegmentsHelp);
  const paramsBox = el('fieldset', { class: 'qb-params' });
  paramsBox.append(el('legend', {}, t.qbParams));
  const paramInputs = {};
  for (const [name] of PARAMS) {
    const row = el('p', { class: 'qb-param' });
    const use = el('input', { type: 'checkbox', id: `qb-use-${name}`, class: 'qb-param-use', 'data-param': name });
    const lo = el('input', { type: 'number', id: `qb-lo-${name}`, class: 'qb-param-lo', min: '0', max: String(U32_MAX), value: '0' });
    const hi = el('input', { type: 'number', id: `qb-hi-${name}`, class: 'qb-param-hi', min: '0', max: String(U32_MAX), value: String(U32_MAX) });
    row.append(use, ' ', el('label', { for: use.id }, t.qbParamUse(name)), ' ',
      el('label', { for: lo.id }, t.qbFrom), ' ', lo, ' ', el('label', { for: hi.id }, t.qbTo), ' ', hi);
    paramsBox.append(row);
    paramInputs[name] = { use, lo, hi };
  }
  scnBox.append(paramsBox);
  const figBox = el('div', { class: 'qb-figure' });
  scnBox.append(figBox);
  left.append(scnBox);

  const hint = el('textarea', { id: 'qb-hint', class: 'qb-hint', rows: '2' });
  field(left, 'qb-hint', t.qbHint, hint);
  const expl = el('textarea', { id: 'qb-explanation', class: 'qb-explanation', rows: '2' });
  field(left, 'qb-explanation', t.qbExplanation, expl, t.qbExplanationHelp);

  // preview and actions
  right.append(el('h3', {}, t.qbPreview));
  const seedLine = el('p', { class: 'qb-seed' });
  const another = el('button', { type: 'button', class: 'tl-secondary qb-another' }, t.qbAnother);
  seedLine.append(el('span', { class: 'qb-seed-text' }), ' ', another);
  const prev = el('div', { class: 'qb-preview', 'aria-live': 'polite' });
  const yamlOut = el('pre', { class: 'qb-yaml' });
  const out = el('p', { class: 'tl-dialog-status qb-status', role: 'alert' });
  const insert = el('button', { type: 'submit', class: 'qb-insert' }, t.qbInsert);
  const actions = el('p', { class: 'tl-dialog-actions' });
  actions.append(insert);
  const customNote = el('p', { class: 'tl-help qb-custom-scenario', hidden: true }, t.qbCustomScenario);
  scnBox.prepend(customNote);
  right.append(seedLine, prev, el('h3', {}, '```quiz'), yamlOut, out, actions);

  let figure = { pick() {}, sends: new Set() };
  let opened = null; // the question being edited: {id, start, end, text, source}, or null
  let openedYaml = null; // what build() wrote right after opening it
  let found = []; // the questions of the lesson (quizQuestions)
  let figSrc = '';
  const stepPicked = (k, isSend) => {
    if (type.value === 'state') {
      step.value = String(k);
    } else if (type.value === 'ladder') {
      if (!isSend) return;
      segs.value = String([...figure.sends].filter((s) => s <= k).length);
    }
    figure.pick(k);
    out.textContent = t.qbPicked(k);
    changed();
  };

  const list = await scenarios(editor.msg.locale);
  for (const s of list) scn.append(el('option', { value: s.name }, `${s.title} (${s.name})`));

  async function refreshFigure() {
    if (!['state', 'ladder'].includes(type.value) || scn.value === figSrc) return;
    figSrc = scn.value;
    figure = await drawFigure(editor, figBox, scn.value, stepPicked, t);
  }

  function syncType() {
    const ty = type.value;
    const choices = ['single', 'multiple', 'order'].includes(ty);
    choicesBox.hidden = !choices;
    orderHelp.hidden = ty !== 'order';
    orderHelp.textContent = opened ? t.qbOrderPositions : t.qbOrderHelp;
    for (const [k, li] of [...choiceList.children].entries()) {
      const pos = li.querySelector('.qb-choice-pos');
      pos.hidden = ty !== 'order' || !opened;
      pos.setAttribute('aria-label', t.qbPosition(k + 1));
      const mark = li.querySelector('.qb-choice-correct');
      const label = li.querySelector('.qb-correct-label');
      mark.type = ty === 'multiple' ? 'checkbox' : 'radio';
      mark.hidden = ty === 'order';
      label.hidden = ty === 'order';
      mark.setAttribute('aria-label', `${t.qbCorrect}: ${t.qbChoice(k + 1)}`);
    }
    numBox.hidden = ty !== 'number';
    scnBox.hidden = !['state', 'ladder'].includes(ty);
    epField.hidden = ty !== 'state';
    stepField.hidden = ty !== 'state';
    segField.hidden = ty !== 'ladder';
  }

  /** The question's YAML, or {missing: [labels]}. Keys in the order the bundled lessons
   * write them: id, type, prompt, choices, scenario, endpoint, step, params, segments,
   * answer, tolerance, hint, explanation. Fields the form does not show (a state answer, a
   * scenario_json, other parameters) come from the opened question as they were. */
  function build() {
    const ty = type.value;
    const missing = [];
    const lines = [`- id: ${id.value.trim() || 'q'}`, `  type: ${ty}`, `  prompt: ${q(prompt.value.trim())}`];
    if (!/^[a-z0-9-]+$/.test(id.value.trim())) missing.push(t.qbId);
    if (!prompt.value.trim()) missing.push(t.qbPrompt);
    const src = opened ? opened.source : {};
    let answerLine = null;
    if (['single', 'multiple', 'order'].includes(ty)) {
      const rows = [...choiceList.children].map((li) => ({
        text: li.querySelector('.qb-choice-text').value.trim(),
        correct: li.querySelector('.qb-choice-correct').checked,
        pos: Number(li.querySelector('.qb-choice-pos').value),
      })).filter((r) => r.text);
      if (rows.length < 2) missing.push(t.qbChoices);
      lines.push(`  choices: [${rows.map((r) => q(r.text)).join(', ')}]`);
      const right = rows.map((r, i) => (r.correct ? i : -1)).filter((i) => i >= 0);
      if (ty === 'single') {
        if (right.length !== 1) missing.push(`${t.qbCorrect} (1)`);
        answerLine = `  answer: ${right[0] ?? 0}`;
      } else if (ty === 'multiple') {
        if (!right.length) missing.push(t.qbCorrect);
        answerLine = `  answer: [${right.join(', ')}]`;
      } else {
        // the choices sorted by their position (ties keep the list order)
        const order = rows.map((r, i) => [Number.isFinite(r.pos) && r.pos > 0 ? r.pos : i + 1, i]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, i]) => i);
        answerLine = `  answer: [${order.join(', ')}]`;
      }
    } else if (ty === 'number') {
      if (!/^-?\d+$/.test(answer.value.trim())) missing.push(t.qbAnswer);
      answerLine = `  answer: ${answer.value.trim() || 0}`;
    } else {
      const custom = typeof src.scenario_json === 'string' && ['state', 'ladder'].includes(src.type);
      if (custom) {
        lines.push(`  scenario_json: ${q(src.scenario_json)}`);
      } else {
        if (!scn.value) missing.push(t.qbScenario);
        lines.push(`  scenario: ${scn.value}`);
      }
      if (ty === 'state') {
        lines.push(`  endpoint: ${ep.value}`);
        if (!/^\d+$/.test(step.value) || Number(step.value) < 1) missing.push(t.qbStep);
        lines.push(`  step: ${step.value || 1}`);
        // the state the author wrote down stays while it is about the same step
        if (src.type === 'state' && typeof src.answer === 'string' && (custom || src.scenario === scn.value) &&
            src.endpoint === ep.value && String(src.step) === step.value) answerLine = `  answer: ${src.answer}`;
      }
      const used = PARAMS.filter(([name]) => paramInputs[name].use.checked);
      const other = Object.entries(src.params || {}).filter(([name]) => !PARAMS.some(([n]) => n === name));
      if (used.length || other.length) {
        lines.push('  params:');
        for (const [name] of used) {
          const { lo, hi } = paramInputs[name];
          const a = Math.max(0, Math.min(U32_MAX, Math.floor(Number(lo.value) || 0)));
          const b = Math.max(a, Math.min(U32_MAX, Math.floor(Number(hi.value) || 0)));
          lines.push(`    ${name}: "int[${a}, ${b}]"`);
        }
        for (const [name, spec] of other) lines.push(`    ${name}: ${q(spec)}`);
      }
      if (ty === 'ladder') {
        if (!/^\d+$/.test(segs.value) || Number(segs.value) < 1) missing.push(t.qbSegments);
        lines.push(`  segments: ${segs.value || 1}`);
      }
    }
    if (answerLine) lines.push(answerLine);
    if (ty === 'number') {
      const tv = Number(tol.value || 0);
      if (tv > 0) lines.push(`  tolerance: ${Math.floor(tv)}`);
    }
    if (hint.value.trim()) lines.push(`  hint: ${q(hint.value.trim())}`);
    if (!expl.value.trim()) missing.push(t.qbExplanation);
    lines.push(`  explanation: ${q(expl.value.trim())}`);
    return { yaml: `${lines.join('\n')}\n`, missing };
  }

  /** Fills the form from a question's `source` (as the server read it). */
  async function fill(src) {
    type.value = src.type;
    id.value = src.id;
    prompt.value = src.prompt || '';
    hint.value = src.hint || '';
    expl.value = src.explanation || '';
    choiceList.replaceChildren();
    const choices = Array.isArray(src.choices) ? src.choices : [];
    const ans = src.answer;
    for (const [i, c] of choices.entries()) {
      const correct = src.type === 'single' ? ans === i : src.type === 'multiple' ? Array.isArray(ans) && ans.includes(i) : false;
      const pos = src.type === 'order' && Array.isArray(ans) && ans.includes(i) ? ans.indexOf(i) + 1 : i + 1;
      addChoiceRow(c, correct, pos);
    }
    if (!choices.length) for (let i = 0; i < 3; i++) addChoiceRow();
    answer.value = src.type === 'number' ? String(ans) : '';
    tol.value = src.type === 'number' ? String(src.tolerance || 0) : '0';
    const custom = typeof src.scenario_json === 'string';
    customNote.hidden = !custom;
    scn.disabled = custom;
    if (src.scenario) {
      if (![...scn.options].some((o) => o.value === src.scenario)) scn.append(el('option', { value: src.scenario }, src.scenario));
      scn.value = src.scenario;
    }
    ep.value = src.endpoint || 'client';
    step.value = src.step ? String(src.step) : '';
    segs.value = src.segments ? String(src.segments) : '';
    for (const [name] of PARAMS) {
      const m = /^int\[(-?\d+), (-?\d+)\]$/.exec((src.params || {})[name] || '');
      paramInputs[name].use.checked = !!m;
      paramInputs[name].lo.value = m ? m[1] : '0';
      paramInputs[name].hi.value = m ? m[2] : String(U32_MAX);
    }
    syncType();
    if (!custom) await refreshFigure();
    if (src.type === 'state' && step.value) figure.pick(Number(step.value));
  }

  /** Opens question `k` of `found` (or a new question for ''). */
  async function openQuestion(k) {
    const f = k === '' ? null : found[Number(k)];
    opened = f ? { ...f, source: f.source || {} } : null;
    if (f) {
      await fill(opened.source);
      openedYaml = build().yaml;
      d.dataset.openedId = f.id;
      d.dataset.faithful = String(openedYaml === f.text);
    } else {
      openedYaml = null;
      delete d.dataset.openedId;
      delete d.dataset.faithful;
      customNote.hidden = true;
      scn.disabled = false;
      id.value = nextId(editor.text.value);
      syncType();
    }
    insert.textContent = f ? t.qbUpdate : t.qbInsert;
    d.dataset.opened = k === '' ? 'new' : String(k);
    changed();
  }

  function answerText(ty, a) {
    if (!a) return '';
    const choices = [...choiceList.children].map((li) => li.querySelector('.qb-choice-text').value.trim()).filter(Boolean);
    if (ty === 'single') return choices[a.choice] ?? String(a.choice);
    if (ty === 'multiple') return a.choices.map((i) => choices[i]).join('; ');
    if (ty === 'number') return String(a.value);
    if (ty === 'order') return a.order.map((i) => choices[i]).join(' → ');
    if (ty === 'state') return a.state;
    return a.segments.map((s, i) => `${i + 1}: seq=${s.seq} ack=${s.ack}`).join('; ');
  }

  let timer = null;
  let seq = 0;
  async function preview() {
    clearTimeout(timer);
    const { yaml, missing } = build();
    yamlOut.textContent = `${yaml}`;
    seedLine.querySelector('.qb-seed-text').textContent = t.qbSeed(d.dataset.seed);
    if (missing.length) {
      prev.replaceChildren(el('p', { class: 'tl-help' }, t.qbNeed(missing.join(', '))));
      d.dataset.previewState = 'incomplete';
      return;
    }
    const mySeq = ++seq;
    const r = await call('POST', '/api/v1/render/question', {
      body: { yaml, slug: editor.slug || 'preview', locale: editor.locale, seed: Number(d.dataset.seed) },
    });
    if (mySeq !== seq) return;
    if (r.status !== 200 || !r.body || !r.body.questions || !r.body.questions.length) {
      const errs = r.body && (r.body.errors || r.body.problems);
      prev.replaceChildren(el('p', { class: 'tl-bad' }, errs ? errs.map((e) => e.detail || e.message).join('; ') : `HTTP ${r.status}`));
      d.dataset.previewState = 'error';
      return;
    }
    const qq = r.body.questions[0];
    const box = el('div', { class: 'qb-variant tl-lesson-body', inert: true });
    box.innerHTML = qq.html || ''; // the question's form as the lesson page renders it
    const p = qq.variant && qq.variant.prompt;
    const promptEl = box.querySelector('.tl-prompt, legend, p');
    if (p && promptEl) promptEl.textContent = p;
    const ans = el('p', { class: 'qb-engine-answer' });
    ans.append(el('strong', {}, `${t.qbEngineAnswer} `), el('span', { class: 'qb-answer-text' }, answerText(qq.type, qq.answer)));
    const parts = [box, ans];
    if (qq.grade) parts.push(el('p', { class: 'qb-graded' }, t.qbGraded(qq.grade.score)));
    if (qq.problem) parts.push(el('p', { class: 'tl-bad qb-problem' }, qq.problem));
    prev.replaceChildren(...parts);
    d.dataset.previewState = qq.problem ? 'problem' : 'ready';
  }

  function changed() {
    clearTimeout(timer);
    d.dataset.previewState = 'pending';
    timer = setTimeout(preview, PREVIEW_MS);
  }

  type.addEventListener('change', async () => {
    syncType();
    await refreshFigure();
    changed();
  });
  scn.addEventListener('change', async () => {
    step.value = '';
    segs.value = '';
    await refreshFigure();
    changed();
  });
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  another.addEventListener('click', () => {
    d.dataset.seed = String(Number(d.dataset.seed) + 1);
    preview();
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const { yaml, missing } = build();
    if (missing.length) {
      out.textContent = t.qbNeed(missing.join(', '));
      return;
    }
    if (opened) {
      const v = editor.text.value;
      if (v.slice(opened.start, opened.end) !== opened.text) {
        out.textContent = t.qbMoved;
        return;
      }
      if (yaml === openedYaml) {
        d.close();
        editor.say(t.qbUnchanged(opened.id));
        return;
      }
      editor.text.value = v.slice(0, opened.start) + yaml + v.slice(opened.end);
      editor.text.setSelectionRange(opened.start, opened.start);
      editor.edited();
      d.close();
      editor.say(t.qbUpdated(id.value.trim()));
      return;
    }
    editor.insertAtCursor(`\`\`\`quiz\n${yaml}\`\`\``, yaml);
    d.close();
    editor.say(t.qbInserted(id.value.trim()));
  });

  openSel.addEventListener('change', () => {
    delete d.dataset.opened;
    openQuestion(openSel.value);
  });
  syncType();
  d.showModal();
  const caret = editor.text.selectionStart ?? 0;
  const text = editor.text.value;
  d.dataset.questions = 'loading';
  found = await quizQuestions(editor, text);
  if (editor.text.value !== text) found = []; // typed meanwhile: nothing to open safely
  for (const [k, f] of found.entries()) {
    const p = (f.source && f.source.prompt) || '';
    openSel.append(el('option', { value: String(k) }, t.qbOpenItem(f.id, f.line, p.length > 60 ? `${p.slice(0, 57)}…` : p)));
  }
  d.dataset.questions = String(found.length);
  const at = found.findIndex((f) => caret >= f.start && caret < f.end);
  if (at >= 0) {
    openSel.value = String(at);
    await openQuestion(String(at));
  } else {
    d.dataset.opened = 'new';
    preview();
  }
  (at >= 0 ? prompt : type).focus();
}

/** The scenario picker: a built-in with optional other ISNs and latency → a ```scenario block. */
export async function openScenarioPicker(editor) {
  const t = editorStrings(editor.msg.locale);
  const d = dialog(editor, 'tl-scenario-picker', t.spTitle);
  const form = el('form', { class: 'tl-builder-form' });
  const left = el('div', { class: 'tl-builder-fields' });
  const right = el('div', { class: 'tl-builder-side' });
  form.append(left, right);
  d.append(form);
  left.append(el('p', {}, t.spIntro));
  const scn = el('select', { id: 'sp-scenario', class: 'sp-scenario' });
  for (const s of await scenarios(editor.msg.locale)) scn.append(el('option', { value: s.name }, `${s.title} (${s.name})`));
  field(left, 'sp-scenario', t.qbScenario, scn);
  const num = (idn, label) => {
    const i = el('input', { id: idn, class: idn, type: 'number', min: '0', step: '1' });
    field(left, idn, label, i);
    return i;
  };
  const ciss = num('sp-client-iss', t.spClientIss);
  const siss = num('sp-server-iss', t.spServerIss);
  const lat = num('sp-latency', t.spLatency);
  const code = el('pre', { class: 'qb-yaml sp-block' });
  const out = el('p', { class: 'tl-dialog-status', role: 'alert' });
  const insert = el('button', { type: 'submit', class: 'sp-insert' }, t.spInsert);
  const actions = el('p', { class: 'tl-dialog-actions' });
  actions.append(insert);
  left.append(el('h3', {}, '```scenario'), code, out, actions);
  const figBox = el('div', { class: 'qb-figure' });
  right.append(figBox);
  let base = null;
  let baseName = '';

  async function source() {
    const custom = ciss.value !== '' || siss.value !== '' || lat.value !== '';
    if (!custom) return scn.value;
    if (baseName !== scn.value) {
      const r = await call('GET', `/api/v1/scenarios/${encodeURIComponent(scn.value)}`);
      base = r.ok && r.body ? r.body.scenario : {};
      baseName = scn.value;
    }
    const s = JSON.parse(JSON.stringify(base));
    if (ciss.value !== '') s.client = { ...(s.client || {}), iss: Number(ciss.value) };
    if (siss.value !== '') s.server = { ...(s.server || {}), iss: Number(siss.value) };
    if (lat.value !== '') s.network = { ...(s.network || {}), latency_ms: Number(lat.value) };
    return JSON.stringify(s, null, 2);
  }
  let timer = null;
  let gen = 0; // bumped by every change: only the newest drawing says "ready"
  async function refresh() {
    const mine = gen;
    const src = await source();
    code.textContent = src;
    await drawFigure(editor, figBox, src, () => {}, t);
    if (mine === gen) d.dataset.previewState = 'ready';
  }
  const changed = () => {
    gen++;
    clearTimeout(timer);
    d.dataset.previewState = 'pending';
    timer = setTimeout(refresh, PREVIEW_MS);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    editor.insertAtCursor(`\`\`\`scenario\n${await source()}\n\`\`\``);
    d.close();
    editor.say(t.spInserted);
  });
  d.showModal();
  scn.focus();
  refresh();
}

const EXAMPLES = {
  front: '---\ntitle: "TIME-WAIT"\nsummary: "Why the side that closes first waits 2MSL."\norder: 4\ntags: [close, time-wait]\nlocale: en\n---',
  figure: '```scenario\nhandshake-and-close\n```',
  quiz: '```quiz\n- id: q1\n  type: state\n  prompt: "Which state is the client in after step {step}?"\n  scenario: handshake-and-close\n  endpoint: client\n  step: 3\n  explanation: "It is {answer}."\n- id: q2\n  type: single\n  prompt: "Which segment opens a connection?"\n  choices: ["SYN", "FIN", "RST"]\n  answer: 0\n  explanation: "A SYN."\n```',
  callout: '> [!NOTE]\n> RFC 9293 calls this state TIME-WAIT.',
};

/** Inline help: what a lesson file holds, with an example per block type. */
export function openHelp(editor) {
  const t = editorStrings(editor.msg.locale);
  const d = dialog(editor, 'tl-help-dialog', t.helpTitle);
  const body = el('div', { class: 'tl-help-body' });
  body.append(el('p', {}, t.helpIntro));
  for (const [key, title, text] of [
    ['front', t.helpFront, ''],
    ['figure', t.helpFigure, t.helpFigureText],
    ['quiz', t.helpQuiz, t.helpQuizText],
    ['callout', t.helpCallout, ''],
  ]) {
    body.append(el('h3', {}, title));
    if (text) body.append(el('p', {}, text));
    body.append(el('pre', { class: 'qb-yaml', 'data-example': key }, EXAMPLES[key]));
  }
  d.append(body);
  d.showModal();
  d.querySelector('.tl-dialog-close').focus();
}
