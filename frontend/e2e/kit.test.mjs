// The shared kit (issue 19 points 2 and 5, issue 20 point 2): HQ HR creates a unit and a position
// from their screens; the employee list filters by status and position and exports exactly
// what it shows (CSV and XLSX written by the server).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { BASE_URL, apiLogin, gql, navTo, openUnit, uiLogin, waitForList, withPage } from './helpers.mjs'

test('HQ HR creates a unit and a position from the screens', async () => {
  const suffix = String(Date.now() % 1_000_000)
  const code = `E2E-U${suffix}`
  const positionCode = `E2E-P${suffix}`
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-org')
    await openUnit(page, 'SH')
    await page.getByTestId('org-add').click()
    const dialog = page.getByTestId('org-create-dialog')
    await dialog.waitFor()
    // Required fields are checked on their field before anything is sent.
    await dialog.getByTestId('org-create-submit').click()
    await dialog.locator('.el-form-item__error').first().waitFor()
    await dialog.getByTestId('org-create-code').fill(code)
    await dialog.getByTestId('org-create-name').fill(`测试部${suffix}`)
    await dialog.getByTestId('org-create-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId(`org-node-${code}`).waitFor()
    // The same code again is the server's DUPLICATE, shown on the code field.
    await openUnit(page, 'SH')
    await page.getByTestId('org-add').click()
    await dialog.getByTestId('org-create-code').fill(code)
    await dialog.getByTestId('org-create-name').fill('重复')
    await dialog.getByTestId('org-create-submit').click()
    const codeError = dialog.getByTestId('org-create-item-code').locator('.el-form-item__error')
    await codeError.waitFor()
    await page.keyboard.press('Escape')

    await navTo(page, 'nav-positions')
    await page.waitForURL(`${BASE_URL}/positions`)
    await page.getByTestId('position-add').click()
    const form = page.getByTestId('position-form-dialog')
    await form.getByTestId('position-form-code').fill(positionCode)
    await form.getByTestId('position-form-title').fill('测试岗位')
    await form.getByTestId('position-form-level').fill('P3')
    await form.getByTestId('position-form-family').fill('e2e')
    await form.getByTestId('position-form-submit').click()
    await form.waitFor({ state: 'hidden' })
    await page.getByTestId('positions-row').filter({ hasText: positionCode }).waitFor()
    assert.deepEqual(consoleErrors, [])
  })
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql('{ orgUnits { code parent { code } } positions { code title level } }', {}, accessToken)
  assert.equal(data.orgUnits.find((u) => u.code === code)?.parent?.code, 'SH')
  assert.deepEqual(
    data.positions.find((p) => p.code === positionCode),
    { code: positionCode, title: '测试岗位', level: 'P3' },
  )
})

test('the employee list filters by status and position and exports what it shows', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql(
    `{ positions { id title code } employees(first: 100, filter: {status: [ACTIVE]}) { totalCount edges { node { employeeNumber name position { id } } } } }`,
    {},
    accessToken,
  )
  // The position most active employees hold, so that the filtered list is not empty.
  const counts = new Map()
  for (const { node } of data.employees.edges) if (node.position) counts.set(node.position.id, (counts.get(node.position.id) ?? 0) + 1)
  const [positionId] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]
  const position = data.positions.find((p) => p.id === positionId)
  const expected = await gql(
    `query($f: EmployeeFilter) { employees(first: 100, filter: $f) { totalCount edges { node { employeeNumber name } } } }`,
    { f: { status: ['ACTIVE'], positionId } },
    accessToken,
  )
  const want = expected.data.employees
  assert.ok(want.totalCount > 0 && want.totalCount <= 100)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/employees?status=ACTIVE&position=${encodeURIComponent(positionId)}`)
    await waitForList(page)
    assert.equal(Number(await page.getByTestId('employee-total').getAttribute('data-count')), want.totalCount)
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('employee-export-csv').click()])
    assert.match(csv.suggestedFilename(), /\.csv$/)
    const bytes = await readFile(await csv.path())
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]) // UTF-8 with a BOM
    const lines = bytes.toString('utf8').slice(1).trim().split(/\r\n/)
    assert.equal(lines[0], '工号,姓名,所属单位,岗位,入职日期,状态')
    assert.equal(lines.length - 1, want.totalCount)
    const numbers = lines.slice(1).map((l) => l.split(',')[0]).sort()
    assert.deepEqual(numbers, want.edges.map((e) => e.node.employeeNumber).sort())
    assert.ok(lines.slice(1).every((l) => l.endsWith(',在职') && l.includes(position.title)))

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('employee-export-xlsx').click()])
    assert.match(xlsx.suggestedFilename(), /\.xlsx$/)
    assert.equal((await readFile(await xlsx.path())).subarray(0, 2).toString(), 'PK')

    // Sorting by name reorders the rows shown.
    await page.getByTestId('employee-sort-name').click()
    const names = await page.getByTestId('employee-row').locator('[data-testid="employee-name"]').allTextContents()
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, 'zh-CN', { numeric: true })))
    assert.deepEqual(consoleErrors, [])
  })
})

test("while another unit's details load, the last unit's actions are gone; the edit saves the unit it showed", async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql('{ orgUnits { id code name city } }', {}, accessToken)
  const sz = data.orgUnits.find((u) => u.code === 'SZ')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-org')
    await page.getByTestId('org-detail').getByTestId('org-code').waitFor()
    // The next unit's details come slowly, as on a busy network.
    let slow = true
    await page.route('**/graphql', async (route) => {
      if (slow && (route.request().postData() ?? '').includes('OrgUnitDetail')) await new Promise((resolve) => setTimeout(resolve, 1500))
      await route.continue()
    })
    await page.getByTestId('org-node-SZ').click()
    // The page never offers the previous unit's buttons under the new selection.
    await page.getByTestId('org-actions').waitFor({ state: 'detached' })
    await page.getByTestId('org-detail').getByTestId('org-code').filter({ hasText: /^SZ$/ }).waitFor()
    slow = false
    // The edit dialog shows SZ and saves SZ.
    await page.getByTestId('org-edit').click()
    const form = page.getByTestId('org-update-dialog')
    assert.equal(await form.getByTestId('org-update-name').inputValue(), sz.name)
    await form.getByTestId('org-update-region').fill('华南（测试）')
    await form.getByTestId('org-update-submit').click()
    await form.waitFor({ state: 'hidden' })
    assert.deepEqual(consoleErrors, [])
  })
  const after = (await gql('{ orgUnits { code name city region } }', {}, accessToken)).data.orgUnits
  const szAfter = after.find((u) => u.code === 'SZ')
  assert.deepEqual([szAfter.name, szAfter.city, szAfter.region], [sz.name, sz.city, '华南（测试）'])
  assert.equal(after.filter((u) => u.region === '华南（测试）').length, 1)
})
