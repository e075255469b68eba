/*
 * playground.js — the simulator playground: a sandbox editor of the scenario contract
 * (docs/scenario.md, docs/dom.md "Playground").
 *
 * Owns: the editor inside <form class="tl-playground"> (div.tl-pg-editor): a form view with
 * every member of the contract (endpoints' ISN lists, MSS and windows; latency; drop / delay /
 * duplicate faults on the n-th segment with a given flag set from either side; timers; seed;
 * until_ms; events: listen, connect, send, close, abort, crash at any time from either side,
 * and injected segments) and a JSON view validated as you type (POST /api/v1/simulations, which
 * saves nothing); loading a built-in (GET /api/v1/scenarios/NAME) into it, editable; the
 * scenario in the URL (#s= base64url of the JSON text: edits replace the history entry,
 * loading a built-in or running pushes one; reload, back and a shared link restore it and run
 * it); running in place (POST /playground/figure, an HTML figure) with the share link above
 * the result; errors in plain words naming the field, in the page's language (the server's
 * JSON pointers mapped to the form's labels); warnings for combinations that make no sense;
 * predict mode (predict.js). Limits are the server's (server/scenario/scenario_json.c).
 * Does not: simulate or draw (the server does both), or keep anything outside the URL.
 * Without JavaScript the form is a plain GET form (?scenario=NAME shows a built-in).
 */
import { locale } from './i18n.js';
import { pt } from './playground_strings.js';

const U32 = 4294967295;
const MS = 9007199254740992; /* 2^53 */
const SEED_MAX = 9223372036854775807n;
/* The ranges of scenario_json.c, field by field. */
const LIMITS = {
  iss: [0, U32], mss: [1, 65535], wnd: [1, 65535], latency_ms: [0, MS], rto_ms: [1, 3600000],
  msl_ms: [0, 3600000], max_retries: [0, 20], at_ms: [0, MS], until_ms: [0, MS], bytes: [1, 1000000000],
  seq: [0, U32], ack: [0, U32], len: [0, 65535], segwnd: [0, 65535], nth: [1, U32], extra_ms: [1, MS],
  seed: [0, SEED_MAX],
};
const MAX_EVENTS = 1000;
const MAX_FAULTS = 100;
const MAX_ISS = 16;
const FLAGS = ['SYN', 'ACK', 'FIN', 'RST', 'PSH'];
const CALLS = ['listen', 'connect', 'send', 'close', 'abort', 'crash', 'accept', 'inject'];
const ACTIONS = ['drop', 'delay', 'duplicate'];
const ENDPOINTS = ['client', 'server'];
const DEBOUNCE_MS = 400;

const SCRATCH = () => ({
  title: 'Playground',
  client: { iss: 100 },
  server: { iss: 300 },
  network: { latency_ms: 50, faults: [] },
  timers: { rto_ms: 1000, msl_ms: 120000, max_retries: 5 },
  events: [
    { at_ms: 0, endpoint: 'server', call: 'listen' },
    { at_ms: 0, endpoint: 'client', call: 'connect' },
  ],
});

let uid = 0;
/* The endpoints an event, inject or fault can name: client and server, or with listen-queue
 * `clients` (docs/scenario.md) the server and each client by name. */
function whoOptions(sc, S) {
  if (!Array.isArray(sc.clients)) return ENDPOINTS.map((e) => [e, S[e]]);
  return [['server', S.server], ...sc.clients.filter((c) => c && typeof c.name === 'string').map((c) => [c.name, c.name])];
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

/* ---------------------------------------------------------------- JSON text, exactly */

/** JSON text of a scenario; a BigInt (a seed beyond 2^53) is written as its digits. */
export function toJson(v, indent) {
  const text = JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `\u0000big:${x}` : x), indent);
  return text.replace(/"\\u0000big:(\d+)"/g, '$1');
}

/** Parses JSON text; integers beyond 2^53 keep their digits as BigInt where the browser
 * gives the reviver the source text. */
export function fromJson(text) {
  return JSON.parse(text, function revive(k, v, ctx) {
    if (typeof v === 'number' && !Number.isSafeInteger(v) && ctx && typeof ctx.source === 'string' && /^\d+$/.test(ctx.source)) {
      const b = BigInt(ctx.source);
      return b === BigInt(MS) ? MS : b;
    }
    return v;
  });
}

function b64urlEncode(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function b64urlDecode(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The scenario text carried by a URL hash ("#s=..."), or null. Throws on a broken one. */
export function scenarioFromHash(hash) {
  const m = /(?:^#|&)s=([A-Za-z0-9_-]*)/.exec(hash || '');
  if (!m) return null;
  return b64urlDecode(m[1]);
}

/* ---------------------------------------------------------------- numbers in fields */

/** A field's text as the JSON value to send: an integer when it is one, else the text itself
 * (the server then names the field), undefined when empty. */
function numberOf(text) {
  const s = String(text).trim();
  if (s === '') return undefined;
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n) || n === MS) return n;
    return BigInt(s);
  }
  if (/^-\d+$/.test(s)) return Number(s);
  return s;
}

