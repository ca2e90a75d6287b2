// Settings and integrations in the browser (issue #19, point 2): attendance rule sets and
// clock-in locations, a punch file checked then imported, a person's work start date, API
// tokens (the secret shown once, then revoked), the audit log for HQ HR, delegating one's
// approvals and commenting on a request.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'
import { openInApp } from './pages.mjs'

function chinaDay(offsetDays = 0) {
  const day = new Date(Date.now() + offsetDays * 86_400_000)
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(day)
}

async function pickOption(page, scope, testid, name) {
  await scope.getByTestId(testid).click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) }).first().click()
}

/** A form field's input or textarea: the test id sits on it (el-input) or around it. */
function inputOf(scope, testid) {
  const id = `[data-testid="${testid}"]`
  return scope.locator(`input${id}, textarea${id}, ${id} input`).first()
}

async function fillNumber(scope, testid, value) {
  const input = inputOf(scope, testid)
  await input.fill(String(value))
  await input.blur()
}

/** Shanghai's HR department (a unit with no rule set, no clock-in place and no punches of its own). */
async function shanghaiHr() {
  const { accessToken } = await apiLogin('hr.shanghai')
  const units = await gql('{ orgUnits { id code name } me { employee { id } } }', {}, accessToken)
  const unit = units.data.orgUnits.find((u) => u.code === 'SH-HR')
  const people = await gql(
    'query ($unitId: ID!) { employees(first: 20, filter: { unitId: $unitId }) { edges { node { id name employeeNumber } } } }',
    { unitId: unit.id },
    accessToken,
  )
  const colleague = people.data.employees.edges.map((e) => e.node).find((p) => p.id !== units.data.me.employee?.id)
  return { accessToken, unit, colleague }
}

