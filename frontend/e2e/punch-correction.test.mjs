// 补卡 in the browser (issue 21 point 6): a day without punches is 缺卡 (neutral, not 旷工); the
// employee asks for a correction on it from My attendance, their manager approves it on the
// approval card (day, times, reason), and the day then shows normal.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const EMPLOYEE = 'employee.shanghai.sales'
const MONTH = `query ($m: Date!) { myAttendance(month: $m) { days { date status correction } } }`

function chinaToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

test('an employee asks for a punch correction on a missing day and the manager approves it', async () => {
  // The demo's punches end on 27 November 2026: this month's past workdays are 缺卡. A month
  // with none yet (its first days) has the previous month's last days instead.
  const { accessToken } = await apiLogin(EMPLOYEE)
  const today = chinaToday()
  const thisMonth = `${today.slice(0, 7)}-01`
  const first = new Date(`${thisMonth}T12:00:00+08:00`)
  first.setUTCMonth(first.getUTCMonth() - 1)
  const lastMonth = `${first.toISOString().slice(0, 7)}-01`
  let month = thisMonth
  let day = null
  for (const m of [thisMonth, lastMonth]) {
    const { data } = await gql(MONTH, { m }, accessToken)
    const missing = data.myAttendance.days.filter((d) => d.status === 'MISSING_PUNCH' && !d.correction)
    if (missing.length) {
      month = m
      day = missing.at(-1).date
      break
    }
  }
  assert.ok(day, 'a missing-punch day to correct')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, EMPLOYEE)
    await navTo(page, 'nav-my-attendance')
    await page.getByTestId('my-attendance-summary').waitFor()
    if (month !== thisMonth) {
      const input = page.getByTestId('my-attendance-month').locator('input')
      await input.fill(month.slice(0, 7))
      await input.press('Enter')
    }
    const row = page.locator(`[data-testid="attendance-day-row"][data-id="${day}"]`)
    await row.waitFor()
    const status = row.getByTestId('attendance-day-status')
    assert.equal(await status.getAttribute('data-status'), 'MISSING_PUNCH')
    // 缺卡 is neutral: an info tag, no 旷工.
    const tag = row.getByTestId('day-status-missing')
    assert.match(await tag.innerText(), /缺卡/)
    assert.match((await tag.getAttribute('class')) ?? '', /el-tag--info/)
    assert.equal(await row.getByTestId('day-status-absent').count(), 0)

    await row.getByTestId('attendance-day-correct').click()
    const dialog = page.getByTestId('punch-correction-dialog')
    await dialog.waitFor()
    // The server's typed error lands on its field: no reason yet is the browser's check; a
    // clock-out before the clock-in is the server's.
    await page.getByTestId('punch-correction-clockIn').fill('18:00')
    await page.getByTestId('punch-correction-clockOut').fill('09:00')
    await page.getByTestId('punch-correction-reason').fill('外出拜访客户，忘记打卡')
    await page.getByTestId('punch-correction-submit').click()
    await page.getByTestId('punch-correction-item-clockOut').locator('.el-form-item__error').waitFor()
    await page.getByTestId('punch-correction-clockIn').fill('09:00')
    await page.getByTestId('punch-correction-clockOut').fill('18:00')
    await page.getByTestId('punch-correction-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await row.getByTestId('day-correction').waitFor()
    assert.match(await row.getByTestId('day-correction').innerText(), /补卡审批中/)
    assert.equal(await row.getByTestId('attendance-day-correct').count(), 0, 'asked once')
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-approvals')
    const card = page.getByTestId('approval-card').filter({ hasText: day })
    await card.waitFor()
    assert.match(await card.innerText(), /补卡/)
    assert.match(await card.getByTestId('approval-title').innerText(), /09:00–18:00/)
    assert.match(await card.getByTestId('approval-reason').innerText(), /外出拜访客户，忘记打卡/)
    await card.getByTestId('approval-approve').click()
    await card.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, EMPLOYEE)
    await navTo(page, 'nav-my-attendance')
    await page.getByTestId('my-attendance-summary').waitFor()
    if (month !== thisMonth) {
      const input = page.getByTestId('my-attendance-month').locator('input')
      await input.fill(month.slice(0, 7))
      await input.press('Enter')
    }
    const row = page.locator(`[data-testid="attendance-day-row"][data-id="${day}"]`)
    await row.locator('[data-status="NORMAL"]').waitFor()
    assert.match(await row.getByTestId('attendance-day-times').innerText(), /09:00 – 18:00/)
    assert.match(await row.getByTestId('day-correction').innerText(), /已补卡/)
    assert.equal(await row.getByTestId('day-status-missing').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
})

test('the monthly sheet opens on the last complete month, and HR may pick another', async () => {
  const today = chinaToday()
  const first = new Date(`${today.slice(0, 7)}-01T12:00:00+08:00`)
  first.setUTCMonth(first.getUTCMonth() - 1)
  const lastMonth = first.toISOString().slice(0, 7)
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-attendance-sheet')
    await page.getByTestId('attendance-sheet-table-row').first().waitFor()
    const input = page.getByTestId('attendance-sheet-month').locator('input')
    assert.equal(await input.inputValue(), lastMonth)
    await input.fill('2026-10')
    await input.press('Enter')
    await page.waitForFunction(() => document.querySelector('[data-testid="attendance-sheet-month"] input')?.value === '2026-10')
    assert.deepEqual(consoleErrors, [])
  })
})
