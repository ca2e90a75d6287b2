// The leave overview (issue 21 point 5): branch HR reads the branch's leave — the pending one
// with whose step it waits at, the approved ones — filtered by month, exported, and who is away
// on each day; a phone shows it without sideways scrolling.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, fill, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const COUNT = `query ($f: LeaveRequestFilter) { leaveRequests(first: 1, filter: $f) { totalCount } }`

async function count(username, filter) {
  const { accessToken } = await apiLogin(username)
  const { data } = await gql(COUNT, { f: filter }, accessToken)
  return data.leaveRequests.totalCount
}

test("Shanghai HR reads the branch's leave by month with whose step a pending one waits at", async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const manager = (await gql('{ me { employee { name } } }', {}, accessToken)).data.me.employee.name
  // The demo's waiting request (2026-12-11, the Shanghai sales rep's) is at the manager's step.
  const december = { month: '2026-12-01' }
  const october = { month: '2026-10-01' }
  const shanghaiOctober = await count('hr.shanghai', october)
  assert.ok(shanghaiOctober > 0)
  assert.ok((await count('hr.hq', october)) > shanghaiOctober, 'HQ HR sees more branches')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-leave-overview')
    await page.locator('[data-testid="leave-overview-total"][data-count]').waitFor()
    await fill(page, 'leave-overview-filter-month', '2026-12')
    await page.locator(`[data-testid="leave-overview-total"][data-count="${await count('hr.shanghai', december)}"]`).waitFor()
    const row = page.getByTestId('leave-overview-row').filter({ hasText: '2026-12-11' })
    await row.waitFor()
    assert.match(await row.getByTestId('leave-overview-step').innerText(), new RegExp(manager))
    const day = page.locator('[data-testid="leave-away-day"][data-date="2026-12-11"]')
    await day.waitFor()
    assert.ok(Number(await day.getAttribute('data-count')) >= 1)

    await fill(page, 'leave-overview-filter-month', '2026-10')
    await page.locator(`[data-testid="leave-overview-total"][data-count="${shanghaiOctober}"]`).waitFor()
    await page.getByTestId('leave-overview-filter-status').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已批准' }).click()
    await page.keyboard.press('Escape')
    const approved = await count('hr.shanghai', { ...october, statuses: ['APPROVED'] })
    await page.locator(`[data-testid="leave-overview-total"][data-count="${approved}"]`).waitFor()
    const download = page.waitForEvent('download')
    await page.getByTestId('leave-overview-export-csv').click()
    assert.match((await download).suggestedFilename(), /\.csv$/)
    assert.deepEqual(consoleErrors, [])
  })
})

test('who is away reads on a phone', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-leave-overview')
    await page.locator('[data-testid="leave-overview-total"][data-count]').waitFor()
    await fill(page, 'leave-overview-filter-month', '2026-10')
    await page.getByTestId('leave-away-day').first().waitFor()
    assert.ok((await page.getByTestId('leave-away-person').count()) > 0)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})
