/*
 * capture.js — the "Your capture" page (/capture, server/web/pages_capture.c).
 *
 * Owns: sending the chosen file as it is to POST /capture/figure (the same analysis as
 * POST /api/v1/captures, answered as the server-rendered summary, connection chooser,
 * observations and figure), putting that HTML in place, starting its player (player.js),
 * asking again when another connection is chosen, and saying in the status line what is
 * happening or what went wrong (the problem's detail names the packet); "Save and share"
 * (POST /api/v1/captures?save=true, then the link to /capture/{id} with a copy button);
 * on a saved capture's page (/capture/{id}), choosing another connection loads that
 * page's answer for it and puts it in place.
 * Does not: read the file's bytes (the browser sends the File itself), or draw anything.
 */
import { csrfToken } from './net.js';
import { initPlayers } from './player.js';

const TEXT = {
  en: { busy: 'Analysing…', done: (n) => `${n} connection${n === 1 ? '' : 's'} found.`, failed: 'The capture could not be analysed', choose: 'Choose a capture file first.', saving: 'Saving…', saved: 'Saved: anyone with the link below sees this analysis.', saveFailed: 'The capture could not be saved', copy: 'Copy link', copied: 'Link copied.' },
  'zh-CN': { busy: '正在分析……', done: (n) => `找到 ${n} 个连接。`, failed: '无法分析这个抓包文件', choose: '请先选择一个抓包文件。', saving: '正在保存……', saved: '已保存：任何人打开下面的链接都能看到这份分析。', saveFailed: '无法保存这个抓包', copy: '复制链接', copied: '链接已复制。' },
};

/** Writes `text` into the status line; `bad` marks a failure (shown in the error colour). */
function say(status, text, bad) {
  status.textContent = text;
  status.classList.toggle('tl-bad', !!bad);
}

function mediaType(file) {
  return /\.pcapng$/i.test(file.name) ? 'application/x-pcapng' : 'application/vnd.tcpdump.pcap';
}

async function problemDetail(r) {
  try {
    const p = await r.json();
    if (p && p.detail) return p.detail;
  } catch { /* not problem+json */ }
  return `HTTP ${r.status}`;
}

/** A saved capture's page: another connection is that page's answer for it. */
function initSaved(section, id, L) {
  const status = section.querySelector('.tl-capture-status');
  const result = section.querySelector('.tl-capture-result');
  function wire() {
    const select = result.querySelector('select.tl-capture-conn');
    if (select) select.addEventListener('change', () => show(select.value));
  }
  async function show(connection) {
    say(status, L.busy, false);
    section.setAttribute('aria-busy', 'true');
    const q = new URLSearchParams({ connection });
    try {
      const r = await fetch(`/capture/${encodeURIComponent(id)}?${q}`, { headers: { Accept: 'text/html' } });
      if (!r.ok) {
        say(status, `${L.failed}: ${await problemDetail(r)}`, true);
        return;
      }
      const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
      const fresh = doc.querySelector('section.tl-capture .tl-capture-result');
      if (!fresh) return;
      result.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
      window.history.replaceState(null, '', `/capture/${encodeURIComponent(id)}?${q}`);
      const select = result.querySelector('select.tl-capture-conn');
      say(status, L.done(select ? select.options.length : 0), false);
      wire();
      initPlayers(result);
    } catch (e) {
      say(status, `${L.failed}: ${e && e.message}`, true);
    } finally {
      section.removeAttribute('aria-busy');
    }
  }
  wire();
}

export function initCapture(root = document) {
  const section = root.querySelector('section.tl-capture');
  if (!section) return;
  const L0 = TEXT[document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en'];
  const savedId = section.getAttribute('data-capture-id');
  if (savedId) {
    initSaved(section, savedId, L0);
    return;
  }
  const form = section.querySelector('form.tl-capture-form');
  const input = form.querySelector('input[type="file"]');
  const status = section.querySelector('.tl-capture-status');
  const result = section.querySelector('.tl-capture-result');
  const lang = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en';
  const L = TEXT[lang];
  const saveBox = section.querySelector('.tl-capture-save');
  const saveButton = saveBox && saveBox.querySelector('button.tl-capture-save-button');
  const shareLine = saveBox && saveBox.querySelector('.tl-share-line');
  const share = shareLine && shareLine.querySelector('a.tl-share');
  let current = null; // the connection shown

  async function analyse(connection) {
    const file = input.files && input.files[0];
    if (!file) {
      say(status, L.choose, false);
      return;
    }
    say(status, L.busy, false);
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
        say(status, `${L.failed}: ${await problemDetail(r)}`, true);
        result.replaceChildren();
        if (saveBox) saveBox.hidden = true;
        return;
      }
      result.innerHTML = await r.text(); // server-rendered, escaped HTML of our own origin
      const select = result.querySelector('select.tl-capture-conn');
      say(status, L.done(select ? select.options.length : 0), false);
      if (select) select.addEventListener('change', () => analyse(select.value));
      current = connection;
      if (saveBox) {
        saveBox.hidden = false;
        if (shareLine && shareLine.dataset.file !== file.name + file.size) shareLine.hidden = true;
      }
      initPlayers(result);
    } catch (e) {
      say(status, `${L.failed}: ${e && e.message}`, true);
    } finally {
      section.removeAttribute('aria-busy');
    }
  }

  async function save() {
    const file = input.files && input.files[0];
    if (!file || !share) return;
    say(status, L.saving, false);
    const headers = { 'Content-Type': mediaType(file), Accept: 'application/json' };
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
    try {
      const r = await fetch(`/api/v1/captures?${new URLSearchParams({ save: 'true' })}`, {
        method: 'POST', headers, body: file, credentials: 'same-origin',
      });
      if (r.status !== 201) {
        say(status, `${L.saveFailed}: ${await problemDetail(r)}`, true);
        return;
      }
      const b = await r.json();
      const url = new URL(b.url, window.location.origin);
      if (current && current !== '1') url.searchParams.set('connection', current);
      share.href = url.href;
      shareLine.dataset.file = file.name + file.size;
      shareLine.hidden = false;
      if (navigator.clipboard && !shareLine.querySelector('.tl-copy')) {
        const copy = document.createElement('button');
        copy.type = 'button';
        copy.className = 'tl-copy tl-secondary';
        copy.textContent = L.copy;
        copy.addEventListener('click', async () => {
          try {
            await navigator.clipboard.writeText(share.href);
            say(status, L.copied, false);
          } catch {
            say(status, share.href, false);
          }
        });
        shareLine.append(' ', copy);
      }
      say(status, L.saved, false);
      share.focus();
    } catch (e) {
      say(status, `${L.saveFailed}: ${e && e.message}`, true);
    }
  }

  if (saveButton) saveButton.addEventListener('click', save);
  input.addEventListener('change', () => { if (saveBox) saveBox.hidden = true; });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    analyse(null);
  });
}
