// The training screens as people use them: an employee on a phone enrols in a recommended course
// and finds it in "my learning" (then cancels, so the test can run again on the same database),
// HR reads the Shanghai training plan's budget, the catalogue's filters and who sees the cost, and
// a manager's attendance sheet.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const SHANGHAI_BRANCH = '上海分公司'
const OPEN = ['PENDING', 'WAITLISTED', 'ENROLLED', 'IN_PROGRESS']

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
}

const RECOMMENDATIONS = `query ($e: ID!) {
  recommendedCourses(employeeId: $e) {
    course { id code title format }
    available measuredEffect nextSession { id }
    reasons { gap competency { name } }
  }
}`
const MY_ENROLLMENTS = `{ myEnrollments { id status source course { id code format } } }`
const CANCEL = `mutation ($id: ID!) { cancelEnrollment(id: $id) { enrollment { id status } errors { code message } } }`

/** The demo's courses cost money: an enrolment waits for approval; Shanghai's HR approves it. */
async function approveEnrolment(enrollmentId) {
  const hr = await apiLogin('hr.shanghai')
  const { data } = await gql('{ myApprovals { id subjectId } }', {}, hr.accessToken)
  const request = data.myApprovals.find((r) => r.subjectId === enrollmentId)
  assert.ok(request, 'the enrolment waits for branch HR')
  const decided = await gql(
    'mutation ($id: ID!) { decideApproval(id: $id, approve: true, comment: "") { approvalRequest { status } errors { code } } }',
    { id: request.id },
    hr.accessToken,
  )
  assert.deepEqual(decided.data.decideApproval, { approvalRequest: { status: 'APPROVED' }, errors: [] })
}

