// WCAG 2.1 AA (issue #20): axe-core on every page of src/router.ts, as each demo role that is
// offered it, at desktop width and on a 390 px phone; no serious or critical violation. Then by
// keyboard: the skip link, the menu, the language switch's focus ring; and a title per page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { BASE_URL, uiLogin, withPage } from './helpers.mjs'
import { extraPaths, menuPaths, openInApp, routeOf, routerRoutes, settle, trackRequests } from './pages.mjs'

const require = createRequire(import.meta.url)
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const BLOCKING = new Set(['serious', 'critical'])

const DESKTOP = { width: 1366, height: 900 }
const PHONE = { width: 390, height: 844 }
const ROLES = ['hr.hq', 'hr.shanghai', 'manager.shanghai.sales', 'employee.shanghai.sales', 'boss', 'admin']

/** WCAG contrast ratio of two computed colours ("rgb(r, g, b)"). */
function contrast(a, b) {
  const luminance = (colour) => {
    const [r, g, bl] = colour.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => Number(v) / 255)
    const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl)
  }
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/** Amounts of money on the page that a line break splits (a phone must keep ¥12,345.00 whole). */
function brokenAmounts(page) {
  return page.evaluate(() => {
    const broken = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[¥￥]\s?-?[\d,]+(\.\d+)?/g)) {
        const range = document.createRange()
        range.setStart(node, match.index)
        range.setEnd(node, match.index + match[0].length)
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
        if (lines.size > 1) broken.push(match[0])
      }
    }
    return broken
  })
}

async function axe(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE })
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  )
}

/** One line per element of each serious or critical violation. */
function describe(where, violations) {
  const lines = []
  for (const v of violations.filter((x) => BLOCKING.has(x.impact))) {
    lines.push(`${where}: [${v.impact}] ${v.id}: ${v.help}`)
    for (const node of v.nodes.slice(0, 5)) {
      lines.push(`    ${node.target.join(' ')}  ${node.html.slice(0, 160)}`)
      const why = (node.failureSummary ?? '').split('\n').slice(1, 2).join(' ').trim()
      if (why) lines.push(`      ${why}`)
    }
    if (v.nodes.length > 5) lines.push(`    … and ${v.nodes.length - 5} more`)
  }
  return lines
}

/** Every route visited by some role; checked against router.ts once all roles have run. */
const visited = new Set()
const problems = []

async function auditPages(page, inFlight, paths, label, routes) {
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size)
    for (const path of paths) {
      await openInApp(page, path)
      await page.waitForTimeout(50)
      await settle(page, inFlight)
      const where = `${label} ${size.width}px ${path}`
      const title = await page.title()
      if (!title.includes('·') || title.startsWith('TalentLoop ·')) problems.push(`${where}: no page title (${title})`)
      if (size === PHONE) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        if (overflow > 0) problems.push(`${where}: the page scrolls sideways by ${overflow}px`)
        for (const amount of await brokenAmounts(page)) problems.push(`${where}: the amount ${amount} breaks over two lines`)
      }
      problems.push(...describe(where, (await axe(page)).violations))
      visited.add(routeOf(routes, path))
    }
  }
}

for (const username of ROLES) {
  test(`axe: every page ${username} is offered, on a desktop and a phone`, async () => {
    const routes = await routerRoutes()
    const extra = await extraPaths(username)
    const before = problems.length
    await withPage(async (page) => {
      const inFlight = trackRequests(page)
      // No fades: axe should judge the colours a page settles on, not a tag halfway in.
      await page.emulateMedia({ reducedMotion: 'reduce' })
      await uiLogin(page, username)
      await page.getByTestId('main-content').waitFor()
      // Element's buttons and masks ease colours in CSS whatever the motion setting (a PDF
      // button just enabled was measured at its disabled colour on a loaded machine): none here.
      await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' })
      await settle(page, inFlight)
      visited.add('home')
      const menu = await menuPaths(page)
      await auditPages(page, inFlight, [...menu, ...extra], username, routes)
    })
    const found = problems.slice(before)
    assert.equal(found.length, 0, `\n${found.join('\n')}`)
  })
}

test('axe: the sign-in page, on a desktop and a phone', async () => {
  await withPage(async (page) => {
    await page.emulateMedia({ reducedMotion: 'reduce' })
    const found = []
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size)
      await page.goto(`${BASE_URL}/login`)
      await page.getByTestId('login-username').waitFor()
      assert.match(await page.title(), /登录/)
      found.push(...describe(`signed out ${size.width}px /login`, (await axe(page)).violations))
      // The invitation page is public too (a link HR sends): its form, before any answer.
      await page.goto(`${BASE_URL}/invite/not-a-real-token`)
      await page.getByTestId('password-new').waitFor()
      found.push(...describe(`signed out ${size.width}px /invite`, (await axe(page)).violations))
    }
    visited.add('login')
    visited.add('invite')
    assert.equal(found.length, 0, `\n${found.join('\n')}`)
  })
})

