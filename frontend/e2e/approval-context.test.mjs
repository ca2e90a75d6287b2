// Approval cards carry their context (issue 21 point 5): a manager's leave card shows the
// reason, the annual-leave balance after it and who else in the team is away those days, on a
// phone; HQ HR's payroll card shows the run's totals against the month before.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const REQUEST_LEAVE = `mutation ($input: RequestLeaveInput!) {
  requestLeave(input: $input) { leaveRequest { id } errors { field message } } }`

test("a manager's leave card shows the reason, the balance after it and who is away", async () => {
  // A Monday and Tuesday no other browser test asks for.
  const [start, end] = ['2026-11-23', '2026-11-24']
  const reason = '孩子开家长会（审批卡片测试）'
  const hr = (await apiLogin('hr.shanghai')).accessToken
  const employee = (await apiLogin('employee.shanghai.sales')).accessToken
  const me = (await gql('{ me { employee { id unit { id } } } }', {}, employee)).data.me.employee
  const team = await gql(
    'query ($u: ID!) { employees(first: 50, filter: { unitId: $u }) { edges { node { id name } } } }',
    { u: me.unit.id },
    hr,
  )
  const mates = team.data.employees.edges.map((e) => e.node).filter((p) => p.id !== me.id)
  assert.ok(mates.length >= 2, 'the sales team has colleagues')
  // HR files leave for two teammates on overlapping days: one on the Monday, one on the Tuesday.
  for (const [i, mate] of mates.slice(0, 2).entries()) {
    const day = i === 0 ? start : end
    const filed = await gql(
      REQUEST_LEAVE,
      { input: { leaveType: 'PERSONAL', startDate: day, endDate: day, reason: '事假', employeeId: mate.id } },
      hr,
    )
    assert.deepEqual(filed.data.requestLeave.errors, [])
  }
  const asked = await gql(REQUEST_LEAVE, { input: { leaveType: 'ANNUAL', startDate: start, endDate: end, reason } }, employee)
  assert.deepEqual(asked.data.requestLeave.errors, [])
  const { data } = await gql(
    '{ myApprovalRequests { title leaveContext { reason balanceAfter teamAbsences { employeeName } } } }',
    {},
    employee,
  )
  const mine = data.myApprovalRequests.find((r) => r.leaveContext?.reason === reason)
  assert.ok(mine, 'the request carries its context')
  assert.equal(typeof mine.leaveContext.balanceAfter, 'number')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-approvals')
    await page.getByTestId('approvals-view').waitFor()
    const card = page.getByTestId('approval-card').filter({ hasText: reason })
    await card.waitFor()
    const leave = card.getByTestId('leave-context')
    assert.match(await leave.getByTestId('leave-context-reason').textContent(), new RegExp(reason.slice(0, 6)))
    const balance = leave.getByTestId('leave-context-balance')
    assert.equal(await balance.getAttribute('data-after'), String(mine.leaveContext.balanceAfter))
    assert.match(await balance.textContent(), /批准后剩/)
    const away = await leave.getByTestId('leave-context-away-item').allTextContents()
    for (const mate of mates.slice(0, 2)) {
      assert.ok(away.some((line) => line.includes(mate.name)), `${mate.name} is listed as away`)
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

const RUN = 'query ($id: ID!) { payrollRun(id: $id) { id status jobStatus error gross headcount } }'

async function computed(id, token) {
  for (let i = 0; i < 600; i++) {
    const { data } = await gql(RUN, { id }, token)
    if (data.payrollRun.jobStatus !== 'RUNNING') return data.payrollRun
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('the run did not finish')
}

// Beijing's HR department: a unit whose payroll no other browser test runs (Shanghai's are
// the demo's and payroll-stale / policy's).
async function submittedRun(unitId, month, hr) {
  const created = await gql(
    'mutation ($u: ID!, $m: Date!) { createPayrollRun(input: { unitId: $u, month: $m }) { run { id } errors { code message } } }',
    { u: unitId, m: month },
    hr,
  )
  assert.deepEqual(created.data.createPayrollRun.errors, [])
  const run = await computed(created.data.createPayrollRun.run.id, hr)
  assert.equal(run.error, '')
  const submitted = await gql('mutation ($id: ID!) { submitPayrollRun(id: $id) { errors { code message } } }', { id: run.id }, hr)
  assert.deepEqual(submitted.data.submitPayrollRun.errors, [])
  return run
}

// Each approver in turn approves the run of `month` if it waits for them.
async function approveStages(month, tokens) {
  for (const token of tokens) {
    const { data } = await gql('{ myApprovals { id title requestType } }', {}, token)
    const task = data.myApprovals.find((r) => r.requestType === 'PAYROLL_RUN' && r.title.includes(month))
    assert.ok(task, `the ${month} run waits for the next approver`)
    const decided = await gql(
      'mutation ($id: ID!) { decideApproval(id: $id, approve: true, comment: "") { errors { code message } } }',
      { id: task.id },
      token,
    )
    assert.deepEqual(decided.data.decideApproval.errors, [])
  }
}

test("HQ HR's payroll card shows the totals against last month", async () => {
  const hr = (await apiLogin('hr.beijing')).accessToken
  const hq = (await apiLogin('hr.hq')).accessToken
  const units = (await gql('{ orgUnits { id code } }', {}, hr)).data.orgUnits
  const unitId = units.find((u) => u.code === 'BJ-HR').id
  const boss = (await apiLogin('boss')).accessToken
  // October approved: the head above the branch (the boss: Beijing's head has no account),
  // then HQ HR. November: the boss approved its first stage, so it waits for HQ HR.
  const october = await submittedRun(unitId, '2026-10-01', hr)
  await approveStages('2026-10', [boss, hq])
  assert.equal((await gql(RUN, { id: october.id }, hr)).data.payrollRun.status, 'APPROVED')
  const november = await submittedRun(unitId, '2026-11-01', hr)
  await approveStages('2026-11', [boss])

  const { data } = await gql(
    '{ myApprovals { title requestType payrollContext { current { month gross headcount } previous { month gross headcount } deltaGross } } }',
    {},
    hq,
  )
  const card = data.myApprovals.find((r) => r.requestType === 'PAYROLL_RUN' && r.payrollContext?.current.month === '2026-11-01')
  assert.ok(card, 'HQ HR holds the November run')
  assert.equal(card.payrollContext.current.gross, november.gross)
  assert.equal(card.payrollContext.previous.month, '2026-10-01')
  assert.equal(card.payrollContext.previous.gross, october.gross)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-approvals')
    await page.getByTestId('approvals-view').waitFor()
    const payroll = page
      .getByTestId('approval-card')
      .filter({ hasText: card.title })
      .getByTestId('payroll-context')
    await payroll.waitFor()
    assert.equal(await payroll.getAttribute('data-has-previous'), 'yes')
    const figure = async (id) => Number((await payroll.getByTestId(id).textContent()).replace(/[^\d.+-]/g, ''))
    assert.equal(await figure('payroll-context-gross'), Number(november.gross))
    assert.equal(await figure('payroll-context-previous-gross'), Number(october.gross))
    assert.equal(await figure('payroll-context-delta-gross'), Number(card.payrollContext.deltaGross))
    assert.match(await payroll.textContent(), /应发合计/)
    assert.equal(await payroll.getByTestId('payroll-context-earlier-open').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })

  // December submitted while November waits for HQ HR: its approval would be refused, and the
  // boss's card says so before the boss decides. Withdrawn after, so nothing else meets it.
  const december = await submittedRun(unitId, '2026-12-01', hr)
  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'boss')
      await navTo(page, 'nav-approvals')
      await page.getByTestId('approvals-view').waitFor()
      const warning = page
        .getByTestId('approval-card')
        .filter({ has: page.getByTestId('payroll-context') })
        .filter({ hasText: '2026-12' })
        .getByTestId('payroll-context-earlier-open')
      await warning.waitFor()
      assert.match(await warning.textContent(), /2026-11 的工资尚未审批/)
      assert.deepEqual(consoleErrors, [])
    })
  } finally {
    const back = await gql('mutation ($id: ID!) { returnPayrollRun(id: $id) { errors { code message } } }', { id: december.id }, hr)
    assert.deepEqual(back.data.returnPayrollRun.errors, [])
  }
})
