/*
 * player.js — the step-through player of a scenario figure (docs/dom.md).
 *
 * Owns: filling the empty <div class="tl-player" data-for="scn-N"> with buttons, a position
 * output, the view switch (Ladder / States / Variables, shown on narrow screens only) and the
 * rule line (aria-live; on zh-CN pages the step's rule_zh, English below it), and moving that
 * player to the top of the figure, where the CSS keeps it in view (sticky); the TCB table in
 * its own panel (.tl-vars) beside the state diagram; moving the current step with buttons,
 * ←/→/Home/End while focus is inside the figure, or a click on a ladder step / table row;
 * marking the current step on the ladder (.tl-step), the text table (tr[data-step]) and the
 * state diagram (tl-current-client / tl-current-server, tl-current plus tl-by-client /
 * tl-by-server on the edge just taken); keeping the current arrow visible inside the ladder's
 * scrolling frame and the page (on a phone showing the state diagram: its current state);
 * the state diagram large or not (data-diagram="large": the server sets it for ```scenario
 * large, and such a figure opens on a phone with its States view); the description of a
 * state of the diagram on click, tap or keyboard focus; setting data-current-step /
 * data-client-state / data-server-state on the figure.
 * Does not: draw anything (the SVGs and the table are server-rendered), fetch anything (the
 * trace JSON is embedded in the figure), or write style attributes (it sets one custom
 * property, --tl-player-h, through the CSSOM, which the CSP allows).
 */
import { locale, t } from './i18n.js';

const ENDPOINTS = ['client', 'server'];
const TCB_ROWS = [
  ['state', null],
  ['snd_una', 'SND.UNA'],
  ['snd_nxt', 'SND.NXT'],
  ['rcv_nxt', 'RCV.NXT'],
  ['iss', 'ISS'],
  ['irs', 'IRS'],
];
const AUTOPLAY_MS = 1200;
const VIEWS = ['ladder', 'states', 'vars'];
const VIEW_LABELS = {
  en: {
    ladder: 'Ladder', states: 'States', vars: 'Variables', views: 'Show', stateInfo: 'Tap or focus a state to read what it means.',
    ladderFrame: 'Sequence diagram (scrolls)', diagramFrame: 'State diagram (scrolls)', varsFrame: 'TCB variables (scrolls)',
    enlarge: 'Enlarge the state diagram', shrink: 'Make the state diagram smaller',
  },
  'zh-CN': {
    ladder: '时序图', states: '状态图', vars: '变量', views: '显示', stateInfo: '点按或用 Tab 键选中一个状态，查看它的含义。',
    ladderFrame: '时序图（可滚动）', diagramFrame: '状态图（可滚动）', varsFrame: 'TCB 变量（可滚动）',
    enlarge: '放大状态图', shrink: '缩小状态图',
  },
};
function viewLabels() {
  return VIEW_LABELS[locale() === 'zh-CN' ? 'zh-CN' : 'en'];
}

/* Listen-queue traces (docs/scenario.md): each step names its connection and the queue lengths. */
const QUEUE_LABELS = {
  en: {
    conn: (name) => (name === 'listener' ? 'listening socket' : `connection ${name}`),
    queues: (q) => `SYN queue ${q.syn}, accept queue ${q.accept}`,
    full: { syn: 'dropped: SYN queue full', accept: 'dropped: accept queue full' },
    cookie: 'SYN cookie',
  },
  'zh-CN': {
    conn: (name) => (name === 'listener' ? '监听套接字' : `连接 ${name}`),
    queues: (q) => `半连接队列 ${q.syn}，全连接队列 ${q.accept}`,
    full: { syn: '丢弃：半连接队列已满', accept: '丢弃：全连接队列已满' },
    cookie: 'SYN cookie',
  },
};
function queueLabels() {
  return QUEUE_LABELS[locale() === 'zh-CN' ? 'zh-CN' : 'en'];
}

/** Formats a segment as "SYN,ACK seq=300 ack=101" (+ " len=N" when it carries data). */
export function formatSegment(seg) {
  if (!seg) return '';
  const flags = Array.isArray(seg.flags) && seg.flags.length ? seg.flags.join(',') : '(no flags)';
  let s = `${flags} seq=${seg.seq}`;
  if ((seg.flags || []).includes('ACK')) s += ` ack=${seg.ack}`; // the field means something only with ACK (§3.1)
  if (seg.len) s += ` len=${seg.len}`;
  return s;
}

