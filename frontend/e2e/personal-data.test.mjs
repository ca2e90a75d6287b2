// Personal data as people see it: HR reveals a masked ID number with a reason (and the audit
// log says so, without the number); an employee downloads a copy of their own record.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const REASON = '工资退票，需与银行核对身份信息'

test('branch HR reveals an ID number with a reason, and the reveal is in the audit log', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql(`{ employees(first: 1) { edges { node { id name idNumber } } } }`, {}, accessToken)
  const target = data.employees.edges[0].node
  assert.match(target.idNumber, /^\*{14}[0-9X]{4}$/, 'the API gives the ID number masked')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(target.id)}`)
    await page.getByTestId('employee-profile').waitFor()
    assert.equal((await page.getByTestId('field-idNumber').textContent()).includes(target.idNumber), true)

    await page.getByTestId('reveal-idNumber').click()
    const dialog = page.getByTestId('reveal-dialog')
    await dialog.waitFor()
    // Too short a reason is refused before anything is sent.
    await page.getByTestId('reveal-reason').fill('看看')
    await page.getByTestId('reveal-submit').click()
    await dialog.getByText('请填写 5 至 500 个字的原因').waitFor()
    assert.equal(await page.getByTestId('revealed-value').count(), 0)

    await page.getByTestId('reveal-reason').fill(REASON)
    await page.getByTestId('reveal-submit').click()
    const value = (await page.getByTestId('revealed-value').textContent()).trim()
    assert.match(value, /^[0-9]{17}[0-9X]$/, 'a full resident ID number')
    assert.equal(value.slice(-4), target.idNumber.slice(-4))

    // Closed, the value is gone from the page (and was never in the urql cache).
    await page.getByTestId('reveal-close').click()
    await page.getByTestId('revealed-value').waitFor({ state: 'detached' })
    assert.equal((await page.content()).includes(value), false)
    assert.deepEqual(consoleErrors, [])

    const hq = await apiLogin('hr.hq')
    const log = await gql(
      `query ($f: AuditLogFilter) { auditLog(first: 50, filter: $f) { edges { node { action actorUsername field reason employee { name } before after } } } }`,
      { f: { action: 'SENSITIVE_READ' } },
      hq.accessToken,
    )
    assert.equal(log.errors, undefined, JSON.stringify(log.errors))
    const entries = log.data.auditLog.edges.map((e) => e.node)
    const mine = entries.find((e) => e.actorUsername === 'hr.shanghai' && e.reason === REASON)
    assert.ok(mine, 'the reveal is logged with its reason')
    assert.equal(mine.field, 'idNumber')
    assert.equal(mine.employee.name, target.name)
    assert.equal(JSON.stringify(entries).includes(value), false, 'never the value')
  })
})

test('an employee downloads their own record as JSON and XLSX', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql(`{ me { employee { employeeNumber name idNumber bankAccount } } }`, {}, accessToken)
  const me = data.me.employee

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/me`)
    await page.getByTestId('my-record').waitFor()

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-record-json').click()])
    assert.match(json.suggestedFilename(), new RegExp(`^record-${me.employeeNumber}-\\d{4}-\\d{2}-\\d{2}\\.json$`))
    const record = JSON.parse(await readFile(await json.path(), 'utf8'))
    assert.equal(record.format, 'talentloop.own-record/1')
    assert.equal(record.employee.work.employeeNumber, me.employeeNumber)
    assert.equal(record.employee.personal.name, me.name)
    assert.match(record.employee.personal.idNumber, /^[0-9]{17}[0-9X]$/)
    assert.equal(record.employee.personal.idNumber.slice(-4), me.idNumber.slice(-4))
    assert.equal(record.employee.pay.bankAccount.slice(-4), me.bankAccount.slice(-4))
    assert.ok(record.kpiRecords.length > 0, 'the demo gives a sales rep KPI records')
    assert.ok(Array.isArray(record.enrollments) && Array.isArray(record.competencies))

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-record-xlsx').click()])
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/)
    const bytes = await readFile(await xlsx.path())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX (zip) file')
    assert.deepEqual(consoleErrors, [])
  })
})
