/*
 * app.js — the one script every TCP Lab page loads (<script type="module">).
 *
 * Owns: starting the page's interactive parts once the DOM is ready, loading each part's
 * module only when the page has its elements (keeps the page weight down): scenario players
 * (player.js), quiz questions (quiz.js), the playground form and share links (playground.js),
 * the sign-in form and sign-out buttons (login.js), the lesson editor (editor.js) and its
 * "which copy is the source" line (editor-files.js).
 * Does not: do anything on a page without those elements; the language switch is a plain
 * server-rendered link and needs no script. No third-party code, no eval, no inline script.
 */
const PARTS = [
  ['figure.tl-scenario', './player.js', 'initPlayers'],
  ['form.tl-question', './quiz.js', 'initQuizzes'],
  ['form.tl-playground, a.tl-share', './playground.js', 'initPlayground'],
  ['form.tl-login-form, button.tl-logout', './login.js', 'initLogin'],
  ['section.tl-editor', './editor.js', 'initEditor'],
  ['p.tl-editor-files', './editor-files.js', 'initEditorFiles'],
];

async function start() {
  document.documentElement.classList.add('tl-has-js');
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
