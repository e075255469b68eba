/*
 * net.js — every JSON request our scripts make to the API: fetch, the CSRF header, and the
 * text of an error answer.
 *
 * Owns: the request shape (Accept and, with a body, Content-Type application/json; the
 * X-CSRF-Token header from the readable tcplab_csrf cookie on every unsafe method when the
 * cookie is set; If-Match when an ETag is given; same-origin credentials; no HTTP cache),
 * reading a JSON answer (null when the answer is not JSON or does not parse), and the
 * one-line text of a problem+json answer (RFC 9457).
 * Does not: retry, time out, or show anything: callers decide what an answer means.
 */

/** The readable CSRF cookie set by login ('' when absent). */
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'tcplab_csrf') return decodeURIComponent(v.join('='));
  }
  return '';
}

/**
 * One API request. `body` (any JSON value; undefined: none) is sent as JSON; `etag` becomes
 * If-Match; `headers` are added. Resolves to {status, ok, etag, body} (body: the parsed JSON
 * answer or null); rejects only when the network fails.
 */
export async function request(method, url, { body, etag, headers: extra = {} } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!['GET', 'HEAD'].includes(method)) {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  if (etag) headers['If-Match'] = etag;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let json = null;
  if ((res.headers.get('Content-Type') || '').includes('json')) {
    try {
      json = await res.json();
    } catch {
      json = null;
    }
  }
  return { status: res.status, ok: res.ok, etag: res.headers.get('ETag'), body: json };
}

/** Text of a problem+json answer ("title: detail"), or a fallback naming the status. */
export function problemText(r) {
  const b = r.body || {};
  const parts = [b.title, b.detail].filter(Boolean);
  return parts.length ? parts.join(': ') : `HTTP ${r.status}`;
}
