// The GraphQL-over-HTTP audit of graphql-http against a running server:
//   GRAPHQL_HTTP_USERNAME=… GRAPHQL_HTTP_PASSWORD=… node scripts/graphql-http-audit.mjs http://127.0.0.1:8765/graphql
// Prints every audit and fails (exit 1) when a MUST fails; SHOULD and MAY only warn.
//
// With a username it signs in first and sends every audit request with the access token, as
// every client of this API does: one audit asks for `__type`, and introspection is for
// signed-in users only (backend/talentloop/graphql/limits.py). tests/graphql-http/run.sh
// starts a server with such an account.
import { auditServer } from 'graphql-http'

const url = process.argv[2]
if (!url) {
  console.error('usage: graphql-http-audit.mjs <url of /graphql>')
  process.exit(2)
}

async function signIn(username, password) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      query: 'mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken errors { message } } }',
      variables: { u: username, p: password },
    }),
  })
  const { data } = await response.json()
  if (!data?.login?.accessToken) throw new Error(`sign-in as ${username} failed: ${JSON.stringify(data)}`)
  return data.login.accessToken
}

let fetchFn = fetch
const username = process.env.GRAPHQL_HTTP_USERNAME
if (username) {
  const token = await signIn(username, process.env.GRAPHQL_HTTP_PASSWORD ?? '')
  fetchFn = (input, init = {}) => {
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${token}`)
    return fetch(input, { ...init, headers })
  }
  console.log(`signed in as ${username}`)
} else {
  console.log('anonymous (introspection is refused to anonymous clients: one MUST fails)')
}

const results = await auditServer({ url, fetchFn })
const counts = {}
for (const result of results) {
  const level = result.name.split(' ')[0]
  counts[level] ??= { ok: 0, failed: 0 }
  counts[level][result.status === 'ok' ? 'ok' : 'failed'] += 1
  const mark = result.status === 'ok' ? 'ok  ' : result.status === 'error' ? 'FAIL' : result.status
  console.log(`${mark} ${result.id} ${result.name}`)
  if (result.status !== 'ok') {
    let body = ''
    try {
      body = await result.response.text()
    } catch {
      // the body was read by the audit already
    }
    console.log(`       ${result.reason}`)
    console.log(`       → ${result.response.status} ${result.response.headers.get('content-type') ?? ''} ${body.slice(0, 200)}`)
  }
}
const summary = Object.entries(counts).map(([level, { ok, failed }]) => `${ok} of ${ok + failed} ${level}`)
console.log(`graphql-http audit: ${summary.join(', ')} met`)
process.exit(counts.MUST?.failed ? 1 : 0)
