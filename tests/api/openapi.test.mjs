// tests/api/openapi.test.mjs — static/openapi.json versus reality.
//  1. Every row of the route table (server/web/routes.c) is documented, and every documented
//     operation is a row (rule stated in the document's info.description: all routes, API or
//     not; `{name*}` is written `{name}`; HEAD is implied by GET). operationId = the row's name.
//  2. The document is well-formed: OpenAPI 3.1, every local $ref resolves, unique operationIds,
//     every operation has responses; the served copy equals the file.
//  3. The schemas describe what the server really sends and accepts: every built-in scenario
//     validates against Scenario, every built-in trace against Trace, /api/v1/states against
//     StateDiagram, problems against Problem (a small JSON Schema subset validator below).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, startServer } from './helpers.mjs';
import { roleTokens } from './accounts-cli.mjs';

const doc = JSON.parse(readFileSync(path.join(repoRoot, 'static/openapi.json'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

function routeRows() {
  const src = readFileSync(path.join(repoRoot, 'server/web/routes.c'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  const rows = [];
  const re = /\{\s*"([A-Z]+)"\s*,\s*"(\/[^"]*)"\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*"([^"]+)"\s*\}/g;
  for (let m; (m = re.exec(src));) {
    rows.push({ method: m[1].toLowerCase(), path: m[2].replace(/\{([A-Za-z0-9_]+)\*\}/g, '{$1}'), name: m[4] });
  }
  return rows;
}

function documentedOps() {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) ops.push({ method: m, path: p, op: item[m] });
  }
  return ops;
}

function resolve(ref) {
  assert.ok(ref.startsWith('#/'), `only local refs: ${ref}`);
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    assert.ok(node && Object.hasOwn(node, key), `unresolved $ref ${ref}`);
    node = node[key];
  }
  return node;
}

// A JSON Schema 2020-12 subset: $ref, type, enum, const, properties, required,
// additionalProperties (false or schema), items, minItems, maxItems, uniqueItems, minimum,
// maximum, pattern, oneOf (exactly one), anyOf, allOf. Returns a list of "pointer: problem".
function validate(schema, value, ptr = '') {
  if (schema.$ref) return validate(resolve(schema.$ref), value, ptr);
  const errs = [];
  const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array'
    : Number.isInteger(v) ? 'integer' : typeof v);
  if (schema.type) {
    const types = [].concat(schema.type);
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
      return [`${ptr}: ${t}, expected ${types.join('|')}`];
    }
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) errs.push(`${ptr}: ${JSON.stringify(value)} not in enum`);
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) errs.push(`${ptr}: not ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${ptr}: ${value} < ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${ptr}: ${value} > ${schema.maximum}`);
  }
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) errs.push(`${ptr}: does not match ${schema.pattern}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errs.push(`${ptr}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errs.push(`${ptr}: more than ${schema.maxItems} items`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errs.push(`${ptr}: duplicate items`);
    if (schema.items) value.forEach((v, i) => errs.push(...validate(schema.items, v, `${ptr}/${i}`)));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const r of schema.required || []) if (!Object.hasOwn(value, r)) errs.push(`${ptr}: missing ${r}`);
    const props = schema.properties || {};
    for (const [k, v] of Object.entries(value)) {
      if (props[k]) errs.push(...validate(props[k], v, `${ptr}/${k}`));
      else if (schema.additionalProperties === false) errs.push(`${ptr}/${k}: not allowed`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        errs.push(...validate(schema.additionalProperties, v, `${ptr}/${k}`));
      }
    }
  }
  for (const s of schema.allOf || []) errs.push(...validate(s, value, ptr));
  if (schema.anyOf && !schema.anyOf.some((s) => validate(s, value, ptr).length === 0)) errs.push(`${ptr}: matches no anyOf`);
  if (schema.oneOf) {
    const n = schema.oneOf.filter((s) => validate(s, value, ptr).length === 0).length;
    if (n !== 1) errs.push(`${ptr}: matches ${n} of oneOf`);
  }
  return errs;
}

const schema = (name) => ({ $ref: `#/components/schemas/${name}` });
function assertValid(name, value, what) {
  const errs = validate(schema(name), value);
  assert.deepEqual(errs.slice(0, 10), [], `${what} against ${name}`);
}

