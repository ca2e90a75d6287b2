// Issue 18 point 3: HR editing their own record may keep their details up to date but not raise
// their own pay — the form shows the server's SELF_DEALING refusal on the salary, in Chinese,
// and nothing is written.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const READ = `query ($id: ID!) { employee(id: $id) { id version baseSalary } }`

test('branch HR cannot raise their own base salary: the form says someone else must', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data: me } = await gql(`{ me { employee { id } } }`, {}, accessToken)
  const id = me.me.employee.id
  const { data: before } = await gql(READ, { id }, accessToken)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(id)}`)
    await page.getByTestId('employee-profile').waitFor()
    await page.getByTestId('edit-employee').click()
    await page.getByTestId('employee-edit-form').waitFor()
    await page.getByTestId('edit-baseSalary').fill('99999')
    await page.getByTestId('edit-save').click()

    const error = page.getByTestId('employee-edit-form').locator('.el-form-item__error', {
      hasText: '不能办理与自己有关的这项变更',
    })
    await error.waitFor()
    // The dialog stays open with the refusal; the record is as it was.
    assert.ok(await page.getByTestId('employee-edit-dialog').isVisible())
    const { data: after } = await gql(READ, { id }, accessToken)
    assert.deepEqual(after.employee, before.employee)
    assert.deepEqual(consoleErrors, [])
  })
})
