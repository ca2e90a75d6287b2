// The performance screens as people see them: the KPI dashboard (a manager's own department,
// nothing of other branches), My KPIs (an employee sees only their own, also on a phone),
// the assessment to-do, performance pay, and the import wizard's check-then-import.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

/** The demo's latest month with results. */
const LAST_PERIOD = '2026-10-01'
const SHANGHAI_SALES = '上海销售部'
const SHANGHAI_TEAMS = ['上海销售一组', '上海销售二组']
const OTHER_CITIES = ['北京', '深圳']

async function kpiIds(token) {
  const { data } = await gql(`{ kpis { id code } }`, {}, token)
  return Object.fromEntries(data.kpis.map((k) => [k.code, k.id]))
}

/** Text of the whole document, hidden parts included (a dropdown's options, say). */
function documentText(page) {
  return page.evaluate(() => document.body.textContent ?? '')
}

async function breakdownRows(page) {
  await page.locator('[data-testid="breakdown-list"][data-loading="false"]').waitFor()
  return page.getByTestId('breakdown-row').evaluateAll((rows) =>
    rows.map((row) => ({
      kind: row.dataset.kind,
      id: row.dataset.id,
      name: row.querySelector('[data-testid="breakdown-name"]')?.textContent?.trim() ?? '',
    })),
  )
}

test('a manager sees their department on the KPI dashboard, split into its two teams', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql(`{ me { scopeUnit { id name } } }`, {}, accessToken)
  assert.equal(data.me.scopeUnit?.name, SHANGHAI_SALES)
  const kpis = await kpiIds(accessToken)
  const team = await gql(
    `query ($u: ID!, $k: ID!, $p: Date!) { unitKpiBreakdown(unitId: $u, kpiId: $k, period: $p) { unit { id name } employee { id name } } }`,
    { u: data.me.scopeUnit.id, k: kpis.NEW_CUSTOMERS, p: LAST_PERIOD },
    accessToken,
  )
  const teamOne = team.data.unitKpiBreakdown.find((r) => r.unit?.name === SHANGHAI_TEAMS[0])
  assert.ok(teamOne, `${SHANGHAI_TEAMS[0]} is in the API's breakdown`)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-dashboard')
    await page.waitForURL(/\/dashboard/)

    // The trend: the department, twelve months, drawn.
    const trend = page.locator('[data-testid="trend-chart"][data-loading="false"]')
    await trend.waitFor()
    assert.equal(await trend.getAttribute('data-unit-id'), data.me.scopeUnit.id)
    assert.equal(await trend.getAttribute('data-points'), '12')
    assert.match(await page.getByTestId('dashboard-unit-name').textContent(), new RegExp(SHANGHAI_SALES))
    // Drawn: ECharts' SVG output is in the page (the lines themselves have no height to be "visible").
    await trend.locator('svg path').first().waitFor({ state: 'attached' })
    await page.getByTestId('breakdown-chart').locator('svg path').first().waitFor({ state: 'attached' })

    // The breakdown: the two teams side by side (then the department's own direct members).
    const rows = await breakdownRows(page)
    const units = rows.filter((r) => r.kind === 'unit').map((r) => r.name)
    assert.deepEqual(units.sort(), [...SHANGHAI_TEAMS].sort())
    for (const row of rows) assert.ok(['unit', 'employee'].includes(row.kind))
    const levels = await page.getByTestId('breakdown-row').evaluateAll((els) => els.map((el) => el.dataset.level))
    assert.ok(levels.every((l) => ['good', 'warn', 'bad', 'none'].includes(l)))

    // Nothing of the other branches anywhere on the page, not even in hidden menus.
    const text = await documentText(page)
    for (const city of OTHER_CITIES) assert.ok(!text.includes(city), `the dashboard mentions ${city}`)
    await page.screenshot({ path: '/tmp/talentloop-dashboard.png', fullPage: true })

    // Clicking a team drills down to its members.
    await page.getByTestId('breakdown-row').filter({ hasText: SHANGHAI_TEAMS[0] }).click()
    await page.waitForURL((url) => url.searchParams.get('unit') === teamOne.unit.id)
    await page.locator(`[data-testid="trend-chart"][data-unit-id="${teamOne.unit.id}"][data-loading="false"]`).waitFor()
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="breakdown-row"]')].every((r) => r.dataset.kind === 'employee'),
    )
    const members = await breakdownRows(page)
    assert.ok(members.length > 1, 'the team has members')
    assert.ok(members.every((r) => r.kind === 'employee'))
    assert.ok(await page.getByTestId('dashboard-trail').getByText(SHANGHAI_SALES).isVisible())

    assert.deepEqual(consoleErrors, [])
  })
})

