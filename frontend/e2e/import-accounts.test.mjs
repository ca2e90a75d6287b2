// Accounts by import (issue 22): HQ HR import sign-in accounts for two employees who have none
// through the wizard, download the invitation links once, and one person signs in through theirs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const NEW_PASSWORD = 'my own long passphrase'

test('HQ HR import two accounts, download their links once, and one person signs in', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql(
    `{ me { employee { id } }
       accounts(first: 100) { edges { node { employee { id } } } }
       employees(first: 100, filter: {status: [ACTIVE]}) { edges { node { id employeeNumber } } } }`,
    {},
    accessToken,
  )
  const having = new Set(data.accounts.edges.map((e) => e.node.employee?.id).filter(Boolean))
  having.add(data.me.employee?.id)
  const [a, b] = data.employees.edges.map((e) => e.node).filter((e) => !having.has(e.id))
  assert.ok(a && b, 'the demo company has two employees without an account')
  const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-accounts-'))
  const file = path.join(dir, 'accounts.csv')
  await writeFile(file, ['工号,启用', `${a.employeeNumber},是`, `${b.employeeNumber},是`, ''].join('\r\n'))

  let link = null
  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.hq')
      await navTo(page, 'nav-import')
      await page.getByTestId('import-kind-ACCOUNTS').click()
      await page.locator('[data-testid="import-file"] input[type=file]').setInputFiles(file)
      await page.getByTestId('import-columns-step').waitFor()
      await page.getByTestId('import-next').click()
      await page.getByTestId('import-values-step').waitFor()
      await page.getByTestId('import-next').click()
      await page.locator('[data-testid="import-result"][data-status="VALID"]').waitFor({ timeout: 60_000 })
      await page.getByTestId('import-run').click()
      await page.locator('[data-testid="import-result"][data-status="DONE"][data-dry-run="false"]').waitFor({ timeout: 60_000 })
      assert.equal((await page.getByTestId('import-count-created').textContent()).trim(), '2')

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-invitations').click()])
      assert.match(download.suggestedFilename(), /^invitations-\d+\.csv$/)
      const rows = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '').trim().split(/\r?\n/).slice(1)
      assert.equal(rows.length, 2)
      assert.deepEqual(rows.map((r) => r.split(',')[0]).sort(), [a.employeeNumber, b.employeeNumber].sort())
      link = rows[0].split(',')[3]
      // Once: a second download is refused, with the reason on screen.
      await page.getByTestId('import-invitations').click()
      await page.getByTestId('import-invitations-problem').waitFor()
      assert.deepEqual(consoleErrors, [])
    })
    assert.match(link, /\/invite\/[\w-]{20,}$/)

    await withPage(async (page) => {
      await page.goto(link)
      await page.getByTestId('password-new').fill(NEW_PASSWORD)
      await page.getByTestId('password-confirm').fill(NEW_PASSWORD)
      await page.getByTestId('password-submit').click()
      await page.waitForURL((url) => !url.pathname.startsWith('/invite') && !url.pathname.startsWith('/login'))
      await page.locator('[data-testid="nav-menu"]:visible, [data-testid="menu-toggle"]:visible').first().waitFor()
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
