// Income-tax tables as policy data (issue 19, point 3): HQ HR adds a table from a month in the
// app (starting from the law's figures, with a higher basic deduction) and sees it listed above
// the law's, which now ends the month before; branch HR reads the tables but adds none.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const TABLES = '{ incomeTaxTables { validFrom validTo basicDeduction brackets { upper rate quickDeduction } } }'

test('HQ HR adds an income-tax table from a month and sees it listed with the history', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-income-tax')
    const list = page.getByTestId('tax-tables')
    await list.getByText('2019').first().waitFor()
    await page.getByTestId('tax-new').click()
    const dialog = page.getByTestId('tax-form-dialog')
    // The form starts from the latest table: the law's seven brackets.
    assert.equal(await dialog.getByTestId('tax-form-brackets-rate-6').inputValue(), '45')
    const from = dialog.getByTestId('tax-form-validFrom').locator('input')
    await from.fill('2027-01')
    await from.press('Enter')
    await dialog.getByTestId('tax-form-basicDeduction').fill('6000')
    // A gap first: the second bracket's quick deduction off by 1 is refused on its table.
    const quick = dialog.getByTestId('tax-form-brackets-quick-1')
    await quick.fill('2521')
    await dialog.getByTestId('tax-form-submit').click()
    await dialog.getByTestId('tax-form-item-brackets').getByText('2520').waitFor()
    await quick.fill('2520')
    await dialog.getByTestId('tax-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await list.getByText('6,000').first().waitFor()
    await list.getByText('2026-12-31').waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  const hq = await apiLogin('hr.hq')
  const tables = (await gql(TABLES, {}, hq.accessToken)).data.incomeTaxTables
  assert.deepEqual(
    tables.map((t) => [t.validFrom, t.validTo, t.basicDeduction]),
    [
      ['2027-01-01', null, '6000.00'],
      ['2019-01-01', '2026-12-31', '5000.00'],
    ],
  )
  assert.deepEqual(tables[0].brackets, tables[1].brackets)

  // Branch HR reads them, without the button.
  await withPage(async (page) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-income-tax')
    await page.getByTestId('tax-tables').getByText('2026-12-31').waitFor()
    assert.equal(await page.getByTestId('tax-new').count(), 0)
  })
})
