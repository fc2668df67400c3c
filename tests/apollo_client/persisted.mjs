// A real Apollo Client with its persisted-query link, against the service.
//
// node persisted.mjs --url URL --operation NAME [--get]
//
// Runs `query NAME($id: ID!) { client(id: $id) { id corporateName } }` for
// ids 1, 2, 1, and prints one JSON line to stdout: the answers' data and
// every HTTP request the link made (method, whether it carried the hash and
// the text, and the status it got). With --get, hash-only requests are GETs
// (`useGETForHashedQueries`); the text always goes by POST, as the link does.
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    operation: { type: "string", default: "One" },
    get: { type: "boolean", default: false },
  },
});

const sent = [];

async function recordingFetch(input, init = {}) {
  const url = new URL(typeof input === "string" ? input : input.url);
  const method = init.method ?? "GET";
  const body = typeof init.body === "string" ? JSON.parse(init.body) : {};
  const extensions =
    body.extensions ?? JSON.parse(url.searchParams.get("extensions") ?? "{}");
  const response = await fetch(input, init);
  sent.push({
    method,
    hash: Boolean(extensions.persistedQuery?.sha256Hash),
    text: Boolean(body.query ?? url.searchParams.get("query")),
    status: response.status,
  });
  return response;
}

const link = new PersistedQueryLink({
  sha256: (text) => createHash("sha256").update(text).digest("hex"),
  useGETForHashedQueries: values.get,
}).concat(new HttpLink({ uri: values.url, fetch: recordingFetch }));
const client = new ApolloClient({ link, cache: new InMemoryCache() });

const query = gql(
  `query ${values.operation}($id: ID!) { client(id: $id) { id corporateName } }`,
);
const answers = [];
for (const id of ["1", "2", "1"]) {
  const result = await client.query({
    query,
    variables: { id },
    fetchPolicy: "no-cache",
  });
  answers.push(result.data);
}
process.stdout.write(`${JSON.stringify({ answers, sent })}\n`);
