// Time is local (issue 21 point 4): a browser in Berlin still reads a Shanghai session at 09:00,
// and a session entered there at 09:00 is 09:00 in Shanghai (01:00 UTC), not 09:00 in Berlin.
// HQ HR names a branch's time zone on the organisation page; a bad name is refused on the field.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, fill, gql, navTo, openCourse, openUnit, uiLogin, withPage } from './helpers.mjs'

const suffix = String(Date.now() % 1_000_000)
const BERLIN = { timezoneId: 'Europe/Berlin' }

test('a laptop in Berlin shows and enters Shanghai sessions in Shanghai time', async () => {
  const code = `E2E-TZ${suffix}`
  const hq = (await apiLogin('hr.hq')).accessToken
  const made = await gql(
    `mutation($c: String!) { createCourse(input: {code: $c, title: "《E2E 时区课程》", format: WORKSHOP, durationHours: "8"}) { course { id } errors { message } } }`,
    { c: code },
    hq,
  )
  const courseId = made.data.createCourse.course.id
  // entered by an integrator as Shanghai's wall clock: no offset
  const first = await gql(
    `mutation($c: ID!) { addCourseSession(input: {courseId: $c, startsAt: "2099-06-01T09:00:00", endsAt: "2099-06-01T17:00:00", place: "上海培训中心 301 室", trainer: "李老师", capacity: 10}) { session { id startsAt timeZone } errors { message } } }`,
    { c: courseId },
    hq,
  )
  assert.deepEqual(first.data.addCourseSession.session.startsAt, '2099-06-01T09:00:00+08:00')

  await withPage(async (page, { consoleErrors }) => {
    assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'Europe/Berlin')
    await uiLogin(page, 'hr.hq')
    await openCourse(page, code)
    const admin = page.getByTestId('course-admin')
    await admin.getByTestId('admin-session').filter({ hasText: '09:00–17:00' }).filter({ hasText: '301' }).waitFor()
    // the library's upcoming sessions too
    await page.getByTestId('course-detail').getByText('09:00–17:00').first().waitFor()

    // a second session entered here at 09:00: Shanghai's 09:00
    await admin.getByTestId('session-add').click()
    const session = page.getByTestId('session-form-dialog')
    await session.getByText('Asia/Shanghai').first().waitFor() // the hint names the zone
    await fill(session, 'session-form-startsAt', '2099-06-02 09:00')
    await fill(session, 'session-form-endsAt', '2099-06-02 17:00')
    await session.getByTestId('session-form-place').fill('上海培训中心 302 室')
    await session.getByTestId('session-form-trainer').fill('王老师')
    await session.getByTestId('session-form-submit').click()
    await session.waitFor({ state: 'hidden' })
    const second = admin.getByTestId('admin-session').filter({ hasText: '302' })
    await second.filter({ hasText: '09:00–17:00' }).waitFor()
    // editing it shows the wall clock it was entered at
    await second.getByTestId('admin-session-edit').click()
    await session.waitFor()
    assert.equal(await session.getByTestId('session-form-startsAt').locator('input').inputValue(), '2099-06-02 09:00')
    await page.keyboard.press('Escape')
    await session.waitFor({ state: 'hidden' })
    assert.deepEqual(consoleErrors, [])
  }, BERLIN)

  const { data } = await gql(
    `query($c: ID!) { node(id: $c) { ... on Course { sessions { place startsAt endsAt timeZone } } } }`,
    { c: courseId },
    hq,
  )
  const entered = data.node.sessions.find((s) => s.place.includes('302'))
  assert.deepEqual(entered, { place: '上海培训中心 302 室', startsAt: '2099-06-02T09:00:00+08:00', endsAt: '2099-06-02T17:00:00+08:00', timeZone: 'Asia/Shanghai' })
  assert.equal(new Date(entered.startsAt).toISOString(), '2099-06-02T01:00:00.000Z')
})

test('HQ HR names a branch time zone on the organisation page; a bad one is refused on the field', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-org')
    await openUnit(page, 'SZ')
    const detail = page.getByTestId('org-detail')
    await detail.getByTestId('org-time-zone').filter({ hasText: 'Asia/Shanghai' }).waitFor()
    await detail.getByTestId('org-edit').click()
    const form = page.getByTestId('org-update-dialog')
    await form.getByTestId('org-update-timeZone').fill('Mars/Olympus')
    await form.getByTestId('org-update-submit').click()
    await form.getByTestId('org-update-item-timeZone').locator('.el-form-item__error').filter({ hasText: 'Mars/Olympus' }).waitFor()
    await form.getByTestId('org-update-timeZone').fill('Asia/Tokyo')
    await form.getByTestId('org-update-submit').click()
    await form.waitFor({ state: 'hidden' })
    await detail.getByTestId('org-time-zone').filter({ hasText: 'Asia/Tokyo' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  }, BERLIN)
  const hq = (await apiLogin('hr.hq')).accessToken
  const { data } = await gql(`{ orgUnits { code timeZone ownTimeZone } me { companyTimeZone } }`, {}, hq)
  const sz = data.orgUnits.filter((u) => u.code === 'SZ' || u.code.startsWith('SZ-'))
  assert.ok(sz.length > 1 && sz.every((u) => u.timeZone === 'Asia/Tokyo'))
  assert.equal(data.me.companyTimeZone, 'Asia/Shanghai')
  // a branch HR is not offered the field
  await withPage(async (page) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-org')
    await openUnit(page, 'SH')
    await page.getByTestId('org-detail').getByTestId('org-edit').click()
    const form = page.getByTestId('org-update-dialog')
    await form.getByTestId('org-update-name').waitFor()
    assert.equal(await form.getByTestId('org-update-timeZone').count(), 0)
  })
})
