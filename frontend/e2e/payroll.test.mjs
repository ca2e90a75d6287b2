// An employee opens their payslip on a phone: the month's net as the API has it, every line
// explained on a tap, the suspended performance pay saying why — and nothing wider than the screen.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const MINE = `{ myPayslips { id month net lines { code amount explanationZh } } }`

test('an employee reads their payslip on a phone, each line explained', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql(MINE, {}, accessToken)
  const latest = data.myPayslips[0]
  assert.ok(latest, 'the demo pays Shanghai up to October')
  const performance = latest.lines.find((l) => l.code === 'performance')
  assert.equal(Number(performance.amount), 0, 'the Shanghai sales department has performance pay suspended')

  await withPage(
    async (page, { consoleErrors }) => {
      await uiLogin(page, 'employee.shanghai.sales')
      await page.goto(`${BASE_URL}/payslips`)
      const net = page.getByTestId('payslip-net')
      await net.waitFor()
      assert.equal(await net.getAttribute('data-net'), latest.net)

      // The performance line: 0, and a tap says why.
      const line = page.getByTestId('payslip-line-performance')
      await line.getByRole('button').click()
      const why = line.getByTestId('payslip-explanation')
      await why.waitFor()
      assert.match(await why.textContent(), /暂停/)

      // The tax line explains the cumulative method.
      const tax = page.getByTestId('payslip-line-iit')
      await tax.getByRole('button').click()
      assert.match(await tax.getByTestId('payslip-explanation').textContent(), /累计预扣法/)

      // A phone shows it without sideways scrolling.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`)
      assert.deepEqual(consoleErrors, [])
    },
    { viewport: { width: 390, height: 844 }, isMobile: true },
  )
})

test('payroll runs are HR’s: an employee is offered no payroll page', async () => {
  await withPage(async (page) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/payroll`)
    await page.getByTestId('no-access').waitFor()
  })
})