test('axe ran on every route of router.ts', async () => {
  // first-password opens only for an account given an initial password: accounts.test.mjs walks it.
  const names = (await routerRoutes()).map((r) => r.name).filter((name) => name !== 'first-password')
  assert.deepEqual(
    names.filter((name) => !visited.has(name)),
    [],
    'routes no role visited',
  )
})

test('by keyboard: the skip link leads to the content, the menu opens a group and an entry opens its page', async () => {
  await withPage(async (page) => {
    await uiLogin(page, 'hr.shanghai')
    await page.getByTestId('main-content').waitFor()
    await page.goto(`${BASE_URL}/org`)
    await page.getByTestId('main-content').waitFor()

    // The first Tab reaches the skip link, which shows itself; Enter moves focus to the content.
    await page.keyboard.press('Tab')
    const skip = page.getByTestId('skip-link')
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the skip link comes first')
    const box = await skip.boundingBox()
    assert.ok(box && box.y >= 0, 'the focused skip link is on screen')
    assert.match(await skip.textContent(), /跳到主要内容/)
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-content')

    // Tab on from the skip link into the menu: the group of the page shown is open.
    await page.goto(`${BASE_URL}/org`)
    await page.getByTestId('main-content').waitFor()
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    const focused = () => page.evaluate(() => document.activeElement?.closest('[data-group]')?.getAttribute('data-group') ?? null)
    assert.equal(await focused(), 'workbench', 'the second Tab is in the menu')
    const groupOf = (key) => page.locator(`[data-testid="nav-group"][data-group="${key}"]`)
    assert.equal(await groupOf('people').getByTestId('nav-group-toggle').getAttribute('aria-expanded'), 'true')
    assert.equal(await groupOf('attendance').getByTestId('nav-group-toggle').getAttribute('aria-expanded'), 'false')
    assert.equal(await page.getByTestId('nav-attendance-sheet').isVisible(), false, 'a closed group hides its entries')

    // The arrow keys walk the menu down to the attendance group; Enter opens it.
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.closest('[data-group]')?.dataset.group)) !== 'attendance'; i++) {
      await page.keyboard.press('ArrowDown')
    }
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'nav-group-toggle')
    await page.keyboard.press('Enter')
    assert.equal(await groupOf('attendance').getByTestId('nav-group-toggle').getAttribute('aria-expanded'), 'true')
    await page.getByTestId('nav-attendance-sheet').waitFor()

    // ← closes it again, → opens it; then down to the sheet and Enter opens the page.
    await page.keyboard.press('ArrowLeft')
    assert.equal(await groupOf('attendance').getByTestId('nav-group-toggle').getAttribute('aria-expanded'), 'false')
    await page.keyboard.press('ArrowRight')
    assert.equal(await groupOf('attendance').getByTestId('nav-group-toggle').getAttribute('aria-expanded'), 'true')
    for (let i = 0; i < 6 && (await page.evaluate(() => document.activeElement?.dataset.testid)) !== 'nav-attendance-sheet'; i++) {
      await page.keyboard.press('ArrowDown')
    }
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/attendance-sheet$/)
    await page.getByTestId('attendance-sheet-view').waitFor()
    assert.equal(await page.getByTestId('nav-attendance-sheet').getAttribute('aria-current'), 'page')
    assert.match(await page.title(), /^考勤月报 · TalentLoop$/)
  })
})

test('the language switch shows where the keyboard focus is', async () => {
  await withPage(async (page) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.getByTestId('main-content').waitFor()
    const chinese = page.getByTestId('lang-zh-CN').locator('.el-radio-button__inner')
    const ring = () => chinese.evaluate((el) => {
      const style = getComputedStyle(el)
      return { outline: `${style.outlineStyle} ${style.outlineWidth}`, shadow: style.boxShadow }
    })
    const unfocused = await ring()
    // Reach the switch by keyboard (Tab until the focus is on its radio).
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab')
      if (await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="lang-switch"]')))) break
    }
    assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid="lang-switch"]'))), 'Tab reaches the switch')
    // Element's radio buttons ease every change in over 0.3 s: wait for the ring to settle.
    await page
      .waitForFunction(() => getComputedStyle(document.querySelector('[data-testid="lang-zh-CN"] .el-radio-button__inner')).outlineWidth === '2px', null, {
        timeout: 3_000,
      })
      .catch(() => {})
    const focused = await ring()
    assert.notDeepEqual(focused, unfocused, 'the focused switch looks different')
    assert.match(focused.outline, /^solid [2-9]/, 'a solid focus outline, 2px or more')
    // WCAG 1.4.11: the ring stands out from the header behind it at 3:1 or more.
    const [ringColour, behind] = await chinese.evaluate((el) => [
      getComputedStyle(el).outlineColor,
      getComputedStyle(el.closest('.layout__header')).backgroundColor,
    ])
    assert.ok(contrast(ringColour, behind) >= 3, `focus ring ${ringColour} on ${behind}: ${contrast(ringColour, behind).toFixed(2)}:1`)
  })
})
