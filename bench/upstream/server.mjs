#!/usr/bin/env node
// A fast fake of the Wethod REST client endpoint, for benchmarks only.
//
//   node bench/upstream/server.mjs [--port P] [--host H] [--latency-ms N]
//
// GET  /api/clients/:id[?include=externalIdentifiers][&deleted=exclude|include|only]
//        a snake_case client shaped like the published example; 401 without
//        "Authorization: Bearer <any token>", 412 without Wethod-Company or
//        Wethod-Version, 400 for a bad id/deleted, 404 for an unknown id
//        (ids 1..1000000 exist; every id ending in 99 is soft-deleted).
//        `latency_ms` in the query overrides the added latency for that call.
// GET  /_stats          {calls, in_flight, max_in_flight, with_include, errors, latency_ms}
// POST /_stats/reset    zeroes the counters (DELETE /_stats does the same);
//                       `?latency_ms=N` also sets the added latency from now on.
//
// One process, no cluster: the counters (max calls in flight above all) must
// be exact, and one Node process already answers tens of thousands of
// requests a second, many times what any GraphQL facade in front of it does.
// The first stdout line is `listening http://HOST:PORT`.
import http from 'node:http';

function parseArgs(argv) {
  const out = { port: 0, host: '127.0.0.1', latencyMs: Number(process.env.LATENCY_MS ?? 0) };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--port') out.port = Number(value());
    else if (flag === '--host') out.host = value();
    else if (flag === '--latency-ms') out.latencyMs = Number(value());
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write('usage: server.mjs [--port P] [--host H] [--latency-ms N]\n');
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument: ${argv[i]}\n`);
      process.exit(2);
    }
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
let latencyMs = args.latencyMs;

const stats = { calls: 0, in_flight: 0, max_in_flight: 0, with_include: 0, errors: 0 };
function resetStats() {
  stats.calls = 0;
  stats.max_in_flight = stats.in_flight;
  stats.with_include = 0;
  stats.errors = 0;
}

const MAX_ID = 1_000_000;
const TOWNS = ['Milano', 'Torino', 'Bologna', 'Roma', 'Napoli', 'Firenze', 'Verona', 'Padova'];
const NAMES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell'];
const SOURCES = ['salesforce', 'hubspot', 'fatture-in-cloud'];

function isoAt(seconds) {
  return new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString();
}

// A realistic client, deterministic in its id: every field of the contract,
// a few of them null as the API allows.
function makeClient(id, withIdentifiers) {
  const name = NAMES[id % NAMES.length];
  const slug = `${name.toLowerCase()}-${id}`;
  const client = {
    id,
    created_at: isoAt(id * 3600),
    updated_at: isoAt(id * 3600 + 86_400 * 30),
    corporate_name: `${name} ${id} S.r.l.`,
    acronym: `${name.slice(0, 3).toUpperCase()}${id}`,
    email: `info@${slug}.example.com`,
    notes: id % 3 === 0 ? null : `Account managed by the ${TOWNS[id % TOWNS.length]} office.`,
    website: `https://www.${slug}.example.com`,
    linkedin: `https://www.linkedin.com/company/${slug}`,
    description: `${name} ${id} is a long-standing customer; renewals every spring.`,
    street: `Via Roma ${(id % 200) + 1}`,
    zip_code: String(20100 + (id % 90)).padStart(5, '0'),
    town: TOWNS[id % TOWNS.length],
    country: 'Italy',
    vat: `IT${String(10000000000 + id).slice(-11)}`,
    payment_condition: '30 days end of month',
    group_company: (id % 4) + 1,
    sdi_code: `X${String(id).padStart(6, '0')}`,
    pec: `${slug}@pec.example.com`,
    administration_email: `billing@${slug}.example.com`,
    company_registration_number: `MI-${1_000_000 + id}`,
    legal_name: `${name} ${id} Società a responsabilità limitata`,
    intent_code: id % 5 === 0 ? `DI-${id}` : null,
    intent_date: id % 5 === 0 ? '2024-01-15' : null,
    phone: `+39 02 ${String(1_000_000 + id).slice(-7)}`,
    tax_reference: `TR-${id}`,
    group_id: (id % 10) + 1,
    bank_account_id: (id % 7) + 1,
    vat_rate_id: 1,
    payment_term_id: (id % 3) + 1,
    deleted_at: id % 100 === 99 ? isoAt(id * 3600 + 86_400 * 60) : null,
  };
  if (withIdentifiers) {
    client.external_identifiers = SOURCES.slice(0, (id % 3) + 1).map((type, i) => ({
      id: id * 10 + i,
      created_at: client.created_at,
      updated_at: client.updated_at,
      external_id: `${type.slice(0, 2).toUpperCase()}-${String(id).padStart(4, '0')}`,
      type,
      deleted_at: null,
    }));
  }
  return client;
}

