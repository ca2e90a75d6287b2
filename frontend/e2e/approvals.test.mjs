// Approvals in the browser: a manager decides a leave from "my approvals" on a phone, with a
// comment that lands on the request's history (Issue 11).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }

test('a manager approves a leave on a phone from my approvals', async () => {
  // A Monday no other test or demo request touches: one day, so the manager alone decides.
  const day = '2026-12-28'
  const employee = await apiLogin('employee.shanghai.sales')
  const asked = await gql(
    `mutation ($input: RequestLeaveInput!) { requestLeave(input: $input) { leaveRequest { id } errors { message } } }`,
    { input: { leaveType: 'PERSONAL', startDate: day, endDate: day, reason: '复诊' } },
    employee.accessToken,
  )
  assert.deepEqual(asked.data.requestLeave.errors, [])

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-approvals')
    await page.getByTestId('approvals-view').waitFor()
    const card = page.getByTestId('approval-card').filter({ hasText: day })
    await card.waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
    await card.getByTestId('approval-history-toggle').click()
    await card.getByTestId('approval-history').waitFor()
    await card.getByTestId('approval-comment').fill('早日康复')
    await card.getByTestId('approval-approve').click()
    await card.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  }, PHONE)

  const { data } = await gql(
    `{ myLeaveRequests { startDate status decisionNote } myApprovalRequests { title status history { kind actorName comment } } }`,
    {},
    employee.accessToken,
  )
  const leave = data.myLeaveRequests.find((r) => r.startDate === day)
  assert.deepEqual(leave, { startDate: day, status: 'APPROVED', decisionNote: '早日康复' })
  const request = data.myApprovalRequests.find((r) => r.title.includes(day))
  assert.equal(request.status, 'APPROVED')
  const decision = request.history.find((h) => h.kind === 'APPROVED')
  assert.equal(decision.comment, '早日康复')
  assert.ok(decision.actorName)
})

test("branch HR edits the branch's leave flow in the flow editor", async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-approval-flows')
    const flow = page.getByTestId('flow-item').filter({ hasText: '上海分公司请假审批' })
    await flow.waitFor()
    assert.equal(await flow.locator('.steps li').count(), 3)
    await flow.getByTestId('flow-edit').click()
    await page.getByTestId('flow-step').first().waitFor()
    assert.equal(await page.getByTestId('flow-step').count(), 3)
    await page.getByTestId('flow-name').fill('上海分公司请假审批（修订）')
    await page.getByTestId('flow-save').click()
    await page.getByTestId('flow-item').filter({ hasText: '（修订）' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql('{ approvalFlows { name steps { position rule daysOver } } }', {}, accessToken)
  const leave = data.approvalFlows.find((f) => f.name === '上海分公司请假审批（修订）')
  assert.deepEqual(leave.steps, [
    { position: 0, rule: 'MANAGER', daysOver: null },
    { position: 1, rule: 'ROLE', daysOver: 1 },
    { position: 2, rule: 'BRANCH_HEAD', daysOver: 3 },
  ])
})

test('branch HR names an approver by searching a colleague in the flow editor', async () => {
  const manager = await apiLogin('manager.shanghai.sales')
  const { data: me } = await gql('{ me { employee { name } } }', {}, manager.accessToken)
  const name = me.me.employee.name
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-approval-flows')
    await page.getByTestId('flow-new').click()
    await page.getByTestId('flow-type').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '工资发放' }).click()
    await page.getByTestId('flow-unit').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^\s*上海分公司\s*$/ }).click()
    await page.getByTestId('flow-step').locator('.step__rule').first().click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '指定人员' }).click()
    const picker = page.getByTestId('flow-step-user')
    await picker.click()
    await picker.locator('input').fill(name)
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: name }).first().click()
    await page.getByTestId('flow-save').click()
    await page.getByTestId('flow-item').filter({ hasText: name }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql('{ approvalFlows { requestType unitId unitName steps { rule username approverName } } }', {}, accessToken)
  const payroll = data.approvalFlows.find((f) => f.requestType === 'PAYROLL_RUN')
  try {
    assert.equal(payroll.unitName, '上海分公司')
    assert.deepEqual(payroll.steps, [{ rule: 'USER', username: 'manager.shanghai.sales', approverName: name }])
  } finally {
    // Remove it again: the demo keeps its default payroll flow.
    const removed = await gql(
      'mutation ($i: ApprovalFlowInput!) { saveApprovalFlow(input: $i) { errors { code } } }',
      { i: { requestType: 'PAYROLL_RUN', unitId: payroll.unitId, steps: [] } },
      accessToken,
    )
    assert.deepEqual(removed.data.saveApprovalFlow.errors, [])
  }
})
