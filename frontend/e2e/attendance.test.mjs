// Attendance in the browser: clocking in on a phone (position faked through the browser's
// geolocation), the month that shows it, leave balances, and the unit's monthly sheet.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
// The Shanghai branch's clock-in point (demo: 张江办公楼, 300 m) and a spot 120 m north of it.
const ZHANGJIANG = { latitude: 31.2035 + 0.00108, longitude: 121.5906 }
const SHENZHEN = { latitude: 22.5405, longitude: 113.9345 }

function chinaToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
}

const MY_PUNCHES = `query ($m: Date!) { myAttendance(month: $m) { punches { id punchedAt source distanceMeters } } }`

test('an employee clocks in on a phone and sees it in their month', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const month = `${chinaToday().slice(0, 7)}-01`
  const before = (await gql(MY_PUNCHES, { m: month }, accessToken)).data.myAttendance.punches

  await withPage(async (page, { consoleErrors }) => {
    const context = page.context()
    await context.grantPermissions(['geolocation'], { origin: BASE_URL })
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-clock-in')
    await page.getByTestId('clock-in-view').waitFor()

    // In Shenzhen, far from any Shanghai clock-in point: refused, nothing written.
    await context.setGeolocation(SHENZHEN)
    await page.getByTestId('clock-in-phone').click()
    await page.getByTestId('clock-in-error').waitFor()
    const stillBefore = (await gql(MY_PUNCHES, { m: month }, accessToken)).data.myAttendance.punches
    assert.equal(stillBefore.length, before.length)

    // At the office: accepted, with the distance the server measured.
    await context.setGeolocation(ZHANGJIANG)
    await page.getByTestId('clock-in-phone').click()
    await page.getByTestId('clock-in-distance').waitFor()
    const after = (await gql(MY_PUNCHES, { m: month }, accessToken)).data.myAttendance.punches
    // One new punch (or, when this test ran less than a minute ago, that run's punch again).
    assert.ok(after.length - before.length <= 1)
    const added = after.filter((p) => Date.now() - new Date(p.punchedAt).getTime() < 90_000)
    assert.equal(added.length, 1, 'one punch in the last minute')
    assert.equal(added[0].source, 'MOBILE')
    assert.ok(added[0].distanceMeters >= 100 && added[0].distanceMeters <= 140, `${added[0].distanceMeters} m`)
    const clock = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(new Date(added[0].punchedAt))
    await page.getByTestId('clock-in-punch').filter({ hasText: clock }).first().waitFor()
    await noSidewaysScroll(page)

    // The month shows today with the punch's time.
    await page.getByTestId('clock-in-to-month').click()
    const today = page.locator(`[data-testid="attendance-day-row"][data-id="${chinaToday()}"]`)
    await today.waitFor()
    const times = await today.getByTestId('attendance-day-times').innerText()
    assert.ok(times.includes(clock), `today shows ${times}, expected ${clock}`)
    await page.getByTestId('my-attendance-summary').waitFor()
    await noSidewaysScroll(page)

    // Leave balances on the phone: statutory annual leave with what is left.
    await navTo(page, 'nav-leave')
    await page.getByTestId('leave-balance-ANNUAL').getByTestId('leave-remaining').waitFor()
    await noSidewaysScroll(page)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test("branch HR reads the unit's monthly sheet and downloads it as XLSX", async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-attendance-sheet')
    const table = page.getByTestId('attendance-sheet-table')
    await table.waitFor()
    // The demo's punches run to 27 November 2026: October is a full month of figures.
    const monthInput = page.getByTestId('attendance-sheet-month').locator('input')
    await monthInput.fill('2026-10')
    await monthInput.press('Enter')
    await table.getByTestId('attendance-sheet-table-row').first().waitFor()
    assert.ok((await table.getByTestId('attendance-sheet-table-row').count()) >= 10)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('attendance-sheet-download').click(),
    ])
    assert.match(download.suggestedFilename(), /^attendance-SH-2026-10\.xlsx$/)
    const bytes = await readFile(await download.path())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK') // an XLSX is a zip
    assert.deepEqual(consoleErrors, [])
  })
})

test("on a phone the unit's sheet shows a day at a time: who came when, a day back and forth", async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data: me } = await gql(`{ me { scopeUnit { id } } }`, {}, accessToken)
  const month = '2026-10-01'
  const { data } = await gql(
    `query ($u: ID!, $m: Date!) { attendanceSheet(unitId: $u, month: $m) { rows { employee { id } days { date firstIn } } } }`,
    { u: me.me.scopeUnit.id, m: month },
    accessToken,
  )
  const rows = data.attendanceSheet.rows
  const dates = [...new Set(rows.flatMap((r) => r.days.map((d) => d.date)))].sort()
  const on = (date) => rows.filter((r) => r.days.some((d) => d.date === date)).map((r) => r.employee.id).sort()
  const last = dates.at(-1)
  const before = dates.at(-2)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-attendance-sheet')
    const monthInput = page.getByTestId('attendance-sheet-month').locator('input')
    await monthInput.fill('2026-10')
    await monthInput.press('Enter')
    const view = page.locator(`[data-testid="attendance-sheet-view"][data-date="${last}"]`)
    await view.waitFor()
    assert.equal(await page.getByTestId('attendance-sheet-table').count(), 0, 'no 13-column table on a phone')
    const shown = async () => (await page.getByTestId('attendance-sheet-day-row').evaluateAll((els) => els.map((el) => el.dataset.id))).sort()
    assert.deepEqual(await shown(), on(last))
    assert.equal(await page.getByTestId('attendance-sheet-day-next').isDisabled(), true, 'the last day of the month')
    await noSidewaysScroll(page)
    await page.screenshot({ path: '/tmp/talentloop-attendance-sheet-phone.png', fullPage: true })

    await page.getByTestId('attendance-sheet-day-prev').click()
    await page.locator(`[data-testid="attendance-sheet-view"][data-date="${before}"]`).waitFor()
    assert.deepEqual(await shown(), on(before))
    const times = await page.getByTestId('attendance-sheet-day-times').allTextContents()
    assert.ok(times.some((text) => /\d\d:\d\d/.test(text)), 'punch times are shown')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('an employee asks for leave on a phone and their manager approves it', async () => {
  // A workday far enough ahead that no other test or demo request touches it.
  const day = '2026-12-30'
  await withPage(async (page) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-leave')
    await page.getByTestId('leave-view').waitFor()
    const inputs = page.getByTestId('leave-range').locator('input')
    await inputs.nth(0).fill(day)
    await inputs.nth(1).fill(day)
    await inputs.nth(1).press('Enter')
    await page.getByTestId('leave-reason').fill('体检')
    await page.getByTestId('leave-submit').click()
    await page.getByTestId('leave-mine').getByText('体检').waitFor()
    await noSidewaysScroll(page)
  }, PHONE)

  await withPage(async (page) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-leave')
    const waiting = page.getByTestId('leave-to-decide-row').filter({ hasText: day })
    await waiting.waitFor()
    await waiting.getByRole('button').first().click() // approve
    await waiting.waitFor({ state: 'detached' })
  })

  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql('{ myLeaveRequests { startDate status days reason } }', {}, accessToken)
  const mine = data.myLeaveRequests.find((r) => r.startDate === day)
  assert.deepEqual(mine, { startDate: day, status: 'APPROVED', days: 1, reason: '体检' })
})