test('on a phone, an employee enrols in a recommended course and finds it in my learning', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const me = (await gql(`{ me { employee { id } } }`, {}, accessToken)).data.me.employee

  // A run that stopped half-way may have left a self-enrolment open: such a course is no longer
  // recommended. Cancel those first (the demo data has none).
  const before = (await gql(MY_ENROLLMENTS, {}, accessToken)).data.myEnrollments
  for (const e of before.filter((x) => OPEN.includes(x.status) && x.source === 'SELF')) {
    await gql(CANCEL, { id: e.id }, accessToken)
  }

  const recs = (await gql(RECOMMENDATIONS, { e: me.id }, accessToken)).data.recommendedCourses
  assert.ok(recs.length > 0, 'the demo gives the employee recommendations')
  // One that can be taken now: online, or a session with a free seat (mentoring needs a mentor).
  const pick = recs.find((r) => r.available && (r.course.format === 'ONLINE' || r.nextSession))
  assert.ok(pick, 'an available course is recommended')

  let enrollmentId = null
  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'employee.shanghai.sales')
      await navTo(page, 'nav-recommended-courses')
      await page.waitForURL(/\/recommended-courses$/)
      const list = page.locator(`[data-testid="recommendations"][data-loading="false"][data-count="${recs.length}"]`)
      await list.waitFor()
      const codes = await list.getByTestId('recommendation').evaluateAll((els) => els.map((el) => el.dataset.code))
      assert.deepEqual(codes, recs.map((r) => r.course.code), 'ranked as the API ranks them')

      // Each with its reasons, and its measured effect or "none yet".
      const card = list.locator(`[data-testid="recommendation"][data-course-id="${pick.course.id}"]`)
      const reasons = (await card.getByTestId('recommendation-reason').allTextContents()).map((s) => s.trim())
      assert.equal(reasons.length, pick.reasons.length)
      for (const r of pick.reasons) {
        assert.ok(reasons.some((text) => text.includes(`「${r.competency.name}」`) && text.includes(String(Number(r.gap)))), `a reason names ${r.competency.name}`)
      }
      const effect = (await card.getByTestId('recommendation-effect').textContent()).trim()
      if (pick.measuredEffect === null) assert.equal(effect, '暂无实测效果')
      else assert.match(effect, /%/)
      await noSidewaysScroll(page)
      await page.screenshot({ path: '/tmp/talentloop-recommendations-phone.png', fullPage: true })

      // Open it: why, then the course; the next free session is chosen for a workshop.
      await card.getByTestId('recommendation-open').click()
      await page.waitForURL((url) => url.pathname.startsWith('/recommended-courses/'))
      await page.locator(`[data-testid="recommendation-detail"][data-course-id="${pick.course.id}"]`).waitFor()
      const detail = page.locator(`[data-testid="course-detail"][data-id="${pick.course.id}"]`)
      await detail.waitFor()
      assert.equal((await detail.getByTestId('course-title').textContent()).trim(), pick.course.title)
      if (pick.nextSession) {
        const chosen = detail.locator('[data-testid="enroll-session"].session--on')
        assert.equal(await chosen.getAttribute('data-id'), pick.nextSession.id)
        assert.equal(await chosen.getAttribute('data-full'), 'false')
      }
      await noSidewaysScroll(page)
      await page.screenshot({ path: '/tmp/talentloop-recommendation-phone.png', fullPage: true })

      // Enrol: on to the enrolment in "my learning".
      await detail.getByTestId('enroll-submit').click()
      await page.waitForURL((url) => url.pathname.startsWith('/my-learning/'))
      const enrolled = page.locator(`[data-testid="learning-detail"][data-code="${pick.course.code}"]`)
      await enrolled.waitFor()
      enrollmentId = await enrolled.getAttribute('data-id')
      // It costs money: it waits for approval, and takes its seat once approved.
      assert.equal(await enrolled.getAttribute('data-status'), 'PENDING')
      await approveEnrolment(enrollmentId)
      await page.reload()
      await page.locator(`[data-testid="learning-detail"][data-id="${enrollmentId}"][data-status="ENROLLED"]`).waitFor()
      if (pick.nextSession) await enrolled.getByTestId('learning-session').waitFor()

      // Listed among the courses in progress.
      await page.getByTestId('learning-back').click()
      await page.waitForURL(/\/my-learning$/)
      const item = page.locator(`[data-testid="my-learning"][data-loading="false"] [data-testid="learning-card"][data-id="${enrollmentId}"][data-status="ENROLLED"]`)
      await item.waitFor()
      assert.equal(await item.getAttribute('data-code'), pick.course.code)
      await noSidewaysScroll(page)
      await page.screenshot({ path: '/tmp/talentloop-my-learning-phone.png', fullPage: true })

      // As the server has it.
      const mine = (await gql(MY_ENROLLMENTS, {}, accessToken)).data.myEnrollments
      assert.ok(mine.some((e) => e.id === enrollmentId && e.status === 'ENROLLED' && e.course.id === pick.course.id))

      // Cancel it, so the course is recommended again.
      await item.click()
      await page.getByTestId('learning-cancel').click()
      await page.locator('.el-message-box__btns .el-button--primary').click()
      await page.locator(`[data-testid="learning-detail"][data-id="${enrollmentId}"][data-status="CANCELLED"]`).waitFor()
      assert.equal(await page.getByTestId('learning-cancel').count(), 0)
      assert.deepEqual(consoleErrors, [])
    }, PHONE)
  } finally {
    // Whatever happened above, leave the database as we found it.
    const mine = (await gql(MY_ENROLLMENTS, {}, accessToken)).data.myEnrollments
    for (const e of mine.filter((x) => x.course.id === pick.course.id && OPEN.includes(x.status))) {
      await gql(CANCEL, { id: e.id }, accessToken)
    }
  }
  const again = (await gql(RECOMMENDATIONS, { e: me.id }, accessToken)).data.recommendedCourses
  assert.ok(again.some((r) => r.course.id === pick.course.id), 'recommended again once cancelled')
})

