/*
 * playground.js — the simulator playground form (docs/dom.md, "Playground").
 *
 * Owns: turning <form class="tl-playground"> into scenario JSON (docs/scenario.md),
 * POSTing it to /api/v1/simulations?save=true (plus &lang=zh-CN on a zh-CN page, so the
 * trace has rule_zh) and navigating to the saved simulation's page
 * (/playground?sim=ID, the share link); showing the problem+json errors (with their JSON
 * pointers) next to the form; a "copy link" button beside a.tl-share.
 * Does not: run or draw the simulation (the server does, on the page it navigates to); the
 * form also works without JavaScript as a plain GET form.
 *
 * Fields read (all optional): scenario (a built-in name, run as it is; "" or "custom" =
 * build one from the other fields, which are disabled while a built-in is chosen), client_iss, server_iss, latency_ms, rto_ms, msl_ms, extra_ms, drop / delay /
 * duplicate checkboxes with values "ENDPOINT:FLAG,FLAG" (each acts on the 1st such segment),
 * first_close (client|server), close_at_ms, peer_close_at_ms, data_bytes.
 */
import { locale, t } from './i18n.js';

const ENDPOINTS = ['client', 'server'];
const FAULT_ACTIONS = ['drop', 'delay', 'duplicate'];

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

/** A form field as a number when it is an integer, its raw text when not (the server then
 * reports it with its JSON pointer), or undefined when empty/absent. */
function field(fd, name) {
  const v = fd.get(name);
  if (v === null) return undefined;
  const s = String(v).trim();
  if (s === '') return undefined;
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

/** Faults from the drop/delay/duplicate checkboxes ("client:SYN", "server:SYN,ACK"). */
function faultsFrom(fd) {
  const faults = [];
  const extra = field(fd, 'extra_ms');
  for (const action of FAULT_ACTIONS) {
    for (const v of fd.getAll(action)) {
      const [from, flagText] = String(v).split(':');
      if (!from || !flagText) continue;
      const f = { action, from, flags: flagText.split(',').map((x) => x.trim()).filter(Boolean), nth: 1 };
      if (action !== 'drop') f.extra_ms = extra === undefined ? 500 : extra;
      faults.push(f);
    }
  }
  return faults;
}

/** Close events: who closes first, when, and when the peer closes (default: long enough
 * after that a lost FIN is retransmitted before the peer closes — RTO + a margin). */
function closeEvents(fd, latency, rto) {
  const first = fd.get('first_close') === 'server' ? 'server' : 'client';
  const other = first === 'client' ? 'server' : 'client';
  const at = field(fd, 'close_at_ms');
  const closeAt = at === undefined ? 5000 : at;
  let peerAt = field(fd, 'peer_close_at_ms');
  if (peerAt === undefined && typeof closeAt === 'number') {
    peerAt = closeAt + 2 * (typeof latency === 'number' ? latency : 50) + 2 * (typeof rto === 'number' ? rto : 1000);
  }
  const events = [{ at_ms: closeAt, endpoint: first, call: 'close' }];
  if (peerAt !== undefined) events.push({ at_ms: peerAt, endpoint: other, call: 'close' });
  return events;
}

/** A scenario built from the form fields alone. */
export function customScenario(fd) {
  const latency = field(fd, 'latency_ms');
  const rto = field(fd, 'rto_ms');
  const sc = { title: 'Playground', client: {}, server: {}, network: {}, events: [] };
  const ci = field(fd, 'client_iss');
  const si = field(fd, 'server_iss');
  if (ci !== undefined) sc.client.iss = ci;
  if (si !== undefined) sc.server.iss = si;
  if (latency !== undefined) sc.network.latency_ms = latency;
  sc.network.faults = faultsFrom(fd);
  const timers = {};
  if (rto !== undefined) timers.rto_ms = rto;
  const msl = field(fd, 'msl_ms');
  if (msl !== undefined) timers.msl_ms = msl;
  if (Object.keys(timers).length) sc.timers = timers;
  sc.events.push({ at_ms: 0, endpoint: 'server', call: 'listen' });
  sc.events.push({ at_ms: 0, endpoint: 'client', call: 'connect' });
  const bytes = field(fd, 'data_bytes');
  if (bytes !== undefined && bytes !== 0) {
    sc.events.push({ at_ms: 300, endpoint: 'client', call: 'send', bytes });
  }
  sc.events.push(...closeEvents(fd, latency, rto));
  return sc;
}

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
    this.form = form;
    this.errors = form.querySelector('.tl-errors');
    if (!this.errors) {
      this.errors = el('div', { class: 'tl-errors', role: 'alert' });
      this.errors.hidden = true;
      form.append(this.errors);
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.run();
    });
    // The custom fields only matter for a custom scenario: disable them while a built-in is
    // chosen (a disabled fieldset is also left out of the form data).
    this.select = form.querySelector('select[name="scenario"]');
    this.custom = form.querySelector('fieldset.tl-custom');
    if (this.select && this.custom) {
      const sync = () => {
        const v = this.select.value;
        this.custom.disabled = Boolean(v && v !== 'custom');
      };
      this.select.addEventListener('change', sync);
      sync();
    }
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
    const L = t();
    const b = body || {};
    const items = Array.isArray(b.errors)
      ? b.errors.map((e) => (typeof e === 'string' ? e : `${e.pointer || '/'}: ${e.detail || e.message || ''}`))
      : [];
    // With a list of errors the detail only repeats them: the title is enough above it.
    const head = (items.length ? b.title : [b.title, b.detail].filter(Boolean).join(': ')) || `HTTP ${status}`;
    this.showErrors(`${L.problem} ${head}`, items);
  }

  async run() {
    const L = t();
    const fd = new FormData(this.form);
    const name = String(fd.get('scenario') || '').trim();
    const button = this.form.querySelector('button[type="submit"], button:not([type])');
    this.errors.hidden = true;
    this.form.setAttribute('aria-busy', 'true');
    if (button) button.setAttribute('aria-disabled', 'true');
    try {
      // A built-in runs as it is (the custom fields apply to a custom scenario only, as
      // the form says); "" or "custom" builds one from the fields.
      const body = name && name !== 'custom' ? { scenario: name } : customScenario(fd);
      // On a zh-CN page the answer's trace carries rule_zh (the page it navigates to renders
      // its own figure, in the language the lang cookie remembers).
      const q = locale() === 'zh-CN' ? 'save=true&lang=zh-CN' : 'save=true';
      const r = await fetch(`/api/v1/simulations?${q}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
      const b = await readJson(r);
      if (!r.ok || !b || !b.id) {
        this.problem(b, r.status);
        return;
      }
      window.location.assign(b.url || `/playground?sim=${encodeURIComponent(b.id)}`);
    } catch (e) {
      this.showErrors(L.network(e.message));
    } finally {
      this.form.removeAttribute('aria-busy');
      if (button) button.removeAttribute('aria-disabled');
    }
  }
}

/** Adds a "copy link" button after each a.tl-share. */
function initShare(root) {
  const L = t();
  for (const a of root.querySelectorAll('a.tl-share')) {
    if (!navigator.clipboard || a.nextElementSibling?.classList.contains('tl-copy')) continue;
    const b = el('button', { type: 'button', class: 'tl-copy' }, L.copy);
    const status = el('span', { class: 'tl-copy-status', 'aria-live': 'polite' });
    b.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(a.href);
        status.textContent = L.copied;
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
  return Array.from(root.querySelectorAll('form.tl-playground')).map((f) => new Playground(f));
}
