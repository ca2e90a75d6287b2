// Two HR users edit one employee: the one who saves second is told that someone else changed
// the record, nothing of theirs is written, and after a reload their change goes through.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const READ = `query ($id: ID!) { employee(id: $id) { id version name workPhone } }`
const UPDATE = `mutation ($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { version } errors { field code } } }`

/** A Shanghai employee that no other browser test looks at: the last of hr.shanghai's first page. */
async function shanghaiEmployee(token) {
  const { data } = await gql(`{ employees(first: 100) { edges { node { id } } } }`, {}, token)
  return data.employees.edges.at(-1).node.id
}

test('the second HR user to save an employee gets a conflict, reloads, and saves', async () => {
  const shanghai = await apiLogin('hr.shanghai')
  const hq = await apiLogin('hr.hq')
  const id = await shanghaiEmployee(shanghai.accessToken)
  const { data: before } = await gql(READ, { id }, hq.accessToken)
  const original = before.employee

  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.shanghai')
      await page.goto(`${BASE_URL}/employees/${encodeURIComponent(id)}`)
      await page.getByTestId('employee-profile').waitFor()
      await page.getByTestId('edit-employee').click()
      const form = page.getByTestId('employee-edit-form')
      await form.waitFor()
      assert.equal(Number(await form.getAttribute('data-version')), original.version)

      // Meanwhile HQ HR changes the work phone of the same record.
      const { data: other } = await gql(
        UPDATE,
        { input: { id, workPhone: '021-60001234', expectedVersion: original.version } },
        hq.accessToken,
      )
      assert.deepEqual(other.updateEmployee.errors, [])

      await page.getByTestId('edit-name').fill('冲突测试')
      await page.getByTestId('edit-save').click()
      const conflict = page.getByTestId('edit-conflict')
      await conflict.waitFor()
      assert.match(await conflict.textContent(), /其他人已修改了这份档案/)
      const { data: untouched } = await gql(READ, { id }, hq.accessToken)
      assert.equal(untouched.employee.name, original.name, 'nothing of the stale form was written')

      // Reload: the form shows HQ HR's change and the new version; the name is made again.
      await page.getByTestId('edit-reload').click()
      await page.waitForFunction(
        (v) => document.querySelector('[data-testid="employee-edit-form"]')?.getAttribute('data-version') === String(v),
        original.version + 1,
      )
      assert.equal(await conflict.count(), 0)
      assert.equal(await page.getByTestId('edit-workPhone').inputValue(), '021-60001234')
      await page.getByTestId('edit-name').fill('冲突测试')
      await page.getByTestId('edit-save').click()
      await page.getByTestId('employee-edit-dialog').waitFor({ state: 'hidden' })
      await page.waitForFunction(
        () => document.querySelector('[data-testid="profile-name"]')?.textContent?.trim() === '冲突测试',
      )
      const { data: after } = await gql(READ, { id }, hq.accessToken)
      assert.deepEqual(
        { name: after.employee.name, workPhone: after.employee.workPhone, version: after.employee.version },
        { name: '冲突测试', workPhone: '021-60001234', version: original.version + 2 },
      )
      assert.deepEqual(consoleErrors, [])
    })
  } finally {
    // Leave the demo record as it was for the other tests.
    const { data: now } = await gql(READ, { id }, hq.accessToken)
    await gql(
      UPDATE,
      { input: { id, name: original.name, workPhone: original.workPhone, expectedVersion: now.employee.version } },
      hq.accessToken,
    )
  }
})
