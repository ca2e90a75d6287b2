// Several approvals at once (issue 21 point 5): a manager selects two leave tasks in "my
// approvals", approves both with one comment after a confirmation naming the count, and reads the
// summary; each leave is approved on its own with the comment as its decision note.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

// Two Mondays and Tuesdays no other test or demo request touches: one day each, so the manager
// alone decides (the demo's Shanghai flow asks branch HR only from two days).
const DAYS = ['2027-01-18', '2027-01-19']
const COMMENT = '同意，注意交接'

test('a manager selects two leave tasks and approves both at once', async () => {
  const employee = await apiLogin('employee.shanghai.sales')
  for (const day of DAYS) {
    const asked = await gql(
      `mutation ($input: RequestLeaveInput!) { requestLeave(input: $input) { leaveRequest { id } errors { message } } }`,
      { input: { leaveType: 'PERSONAL', startDate: day, endDate: day, reason: '家中有事' } },
      employee.accessToken,
    )
    assert.deepEqual(asked.data.requestLeave.errors, [])
  }

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-approvals')
    await page.getByTestId('approvals-view').waitFor()
    const cards = DAYS.map((day) => page.getByTestId('approval-card').filter({ hasText: day }))
    for (const card of cards) {
      await card.waitFor()
      await card.getByTestId('approval-select').click()
    }
    await page.locator('[data-testid="approvals-selected-count"][data-count="2"]').waitFor()
    await page.getByTestId('approvals-batch-comment').fill(COMMENT)
    await page.getByTestId('approvals-batch-approve').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), /2/)
    await page.locator('.el-message-box__btns .el-button--primary').click()
    const result = page.getByTestId('approvals-batch-result')
    await result.waitFor()
    assert.equal(await result.getAttribute('data-done'), '2')
    assert.equal(await result.getAttribute('data-refused'), '0')
    for (const card of cards) await card.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })

  const { data } = await gql(
    `{ myLeaveRequests { startDate status decisionNote } myApprovalRequests { title status history { kind comment } } }`,
    {},
    employee.accessToken,
  )
  for (const day of DAYS) {
    const leave = data.myLeaveRequests.find((r) => r.startDate === day)
    assert.deepEqual(leave, { startDate: day, status: 'APPROVED', decisionNote: COMMENT })
    const request = data.myApprovalRequests.find((r) => r.title.includes(day))
    assert.equal(request.history.filter((h) => h.kind === 'APPROVED').length, 1)
  }
})

test('one of the selection refused does not undo the others, and the summary says why', async () => {
  // Two leaves of two days: the manager, then branch HR. While branch HR has both selected, one
  // is decided elsewhere (another tab): the batch approves the other and says why it could not
  // decide the first.
  const employee = await apiLogin('employee.shanghai.sales')
  const asks = [
    ['2027-02-22', '2027-02-23'],
    ['2027-03-01', '2027-03-02'],
  ]
  const leaveIds = []
  for (const [start, end] of asks) {
    const asked = await gql(
      `mutation ($input: RequestLeaveInput!) { requestLeave(input: $input) { leaveRequest { id } errors { message } } }`,
      { input: { leaveType: 'PERSONAL', startDate: start, endDate: end } },
      employee.accessToken,
    )
    assert.deepEqual(asked.data.requestLeave.errors, [])
    leaveIds.push(asked.data.requestLeave.leaveRequest.id)
  }
  const manager = await apiLogin('manager.shanghai.sales')
  const mine = (await gql('{ myApprovals { id subjectId } }', {}, manager.accessToken)).data.myApprovals
  const requestIds = leaveIds.map((id) => mine.find((r) => r.subjectId === id).id)
  for (const id of requestIds) {
    const decided = await gql('mutation ($id: ID!) { decideApproval(id: $id, approve: true) { errors { code } } }', { id }, manager.accessToken)
    assert.deepEqual(decided.data.decideApproval.errors, [])
  }
  const hr = await apiLogin('hr.shanghai')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-approvals')
    const cards = requestIds.map((id) => page.locator(`[data-testid="approval-card"][data-id="${id}"]`))
    for (const card of cards) {
      await card.waitFor()
      await card.getByTestId('approval-select').click()
    }
    await page.locator('[data-testid="approvals-selected-count"][data-count="2"]').waitFor()
    // Decided in another tab meanwhile.
    const elsewhere = await gql('mutation ($id: ID!) { decideApproval(id: $id, approve: true) { errors { code } } }', { id: requestIds[0] }, hr.accessToken)
    assert.deepEqual(elsewhere.data.decideApproval.errors, [])
    await page.getByTestId('approvals-batch-approve').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    const result = page.getByTestId('approvals-batch-result')
    await result.waitFor()
    assert.equal(await result.getAttribute('data-done'), '1')
    assert.equal(await result.getAttribute('data-refused'), '1')
    assert.equal(await page.getByTestId('approvals-batch-refused').count(), 1)
    assert.ok((await page.getByTestId('approvals-batch-refused').innerText()).includes('2027-02-22'))
    assert.deepEqual(consoleErrors, [])
  })
  const { data } = await gql('{ myLeaveRequests { startDate status } }', {}, employee.accessToken)
  const statuses = asks.map(([start]) => data.myLeaveRequests.find((r) => r.startDate === start).status)
  assert.deepEqual(statuses, ['APPROVED', 'APPROVED'])
})
