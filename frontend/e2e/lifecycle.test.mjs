// The employee lifecycle in the app (issue 19 point 4): HQ HR adds an employee (a wrong ID
// number is marked on its field, by the form and by the server); branch HR transfers someone and
// terminates someone through approvals, the approvers approve on their cards, and the leaver
// cannot sign in after the last day.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, PASSWORD, apiLogin, gql, navTo, pickOption, uiLogin, withPage } from './helpers.mjs'

async function ok(query, variables, token) {
  const { data, errors } = await gql(query, variables, token)
  assert.equal(errors, undefined, JSON.stringify(errors))
  return data
}

// GB 11643-1999: the check character of the first 17 digits.
function withCheck(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const total = weights.reduce((sum, w, i) => sum + w * Number(first17[i]), 0)
  return first17 + '10X98765432'[total % 11]
}

function chinaDay(offsetDays = 0) {
  const day = new Date(Date.now() + offsetDays * 86_400_000)
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(day)
}

async function pickDate(scope, testid, value) {
  const input = scope.getByTestId(testid).locator('input')
  await input.fill(value)
  await input.press('Enter')
}

async function pickUnit(page, scope, testid, name) {
  await pickOption(page, scope.getByTestId(testid), name)
}

test('HQ HR adds an employee: a wrong ID number is marked on its field, a right one saves', async () => {
  const number = `E2E-A${Date.now() % 1_000_000}`
  const right = withCheck(`31010119900307${String(Date.now() % 1000).padStart(3, '0')}`)
  const last = right[17]
  const wrong = right.slice(0, 17) + (last === '0' ? '1' : last === 'X' ? '0' : String((Number(last) + 1) % 10))

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-employees')
    await page.getByTestId('add-employee').click()
    const dialog = page.getByTestId('add-dialog')
    await dialog.waitFor()
    await dialog.getByTestId('add-employeeNumber').fill(number)
    await dialog.getByTestId('add-name').fill('新员工测试')
    await pickUnit(page, dialog, 'add-unit', '上海装配线')
    await pickDate(dialog, 'add-hireDate', chinaDay())
    // HR enters the pay as they hire: Shanghai's payroll runs in this demo (policy, payroll-stale)
    // refuse a person with no base salary.
    await dialog.getByTestId('add-baseSalary').fill('9000')

    // Typed wrong: the field says so at once, nothing is sent.
    const id = dialog.getByTestId('add-idNumber')
    await id.fill(wrong)
    const item = dialog.getByTestId('add-item-idNumber')
    await item.locator('.el-form-item__error').filter({ hasText: '身份证号码无效' }).waitFor()
    await dialog.getByTestId('add-submit').click()
    await page.waitForTimeout(300)
    assert.ok(await dialog.isVisible(), 'the dialog stays open')
    assert.equal(await dialog.getByTestId('add-error').count(), 0, 'no error away from the field')

    // Right: saved, and the new employee's page opens.
    await id.fill(right)
    await item.locator('.el-form-item__error').waitFor({ state: 'detached' })
    await dialog.getByTestId('add-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId('employee-profile').waitFor()
    assert.equal((await page.getByTestId('field-employeeNumber').textContent()).trim(), number)
    assert.deepEqual(consoleErrors, [])
  })

  // The server checks the same: a wrong number sent straight to the API is refused on its field.
  const { accessToken } = await apiLogin('hr.hq')
  const { orgUnits } = await ok(`{ orgUnits { id code } }`, {}, accessToken)
  const unit = orgUnits.find((u) => u.code === 'SH-PROD-LINE')
  const refused = await ok(
    `mutation ($input: CreateEmployeeInput!) { createEmployee(input: $input) { employee { id } errors { field code } } }`,
    { input: { employeeNumber: `${number}-2`, name: '错号', unitId: unit.id, hireDate: chinaDay(), idNumber: wrong } },
    accessToken,
  )
  assert.deepEqual(refused.createEmployee, { employee: null, errors: [{ field: 'idNumber', code: 'INVALID' }] })
})

async function approveOnCard(page, text) {
  await page.getByTestId('approvals-view').waitFor()
  const card = page.getByTestId('approval-card').filter({ hasText: text })
  await card.waitFor()
  const summary = await card.getByTestId('lifecycle-summary').textContent()
  await card.getByTestId('approval-approve').click()
  await card.waitFor({ state: 'detached' })
  return summary
}