test('an employee sees only their own KPIs, and no dashboard', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql(`{ me { employee { id name unit { id } } } }`, {}, accessToken)
  const me = data.me.employee
  assert.ok(me, 'the employee account has an employee record')
  // My KPIs opens where the dashboards do: the latest closed month, else the latest with data
  // (a later month another test recorded, say).
  const { start } = (await gql('{ performancePeriods { start } }', {}, accessToken)).data.performancePeriods
  assert.ok(start >= LAST_PERIOD, start)
  const own = await gql(
    `query ($e: ID!) { employeeKpis(employeeId: $e, from: "2025-11-01", to: "${start}") { kpi { code } points { period actual } } }`,
    { e: me.id },
    accessToken,
  )
  assert.ok(own.data.employeeKpis.length > 0, 'the demo data gives the employee KPIs')

  // Team-mates' names, as their manager sees them: none may show up for the employee.
  const manager = await apiLogin('manager.shanghai.sales')
  const kpis = await kpiIds(manager.accessToken)
  const team = await gql(
    `query ($u: ID!, $k: ID!, $p: Date!) { unitKpiBreakdown(unitId: $u, kpiId: $k, period: $p) { employee { id name } } }`,
    { u: me.unit.id, k: kpis.NEW_CUSTOMERS, p: LAST_PERIOD },
    manager.accessToken,
  )
  const others = team.data.unitKpiBreakdown.map((r) => r.employee).filter((e) => e && e.id !== me.id && e.name !== me.name)
  assert.ok(others.length > 0, 'the employee has team-mates')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.getByTestId('workbench').waitFor()

    // The menu: My KPIs, and none of the screens for managers and HR.
    await page.getByTestId('nav-my-kpis').first().waitFor({ state: 'attached' })
    for (const entry of ['nav-dashboard', 'nav-assessments', 'nav-pay', 'nav-import']) {
      assert.equal(await page.getByTestId(entry).count(), 0, `${entry} is not offered to an employee`)
    }

    await navTo(page, 'nav-my-kpis')
    await page.waitForURL(/\/my-kpis/)
    await page.locator('[data-testid="my-kpis"][data-loading="false"]').waitFor()
    assert.match(await page.getByTestId('my-kpis-name').textContent(), new RegExp(me.name))
    assert.equal(await page.getByTestId('my-kpis').getAttribute('data-month'), start.slice(0, 7))
    const codes = await page.getByTestId('my-kpi-card').evaluateAll((cards) => cards.map((c) => c.dataset.code))
    assert.deepEqual([...codes].sort(), own.data.employeeKpis.map((s) => s.kpi.code).sort())

    // The month's new customers, as the API has them.
    const newCustomers = own.data.employeeKpis.find((s) => s.kpi.code === 'NEW_CUSTOMERS')
    const point = newCustomers?.points.find((p) => p.period === start)
    if (point?.actual) {
      const card = page.locator('[data-testid="my-kpi-card"][data-code="NEW_CUSTOMERS"]')
      assert.equal((await card.getByTestId('my-kpi-actual').textContent()).trim(), String(Number(point.actual)))
    }
    let text = await documentText(page)
    for (const other of others) assert.ok(!text.includes(other.name), `My KPIs shows ${other.name}`)

    // Typing the dashboard's address shows a "no access" page and nobody's figures.
    await page.goto(`${BASE_URL}/dashboard`)
    await page.getByTestId('no-access').waitFor()
    assert.equal(await page.getByTestId('breakdown-row').count(), 0)
    assert.equal(await page.getByTestId('trend-chart').count(), 0)
    text = await documentText(page)
    for (const other of others) assert.ok(!text.includes(other.name), `the dashboard URL shows ${other.name}`)

    assert.deepEqual(consoleErrors, [])
  })
})

