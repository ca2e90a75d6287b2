// Payroll follows every decision (issue 21 point 2): a pay item added after November's run was
// computed shows the run out of date with the reason, the recompute lists what changed for that
// person, and then the run is submitted and approved.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const RUN = `query ($id: ID!) { payrollRun(id: $id) { id status jobStatus outOfDate
  approvalRequest { stage stageCount } payslips { employee { id name } } } }`

async function waitDone(id, token) {
  for (let i = 0; i < 600; i++) {
    const { data } = await gql(RUN, { id }, token)
    if (data.payrollRun.jobStatus !== 'RUNNING') return data.payrollRun
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('the run did not finish')
}

test('an input change shows the run out of date, the recompute shows the diff, then it is approved', async () => {
  const hr = (await apiLogin('hr.shanghai')).accessToken
  const { data: units } = await gql('{ orgUnits { id code } }', {}, hr)
  const branch = units.orgUnits.find((u) => u.code === 'SH')
  const created = await gql(
    `mutation ($u: ID!) { createPayrollRun(input: {unitId: $u, month: "2026-11-01"}) { run { id } errors { code message } } }`,
    { u: branch.id },
    hr,
  )
  assert.deepEqual(created.data.createPayrollRun.errors, [])
  const runId = created.data.createPayrollRun.run.id
  const run = await waitDone(runId, hr)
  assert.equal(run.outOfDate, false)

  // HR's own pay is not theirs to change: a colleague's bonus for November.
  const { data: mine } = await gql('{ myPayslips { employee { id } } }', {}, hr)
  const own = mine.myPayslips[0]?.employee?.id
  const person = run.payslips.map((p) => p.employee).filter((e) => e && e.id !== own).at(-1)
  const added = await gql(
    `mutation ($e: ID!) { addPayrollItem(input: {employeeId: $e, month: "2026-11-01", kind: BONUS, amount: "1000"}) { errors { code message } } }`,
    { e: person.id },
    hr,
  )
  assert.deepEqual(added.data.addPayrollItem.errors, [])
  // Out of date: not submitted for review until recomputed.
  const refused = await gql(
    `mutation ($id: ID!) { submitPayrollRun(id: $id) { errors { code } } }`,
    { id: runId },
    hr,
  )
  assert.deepEqual(refused.data.submitPayrollRun.errors, [{ code: 'OUT_OF_DATE' }])

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/payroll`)
    await page.getByTestId('payroll-run-2026-11-01').first().click()
    const banner = page.getByTestId('payroll-out-of-date')
    await banner.waitFor()
    assert.match(await banner.textContent(), new RegExp(`${person.name}.*2026-11`))
    assert.ok(await page.getByTestId('payroll-submit').isDisabled())

    await page.getByTestId('payroll-recompute-stale').click()
    const changes = page.getByTestId('payroll-changes')
    await changes.waitFor({ timeout: 60_000 })
    const text = await changes.textContent()
    assert.match(text, new RegExp(person.name))
    assert.match(text, /→/)
    await banner.waitFor({ state: 'detached' })

    // HR opens the person's payslip from the run: the bonus line is on it.
    await page.getByTestId('payroll-payslips-row').filter({ hasText: person.name }).first().click()
    const drawer = page.getByTestId('run-payslip')
    await drawer.getByTestId('run-payslip-line-bonus').first().waitFor()
    assert.match(await drawer.textContent(), new RegExp(person.name))
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    await page.getByTestId('payroll-submit').click()
    await page.locator('[data-testid="payroll-run"][data-status="REVIEW"]').waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  // The approvers before the last stage (the branch head is paid by the run: the boss stands in)
  // approve through the API; HQ HR, the last, on the page.
  for (let i = 0; i < 5; i++) {
    const { data } = await gql(RUN, { id: runId }, hr)
    const approval = data.payrollRun.approvalRequest
    if (approval.stage >= approval.stageCount - 1) break
    for (const user of ['head.shanghai', 'boss', 'hr.hq']) {
      const token = (await apiLogin(user).catch(() => ({ accessToken: null }))).accessToken
      if (!token) continue
      const res = await gql(`mutation ($id: ID!) { approvePayrollRun(id: $id) { errors { code message } } }`, { id: runId }, token)
      if (res.data?.approvePayrollRun.errors.length === 0) break
    }
  }
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/payroll`)
    await page.getByTestId('payroll-run-2026-11-01').first().click()
    await page.locator('[data-testid="payroll-run"][data-status="REVIEW"]').waitFor()
    await page.getByTestId('payroll-approve').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.locator('[data-testid="payroll-run"][data-status="APPROVED"]').waitFor()
    assert.deepEqual(consoleErrors, [])
  })
})
