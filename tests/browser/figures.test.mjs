// figures.test.mjs — every scenario figure of every bundled lesson, in English and Chinese,
// on a 390×844 phone and a 1280×800 desktop (one page load per lesson and combination, the
// checks stepping in the page): stepping with the Next control keeps the current step (its
// arrow and its labels, or its arrow alone when the step is wider than the frame) inside the
// ladder's frame and the viewport, and the controls in the viewport; on the desktop the
// state diagram (the current state of the side that moved; for CLOSED, drawn twice, the
// copy by the edge just taken) and the variables stay in view beside the ladder at every step; no SVG text is smaller than 11 CSS px (ladder and state
// diagram, both viewports); no two text labels of a ladder or a state diagram overlap (with
// the labels' rotated boxes: every pair at step 0, and at every step the current step's bold
// labels and the current edge's against the rest; both viewports, the phone's state diagram
// in its own view); every state-diagram edge label is painted after all edge lines with a
// halo in the figure's background colour (a crossing line cannot run through its letters);
// the step table is folded. The state-diagram lesson's figure starts with the diagram large:
// on the desktop in the wide column with its whole width in view, on the phone as the first
// view. Screenshots of the retransmission and state-diagram lessons go to
// tests/out/screenshots/figures-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newPage, screenshot, repoRoot, withLessonServer } from './helpers.mjs';

const env = withLessonServer();
const SLUGS = fs.readdirSync(path.join(repoRoot, 'lessons'))
  .filter((f) => f.endsWith('.md') && !f.includes('.zh-CN.'))
  .map((f) => f.slice(0, -3))
  .sort();
const VIEWPORTS = [{ width: 390, height: 844 }, { width: 1280, height: 800 }];
const LOCALES = ['en', 'zh-CN'];

/** In the page: installs window.__tlOverlaps(figId, currentOnly): the figure's text boxes as
 * rotated rectangles (4 corners in screen px), and the pairs of them that intersect
 * (separating-axis test, 0.5 px tolerance); with currentOnly, only the pairs with a text of
 * the current step or the current state-diagram edge in them. */
function installOverlaps() {
  window.__tlOverlaps = overlapsInPage;
  function overlapsInPage(figId, currentOnly) {
  const fig = document.getElementById(figId);
  const out = [];
  for (const svg of fig.querySelectorAll('.tl-ladder svg, .tl-diagram svg')) {
    const boxes = [];
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const b = t.getBBox();
      if (!b.width || !b.height) continue;
      const m = t.getScreenCTM();
      const pt = (x, y) => ({ x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f });
      const cur = !!t.closest('.tl-step.tl-current, .tl-edge.tl-current, .tl-edge-text.tl-current');
      boxes.push({ text: t.textContent, cur, c: [pt(b.x, b.y), pt(b.x + b.width, b.y), pt(b.x + b.width, b.y + b.height), pt(b.x, b.y + b.height)] });
    }
    const axes = (c) => [[c[1].x - c[0].x, c[1].y - c[0].y], [c[3].x - c[0].x, c[3].y - c[0].y]];
    const proj = (c, a) => {
      const l = Math.hypot(a[0], a[1]) || 1;
      const v = c.map((p) => (p.x * a[0] + p.y * a[1]) / l);
      return [Math.min(...v), Math.max(...v)];
    };
    const hit = (p, q) => {
      for (const a of [...axes(p.c), ...axes(q.c)]) {
        const [p0, p1] = proj(p.c, a);
        const [q0, q1] = proj(q.c, a);
        if (p1 - 0.5 <= q0 || q1 - 0.5 <= p0) return false;
      }
      return true;
    };
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (currentOnly && !boxes[i].cur && !boxes[j].cur) continue;
        if (hit(boxes[i], boxes[j])) out.push(`${svg.getAttribute('class')}: “${boxes[i].text}” × “${boxes[j].text}”`);
      }
    }
  }
  return out;
  }
}

/** In the page: installs window.__tlClipped(figId): the texts of the figure's ladder and
 * state diagram that are cut: any text whose box (getBBox) reaches outside its SVG's
 * viewBox, and any state or endpoint name of the ladder that is shown (not hidden) but
 * not wholly inside the ladder frame's visible area (its client box, the scroll bars
 * excluded) while partly inside it. */