test('branch HR adds a rule set, edits the whole rule, and adds and removes a clock-in place', async () => {
  const { accessToken, unit } = await shanghaiHr()
  const name = `上海人事部考勤规则 ${Date.now() % 100000}`
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-attendance-rules')
    await page.getByTestId('rule-sets-row').filter({ hasText: '上海分公司考勤规则' }).waitFor()

    // A new rule set for the HR department, as the branch's stands (no one's figures change).
    await page.getByTestId('rule-set-add').click()
    const dialog = page.getByTestId('rule-set-form-dialog')
    await inputOf(dialog, 'rule-set-form-name').fill(name)
    await pickOption(page, dialog, 'rule-set-form-unitId', unit.name)
    await fillNumber(dialog, 'rule-set-form-graceMinutes', 5)
    await fillNumber(dialog, 'rule-set-form-lateAbsentMinutes', 60)
    await fillNumber(dialog, 'rule-set-form-earlyAbsentMinutes', 60)
    await dialog.getByTestId('rule-set-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const row = page.getByTestId('rule-sets-row').filter({ hasText: name })
    await row.waitFor()

    // Edit it: a shift end before its start is refused on its field, then the rule is saved whole.
    await page.getByTestId(`rule-set-edit-${name}`).click()
    await dialog.waitFor()
    await inputOf(dialog, 'rule-set-form-workEnd').fill('08:00')
    await dialog.getByTestId('rule-set-form-submit').click()
    await dialog.getByTestId('rule-set-form-item-workEnd').locator('.el-form-item__error').waitFor()
    await inputOf(dialog, 'rule-set-form-workEnd').fill('18:00')
    await fillNumber(dialog, 'rule-set-form-graceMinutes', 10)
    await fillNumber(dialog, 'rule-set-form-overtimeUnitMinutes', 60)
    await dialog.getByTestId('rule-set-form-overtimeNeedsApproval').click()
    await dialog.getByTestId('rule-set-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await row.getByTestId('rule-sets-graceMinutes').filter({ hasText: '10' }).waitFor()

    // A clock-in place for the department, then removed again.
    await pickOption(page, page.getByTestId('locations-filters'), 'locations-unit', unit.name)
    await page.getByTestId('location-add').click()
    const place = page.getByTestId('location-form-dialog')
    await inputOf(place, 'location-form-name').fill('上海人事部 · 前台')
    await fillNumber(place, 'location-form-radiusMeters', 150)
    await place.getByTestId('location-form-submit').click()
    await place.waitFor({ state: 'hidden' })
    await page.getByTestId('locations-row').filter({ hasText: '上海人事部 · 前台' }).waitFor()
    const placed = await gql(
      'query ($id: ID!) { attendanceLocations(unitId: $id) { name radiusMeters unit { code } } }',
      { id: unit.id },
      accessToken,
    )
    assert.deepEqual(placed.data.attendanceLocations, [{ name: '上海人事部 · 前台', radiusMeters: 150, unit: { code: 'SH-HR' } }])
    await page.getByTestId('location-remove-上海人事部 · 前台').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByTestId('locations-inherited').waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const { data } = await gql(
    '{ attendanceRuleSets { name unit { code } hoursSystem workStart workEnd breakStart breakEnd graceMinutes lateAbsentMinutes earlyAbsentMinutes overtimeUnitMinutes overtimeNeedsApproval } }',
    {},
    accessToken,
  )
  assert.deepEqual(
    data.attendanceRuleSets.find((r) => r.name === name),
    {
      name,
      unit: { code: 'SH-HR' },
      hoursSystem: 'STANDARD',
      workStart: '09:00:00',
      workEnd: '18:00:00',
      breakStart: '12:00:00',
      breakEnd: '13:00:00',
      graceMinutes: 10,
      lateAbsentMinutes: 60,
      earlyAbsentMinutes: 60,
      overtimeUnitMinutes: 60,
      overtimeNeedsApproval: true,
    },
  )
})

test('a punch file is checked first, its bad row shown, then imported once clean', async () => {
  const { accessToken, colleague } = await shanghaiHr()
  const day = chinaDay(-1)
  const good = `${colleague.employeeNumber},${day} 08:57,DEV-E2E\n${colleague.employeeNumber},${day} 18:03,DEV-E2E\n`
  const header = 'employee_number,punched_at,device_id\n'
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-punch-import')
    const input = page.getByTestId('punch-file').locator('input[type=file]')
    await input.setInputFiles({ name: 'punches.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}${good}NOBODY-1,${day} 09:00,DEV-E2E\n`) })
    await page.getByTestId('punch-check').click()
    const bad = page.getByTestId('punch-rows-row')
    await bad.first().waitFor()
    assert.equal(await bad.count(), 1)
    assert.equal((await bad.getByTestId('punch-rows-line').innerText()).trim(), '4')
    assert.ok(await page.getByTestId('punch-import-run').isDisabled(), 'no import while a row is bad')

    await input.setInputFiles({ name: 'punches.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}${good}`) })
    await page.getByTestId('punch-check').click()
    await page.getByTestId('punch-ok').waitFor()
    await page.getByTestId('punch-import-run').click()
    await page.locator('.el-message--success').filter({ hasText: '2' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const month = `${day.slice(0, 7)}-01`
  const { data } = await gql(
    'query ($id: ID!, $month: Date!) { attendanceMonth(employeeId: $id, month: $month) { punches { punchedAt source } } }',
    { id: colleague.id, month },
    accessToken,
  )
  const device = data.attendanceMonth.punches.filter((p) => p.source === 'DEVICE')
  assert.equal(device.length, 2)
})

test("branch HR sets a colleague's work start date on their page", async () => {
  const { colleague } = await shanghaiHr()
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await openInApp(page, `/employees/${encodeURIComponent(colleague.id)}`)
    await page.getByTestId('work-start-open').click()
    const dialog = page.getByTestId('work-start-form-dialog')
    const input = dialog.getByTestId('work-start-form-workStartDate').locator('input')
    await input.fill('2008-07-01')
    await input.press('Enter')
    await dialog.getByTestId('work-start-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    assert.deepEqual(consoleErrors, [])
  })
  const { data } = await gql(
    'query ($id: ID!) { auditLog(first: 5, filter: { employeeId: $id, action: UPDATE }) { edges { node { subjectType field after } } } }',
    { id: colleague.id },
    (await apiLogin('hr.hq')).accessToken,
  )
  assert.ok(
    data.auditLog.edges.some((e) => e.node.subjectType === 'AttendanceProfile' && e.node.after?.workStartDate === '2008-07-01'),
    JSON.stringify(data),
  )
})

test('HQ HR filters the audit log by person, actor, kind and date', async () => {
  const { colleague } = await shanghaiHr()
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-audit-log')
    await page.locator('[data-testid="audit-log-total"][data-count]').waitFor()

    const actor = page.getByTestId('audit-filter-actor')
    await actor.click()
    await actor.locator('input').fill('hr.shanghai')
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^\s*hr\.shanghai\s*$/ }).click()
    await pickOption(page, page, 'audit-filter-action', '修改')
    const range = page.getByTestId('audit-filter-range')
    await range.locator('input').first().fill(chinaDay())
    await range.locator('input').nth(1).fill(chinaDay())
    await range.locator('input').nth(1).press('Enter')
    const person = page.getByTestId('audit-filter-person')
    await person.click()
    await person.locator('input').fill(colleague.name)
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: colleague.name }).first().click()

    const rows = page.getByTestId('audit-log-row')
    // The list as the person filter leaves it (not the rows of the filters before it).
    await page.waitForFunction((name) => {
      const shown = [...document.querySelectorAll('[data-testid="audit-log-row"]')].map((r) => r.innerText)
      return shown.some((t) => t.includes('AttendanceProfile')) && shown.every((t) => t.includes(name))
    }, colleague.name)
    for (const text of await rows.allInnerTexts()) {
      assert.match(text, /hr\.shanghai/)
      assert.match(text, /修改/)
      assert.ok(text.includes(colleague.name), text)
    }
    assert.deepEqual(consoleErrors, [])
  })
})

test('an API token is created with its secret shown once, works, and is revoked', async () => {
  const name = `e2e 集成 ${Date.now() % 100000}`
  let secret = ''
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-api-tokens')
    await page.getByTestId('api-token-add').click()
    const dialog = page.getByTestId('api-token-form-dialog')
    await inputOf(dialog, 'api-token-form-name').fill(name)
    await dialog.getByTestId('api-token-scope-READ_PEOPLE').click()
    await dialog.getByTestId('api-token-form-submit').click()
    const shown = page.getByTestId('api-token-secret-dialog')
    await shown.getByTestId('api-token-secret').waitFor()
    secret = (await shown.getByTestId('api-token-secret').innerText()).trim()
    assert.match(secret, /^tl_/)
    await shown.getByTestId('api-token-secret-close').click()
    await shown.waitFor({ state: 'hidden' })
    // Shown once: the list has only its prefix.
    const row = page.getByTestId('api-tokens-row').filter({ hasText: name })
    await row.waitFor()
    assert.ok(!(await page.locator('body').innerText()).includes(secret), 'the secret is not shown again')

    const works = await gql('{ me { user { username } } }', {}, secret)
    assert.equal(works.data?.me?.user?.username, 'employee.shanghai.sales')

    await page.getByTestId(`api-token-revoke-${name}`).click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByTestId(`api-token-status-${name}`).filter({ hasText: '已吊销' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const refused = await gql('{ me { user { username } } }', {}, secret)
  assert.ok(!refused.data?.me?.user, 'a revoked token no longer works')
})

test('a manager delegates approvals, the delegate sees the task and comments on it', async () => {
  const day = '2026-12-29' // a Tuesday no other test asks leave for; one day: the manager decides
  const employee = await apiLogin('employee.shanghai.sales')
  const asked = await gql(
    `mutation ($input: RequestLeaveInput!) { requestLeave(input: $input) { leaveRequest { id } errors { message } } }`,
    { input: { leaveType: 'PERSONAL', startDate: day, endDate: day, reason: '家中有事' } },
    employee.accessToken,
  )
  assert.deepEqual(asked.data.requestLeave.errors, [])
  const head = await apiLogin('head.shanghai')
  const headName = (await gql('{ me { employee { name } } }', {}, head.accessToken)).data.me.employee.name

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-approvals')
    await page.getByTestId('delegation-add').click()
    const dialog = page.getByTestId('delegation-form-dialog')
    const picker = dialog.getByTestId('delegation-form-toEmployeeId')
    await picker.click()
    await picker.locator('input').fill(headName)
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: headName }).first().click()
    await dialog.getByTestId('delegation-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId('delegations-row').filter({ hasText: headName }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'head.shanghai')
    await navTo(page, 'nav-approvals')
    const card = page.getByTestId('approval-card').filter({ hasText: day })
    await card.waitFor()
    await card.getByTestId('approval-comment-open').click()
    const dialog = page.getByTestId('approval-comment-form-dialog')
    await inputOf(dialog, 'approval-comment-form-comment').fill('请先交接手头的客户')
    await dialog.getByTestId('approval-comment-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await card.getByTestId('approval-history').filter({ hasText: '请先交接手头的客户' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  // The manager ends the delegation (it began today: it is removed); the head no longer sees the task.
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-approvals')
    await page.getByTestId(`delegation-end-${headName}`).click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByTestId('delegations-row').filter({ hasText: headName }).waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })
  const waiting = await gql('{ myApprovals { title } }', {}, head.accessToken)
  assert.ok(!waiting.data.myApprovals.some((r) => r.title.includes(day)))
  const { data } = await gql('{ myApprovalRequests { title history { kind actorName comment } } }', {}, employee.accessToken)
  const request = data.myApprovalRequests.find((r) => r.title.includes(day))
  assert.ok(request.history.some((h) => h.kind === 'COMMENTED' && h.comment === '请先交接手头的客户' && h.actorName === headName))
  await gql('mutation ($id: ID!) { cancelLeaveRequest(id: $id) { errors { code } } }', { id: asked.data.requestLeave.leaveRequest.id }, employee.accessToken)
})
