// A KPI measured per year (issue 22 point 4): HQ HR defines it in the app, sets the Shanghai
// sales department's target for the year from the targets tab (the month picked lies in the
// year), and the dashboard names its periods by the year.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, chinaLastMonth, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const SHANGHAI_SALES = '上海销售部'
const stamp = () => String(Date.now() % 1_000_000)

async function pickOption(page, scope, testid, name) {
  await scope.getByTestId(testid).click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).first().click()
}

function row(page, testid, text) {
  return page.getByTestId(`${testid}-row`).filter({ hasText: text })
}

test('HQ HR defines a yearly KPI, sets a target for the year, and the dashboard shows the year', async () => {
  const code = `E2E_YEAR_${stamp()}`
  const name = `年度指标${code.slice(-4)}`
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-kpis')
    await page.waitForURL(/\/kpis$/)
    await page.getByTestId('kpi-add').click()
    const form = page.getByTestId('kpi-form-dialog')
    await form.getByTestId('kpi-form-code').fill(code)
    await form.getByTestId('kpi-form-name').fill(name)
    await pickOption(page, form, 'kpi-form-periodType', '年度')
    await form.getByTestId('kpi-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    const kpiRow = row(page, 'kpis', code)
    await kpiRow.waitFor()
    assert.match(await kpiRow.textContent(), /年度/)

    // The targets tab opens on the latest complete month: a yearly KPI's target is its year's.
    await pickOption(page, page, 'kpi-targets-kpi', name)
    await page.getByTestId('kpi-target-add').click()
    const target = page.getByTestId('kpi-target-form-dialog')
    await pickOption(page, target, 'kpi-target-form-unit', SHANGHAI_SALES)
    await target.getByTestId('kpi-target-form-value').locator('input').fill('120')
    await target.getByTestId('kpi-target-form-submit').click()
    await target.waitFor({ state: 'hidden' })
    const set = row(page, 'kpi-targets', SHANGHAI_SALES)
    await set.waitFor()
    assert.equal((await set.getByTestId('kpi-targets-period').textContent()).trim(), chinaLastMonth().slice(0, 4))

    // A result for the year, then the dashboard: its period is named 2026.
    const { accessToken } = await apiLogin('hr.hq')
    const found = await gql(`{ kpis { id code } }`, {}, accessToken)
    const kpiId = found.data.kpis.find((k) => k.code === code).id
    const self = await apiLogin('employee.shanghai.sales')
    const me = await gql('{ me { employee { id } } }', {}, self.accessToken)
    const recorded = await gql(
      'mutation ($input: RecordPerformanceInput!) { recordPerformance(input: $input) { errors { message } } }',
      { input: { employeeId: me.data.me.employee.id, kpiId, period: '2026-01-01', value: '80' } },
      accessToken,
    )
    assert.deepEqual(recorded.data.recordPerformance.errors, [])
    await page.goto(new URL(`/dashboard?kpi=${encodeURIComponent(code)}`, page.url()).href)
    const caption = page.locator('[data-testid="dashboard-caption"][data-ready="true"]')
    await caption.waitFor()
    assert.equal(await caption.getAttribute('data-month'), '2026-01')
    assert.match(await caption.textContent(), /2026(?!-)/)
    assert.deepEqual(consoleErrors, [])
  })
})