test('My KPIs on a phone (390×844): one column of cards, no sideways scrolling', async () => {
  await withPage(
    async (page, { consoleErrors }) => {
      await uiLogin(page, 'employee.shanghai.sales')
      await page.goto(`${BASE_URL}/my-kpis`)
      await page.locator('[data-testid="my-kpis"][data-loading="false"]').waitFor()
      await page.locator('[data-testid="my-kpi-card"] svg path').first().waitFor({ state: 'attached' })
      await page.screenshot({ path: '/tmp/talentloop-my-kpis-phone.png', fullPage: true })

      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`)
      const boxes = await page.getByTestId('my-kpi-card').evaluateAll((cards) =>
        cards.map((c) => {
          const box = c.getBoundingClientRect()
          const chart = c.querySelector('svg')?.getBoundingClientRect()
          return { left: box.left, right: box.right, top: box.top, chartRight: chart?.right ?? 0 }
        }),
      )
      assert.ok(boxes.length >= 2)
      for (const [i, box] of boxes.entries()) {
        assert.ok(box.left >= 0 && box.right <= 390, `card ${i} fits the screen`)
        assert.ok(box.right - box.left > 300, `card ${i} takes the width`)
        assert.ok(box.chartRight <= box.right, `card ${i}'s trend fits in the card`)
        if (i > 0) assert.ok(box.top > boxes[i - 1].top, 'cards are stacked')
      }
      assert.equal(await page.getByTestId('nav-my-kpis').isVisible(), false, 'the menu is a drawer')
      assert.deepEqual(consoleErrors, [])
    },
    { viewport: { width: 390, height: 844 }, isMobile: true },
  )
})

test('a manager\'s assessment to-do lists the open requests first', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql(`{ assessmentRequests(status: [OPEN]) { totalCount } }`, {}, accessToken)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-assessments')
    await page.locator('[data-testid="assessments-open-list"][data-loading="false"]').waitFor()
    const open = page.locator('[data-testid="assessments-open-total"][data-count]')
    await open.waitFor()
    assert.equal(Number(await open.getAttribute('data-count')), data.assessmentRequests.totalCount)
    if (data.assessmentRequests.totalCount > 0) {
      // Each section is a list; their rows in page order, by the status each shows.
      const statuses = await page
        .locator('[data-testid^="assessments-"][data-testid$="-row"] [data-request-status]')
        .evaluateAll((tags) => tags.map((t) => t.dataset.requestStatus))
      assert.equal(statuses[0], 'OPEN')
      const firstClosed = statuses.findIndex((s) => s !== 'OPEN')
      assert.ok(firstClosed === -1 || statuses.slice(firstClosed).every((s) => s !== 'OPEN'), 'no open request after a closed one')
    }
    const text = await documentText(page)
    for (const city of OTHER_CITIES) assert.ok(!text.includes(city), `the to-do mentions ${city}`)
    assert.deepEqual(consoleErrors, [])
  })
})

test('performance pay shows the condition, the progress and each month; HR may ask to restore', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql(
    `{ paySuspensions { id status unit { name } progress { periods { met } streak required percentOfThreshold } } }`,
    {},
    accessToken,
  )
  assert.ok(data.paySuspensions.length > 0, 'the demo data suspends a unit\'s performance pay')
  const suspension = data.paySuspensions[0]

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-pay')
    const card = page.locator(`[data-testid="pay-suspension"][data-id="${suspension.id}"]`)
    await card.waitFor()
    assert.match(await card.textContent(), new RegExp(suspension.unit.name))
    assert.ok((await card.getByTestId('pay-condition').textContent()).includes('≥'))
    const met = await card.getByTestId('pay-period').evaluateAll((els) => els.map((el) => el.dataset.met === 'true'))
    assert.deepEqual(met, suspension.progress.periods.map((p) => p.met))
    assert.match(
      await card.getByTestId('pay-streak').textContent(),
      new RegExp(`连续 ${suspension.progress.streak} 个月达标（需 ${suspension.progress.required} 个月）`),
    )
    if (suspension.status === 'SUSPENDED') {
      await card.getByTestId('pay-request-open').click()
      await card.getByTestId('pay-restore-from').waitFor()
      await card.getByTestId('pay-request-submit').waitFor()
    }
    await page.screenshot({ path: '/tmp/talentloop-pay.png', fullPage: true })
    assert.deepEqual(consoleErrors, [])
  })
})