test('branch HR transfers and terminates through approvals; the leaver cannot sign in after the last day', async () => {
  const hr = await apiLogin('hr.shanghai')
  const { orgUnits } = await ok(`{ orgUnits { id code name } }`, {}, hr.accessToken)
  const line = orgUnits.find((u) => u.code === 'SH-PROD-LINE')
  const qa = orgUnits.find((u) => u.code === 'SH-PROD-QA')
  // Someone of our own to transfer, so that no other test meets them.
  const mover = await ok(
    `mutation ($input: CreateEmployeeInput!) { createEmployee(input: $input) { employee { id } errors { field code } } }`,
    { input: { employeeNumber: `E2E-T${Date.now() % 1_000_000}`, name: '调动测试', unitId: line.id, hireDate: '2025-03-01', status: 'ACTIVE', baseSalary: '8000' } },
    hr.accessToken,
  )
  assert.deepEqual(mover.createEmployee.errors, [])
  const moverId = mover.createEmployee.employee.id
  // The leaver: the demo's quality inspector with an account; they can sign in today.
  const leaverSession = await apiLogin('employee.shanghai.qa')
  const { me } = await ok(`{ me { employee { id name } } }`, {}, leaverSession.accessToken)
  const leaver = me.employee
  const yesterday = chinaDay(-1)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    // Transfer: from the assembly line to quality, from today.
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(moverId)}`)
    await page.getByTestId('employee-lifecycle').waitFor()
    await page.getByTestId('lifecycle-transfer').click()
    let dialog = page.getByTestId('lifecycle-dialog')
    await dialog.waitFor()
    await pickDate(dialog, 'lifecycle-date', chinaDay())
    await pickUnit(page, dialog, 'lifecycle-unit', qa.name)
    await dialog.getByTestId('lifecycle-reason').fill('质检组扩编')
    await dialog.getByTestId('lifecycle-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId('lifecycle-change').filter({ hasText: '审批中' }).waitFor()

    // Termination: a resignation whose last day was yesterday (recorded a day late).
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(leaver.id)}`)
    await page.getByTestId('lifecycle-terminate').click()
    dialog = page.getByTestId('lifecycle-dialog')
    await dialog.waitFor()
    await pickDate(dialog, 'lifecycle-date', yesterday)
    // The reason is required: marked on its field.
    await dialog.getByTestId('lifecycle-submit').click()
    await dialog.locator('.el-form-item__error').first().waitFor()
    await dialog.getByTestId('lifecycle-reason').fill('个人发展')
    await dialog.getByTestId('lifecycle-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const termination = page.getByTestId('lifecycle-change').filter({ hasText: '审批中' })
    await termination.waitFor()
    // The offboarding checklist is there from the start; HR ticks the hand-over.
    await termination.getByTestId('offboarding-handover').click()
    await termination.getByTestId('offboarding-handover').locator('.is-checked').waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  // Still pending: the leaver still signs in.
  await apiLogin('employee.shanghai.qa')

  // The branch head, then HQ HR, approve both on their cards, which say who, from where to where, and when.
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'head.shanghai')
    await navTo(page, 'nav-approvals')
    const moved = await approveOnCard(page, '调动测试')
    assert.ok(moved.includes('上海装配线 → 上海质检组'), moved)
    const left = await approveOnCard(page, leaver.name)
    assert.ok(left.includes(`最后工作日 ${yesterday}`), left)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-approvals')
    await approveOnCard(page, '调动测试')
    await approveOnCard(page, leaver.name)
    assert.deepEqual(consoleErrors, [])
  })

  const after = await ok(
    `query ($a: ID!, $b: ID!) { a: employee(id: $a) { unit { code } } b: employee(id: $b) { status terminationDate } }`,
    { a: moverId, b: leaver.id },
    hr.accessToken,
  )
  assert.equal(after.a.unit.code, 'SH-PROD-QA')
  assert.deepEqual(after.b, { status: 'TERMINATED', terminationDate: yesterday })

  // The day after the last day: the leaver's session has ended and signing in is refused.
  const stale = await gql(`{ me { username } }`, {}, leaverSession.accessToken)
  assert.equal(stale.status, 401)
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/login`)
    await page.getByTestId('login-username').fill('employee.shanghai.qa')
    await page.getByTestId('login-password').fill(PASSWORD)
    await page.getByTestId('login-submit').click()
    await page.getByText('用户名或密码错误').first().waitFor()
    assert.ok(new URL(page.url()).pathname.startsWith('/login'))
  })
})
