// compose.mjs: composes subgraph SDLs into a supergraph with
// @apollo/composition's composeServices, the same composition a gateway or
// rover runs, and treats every composition hint as a failure so the proof
// catches a subgraph that composes only "with warnings".
//
//   node compose.mjs [--out FILE] [--allow-hints] SUBGRAPH...
//     SUBGRAPH is name=url=path  (SDL read from the file at path; "-" = stdin)
//              or name=url       (SDL fetched from url with `{ _service { sdl } }`)
//   node compose.mjs [--out FILE] [--allow-hints] < subgraphs.json
//     with no SUBGRAPH args, stdin is a JSON array of
//     {"name": ..., "url": ..., "sdl": "..."} or {..., "path": "..."} objects.
//
// url is the routing URL the supergraph records for the subgraph (the gateway
// sends its requests there). The name runs to the first "=", the path starts
// after the last one, so a url must not contain "=".
//
// On success the supergraph SDL goes to stdout (or to --out) and the exit code
// is 0. Otherwise stderr gets one block per problem and the exit code is
// 1 composition errors (or an SDL that does not parse),
// 3 hints (only without --allow-hints; the supergraph is not written),
// 2 bad arguments or unreadable input.

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

class UsageError extends Error {}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function fetchSdl(url) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
  } catch (err) {
    throw new UsageError(`cannot fetch SDL from ${url}: ${err.cause?.message ?? err.message}`);
  }
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UsageError(`SDL fetch from ${url}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const sdl = body?.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    throw new UsageError(`SDL fetch from ${url}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
  return sdl;
}

function parseSubgraphArg(arg) {
  const first = arg.indexOf('=');
  if (first <= 0) throw new UsageError(`expected name=url[=path], got ${JSON.stringify(arg)}`);
  const name = arg.slice(0, first);
  const rest = arg.slice(first + 1);
  const last = rest.lastIndexOf('=');
  if (last === -1) return { name, url: rest };
  return { name, url: rest.slice(0, last), path: rest.slice(last + 1) };
}

async function loadSdl(spec) {
  if (typeof spec.sdl === 'string') return spec.sdl;
  if (typeof spec.path === 'string' && spec.path !== '') {
    if (spec.path === '-') return readStdin();
    try {
      return await readFile(spec.path, 'utf8');
    } catch (err) {
      throw new UsageError(`subgraph ${spec.name}: cannot read ${spec.path}: ${err.message}`);
    }
  }
  return fetchSdl(spec.url);
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      out: { type: 'string' },
      'allow-hints': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });

  let specs;
  if (positionals.length > 0) {
    specs = positionals.map(parseSubgraphArg);
  } else {
    const text = await readStdin();
    try {
      specs = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`stdin is not JSON: ${err.message}`);
    }
    if (!Array.isArray(specs) || specs.length === 0) {
      throw new UsageError('stdin must be a non-empty JSON array of subgraphs');
    }
  }
  for (const spec of specs) {
    if (typeof spec?.name !== 'string' || spec.name === '' || typeof spec.url !== 'string' || spec.url === '') {
      throw new UsageError(`each subgraph needs a name and a url: ${JSON.stringify(spec)}`);
    }
  }

  const services = [];
  for (const spec of specs) {
    const sdl = await loadSdl(spec);
    let typeDefs;
    try {
      typeDefs = parse(sdl);
    } catch (err) {
      console.error(`[${spec.name}] SDL does not parse: ${err.message}`);
      return 1;
    }
    services.push({ name: spec.name, url: spec.url, typeDefs });
  }

  const result = composeServices(services);
  if (result.errors) {
    for (const error of result.errors) {
      const code = error.extensions?.code ?? 'ERROR';
      console.error(`error ${code}: ${error.message}`);
    }
    console.error(`composition failed: ${result.errors.length} error(s)`);
    return 1;
  }
  if (result.hints.length > 0) {
    for (const hint of result.hints) {
      console.error(`hint ${hint.definition.code}: ${hint.message}`);
    }
    if (!values['allow-hints']) {
      console.error(`composition produced ${result.hints.length} hint(s); treated as errors`);
      return 3;
    }
  }

  const supergraph = result.supergraphSdl.endsWith('\n')
    ? result.supergraphSdl
    : result.supergraphSdl + '\n';
  if (values.out) {
    await writeFile(values.out, supergraph, 'utf8');
  } else {
    process.stdout.write(supergraph);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof UsageError || err?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`compose.mjs: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err?.stack ?? String(err));
      process.exitCode = 2;
    }
  },
);
