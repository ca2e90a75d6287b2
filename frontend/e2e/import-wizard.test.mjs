// The import wizard (issue 22): HR upload a file of new employees whose headers are Chinese and
// partly unknown, map the unknown one and see the other ignored, map a value, check the file and
// see its problems grouped with the bad values (and get the file back with an error column), fix
// the file, check it again, import it in the background and undo it — at desktop and phone size,
// with no serious accessibility violation on the way (axe, as e2e/accessibility.test.mjs).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const require = createRequire(import.meta.url)
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const BLOCKING = new Set(['serious', 'critical'])

async function assertAxeClean(page, where) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE })
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  )
  const blocking = result.violations.filter((v) => BLOCKING.has(v.impact))
  const lines = blocking.flatMap((v) => [`${where}: [${v.impact}] ${v.id}: ${v.help}`, ...v.nodes.slice(0, 3).map((n) => `    ${n.target.join(' ')}`)])
  assert.deepEqual(lines, [], lines.join('\n'))
}

/** Choose an option and wait for the list to close; a tap lost on a loaded machine is made again. */
async function choose(page, select, option) {
  for (let attempt = 1; ; attempt++) {
    await select.click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click()
    try {
      await page.waitForFunction(() => ![...document.querySelectorAll('.el-select-dropdown')].some((d) => d.getClientRects().length), null, { timeout: 5_000 })
      return
    } catch (err) {
      if (attempt === 3) throw err
      await page.keyboard.press('Escape')
    }
  }
}

const SIZES = [
  { name: 'desktop', options: {} },
  { name: 'phone', options: { viewport: { width: 390, height: 844 }, isMobile: true } },
]