/** One human sentence for a trace step, in the page's language. */
export function describeStep(step) {
  const L = t();
  const ep = L[step.endpoint] || step.endpoint;
  const seg = formatSegment(step.segment);
  let text;
  switch (step.kind) {
    case 'call': text = L.call(ep, `${step.call}()`, step.bytes); break;
    case 'send': text = L.send(ep, seg) + (step.retransmission ? ` (${L.rtx})` : ''); break;
    case 'receive': text = L.receive(ep, seg) + (step.duplicate ? ` (${L.duplicate})` : ''); break;
    case 'drop': text = L.drop(ep, seg); break;
    case 'timeout': text = L.timeout(ep, step.timer); break;
    case 'inject': text = L.inject(ep, seg); break;
    default: text = `${ep}: ${step.kind}`;
  }
  if (step.state_before && step.state_after && step.state_before !== step.state_after) {
    text += ` — ${L.stateChange(step.state_before, step.state_after)}`;
  }
  if (typeof step.conn === 'string') {
    const Q = queueLabels();
    text = `${Q.conn(step.conn)} · ${text}`;
    if (step.queue_full && Q.full[step.queue_full]) text += ` — ${Q.full[step.queue_full]}`;
    if (step.syn_cookie) text += ` (${Q.cookie})`;
  }
  return text;
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The text with its first letter capitalised ("retransmission timeout …" → "Retransmission …"). */
export function sentenceCase(text) {
  const s = String(text || '');
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/**
 * The rule line of a step. On a zh-CN page a step with `rule_zh` (docs/dom.md) shows the
 * Chinese text, with the English original kept below it in a small lang="en" line (read by
 * screen readers too, in its own language); otherwise the English rule as it is.
 */
export function ruleText(step) {
  if (locale() === 'zh-CN' && typeof step.rule_zh === 'string' && step.rule_zh) {
    const span = el('span', { class: 'tl-rule-text', lang: 'zh-CN' }, step.rule_zh);
    span.textContent = sentenceCase(step.rule_zh);
    span.append(el('br'), el('small', { class: 'tl-rule-en', lang: 'en' }, sentenceCase(step.rule)));
    return span;
  }
  const attrs = { class: 'tl-rule-text' };
  if (locale() === 'zh-CN') attrs.lang = 'en';
  return el('span', attrs, sentenceCase(step.rule));
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/* Icon paths on a 16×16 grid (drawn with currentColor, so they follow the theme). */
const ICONS = {
  first: 'M3 3h2v10H3zM13 3v10L6 8z',
  prev: 'M12 3v10L5 8z',
  next: 'M4 3v10l7-5z',
  last: 'M11 3h2v10h-2zM3 3v10l7-5z',
};

function icon(name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', 'tl-icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', ICONS[name]);
  svg.append(p);
  return svg;
}

function button(cls, label, iconName) {
  const b = el('button', { type: 'button', class: cls, title: label, 'aria-label': label });
  if (iconName) b.append(icon(iconName));
  else b.textContent = label;
  return b;
}

/** The mark of a ladder step: its arrow, clock, cross or dot. */
/** The state and endpoint names of a ladder frame, in its scroll coordinates. */
function frameNames(frame) {
  const fr = frame.getBoundingClientRect();
  const dx = frame.scrollLeft - fr.left - frame.clientLeft;
  const dy = frame.scrollTop - fr.top - frame.clientTop;
  return Array.from(frame.querySelectorAll('.tl-state-label, .tl-endpoint'), (el) => {
    const r = el.getBoundingClientRect();
    return { el, left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy };
  });
}

/** Whether the frame, scrolled to (x, y), cuts the name in two. */
function cutsName(frame, n, x, y) {
  const w = frame.clientWidth;
  const h = frame.clientHeight;
  const across = (a, b, e) => a < e - 0.5 && b > e + 0.5;
  return across(n.left, n.right, x) || across(n.left, n.right, x + w) ||
    across(n.top, n.bottom, y) || across(n.top, n.bottom, y + h);
}

/** Hides (tl-cut) the names of a ladder frame that its edges cut in two at its scroll
 * position: a name is shown whole or not at all. */
export function hideCutNames(frame) {
  for (const n of frameNames(frame)) {
    n.el.classList.toggle('tl-cut', !!n.el.getClientRects().length && cutsName(frame, n, frame.scrollLeft, frame.scrollTop));
  }
}

/** A frame scrolled sideways: moves it to the nearest position whose side edges cut no
 * state or endpoint name, if one keeps the content span lo..hi (the current step, in the
 * frame's scroll coordinates) in view; then hides the names still cut. */
function uncutStateNames(frame, lo, hi) {
  const names = frameNames(frame);
  const w = frame.clientWidth;
  const max = frame.scrollWidth - w;
  const y = frame.scrollTop;
  const ok = (x) => x >= 0 && x <= max && lo >= x - 0.5 && hi <= x + w + 0.5;
  const cuts = (x) => names.some((n) => cutsName(frame, { ...n, top: y + 1, bottom: y + 2 }, x, y));
  const x0 = frame.scrollLeft;
  if (cuts(x0)) {
    const cand = [0, max];
    for (const n of names) cand.push(n.left, n.right, n.left - w, n.right - w);
    let best = null;
    for (const c of cand) {
      const x = Math.round(c);
      if (ok(x) && !cuts(x) && (best === null || Math.abs(x - x0) < Math.abs(best - x0))) best = x;
    }
    if (best !== null) frame.scrollLeft = best;
  }
  hideCutNames(frame);
}

export function stepShape(node) {
  return ['.tl-segment line', '.tl-clock', '.tl-cross', '.tl-call-dot', '.tl-arrival'].map((q) => node.querySelector(q)).find(Boolean) || node;
}

/** The screen box of a ladder step's mark and labels: its time stamp (at the left edge) and
 * the RTO bracket (reaching back to an earlier send) left out. */
export function stepBox(node) {
  let box = null;
  for (const c of node.children) {
    if (c.matches('.tl-time, .tl-rto') || !c.getClientRects().length) continue;
    const r = c.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    box = box ? { left: Math.min(box.left, r.left), right: Math.max(box.right, r.right), top: Math.min(box.top, r.top), bottom: Math.max(box.bottom, r.bottom) }
      : { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }
  return box || stepShape(node).getBoundingClientRect();
}

class Player {
  constructor(figure, trace) {
    this.figure = figure;
    this.steps = Array.isArray(trace.steps) ? trace.steps : [];
    this.n = this.steps.length;
    this.k = -1;
    this.timer = null;
    figure.tlPlayer = this; // for predict.js (the playground's predict mode)
    this.initial = this.initialStates();
    this.states = this.computeStates();
    this.build();
    this.bind();
    this.go(0);
    this.revealState();
  }

  /** Each side's state before step 1: its first step's state_before, else CLOSED. */
  initialStates() {
    const init = { client: 'CLOSED', server: 'CLOSED' };
    for (const ep of ENDPOINTS) {
      const first = this.steps.find((s) => s.endpoint === ep && s.state_before);
      if (first) init[ep] = first.state_before;
    }
    return init;
  }

  /** states[k] = {client, server} after step k (k = 0 … n); the tcb member wins if present. */
  computeStates() {
    const out = [{ ...this.initial }];
    let cur = { ...this.initial };
    this.steps.forEach((s) => {
      cur = { ...cur };
      if (ENDPOINTS.includes(s.endpoint) && s.state_after) cur[s.endpoint] = s.state_after;
      if (s.tcb) {
        for (const ep of ENDPOINTS) if (s.tcb[ep] && s.tcb[ep].state) cur[ep] = s.tcb[ep].state;
      }
      out.push(cur);
    });
    return out;
  }

  build() {
    const L = t();
    const id = this.figure.id;
    let host = id ? document.querySelector(`.tl-player[data-for="${CSS.escape(id)}"]`) : null;
    if (!host) host = this.figure.querySelector('.tl-player');
    if (!host) {
      host = el('div', { class: 'tl-player' });
      this.figure.append(host);
    }
    host.replaceChildren();
    host.setAttribute('role', 'group');
    host.setAttribute('aria-label', L.player);
    this.host = host;

    const controls = el('div', { class: 'tl-controls' });
    this.bFirst = button('tl-first', L.first, 'first');
    this.bPrev = button('tl-prev', L.prev, 'prev');
    this.bNext = button('tl-next', L.next, 'next');
    this.bLast = button('tl-last', L.last, 'last');
    this.bPlay = button('tl-play', L.play);
    this.bPlay.setAttribute('aria-pressed', 'false');
    this.pos = el('output', { class: 'tl-pos' });
    controls.append(this.bFirst, this.bPrev, this.pos, this.bNext, this.bLast, this.bPlay,
      el('span', { class: 'tl-keys' }, L.keysHint));

    const V = viewLabels();
    const views = el('div', { class: 'tl-views', role: 'group', 'aria-label': V.views });
    this.viewButtons = {};
    for (const v of VIEWS) {
      const b = el('button', { type: 'button', class: `tl-view tl-view-${v}`, 'data-view': v, 'aria-pressed': 'false' }, V[v]);
      this.viewButtons[v] = b;
      views.append(b);
    }

    // focusable: on a phone a long rule scrolls inside its few lines
    this.rule = el('p', { class: 'tl-rule', 'aria-live': 'polite', tabindex: '0' });

    const table = el('table', { class: 'tl-tcb' });
    table.append(el('caption', {}, L.tcb));
    const head = el('tr');
    head.append(el('th', { scope: 'col' }, L.variable), el('th', { scope: 'col' }, L.client),
      el('th', { scope: 'col' }, L.server));
    const thead = el('thead');
    thead.append(head);
    table.append(thead);
    const body = el('tbody');
    this.cells = {};
    for (const [key, label] of TCB_ROWS) {
      const tr = el('tr', { 'data-var': key });
      tr.append(el('th', { scope: 'row' }, label || L.state));
      this.cells[key] = {};
      for (const ep of ENDPOINTS) {
        const td = el('td', { 'data-endpoint': ep });
        this.cells[key][ep] = td;
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(body);
    controls.insertBefore(views, controls.querySelector('.tl-keys'));
    host.append(controls, this.rule);
    // The player goes to the top of the figure (sticky there), the TCB table to a panel of
    // its own after the state diagram.
    const cap = this.figure.querySelector(':scope > figcaption');
    if (cap) cap.after(host);
    else this.figure.prepend(host);
    // The state diagram and the variables share one column (.tl-side) beside the ladder.
    this.ladderFrame = this.figure.querySelector(':scope > .tl-ladder');
    this.diagram = this.figure.querySelector('.tl-diagram');
    let side = this.figure.querySelector(':scope > .tl-side');
    if (!side) {
      side = el('div', { class: 'tl-side' });
      if (this.ladderFrame) this.ladderFrame.after(side);
      else host.after(side);
    }
    if (this.diagram) side.append(this.diagram);
    const vars = el('div', { class: 'tl-vars' });
    vars.append(table);
    side.append(vars);
    // Frames that scroll are reachable from the keyboard, with a name (WCAG 2.1.1).
    const frames = [[this.ladderFrame, V.ladderFrame], [this.diagram, V.diagramFrame], [vars, V.varsFrame]];
    const title = cap ? cap.textContent.trim() : '';
    for (const [frame, label] of frames) {
      if (!frame) continue;
      frame.setAttribute('tabindex', '0');
      frame.setAttribute('role', 'region');
      // unique per figure (a page has several): "Lost SYN: Sequence diagram (scrolls)"
      frame.setAttribute('aria-label', title ? `${title}: ${label}` : label);
    }
    // A name the ladder frame's edge cuts in two is hidden while it is cut (manual scrolling too).
    if (this.ladderFrame) this.ladderFrame.addEventListener('scroll', () => hideCutNames(this.ladderFrame), { passive: true });
    if (this.diagram) {
      this.stateInfo = el('p', { class: 'tl-state-info', 'aria-live': 'polite' }, V.stateInfo);
      this.bZoom = el('button', { type: 'button', class: 'tl-zoom', 'aria-pressed': 'false' }, V.enlarge);
      const bar = el('div', { class: 'tl-diagram-bar' });
      bar.append(this.stateInfo, this.bZoom);
      this.diagram.after(bar);
      // Its states take the focus, so the drawing is a group of them rather than one image.
      for (const svg of this.diagram.querySelectorAll('svg[role="img"]')) svg.setAttribute('role', 'group');
      for (const g of this.diagram.querySelectorAll('.tl-state[data-state]')) {
        g.setAttribute('tabindex', '0');
        g.setAttribute('role', 'button');
        g.setAttribute('aria-label', g.getAttribute('data-state'));
      }
    }
    // The legend goes below the diagrams: the ladder starts right under the player.
    const legend = this.figure.querySelector(':scope > .tl-legend');
    if (legend) side.after(legend);
    // A figure written as ```scenario large starts with its state diagram large: in the
    // wide column on a wide screen, the first view on a phone.
    const large = this.bZoom && this.figure.getAttribute('data-diagram') === 'large';
    if (large) this.setLarge(true);
    const phone = typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 30rem)').matches;
    this.setView(large && phone ? 'states' : 'ladder');
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.measure()).observe(host);

    // Tag ladder steps and table rows with their endpoint (colours per side in the CSS).
    for (const node of this.figure.querySelectorAll('.tl-step[data-step], table.tl-steps tr[data-step]')) {
      const s = this.steps[parseInt(node.getAttribute('data-step'), 10) - 1];
      if (s && ENDPOINTS.includes(s.endpoint)) node.classList.add(`tl-ep-${s.endpoint}`);
    }
    if (!this.figure.hasAttribute('tabindex')) this.figure.setAttribute('tabindex', '0');
    this.figure.setAttribute('aria-keyshortcuts', 'ArrowLeft ArrowRight Home End');
    this.figure.classList.add('tl-js');
  }

  bind() {
    const act = (b, f) => b.addEventListener('click', () => {
      if (b.getAttribute('aria-disabled') === 'true') return;
      this.stop();
      f();
    });
    act(this.bFirst, () => this.go(0));
    act(this.bPrev, () => this.go(this.k - 1));
    act(this.bNext, () => this.go(this.k + 1));
    act(this.bLast, () => this.go(this.n));
    for (const v of VIEWS) this.viewButtons[v].addEventListener('click', () => this.setView(v));
    if (this.bZoom) this.bZoom.addEventListener('click', () => this.setLarge(this.figure.getAttribute('data-diagram') !== 'large'));
    if (this.diagram) {
      const show = (ev) => {
        const g = ev.target instanceof Element ? ev.target.closest('.tl-state[data-state]') : null;
        if (g) this.showState(g);
      };
      this.diagram.addEventListener('click', show);
      this.diagram.addEventListener('focusin', show);
      this.diagram.addEventListener('keydown', (ev) => {
        if ((ev.key === 'Enter' || ev.key === ' ') && ev.target instanceof Element && ev.target.closest('.tl-state[data-state]')) {
          ev.preventDefault();
          ev.stopPropagation();
          this.showState(ev.target.closest('.tl-state[data-state]'));
        }
      });
    }
    this.bPlay.addEventListener('click', () => (this.timer ? this.stop() : this.play()));

    this.figure.addEventListener('keydown', (ev) => {
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      const tag = ev.target && ev.target.tagName;
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
      let to = null;
      if (ev.key === 'ArrowRight') to = this.k + 1;
      else if (ev.key === 'ArrowLeft') to = this.k - 1;
      else if (ev.key === 'Home') to = 0;
      else if (ev.key === 'End') to = this.n;
      if (to === null) return;
      ev.preventDefault();
      this.stop();
      this.go(to);
    });

    // A click on a ladder step or a table row jumps there.
    this.figure.addEventListener('click', (ev) => {
      const target = ev.target instanceof Element ? ev.target : null;
      if (!target || target.closest('.tl-player')) return;
      const hit = target.closest('.tl-step[data-step], table.tl-steps tr[data-step]');
      if (!hit) return;
      const k = parseInt(hit.getAttribute('data-step'), 10);
      if (Number.isInteger(k)) {
        this.stop();
        this.go(k);
        // Keep the arrow keys working from here on.
        if (!this.figure.contains(document.activeElement)) this.figure.focus({ preventScroll: true });
      }
    });
  }

  /** Where the state diagram scrolls (phones), the client's current state in view. */
  revealState() {
    this.revealedState = null;
    const d = this.diagram;
    if (!d || d.scrollWidth <= d.clientWidth + 1 && d.scrollHeight <= d.clientHeight + 1) return;
    const step = this.k > 0 ? this.steps[this.k - 1] : null;
    const mover = step && step.endpoint === 'server' ? 'server' : 'client';
    const other = mover === 'server' ? 'client' : 'server';
    const edge = d.querySelector('.tl-edge.tl-current');
    // CLOSED is drawn twice: the copy at the end of the edge just taken, else the first.
    const near = (list) => {
      const all = Array.from(list).filter((n) => n.getClientRects().length);
      if (all.length < 2 || !edge) return all[0] || null;
      const e = edge.getBoundingClientRect();
      const dist = (n) => {
        const r = n.getBoundingClientRect();
        return Math.hypot((r.left + r.right - e.left - e.right) / 2, (r.top + r.bottom - e.top - e.bottom) / 2);
      };
      return all.reduce((a, b) => (dist(b) < dist(a) ? b : a));
    };
    const nodes = [near(d.querySelectorAll(`.tl-state.tl-current-${mover}`)), edge,
      near(d.querySelectorAll(`.tl-state.tl-current-${other}`))].filter((n) => n && n.getClientRects().length);
    if (!nodes.length) return;
    this.revealedState = nodes[0].matches('.tl-state') ? nodes[0] : null;
    const fr = d.getBoundingClientRect();
    // The moving side's state first; the edge just taken and the other side's state too, if
    // all of them fit in the frame.
    let r = nodes[0].getBoundingClientRect();
    for (const n of nodes.slice(1)) {
      const q = n.getBoundingClientRect();
      const u = { left: Math.min(r.left, q.left), right: Math.max(r.right, q.right), top: Math.min(r.top, q.top), bottom: Math.max(r.bottom, q.bottom) };
      if (u.right - u.left <= d.clientWidth - 16 && u.bottom - u.top <= d.clientHeight - 16) r = u;
    }
    d.scrollLeft += (r.left + r.right) / 2 - (fr.left + fr.right) / 2;
    d.scrollTop += (r.top + r.bottom) / 2 - (fr.top + fr.bottom) / 2;
  }

  /** The player's height, which the ladder frame's max-height leaves room for. */
  measure() {
    const h = `${Math.ceil(this.host.getBoundingClientRect().height)}px`;
    if (this.figure.style.getPropertyValue('--tl-player-h') !== h) this.figure.style.setProperty('--tl-player-h', h);
  }

  /** The state diagram large (the wide column, the ladder beside it) or in the side column. */
  setLarge(on) {
    const V = viewLabels();
    if (on) this.figure.setAttribute('data-diagram', 'large');
    else this.figure.removeAttribute('data-diagram');
    this.bZoom.setAttribute('aria-pressed', on ? 'true' : 'false');
    this.bZoom.textContent = on ? V.shrink : V.enlarge;
    this.reveal(); // the layout changed: the current arrow and state back into view
  }

  /** Narrow screens show one of the ladder, the state diagram and the variables at a time. */
  setView(v) {
    this.figure.setAttribute('data-view', v);
    for (const w of VIEWS) this.viewButtons[w].setAttribute('aria-pressed', w === v ? 'true' : 'false');
    this.reveal();
  }

  /** Writes the description of a state (the <title> of its group) under the diagram. */
  showState(g) {
    const title = g.querySelector('title');
    const name = g.getAttribute('data-state');
    this.stateInfo.replaceChildren(el('strong', {}, name), ` — ${title ? title.textContent : ''}`);
    for (const o of this.diagram.querySelectorAll('.tl-state.tl-selected')) o.classList.remove('tl-selected');
    g.classList.add('tl-selected');
  }

  /**
   * Keeps the current step's arrow in view: first inside the ladder's own scrolling frame
   * (vertically and, on a phone where the ladder is wider than the screen, horizontally),
   * then on the page, below the sticky player.
   */
  reveal() {
    this.measure(); // the rule line just changed: the frame's height follows the player's
    this.revealState();
    const frame = this.ladderFrame;
    if (frame && !frame.getClientRects().length && this.diagram && this.diagram.getClientRects().length) {
      // A phone showing the state diagram: the current state on the page, below the player.
      const cur = this.revealedState || this.diagram.querySelector(`.tl-state.tl-current-${this.mover()}`);
      if (cur) this.pageReveal(cur);
      return;
    }
    if (!frame) return;
    if (this.k <= 0) { hideCutNames(frame); return; }
    const node = frame.querySelector(`.tl-step[data-step="${this.k}"]`);
    if (!node || !node.getClientRects().length) return;
    const shape = stepShape(node);
    const sr = shape.getBoundingClientRect();
    const fr = frame.getBoundingClientRect();
    const pad = 16;
    // The whole step (its arrow and its labels) when it fits in the frame, else its arrow.
    const box = stepBox(node);
    const fitsV = box.bottom - box.top <= frame.clientHeight - 2 * pad;
    const fitsH = box.right - box.left <= frame.clientWidth - 2 * pad;
    const v = fitsV ? box : sr;
    const h = fitsH ? box : sr;
    if (v.top < fr.top + pad) frame.scrollTop -= fr.top + pad - v.top;
    else if (v.bottom > fr.bottom - pad) frame.scrollTop += v.bottom - fr.bottom + pad;
    if (frame.scrollWidth > frame.clientWidth + 1) {
      const sl = frame.scrollLeft - fr.left - frame.clientLeft; // viewport x → content x
      if (h.left < fr.left + pad) frame.scrollLeft -= fr.left + pad - h.left;
      else if (h.right > fr.left + frame.clientWidth - pad) frame.scrollLeft += h.right - (fr.left + frame.clientWidth - pad);
      uncutStateNames(frame, h.left + sl, h.right + sl);
    }
    hideCutNames(frame);
    this.pageReveal(shape);
  }

  /** The side whose step is the current one ('client' before step 1). */
  mover() {
    const step = this.k > 0 ? this.steps[this.k - 1] : null;
    return step && step.endpoint === 'server' ? 'server' : 'client';
  }

  /** Scrolls the page as little as needed to show `node` between the sticky player and the
   * bottom of the window. */
  pageReveal(node) {
    // A few rounds: the player only sticks once the page has scrolled it to the top.
    for (let i = 0; i < 3; i++) {
      const r2 = node.getBoundingClientRect();
      const margin = Math.min(48, window.innerHeight / 10);
      const top = this.host.getBoundingClientRect().bottom + margin;
      const bottom = window.innerHeight - margin;
      let d = 0;
      if (r2.top < top) d = r2.top - top;
      // down, but never so far that the node's top goes under the player stuck at the top
      else if (r2.bottom > bottom) d = Math.max(0, Math.min(r2.bottom - bottom, r2.top - this.host.offsetHeight - margin));
      if (Math.abs(d) < 1) return;
      const y = window.scrollY;
      window.scrollBy(0, d);
      if (window.scrollY === y) return;
    }
  }

  play() {
    const L = t();
    if (this.k >= this.n) this.go(0);
    this.bPlay.setAttribute('aria-pressed', 'true');
    this.bPlay.textContent = L.pause;
    this.bPlay.setAttribute('aria-label', L.pause);
    this.bPlay.title = L.pause;
    this.timer = setInterval(() => {
      if (this.k >= this.n) this.stop();
      else this.go(this.k + 1);
    }, AUTOPLAY_MS);
  }

  stop() {
    if (!this.timer) return;
    const L = t();
    clearInterval(this.timer);
    this.timer = null;
    this.bPlay.setAttribute('aria-pressed', 'false');
    this.bPlay.textContent = L.play;
    this.bPlay.setAttribute('aria-label', L.play);
    this.bPlay.title = L.play;
  }

  go(k) {
    k = Math.max(0, Math.min(this.n, k));
    if (k === this.k) return;
    const prev = this.k;
    this.k = k;
    const L = t();
    const f = this.figure;

    // Ladder groups and table rows.
    for (const node of f.querySelectorAll('.tl-step[data-step], table.tl-steps tr[data-step]')) {
      const s = parseInt(node.getAttribute('data-step'), 10);
      node.classList.toggle('tl-current', s === k);
      node.classList.toggle('tl-past', k > 0 && s < k);
      node.classList.toggle('tl-future', k > 0 && s > k);
      if (s === k) node.setAttribute('aria-current', 'step');
      else node.removeAttribute('aria-current');
    }

    // State diagram.
    const st = this.states[k];
    for (const node of f.querySelectorAll('.tl-state.tl-current-client, .tl-state.tl-current-server, .tl-edge.tl-current, .tl-edge-text.tl-current')) {
      node.classList.remove('tl-current-client', 'tl-current-server', 'tl-current', 'tl-by-client', 'tl-by-server');
    }
    for (const ep of ENDPOINTS) {
      for (const node of f.querySelectorAll(`.tl-state[data-state="${CSS.escape(st[ep])}"]`)) {
        node.classList.add(`tl-current-${ep}`);
      }
    }
    const step = k > 0 ? this.steps[k - 1] : null;
    if (step && step.state_before && step.state_after && step.state_before !== step.state_after) {
      // the edge's line and its label (a group of its own, drawn above every line)
      const ends = `[data-from="${CSS.escape(step.state_before)}"][data-to="${CSS.escape(step.state_after)}"]`;
      const sel = `.tl-edge${ends}, .tl-edge-text${ends}`;
      for (const node of f.querySelectorAll(sel)) node.classList.add('tl-current', `tl-by-${step.endpoint === 'server' ? 'server' : 'client'}`);
    }

    f.setAttribute('data-current-step', String(k));
    f.setAttribute('data-client-state', st.client);
    f.setAttribute('data-server-state', st.server);

    // Position, rule line, buttons.
    this.pos.textContent = L.pos(k, this.n);
    this.rule.replaceChildren();
    if (!step) {
      this.rule.append(el('span', { class: 'tl-event' }, L.start));
    } else {
      this.rule.append(el('span', { class: 'tl-time' }, L.at(step.t_ms)), ' ',
        el('span', { class: 'tl-event' }, describeStep(step)));
      if (step.rule) this.rule.append(ruleText(step));
      if (step.error) this.rule.append(el('span', { class: 'tl-error' }, `${L.error}: ${step.error}`));
      if (step.signal) this.rule.append(el('span', { class: 'tl-signal' }, `${L.signal}: ${step.signal}`));
      if (step.queues && typeof step.queues === 'object') {
        this.rule.append(el('span', { class: 'tl-queues' }, queueLabels().queues(step.queues)));
      }
    }
    const atStart = k === 0;
    const atEnd = k === this.n;
    for (const [b, off] of [[this.bFirst, atStart], [this.bPrev, atStart], [this.bNext, atEnd], [this.bLast, atEnd]]) {
      b.setAttribute('aria-disabled', off ? 'true' : 'false');
    }

    this.renderTcb(k, prev);
    if (prev >= 0) this.reveal();
  }

  tcbAt(k) {
    if (k <= 0) return null;
    const s = this.steps[k - 1];
    return s && s.tcb ? s.tcb : null;
  }

  renderTcb(k, prev) {
    const L = t();
    const now = this.tcbAt(k);
    const st = this.states[k];
    for (const [key] of TCB_ROWS) {
      for (const ep of ENDPOINTS) {
        const td = this.cells[key][ep];
        let v;
        if (key === 'state') {
          v = st[ep];
        } else if (!now || !now[ep]) {
          v = L.noTcb;
        } else {
          const state = now[ep].state || st[ep];
          // No TCB in CLOSED; no ISS/IRS chosen yet in LISTEN; no IRS/RCV.NXT before a SYN
          // arrives in SYN-SENT (RFC 9293 §3.3.1, §3.10.7.3).
          const unset = state === 'CLOSED' || state === 'LISTEN' ||
            (state === 'SYN-SENT' && (key === 'irs' || key === 'rcv_nxt'));
          v = unset || now[ep][key] === undefined ? L.noTcb : String(now[ep][key]);
        }
        const old = td.textContent;
        td.textContent = v;
        // Highlight what this step changed (only when stepping forward by one).
        td.classList.toggle('tl-changed', prev >= 0 && k === prev + 1 && old !== v);
      }
    }
  }
}

/** Sets up every scenario figure on the page. Returns the players (for debugging). */
export function initPlayers(root = document) {
  const players = [];
  for (const figure of root.querySelectorAll('figure.tl-scenario')) {
    const script = figure.querySelector('script.tl-trace[type="application/json"]');
    if (!script || figure.tlPlayer) continue;
    let trace;
    try {
      trace = JSON.parse(script.textContent);
    } catch (e) {
      console.error(`tcplab: figure #${figure.id}: the embedded trace is not JSON: ${e.message}`);
      continue;
    }
    players.push(new Player(figure, trace));
  }
  return players;
}
