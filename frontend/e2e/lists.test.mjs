// Lists that HR can work with (issue 20 point 2): a payroll run's payslips and one's own
// sensitive-data exports are kit lists — searched, filtered, sorted, and exported to CSV with
// exactly the rows and texts shown.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { BASE_URL, uiLogin, withPage } from './helpers.mjs'

async function csvLines(page, testid) {
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`${testid}-export-csv`).click()])
  const bytes = await readFile(await csv.path())
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]) // UTF-8 with a BOM
  return bytes.toString('utf8').slice(1).trim().split(/\r\n/)
}

test('a payroll run’s payslips are searched, sorted and exported as shown', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/payroll`)
    await page.locator('[data-testid^="payroll-run-20"]').first().click()
    const rows = page.getByTestId('payroll-payslips-row')
    await rows.first().waitFor()
    const all = await rows.count()
    assert.ok(all > 1, 'the demo run has payslips')

    // Sorting by net pay orders the rows by amount, largest first on the second click.
    await page.getByTestId('payroll-payslips-sort-net').click()
    await page.getByTestId('payroll-payslips-sort-net').click()
    const nets = (await page.getByTestId('payroll-payslips-net').allTextContents()).map((s) => Number(s.replace(/[^\d.]/g, '')))
    assert.deepEqual(nets, [...nets].sort((a, b) => b - a))

    // The search keeps the rows whose cells hold the words; the export holds exactly those.
    const first = (await page.getByTestId('payroll-payslips-employee').first().textContent()).trim()
    const number = first.split(' ')[0]
    await page.getByTestId('payroll-payslips-search').fill(number)
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="payroll-payslips-row"]').length === n, 1)
    const lines = await csvLines(page, 'payroll-payslips')
    const headers = await page.locator('[data-testid="payroll-payslips"] thead th').allTextContents()
    assert.equal(lines[0], headers.map((h) => h.replace(/[▲▼↕]/g, '').trim()).join(','))
    assert.equal(lines.length, 2)
    assert.ok(lines[1].startsWith(first))

    // Nothing found says that the filters hide everything.
    await page.getByTestId('payroll-payslips-search').fill('没有这个人')
    const empty = page.getByTestId('payroll-payslips-empty')
    await empty.waitFor()
    assert.equal(await empty.getAttribute('data-reason'), 'filtered')
    assert.deepEqual(consoleErrors, [])
  })
})

test('my exports filter by status and export the list', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/my-exports`)
    await page.getByTestId('my-exports-table-list').waitFor()
    await page.waitForFunction(
      () => document.querySelector('[data-testid="my-exports-table-list"]')?.getAttribute('data-loading') === 'false',
    )
    const before = await page.getByTestId('my-exports-table-row').count()
    await page.getByTestId('my-exports-status').click()
    await page.locator('.el-select-dropdown__item').filter({ hasText: '已过期' }).first().click()
    const rows = page.getByTestId('my-exports-table-row')
    const statuses = await page.locator('[data-testid="my-exports-table-row"] [data-testid="export-status"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-status')),
    )
    assert.ok(statuses.every((s) => s === 'EXPIRED'))
    if ((await rows.count()) === 0) {
      const empty = page.getByTestId('my-exports-table-empty')
      await empty.waitFor()
      assert.equal(await empty.getAttribute('data-reason'), 'filtered')
    }
    assert.ok(before >= (await rows.count()))
    assert.deepEqual(consoleErrors, [])
  })
})

test('the recruitment funnel sorts by any step and exports its rows', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/recruitment`)
    await page.getByRole('tab', { name: '招聘漏斗' }).click()
    const rows = page.getByTestId('funnel-table-row')
    await rows.first().waitFor()
    await page.getByTestId('funnel-table-sort-applied').click()
    const applied = (await page.getByTestId('funnel-table-applied').allTextContents()).map(Number)
    assert.deepEqual(applied, [...applied].sort((a, b) => a - b))
    const lines = await csvLines(page, 'funnel-table')
    assert.equal(lines.length - 1, await rows.count())
    assert.deepEqual(
      lines.slice(1).map((l) => Number(l.split(',')[2])),
      applied,
    )
    assert.deepEqual(consoleErrors, [])
  })
})
