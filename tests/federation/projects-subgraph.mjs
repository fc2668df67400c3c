// projects-subgraph.mjs: a tiny federation v2 "projects" subgraph for the
// federation proof. Its 25 deterministic projects each reference a Client by
// id only, so a gateway must ask the wethod-graphql subgraph (`_entities`) for
// everything else about the client.
//
//   node projects-subgraph.mjs [--port 0] [--host 127.0.0.1] [--client-ids 1,2,3]
//   node projects-subgraph.mjs --print-sdl
//
// Client ids come from --client-ids, else $PROJECT_CLIENT_IDS, else 1..10;
// project N (1..25) points at ids[(N - 1) % ids.length]. The first stdout line
// is `listening http://HOST:PORT/graphql` (the server answers on any path);
// nothing else is written to stdout. --print-sdl prints the subgraph SDL and
// exits.

import { parseArgs } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const PROJECT_COUNT = 25;

export const typeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])

  type Project @key(fields: "id") {
    id: ID!
    name: String!
    client: Client
  }

  type Client @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    projects(first: Int): [Project!]!
  }
`);

function parseClientIds(text) {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) {
    throw new Error(`no client ids in ${JSON.stringify(text)}`);
  }
  return ids;
}

export function makeProjects(clientIds) {
  return Array.from({ length: PROJECT_COUNT }, (_, i) => {
    const n = i + 1;
    return {
      id: String(n),
      name: `Project ${String(n).padStart(2, '0')}`,
      clientId: clientIds[i % clientIds.length],
    };
  });
}

function makeResolvers(projects) {
  const byId = new Map(projects.map((p) => [p.id, p]));
  return {
    Query: {
      projects: (_parent, { first }) =>
        first === null || first === undefined
          ? projects
          : projects.slice(0, Math.max(0, first)),
    },
    Project: {
      __resolveReference: (ref) => byId.get(String(ref.id)) ?? null,
      client: (project) =>
        project.clientId === null ? null : { __typename: 'Client', id: project.clientId },
    },
  };
}

const stderrLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args) => console.error(...args),
  error: (...args) => console.error(...args),
};

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'client-ids': { type: 'string' },
      'print-sdl': { type: 'boolean', default: false },
    },
    strict: true,
  });

  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: makeResolvers(
      makeProjects(
        parseClientIds(
          values['client-ids'] ??
            process.env.PROJECT_CLIENT_IDS ??
            '1,2,3,4,5,6,7,8,9,10',
        ),
      ),
    ),
  });

  if (values['print-sdl']) {
    process.stdout.write(printSubgraphSchema(schema) + '\n');
    return;
  }

  const port = Number.parseInt(values.port, 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`bad --port ${values.port}`);
  }
  const server = new ApolloServer({ schema, logger: stderrLogger });
  const { url } = await startStandaloneServer(server, {
    listen: { host: values.host, port },
  });
  process.stdout.write(`listening ${new URL('graphql', url)}\n`);
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
