// Runs graphql-http's server audits against a live GraphQL endpoint.
//
//   node audit.mjs --url http://127.0.0.1:PORT/graphql
//
// Prints one JSON array on stdout: {id, name, status, reason} per audit,
// status "ok", "notice", "warn" or "error" ("error" too when an audit threw).
// Judging the results is the caller's job; the exit code is 0 unless the
// arguments are wrong.
import { serverAudits } from 'graphql-http';

function argument(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const url = argument('--url');
if (!url) {
  console.error('usage: node audit.mjs --url URL');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  try {
    const result = await audit.fn();
    results.push({
      id: result.id,
      name: result.name,
      status: result.status,
      reason: result.status === 'ok' ? '' : result.reason,
    });
  } catch (error) {
    results.push({ id: audit.id, name: audit.name, status: 'error', reason: `threw: ${error}` });
  }
}
process.stdout.write(JSON.stringify(results) + '\n');
