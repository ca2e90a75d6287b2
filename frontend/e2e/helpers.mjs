// Shared helpers for the browser tests: Debian's Chromium driven by playwright-core,
// against a running TalentLoop server (backend serving frontend/dist) with the demo data.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '')
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium'
export const PASSWORD = 'demo-2026'

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Run `fn` with a page in a fresh browser profile (own temp user-data-dir, so no
 * localStorage leaks between tests). Desktop viewport unless `viewport` is given; the machine's
 * time zone unless `timezoneId` is given (a laptop elsewhere: 'Europe/Berlin').
 */
export async function withPage(fn, { viewport = { width: 1366, height: 900 }, isMobile = false, timezoneId = undefined } = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'talentloop-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    isMobile,
    hasTouch: isMobile,
    locale: 'zh-CN',
    ...(timezoneId ? { timezoneId } : {}),
  })
  // 30 s: on CI's two cores a write can wait behind another group's work (a test that failed
  // at 15 s on a dialog closing after its save, twice, passed every time alone); a real
  // failure prints what the page said (below).
  context.setDefaultTimeout(30_000)
  const page = context.pages()[0] ?? (await context.newPage())
  const consoleErrors = []
  page.on('pageerror', (err) => consoleErrors.push(String(err)))
  try {
    await fn(page, { consoleErrors })
  } catch (err) {
    // What the page said when the test failed: the open dialogs, field errors and messages.
    const said = await page
      .evaluate(() =>
        [...document.querySelectorAll('.el-dialog, .el-form-item__error, .el-message, .el-alert')]
          .filter((el) => el.offsetParent !== null || el.classList.contains('el-message'))
          .map((el) => `${el.className.split(' ')[0]}: ${el.innerText.replace(/\s+/g, ' ').slice(0, 400)}`),
      )
      .catch(() => [])
    if (said.length) console.error(`the page at ${page.url()} said:\n  ${said.join('\n  ')}`)
    throw err
  } finally {
    await context.close()
    await rm(userDataDir, { recursive: true, force: true })
  }
}

/** A GraphQL request straight to the API (to learn what the UI should show). */
export async function gql(query, variables = {}, token = null) {
  const res = await fetch(`${BASE_URL}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  })
  const body = await res.json()
  return { status: res.status, ...body }
}

export async function apiLogin(username, password = PASSWORD) {
  const { data, errors } = await gql(
    `mutation ($input: LoginInput!) { login(input: $input) { accessToken refreshToken errors { message } } }`,
    { input: { username, password } },
  )
  const token = data?.login?.accessToken
  if (!token) throw new Error(`API login failed for ${username}: ${JSON.stringify(errors ?? data)}`)
  return { accessToken: token, refreshToken: data.login.refreshToken }
}

/** Sign in through the UI and wait until the app has left the sign-in page. */
export async function uiLogin(page, username, password = PASSWORD) {
  await page.goto(`${BASE_URL}/login`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

/** Wait until the employee list has rendered a result for the current filters. */
export async function waitForList(page) {
  await page.locator('[data-testid="employee-total"][data-count]').waitFor()
  await page.locator('[data-testid="employee-list"][data-loading="false"]').waitFor()
}

/**
 * Open a page from the menu, as a person would: on a phone the menu is a drawer behind the
 * toggle; the entry's group opens first if it is closed. `entry` is the entry's test id
 * (`nav-` and the page's path, e.g. `nav-leave`).
 */
/** Types into the input inside the element with `testid` and presses Enter (a date or a picker). */
export async function fill(scope, testid, value) {
  const input = scope.getByTestId(testid).locator('input')
  await input.fill(value)
  await input.press('Enter')
}

/** Finds a course by its code in the library and opens its detail. */
export async function openCourse(page, code) {
  await navTo(page, 'nav-courses')
  // Element's input puts the test id on the <input> itself
  await page.getByTestId('course-search').fill(code)
  await page.getByTestId('course-search').press('Enter')
  await page.locator(`[data-testid="course-card"][data-code="${code}"]`).click()
  await page.locator(`[data-testid="course-detail"][data-code="${code}"]`).waitFor()
}

export async function navTo(page, entry) {
  await page.locator('[data-testid="menu-toggle"]:visible, [data-testid="nav-menu"]:visible').first().waitFor()
  const toggle = page.getByTestId('menu-toggle')
  const phone = await toggle.isVisible()
  if (phone) await toggle.click()
  const link = page.getByTestId(entry).first()
  await link.waitFor({ state: 'attached' })
  const group = page.getByTestId('nav-group').filter({ has: link }).getByTestId('nav-group-toggle')
  if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click()
  await link.click()
  if (phone) await page.locator('.layout__drawer').waitFor({ state: 'hidden' })
}

/** Opens a unit of the org tree (on the org page) and waits until its own details show. */
export async function openUnit(page, code) {
  await page.getByTestId('org-tree').waitFor()
  await page.getByTestId(`org-node-${code}`).click()
  await page.getByTestId('org-detail').getByTestId('org-code').filter({ hasText: new RegExp(`^${code}$`) }).waitFor()
}

/**
 * Choose `name` in a select or tree select (`select`: its locator) and wait until it shows as
 * chosen. The options of a dialog's unit tree load when the dialog opens: a click that lands
 * while the tree is still being laid out can toggle a branch instead of choosing it, so the
 * choice is checked and made again (up to three times) — as a person would see and redo it.
 */
export async function pickOption(page, select, name) {
  const exact = new RegExp(`^\\s*${name}\\s*$`)
  for (let attempt = 1; ; attempt++) {
    await select.click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: exact }).first().click()
    try {
      await select.filter({ hasText: name }).waitFor({ timeout: 3_000 })
      return
    } catch (err) {
      if (attempt === 3) throw err
      await page.keyboard.press('Escape')
    }
  }
}

/**
 * The first day of the latest complete month in China, "YYYY-MM-01": where the forms that pick a
 * month for something to come open (src/utils/attendance.ts chinaLastMonth).
 */
export function chinaLastMonth(now = new Date()) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(now)
  const [year, month] = today.split('-').map(Number)
  return month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, '0')}-01`
}
