/*
 * predict.js — predict mode for a scenario player (the playground's "Predict" switch).
 *
 * Owns: a panel in the player (div.tl-predict) that, while the mode is on, stops each single
 * step forward (Next, →, Play, a click on the following step) before it is shown and asks
 * which state the client and the server will be in after it; "Check my guess" marks each
 * guess right or wrong, counts them and then shows the step; "Just show it" shows it without
 * a guess. A step already guessed is not asked again; jumps (First, Last, a click further
 * on) are not stopped. While the mode is on, the ladder's steps and table rows after the
 * current one are hidden (class tl-unseen), since they would give the answer away.
 * Does not: draw or change the trace; it wraps the player's go() (player.js sets
 * figure.tlPlayer) and reads its steps and states.
 */
import { describeStep } from './player.js';
import { t } from './i18n.js';
import { pt } from './playground_strings.js';

const STATES = ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1',
  'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];
const ENDPOINTS = ['client', 'server'];
let uid = 0;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function setup(player) {
  const goPlayer = player.go.bind(player);
  const go = (k) => {
    goPlayer(k);
    st.veil();
  };
  const st = { on: false, done: new Set(), right: 0, total: 0, asking: 0 };
  const panel = el('div', { class: 'tl-predict', 'aria-live': 'polite' });
  panel.hidden = true;
  player.host.append(panel);

  const idle = (extra) => {
    const P = pt().p;
    st.asking = 0;
    const kids = [];
    if (extra) kids.push(extra);
    kids.push(el('p', { class: 'tl-predict-score' }, st.total ? P.score(st.right, st.total) : P.off));
    panel.replaceChildren(...kids);
  };

  const ask = (k) => {
    const P = pt().p;
    const L = t();
    st.asking = k;
    const step = player.steps[k - 1];
    const now = player.states[player.k] || {};
    const q = el('p', { class: 'tl-predict-q' });
    // The event, without the state change it causes (that is the question).
    q.append(el('strong', {}, P.question(k)), ' ', describeStep({ ...step, state_after: step.state_before }));
    const row = el('p', { class: 'tl-predict-row' });
    row.append(P.ask, ' ');
    const pick = {};
    for (const ep of ENDPOINTS) {
      const id = `tl-predict-${++uid}`;
      const s = el('select', { id, 'data-endpoint': ep });
      for (const name of STATES) s.append(el('option', { value: name }, name));
      s.value = now[ep] || 'CLOSED';
      pick[ep] = s;
      const span = el('span', { class: `tl-predict-pick tl-ep-${ep}` });
      span.append(el('label', { for: id }, L[ep]), ' ', s);
      row.append(span, ' ');
    }
    const check = el('button', { type: 'button', class: 'tl-predict-check' }, P.check);
    const skip = el('button', { type: 'button', class: 'tl-predict-skip tl-secondary' }, P.skip);
    check.addEventListener('click', () => {
      const truth = player.states[k];
      const verdict = el('ul', { class: 'tl-predict-verdict' });
      for (const ep of ENDPOINTS) {
        const ok = pick[ep].value === truth[ep];
        st.total += 1;
        if (ok) st.right += 1;
        verdict.append(el('li', { class: ok ? 'tl-ok' : 'tl-bad', 'data-endpoint': ep },
          `${L[ep]}: ${pick[ep].value} — ${ok ? `✓ ${P.right}` : `✗ ${P.wrong(truth[ep])}`}`));
      }
      st.done.add(k);
      idle(verdict);
      go(k);
      player.bNext.focus({ preventScroll: true });
    });
    skip.addEventListener('click', () => {
      st.done.add(k);
      idle();
      go(k);
      player.bNext.focus({ preventScroll: true });
    });
    panel.replaceChildren(q, row, el('p', { class: 'tl-predict-actions' }));
    panel.lastChild.append(check, ' ', skip);
    pick.client.focus({ preventScroll: true });
  };

  player.go = (k) => {
    if (st.on && k === player.k + 1 && k <= player.n && !st.done.has(k)) {
      player.stop();
      if (st.asking !== k) ask(k);
      return;
    }
    if (st.asking) idle();
    go(k);
  };
  // While predicting, the steps not yet shown are hidden (the ladder would give them away).
  st.veil = () => {
    for (const node of player.figure.querySelectorAll('.tl-step[data-step], table.tl-steps tr[data-step]')) {
      node.classList.toggle('tl-unseen', st.on && parseInt(node.getAttribute('data-step'), 10) > player.k);
    }
  };
  st.idle = idle;
  st.panel = panel;
  return st;
}

/** Turns predict mode on or off for a player (player.js's Player). */
export function attachPredict(player, on) {
  if (!player || !player.host) return;
  if (!player.tlPredict) player.tlPredict = setup(player);
  const st = player.tlPredict;
  st.on = Boolean(on);
  st.panel.hidden = !st.on;
  if (st.on) st.idle();
  st.veil();
  player.figure.classList.toggle('tl-predicting', st.on);
}