describe('openapi document (static)', () => {
  test('is OpenAPI 3.1 with JSON Schema 2020-12', () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(doc.jsonSchemaDialect, 'https://json-schema.org/draft/2020-12/schema');
    assert.ok(doc.info.title && doc.info.version);
  });

  test('every route in routes.c is documented and vice versa', () => {
    const rows = routeRows();
    assert.ok(rows.length >= 10, `parsed ${rows.length} rows of routes.c`);
    const key = (o) => `${o.method.toUpperCase()} ${o.path}`;
    const inTable = new Set(rows.map(key));
    const inDoc = new Set(documentedOps().map(key));
    const missing = [...inTable].filter((k) => !inDoc.has(k));
    const extra = [...inDoc].filter((k) => !inTable.has(k));
    assert.deepEqual(missing, [], 'routes missing from static/openapi.json');
    assert.deepEqual(extra, [], 'documented operations with no row in routes.c');
  });

  test('operationIds are unique and equal the route names', () => {
    const rows = routeRows();
    const ops = documentedOps();
    const ids = ops.map((o) => o.op.operationId);
    assert.equal(new Set(ids).size, ids.length, 'unique operationIds');
    for (const r of rows) {
      const o = ops.find((x) => x.method === r.method && x.path === r.path);
      if (o) assert.equal(o.op.operationId, r.name, `${r.method} ${r.path}`);
    }
  });

  test('every operation has responses; path parameters are declared', () => {
    for (const { method, path: p, op } of documentedOps()) {
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${p}`);
      for (const name of [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
        assert.ok((op.parameters || []).some((x) => x.in === 'path' && x.name === name && x.required),
          `${method} ${p} declares path parameter ${name}`);
      }
    }
  });

  test('every $ref resolves', () => {
    let count = 0;
    const walk = (node) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        if (typeof node.$ref === 'string') { resolve(node.$ref); count++; }
        Object.values(node).forEach(walk);
      }
    };
    walk(doc);
    assert.ok(count > 20);
  });

  test('the schema examples validate', () => {
    for (const ex of doc.components.schemas.Scenario.examples) assertValid('Scenario', ex, 'Scenario example');
  });
});

describe('openapi document versus the running server', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { if (srv) assert.equal(await srv.stop(), 0); });
  const getJSON = async (p) => {
    const r = await fetch(`${srv.base}${p}`);
    return { r, json: JSON.parse(await r.text()) };
  };

  test('the served document is the file', async () => {
    const { r, json } = await getJSON('/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.deepEqual(json, doc);
  });

  test('built-in scenarios and traces match the Scenario and Trace schemas', async () => {
    const { json: list } = await getJSON('/api/v1/scenarios');
    for (const e of list) assertValid('ScenarioSummary', e, e.name);
    for (const { name } of list) {
      const { json: one } = await getJSON(`/api/v1/scenarios/${name}`);
      assertValid('ScenarioDetail', one, name);
      const { json: trace } = await getJSON(`/api/v1/simulations?scenario=${name}`);
      assertValid('Trace', trace, `trace of ${name}`);
    }
  });

  test('states, saved simulations and problems match their schemas', async () => {
    assertValid('StateDiagram', (await getJSON('/api/v1/states')).json, 'states');
    const { json: ex } = await getJSON('/api/v1/scenarios/handshake-and-close');
    const r = await fetch(`${srv.base}/api/v1/simulations?save=true`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ex.scenario),
    });
    assert.equal(r.status, 201);
    const saved = await r.json();
    assertValid('SavedSimulation', saved, 'saved');
    const { json: replay } = await getJSON(`/api/v1/simulations/${saved.id}`);
    assertValid('Replay', replay, 'replay');
    assertValid('Problem', (await getJSON('/api/v1/nope')).json, '404 problem');
    const bad = await fetch(`${srv.base}/api/v1/simulations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":[{"call":"x"}]}',
    });
    assertValid('Problem', await bad.json(), '422 problem');
    const mal = await fetch(`${srv.base}/api/v1/simulations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":',
    });
    assertValid('Problem', await mal.json(), '400 problem');
  });
});

describe('openapi document versus the progress endpoints', () => {
  let dir, srv, auth;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tcplab-openapi-progress-'));
    const db = path.join(dir, 't.db');
    auth = { authorization: `Bearer ${roleTokens(db).student}` }; // a student token acting as a user
    srv = await startServer({ db });
  });
  after(async () => {
    if (srv) assert.equal(await srv.stop(), 0);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('graded answers and progress match GradeResult, Progress and LessonProgress', async () => {
    const r = await fetch(`${srv.base}/api/v1/variants/v0-three-way-handshake.q1/submissions`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"choice":0}',
    });
    assertValid('GradeResult', await r.json(), 'a graded answer');
    const list = await (await fetch(`${srv.base}/api/v1/progress`, { headers: auth })).json();
    assertValid('Progress', list, 'GET /api/v1/progress');
    const one = await (await fetch(`${srv.base}/api/v1/progress/three-way-handshake`, { headers: auth })).json();
    assertValid('LessonProgress', one, 'GET /api/v1/progress/three-way-handshake');
    assert.ok(one.questions[0].latest, 'the answer is in it');
  });
});