function installClipped() {
  window.__tlClipped = (figId) => {
    const fig = document.getElementById(figId);
    const out = [];
    for (const svg of fig.querySelectorAll('.tl-ladder svg, .tl-diagram svg')) {
      const vb = svg.viewBox.baseVal;
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim()) continue;
        const b = t.getBBox();
        if (!b.width || !b.height || t.getAttribute('transform')) continue;
        if (b.x < vb.x - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y < vb.y - 0.5 || b.y + b.height > vb.y + vb.height + 0.5) {
          out.push(`${svg.getAttribute('class')}: “${t.textContent}” at ${Math.round(b.x)}..${Math.round(b.x + b.width)}, viewBox 0..${vb.width}`);
        }
      }
    }
    const frame = fig.querySelector('.tl-ladder');
    if (frame && frame.getClientRects().length) {
      const fr = frame.getBoundingClientRect();
      const left = fr.left + frame.clientLeft;
      const top = fr.top + frame.clientTop;
      const right = left + frame.clientWidth;
      const bottom = top + frame.clientHeight;
      for (const t of frame.querySelectorAll('.tl-state-label, .tl-endpoint')) {
        if (getComputedStyle(t).visibility === 'hidden' || !t.getClientRects().length) continue;
        const r = t.getBoundingClientRect();
        const partly = r.right > left + 0.5 && r.left < right - 0.5 && r.bottom > top + 0.5 && r.top < bottom - 0.5;
        const whole = r.left >= left - 0.5 && r.right <= right + 0.5 && r.top >= top - 0.5 && r.bottom <= bottom + 0.5;
        if (partly && !whole) out.push(`ladder name “${t.textContent}” at x ${Math.round(r.left)}..${Math.round(r.right)}, y ${Math.round(r.top)}..${Math.round(r.bottom)} cut by the frame ${Math.round(left)}..${Math.round(right)}, ${Math.round(top)}..${Math.round(bottom)}`);
      }
    }
    return out;
  };
}

/** In the page: the state-diagram edge labels of the figure that a crossing line could make
 * unreadable: each must be painted after every edge line and carry a halo (paint-order
 * stroke first, a stroke of at least 3 px in the figure's background colour). */
function labelHalosInPage(figId) {
  const fig = document.getElementById(figId);
  const bad = [];
  const bg = getComputedStyle(fig).backgroundColor;
  for (const svg of fig.querySelectorAll('.tl-diagram svg')) {
    const paths = svg.querySelectorAll('.tl-edge path');
    const last = paths[paths.length - 1];
    for (const t of svg.querySelectorAll('.tl-edge-label')) {
      const cs = getComputedStyle(t);
      const what = `“${t.textContent}”`;
      if (last && !(last.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) bad.push(`${what} is drawn before an edge line`);
      if (!/^stroke/.test(cs.paintOrder)) bad.push(`${what}: paint-order ${cs.paintOrder}`);
      if (cs.stroke !== bg) bad.push(`${what}: halo ${cs.stroke}, background ${bg}`);
      if (!(parseFloat(cs.strokeWidth) >= 3)) bad.push(`${what}: halo ${cs.strokeWidth}`);
    }
  }
  return bad;
}

/** In the page: the smallest rendered font size (CSS px) of the visible text of `sel`. */
function smallestTextInPage([figId, sel]) {
  const fig = document.getElementById(figId);
  let min = Infinity;
  let what = '';
  for (const svg of fig.querySelectorAll(sel)) {
    const m = svg.getScreenCTM();
    if (!m) continue;
    for (const t of svg.querySelectorAll('text, tspan')) {
      if (!t.textContent.trim()) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < min) { min = px; what = t.textContent; }
    }
  }
  return { min, what };
}

/** In the page: presses Next (a real click event on the button, no scrolling by the test)
 * through every step; after each, the current step (arrow and labels; the arrow alone when
 * the step does not fit in the frame) must be inside the ladder's frame and the viewport,
 * the controls wholly inside the viewport, and with `wide` the current state of the side
 * that moved and the variables table too; with `overlaps`, the current step's labels must
 * not overlap another text. Returns the failures. */
