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
 * strings and flow lists (valid YAML, no escaping rules of our own). The text goes in at the
 * caret through the editor (editor.insertAtCursor): a question lands at the end of the
 * ```quiz block the caret is in, else in a new block.
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
  const addChoiceRow = (text = '') => {
    const k = choiceList.children.length;
    const li = el('li', { class: 'qb-choice' });
    const input = el('input', { class: 'qb-choice-text', id: `qb-choice-${k}`, 'aria-label': t.qbChoice(k + 1) });
    input.value = text;
    const mark = el('input', { class: 'qb-choice-correct', id: `qb-correct-${k}`, type: 'radio', name: 'qb-correct' });
    const markLabel = el('label', { for: `qb-correct-${k}`, class: 'qb-correct-label' }, t.qbCorrect);
    const rm = el('button', { type: 'button', class: 'tl-secondary qb-remove', 'aria-label': `${t.qbRemove}: ${t.qbChoice(k + 1)}` }, '×');
    rm.addEventListener('click', () => {
      li.remove();
      changed();
    });
    li.append(input, ' ', mark, ' ', markLabel, ' ', rm);
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
  right.append(seedLine, prev, el('h3', {}, '```quiz'), yamlOut, out, actions);

  let figure = { pick() {}, sends: new Set() };
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
    for (const [k, li] of [...choiceList.children].entries()) {
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

  /** The question's YAML, or {missing: [labels]}. */
  function build() {
    const ty = type.value;
    const missing = [];
    const lines = [`- id: ${id.value.trim() || 'q'}`, `  type: ${ty}`, `  prompt: ${q(prompt.value.trim())}`];
    if (!/^[a-z0-9-]+$/.test(id.value.trim())) missing.push(t.qbId);
    if (!prompt.value.trim()) missing.push(t.qbPrompt);
    if (['single', 'multiple', 'order'].includes(ty)) {
      const rows = [...choiceList.children].map((li) => ({
        text: li.querySelector('.qb-choice-text').value.trim(),
        correct: li.querySelector('.qb-choice-correct').checked,
      })).filter((r) => r.text);
      if (rows.length < 2) missing.push(t.qbChoices);
      lines.push(`  choices: [${rows.map((r) => q(r.text)).join(', ')}]`);
      const right = rows.map((r, i) => (r.correct ? i : -1)).filter((i) => i >= 0);
      if (ty === 'single') {
        if (right.length !== 1) missing.push(`${t.qbCorrect} (1)`);
        lines.push(`  answer: ${right[0] ?? 0}`);
      } else if (ty === 'multiple') {
        if (!right.length) missing.push(t.qbCorrect);
        lines.push(`  answer: [${right.join(', ')}]`);
      } else {
        lines.push(`  answer: [${rows.map((r, i) => i).join(', ')}]`);
      }
    } else if (ty === 'number') {
      if (!/^-?\d+$/.test(answer.value.trim())) missing.push(t.qbAnswer);
      lines.push(`  answer: ${answer.value.trim() || 0}`);
      const tv = Number(tol.value || 0);
      if (tv > 0) lines.push(`  tolerance: ${Math.floor(tv)}`);
    } else {
      if (!scn.value) missing.push(t.qbScenario);
      lines.push(`  scenario: ${scn.value}`);
      if (ty === 'state') {
        lines.push(`  endpoint: ${ep.value}`);
        if (!/^\d+$/.test(step.value) || Number(step.value) < 1) missing.push(t.qbStep);
        lines.push(`  step: ${step.value || 1}`);
      }
      const used = PARAMS.filter(([name]) => paramInputs[name].use.checked);
      if (used.length) {
        lines.push('  params:');
        for (const [name] of used) {
          const { lo, hi } = paramInputs[name];
          const a = Math.max(0, Math.min(U32_MAX, Math.floor(Number(lo.value) || 0)));
          const b = Math.max(a, Math.min(U32_MAX, Math.floor(Number(hi.value) || 0)));
          lines.push(`    ${name}: "int[${a}, ${b}]"`);
        }
      }
      if (ty === 'ladder') {
        if (!/^\d+$/.test(segs.value) || Number(segs.value) < 1) missing.push(t.qbSegments);
        lines.push(`  segments: ${segs.value || 1}`);
      }
    }
    if (!expl.value.trim()) missing.push(t.qbExplanation);
    lines.push(`  explanation: ${q(expl.value.trim())}`);
    return { yaml: `${lines.join('\n')}\n`, missing };
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
    editor.insertAtCursor(`\`\`\`quiz\n${yaml}\`\`\``, yaml);
    d.close();
    editor.say(t.qbInserted(id.value.trim()));
  });

  syncType();
  d.showModal();
  type.focus();
  preview();
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
