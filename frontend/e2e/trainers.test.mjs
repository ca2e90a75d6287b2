// The trainer register and sessions changed after they were scheduled (issue 19 point 2): HQ HR
// adds an external trainer on the Trainers page, schedules a session with them and then moves
// it, cancels another session with a reason — and its learner sees the enrolment cancelled by
// the company, not by them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, fill, navTo, openCourse, uiLogin, withPage } from './helpers.mjs'

const suffix = String(Date.now() % 1_000_000)

test('HQ HR adds a trainer, schedules and moves a session with them, cancels another; the learner sees why', async () => {
  const code = `E2E-T${suffix}`
  const trainerName = `赵讲师${suffix}`
  const hq = (await apiLogin('hr.hq')).accessToken
  const learner = (await apiLogin('employee.shanghai.sales')).accessToken
  const me = (await gql('{ me { employee { id } } }', {}, learner)).data.me.employee.id
  // a free workshop (no approval), with a session the learner is booked on: it will be cancelled
  const made = await gql(
    `mutation($c: String!) { createCourse(input: {code: $c, title: "《E2E 讲师课程》", format: WORKSHOP, durationHours: "6"}) { course { id } errors { message } } }`,
    { c: code },
    hq,
  )
  const courseId = made.data.createCourse.course.id
  const doomed = await gql(
    `mutation($c: ID!) { addCourseSession(input: {courseId: $c, startsAt: "2099-05-10T09:00:00+08:00", endsAt: "2099-05-10T17:00:00+08:00", place: "北京分部", trainer: "临时讲师", capacity: 5}) { session { id } errors { message } } }`,
    { c: courseId },
    hq,
  )
  const doomedId = doomed.data.addCourseSession.session.id
  const booked = await gql(
    `mutation($c: ID!, $e: ID!, $s: ID!) { enrollInCourse(input: {courseId: $c, employeeId: $e, sessionId: $s}) { enrollment { id status } errors { field message } } }`,
    { c: courseId, e: me, s: doomedId },
    hq,
  )
  assert.deepEqual(booked.data.enrollInCourse.errors, [])
  const enrollmentId = booked.data.enrollInCourse.enrollment.id

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    // the register: an external trainer, company-wide
    await navTo(page, 'nav-trainers')
    await page.getByTestId('trainers-list').waitFor()
    await page.getByTestId('trainer-add').click()
    const form = page.getByTestId('trainer-form-dialog')
    await form.getByTestId('trainer-form-name').fill(trainerName)
    await form.getByTestId('trainer-form-organisation').fill('沟通学院')
    await form.getByTestId('trainer-form-phone').fill('13900001111')
    // a bad address: the browser says so before the server is asked
    await form.getByTestId('trainer-form-email').fill('not-an-address')
    await form.getByTestId('trainer-form-submit').click()
    await form.getByTestId('trainer-form-item-email').locator('.el-form-item__error').waitFor()
    await form.getByTestId('trainer-form-email').fill('zhao@example.com')
    await form.getByTestId('trainer-form-dailyFee').locator('input').fill('3500')
    await form.getByTestId('trainer-form-dailyFee').locator('input').press('Tab')
    await form.getByTestId('trainer-form-topics').fill('商务谈判')
    await form.getByTestId('trainer-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    await page.getByTestId('trainers-row').filter({ hasText: trainerName }).filter({ hasText: '沟通学院' }).waitFor()

    // a session with them, from the course's admin panel
    await openCourse(page, code)
    const admin = page.getByTestId('course-admin')
    await admin.getByTestId('session-add').click()
    const session = page.getByTestId('session-form-dialog')
    await fill(session, 'session-form-startsAt', '2099-06-01 09:00')
    await fill(session, 'session-form-endsAt', '2099-06-01 17:00')
    await session.getByTestId('session-form-place').fill('杭州总部 培训教室')
    await session.getByTestId('session-form-trainerId').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: trainerName }).first().click()
    await session.getByTestId('session-form-item-trainerId').filter({ hasText: trainerName }).waitFor()
    await session.getByTestId('session-form-submit').click()
    await session.waitFor({ state: 'hidden' })
    const kept = admin.getByTestId('admin-session').filter({ hasText: trainerName })
    await kept.waitFor()

    // moved to another room with more seats
    await kept.getByTestId('admin-session-edit').click()
    await session.waitFor()
    await session.getByTestId('session-form-place').fill('杭州总部 大会议室')
    await session.getByTestId('session-form-capacity').locator('input').fill('30')
    await session.getByTestId('session-form-capacity').locator('input').press('Tab')
    await session.getByTestId('session-form-submit').click()
    await session.waitFor({ state: 'hidden' })
    await admin.getByTestId('admin-session').filter({ hasText: '大会议室' }).filter({ hasText: trainerName }).waitFor()

    // the other session called off, with a reason
    const other = admin.locator(`[data-testid="admin-session"][data-id="${doomedId}"]`)
    await other.getByTestId('admin-session-cancel').click()
    const box = page.locator('.el-message-box')
    await box.locator('input').fill('讲师行程冲突')
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await admin.locator(`[data-testid="admin-session"][data-id="${doomedId}"][data-cancelled="true"]`).waitFor()
    await other.getByTestId('admin-session-reason').filter({ hasText: '讲师行程冲突' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  // the learner: cancelled, by the company, with the reason
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/my-learning/${encodeURIComponent(enrollmentId)}`)
    await page.locator(`[data-testid="learning-detail"][data-id="${enrollmentId}"][data-status="CANCELLED"]`).waitFor()
    await page.getByTestId('learning-cancelled-by-company').filter({ hasText: '讲师行程冲突' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  const { data } = await gql(
    `query($c: ID!, $s: String) { node(id: $c) { ... on Course { sessions { id place capacity trainer cancelledAt registeredTrainer { name } } } }
       trainers(first: 5, filter: {search: $s}) { edges { node { name organisation email dailyFee sessions { place } } } } }`,
    { c: courseId, s: trainerName },
    hq,
  )
  const moved = data.node.sessions.find((s) => s.id !== doomedId)
  assert.deepEqual([moved.place, moved.capacity, moved.trainer, moved.registeredTrainer?.name], ['杭州总部 大会议室', 30, trainerName, trainerName])
  assert.ok(data.node.sessions.find((s) => s.id === doomedId).cancelledAt)
  const [trainer] = data.trainers.edges.map((e) => e.node)
  assert.deepEqual(trainer, { name: trainerName, organisation: '沟通学院', email: 'zhao@example.com', dailyFee: '3500.00', sessions: [{ place: '杭州总部 大会议室' }] })
  const enrolment = await gql(`query($id: ID!) { node(id: $id) { ... on Enrollment { status cancelledByCompany } } }`, { id: enrollmentId }, learner)
  assert.deepEqual(enrolment.data.node, { status: 'CANCELLED', cancelledByCompany: true })
})
