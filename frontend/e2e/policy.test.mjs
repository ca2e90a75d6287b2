// Policy data in the app (issue 19, point 3): HQ HR enters 2027's holidays and make-up workdays
// (调休) from the State Council's notice before the chinese-calendar package has the year, and
// changes Shanghai's social-insurance base from a month; the next payroll uses the new base.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

// A 2027 notice as HQ HR would paste it (test data, not the real notice): 元旦 on Friday
// 1 January, the Spring Festival break from 除夕 (5 February) with a Sunday worked before it.
const NOTICE_2027 = [
  '2027-01-01,STATUTORY_HOLIDAY,元旦',
  '2027-02-05,STATUTORY_HOLIDAY,春节',
  '2027-02-06,STATUTORY_HOLIDAY,春节',
  '2027-02-07,STATUTORY_HOLIDAY,春节',
  '2027-02-08,STATUTORY_HOLIDAY,春节',
  '2027-02-09,REST_DAY,春节',
  '2027-02-10,REST_DAY,春节',
  '2027-01-31,WORKDAY,',
].join('\n')

const YEAR = `query { workCalendarYear(year: 2027) { status days { date kind source } } }`
const SHANGHAI = `{ socialInsuranceTables { city validFrom validTo baseFloor } }`

test('HQ HR enters 2027 from the notice and a new Shanghai base; the next payroll uses it', async () => {
  const hq = await apiLogin('hr.hq')
  const before = await gql(YEAR, {}, hq.accessToken)
  assert.equal(before.data?.workCalendarYear.status, 'MISSING', JSON.stringify(before))

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')

    // The work calendar: 2027 is missing, and says so; the notice is pasted in.
    await navTo(page, 'nav-work-calendar')
    const year = page.getByTestId('calendar-year').locator('input')
    await year.fill('2027')
    await year.press('Enter')
    await page.getByTestId('calendar-missing').waitFor()
    await page.getByTestId('calendar-paste').fill(NOTICE_2027)
    await page.getByTestId('calendar-paste-add').click()
    await page.getByTestId('calendar-missing').waitFor({ state: 'detached' })
    assert.match(await page.getByTestId('calendar-day-2027-02-05').innerText(), /法定节假日[\s\S]*春节/)
    assert.match(await page.getByTestId('calendar-day-2027-01-31').innerText(), /工作日/)

    // A company day on top: the Monday after the break off, with a note.
    await page.getByTestId('calendar-source').getByText('公司调整').click()
    const date = page.getByTestId('calendar-date').locator('input')
    await date.fill('2027-02-11')
    await date.press('Enter')
    await page.getByTestId('calendar-kind').click()
    await page.getByRole('option', { name: '休息日' }).click()
    await page.getByTestId('calendar-note').fill('公司年会')
    await page.getByTestId('calendar-add').click()
    await page.getByTestId('calendar-day-2027-02-11').filter({ hasText: '公司年会' }).waitFor()

    // Shanghai's table: a new version from November 2026 with a higher base floor.
    await navTo(page, 'nav-social-insurance')
    await page.getByTestId('si-new-version-上海').click()
    const from = page.getByTestId('si-form-from').locator('input')
    await from.fill('2026-11')
    await from.press('Enter')
    await page.getByTestId('si-form-base-floor').fill('12000')
    await page.getByTestId('si-form-submit').click()
    await page.getByTestId('si-tables-row').filter({ hasText: '上海' }).getByText('2026-10-31').waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  const days = (await gql(YEAR, {}, hq.accessToken)).data.workCalendarYear
  assert.equal(days.status, 'ENTERED')
  const kinds = Object.fromEntries(days.days.map((d) => [d.date, `${d.kind}/${d.source}`]))
  assert.equal(kinds['2027-02-05'], 'STATUTORY_HOLIDAY/NOTICE')
  assert.equal(kinds['2027-01-31'], 'WORKDAY/NOTICE')
  assert.equal(kinds['2027-02-11'], 'REST_DAY/COMPANY')
  const versions = (await gql(SHANGHAI, {}, hq.accessToken)).data.socialInsuranceTables.filter((t) => t.city === '上海')
  assert.deepEqual(
    versions.map((t) => [t.validFrom, t.validTo, t.baseFloor]),
    [
      ['2026-11-01', null, '12000.00'],
      ['2025-07-01', '2026-10-31', '7460.00'],
    ],
  )

  // The next payroll: Shanghai's December (November's is payroll-stale.test.mjs's, in the same
  // demo), computed by the branch's HR through the API; the new base is in force from November.
  const sh = await apiLogin('hr.shanghai')
  const units = (await gql('{ orgUnits { id code } }', {}, sh.accessToken)).data.orgUnits
  const unitId = units.find((u) => u.code === 'SH').id
  const created = await gql(
    'mutation ($i: CreatePayrollRunInput!) { createPayrollRun(input: $i) { run { id } errors { code message } } }',
    { i: { unitId, month: '2026-12-01' } },
    sh.accessToken,
  )
  assert.deepEqual(created.data.createPayrollRun.errors, [])
  const runId = created.data.createPayrollRun.run.id
  let run = null
  for (let i = 0; i < 300; i++) {
    run = (
      await gql(
        'query ($id: ID!) { payrollRun(id: $id) { jobStatus error payslips { lines { code section amount explanationZh } } } }',
        { id: runId },
        sh.accessToken,
      )
    ).data.payrollRun
    if (run.jobStatus !== 'RUNNING') break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.equal(run.jobStatus, 'DONE', run.error)
  const pensions = run.payslips.flatMap((p) => p.lines.filter((l) => l.code === 'pension' && l.section === 'CONTRIBUTION'))
  assert.ok(pensions.length > 0)
  for (const line of pensions) {
    assert.match(line.explanationZh, /上海 2026-11 起/, 'the version in force since November')
    assert.ok(Number(line.amount) >= 960, `8 % of a base under the new floor: ${line.amount}`)
  }
})