test('branch HR sees the Shanghai training plan: budget, planned and used, and the participation chart', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql(
    `{ trainingPlans { id title unit { name } budget { budget planned used remaining enrollments } items { course { code } } } }`,
    {},
    accessToken,
  )
  const plan = data.trainingPlans.find((p) => p.unit?.name === SHANGHAI_BRANCH)
  assert.ok(plan, 'the demo has a plan for the Shanghai branch')
  assert.ok(Number(plan.budget.used) > 0, 'the demo has spent some of it')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-training-plans')
    await page.waitForURL(/\/training-plans$/)
    await page.locator(`[data-testid="plans"][data-count="${data.trainingPlans.length}"]`).waitFor()
    const card = page.locator(`[data-testid="plan"][data-id="${plan.id}"]`)
    assert.equal(await card.getAttribute('data-unit'), SHANGHAI_BRANCH)
    assert.equal((await card.getByTestId('plan-title').textContent()).trim(), plan.title)
    const used = card.getByTestId('plan-budget-used')
    assert.equal(Number(await used.getAttribute('data-value')), Number(plan.budget.used))
    assert.ok(Number(await used.getAttribute('data-value')) > 0, 'used > 0')
    const yuan = (value) => `¥${Math.round(Number(value)).toLocaleString('en-US')}`
    assert.equal((await used.textContent()).trim(), yuan(plan.budget.used))
    assert.equal((await card.getByTestId('plan-budget-total').textContent()).trim(), yuan(plan.budget.budget))
    assert.equal((await card.getByTestId('plan-budget-planned').textContent()).trim(), yuan(plan.budget.planned))
    assert.equal((await card.getByTestId('plan-used-pct').textContent()).trim(), `${Math.round((Number(plan.budget.used) * 100) / Number(plan.budget.budget))}%`)
    assert.equal(await card.getByTestId('plan-item').count(), plan.items.length)
    // HR of the unit may plan.
    await page.getByTestId('plan-new').waitFor()
    assert.equal(await card.getByTestId('plan-add-item').count(), 1)

    // Participation in 《产品知识大全》 month by month, drawn.
    const chart = page.locator('[data-testid="participation"][data-loading="false"][data-points]')
    await chart.waitFor()
    assert.ok(Number(await chart.getAttribute('data-points')) > 0)
    await chart.getByTestId('participation-chart').locator('svg path').first().waitFor({ state: 'attached' })
    await page.screenshot({ path: '/tmp/talentloop-training-plans.png', fullPage: true })
    assert.deepEqual(consoleErrors, [])
  })
})

test('the catalogue filters courses; HR sees what a course costs, an employee does not (nor the plans)', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const all = (await gql(`{ courses(first: 100) { totalCount edges { node { id code format } } } }`, {}, accessToken)).data.courses
  const online = all.edges.map((e) => e.node).filter((c) => c.format === 'ONLINE')
  const withCost = all.edges.map((e) => e.node).find((c) => c.code === 'PK-101') ?? all.edges[0].node

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-courses')
    await page.locator(`[data-testid="course-total"][data-count="${all.totalCount}"]`).waitFor()
    assert.equal(await page.getByTestId('course-card').count(), all.totalCount)

    // Online only.
    await page.goto(`${BASE_URL}/courses?format=ONLINE`)
    await page.locator(`[data-testid="course-total"][data-count="${online.length}"]`).waitFor()
    await page.locator('[data-testid="course-list"][data-loading="false"]').waitFor()
    const formats = await page.getByTestId('course-card').evaluateAll((els) => els.map((el) => el.dataset.format))
    assert.ok(formats.length === online.length && formats.every((f) => f === 'ONLINE'))

    // A course in full: HR sees the cost block.
    await page.goto(`${BASE_URL}/courses/${encodeURIComponent(withCost.id)}`)
    await page.locator(`[data-testid="course-detail"][data-id="${withCost.id}"]`).waitFor()
    await page.getByTestId('course-cost').waitFor()
    assert.match(await page.getByTestId('course-cost-full').textContent(), /¥/)
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.getByTestId('nav-courses').first().waitFor({ state: 'attached' })
    assert.equal(await page.getByTestId('nav-training-plans').count(), 0, 'no training plans for an employee')
    assert.equal(await page.getByTestId('nav-attendance').count(), 0, 'no attendance sheet for an employee')
    await page.goto(`${BASE_URL}/courses/${encodeURIComponent(withCost.id)}`)
    await page.locator(`[data-testid="course-detail"][data-id="${withCost.id}"]`).waitFor()
    await page.getByTestId('course-enroll').waitFor()
    assert.equal(await page.getByTestId('course-cost').count(), 0, 'no cost for an employee')
    await page.goto(`${BASE_URL}/training-plans`)
    await page.getByTestId('no-access').waitFor()
    assert.deepEqual(consoleErrors, [])
  })
})

