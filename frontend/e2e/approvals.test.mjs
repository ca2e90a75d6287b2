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

// Signed in as `username`, the flow editor open on a new flow of the type labelled `type`, for
// the unit named `unit` (none: the company default).
async function newFlow(page, username, type, unit = null) {
  await uiLogin(page, username)
  await navTo(page, 'nav-approval-flows')
  await page.getByTestId('flow-new').click()
  await page.getByTestId('flow-type').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: type }).click()
  if (unit) {
    await page.getByTestId('flow-unit').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${unit}\\s*$`) }).click()
  }
}

// The name of a demo user's employee.
async function nameOf(username) {
  const { accessToken } = await apiLogin(username)
  const { data } = await gql('{ me { employee { name } } }', {}, accessToken)
  return data.me.employee.name
}

// The step's rule set to a named user, the colleague found by searching their name.
async function nameApprover(page, step, name) {
  await step.locator('.step__rule').first().click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '指定人员' }).click()
  const picker = step.getByTestId('flow-step-user')
  await picker.click()
  await picker.locator('input').fill(name)
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: name }).first().click()
}

test('HQ HR names an approver by searching a colleague in the flow editor', async () => {
  const name = await nameOf('manager.shanghai.sales')
  await withPage(async (page, { consoleErrors }) => {
    // A payroll run's flow is guarded: HQ HR edits it (branch HR edits leave and overtime).
    await newFlow(page, 'hr.hq', '工资发放', '上海分公司')
    await nameApprover(page, page.getByTestId('flow-step').first(), name)
    await page.getByTestId('flow-save').click()
    await page.getByTestId('flow-item').filter({ hasText: name }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const { accessToken } = await apiLogin('hr.hq')
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

test("the flow editor shows the server's refusal on the field it is about", async () => {
  const repName = await nameOf('employee.shanghai.sales')
  await withPage(async (page, { consoleErrors }) => {
    // Branch HR may not write an export flow: the refusal stands under the request type.
    await newFlow(page, 'hr.shanghai', '敏感数据导出', '上海分公司')
    await page.getByTestId('flow-save').click()
    const typeError = page.getByTestId('flow-type-item').locator('.el-form-item__error')
    await typeError.waitFor()
    assert.match(await typeError.innerText(), /只有总部人事可以修改/)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await newFlow(page, 'hr.hq', '敏感数据导出')
    // A sales rep named as an export's approver: the refusal stands on that step.
    const step = page.getByTestId('flow-step').first()
    await nameApprover(page, step, repName)
    await page.getByTestId('flow-save').click()
    await step.getByTestId('flow-step-error').waitFor()
    assert.equal(await page.getByTestId('flow-steps-error').count(), 0)
    // HQ HR, but only when an export asks for more than 0 days (an export has none): the
    // flow could leave an export with no approver, and the refusal stands under the steps.
    await step.locator('.step__rule').first().click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '总部人事' }).click()
    await step.locator('.el-input-number').nth(1).locator('input').fill('0')
    await page.getByTestId('flow-save').click()
    const stepsError = page.getByTestId('flow-steps-error')
    await stepsError.waitFor()
    assert.match(await stepsError.innerText(), /不设条件/)
    assert.equal(await step.getByTestId('flow-step-error').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql('{ approvalFlows { requestType } }', {}, accessToken)
  assert.ok(!data.approvalFlows.some((f) => f.requestType === 'DATA_EXPORT'))
})
