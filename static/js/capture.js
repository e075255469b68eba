/*
 * capture.js — the "Your capture" page (/capture, server/web/pages_capture.c).
 *
 * Owns: sending the chosen file as it is to POST /capture/figure (the same analysis as
 * POST /api/v1/captures, answered as the server-rendered summary, connection chooser,
 * observations and figure), putting that HTML in place, starting its player (player.js),
 * asking again when another connection is chosen, and saying in the status line what is
 * happening or what went wrong (the problem's detail names the packet).
 * Does not: read the file's bytes (the browser sends the File itself), keep anything, or
 * draw anything.
 */
import { initPlayers } from './player.js';

const TEXT = {
  en: { busy: 'Analysing…', done: (n) => `${n} connection${n === 1 ? '' : 's'} found.`, failed: 'The capture could not be analysed', choose: 'Choose a capture file first.' },
  'zh-CN': { busy: '正在分析……', done: (n) => `找到 ${n} 个连接。`, failed: '无法分析这个抓包文件', choose: '请先选择一个抓包文件。' },
};

function mediaType(file) {
  return /\.pcapng$/i.test(file.name) ? 'application/x-pcapng' : 'application/vnd.tcpdump.pcap';
}

export function initCapture(root = document) {
  const section = root.querySelector('section.tl-capture');
  if (!section) return;
  const form = section.querySelector('form.tl-capture-form');
  const input = form.querySelector('input[type="file"]');
  const status = section.querySelector('.tl-capture-status');
  const result = section.querySelector('.tl-capture-result');
  const lang = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en';
  const L = TEXT[lang];

  async function analyse(connection) {
    const file = input.files && input.files[0];
    if (!file) {
      status.textContent = L.choose;
      return;
    }
    status.textContent = L.busy;
    section.setAttribute('aria-busy', 'true');
    const q = new URLSearchParams({ lang });
    if (connection) q.set('connection', connection);
    try {
      const r = await fetch(`/capture/figure?${q}`, {
        method: 'POST',
        headers: { 'Content-Type': mediaType(file) },
        body: file,
      });
      if (!r.ok) {
        let detail = `HTTP ${r.status}`;
        try {
          const p = await r.json();
          if (p && p.detail) detail = p.detail;
        } catch { /* not problem+json */ }
        status.textContent = `${L.failed}: ${detail}`;
        result.replaceChildren();
        return;
      }
      result.innerHTML = await r.text(); // server-rendered, escaped HTML of our own origin
      const select = result.querySelector('select.tl-capture-conn');
      status.textContent = L.done(select ? select.options.length : 0);
      if (select) select.addEventListener('change', () => analyse(select.value));
      initPlayers(result);
    } catch (e) {
      status.textContent = `${L.failed}: ${e && e.message}`;
    } finally {
      section.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    analyse(null);
  });
}
