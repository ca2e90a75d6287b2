// Overtime requests (加班申请) in the browser: an employee asks on a phone next to leave, the
// manager sees it under "my approvals" and approves it on the leave page (Issue 11).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }

test('an employee asks for overtime on a phone and their manager approves it', async () => {
  // A Saturday no other test or demo request touches: a rest day, so up to 12 hours.
  const day = '2026-12-19'
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-leave')
    await page.getByTestId('overtime-request').waitFor()
    const date = page.getByTestId('overtime-date').locator('input')
    await date.fill(day)
    await date.press('Enter')
    const hours = page.getByTestId('overtime-hours').locator('input')
    await hours.fill('4.5')
    await hours.press('Tab')
    await page.getByTestId('overtime-reason').fill('展会布展')
    await page.getByTestId('overtime-submit').click()
    const mine = page.getByTestId('overtime-mine-row').filter({ hasText: day })
    await mine.waitFor()
    assert.equal((await mine.getByTestId('overtime-mine-day').innerText()).trim(), '休息日')
    assert.equal((await mine.getByTestId('overtime-mine-hours').innerText()).trim(), '4.5 小时')
    assert.match(await mine.innerText(), /待审批/)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-approvals')
    const card = page.getByTestId('approval-card').filter({ hasText: day })
    await card.waitFor()
    assert.match(await card.innerText(), /加班/)
    assert.match(await card.getByTestId('approval-title').innerText(), /4\.5 小时/)
    await navTo(page, 'nav-leave')
    const waiting = page.getByTestId('overtime-to-decide').locator('li').filter({ hasText: day })
    await waiting.waitFor()
    await waiting.getByTestId('overtime-approve').click()
    await waiting.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })

  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql('{ myOvertimeRequests { date status hours reason dayKind } }', {}, accessToken)
  const mine = data.myOvertimeRequests.find((r) => r.date === day)
  assert.deepEqual(mine, { date: day, status: 'APPROVED', hours: '4.5', reason: '展会布展', dayKind: 'REST_DAY' })
})
