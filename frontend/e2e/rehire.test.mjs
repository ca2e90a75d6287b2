// Rehiring (issue 18 point 9): a former employee's page offers HR "rehire"; the dialog opens a new
// employment period, and the record and timeline follow.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

async function ok(query, variables, token) {
  const { data, errors } = await gql(query, variables, token)
  assert.equal(errors, undefined, JSON.stringify(errors))
  return data
}

test('branch HR rehire a former employee from their page', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  // A person of our own, who joined and left, so that no other test meets them.
  const { orgUnits } = await ok(`{ orgUnits { id code } }`, {}, accessToken)
  const unit = orgUnits.find((u) => u.code === 'SH-SALES-1')
  assert.ok(unit, 'the demo has the Shanghai sales team')
  const number = `E2E-R${Date.now() % 1_000_000}`
  const created = await ok(
    `mutation ($input: CreateEmployeeInput!) { createEmployee(input: $input) { employee { id } errors { field code } } }`,
    { input: { employeeNumber: number, name: '回聘测试', unitId: unit.id, hireDate: '2024-03-01', status: 'ACTIVE' } },
    accessToken,
  )
  assert.deepEqual(created.createEmployee.errors, [])
  const id = created.createEmployee.employee.id
  // They left through the approvers (people/lifecycle.py): the branch head, then HQ HR; the last
  // day being past, employment ends at the last approval.
  const asked = await ok(
    `mutation ($id: ID!) { requestTermination(input: {employeeId: $id, kind: RESIGNATION, lastDay: "2025-06-30", reason: "个人发展"}) { errors { field code } } }`,
    { id },
    accessToken,
  )
  assert.deepEqual(asked.requestTermination.errors, [])
  for (const approver of ['head.shanghai', 'hr.hq']) {
    const session = await apiLogin(approver)
    const { myApprovals } = await ok(`{ myApprovals { id lifecycleChange { employeeId } } }`, {}, session.accessToken)
    const card = myApprovals.find((a) => a.lifecycleChange?.employeeId === id)
    assert.ok(card, `${approver} has the termination to approve`)
    const decided = await ok(
      `mutation ($id: ID!) { decideApproval(id: $id, approve: true) { errors { code } } }`,
      { id: card.id },
      session.accessToken,
    )
    assert.deepEqual(decided.decideApproval.errors, [])
  }

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(id)}`)
    await page.getByTestId('employee-profile').waitFor()
    assert.equal((await page.getByTestId('field-status').textContent()).trim(), '离职')

    await page.getByTestId('rehire-employee').click()
    const dialog = page.getByTestId('rehire-dialog')
    await dialog.waitFor()
    // A day before the last one is refused on its field, by the server.
    const date = dialog.getByTestId('rehire-date').locator('input')
    await date.fill('2025-06-01')
    await date.press('Enter')
    await dialog.getByTestId('rehire-submit').click()
    await dialog.locator('.el-form-item__error').first().waitFor()
    await date.fill('2026-01-05')
    await date.press('Enter')
    await dialog.getByTestId('rehire-note').fill('回聘')
    await dialog.getByTestId('rehire-submit').click()
    await dialog.waitFor({ state: 'hidden' })

    await page.getByTestId('rehire-employee').waitFor({ state: 'detached' })
    assert.equal((await page.getByTestId('field-status').textContent()).trim(), '在职')
    assert.ok((await page.getByTestId('field-hireDate').textContent()).includes('2026-01-05'))
    const timeline = page.getByTestId('timeline-item')
    await timeline.filter({ hasText: '重新入职' }).first().waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  const { employeeTimeline } = await ok(
    `query ($id: ID!) { employeeTimeline(employeeId: $id) { event { kind effectiveDate note } } }`,
    { id },
    accessToken,
  )
  const kinds = employeeTimeline.filter((i) => i.event).map((i) => [i.event.kind, i.event.effectiveDate])
  assert.deepEqual(kinds, [
    ['REHIRE', '2026-01-05'],
    ['RESIGNATION', '2025-06-30'],
  ])
})
