// Issue 22: HR brings the old system's leave balances in through the import screen (the
// `LEAVE_BALANCES` kind), checks the file first, imports it, and the balance counts it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

test('HR imports opening leave balances after a clean check, and the balance counts them', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const me = (await gql('{ me { employee { id } } }', {}, accessToken)).data.me.employee
  const people = (
    await gql('{ employees(first: 20, filter: { status: [ACTIVE] }) { edges { node { id employeeNumber } } } }', {}, accessToken)
  ).data.employees.edges.map((e) => e.node)
  const person = people.find((p) => p.id !== me?.id)
  assert.ok(person, 'hr.shanghai manages someone')
  const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-time-import-'))
  const file = path.join(dir, 'balances.csv')
  // A year before the demo's: the row is the only opening, and a second run leaves it as it is.
  await writeFile(file, ['工号,假别,年度,享有天数,结转天数,已休天数', `${person.employeeNumber},年假,2019,12,3,4`, ''].join('\n'))
  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.shanghai')
      await navTo(page, 'nav-import')
      await page.getByTestId('import-kind-LEAVE_BALANCES').click()
      await page.locator('[data-testid="import-file"] input[type=file]').setInputFiles(file)
      await page.getByTestId('import-chosen').waitFor()
      assert.equal(await page.getByTestId('import-run').isDisabled(), true)
      await page.getByTestId('import-dry-run').click()
      await page.locator('[data-testid="import-result"][data-status="VALID"]').waitFor()
      await page.getByTestId('import-run').click()
      await page.locator('[data-testid="import-result"][data-status="DONE"]').waitFor()
      assert.equal((await page.getByTestId('import-count-total').textContent()).trim(), '1')
      assert.deepEqual(consoleErrors, [])
    })
    const balances = (
      await gql(
        'query ($id: ID!) { leaveBalances(employeeId: $id, year: 2019) { leaveType entitled used } }',
        { id: person.id },
        accessToken,
      )
    ).data.leaveBalances
    assert.deepEqual(
      balances.find((b) => b.leaveType === 'ANNUAL'),
      { leaveType: 'ANNUAL', entitled: 15, used: 4 },
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
