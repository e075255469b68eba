/*
 * app.js — the one script every TCP Lab page loads (<script type="module">).
 *
 * Owns: starting the page's interactive parts once the DOM is ready, loading each part's
 * module only when the page has its elements (keeps the page weight down): scenario players
 * (player.js) and their "Download for Wireshark" links (capture_link.js), quiz questions (quiz.js), the playground form and share links (playground.js),
 * the sign-in form and sign-out buttons (login.js), the lesson editor (editor.js), the
 * header's Sign in / Sign out and a student's progress (progress.js), the class page
 * (class.js), the sign-in-link page (signin.js) and the editor's "which copy is the source"
 * line (editor-files.js) and the "Your capture" page (capture.js).
 * Does not: do anything on a page without those elements; the language switch is a plain
 * server-rendered link and needs no script. No third-party code, no eval, no inline script.
 */
const PARTS = [
  ['figure.tl-scenario', './player.js', 'initPlayers'],
  ['figure.tl-scenario', './capture_link.js', 'initCaptureLinks'],
  ['form.tl-question', './quiz.js', 'initQuizzes'],
  ['form.tl-playground, a.tl-share', './playground.js', 'initPlayground'],
  ['form.tl-login-form, button.tl-logout', './login.js', 'initLogin'],
  ['section.tl-editor', './editor.js', 'initEditor'],
  ['.tl-account', './progress.js', 'initProgress'],
  ['section.tl-class', './class.js', 'initClass'],
  ['section.tl-signin', './signin.js', 'initSignin'],
  ['p.tl-editor-files', './editor-files.js', 'initEditorFiles'],
  ['section.tl-capture', './capture.js', 'initCapture'],
];

/** Each table of a lesson's text in a frame that scrolls sideways on a narrow screen and
 * takes the keyboard focus (with a name), so that its hidden columns need no mouse. */
function frameTables(root) {
  const zh = document.documentElement.lang === 'zh-CN';
  const used = new Set();
  let n = 0;
  for (const table of root.querySelectorAll('.tl-lesson-body > table, main > table')) {
    n++;
    const frame = document.createElement('div');
    frame.className = 'tl-table-frame';
    frame.setAttribute('tabindex', '0');
    frame.setAttribute('role', 'region');
    const cap = table.querySelector('caption');
    const head = cap || table.querySelector('th');
    const what = head ? head.textContent.trim().slice(0, 60) : '';
    let label = zh ? `表格${what ? `：${what}` : ''}（可滚动）` : `Table${what ? `: ${what}` : ''} (scrolls)`;
    if (used.has(label)) label = zh ? `表格 ${n}${what ? `：${what}` : ''}（可滚动）` : `Table ${n}${what ? `: ${what}` : ''} (scrolls)`;
    used.add(label);
    frame.setAttribute('aria-label', label);
    table.before(frame);
    frame.append(table);
  }
}

async function start() {
  document.documentElement.classList.add('tl-has-js');
  frameTables(document);
  await Promise.all(PARTS.map(async ([selector, module, init]) => {
    if (!document.querySelector(selector)) return;
    try {
      const m = await import(module);
      m[init](document);
    } catch (e) {
      console.error(`tcplab: ${module} failed to start: ${e && e.message}`);
    }
  }));
  document.documentElement.setAttribute('data-tl-ready', '1');
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
