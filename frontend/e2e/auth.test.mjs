// Sign-in errors, restricted fields, token refresh and sign-out as the browser sees them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, waitForList, withPage } from './helpers.mjs'

test('a wrong password and an unknown user get the same server message', async () => {
  await withPage(async (page) => {
    const messages = []
    for (const [username, password] of [
      ['hr.shanghai', 'wrong-password'],
      ['no.such.user', 'demo-2026'],
    ]) {
      await page.goto(`${BASE_URL}/login`)
      await page.getByTestId('login-username').fill(username)
      await page.getByTestId('login-password').fill(password)
      await page.getByTestId('login-submit').click()
      const error = page.getByTestId('login-error')
      await error.waitFor()
      messages.push((await error.textContent()).trim())
      assert.match(page.url(), /\/login/)
    }
    assert.ok(messages[0].length > 0)
    assert.equal(messages[0], messages[1])
  })
})

test('a manager sees "not permitted" for salary instead of an error page', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql(`{ me { employee { id } } employees(first: 5) { edges { node { id } } } }`, {}, accessToken)
  const other = data.employees.edges.map((e) => e.node.id).find((id) => id !== data.me.employee?.id)
  assert.ok(other, 'the manager has a team member to look at')

  await withPage(async (page) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(other)}`)
    await page.getByTestId('employee-profile').waitFor()
    const salary = page.getByTestId('field-baseSalary')
    assert.equal(await salary.getAttribute('data-denied'), 'true')
    assert.match(await salary.textContent(), /无权查看/)
    assert.ok((await page.getByTestId('field-name').textContent()).trim().length > 0)
  })
})

test('an expired access token is refreshed once; a dead refresh token leads to sign-in', async () => {
  await withPage(async (page) => {
    await uiLogin(page, 'hr.shanghai')
    const before = await page.evaluate(() => localStorage.getItem('talentloop.refreshToken'))
    assert.ok(before)

    // A bad access token: the server says UNAUTHENTICATED, the client refreshes and retries.
    await page.evaluate(() => localStorage.setItem('talentloop.accessToken', 'not-a-valid-token'))
    await page.goto(`${BASE_URL}/employees`)
    await waitForList(page)
    const after = await page.evaluate(() => localStorage.getItem('talentloop.refreshToken'))
    assert.ok(after && after !== before, 'the refresh token rotated')
    assert.notEqual(await page.evaluate(() => localStorage.getItem('talentloop.accessToken')), 'not-a-valid-token')

    // Both tokens bad: back to the sign-in page.
    await page.evaluate(() => {
      localStorage.setItem('talentloop.accessToken', 'not-a-valid-token')
      localStorage.setItem('talentloop.refreshToken', 'not-a-valid-refresh-token')
    })
    await page.goto(`${BASE_URL}/org`)
    await page.waitForURL(/\/login/)
    assert.equal(await page.evaluate(() => localStorage.getItem('talentloop.refreshToken')), null)
  })
})

test('sign out revokes the refresh token', async () => {
  await withPage(async (page) => {
    await uiLogin(page, 'employee.shanghai.sales')
    // Everyone starts on their workbench.
    await page.getByTestId('workbench').waitFor()
    const refreshToken = await page.evaluate(() => localStorage.getItem('talentloop.refreshToken'))
    await page.getByTestId('sign-out').click()
    await page.waitForURL(/\/login/)
    const { data } = await gql(
      `mutation ($input: RefreshTokenInput!) { refreshToken(input: $input) { accessToken errors { code } } }`,
      { input: { refreshToken } },
    )
    assert.equal(data.refreshToken.accessToken, null)
  })
})

test('the change-password dialog shows the server\'s answer beside the field', async () => {
  await withPage(async (page) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.getByTestId('workbench').waitFor()
    await page.getByTestId('change-password').click()
    const dialog = page.getByTestId('change-password-dialog')
    await dialog.getByTestId('password-current').fill('not-my-password')
    await dialog.getByTestId('password-new').fill('a-new-password-2026')
    await dialog.getByTestId('password-confirm').fill('a-different-one-2026')
    await dialog.getByTestId('password-submit').click()
    await dialog.getByText('两次输入的新密码不一致').waitFor()

    await dialog.getByTestId('password-confirm').fill('a-new-password-2026')
    await dialog.getByTestId('password-submit').click()
    // The server's INVALID on currentPassword, shown in Chinese (src/utils/serverErrors.ts).
    await dialog.getByText('当前密码不正确').waitFor()
    // Nothing changed: the demo password still works.
    await apiLogin('employee.shanghai.sales')
  })
})
