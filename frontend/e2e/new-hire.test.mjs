// Issue 19's first check in one flow: HQ HR creates a unit, a position and an employee in them
// from the screens, and invites the new employee, who signs in through the link and must set a
// password before anything else.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, navTo, openUnit, pickOption, uiLogin, withPage } from './helpers.mjs'

function chinaDay() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

test('HQ HR creates a unit, a position and an employee, and invites them; the new employee sets a password', async () => {
  const suffix = String(Date.now() % 1_000_000)
  const unitName = `新设部${suffix}`
  const positionTitle = `新设岗位${suffix}`
  const number = `E2E-N${suffix}`
  let link = null
  let username = null

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    // A unit under the Shanghai branch.
    await navTo(page, 'nav-org')
    await openUnit(page, 'SH')
    await page.getByTestId('org-add').click()
    const unitForm = page.getByTestId('org-create-dialog')
    await unitForm.getByTestId('org-create-code').fill(`E2E-NU${suffix}`)
    await unitForm.getByTestId('org-create-name').fill(unitName)
    await unitForm.getByTestId('org-create-submit').click()
    await unitForm.waitFor({ state: 'hidden' })

    // A position.
    await navTo(page, 'nav-positions')
    await page.getByTestId('position-add').click()
    const positionForm = page.getByTestId('position-form-dialog')
    await positionForm.getByTestId('position-form-code').fill(`E2E-NP${suffix}`)
    await positionForm.getByTestId('position-form-title').fill(positionTitle)
    await positionForm.getByTestId('position-form-level').fill('P2')
    await positionForm.getByTestId('position-form-family').fill('e2e')
    await positionForm.getByTestId('position-form-submit').click()
    await positionForm.waitFor({ state: 'hidden' })

    // The new employee, in that unit and position.
    await navTo(page, 'nav-employees')
    await page.getByTestId('add-employee').click()
    const hire = page.getByTestId('add-dialog')
    await hire.getByTestId('add-employeeNumber').fill(number)
    await hire.getByTestId('add-name').fill('新入职')
    await pickOption(page, hire.getByTestId('add-unit'), unitName)
    const day = hire.getByTestId('add-hireDate').locator('input')
    await day.fill(chinaDay())
    await day.press('Enter')
    await hire.getByTestId('add-position').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: positionTitle }).first().click()
    // With a base salary, as HR hires: the unit is in Shanghai, whose payroll other files run.
    await hire.getByTestId('add-baseSalary').fill('9000')
    await hire.getByTestId('add-submit').click()
    await hire.waitFor({ state: 'hidden' })
    await page.getByTestId('employee-profile').waitFor()

    // The invitation, from the employee list.
    await page.goto(`${BASE_URL}/employees?q=${encodeURIComponent(number)}`)
    const row = page.getByTestId('employee-row').filter({ hasText: number })
    await row.waitFor()
    await row.getByTestId('employee-select').click()
    await page.getByTestId('create-accounts').click()
    const dialog = page.getByTestId('create-accounts-dialog')
    await dialog.getByTestId('create-account-row').waitFor()
    await dialog.getByTestId('create-accounts-submit').click()
    await dialog.getByTestId('issued-link').waitFor()
    link = await dialog.getByTestId('issued-link').inputValue()
    username = (await dialog.getByTestId('issued-username').textContent()).trim()
    assert.deepEqual(consoleErrors, [])
  })
  assert.match(link, /\/invite\/[\w-]{20,}$/)

  // Nobody signs in as them before the password is set (an invited account has none).
  await assert.rejects(apiLogin(username), /API login failed/)

  const password = 'a passphrase of my own'
  await withPage(async (page, { consoleErrors }) => {
    await page.goto(link)
    await page.getByTestId('password-new').fill(password)
    await page.getByTestId('password-confirm').fill(password)
    await page.getByTestId('password-submit').click()
    await page.waitForURL((url) => !url.pathname.startsWith('/invite') && !url.pathname.startsWith('/login'))
    await page.locator('[data-testid="nav-menu"]:visible, [data-testid="menu-toggle"]:visible').first().waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  // Signed in with their own password, they are the new employee, in the new unit and position.
  const { accessToken } = await apiLogin(username, password)
  const { data, errors } = await gql('{ me { employee { employeeNumber unit { name } position { title } } } }', {}, accessToken)
  assert.equal(errors, undefined, JSON.stringify(errors))
  assert.deepEqual(data.me.employee, { employeeNumber: number, unit: { name: unitName }, position: { title: positionTitle } })
})
