/*
 * capture_link.js — the "Download for Wireshark" link under a scenario figure (docs/dom.md).
 *
 * Owns: one <p class="tl-capture-line"> right after each figure.tl-scenario, holding
 * .tl-capture (the trace as a pcap file: format=pcap on the simulation endpoints; a link, or
 * a button that looks like one when the file must be POSTed) and a
 * short note saying where the capture is taken; which endpoint the link uses: a saved
 * simulation (section[data-sim]) → GET /api/v1/simulations/ID?format=pcap; a scenario text
 * handed in by the playground → POST /api/v1/simulations?format=pcap on click, the answer
 * saved as a file; a built-in (figure[data-scenario]) → GET
 * /api/v1/simulations?scenario=NAME&format=pcap. Both languages.
 * Does not: build the capture (the server does, server/capture/pcap_write.c), or add a link
 * to a figure it cannot name (no built-in, no saved id, no scenario text).
 */
const TEXT = {
  en: {
    link: 'Download for Wireshark (.pcap)',
    note: 'Captured at each sender: a segment the network dropped still appears, at the time it was sent.',
    failed: (why) => `The capture could not be made: ${why}`,
  },
  'zh-CN': {
    link: '下载抓包文件，用 Wireshark 打开（.pcap）',
    note: '抓包位置在发送方：被网络丢弃的报文段仍会出现在文件里，时间是它被发出的时刻。',
    failed: (why) => `无法生成抓包文件：${why}`,
  },
};

function text() {
  return TEXT[document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en'];
}

function el(tag, attrs = {}, content) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (content !== undefined) e.textContent = content;
  return e;
}

/** The file name in a Content-Disposition header, or `fallback`. */
function dispositionName(header, fallback) {
  const m = /filename="([^"]+)"/.exec(header || '');
  return m ? m[1] : fallback;
}

/** POSTs `scenarioText` for its capture and hands the answer to the browser as a download. */
async function downloadPosted(scenarioText, status) {
  const T = text();
  status.textContent = '';
  try {
    const r = await fetch('/api/v1/simulations?format=pcap', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/vnd.tcpdump.pcap, application/problem+json' },
      body: scenarioText,
      credentials: 'same-origin',
    });
    if (!r.ok) {
      let why = `HTTP ${r.status}`;
      try { why = (await r.json()).detail || why; } catch { /* not JSON */ }
      status.textContent = T.failed(why);
      return;
    }
    const blob = await r.blob();
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: dispositionName(r.headers.get('Content-Disposition'), 'tcplab-simulation.pcap') });
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (e) {
    status.textContent = T.failed(e.message);
  }
}

/**
 * Adds the link under every figure.tl-scenario in `root` that has none yet.
 * opts.scenarioText: the scenario JSON the figure was drawn from (the playground's run);
 * without it the figure's saved id or built-in name is used.
 */
export function initCaptureLinks(root = document, opts = {}) {
  const T = text();
  for (const figure of root.querySelectorAll('figure.tl-scenario')) {
    if (figure.nextElementSibling && figure.nextElementSibling.classList.contains('tl-capture-line')) continue;
    const saved = figure.closest('[data-sim]');
    const simId = saved ? saved.getAttribute('data-sim') : '';
    const name = figure.getAttribute('data-scenario') || '';
    let href = null;
    let file = null;
    if (simId && !opts.scenarioText) {
      href = `/api/v1/simulations/${encodeURIComponent(simId)}?format=pcap`;
      file = `tcplab-${simId}.pcap`;
    } else if (!opts.scenarioText && name) {
      href = `/api/v1/simulations?scenario=${encodeURIComponent(name)}&format=pcap`;
      file = `tcplab-${name}.pcap`;
    } else if (!opts.scenarioText) {
      continue;
    }
    const line = el('p', { class: 'tl-capture-line' });
    const status = el('span', { class: 'tl-capture-status', role: 'status' });
    let a;
    if (href) {
      a = el('a', { class: 'tl-capture', href, download: file, type: 'application/vnd.tcpdump.pcap' }, T.link);
    } else {
      const scenarioText = opts.scenarioText;
      a = el('button', { type: 'button', class: 'tl-capture' }, T.link);
      a.addEventListener('click', () => downloadPosted(scenarioText, status));
    }
    line.append(a, ' ', el('span', { class: 'tl-capture-note' }, T.note), status);
    figure.after(line);
  }
}