async function stepAllInPage([figId, wide, overlaps]) {
  const fig = document.getElementById(figId);
  const next = fig.querySelector('.tl-player .tl-next');
  const controls = fig.querySelector('.tl-player .tl-controls');
  const n = Number(fig.getAttribute('data-steps'));
  const bad = [];
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  for (let k = 1; k <= n; k++) {
    next.click();
    await frame();
    if (fig.getAttribute('data-current-step') !== String(k)) { bad.push(`step ${k}: Next did not move there`); break; }
    const c = controls.getBoundingClientRect();
    if (c.top < -0.5 || c.bottom > vh + 0.5 || c.left < -0.5 || c.right > vw + 0.5) bad.push(`step ${k}: controls at ${Math.round(c.top)}..${Math.round(c.bottom)}`);
    const g = fig.querySelector(`.tl-ladder .tl-step[data-step="${k}"]`);
    const shape = g && (['.tl-segment line', '.tl-clock', '.tl-cross', '.tl-call-dot', '.tl-arrival'].map((q) => g.querySelector(q)).find(Boolean) || g);
    if (!shape) continue;
    const frameEl = fig.querySelector('.tl-ladder');
    const fr = frameEl.getBoundingClientRect();
    // The whole step (mark and labels, without its time stamp and RTO bracket) when it fits.
    let box = null;
    for (const c of g.children) {
      if (c.matches('.tl-time, .tl-rto') || !c.getClientRects().length) continue;
      const q = c.getBoundingClientRect();
      if (!q.width && !q.height) continue;
      box = box ? { left: Math.min(box.left, q.left), right: Math.max(box.right, q.right), top: Math.min(box.top, q.top), bottom: Math.max(box.bottom, q.bottom) } : q;
    }
    const sr = shape.getBoundingClientRect();
    const fitsV = box && box.bottom - box.top <= frameEl.clientHeight - 32;
    const fitsH = box && box.right - box.left <= frameEl.clientWidth - 32;
    const rv = fitsV ? box : sr;
    const rh = fitsH ? box : sr;
    const r = { top: rv.top, bottom: rv.bottom, left: rh.left, right: rh.right };
    const what = (fitsV && fitsH) ? 'step' : 'arrow';
    const visTop = Math.max(0, fr.top);
    const visBottom = Math.min(vh, fr.top + frameEl.clientHeight + frameEl.clientTop);
    const visLeft = Math.max(0, fr.left);
    const visRight = Math.min(vw, fr.left + frameEl.clientLeft + frameEl.clientWidth);
    if (r.top < visTop - 0.5 || r.bottom > visBottom + 0.5) bad.push(`step ${k}: ${what} at y ${Math.round(r.top)}..${Math.round(r.bottom)}, visible ${Math.round(visTop)}..${Math.round(visBottom)}`);
    if (r.left < visLeft - 0.5 || r.right > visRight + 0.5) bad.push(`step ${k}: ${what} at x ${Math.round(r.left)}..${Math.round(r.right)}, visible ${Math.round(visLeft)}..${Math.round(visRight)}`);
    if (wide) {
      const step = JSON.parse(fig.querySelector('script.tl-trace').textContent).steps[k - 1];
      const ep = step.endpoint === 'server' ? 'server' : 'client';
      const d = fig.querySelector('.tl-side .tl-diagram');
      // CLOSED is drawn twice: one of the copies must be in view
      const copies = d ? Array.from(d.querySelectorAll(`.tl-state.tl-current-${ep}`)) : [];
      const dr = d && d.getBoundingClientRect();
      const top = d && Math.max(0, dr.top);
      const bottom = d && Math.min(vh, dr.top + d.clientTop + d.clientHeight);
      const left = d && Math.max(0, dr.left);
      const right = d && Math.min(vw, dr.left + d.clientLeft + d.clientWidth);
      const inView = (x) => {
        const q = x.getBoundingClientRect();
        return !(q.top < top - 0.5 || q.bottom > bottom + 0.5 || q.left < left - 0.5 || q.right > right + 0.5);
      };
      const node = copies.find(inView) || copies[0];
      if (node) {
        const n = node.getBoundingClientRect();
        if (!inView(node)) {
          bad.push(`step ${k}: state ${node.getAttribute('data-state')} (${ep}) at ${Math.round(n.left)},${Math.round(n.top)}..${Math.round(n.right)},${Math.round(n.bottom)}, diagram visible ${Math.round(left)},${Math.round(top)}..${Math.round(right)},${Math.round(bottom)}`);
        }
      }
      // CLOSED: the copy shown is the one by the edge just taken (the edge at least partly in view)
      const e = d && d.querySelector('.tl-edge.tl-current');
      if (e && copies.length > 1) {
        const q = e.getBoundingClientRect();
        if (q.bottom < top || q.top > bottom || q.right < left || q.left > right) bad.push(`step ${k}: the edge just taken out of the state diagram's view`);
      }
      const v = fig.querySelector('.tl-vars').getBoundingClientRect();
      if (v.top < -0.5 || v.bottom > vh + 0.5) bad.push(`step ${k}: variables at y ${Math.round(v.top)}..${Math.round(v.bottom)}`);
    }
    if (overlaps) for (const o of window.__tlOverlaps(figId, false)) bad.push(`step ${k}: overlap ${o}`);
    for (const o of window.__tlClipped(figId)) bad.push(`step ${k}: clipped ${o}`);
    const cb = fig.querySelector('.tl-player').getBoundingClientRect();
    if (r.bottom > cb.top && r.top < cb.bottom && r.right > cb.left && r.left < cb.right && cb.bottom > r.bottom) bad.push(`step ${k}: arrow under the sticky player`);
  }
  return bad;
}

