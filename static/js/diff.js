/*
 * diff.js — a line diff of two texts (longest common subsequence), its hunks, and a merge
 * that takes each hunk from one side.
 *
 * Owns: diffLines (the edit script), hunks (runs of changed lines between equal ones, each
 * with the lines of both sides), merge (rebuilds a text choosing "a" or "b" per hunk) and
 * renderDiff (a <table> of the hunks with a little context, for the conflict and revision
 * views). Work is bounded: the common prefix and suffix are trimmed first and the LCS table
 * is only built for the rest; past MAX_CELLS cells the middle is treated as one changed
 * block (still correct, only coarser).
 * Does not: diff within a line, or touch the page beyond the elements it returns.
 */

const MAX_CELLS = 4_000_000;

function splitLines(text) {
  if (text === '') return [];
  const lines = text.split('\n');
  // a final newline ends the last line rather than starting an empty one
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The edit script from a to b (texts): [{op: '=', a: i, b: j} | {op: '-', a: i} | {op: '+', b: j}],
 * indices into the line arrays, which are returned too: {ops, a, b}.
 */
export function diffLines(aText, bText) {
  const a = splitLines(aText);
  const b = splitLines(bText);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  const ops = [];
  for (let i = 0; i < pre; i++) ops.push({ op: '=', a: i, b: i });
  if (n * m > MAX_CELLS) {
    for (let i = 0; i < n; i++) ops.push({ op: '-', a: pre + i });
    for (let j = 0; j < m; j++) ops.push({ op: '+', b: pre + j });
  } else if (n > 0 || m > 0) {
    // L[i][j]: LCS length of a[pre+i..] and b[pre+j..]
    const w = m + 1;
    const L = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        L[i * w + j] = a[pre + i] === b[pre + j] ? L[(i + 1) * w + j + 1] + 1
          : Math.max(L[(i + 1) * w + j], L[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] === b[pre + j]) {
        ops.push({ op: '=', a: pre + i, b: pre + j });
        i++;
        j++;
      } else if (j < m && (i === n || L[i * w + j + 1] >= L[(i + 1) * w + j])) {
        ops.push({ op: '+', b: pre + j });
        j++;
      } else {
        ops.push({ op: '-', a: pre + i });
        i++;
      }
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ op: '=', a: a.length - suf + k, b: b.length - suf + k });
  return { ops, a, b };
}

/**
 * Splits a diff into parts: {equal: [lines]} and {hunk: true, a: [lines], b: [lines],
 * aStart, bStart} (0-based first line numbers), in order.
 */
export function hunks(aText, bText) {
  const { ops, a, b } = diffLines(aText, bText);
  const parts = [];
  let cur = null;
  for (const o of ops) {
    if (o.op === '=') {
      if (cur && cur.hunk) cur = null;
      if (!cur) {
        cur = { equal: [] };
        parts.push(cur);
      }
      cur.equal.push(a[o.a]);
    } else {
      if (!cur || !cur.hunk) {
        cur = { hunk: true, a: [], b: [], aStart: o.a ?? null, bStart: o.b ?? null };
        parts.push(cur);
      }
      if (o.op === '-') {
        cur.a.push(a[o.a]);
        if (cur.aStart === null) cur.aStart = o.a;
      } else {
        cur.b.push(b[o.b]);
        if (cur.bStart === null) cur.bStart = o.b;
      }
    }
  }
  return parts;
}

/**
 * The text made of `parts` (from hunks) taking, for the k-th hunk, choice[k] ('a', 'b' or
 * 'both': a's lines then b's). Ends with a newline when either input did.
 */
export function merge(parts, choice, endsWithNewline = true) {
  const out = [];
  let k = 0;
  for (const p of parts) {
    if (!p.hunk) {
      out.push(...p.equal);
      continue;
    }
    const c = choice[k++] || 'a';
    if (c === 'a' || c === 'both') out.push(...p.a);
    if (c === 'b' || c === 'both') out.push(...p.b);
  }
  return out.join('\n') + (out.length && endsWithNewline ? '\n' : '');
}

/** Number of hunks in parts. */
export function hunkCount(parts) {
  return parts.filter((p) => p.hunk).length;
}

function row(cls, sign, num, text) {
  const tr = document.createElement('tr');
  tr.className = cls;
  const n = document.createElement('td');
  n.className = 'tl-diff-num';
  n.textContent = num === null ? '' : String(num);
  const s = document.createElement('td');
  s.className = 'tl-diff-sign';
  s.textContent = sign;
  const t = document.createElement('td');
  t.className = 'tl-diff-text';
  t.textContent = text;
  tr.append(n, s, t);
  return tr;
}

/**
 * A <table class="tl-diff"> of the changes from a to b with `context` equal lines around each
 * hunk; line numbers are b's for kept and added lines and a's for removed ones. `onHunk(k,
 * tbody)` (optional) is called for each hunk's <tbody> so callers can add controls.
 */
export function renderDiff(aText, bText, { context = 2, labels = ['−', '+'], onHunk } = {}) {
  const parts = hunks(aText, bText);
  const table = document.createElement('table');
  table.className = 'tl-diff';
  let bLine = 0;
  let k = 0;
  parts.forEach((p, idx) => {
    if (!p.hunk) {
      const lines = p.equal;
      const body = document.createElement('tbody');
      body.className = 'tl-diff-context';
      const first = idx === 0 ? [] : lines.slice(0, context);
      const last = idx === parts.length - 1 ? [] : lines.slice(Math.max(first.length, lines.length - context));
      first.forEach((t, i) => body.append(row('tl-diff-eq', ' ', bLine + i + 1, t)));
      if (first.length + last.length < lines.length) body.append(row('tl-diff-gap', '', null, '⋯'));
      last.forEach((t, i) => body.append(row('tl-diff-eq', ' ', bLine + lines.length - last.length + i + 1, t)));
      bLine += lines.length;
      if (body.childElementCount) table.append(body);
      return;
    }
    const body = document.createElement('tbody');
    body.className = 'tl-diff-hunk';
    body.dataset.hunk = String(k);
    p.a.forEach((t, i) => body.append(row('tl-diff-del', labels[0], p.aStart + i + 1, t)));
    p.b.forEach((t, i) => body.append(row('tl-diff-add', labels[1], bLine + i + 1, t)));
    bLine += p.b.length;
    if (onHunk) onHunk(k, body);
    table.append(body);
    k++;
  });
  return table;
}
