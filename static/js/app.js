/*
 * app.js — the one script every TCP Lab page loads (<script type="module">).
 *
 * Owns: starting the page's interactive parts once the DOM is ready: scenario players
 * (player.js), quiz questions (quiz.js) and the playground form (playground.js).
 * Does not: do anything on a page without those elements; the language switch is a plain
 * server-rendered link and needs no script. No third-party code, no eval, no inline script.
 */
import { initPlayers } from './player.js';
import { initQuizzes } from './quiz.js';
import { initPlayground } from './playground.js';

function start() {
  document.documentElement.classList.add('tl-has-js');
  for (const [name, init] of [['player', initPlayers], ['quiz', initQuizzes], ['playground', initPlayground]]) {
    try {
      init(document);
    } catch (e) {
      console.error(`tcplab: ${name} failed to start: ${e && e.message}`);
    }
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