for (const viewport of VIEWPORTS) {
  for (const lang of LOCALES) {
    test(`every figure at ${viewport.width}×${viewport.height}, ${lang}`, async () => {
      const { context, page, log } = await newPage(env.browser, { viewport });
      const wide = viewport.width >= 1088;
      const failures = [];
      let figures = 0;
      let figuresBefore = 0;
      let steps = 0;
      try {
        for (const slug of SLUGS) {
          await page.goto(`${env.srv.base}/lessons/${slug}?lang=${lang}`, { waitUntil: 'load' });
          await page.locator('html[data-tl-ready="1"]').waitFor({ state: 'attached' });
          await page.evaluate(installOverlaps);
          await page.evaluate(installClipped);
          const ids = await page.$$eval('figure.tl-scenario', (fs) => fs.map((f) => f.id));
          for (const id of ids) {
            figures++;
            const where = `${slug} #${id} (${lang}, ${viewport.width} px)`;
            await page.locator(`#${id} .tl-player .tl-next`).waitFor();
            assert.equal(await page.locator(`#${id} details.tl-steps-details`).evaluate((d) => d.open), false,
              `${where}: expected the step table folded`);
            const large = (await page.getAttribute(`#${id}`, 'data-diagram')) === 'large';
            if (slug === 'state-diagram' && figures === 1 + figuresBefore) {
              // The lesson about Figure 5 shows it large from the start.
              assert.ok(large, `${where}: expected the state diagram large by default`);
              const geo = await page.locator(`#${id}`).evaluate((f) => {
                const d = f.querySelector('.tl-diagram');
                const svg = d.querySelector('svg');
                return { view: f.getAttribute('data-view'), shown: d.getClientRects().length > 0, frameW: d.clientWidth, svgW: svg.getBoundingClientRect().width, figW: f.clientWidth, ladderW: f.querySelector('.tl-ladder').getBoundingClientRect().width };
              });
              if (wide) {
                assert.ok(geo.shown && geo.svgW >= 740 && geo.frameW >= geo.svgW - 0.5 && geo.frameW > geo.ladderW,
                  `${where}: expected the whole diagram's width (≥ 740 px) in a frame wider than the ladder's, got ${JSON.stringify(geo)}`);
              } else {
                assert.ok(geo.view === 'states' && geo.shown && geo.frameW >= geo.figW * 0.85,
                  `${where}: expected the state diagram as the first view, across the figure, got ${JSON.stringify(geo)}`);
                await page.locator(`#${id}`).evaluate((f) => window.scrollTo(0, f.getBoundingClientRect().top + window.scrollY));
                await page.screenshot({ path: path.join(repoRoot, 'tests/out/screenshots', `figures-${slug}-${lang}-${viewport.width}-states.png`) });
              }
            }
            if (!wide && large) await page.locator(`#${id} .tl-view-ladder`).evaluate((b) => b.click());
            const halo = await page.evaluate(labelHalosInPage, id);
            if (halo.length) failures.push(`${where}: edge labels ${halo.length}: ${halo.slice(0, 3).join('; ')}`);
            // Every pair of text boxes at step 0 (on the phone: the ladder in its view, then the
            // state diagram in its own).
            for (const o of await page.evaluate(([f]) => window.__tlOverlaps(f, false), [id])) failures.push(`${where}: overlap ${o}`);
            const lad = await page.evaluate(smallestTextInPage, [id, '.tl-ladder svg']);
            if (lad.min < 11) failures.push(`${where}: ladder text “${lad.what}” at ${lad.min.toFixed(1)} px`);
            if (!wide) {
              await page.locator(`#${id} .tl-view-states`).evaluate((b) => b.click());
              for (const o of await page.evaluate(([f]) => window.__tlOverlaps(f, false), [id])) failures.push(`${where}: overlap ${o}`);
            }
            const dia = await page.evaluate(smallestTextInPage, [id, '.tl-diagram svg']);
            if (dia.min < 11) failures.push(`${where}: state-diagram text “${dia.what}” at ${dia.min.toFixed(1)} px`);
            if (!wide) await page.locator(`#${id} .tl-view-ladder`).evaluate((b) => b.click());
            if (figures === 1) {
              // A state's description is reachable from the keyboard (and by a tap), not only on hover.
              if (viewport.width < 480) await page.locator(`#${id} .tl-view-states`).click();
              await page.locator(`#${id} .tl-diagram .tl-state[data-state="LISTEN"]`).first().focus();
              const info = await page.locator(`#${id} .tl-state-info`).textContent();
              const title = await page.locator(`#${id} .tl-diagram .tl-state[data-state="LISTEN"] title`).first().textContent();
              assert.ok(info.includes('LISTEN') && info.includes(title), `${where}: expected focusing LISTEN to show “${title}”, got “${info}”`);
              if (viewport.width < 480) await page.locator(`#${id} .tl-view-ladder`).click();
            }
            // Start with the figure's top at the top of the window, as a reader arriving at it.
            await page.locator(`#${id}`).evaluate((f) => window.scrollTo(0, f.getBoundingClientRect().top + window.scrollY));
            steps += Number(await page.getAttribute(`#${id}`, 'data-steps'));
            for (const b of await page.evaluate(stepAllInPage, [id, wide, true])) failures.push(`${where}: ${b}`);
            if (wide) {
              // The other desktop layout (the state diagram large, or small): the ladder in
              // the other column, stepped through again from the start (its current step in
              // its frame, no overlap, no text cut).
              await page.locator(`#${id} .tl-zoom`).evaluate((b) => b.click());
              await page.locator(`#${id} .tl-player .tl-first`).evaluate((b) => b.click());
              await page.locator(`#${id}`).evaluate((f) => window.scrollTo(0, f.getBoundingClientRect().top + window.scrollY));
              const other = large ? 'small' : 'large';
              for (const b of await page.evaluate(stepAllInPage, [id, false, true])) failures.push(`${where}, diagram ${other}: ${b}`);
              await page.locator(`#${id} .tl-zoom`).evaluate((b) => b.click());
            }
            if (!wide) {
              // The phone's state diagram at the last step: its current edge's label against the rest.
              await page.locator(`#${id} .tl-view-states`).evaluate((b) => b.click());
              for (const o of await page.evaluate(([f]) => window.__tlOverlaps(f, true), [id])) failures.push(`${where}: last step: overlap ${o}`);
              await page.locator(`#${id} .tl-view-ladder`).evaluate((b) => b.click());
            }
          }
          figuresBefore = figures;
          if (slug === 'retransmission' || slug === 'state-diagram') {
            await page.locator('figure.tl-scenario').last().evaluate((f) => f.scrollIntoView());
            await page.screenshot({ path: path.join(repoRoot, 'tests/out/screenshots', `figures-${slug}-${lang}-${viewport.width}.png`) });
          }
        }
        assert.ok(figures > 0, 'expected scenario figures in the bundled lessons');
        assert.deepEqual(failures, [], `${failures.length} problems in ${figures} figures / ${steps} steps:\n${failures.slice(0, 60).join('\n')}`);
        assert.deepEqual(log.pageErrors, [], 'expected no uncaught script error');
        assert.deepEqual(log.csp, [], 'expected no CSP violation');
      } finally {
        await context.close();
      }
    });
  }
}
void screenshot;
