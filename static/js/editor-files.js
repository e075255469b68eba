/*
 * editor-files.js — the editor's "which copy is the source" line (p.tl-editor-files).
 *
 * Owns: filling the line from GET /api/v1/lessons/{slug}?locale=…'s `source` (the database
 * is always the source; the line says how the lesson file on the server relates to it)
 * whenever the editor has loaded a lesson (section.tl-editor's data-editor-state set to
 * "ready") or saved one (data-dirty back to "false"); the lesson is the one named in
 * ?slug=&locale= of the address, which editor.js keeps. Messages come from the server
 * (data-msg-STATE, with {file} and {when}; `a command` is shown as code).
 * Does not: change anything, or depend on editor.js beyond those documented hooks.
 * Test hook: the line gets data-state="STATE" once filled.
 */
import { request as call } from './net.js';

function fill(template, values) {
  return String(template || '').replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

async function refresh(line, locale) {
  const params = new URLSearchParams(window.location.search);
  const slug = params.get('slug');
  const lessonLocale = params.get('locale') === 'zh-CN' ? 'zh-CN' : 'en';
  if (!slug) return;
  let r;
  try {
    r = await call('GET', `/api/v1/lessons/${encodeURIComponent(slug)}?locale=${lessonLocale}`);
  } catch {
    return;
  }
  const src = r.ok && r.body && r.body.source;
  if (!src) return;
  const when = src.synced_at ? new Date(src.synced_at * 1000).toLocaleString(locale) : '';
  const key = `msg${src.state.replace(/(^|-)(\w)/g, (m, d, c) => c.toUpperCase())}`;
  // `command` in a message is shown as code
  const parts = fill(line.dataset[key], { file: src.file || '', when }).split('`');
  line.replaceChildren(...parts.map((t, i) => {
    if (i % 2 === 0) return document.createTextNode(t);
    const c = document.createElement('code');
    c.textContent = t;
    return c;
  }));
  line.dataset.state = src.state;
}

export function initEditorFiles(doc) {
  const line = doc.querySelector('p.tl-editor-files');
  const root = doc.querySelector('section.tl-editor');
  if (!line || !root) return;
  const locale = root.dataset.locale || 'en';
  let dirty = root.dataset.dirty;
  new MutationObserver((records) => {
    for (const rec of records) {
      const now = root.dataset.dirty;
      if (rec.attributeName === 'data-editor-state' && root.dataset.editorState === 'ready') {
        refresh(line, locale);
      } else if (rec.attributeName === 'data-dirty' && dirty === 'true' && now === 'false') {
        refresh(line, locale);
      }
      dirty = now;
    }
  }).observe(root, { attributes: true, attributeFilter: ['data-editor-state', 'data-dirty'] });
  if (root.dataset.editorState === 'ready') refresh(line, locale);
}