for (const size of SIZES) {
  test(`the import wizard at ${size.name} size: map, check, fix, import in the background, undo`, async () => {
    const { accessToken } = await apiLogin('hr.shanghai')
    const me = await gql('{ me { employee { unit { code } } } }', {}, accessToken)
    const unit = me.data.me.employee.unit.code
    const stamp = `${Date.now() % 1_000_000}${size.name[0]}`
    const [n1, n2, n3] = [1, 2, 3].map((i) => `WZ${stamp}${i}`)
    // a header no column is named like, new to each run (a done import keeps HR's mapping)
    const nameHeader = `名字${stamp}`
    const header = `工号,${nameHeader},部门编码,入职日期,状态,爱好`
    const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-wizard-'))
    const bad = path.join(dir, 'new-people.csv')
    const good = path.join(dir, 'new-people-fixed.csv')
    await writeFile(
      bad,
      ['\ufeff' + header, `${n1},新人甲,${unit},2026-12-01,在职,跑步`, `${n2},新人乙,NOPE,2026-12-01,在岗,读书`, `${n3},新人丙,${unit},2026-13-01,在职,`, ''].join('\r\n'),
    )
    await writeFile(
      good,
      [header, `${n1},新人甲,${unit},2026-12-01,在职,跑步`, `${n2},新人乙,${unit},2026-12-01,在岗,读书`, `${n3},新人丙,${unit},2026-12-02,在职,`, ''].join('\r\n'),
    )

    try {
      await withPage(async (page, { consoleErrors }) => {
        await uiLogin(page, 'hr.shanghai')
        await navTo(page, 'nav-import')
        await page.getByTestId('import-kind-EMPLOYEES').click()
        assert.equal(await page.getByTestId('import-template').getAttribute('href'), '/imports/employees/template.xlsx')
        assert.equal(await page.getByTestId('import-export').getAttribute('href'), '/imports/employees/export.xlsx')
        await page.getByTestId('import-history').waitFor()
        await assertAxeClean(page, `${size.name} upload`)

        // 1. the file: its headers as they would be read; the unknown ones will be ignored
        await page.locator('[data-testid="import-file"] input[type=file]').setInputFiles(bad)
        await page.getByTestId('import-columns-step').waitFor()
        const column = (h) => page.locator(`[data-testid="import-column"][data-header="${h}"]`)
        assert.equal(await page.getByTestId('import-column').count(), 6)
        assert.equal(await column('工号').getByTestId('import-ignored').count(), 0)
        assert.equal(await column(nameHeader).getByTestId('import-ignored').count(), 1)
        assert.equal(await column('爱好').getByTestId('import-ignored').count(), 1)
        await page.getByTestId('import-missing').waitFor() // 姓名 is required and not read yet
        assert.ok(await page.getByTestId('import-next').isDisabled())
        await assertAxeClean(page, `${size.name} columns`)
        await choose(page, column(nameHeader).getByTestId('import-column-select'), /^\s*姓名 \*\s*$/)
        await column(nameHeader).getByTestId('import-ignored').waitFor({ state: 'detached' })
        assert.equal(await column('爱好').getByTestId('import-ignored').count(), 1, 'still shown as ignored')
        await page.getByTestId('import-next').click()

        // 2. values: 在职 is read as active already; 在岗 is mapped by hand
        await page.getByTestId('import-values-step').waitFor()
        const value = (v) => page.locator(`[data-testid="import-value-column"][data-column="status"] [data-testid="import-value"][data-value="${v}"]`)
        assert.match(await value('在职').locator('.el-select').textContent(), /active/)
        await choose(page, value('在岗').getByTestId('import-value-select'), /^\s*active\s*$/)
        await assertAxeClean(page, `${size.name} values`)
        await page.getByTestId('import-next').click()

        // 3. the check: problems grouped by column, with the bad values seen
        await page.locator('[data-testid="import-result"][data-status="INVALID"]').waitFor({ timeout: 60_000 })
        const group = (c) => page.locator(`[data-testid="import-error-group"][data-column="${c}"]`)
        assert.deepEqual(await group('unit_code').getByTestId('import-error-value').allTextContents(), ['NOPE'])
        assert.match(await group('unit_code').getByTestId('import-error-rows').textContent(), /3/)
        assert.deepEqual(await group('hire_date').getByTestId('import-error-value').allTextContents(), ['2026-13-01'])
        assert.equal((await page.getByTestId('import-count-failed').textContent()).trim(), '2')
        assert.ok(await page.getByTestId('import-run').isDisabled())
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-annotated').click()])
        assert.match(download.suggestedFilename(), /new-people-errors\.xlsx$/)
        await assertAxeClean(page, `${size.name} check`)

        // 4. the corrected file: the mapping is kept; a clean check
        await page.getByTestId('import-new-file').click()
        await page.locator('[data-testid="import-file"] input[type=file]').setInputFiles(good)
        await page.getByTestId('import-columns-step').waitFor()
        assert.equal(await column(nameHeader).getByTestId('import-ignored').count(), 0, 'the column mapped before stays mapped')
        await page.getByTestId('import-next').click()
        await page.getByTestId('import-values-step').waitFor()
        assert.match(await value('在岗').locator('.el-select').textContent(), /active/)
        await page.getByTestId('import-next').click()
        await page.locator('[data-testid="import-result"][data-status="VALID"]').waitFor({ timeout: 60_000 })
        assert.equal((await page.getByTestId('import-count-created').textContent()).trim(), '3')
        assert.match(await page.getByTestId('import-mode-help').textContent(), /工号/)

        // 5. in the background, with progress; then undone
        await page.getByTestId('import-run').click()
        await page.locator('[data-testid="import-result"][data-status="DONE"][data-dry-run="false"]').waitFor({ timeout: 60_000 })
        assert.equal((await page.getByTestId('import-count-created').textContent()).trim(), '3')
        assert.match(await page.getByTestId('import-progress-text').textContent(), /3\s*\/\s*3/)
        const people = await gql(`{ employees(first: 5, filter: { search: "WZ${stamp}" }) { totalCount } }`, {}, accessToken)
        assert.equal(people.data.employees.totalCount, 3)
        await page.getByTestId('import-history-row').filter({ hasText: 'new-people-fixed.csv' }).first().waitFor()
        await page.getByTestId('import-undo').click()
        await page.getByTestId('import-undo').waitFor({ state: 'detached' })
        await page.getByTestId('import-hint').filter({ hasText: '撤销' }).waitFor()
        const after = await gql(`{ employees(first: 5, filter: { search: "WZ${stamp}" }) { totalCount } }`, {}, accessToken)
        assert.equal(after.data.employees.totalCount, 0)
        await page.getByTestId('import-history-row').filter({ hasText: '已撤销' }).first().waitFor()
        await assertAxeClean(page, `${size.name} done`)
        assert.deepEqual(consoleErrors, [])
      }, size.options)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
}
