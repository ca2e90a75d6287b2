// The pages of the app, for the tests that walk all of them (accessibility.test.mjs,
// languages.test.mjs): the routes of src/router.ts, the menu a role is offered, the pages no
// menu leads to, and opening a page inside the running app until it has loaded.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { apiLogin, gql } from './helpers.mjs'

/** Every route of the router: its name and its path, as written in src/router.ts. */
export async function routerRoutes() {
  const source = await readFile(new URL('../src/router.ts', import.meta.url), 'utf8')
  const routes = []
  for (const match of source.matchAll(/path: '([^']*)',\s*name: '([^']+)'/g)) routes.push({ path: match[1], name: match[2] })
  assert.ok(routes.length > 30, 'the routes were read from router.ts')
  return routes
}

/** The route a path opens: the same static segments, then no more segments than parameters. */
export function routeOf(routes, path) {
  const segments = path.replace(/^\//, '').split('/').filter(Boolean)
  let best = null
  for (const route of routes) {
    const parts = route.path.replace(/^\//, '').split('/').filter(Boolean)
    if (parts.some((p) => p.startsWith(':pathMatch'))) continue
    const fixed = parts.filter((p) => !p.startsWith(':'))
    const optional = parts.filter((p) => p.startsWith(':') && p.endsWith('?')).length
    const params = parts.length - fixed.length
    const fits =
      fixed.every((p, i) => segments[i] === p) &&
      segments.length >= parts.length - optional &&
      segments.length <= fixed.length + params
    if (fits && (!best || fixed.length > best.fixed)) best = { name: route.name, fixed: fixed.length }
  }
  return best?.name ?? 'not-found'
}

/** Count the requests in flight, so a page can be awaited until it has loaded its data. */
export function trackRequests(page) {
  const inFlight = new Set()
  page.on('request', (r) => inFlight.add(r))
  for (const done of ['requestfinished', 'requestfailed']) page.on(done, (r) => inFlight.delete(r))
  return inFlight
}

/** Wait until nothing has been in flight for a moment and no loading mask shows. */
export async function settle(page, inFlight) {
  const deadline = Date.now() + 15_000
  let quietSince = null
  while (Date.now() < deadline) {
    if (inFlight.size === 0) {
      quietSince ??= Date.now()
      if (Date.now() - quietSince >= 300) break
    } else quietSince = null
    await page.waitForTimeout(25)
  }
  // A loading mask still up blends into what axe measures (a primary button under it reads
  // as too pale): on a busy machine a report can take a while, so wait for it.
  await page
    .waitForFunction(() => !Array.from(document.querySelectorAll('.el-loading-mask')).some((el) => el.offsetParent !== null), null, {
      timeout: 30_000,
    })
    .catch(() => {})
}

/** Open a page inside the running app (as its links do), not by loading the app again. */
export async function openInApp(page, path) {
  await page.evaluate((to) => {
    history.pushState(null, '', to)
    window.dispatchEvent(new PopStateEvent('popstate', { state: null }))
  }, path)
  await page.waitForFunction((to) => location.pathname === to, path)
}

/** Pages not in any menu: one's own record, a posting's candidate board, a page that is not there. */
export async function extraPaths(username) {
  const { accessToken } = await apiLogin(username)
  const { data } = await gql(`{ me { role employee { id } } }`, {}, accessToken)
  const paths = ['/no-such-page']
  if (data.me.employee) paths.push(`/employees/${encodeURIComponent(data.me.employee.id)}`)
  if (['HQ_HR', 'BRANCH_HR'].includes(data.me.role)) {
    const postings = await gql('{ postings(first: 1) { edges { node { id } } } }', {}, accessToken)
    const posting = postings.data.postings.edges[0]?.node
    if (posting) paths.push(`/recruitment/postings/${encodeURIComponent(posting.id)}`)
  }
  return paths
}

/** The menu's entries for the signed-in role, as paths. */
export async function menuPaths(page) {
  const menu = await page.locator('[data-testid="nav-menu"] a[data-testid^="nav-"]').evaluateAll((links) =>
    links.map((a) => new URL(a.href).pathname),
  )
  assert.ok(menu.length > 0, 'a menu')
  return menu
}
