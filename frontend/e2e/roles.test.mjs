// Issue 19 point 1 (roles): HQ HR defines a custom role (薪酬专员: directory and pay), grants it
// to a Shanghai sales rep for the Beijing branch, and the rep, signed in, reads a Beijing
// colleague's pay, not a Shanghai colleague's, nobody in Shenzhen at all, and has no edit button.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const UNITS = `{ orgUnits { id code name } }`
const FIRST_IN = `query ($unitId: ID!) { employees(first: 1, filter: { unitId: $unitId, status: [ACTIVE] }) { edges { node { id name } } } }`

async function firstIn(token, units, code) {
  const unit = units.find((u) => u.code === code)
  const { data } = await gql(FIRST_IN, { unitId: unit.id }, token)
  return data.employees.edges[0].node
}

test('HQ HR defines a custom role and grants it with a scope; the holder reads exactly that', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql(UNITS, {}, accessToken)
  const units = data.orgUnits
  const bj = units.find((u) => u.code === 'BJ')
  const bjPerson = await firstIn(accessToken, units, 'BJ')
  const shPerson = await firstIn(accessToken, units, 'SH-PROD')
  const szPerson = await firstIn(accessToken, units, 'SZ')
  const name = `薪酬专员${Date.now() % 100000}`

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-roles')
    await page.getByTestId('roles-view').waitFor()
    // the built-in roles are templates, read-only: six of them, no edit
    await page.getByTestId('copy-ADMIN').waitFor()
    assert.equal(await page.getByTestId('role-templates-row').count(), 6)

    await page.getByTestId('new-role').click()
    await page.getByTestId('role-name-zh').fill(name)
    await page.getByTestId('role-name-en').fill(`Pay specialist ${name}`)
    await page.getByTestId('group-PAY').click()
    await page.getByTestId('role-editor-submit').click()
    await page.getByTestId('custom-roles').getByText(name).waitFor()

    await page.getByTestId('holder-search').fill('employee.shanghai.sales')
    await page.getByTestId('manage-grants-employee.shanghai.sales').click()
    const panel = page.getByTestId('user-grants-panel')
    await panel.waitFor()
    await panel.getByTestId('grant-role-select').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: name }).click()
    await panel.getByTestId('grant-scope-select').click()
    await page.keyboard.type(bj.name)
    await page.locator('.el-select-dropdown__item:visible', { hasText: bj.name }).first().click()
    await panel.getByTestId('grant-add').click()
    await panel.getByTestId('grants-table').getByText(name).waitFor()
    await panel.getByTestId('grants-table').getByText(bj.name).waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    // Beijing, in the grant's scope: the pay figure, and no edit button
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(bjPerson.id)}`)
    await page.getByTestId('employee-profile').waitFor()
    const pay = page.getByTestId('field-baseSalary')
    assert.equal(await pay.getAttribute('data-denied'), null)
    assert.match(await pay.innerText(), /\d/)
    assert.equal(await page.getByTestId('edit-employee').count(), 0)
    // Shanghai, the rep's own branch: the directory, not the pay
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(shPerson.id)}`)
    await page.getByTestId('employee-profile').waitFor()
    assert.equal(await page.getByTestId('field-baseSalary').getAttribute('data-denied'), 'true')
    assert.equal(await page.getByTestId('edit-employee').count(), 0)
    // Shenzhen: outside every grant, nobody there exists for the rep
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(szPerson.id)}`)
    await page.getByTestId('employee-not-found').waitFor()
    // no Roles page in the rep's menu
    assert.equal(await page.getByTestId('nav-roles').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
})
