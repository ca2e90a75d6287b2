// The training library from the screens (issue 19 point 2, issue 21 point 8): HQ HR creates a
// course, schedules a session and records a cost beside it; a programme held in the past is
// recorded as it happened — a completion from the session's roster with its real date, score and
// cost; a training target rule is created and listed, and turned off.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, fill, navTo, openCourse, uiLogin, withPage } from './helpers.mjs'

const suffix = String(Date.now() % 1_000_000)

test('HQ HR creates a course, schedules a session and records a cost', async () => {
  const code = `E2E-C${suffix}`
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-courses')
    await page.getByTestId('course-new').click()
    const form = page.getByTestId('course-form-dialog')
    await form.getByTestId('course-form-code').fill(code)
    await form.getByTestId('course-form-title').fill(`《E2E 课程 ${suffix}》`)
    await form.getByTestId('course-form-provider').fill('外部机构')
    await form.getByTestId('course-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    // the new course opens, with HR's panel beside it
    await page.locator(`[data-testid="course-detail"][data-code="${code}"]`).waitFor()
    const admin = page.getByTestId('course-admin')

    await admin.getByTestId('session-add').click()
    const session = page.getByTestId('session-form-dialog')
    await fill(session, 'session-form-startsAt', '2026-11-20 09:00')
    await fill(session, 'session-form-endsAt', '2026-11-20 17:00')
    await session.getByTestId('session-form-place').fill('杭州总部 培训教室')
    await session.getByTestId('session-form-trainer').fill('王老师（外聘）')
    await session.getByTestId('session-form-submit').click()
    await session.waitFor({ state: 'hidden' })
    await admin.getByTestId('admin-session').first().waitFor()

    await admin.getByTestId('cost-add').click()
    const cost = page.getByTestId('cost-form-dialog')
    await cost.getByTestId('cost-form-amount').locator('input').fill('3000')
    await cost.getByTestId('cost-form-amount').locator('input').press('Tab')
    await cost.getByTestId('cost-form-description').fill('讲师费用')
    await cost.getByTestId('cost-form-submit').click()
    await cost.waitFor({ state: 'hidden' })
    assert.deepEqual(consoleErrors, [])
  })
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql(
    `query($s: String) { courses(first: 5, filter: {search: $s}) { edges { node { code format provider
       sessions { startsAt endsAt place trainer capacity } cost { fixed cash } } } } }`,
    { s: code },
    accessToken,
  )
  const course = data.courses.edges.map((e) => e.node).find((c) => c.code === code)
  assert.equal(course.format, 'WORKSHOP')
  assert.equal(course.provider, '外部机构')
  assert.equal(course.sessions.length, 1)
  const [s] = course.sessions
  // entered as the wall clock where it is held (Shanghai, the company's zone), whatever the browser's
  assert.equal(s.startsAt, '2026-11-20T09:00:00+08:00')
  assert.equal(new Date(s.startsAt).toISOString(), '2026-11-20T01:00:00.000Z')
  assert.deepEqual([s.place, s.trainer, s.capacity], ['杭州总部 培训教室', '王老师（外聘）', 20])
  assert.equal(course.cost.fixed, '3000.00')
})

