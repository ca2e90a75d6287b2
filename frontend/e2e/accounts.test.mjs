// Accounts (issue 19): HQ HR creates a sign-in account for an employee who has none, from the
// employee list; the new employee sets a password through the invitation link and lands in the
// app. A reset to an initial password sends the person to change it before anything else.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const NEW_PASSWORD = 'my own long passphrase'

/** The accounts page's row of one username. */
function accountRow(page, username) {
  return page.locator('tr').filter({ has: page.getByTestId('account-username').getByText(username, { exact: true }) })
}

/** An employee still working here who has no account (found through the API as HQ HR). */
async function employeeWithoutAccount(token) {
  const { data, errors } = await gql(
    `{ accounts(first: 100) { edges { node { employee { id } } } }
       employees(first: 100, filter: {status: [ACTIVE]}) { edges { node { id name employeeNumber } } } }`,
    {},
    token,
  )
  assert.ok(data, JSON.stringify(errors))
  const having = new Set(data.accounts.edges.map((e) => e.node.employee?.id).filter(Boolean))
  const found = data.employees.edges.map((e) => e.node).find((e) => !having.has(e.id))
  assert.ok(found, 'the demo company has an employee without an account')
  return found
}

test('HQ HR invites an employee who has no account; they set a password and land in the app', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const employee = await employeeWithoutAccount(accessToken)

  let link = null
  let username = null
  await withPage(async (page) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/employees?q=${encodeURIComponent(employee.employeeNumber)}`)
    const row = page.locator(`[data-testid="employee-row"][data-id="${employee.id}"]`)
    await row.waitFor()
    await row.getByTestId('employee-select').click()
    await page.getByTestId('create-accounts').click()
    const dialog = page.getByTestId('create-accounts-dialog')
    await dialog.getByTestId('create-account-row').waitFor()
    await dialog.getByTestId('create-accounts-submit').click()
    await dialog.getByTestId('issued-link').waitFor()
    link = await dialog.getByTestId('issued-link').inputValue()
    username = (await dialog.getByTestId('issued-username').textContent()).trim()
    // The accounts page lists the account as invited.
    await page.keyboard.press('Escape')
    await navTo(page, 'nav-accounts')
    await page.getByTestId('accounts-search').fill(username)
    await accountRow(page, username).locator('[data-testid="account-status"][data-status="INVITED"]').waitFor()
  })
  assert.match(link, /\/invite\/[\w-]{20,}$/)

  await withPage(async (page, { consoleErrors }) => {
    await page.goto(link)
    await page.getByTestId('password-new').fill(NEW_PASSWORD)
    await page.getByTestId('password-confirm').fill(NEW_PASSWORD)
    await page.getByTestId('password-submit').click()
    await page.waitForURL((url) => !url.pathname.startsWith('/invite') && !url.pathname.startsWith('/login'))
    await page.locator('[data-testid="nav-menu"]:visible, [data-testid="menu-toggle"]:visible').first().waitFor()
    assert.deepEqual(consoleErrors, [])
    // The link is spent: opened again, it sets nothing.
    await page.goto(link)
    await page.getByTestId('password-new').fill('yet another passphrase')
    await page.getByTestId('password-confirm').fill('yet another passphrase')
    await page.getByTestId('password-submit').click()
    await page.getByTestId('invite-error').waitFor()
  })
  // They sign in with the password they chose.
  await apiLogin(username, NEW_PASSWORD)
})

test('after a reset to an initial password, the person must change it before anything else', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const employee = await employeeWithoutAccount(accessToken)
  const made = await gql(
    `mutation($id: ID!) { createAccounts(input: {accounts: [{employeeId: $id}], delivery: INVITATION}) {
       accounts { user { username } } errors { code } } }`,
    { id: employee.id },
    accessToken,
  )
  const username = made.data.createAccounts.accounts[0].user.username

  let initial = null
  await withPage(async (page) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-accounts')
    await page.getByTestId('accounts-search').fill(username)
    const row = accountRow(page, username)
    await row.locator('[data-testid="account-status"][data-status="INVITED"]').waitFor()
    await row.getByTestId('account-reset').click()
    const dialog = page.getByTestId('reset-dialog')
    await dialog.getByTestId('reset-delivery-password').click()
    await dialog.getByTestId('reset-submit').click()
    initial = (await dialog.getByTestId('issued-password').textContent()).trim()
  })
  assert.match(initial, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)

  await withPage(async (page) => {
    await uiLogin(page, username, initial)
    await page.waitForURL((url) => url.pathname === '/first-password')
    // Any other page sends them back.
    await page.goto(`${BASE_URL}/employees`)
    await page.waitForURL((url) => url.pathname === '/first-password')
    await page.getByTestId('password-current').fill(initial)
    await page.getByTestId('password-new').fill(NEW_PASSWORD)
    await page.getByTestId('password-confirm').fill(NEW_PASSWORD)
    await page.getByTestId('password-submit').click()
    await page.waitForURL((url) => url.pathname !== '/first-password' && !url.pathname.startsWith('/login'))
    await page.locator('[data-testid="nav-menu"]:visible, [data-testid="menu-toggle"]:visible').first().waitFor()
  })
})

test("HQ HR opens a person's role grants from the accounts page", async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-accounts')
    await page.getByTestId('accounts-search').fill('hr.shanghai')
    const row = accountRow(page, 'hr.shanghai')
    await row.getByTestId('account-grants').click()
    const dialog = page.getByTestId('account-grants-dialog')
    // Their own role is their first grant, scoped to the Shanghai branch.
    await dialog.getByTestId('grant-role').getByText('分公司人事').first().waitFor()
    assert.match(await dialog.getByTestId('grants-table').innerText(), /上海/)
    await dialog.getByTestId('grant-add-form').waitFor()
    assert.deepEqual(consoleErrors, [])
  })
})