// Serialized bodies are memoized: the fake must cost as little as possible
// per call. Bounded so a scan over many ids cannot grow it without limit.
const bodies = new Map();
function clientBody(id, withIdentifiers) {
  const key = withIdentifiers ? -id : id;
  let body = bodies.get(key);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify(makeClient(id, withIdentifiers)));
    if (bodies.size > 20_000) bodies.clear();
    bodies.set(key, body);
  }
  return body;
}

function send(res, status, body) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': buf.length });
  res.end(buf);
}

function error(status, key, message, extra) {
  return { status, body: { key, message, ...extra } };
}

// Answers one client call: {status, body}.
function answerClient(req, idText, query) {
  const auth = req.headers.authorization;
  if (!auth || !auth.startsWith('Bearer ') || auth.length <= 7) {
    return error(401, 'unauthenticated', 'Missing or invalid token.');
  }
  if (!req.headers['wethod-company'] || !req.headers['wethod-version']) {
    return error(412, 'precondition_failure', 'Wethod-Company and Wethod-Version are required.');
  }
  const deleted = query.get('deleted') ?? 'exclude';
  if (!/^[0-9]+$/.test(idText) || !['exclude', 'include', 'only'].includes(deleted)) {
    return error(400, 'invalid_data', 'Validation failed.', {
      failures: [{ field: /^[0-9]+$/.test(idText) ? 'deleted' : 'id', message: 'Invalid value.' }],
    });
  }
  const id = Number(idText);
  const isDeleted = id % 100 === 99;
  if (id < 1 || id > MAX_ID || (deleted === 'exclude' && isDeleted) || (deleted === 'only' && !isDeleted)) {
    return error(404, 'not_found', 'Client not found.');
  }
  const include = (query.get('include') ?? '').split(',');
  const withIdentifiers = include.includes('externalIdentifiers');
  if (withIdentifiers) stats.with_include += 1;
  return { status: 200, body: clientBody(id, withIdentifiers) };
}

const CLIENT_PATH = /^\/api\/clients\/([^/]+)$/;

const server = http.createServer((req, res) => {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1));
  const match = CLIENT_PATH.exec(path);

  if (match && req.method === 'GET') {
    stats.calls += 1;
    stats.in_flight += 1;
    if (stats.in_flight > stats.max_in_flight) stats.max_in_flight = stats.in_flight;
    const { status, body } = answerClient(req, match[1], query);
    if (status >= 400) stats.errors += 1;
    const delay = query.has('latency_ms') ? Number(query.get('latency_ms')) : latencyMs;
    const finish = () => {
      stats.in_flight -= 1;
      send(res, status, body);
    };
    if (delay > 0) setTimeout(finish, delay);
    else finish();
    return;
  }
  if (path === '/_stats' && req.method === 'GET') {
    send(res, 200, { ...stats, latency_ms: latencyMs });
    return;
  }
  if ((path === '/_stats/reset' && req.method === 'POST') || (path === '/_stats' && req.method === 'DELETE')) {
    if (query.has('latency_ms')) latencyMs = Number(query.get('latency_ms'));
    resetStats();
    send(res, 200, { ...stats, latency_ms: latencyMs });
    return;
  }
  send(res, 404, { key: 'not_found', message: 'No such route.' });
});

// Pooled clients keep idle connections for a while (httpx: 5 s, undici: 4 s);
// a server that closes them first races with their next request.
server.keepAliveTimeout = 75_000;
server.headersTimeout = 76_000;

server.listen(args.port, args.host, () => {
  const { address, port } = server.address();
  const host = address.includes(':') ? `[${address}]` : address;
  process.stdout.write(`listening http://${host}:${port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
