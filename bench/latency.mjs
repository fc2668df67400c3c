#!/usr/bin/env node
// Sequential latency of one operation, for bench/run's part (2). Not a load
// generator (wrk does throughput): it sends one operation at a time and times
// each, so the figure is the facade's own latency for that operation.
//
//   node latency.mjs --url URL/graphql --body BODY.json [--runs 20] [--warmup 3] [--reset URL]
//       POST the body RUNS times in a row; a response that is not 200 or that
//       carries "errors" (or a null alias) counts in `failed`.
//   node latency.mjs --url UPSTREAM --fanout 1-40 [--runs 20]
//       the physical limit: GET /api/clients/ID?include=externalIdentifiers
//       for every id in the range at once, RUNS times in a row.
//
// --warmup runs go first, on the same connections, and are not counted;
// --reset URL is POSTed after them (the upstream's /_stats/reset), so its
// counters then cover the timed runs alone.
// Prints one JSON line: {runs, failed, p50_ms, min_ms, max_ms, samples_ms}.
import http from 'node:http';
import { readFileSync } from 'node:fs';

function parseArgs(argv) {
  const out = { runs: 20, warmup: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    out[key] = key === 'runs' || key === 'warmup' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!out.url || (!out.body && !out.fanout)) {
    process.stderr.write('usage: latency.mjs --url URL (--body FILE | --fanout A-B) [--runs N]\n');
    process.exit(2);
  }
  return out;
}

const HEADERS = {
  authorization: 'Bearer bench-token',
  'wethod-company': 'acme',
  'wethod-version': '2024-06-15',
};

// node:http with a keep-alive pool: far less client overhead than fetch(),
// which matters when the limit case fires 40 calls at once.
const agent = new http.Agent({ keepAlive: true });

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function graphqlOnce(url, body) {
  const response = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'content-length': body.length,
    },
    body,
  });
  if (response.status !== 200) return false;
  const payload = JSON.parse(response.body);
  return !payload.errors && payload.data && Object.values(payload.data).every((v) => v !== null);
}

async function fanoutOnce(base, ids) {
  const responses = await Promise.all(
    ids.map((id) =>
      request(`${base}/api/clients/${id}?include=externalIdentifiers`, { headers: HEADERS }),
    ),
  );
  return responses.every((r) => r.status === 200);
}

const args = parseArgs(process.argv.slice(2));
let once;
if (args.body) {
  const body = readFileSync(args.body);
  once = () => graphqlOnce(args.url, body);
} else {
  const [first, last] = args.fanout.split('-').map(Number);
  const ids = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const base = args.url.replace(/\/$/, '');
  once = () => fanoutOnce(base, ids);
}

for (let i = 0; i < args.warmup; i++) await once().catch(() => false);
if (args.reset) {
  const reset = await request(args.reset, { method: 'POST' });
  if (reset.status !== 200) throw new Error(`reset answered ${reset.status}`);
}

const samples = [];
let failed = 0;
for (let i = 0; i < args.runs; i++) {
  const start = performance.now();
  const ok = await once().catch(() => false);
  samples.push(performance.now() - start);
  if (!ok) failed += 1;
}
agent.destroy();
const sorted = [...samples].sort((a, b) => a - b);
// The median; for an even count, the mean of the two middle samples.
const mid = sorted.length >> 1;
const p50 = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
const round = (x) => Math.round(x * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    runs: args.runs,
    failed,
    p50_ms: round(p50),
    min_ms: round(sorted[0]),
    max_ms: round(sorted[sorted.length - 1]),
    samples_ms: samples.map(round),
  })}\n`,
);