test('a programme held in the past is completed by hand from its roster, with its date and score', async () => {
  const code = `E2E-H${suffix}`
  const { accessToken } = await apiLogin('hr.hq')
  const made = await gql(
    `mutation($c: String!) { createCourse(input: {code: $c, title: "《E2E 往期培训》", format: WORKSHOP, durationHours: "4"}) { course { id } errors { message } } }`,
    { c: code },
    accessToken,
  )
  const courseId = made.data.createCourse.course.id
  const added = await gql(
    `mutation($c: ID!) { addCourseSession(input: {courseId: $c, startsAt: "2026-10-12T09:00:00+08:00", endsAt: "2026-10-12T13:00:00+08:00", place: "上海培训中心", capacity: 10}) { session { id } errors { message } } }`,
    { c: courseId },
    accessToken,
  )
  const sessionId = added.data.addCourseSession.session.id
  const people = await gql(`{ me { employee { id } } employees(first: 20, filter: {status: [ACTIVE]}) { edges { node { id name } } } }`, {}, accessToken)
  // someone else: nobody signs off their own training
  const learner = people.data.employees.edges.map((e) => e.node).filter((p) => p.id !== people.data.me.employee?.id).at(-1)
  // HR put people on a session that has been held, to record it
  const enrolled = await gql(
    `mutation($c: ID!, $e: ID!, $s: ID!) { enrollInCourse(input: {courseId: $c, employeeId: $e, sessionId: $s}) { enrollment { id status } errors { field message } } }`,
    { c: courseId, e: learner.id, s: sessionId },
    accessToken,
  )
  assert.deepEqual(enrolled.data.enrollInCourse.errors, [])
  const enrollmentId = enrolled.data.enrollInCourse.enrollment.id

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await openCourse(page, code)
    await page.getByTestId('admin-session-roster').first().click()
    const row = page.locator(`[data-testid="attendance-row"][data-id="${learner.id}"]`)
    await row.waitFor()
    await row.getByTestId('attendance-complete').click()
    const form = page.getByTestId('complete-form-dialog')
    // before the session: the server's refusal, on the date field
    await fill(form, 'complete-form-completedOn', '2026-10-11')
    await form.getByTestId('complete-form-submit').click()
    await form.getByTestId('complete-form-item-completedOn').locator('.el-form-item__error').waitFor()
    await fill(form, 'complete-form-completedOn', '2026-10-12')
    await form.getByTestId('complete-form-score').locator('input').fill('88')
    await form.getByTestId('complete-form-actualCost').locator('input').fill('450')
    await form.getByTestId('complete-form-actualCost').locator('input').press('Tab')
    await form.getByTestId('complete-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    await row.locator('[data-testid="attendance-completed"][data-score="88.0"]').waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const { data } = await gql(
    `query($id: ID!) { node(id: $id) { ... on Enrollment { status attended completedAt score actualCost } } }`,
    { id: enrollmentId },
    accessToken,
  )
  assert.equal(data.node.status, 'COMPLETED')
  assert.equal(data.node.attended, true)
  assert.ok(data.node.completedAt.startsWith('2026-10-12'), data.node.completedAt)
  assert.deepEqual([data.node.score, data.node.actualCost], ['88.0', '450.00'])
})

test('HQ HR creates a training target rule, sees it listed and turns it off', async () => {
  const code = `E2E-R${suffix}`
  const { accessToken } = await apiLogin('hr.hq')
  await gql(
    `mutation($c: String!) { createCourse(input: {code: $c, title: "《E2E 规则课程》", format: ONLINE, durationHours: "2"}) { errors { message } } }`,
    { c: code },
    accessToken,
  )
  // A KPI of the demo's (other browser tests add KPIs of their own, which could come first).
  const kpiName = (await gql('{ kpis { code name } }', {}, accessToken)).data.kpis.find((k) => k.code === 'NEW_CUSTOMERS').name
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-training-rules')
    await page.getByTestId('training-rules-list').waitFor()
    await page.getByTestId('training-rule-add').click()
    const form = page.getByTestId('training-rule-form-dialog')
    // one select at a time: each choice shows in its field (and its list closes) before the next
    await form.getByTestId('training-rule-form-courseId').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: code }).first().click()
    await form.getByTestId('training-rule-form-item-courseId').filter({ hasText: code }).waitFor()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: code }).waitFor({ state: 'hidden' })
    await form.getByTestId('training-rule-form-kpiId').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: kpiName }).first().click()
    await form.getByTestId('training-rule-form-item-kpiId').filter({ hasText: kpiName }).waitFor()
    // 0 is no change: the server's refusal lands on the field, and stays there while the list
    // behind the dialog is fetched again (FormDialog does not revalidate when its rules are rebuilt)
    await form.getByTestId('training-rule-form-percent').locator('input').fill('0')
    await form.getByTestId('training-rule-form-percent').locator('input').press('Tab')
    await form.getByTestId('training-rule-form-submit').click()
    await form.getByTestId('training-rule-form-item-percent').locator('.el-form-item__error').waitFor()
    await form.getByTestId('training-rule-form-percent').locator('input').fill('-5')
    await form.getByTestId('training-rule-form-percent').locator('input').press('Tab')
    await form.getByTestId('training-rule-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    const row = page.getByTestId('training-rules-row').filter({ hasText: '《E2E 规则课程》' })
    await row.filter({ hasText: '-5%' }).waitFor()
    await page.getByTestId(`training-rule-toggle-${code}`).click()
    await row.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })
  const { data } = await gql(
    `{ trainingTargetRules(includeInactive: true) { kind percent isActive course { code } } }`,
    {},
    accessToken,
  )
  const rule = data.trainingTargetRules.find((r) => r.course.code === code)
  assert.deepEqual(rule, { kind: 'TARGET_ADJUSTMENT', percent: '-5.00', isActive: false, course: { code } })
})
