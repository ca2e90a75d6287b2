// Opening payroll figures (issue 22): HQ HR enters what a previous system paid a person from
// January through June on the 工资期初数 page — a months-employed figure past the last month is
// refused on its field by the server — then changes the tax withheld and removes the figures.
// The person is new, in Shenzhen, for last year: no other browser test runs their payroll.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const suffix = String(Date.now() % 1_000_000)
const LIST = `query($y: Int!) { payrollOpenings(year: $y, first: 100) { edges { node { lastMonth monthsEmployed income tax note employee { name } } } } }`

test('HQ HR sets, corrects and removes a person’s opening payroll figures', async () => {
  const hq = (await apiLogin('hr.hq')).accessToken
  const year = new Date().getFullYear() - 1
  const units = (await gql('{ orgUnits { id name city } }', {}, hq)).data.orgUnits
  const unit = units.find((u) => u.city === '深圳' && u.name.includes('部')) ?? units.find((u) => u.city === '深圳')
  assert.ok(unit, 'a Shenzhen unit')
  const name = `期初${suffix}`
  const created = await gql(
    `mutation ($input: CreateEmployeeInput!) { createEmployee(input: $input) { employee { id } errors { field code } } }`,
    { input: { employeeNumber: `E2E-OP${suffix}`, name, unitId: unit.id, hireDate: '2020-01-01', status: 'ACTIVE' } },
    hq,
  )
  assert.deepEqual(created.data.createEmployee.errors, [])

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-payroll-openings')
    await page.locator('[data-testid="payroll-openings-list"][data-loading="false"]').waitFor()
    await page.getByTestId('payroll-openings-year').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: String(year) }).first().click()
    await page.locator('[data-testid="payroll-openings-list"][data-loading="false"]').waitFor()

    await page.getByTestId('payroll-opening-add').click()
    const form = page.getByTestId('payroll-opening-form-dialog')
    await form.getByTestId('payroll-opening-form-employee').click()
    await page.keyboard.type(name)
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: name }).first().click()
    const number = async (key, value) => {
      const input = form.getByTestId(`payroll-opening-form-${key}`).locator('input')
      await input.fill(String(value))
      await input.press('Tab')
    }
    await number('lastMonth', 6)
    await number('monthsEmployed', 7) // one more than the months paid: the server says so
    await number('income', 120000)
    await number('contributions', 18000)
    await number('specialAdditional', 12000)
    await number('tax', 2000)
    await form.getByTestId('payroll-opening-form-note').fill('旧系统 1–6 月')
    await form.getByTestId('payroll-opening-form-submit').click()
    await form.getByTestId('payroll-opening-form-item-monthsEmployed').locator('.el-form-item__error').waitFor()
    await number('monthsEmployed', 6)
    await form.getByTestId('payroll-opening-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    const row = page.getByTestId('payroll-openings-row').filter({ hasText: name })
    await row.filter({ hasText: '120,000.00' }).waitFor()

    // the tax withheld corrected: the same person's year, updated in place
    await row.getByRole('button', { name: '修改期初数' }).click()
    await form.waitFor()
    await number('tax', 2500)
    await form.getByTestId('payroll-opening-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    await row.filter({ hasText: '2,500.00' }).waitFor()
    const { data } = await gql(LIST, { y: year }, hq)
    const mine = data.payrollOpenings.edges.map((e) => e.node).filter((n) => n.employee.name === name)
    assert.deepEqual(mine, [{ lastMonth: 6, monthsEmployed: 6, income: '120000.00', tax: '2500.00', note: '旧系统 1–6 月', employee: { name } }])

    // removed, after a confirmation
    await row.getByRole('button', { name: '删除' }).click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await row.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })
  const after = await gql(LIST, { y: year }, hq)
  assert.equal(after.data.payrollOpenings.edges.filter((e) => e.node.employee.name === name).length, 0)
})
