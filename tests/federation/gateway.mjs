// gateway.mjs: an Apollo Gateway over a composed supergraph (from compose.mjs),
// served by @apollo/server's standalone HTTP server, for the federation proof.
// It forwards the caller's credentials to every subgraph, so the wethod-graphql
// subgraph sees the Authorization and Wethod-Company a client sent.
//
//   node gateway.mjs --supergraph FILE [--port 0] [--host 127.0.0.1]
//
// Port 0 picks a free port. The first stdout line is
// `listening http://HOST:PORT/graphql` (the server answers on any path);
// nothing else is written to stdout, logs go to stderr. Subgraph URLs are the
// routing URLs recorded in the supergraph.
//
// Forwarded from the incoming request to each subgraph request, when present:
// Authorization, Wethod-Company, traceparent, tracestate, X-Request-Id.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

export const FORWARDED_HEADERS = [
  'authorization',
  'wethod-company',
  'traceparent',
  'tracestate',
  'x-request-id',
];

const stderrLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args) => console.error(...args),
  error: (...args) => console.error(...args),
};

class HeaderForwardingDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    const forwarded = context?.forwardedHeaders;
    if (!forwarded || !request.http) return;
    for (const [name, value] of Object.entries(forwarded)) {
      request.http.headers.set(name, value);
    }
  }
}

function pickForwardedHeaders(req) {
  const picked = {};
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}

async function main() {
  const { values } = parseArgs({
    options: {
      supergraph: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
    strict: true,
  });
  if (!values.supergraph) throw new Error('--supergraph FILE is required');
  const port = Number.parseInt(values.port, 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`bad --port ${values.port}`);
  }

  const supergraphSdl = await readFile(values.supergraph, 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: stderrLogger,
    buildService: ({ url }) =>
      new HeaderForwardingDataSource({
        url,
        // Node's own fetch, not make-fetch-happen: it ignores HTTP(S)_PROXY,
        // so loopback subgraphs are reached directly whatever the environment.
        fetcher: (input, init) => fetch(input, init),
      }),
  });
  const server = new ApolloServer({ gateway, logger: stderrLogger });
  const { url } = await startStandaloneServer(server, {
    listen: { host: values.host, port },
    context: async ({ req }) => ({ forwardedHeaders: pickForwardedHeaders(req) }),
  });
  process.stdout.write(`listening ${new URL('graphql', url)}\n`);
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
