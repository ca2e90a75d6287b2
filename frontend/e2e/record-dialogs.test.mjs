// The record on the person's page (issue 19 point 4): branch HR signs a labour contract, renews
// it, adds an emergency contact and removes it, each in a dialog of the kit (FormDialog).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

async function ok(query, variables, token) {
  const { data, errors } = await gql(query, variables, token)
  assert.equal(errors, undefined, JSON.stringify(errors))
  return data
}

async function pickDate(scope, testid, value) {
  const input = scope.getByTestId(testid).locator('input')
  await input.fill(value)
  await input.press('Enter')
}

test('branch HR signs and renews a contract, adds an emergency contact and removes it', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { orgUnits } = await ok(`{ orgUnits { id code } }`, {}, accessToken)
  const unit = orgUnits.find((u) => u.code === 'SH-SALES-1')
  // A person of our own, without contracts, so that no other test meets them.
  const created = await ok(
    `mutation ($input: CreateEmployeeInput!) { createEmployee(input: $input) { employee { id } errors { field code } } }`,
    { input: { employeeNumber: `E2E-C${Date.now() % 1_000_000}`, name: '合同测试', unitId: unit.id, hireDate: '2025-03-01', status: 'ACTIVE', baseSalary: '8000' } },
    accessToken,
  )
  assert.deepEqual(created.createEmployee.errors, [])
  const id = created.createEmployee.employee.id

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(id)}`)
    await page.getByTestId('employee-record').waitFor()

    // Sign: a two-year fixed term.
    await page.getByRole('tab', { name: '劳动合同' }).click()
    await page.getByTestId('contract-sign').click()
    let dialog = page.getByTestId('contract-dialog')
    await dialog.waitFor()
    await pickDate(dialog, 'contract-startDate', '2025-03-01')
    await pickDate(dialog, 'contract-endDate', '2027-02-28')
    await pickDate(dialog, 'contract-signedOn', '2025-02-20')
    await dialog.getByTestId('contract-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const rows = page.getByTestId('employee-contracts-row')
    await rows.first().filter({ hasText: '2027-02-28' }).waitFor()

    // Renew it: the new term starts the day after the old one ends, with no probation.
    await rows.first().getByTestId('contract-renew').click()
    dialog = page.getByTestId('contract-dialog')
    await dialog.waitFor()
    assert.equal(await dialog.getByTestId('contract-startDate').locator('input').inputValue(), '2027-03-01')
    assert.equal(await dialog.getByTestId('contract-item-probationEnd').count(), 0)
    await pickDate(dialog, 'contract-endDate', '2030-02-28')
    await pickDate(dialog, 'contract-signedOn', '2027-02-01')
    await dialog.getByTestId('contract-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await rows.filter({ hasText: '2030-02-28' }).waitFor()
    assert.equal(await rows.count(), 2)

    // An emergency contact, added and removed.
    await page.getByRole('tab', { name: '教育与紧急联系人' }).click()
    await page.getByTestId('record-add-emergencyContact').click()
    dialog = page.getByTestId('record-entry-dialog')
    await dialog.waitFor()
    // Required fields are marked on the form before anything is sent.
    await dialog.getByTestId('record-entry-submit').click()
    await dialog.locator('.el-form-item__error').first().waitFor()
    await dialog.getByTestId('record-entry-name').fill('张母')
    await dialog.getByTestId('record-entry-relationship').fill('母亲')
    await dialog.getByTestId('record-entry-phone').fill('13800138000')
    await dialog.getByTestId('record-entry-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const contact = page.getByTestId('record-emergencyContact').filter({ hasText: '张母' })
    await contact.waitFor()
    await contact.getByTestId('record-remove').click()
    await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click()
    await contact.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })

  const { contracts } = await ok(
    `query ($id: ID!) { contracts(employeeId: $id) { startDate endDate probationEnd } }`,
    { id },
    accessToken,
  )
  assert.deepEqual(contracts, [
    { startDate: '2025-03-01', endDate: '2027-02-28', probationEnd: null },
    { startDate: '2027-03-01', endDate: '2030-02-28', probationEnd: null },
  ])
})

test('branch HR ends a fixed term early and an open-ended contract replaces it', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { orgUnits } = await ok(`{ orgUnits { id code } }`, {}, accessToken)
  const unit = orgUnits.find((u) => u.code === 'SH-SALES-1')
  const created = await ok(
    `mutation ($input: CreateEmployeeInput!) { createEmployee(input: $input) { employee { id } errors { field code } } }`,
    { input: { employeeNumber: `E2E-X${Date.now() % 1_000_000}`, name: '改签测试', unitId: unit.id, hireDate: '2025-03-01', status: 'ACTIVE', baseSalary: '8000' } },
    accessToken,
  )
  const id = created.createEmployee.employee.id
  const signed = await ok(
    `mutation ($i: SignContractInput!) { signContract(input: $i) { errors { code } } }`,
    { i: { employeeId: id, kind: 'FIXED_TERM', startDate: '2025-03-01', endDate: '2029-02-28', signedOn: '2025-02-20' } },
    accessToken,
  )
  assert.deepEqual(signed.signContract.errors, [])

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(id)}`)
    await page.getByTestId('employee-record').waitFor()
    await page.getByRole('tab', { name: '劳动合同' }).click()
    const rows = page.getByTestId('employee-contracts-row')
    await rows.first().getByTestId('contract-end').click()
    let dialog = page.getByTestId('contract-end-dialog')
    await dialog.waitFor()
    // A last day after the contract's own end is a renewal, not an early end: the field says so.
    await pickDate(dialog, 'contract-end-endDate', '2029-06-30')
    await dialog.getByTestId('contract-end-submit').click()
    await dialog.locator('.el-form-item__error').first().waitFor()
    await pickDate(dialog, 'contract-end-endDate', '2026-06-30')
    await dialog.getByTestId('contract-end-note').fill('改签无固定期限')
    await dialog.getByTestId('contract-end-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await rows.first().getByTestId('contract-end-reason').filter({ hasText: '已改签' }).waitFor()

    await page.getByTestId('contract-sign').click()
    dialog = page.getByTestId('contract-dialog')
    await dialog.waitFor()
    await dialog.getByTestId('contract-kind').click()
    await page.locator('.el-select-dropdown__item').filter({ hasText: '无固定期限' }).click()
    await pickDate(dialog, 'contract-startDate', '2026-07-01')
    await pickDate(dialog, 'contract-signedOn', '2026-06-25')
    await dialog.getByTestId('contract-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await rows.filter({ hasText: '2026-07-01' }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  const { contracts } = await ok(
    `query ($id: ID!) { contracts(employeeId: $id) { kind endDate endReason } }`,
    { id },
    accessToken,
  )
  assert.deepEqual(contracts, [
    { kind: 'FIXED_TERM', endDate: '2026-06-30', endReason: 'REPLACED' },
    { kind: 'OPEN_ENDED', endDate: null, endReason: null },
  ])
})