test("a manager takes attendance for a team member's workshop session (marked absent)", async () => {
  const manager = await apiLogin('manager.shanghai.sales')
  const { data } = await gql(
    `{ me { employee { id } scopeUnit { id } }
       courses(first: 100, filter: { format: [WORKSHOP] }) { edges { node { id code upcomingSessions { id capacity seatsTaken } } } } }`,
    {},
    manager.accessToken,
  )
  const course = data.courses.edges.map((e) => e.node).find((c) => c.upcomingSessions.some((s) => s.seatsTaken < s.capacity))
  assert.ok(course, 'a workshop with a free seat')
  const session = course.upcomingSessions.find((s) => s.seatsTaken < s.capacity)
  const team = await gql(
    `query ($u: ID!, $c: ID!) {
       employees(first: 50, filter: { unitId: $u, status: [ACTIVE] }) { edges { node { id name } } }
       enrollments(first: 100, courseId: $c, status: [PENDING, WAITLISTED, ENROLLED, IN_PROGRESS, COMPLETED]) { edges { node { employee { id } } } }
     }`,
    { u: data.me.scopeUnit.id, c: course.id },
    manager.accessToken,
  )
  const taken = new Set(team.data.enrollments.edges.map((e) => e.node.employee?.id))
  const learner = team.data.employees.edges.map((e) => e.node).find((e) => e.id !== data.me.employee?.id && !taken.has(e.id))
  assert.ok(learner, 'a team member not yet on the course')
  const enrolled = await gql(
    `mutation ($i: EnrollInCourseInput!) { enrollInCourse(input: $i) { enrollment { id status } errors { code message } } }`,
    { i: { courseId: course.id, employeeId: learner.id, sessionId: session.id } },
    manager.accessToken,
  )
  assert.deepEqual(enrolled.data.enrollInCourse.errors, [])
  const enrollmentId = enrolled.data.enrollInCourse.enrollment.id
  assert.equal(enrolled.data.enrollInCourse.enrollment.status, 'PENDING')
  await approveEnrolment(enrollmentId)

  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'manager.shanghai.sales')
      await navTo(page, 'nav-attendance')
      await page.goto(`${BASE_URL}/attendance?course=${encodeURIComponent(course.id)}&session=${encodeURIComponent(session.id)}`)
      const sheet = page.locator(`[data-testid="attendance-sheet"][data-session-id="${session.id}"][data-loading="false"][data-count]`)
      await sheet.waitFor()
      const row = sheet.locator(`[data-testid="attendance-row"][data-id="${learner.id}"]`)
      assert.equal(await row.locator('[data-attended]').getAttribute('data-attended'), '')
      // Present, then (changing one's mind) absent: a workshop attended is complete at once, and a
      // completed enrolment cannot be cancelled to leave the database as it was.
      const present = page.getByTestId('attendance-present')
      const count = Number(await present.getAttribute('data-present'))
      await row.getByTestId('attendance-switch').click()
      await page.locator(`[data-testid="attendance-present"][data-present="${count + 1}"]`).waitFor()
      await row.getByTestId('attendance-switch').click()
      await page.locator(`[data-testid="attendance-present"][data-present="${count}"]`).waitFor()
      await page.getByTestId('attendance-save').click()
      await sheet.locator(`[data-testid="attendance-row"][data-id="${learner.id}"] [data-attended="false"]`).waitFor()
      await page.screenshot({ path: '/tmp/talentloop-attendance.png', fullPage: true })
      assert.deepEqual(consoleErrors, [])
    })
    const after = await gql(
      `query ($s: ID!) { enrollments(first: 100, sessionId: $s) { edges { node { id attended status } } } }`,
      { s: session.id },
      manager.accessToken,
    )
    const mine = after.data.enrollments.edges.map((e) => e.node).find((e) => e.id === enrollmentId)
    assert.equal(mine.attended, false, 'recorded as absent')
    assert.equal(mine.status, 'ENROLLED')
  } finally {
    await gql(CANCEL, { id: enrollmentId }, manager.accessToken)
  }
})