function inRange(v, [lo, hi]) {
  if (typeof v === 'bigint') return v >= BigInt(lo) && v <= BigInt(hi);
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

function show(v) {
  return v === undefined || v === null ? '' : String(v);
}

/* ---------------------------------------------------------------- plain-word errors */

/** The field a JSON pointer names, in the page's words ("Event 3: time"). */
export function fieldName(pointer) {
  const S = pt();
  const p = String(pointer || '').split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (!p.length) return S.f.root;
  const [a, b, c, d, e] = p;
  const sub = (name) => S.f.field[name] || name;
  if (a === 'client' || a === 'server') {
    const key = { iss: 'Iss', mss: 'Mss', wnd: 'Wnd' }[b];
    const base = key ? S.f[`${a}${key}`] : `${S[a]} ${b || ''}`.trim();
    return c !== undefined ? `${base}, ${S.f.conn(Number(c) + 1)}` : base;
  }
  if (a === 'network' && b === 'latency_ms') return S.f.latency;
  if (a === 'network' && b === 'faults') {
    if (c === undefined) return S.f.faults;
    const head = S.fault(Number(c) + 1);
    if (d === undefined) return head;
    if (d === 'flags' && e !== undefined) return `${head}: ${S.f.flag(Number(e) + 1)}`;
    return `${head}: ${sub(d)}`;
  }
  if (a === 'timers') return { rto_ms: S.f.rto, msl_ms: S.f.msl, max_retries: S.f.retries }[b] || `${S.timers} ${b || ''}`;
  if (a === 'events') {
    if (b === undefined) return S.f.events;
    const head = S.event(Number(b) + 1);
    if (c === undefined) return head;
    if (c === 'inject' && d !== undefined) {
      if (d === 'flags' && e !== undefined) return `${head}: ${S.f.flag(Number(e) + 1)}`;
      return `${head}: ${sub(d)}`;
    }
    return `${head}: ${sub(c)}`;
  }
  if (a === 'seed') return S.f.seed;
  if (a === 'until_ms') return S.f.until;
  if (a === 'title') return S.f.title;
  return `/${p.join('/')}`;
}

/** What is wrong, in plain words (the server's detail as it is when it is not one of the
 * contract's usual sentences). */
export function plainDetail(detail) {
  const E = pt().e;
  const d = String(detail || '');
  let m;
  if ((m = /^out of range: (\S+) \(must be (-?\d+)\.\.(\d+)\)/.exec(d))) return E.range(m[2], m[3], m[1]);
  if (/^must be an integer/.test(d)) return E.integer;
  if (/^must be an integer or a list/.test(d)) return E.integer;
  if (/^missing/.test(d)) return E.missing;
  if (/^unknown field/.test(d)) return E.unknown;
  if (/^unknown flag/.test(d)) return E.flag;
  if (/^duplicate flag/.test(d)) return E.dupFlag;
  if (/^must name at least one flag/.test(d)) return E.noFlag;
  if (/^only valid with action/.test(d)) return E.onlyDelay;
  if (/^only valid with call/.test(d)) return E.onlySend;
  if (/^unknown endpoint/.test(d)) return E.endpoint;
  if (/^unknown call/.test(d)) return E.call;
  if (/^unknown action/.test(d)) return E.action;
  if ((m = /^too many \w+: \d+ \(at most (\d+)\)/.exec(d))) return E.tooMany(m[1]);
  if (/^must not be an empty list/.test(d)) return E.emptyList;
  if (/^not allowed in an inject event/.test(d)) return E.notInInject;
  if (/^must be (an object|an array|a string)/.test(d)) return E.type;
  return d;
}

/** "Event 3: time must be between 0 and 9007199254740992 (it is -5)." */
export function plainError(pointer, detail) {
  const gap = locale() === 'zh-CN' ? '' : ' ';
  return `${fieldName(pointer)}${gap}${plainDetail(detail)}`.replace(/^(\S)/, (c) => c.toUpperCase());
}

/** Line and column (1-based) of a character offset in text. */
function lineCol(text, pos) {
  const before = text.slice(0, Math.max(0, pos));
  const lines = before.split('\n');
  return [lines.length, lines[lines.length - 1].length + 1];
}

/** A JSON.parse error as a plain sentence with the line and column. */
function jsonErrorText(text, err) {
  const msg = String(err && err.message);
  let m = /line (\d+) column (\d+)/.exec(msg);
  if (m) return pt().jsonBad(m[1], m[2]);
  m = /position (\d+)/.exec(msg);
  const [l, c] = m ? lineCol(text, Number(m[1])) : lineCol(text, text.length);
  return pt().jsonBad(l, c);
}

/* ---------------------------------------------------------------- nonsense combinations */

/** Sentences about combinations that run but make no sense (or not what one may think). */
export function warningsFor(sc) {
  const W = pt().w;
  const out = [];
  const events = Array.isArray(sc.events) ? sc.events : [];
  if (!events.length) out.push(W.noEvents);
  const order = events.map((e, i) => ({ e, i })).filter(({ e }) => e && typeof e.at_ms === 'number')
    .sort((x, y) => x.e.at_ms - y.e.at_ms || x.i - y.i);
  const open = { client: false, server: false };
  const everOpened = { client: false, server: false };
  for (const { e, i } of order) {
    if (e.inject) continue;
    const ep = e.endpoint;
    if (!ENDPOINTS.includes(ep)) continue;
    if (e.call === 'listen' || e.call === 'connect') {
      if (open[ep]) out.push(W.twice(i + 1, ep, e.call));
      open[ep] = true;
      everOpened[ep] = true;
    } else if (e.call === 'send' || e.call === 'close' || e.call === 'abort') {
      if (!open[ep] && !everOpened[ep]) out.push(W.beforeOpen(i + 1, ep, e.call));
      if (e.call === 'abort') open[ep] = false;
    } else if (e.call === 'crash') {
      open[ep] = false;
    }
  }
  for (const ep of ENDPOINTS) {
    const other = ep === 'client' ? 'server' : 'client';
    if (events.some((e) => e && e.endpoint === ep && e.call === 'connect') &&
      !events.some((e) => e && e.endpoint === other && (e.call === 'listen' || e.call === 'connect'))) out.push(W.noPeer(ep));
  }
  if (typeof sc.until_ms === 'number') {
    events.forEach((e, i) => {
      if (e && typeof e.at_ms === 'number' && e.at_ms > sc.until_ms) out.push(W.afterEnd(i + 1, e.at_ms, sc.until_ms));
    });
  }
  const faults = sc.network && Array.isArray(sc.network.faults) ? sc.network.faults : [];
  faults.forEach((f, i) => {
    const fl = f && Array.isArray(f.flags) ? f.flags : [];
    if (fl.includes('SYN') && (fl.includes('FIN') || fl.includes('RST'))) out.push(W.synFin(i + 1));
  });
  events.forEach((e, i) => {
    const inj = e && e.inject;
    if (inj && typeof inj.ack === 'number' && inj.ack !== 0 && Array.isArray(inj.flags) && !inj.flags.includes('ACK')) out.push(W.injectNoAck(i + 1));
  });
  const lat = sc.network && typeof sc.network.latency_ms === 'number' ? sc.network.latency_ms : 50;
  const rto = sc.timers && typeof sc.timers.rto_ms === 'number' ? sc.timers.rto_ms : 1000;
  if (rto < 2 * lat) out.push(W.rtoShort(rto, 2 * lat));
  return out;
}

/* ---------------------------------------------------------------- the editor */

async function readJson(res) {
  const type = res.headers.get('Content-Type') || '';
  if (!type.includes('json')) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
}

class Playground {
  constructor(form) {
    const S = pt();
    this.form = form;
    this.result = document.querySelector('section.tl-playground-result');
    this.select = form.querySelector('select[name="scenario"]');
    this.host = form.querySelector('.tl-pg-editor') || form.insertBefore(el('div', { class: 'tl-pg-editor' }), form.querySelector('.tl-pg-actions'));
    this.actions = form.querySelector('.tl-pg-actions') || form.lastElementChild;
    this.cache = new Map();
    this.sc = SCRATCH();
    this.view = 'form';
    this.validateTimer = null;
    this.validateSeq = 0;
    this.runSeq = 0;
    this.players = [];
    if (this.select) {
      this.select.removeAttribute('name'); // the editor, not the GET form, now says what runs
      this.select.addEventListener('change', () => this.choose(this.select.value));
    }

    // Views: the form, or the scenario's JSON.
    const views = el('div', { class: 'tl-pg-views', role: 'group', 'aria-label': S.views });
    this.bForm = el('button', { type: 'button', class: 'tl-pg-view', 'aria-pressed': 'true', 'data-view': 'form' }, S.viewForm);
    this.bJson = el('button', { type: 'button', class: 'tl-pg-view', 'aria-pressed': 'false', 'data-view': 'json' }, S.viewJson);
    views.append(this.bForm, this.bJson);
    this.bForm.addEventListener('click', () => this.setView('form'));
    this.bJson.addEventListener('click', () => this.setView('json'));
    this.fields = el('div', { class: 'tl-pg-fields' });
    const jid = `pg-json-${++uid}`;
    this.jsonBox = el('div', { class: 'tl-pg-json' });
    this.jsonBox.hidden = true;
    const jl = el('label', { for: jid }, S.viewJson);
    this.json = el('textarea', { id: jid, class: 'tl-pg-json-text', rows: '18', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', 'aria-describedby': `${jid}-status` });
    this.jsonStatus = el('div', { id: `${jid}-status`, class: 'tl-pg-json-status', role: 'status' });
    this.jsonBox.append(jl, this.json, this.jsonStatus);
    this.json.addEventListener('input', () => this.jsonEdited());
    this.host.replaceChildren(views, this.fields, this.jsonBox);

    // Warnings, errors, predict mode, beside Run.
    this.warnings = el('div', { class: 'tl-pg-warnings', role: 'status' });
    this.errors = form.querySelector('.tl-errors') || el('div', { class: 'tl-errors', role: 'alert' });
    this.errors.hidden = true;
    const pid = `pg-predict-${++uid}`;
    const predict = el('p', { class: 'tl-pg-predict' });
    this.predictBox = el('input', { type: 'checkbox', id: pid });
    predict.append(this.predictBox, ' ', el('label', { for: pid }, S.predict));
    this.predictBox.addEventListener('change', () => this.setPredict(this.predictBox.checked));
    this.actions.before(this.warnings);
    this.actions.after(predict, this.errors);

    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.run({ push: true });
    });
    window.addEventListener('popstate', () => this.fromUrl({ fromHistory: true }));
  }

  /* ---- start: the URL, a ?scenario= page or a saved simulation ---- */

  async start() {
    if (await this.fromUrl({ fromHistory: false })) return;
    const params = new URLSearchParams(window.location.search);
    const name = params.get('scenario');
    const sim = this.result && this.result.getAttribute('data-sim');
    if (this.result && this.result.querySelector('figure.tl-scenario')) await this.attachPredict(this.result);
    if (name && this.select && this.select.value === name) {
      await this.choose(name, { keepResult: true });
      return;
    }
    if (sim) {
      try {
        const r = await fetch(`/api/v1/simulations/${encodeURIComponent(sim)}`, { headers: { Accept: 'application/json' } });
        const b = r.ok ? await readJson(r) : null;
        if (b && b.scenario && typeof b.scenario === 'object') {
          this.sc = b.scenario; // the URL stays ?sim=ID until the scenario is edited
          this.render();
          return;
        }
      } catch {
        /* the form starts from scratch */
      }
    }
    this.sc = SCRATCH();
    this.render();
  }

  /** Reads #s= into the form and runs it. False when the URL has none. */
  async fromUrl({ fromHistory }) {
    let text;
    try {
      text = scenarioFromHash(window.location.hash);
    } catch {
      this.sc = SCRATCH();
      this.render();
      this.showErrors(pt().badLink, []);
      return true;
    }
    if (text === null) {
      if (fromHistory) {
        this.sc = SCRATCH();
        if (this.select) this.select.value = '';
        this.render();
        this.clearResult();
      }
      return false;
    }
    let sc;
    try {
      sc = fromJson(text);
    } catch {
      sc = null;
    }
    if (!sc || typeof sc !== 'object' || Array.isArray(sc)) {
      this.sc = SCRATCH();
      this.render();
      this.showErrors(pt().badLink, []);
      return true;
    }
    this.sc = sc;
    if (this.select) {
      const name = new URLSearchParams(window.location.hash.slice(1)).get('from');
      this.select.value = name && this.select.querySelector(`option[value="${CSS.escape(name)}"]`) ? name : '';
    }
    this.render();
    await this.run({ push: false, text });
    return true;
  }

  /** The URL of the scenario as it is now. */
  urlFor(text) {
    const from = this.select && this.select.value ? `&from=${encodeURIComponent(this.select.value)}` : '';
    const u = new URL(window.location.href);
    u.search = '';
    u.hash = `s=${b64urlEncode(text)}${from}`;
    return u;
  }

  /** Writes the scenario into the URL: a new history entry (push) or this one. */
  saveUrl(push, text = toJson(this.sc)) {
    const u = this.urlFor(text);
    if (u.href === window.location.href) return;
    if (push) window.history.pushState(null, '', u);
    else window.history.replaceState(null, '', u);
  }

  /* ---- a built-in into the form ---- */

  async choose(name, { keepResult = false } = {}) {
    const S = pt();
    if (!name) {
      this.sc = SCRATCH();
      this.render();
      this.saveUrl(true);
      return;
    }
    this.fields.setAttribute('aria-busy', 'true');
    try {
      let sc = this.cache.get(name);
      if (!sc) {
        const r = await fetch(`/api/v1/scenarios/${encodeURIComponent(name)}`, { headers: { Accept: 'application/json' } });
        const b = await readJson(r);
        if (!r.ok || !b || !b.scenario) {
          this.problem(b, r.status);
          return;
        }
        sc = b.scenario;
        this.cache.set(name, sc);
      }
      this.sc = structuredClone(sc);
      this.render();
      if (!keepResult) this.clearResult();
      this.saveUrl(!keepResult);
    } catch (e) {
      this.showErrors(S.network_(e.message), []);
    } finally {
      this.fields.removeAttribute('aria-busy');
    }
  }

  /* ---- views ---- */

  setView(v) {
    if (v === this.view) return;
    if (v === 'form') {
      // Back to the form: the JSON's last valid object is what the form shows.
      this.applyJson(true);
    } else {
      this.json.value = toJson(this.sc, 2);
      this.jsonStatus.replaceChildren();
      this.scheduleValidate();
    }
    this.view = v;
    this.fields.hidden = v !== 'form';
    this.jsonBox.hidden = v !== 'json';
    this.bForm.setAttribute('aria-pressed', String(v === 'form'));
    this.bJson.setAttribute('aria-pressed', String(v === 'json'));
    if (v === 'form') this.render();
  }

  /** Takes the JSON text into this.sc when it is a JSON object; returns the text or null. */
  applyJson(quiet) {
    const text = this.json.value;
    let sc;
    try {
      sc = fromJson(text);
    } catch (e) {
      if (!quiet) this.jsonStatusText([jsonErrorText(text, e), pt().jsonKeptForm], true);
      return null;
    }
    if (!sc || typeof sc !== 'object' || Array.isArray(sc)) {
      if (!quiet) this.jsonStatusText([pt().jsonNotObject], true);
      return null;
    }
    this.sc = sc;
    return text;
  }

  jsonEdited() {
    const text = this.applyJson(false);
    if (text === null) return;
    this.saveUrl(false, toJson(this.sc));
    this.showWarnings();
    this.scheduleValidate();
  }

  jsonStatusText(lines, bad) {
    this.jsonStatus.replaceChildren(...lines.map((l) => el('p', {}, l)));
    this.jsonStatus.classList.toggle('tl-bad', Boolean(bad));
    this.json.setAttribute('aria-invalid', bad ? 'true' : 'false');
  }

  scheduleValidate() {
    clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => this.validate(), DEBOUNCE_MS);
  }

  /** Asks the server whether the scenario is valid (a run that saves nothing). */
  async validate() {
    const S = pt();
    const seq = ++this.validateSeq;
    const text = this.view === 'json' ? this.json.value : toJson(this.sc);
    try {
      fromJson(text);
    } catch (e) {
      if (this.view === 'json') this.jsonStatusText([jsonErrorText(text, e)], true);
      return;
    }
    if (this.view === 'json') this.jsonStatusText([S.checking], false);
    try {
      const r = await fetch('/api/v1/simulations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: text,
        credentials: 'same-origin',
      });
      const b = await readJson(r);
      if (seq !== this.validateSeq) return;
      const list = this.errorItems(b, r.status);
      this.markFields(b);
      if (this.view === 'json') {
        const trace = b && (b.trace || b);
        if (r.ok && trace && Array.isArray(trace.steps)) this.jsonStatusText([S.valid(trace.steps.length)], false);
        else this.jsonStatusText(list.length ? list : [`HTTP ${r.status}`], true);
      }
    } catch (e) {
      if (seq === this.validateSeq && this.view === 'json') this.jsonStatusText([S.network_(e.message)], true);
    }
  }

  /* ---- the form view ---- */

  /** A labelled text field bound to obj[key] (a number field unless `kind` says text). */
  field(parent, { label, obj, key, ptr, limit, kind = 'number', hint, onChange, cls }) {
    const S = pt();
    const id = `pg-f-${++uid}`;
    const wrap = el('p', { class: `tl-field${cls ? ` ${cls}` : ''}` });
    const hid = `${id}-hint`;
    const input = el('input', { type: 'text', id, 'data-ptr': ptr, autocomplete: 'off', 'aria-describedby': hid });
    if (kind === 'number' || kind === 'iss') input.setAttribute('inputmode', kind === 'iss' ? 'text' : 'numeric');
    const v = obj ? obj[key] : undefined;
    input.value = Array.isArray(v) ? v.join(', ') : show(v);
    const hintText = [limit ? S.range(limit[0], limit[1]) : null, hint].filter(Boolean).join('; ');
    const hintEl = el('span', { class: 'tl-hint', id: hid }, hintText);
    const msg = el('span', { class: 'tl-field-error', id: `${id}-err` });
    wrap.append(el('label', { for: id }, label), input, hintEl, msg);
    parent.append(wrap);
    input.addEventListener('input', () => {
      let val;
      if (kind === 'text') val = input.value === '' ? undefined : input.value;
      else if (kind === 'iss') {
        const parts = input.value.split(/[,，\s]+/).filter(Boolean);
        val = parts.length > 1 ? parts.map(numberOf) : numberOf(input.value);
      } else val = numberOf(input.value);
      if (val === undefined) delete obj[key];
      else obj[key] = val;
      this.checkField(input, val, limit, kind);
      if (onChange) onChange(val);
      this.edited();
    });
    this.checkField(input, v, limit, kind, true);
    return input;
  }

  /** The cheap client-side check: a whole number inside the server's range. */
  checkField(input, val, limit, kind, initial) {
    const E = pt().e;
    let bad = '';
    if (limit && val !== undefined) {
      const list = Array.isArray(val) ? val : [val];
      if (kind === 'iss' && list.length > MAX_ISS) bad = E.tooMany(MAX_ISS);
      for (const x of list) {
        if (bad) break;
        if (typeof x === 'string' || (typeof x === 'number' && !Number.isInteger(x))) bad = E.integer;
        else if (!inRange(x, limit)) bad = E.range(limit[0], limit[1], x);
      }
    }
    if (initial && !bad) return;
    this.setFieldError(input, bad);
  }

  setFieldError(input, text) {
    const msg = input.parentElement.querySelector('.tl-field-error');
    if (msg) msg.textContent = text || '';
    if (text) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${input.id}-err ${input.id}-hint`);
    } else {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', `${input.id}-hint`);
    }
  }

  choice(parent, { label, value, options, ptr, onChange, cls }) {
    const id = `pg-s-${++uid}`;
    const wrap = el('p', { class: `tl-field${cls ? ` ${cls}` : ''}` });
    const s = el('select', { id, 'data-ptr': ptr });
    for (const [v, text] of options) s.append(el('option', { value: v }, text));
    s.value = value;
    wrap.append(el('label', { for: id }, label), s);
    parent.append(wrap);
    s.addEventListener('change', () => onChange(s.value));
    return s;
  }

  flagBoxes(parent, { legend, flags, ptr, onChange }) {
    const fs = el('fieldset', { class: 'tl-pg-flags', 'data-ptr': ptr });
    fs.append(el('legend', {}, legend));
    const set = new Set(Array.isArray(flags) ? flags : []);
    for (const f of FLAGS) {
      const id = `pg-c-${++uid}`;
      const box = el('input', { type: 'checkbox', id, value: f });
      box.checked = set.has(f);
      const lab = el('label', { for: id });
      lab.append(box, ' ', el('code', {}, f));
      fs.append(lab);
      box.addEventListener('change', () => {
        if (box.checked) set.add(f);
        else set.delete(f);
        onChange(FLAGS.filter((x) => set.has(x)));
      });
    }
    const msg = el('span', { class: 'tl-field-error' });
    fs.append(msg);
    parent.append(fs);
  }

  /** Rebuilds the form view from this.sc. */
  render() {
    const S = pt();
    const sc = this.sc;
    const f = this.fields;
    f.replaceChildren();

    const top = el('div', { class: 'tl-pg-row' });
    this.field(top, { label: S.title, obj: sc, key: 'title', ptr: '/title', kind: 'text', cls: 'tl-wide' });
    f.append(top);

    // Endpoints.
    const eps = el('div', { class: 'tl-pg-row tl-pg-endpoints' });
    f.append(this.section('endpoints', eps));
    for (const ep of ENDPOINTS) {
      if (ep === 'client' && Array.isArray(sc.clients)) continue; // several clients: edited in the JSON view
      if (!sc[ep] || typeof sc[ep] !== 'object') sc[ep] = {};
      const fs = el('fieldset', { class: `tl-pg-ep tl-pg-${ep}` });
      fs.append(el('legend', {}, S[ep]));
      this.field(fs, { label: S.iss, obj: sc[ep], key: 'iss', ptr: `/${ep}/iss`, limit: LIMITS.iss, kind: 'iss', hint: S.issHint });
      this.field(fs, { label: S.mss, obj: sc[ep], key: 'mss', ptr: `/${ep}/mss`, limit: LIMITS.mss, hint: S.optional });
      this.field(fs, { label: S.wnd, obj: sc[ep], key: 'wnd', ptr: `/${ep}/wnd`, limit: LIMITS.wnd, hint: S.optional });
      eps.append(fs);
    }

    // Network and timers.
    const row = el('div', { class: 'tl-pg-row' });
    if (!sc.network || typeof sc.network !== 'object') sc.network = {};
    if (!sc.timers || typeof sc.timers !== 'object') sc.timers = {};
    const net = el('fieldset');
    net.append(el('legend', {}, S.network));
    this.field(net, { label: S.latency, obj: sc.network, key: 'latency_ms', ptr: '/network/latency_ms', limit: LIMITS.latency_ms });
    this.field(net, { label: S.seed, obj: sc, key: 'seed', ptr: '/seed', limit: LIMITS.seed, hint: S.optional });
    this.field(net, { label: S.until, obj: sc, key: 'until_ms', ptr: '/until_ms', limit: LIMITS.until_ms });
    const tim = el('fieldset');
    tim.append(el('legend', {}, S.timers));
    this.field(tim, { label: S.rto, obj: sc.timers, key: 'rto_ms', ptr: '/timers/rto_ms', limit: LIMITS.rto_ms });
    this.field(tim, { label: S.msl, obj: sc.timers, key: 'msl_ms', ptr: '/timers/msl_ms', limit: LIMITS.msl_ms });
    this.field(tim, { label: S.retries, obj: sc.timers, key: 'max_retries', ptr: '/timers/max_retries', limit: LIMITS.max_retries });
    row.append(net, tim);
    f.append(this.section('network', row));

    // Events.
    if (!Array.isArray(sc.events)) sc.events = [];
    const evs = el('fieldset', { class: 'tl-pg-list tl-pg-events', 'data-ptr': '/events' });
    evs.append(el('legend', {}, S.events));
    const ol = el('ol', { class: 'tl-pg-items' });
    sc.events.forEach((ev, i) => ol.append(this.eventRow(ev, i)));
    evs.append(ol);
    const addE = el('button', { type: 'button', class: 'tl-pg-add tl-secondary' }, S.addEvent);
    if (sc.events.length >= MAX_EVENTS) addE.setAttribute('aria-disabled', 'true');
    addE.addEventListener('click', () => {
      if (sc.events.length >= MAX_EVENTS) return;
      const last = sc.events[sc.events.length - 1];
      const at = last && typeof last.at_ms === 'number' ? last.at_ms + 200 : 0;
      sc.events.push({ at_ms: at, endpoint: 'client', call: 'close' });
      this.render();
      this.edited();
      const rows = this.fields.querySelectorAll('.tl-pg-events li');
      rows[rows.length - 1]?.querySelector('input')?.focus();
    });
    evs.append(addE);
    f.append(this.section('events', evs));

    // Faults.
    if (!Array.isArray(sc.network.faults)) sc.network.faults = [];
    const fts = el('fieldset', { class: 'tl-pg-list tl-pg-faults', 'data-ptr': '/network/faults' });
    fts.append(el('legend', {}, S.faults));
    const ol2 = el('ol', { class: 'tl-pg-items' });
    sc.network.faults.forEach((ft, i) => ol2.append(this.faultRow(ft, i)));
    fts.append(ol2);
    const addF = el('button', { type: 'button', class: 'tl-pg-add tl-secondary' }, S.addFault);
    if (sc.network.faults.length >= MAX_FAULTS) addF.setAttribute('aria-disabled', 'true');
    addF.addEventListener('click', () => {
      if (sc.network.faults.length >= MAX_FAULTS) return;
      sc.network.faults.push({ action: 'drop', from: 'client', flags: ['SYN'], nth: 1 });
      this.render();
      this.edited();
      const rows = this.fields.querySelectorAll('.tl-pg-faults li');
      rows[rows.length - 1]?.querySelector('select')?.focus();
    });
    fts.append(addF);
    f.append(this.section('faults', fts));
    this.showWarnings();
    this.digest();
  }

  /**
   * A fold of the form: <details class="tl-pg-section"> whose summary names the part and
   * what is in it (digest()), so that on a phone the form is a short list of parts with Run
   * below them. Open by default on a wide screen, folded on a phone (≤ 30rem); a part the
   * student opened or closed stays so when the form is drawn again; a part with an error
   * opens (openInvalid).
   */
  section(key, body) {
    if (!this.open) {
      const phone = typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 30rem)').matches;
      this.open = { endpoints: !phone, network: !phone, events: !phone, faults: !phone };
    }
    const d = el('details', { class: `tl-pg-section tl-pg-section-${key}`, 'data-section': key });
    d.open = !!this.open[key];
    const sum = el('summary');
    sum.append(el('span', { class: 'tl-pg-section-name' }, pt().sections[key]), ' ', el('span', { class: 'tl-pg-digest' }));
    d.append(sum, body);
    d.addEventListener('toggle', () => { this.open[key] = d.open; });
    return d;
  }

  /** The summaries' digests: what each folded part holds, in a few words. */
  digest() {
    const S = pt();
    const sc = this.sc;
    const put = (key, text) => {
      const n = this.fields.querySelector(`.tl-pg-section-${key} .tl-pg-digest`);
      if (n) n.textContent = text;
    };
    const iss = (ep) => {
      const v = sc[ep] && sc[ep].iss;
      return v === undefined ? '–' : (Array.isArray(v) ? v.join(', ') : String(v));
    };
    put('endpoints', S.digestIss(iss('client'), iss('server')));
    const net = sc.network || {};
    const tim = sc.timers || {};
    put('network', S.digestNet(net.latency_ms ?? '–', tim.rto_ms ?? '–'));
    put('events', S.digestCount(Array.isArray(sc.events) ? sc.events.length : 0));
    put('faults', S.digestCount(Array.isArray(net.faults) ? net.faults.length : 0));
  }

  /** Opens the parts of the form that hold a field marked invalid. */
  openInvalid() {
    for (const n of this.fields.querySelectorAll('[aria-invalid="true"], .tl-field-error:not(:empty)')) {
      const d = n.closest('details.tl-pg-section');
      if (d && !d.open) d.open = true;
    }
  }

  eventRow(ev, i) {
    const S = pt();
    const li = el('li', { class: 'tl-pg-item' });
    const head = el('p', { class: 'tl-pg-item-head' });
    head.append(el('strong', {}, S.event(i + 1)));
    const rm = el('button', { type: 'button', class: 'tl-pg-remove tl-secondary', 'aria-label': S.removeEvent(i + 1) }, S.remove);
    rm.addEventListener('click', () => {
      this.sc.events.splice(i, 1);
      this.render();
      this.edited();
    });
    head.append(rm);
    li.append(head);
    const body = el('div', { class: 'tl-pg-item-body' });
    const ptr = `/events/${i}`;
    this.field(body, { label: S.at, obj: ev, key: 'at_ms', ptr: `${ptr}/at_ms`, limit: LIMITS.at_ms });
    const kind = ev.inject ? 'inject' : ev.call;
    this.choice(body, {
      label: S.what, value: CALLS.includes(kind) ? kind : 'listen', ptr: `${ptr}/call`, cls: 'tl-pg-what',
      options: CALLS.map((c) => [c, S.calls[c]]),
      onChange: (v) => {
        const at = ev.at_ms;
        const ep = ev.inject ? ev.inject.to : ev.endpoint;
        for (const k of Object.keys(ev)) delete ev[k];
        ev.at_ms = at;
        if (v === 'inject') ev.inject = { to: ENDPOINTS.includes(ep) ? ep : 'server', flags: ['SYN'], seq: 0, ack: 0, len: 0 };
        else {
          ev.endpoint = ENDPOINTS.includes(ep) ? ep : 'client';
          ev.call = v;
          if (v === 'send') ev.bytes = 10;
        }
        this.render();
        this.edited();
      },
    });
    if (ev.inject && typeof ev.inject === 'object') {
      const inj = ev.inject;
      const ip = `${ptr}/inject`;
      this.choice(body, { label: S.to, value: inj.to, ptr: `${ip}/to`, options: whoOptions(this.sc, S), onChange: (v) => { inj.to = v; this.edited(); } });
      this.flagBoxes(body, { legend: S.flags, flags: inj.flags, ptr: `${ip}/flags`, onChange: (fl) => { inj.flags = fl; this.edited(); } });
      this.field(body, { label: S.seq, obj: inj, key: 'seq', ptr: `${ip}/seq`, limit: LIMITS.seq });
      this.field(body, { label: S.ack, obj: inj, key: 'ack', ptr: `${ip}/ack`, limit: LIMITS.ack });
      this.field(body, { label: S.len, obj: inj, key: 'len', ptr: `${ip}/len`, limit: LIMITS.len });
      this.field(body, { label: S.segWnd, obj: inj, key: 'wnd', ptr: `${ip}/wnd`, limit: LIMITS.segwnd, hint: S.optional });
    } else {
      this.choice(body, { label: S.endpoint, value: ev.endpoint, ptr: `${ptr}/endpoint`, options: whoOptions(this.sc, S), onChange: (v) => { ev.endpoint = v; this.edited(); } });
      if (ev.call === 'send') this.field(body, { label: S.bytes, obj: ev, key: 'bytes', ptr: `${ptr}/bytes`, limit: LIMITS.bytes });
    }
    li.append(body);
    return li;
  }

  faultRow(ft, i) {
    const S = pt();
    const li = el('li', { class: 'tl-pg-item' });
    const head = el('p', { class: 'tl-pg-item-head' });
    head.append(el('strong', {}, S.fault(i + 1)));
    const rm = el('button', { type: 'button', class: 'tl-pg-remove tl-secondary', 'aria-label': S.removeFault(i + 1) }, S.remove);
    rm.addEventListener('click', () => {
      this.sc.network.faults.splice(i, 1);
      this.render();
      this.edited();
    });
    head.append(rm);
    li.append(head);
    const body = el('div', { class: 'tl-pg-item-body' });
    const ptr = `/network/faults/${i}`;
    this.choice(body, {
      label: S.action, value: ft.action, ptr: `${ptr}/action`, options: ACTIONS.map((a) => [a, S.actions[a]]),
      onChange: (v) => {
        ft.action = v;
        if (v === 'drop') delete ft.extra_ms;
        else if (ft.extra_ms === undefined) ft.extra_ms = 500;
        this.render();
        this.edited();
      },
    });
    this.choice(body, { label: S.from, value: ft.from, ptr: `${ptr}/from`, options: whoOptions(this.sc, S), onChange: (v) => { ft.from = v; this.edited(); } });
    this.flagBoxes(body, { legend: S.faultFlags, flags: ft.flags, ptr: `${ptr}/flags`, onChange: (fl) => { ft.flags = fl; this.edited(); } });
    this.field(body, { label: S.nth, obj: ft, key: 'nth', ptr: `${ptr}/nth`, limit: LIMITS.nth });
    if (ft.action === 'delay' || ft.action === 'duplicate') this.field(body, { label: S.extra, obj: ft, key: 'extra_ms', ptr: `${ptr}/extra_ms`, limit: LIMITS.extra_ms });
    li.append(body);
    return li;
  }

  /** After any edit: the URL follows (same history entry), warnings and a quiet check. */
  edited() {
    this.saveUrl(false);
    this.digest();
    this.showWarnings();
    this.scheduleValidate();
  }

  showWarnings() {
    const list = warningsFor(this.sc);
    this.warnings.replaceChildren();
    if (!list.length) return;
    this.warnings.append(el('p', { class: 'tl-pg-warnings-title' }, pt().warnings));
    const ul = el('ul');
    for (const w of list) ul.append(el('li', {}, w));
    this.warnings.append(ul);
  }

  /* ---- errors ---- */

  errorItems(body, status) {
    const b = body || {};
    if (Array.isArray(b.errors)) {
      return b.errors.map((e) => (typeof e === 'string' ? e : e.pointer ? plainError(e.pointer, e.detail) : plainDetail(e.detail)));
    }
    if (status >= 400) return [b.detail || b.title || `HTTP ${status}`];
    return [];
  }

  /** Marks the form's fields the server's errors name (and clears the others). */
  markFields(body) {
    for (const n of this.fields.querySelectorAll('[data-ptr][aria-invalid="true"]')) this.setFieldError(n, '');
    for (const n of this.fields.querySelectorAll('fieldset[data-ptr] > .tl-field-error')) n.textContent = '';
    const errs = body && Array.isArray(body.errors) ? body.errors : [];
    for (const e of errs) {
      if (!e || !e.pointer) continue;
      let p = e.pointer;
      let node = null;
      while (p && !(node = this.fields.querySelector(`[data-ptr="${CSS.escape(p)}"]`))) p = p.replace(/\/[^/]*$/, '');
      if (!node) continue;
      if (node.tagName === 'FIELDSET') {
        const msg = node.querySelector(':scope > .tl-field-error');
        if (msg) msg.textContent = plainError(e.pointer, e.detail);
      } else this.setFieldError(node, plainDetail(e.detail));
    }
    this.openInvalid();
  }

  showErrors(title, items) {
    this.errors.replaceChildren(el('p', { class: 'tl-errors-title' }, title));
    if (items && items.length) {
      const ul = el('ul');
      for (const it of items) ul.append(el('li', {}, it));
      this.errors.append(ul);
    }
    this.errors.hidden = false;
  }

  problem(body, status) {
    const S = pt();
    const items = this.errorItems(body, status);
    const engine = body && Array.isArray(body.errors) && body.errors.every((e) => !e.pointer);
    this.showErrors(engine ? S.cannotShow : S.notAccepted, items);
    this.markFields(body);
  }

  /* ---- running ---- */

  clearResult() {
    if (!this.result) return;
    this.result.replaceChildren();
    this.result.removeAttribute('data-sim');
  }

  async run({ push, text }) {
    const S = pt();
    if (this.view === 'json' && text === undefined) {
      if (this.applyJson(false) === null) return;
      text = toJson(this.sc);
    }
    if (text === undefined) text = toJson(this.sc);
    const seq = ++this.runSeq;
    this.errors.hidden = true;
    this.form.setAttribute('aria-busy', 'true');
    const button = this.form.querySelector('button[type="submit"]');
    if (button) button.setAttribute('aria-disabled', 'true');
    if (push !== undefined && push) this.saveUrl(true, text);
    try {
      const lang = locale() === 'zh-CN' ? 'zh-CN' : 'en';
      const r = await fetch(`/playground/figure?lang=${lang}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/html, application/problem+json' },
        body: text,
        credentials: 'same-origin',
      });
      if (seq !== this.runSeq) return;
      if (!r.ok) {
        this.problem(await readJson(r), r.status);
        return;
      }
      this.markFields(null);
      const html = await r.text();
      this.showResult(html);
      import('./capture_link.js').then((m) => m.initCaptureLinks(this.result, { scenarioText: text }));
    } catch (e) {
      this.showErrors(S.network_(e.message), []);
    } finally {
      if (seq === this.runSeq) {
        this.form.removeAttribute('aria-busy');
        if (button) button.removeAttribute('aria-disabled');
      }
    }
  }

  showResult(html) {
    const S = pt();
    if (!this.result) {
      this.result = el('section', { class: 'tl-playground-result', 'aria-live': 'polite' });
      this.form.after(this.result);
    }
    this.result.removeAttribute('data-sim');
    this.runs = (this.runs || 0) + 1;
    this.result.setAttribute('data-runs', String(this.runs));
    const h = el('h2', {}, S.result);
    const share = el('p', { class: 'tl-share-line' });
    share.append(el('a', { class: 'tl-share', href: window.location.href }, S.share));
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    this.result.replaceChildren(h, share, tpl.content);
    initShare(this.result);
    this.attachPredict(this.result);
  }

  /** Sets up the result's player (a figure app.js already set up is skipped) and, when
   * predict mode is on, predict mode on it. */
  async attachPredict(root) {
    const { initPlayers } = await import('./player.js');
    initPlayers(root);
    this.players = Array.from(root.querySelectorAll('figure.tl-scenario')).map((f) => f.tlPlayer).filter(Boolean);
    if (this.predictBox.checked) await this.setPredict(true);
  }

  async setPredict(on) {
    const { attachPredict } = await import('./predict.js');
    for (const p of this.players) attachPredict(p, on);
  }
}

/** Adds a "copy link" button after each a.tl-share. */
function initShare(root) {
  const S = pt();
  for (const a of root.querySelectorAll('a.tl-share')) {
    if (!navigator.clipboard || a.nextElementSibling?.classList.contains('tl-copy')) continue;
    const b = el('button', { type: 'button', class: 'tl-copy tl-secondary' }, S.copy);
    const status = el('span', { class: 'tl-copy-status', 'aria-live': 'polite' });
    b.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(a.href);
        status.textContent = S.copied;
      } catch {
        status.textContent = a.href;
      }
    });
    a.after(b, status);
  }
}

/** Sets up the playground form(s) and share links on the page. */
export function initPlayground(root = document) {
  initShare(root);
  return Array.from(root.querySelectorAll('form.tl-playground')).map((f) => {
    const p = new Playground(f);
    p.ready = p.start().then(() => document.documentElement.setAttribute('data-tl-playground', 'ready'));
    return p;
  });
}