test('the import wizard checks a file, groups its bad rows, and imports only after a clean check', async () => {
  // Rows that are already in the demo data: importing them changes nothing, so the test can run again.
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql(
    `{ performanceRecords(first: 2, filter: { periodFrom: "${LAST_PERIOD}", periodTo: "${LAST_PERIOD}" }) {
         edges { node { employee { employeeNumber } kpi { code } period value dimension } } } }`,
    {},
    accessToken,
  )
  const records = data.performanceRecords.edges.map((e) => e.node)
  assert.ok(records.length > 0, 'hr.shanghai sees KPI records')
  const header = 'employee_number,kpi_code,period,value,dimension'
  const good = records.map((r) => [r.employee.employeeNumber, r.kpi.code, r.period.slice(0, 7), r.value, r.dimension].join(','))
  const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-import-'))
  const badFile = path.join(dir, 'bad.csv')
  const goodFile = path.join(dir, 'good.csv')
  await writeFile(badFile, [header, ...good, 'NO-SUCH-EMPLOYEE,NEW_CUSTOMERS,2026-10,3,', `${records[0].employee.employeeNumber},NEW_CUSTOMERS,2026-13,x,`, ''].join('\n'))
  await writeFile(goodFile, [header, ...good, ''].join('\n'))

  /** The wizard's two mapping steps, nothing to change: on to the check. */
  async function toCheck(page) {
    await page.getByTestId('import-columns-step').waitFor()
    await page.getByTestId('import-next').click()
    await page.getByTestId('import-values-step').waitFor()
    await page.getByTestId('import-next').click()
  }

  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.shanghai')
      await navTo(page, 'nav-import')
      await page.getByTestId('import-kind-KPI_RECORDS').click()
      const input = page.locator('[data-testid="import-file"] input[type=file]')

      // A file with bad rows: the check groups them (rows, column, values); import stays off.
      await input.setInputFiles(badFile)
      await toCheck(page)
      await page.locator('[data-testid="import-result"][data-status="INVALID"]').waitFor()
      const rows = (await page.getByTestId('import-error-rows').allTextContents()).join(' ')
      assert.match(rows, new RegExp(`\\b${good.length + 2}\\b`), "the unknown employee's row is listed")
      const values = await page.getByTestId('import-error-value').allTextContents()
      assert.ok(values.includes('NO-SUCH-EMPLOYEE') && values.includes('2026-13'), values.join(' '))
      assert.equal(await page.getByTestId('import-run').isDisabled(), true)

      // The same rows without the bad ones: a clean check, then the import.
      await page.getByTestId('import-new-file').click()
      await input.setInputFiles(goodFile)
      await toCheck(page)
      await page.locator('[data-testid="import-result"][data-status="VALID"]').waitFor()
      assert.equal(await page.getByTestId('import-run').isDisabled(), false)
      await page.getByTestId('import-run').click()
      await page.locator('[data-testid="import-result"][data-status="DONE"]').waitFor()
      assert.equal((await page.getByTestId('import-count-total').textContent()).trim(), String(good.length))
      assert.equal((await page.getByTestId('import-count-unchanged').textContent()).trim(), String(good.length))
      assert.match(await page.getByTestId('import-progress-text').textContent(), new RegExp(`${good.length}\\s*/\\s*${good.length}`))
      assert.equal(await page.getByTestId('import-run').count(), 0, 'imported once')
      assert.deepEqual(consoleErrors, [])
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('server errors come in the language of the interface', async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/login`)
    await page.getByTestId('login-username').fill('hr.shanghai')
    await page.getByTestId('login-password').fill('wrong-password')
    await page.getByTestId('login-submit').click()
    await page.getByTestId('login-error').getByText('用户名或密码错误').waitFor()
    // In English the server answers in English (the SPA sends Accept-Language with its locale).
    await page.getByTestId('lang-en').click()
    await page.getByTestId('login-submit').click()
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="login-error"]')?.textContent ?? ''
      return text.trim().length > 0 && !/[\u4e00-\u9fff]/.test(text)
    })
    const english = (await page.getByTestId('login-error').textContent()).trim()
    assert.match(english, /username or password/i)
  })
})
