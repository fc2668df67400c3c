#!/usr/bin/env node
// The Node peer of wethod-graphql, for bench/run: Apollo Server 5 with
// @apollo/datasource-rest over the same Wethod client endpoint, answering the
// same query shape. Written the way a good Node facade is written, not as a
// strawman: one RESTDataSource per request (it dedupes concurrent identical
// GETs within the request), the include asked for only when the selection
// needs it, parsed/validated documents cached by Apollo, fields mapped once.
//
//   UPSTREAM_URL=http://127.0.0.1:8081 node server.mjs [--port P] [--host H] [--workers N]
//
// Env: UPSTREAM_URL (default https://api.wethod.com), and, as in wethod-graphql,
// WETHOD_TOKEN / WETHOD_COMPANY used when a request carries no Authorization /
// Wethod-Company, WETHOD_API_VERSION sent as Wethod-Version (default 2024-06-15).
// --workers N > 1 runs N processes under node:cluster sharing the port.
// The first stdout line is `listening http://HOST:PORT/graphql`.
import cluster from 'node:cluster';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource } from '@apollo/datasource-rest';
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLScalarType,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
} from 'graphql';

function parseArgs(argv) {
  const out = { port: 4000, host: '127.0.0.1', workers: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--port') out.port = Number(value());
    else if (flag === '--host') out.host = value();
    else if (flag === '--workers') out.workers = Math.max(1, Number(value()));
    else {
      process.stderr.write(`usage: server.mjs [--port P] [--host H] [--workers N]\n`);
      process.exit(2);
    }
  }
  return out;
}

const typeDefs = /* GraphQL */ `
  scalar DateTime
  scalar Date

  enum DeletionFilter { EXCLUDE INCLUDE ONLY }

  type Query {
    client(id: ID!, deleted: DeletionFilter! = EXCLUDE): Client
  }

  type Client {
    id: ID!
    createdAt: DateTime
    updatedAt: DateTime
    deletedAt: DateTime
    corporateName: String
    acronym: String
    email: String
    notes: String
    website: String
    linkedin: String
    description: String
    street: String
    zipCode: String
    town: String
    country: String
    vat: String
    paymentCondition: String
    groupCompany: Int
    sdiCode: String
    pec: String
    administrationEmail: String
    companyRegistrationNumber: String
    legalName: String
    intentCode: String
    intentDate: Date
    phone: String
    taxReference: String
    groupId: ID
    bankAccountId: ID
    vatRateId: ID
    paymentTermId: ID
    externalIdentifiers: [ExternalIdentifier!]!
  }

  type ExternalIdentifier {
    id: ID!
    createdAt: DateTime
    updatedAt: DateTime
    deletedAt: DateTime
    externalId: String
    type: String
  }
`;

// The REST API already sends ISO 8601 strings: pass them through.
const isoString = (name) =>
  new GraphQLScalarType({
    name,
    serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
    parseValue: String,
  });

const snakeToCamel = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

// snake_case REST record -> camelCase GraphQL object, once, so every field
// then resolves with graphql-js's default resolver.
function toGraphQL(record) {
  const out = {};
  for (const key in record) {
    const value = record[key];
    out[snakeToCamel(key)] = Array.isArray(value) ? value.map(toGraphQL) : value;
  }
  out.externalIdentifiers ??= [];
  return out;
}

class WethodAPI extends RESTDataSource {
  constructor({ baseURL, authorization, company, version, cache }) {
    super({ cache });
    this.baseURL = baseURL;
    this.authorization = authorization;
    this.company = company;
    this.version = version;
  }

  willSendRequest(_path, request) {
    if (this.authorization) request.headers.authorization = this.authorization;
    if (this.company) request.headers['wethod-company'] = this.company;
    request.headers['wethod-version'] = this.version;
  }

  async getClient(id, deleted, includes) {
    const params = { deleted };
    if (includes.length) params.include = includes.join(',');
    return toGraphQL(await this.get(`api/clients/${encodeURIComponent(id)}`, { params }));
  }
}

// Does the selection of this field select `name`, through fragments and
// inline fragments, honouring @skip/@include?
function selects(info, name) {
  const included = (node) =>
    !getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if &&
    getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
  const visit = (selectionSet) =>
    selectionSet.selections.some((sel) => {
      if (!included(sel)) return false;
      if (sel.kind === Kind.FIELD) return sel.name.value === name;
      if (sel.kind === Kind.INLINE_FRAGMENT) return visit(sel.selectionSet);
      const fragment = info.fragments[sel.name.value];
      return fragment !== undefined && visit(fragment.selectionSet);
    });
  return info.fieldNodes.some((node) => node.selectionSet && visit(node.selectionSet));
}

const resolvers = {
  DateTime: isoString('DateTime'),
  Date: isoString('Date'),
  Query: {
    async client(_root, { id, deleted }, { dataSources }, info) {
      if (!/^[0-9]+$/.test(id) || Number(id) < 1) {
        throw new GraphQLError('id must be a positive integer', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      const includes = selects(info, 'externalIdentifiers') ? ['externalIdentifiers'] : [];
      try {
        return await dataSources.wethod.getClient(id, deleted.toLowerCase(), includes);
      } catch (error) {
        if (error.extensions?.response?.status === 404) {
          throw new GraphQLError('client not found', { extensions: { code: 'NOT_FOUND' } });
        }
        throw error;
      }
    },
  },
};

async function startWorker({ host, port }) {
  const baseURL = (process.env.UPSTREAM_URL ?? 'https://api.wethod.com').replace(/\/?$/, '/');
  const defaultToken = process.env.WETHOD_TOKEN;
  const defaultCompany = process.env.WETHOD_COMPANY;
  const version = process.env.WETHOD_API_VERSION ?? '2024-06-15';

  const server = new ApolloServer({
    typeDefs,
    resolvers,
    // RESTDataSource puts the upstream URL and body in extensions.response:
    // keep only the status, as a facade should.
    formatError: (formatted) => {
      const { response, ...extensions } = formatted.extensions ?? {};
      if (response) extensions.upstream = { status: response.status };
      return { ...formatted, extensions };
    },
  });
  const { cache } = server;
  const { url } = await startStandaloneServer(server, {
    listen: { host, port },
    context: async ({ req }) => ({
      dataSources: {
        wethod: new WethodAPI({
          baseURL,
          cache,
          version,
          authorization:
            req.headers.authorization ?? (defaultToken ? `Bearer ${defaultToken}` : undefined),
          company: req.headers['wethod-company'] ?? defaultCompany,
        }),
      },
    }),
  });
  return url;
}

const args = parseArgs(process.argv.slice(2));
const graphqlURL = (url) => `${url.replace(/\/$/, '')}/graphql`;

if (args.workers > 1 && cluster.isPrimary) {
  // Every worker listens on the same port (with --port 0 cluster hands them
  // one random port); print the URL once all of them are up.
  let listening = 0;
  let shuttingDown = false;
  cluster.on('listening', (_worker, address) => {
    if (++listening === args.workers) {
      process.stdout.write(`listening ${graphqlURL(`http://${args.host}:${address.port}`)}\n`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!shuttingDown) {
      process.stderr.write(`worker ${worker.process.pid} died (${signal ?? code})\n`);
      process.exit(1);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      shuttingDown = true;
      for (const worker of Object.values(cluster.workers)) worker.kill('SIGTERM');
      process.exit(0);
    });
  }
  for (let i = 0; i < args.workers; i++) cluster.fork();
} else {
  const url = await startWorker(args);
  if (cluster.isPrimary) process.stdout.write(`listening ${graphqlURL(url)}\n`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
}
