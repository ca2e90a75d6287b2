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

test('a programme held in the past: HR puts a learner on its session, then completes them from its roster, with its date and score', async () => {
  const code = `E2E-H${suffix}`
  const { accessToken } = await apiLogin('hr.hq')
  // Someone in Shanghai sales with a gap (not HR themself: nobody signs off their own training),
  // and the course that closes it, so that it is recommended to them.
  const setup = await gql(`{ me { employee { id } } orgUnits { id code } }`, {}, accessToken)
  const unitId = setup.data.orgUnits.find((u) => u.code === 'SH-SALES').id
  const heat = await gql(
    `query ($u: ID!) { competencyHeatMap(unitId: $u) { competencies { id } rows { employee { id name } scores { gap } } } }`,
    { u: unitId },
    accessToken,
  )
  const map = heat.data.competencyHeatMap
  const row = map.rows.find((r) => r.employee && r.employee.id !== setup.data.me.employee?.id && r.scores.some((c) => Number(c.gap) > 0))
  const learner = row.employee
  const widest = row.scores.reduce((best, c, i) => (Number(c.gap) > Number(row.scores[best].gap ?? -1) ? i : best), 0)
  const made = await gql(
    `mutation($c: String!, $k: ID!) { createCourse(input: {code: $c, title: "《E2E 往期培训》", format: WORKSHOP, durationHours: "4", competencies: [{competencyId: $k, targetLevel: 5}]}) { course { id } errors { message } } }`,
    { c: code, k: map.competencies[widest].id },
    accessToken,
  )
  assert.deepEqual(made.data.createCourse.errors, [])
  const courseId = made.data.createCourse.course.id
  const added = await gql(
    `mutation($c: ID!) { addCourseSession(input: {courseId: $c, startsAt: "2026-10-12T09:00:00+08:00", endsAt: "2026-10-12T13:00:00+08:00", place: "上海培训中心", capacity: 10}) { session { id } errors { message } } }`,
    { c: courseId },
    accessToken,
  )
  const sessionId = added.data.addCourseSession.session.id

  // HR put the learner on the session that has been held, to record it: on the capability
  // analysis' recommendation, the held sessions are a group of their own.
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(new URL(`/capability-analysis?unit=${encodeURIComponent(unitId)}&employee=${encodeURIComponent(learner.id)}`, page.url()).href)
    const recs = page.locator(`[data-testid="team-recommendations"][data-employee-id="${learner.id}"][data-loading="false"]`)
    await recs.waitFor()
    await recs.locator(`[data-testid="recommendation"][data-course-id="${courseId}"]`).getByTestId('team-recommendation-enroll').click()
    const dialog = page.getByTestId('team-enroll-dialog')
    await dialog.getByTestId('enroll-no-sessions').waitFor() // nothing to come
    await dialog.getByTestId('enroll-held-title').waitFor()
    await dialog.locator(`[data-testid="enroll-held-session"][data-id="${sessionId}"]`).click()
    await dialog.getByTestId('enroll-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    assert.deepEqual(consoleErrors, [])
  })
  const booked = await gql(
    `query ($s: ID!) { enrollments(first: 5, sessionId: $s) { edges { node { id status employee { id } } } } }`,
    { s: sessionId },
    accessToken,
  )
  const enrollment = booked.data.enrollments.edges.map((e) => e.node).find((e) => e.employee.id === learner.id)
  assert.equal(enrollment?.status, 'ENROLLED')
  const enrollmentId = enrollment.id

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await openCourse(page, code)
    await page.getByTestId('admin-session-roster').first().click()
    const row = page.locator(`[data-testid="attendance-row"][data-id="${learner.id}"]`)
    await row.waitFor()
    await row.getByTestId('attendance-complete').click()
    const form = page.getByTestId('complete-form-dialog')
    // the date offered is the session's day (it has been held), not today
    assert.equal(await form.getByTestId('complete-form-completedOn').locator('input').inputValue(), '2026-10-12')
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
