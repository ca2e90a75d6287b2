// The import screen brings the organisation in (issue 22): HR chooses "Organisation units",
// a file whose child comes before its parent checks clean, and the import creates both units.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

test('HQ HR imports a branch and its department, the department listed first', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql('{ orgUnits { code parent { id } } }', {}, accessToken)
  const root = data.orgUnits.find((u) => !u.parent)
  assert.ok(root, 'the company is seen')
  const tag = Date.now().toString(36).toUpperCase()
  const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-import-org-'))
  const file = path.join(dir, 'units.csv')
  await writeFile(
    file,
    ['部门编码,名称,上级部门编码,类型', `GZ${tag}-S,广州销售部,GZ${tag},department`, `GZ${tag},广州分公司,${root.code},分公司`, ''].join('\n'),
  )
  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.hq')
      await navTo(page, 'nav-import')
      await page.getByTestId('import-kind-ORG_UNITS').click()
      await page.locator('[data-testid="import-file"] input[type=file]').setInputFiles(file)
      await page.getByTestId('import-chosen').waitFor()
      await page.getByTestId('import-dry-run').click()
      await page.locator('[data-testid="import-result"][data-status="VALID"]').waitFor()
      await page.getByTestId('import-run').click()
      await page.locator('[data-testid="import-result"][data-status="DONE"]').waitFor()
      assert.equal((await page.getByTestId('import-count-created').textContent()).trim(), '2')
      assert.deepEqual(consoleErrors, [])
    })
    const after = await gql('{ orgUnits { code parent { code } } }', {}, accessToken)
    const sales = after.data.orgUnits.find((u) => u.code === `GZ${tag}-S`)
    assert.equal(sales?.parent?.code, `GZ${tag}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
