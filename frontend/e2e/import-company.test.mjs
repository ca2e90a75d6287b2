// A real company's data in (issue 22): HQ HR brings a small company in through the import wizard
// alone — a new branch with two departments, a position, 22 people of whom 2 have left, their
// monthly new customers for 2025 and the product-knowledge course ten of them completed in May —
// then opens the training-effect report for that branch and course and sees the before/after
// split of that history: the cohorts, their means before and after, and the effect, every number
// computed here from the files the test wrote.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const COURSE = 'PK-101' // a course of the demo's library
const KPI = 'NEW_CUSTOMERS'
const PRE = ['2025-01', '2025-02', '2025-03', '2025-04']
const GAP = '2025-05' // the training month: in neither period
const POST = ['2025-06', '2025-07', '2025-08', '2025-09']
const TRAINED = 10
const COMPARISON = 10

/** New customers a month: the trained gain 3–4 a month after May, the others 1–2. */
function series(group, i) {
  const base = 3 + (i % 3)
  const gain = group === 'trained' ? 3 + (i % 2) : group === 'comparison' ? 1 + (i % 2) : 0
  const out = {}
  PRE.forEach((p, m) => (out[p] = base + (m % 2)))
  if (group === 'leaver') return out // left at the end of April
  out[GAP] = base + 1
  POST.forEach((p, m) => (out[p] = base + gain + (m % 2)))
  return out
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const csv = (rows) => '\ufeff' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n'
const count = (n) => new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(n)

async function choose(page, select, option) {
  await select.click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click()
  await page.waitForFunction(() => ![...document.querySelectorAll('.el-select-dropdown')].some((d) => d.getClientRects().length))
}

/** One file through the wizard: kind, file, columns (`mapColumns`), values (`mapValues`), the
 * check — whose counts must be `created` new rows and nothing else — then the import. */
async function importFile(page, kind, file, { created, mapColumns, mapValues }) {
  await page.getByTestId(`import-kind-${kind}`).click()
  await page.locator('[data-testid="import-file"] input[type=file]').setInputFiles(file)
  await page.getByTestId('import-columns-step').waitFor()
  if (mapColumns) await mapColumns()
  assert.equal(await page.getByTestId('import-missing').count(), 0, `${kind}: every required column is read`)
  await page.getByTestId('import-next').click()
  await page.getByTestId('import-values-step').waitFor()
  if (mapValues) await mapValues()
  await page.getByTestId('import-next').click()
  const checked = page.locator('[data-testid="import-result"][data-dry-run="true"]:not([data-status="RUNNING"])')
  await checked.waitFor({ timeout: 30_000 })
  const problems = await page.getByTestId('import-error-group').allTextContents()
  assert.equal(await checked.getAttribute('data-status'), 'VALID', `${kind}: ${problems.join(' | ')}`)
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(['total', 'created', 'updated', 'unchanged', 'failed'].map(async (c) => [c, Number(await page.getByTestId(`import-count-${c}`).textContent())])),
    )
  const expected = { total: created, created, updated: 0, unchanged: 0, failed: 0 }
  assert.deepEqual(await counts(), expected, `${kind}: the dry run's counts`)
  await page.getByTestId('import-run').click()
  await page.locator('[data-testid="import-result"][data-status="DONE"][data-dry-run="false"]').waitFor({ timeout: 30_000 })
  assert.deepEqual(await counts(), expected, `${kind}: the import's counts are the dry run's`)
  await page.getByTestId('import-another').click()
  await page.getByTestId('import-upload').waitFor()
}

test('HQ HR brings a small company in through the wizard; the training-effect report splits its history', async () => {
  const stamp = `${Date.now() % 1_000_000}`
  const branch = `IC${stamp}`
  const [sales1, sales2] = [`${branch}-S1`, `${branch}-S2`]
  const position = `${branch}-REP`
  const branchName = `导入分公司${stamp}`
  // a header nothing is named like, new to each run (a done import keeps HR's mapping)
  const nameHeader = `机构全称${stamp}`

  const people = []
  for (let i = 0; i < TRAINED; i++) people.push({ group: 'trained', i, unit: sales1 })
  for (let i = 0; i < COMPARISON; i++) people.push({ group: 'comparison', i, unit: sales2 })
  for (let i = 0; i < 2; i++) people.push({ group: 'leaver', i, unit: i ? sales2 : sales1 })
  people.forEach((p, k) => {
    p.number = `${branch}E${String(k + 1).padStart(2, '0')}`
    p.values = series(p.group, p.i)
  })

  const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-company-'))
  const files = {
    units: path.join(dir, '组织架构.csv'),
    positions: path.join(dir, '职位.csv'),
    employees: path.join(dir, '花名册.csv'),
    records: path.join(dir, '新客户数-2025.csv'),
    history: path.join(dir, '培训记录.csv'),
  }
  await writeFile(
    files.units,
    csv([
      ['部门编码', nameHeader, '上级部门编码', '类型', '城市'],
      [branch, branchName, 'A', '分公司', '南京'],
      [sales1, `${branchName}销售一部`, branch, '部门', '南京'],
      [sales2, `${branchName}销售二部`, branch, '部门', '南京'],
    ]),
  )
  await writeFile(files.positions, csv([['职位编码', '职位名称', '职级', '职位序列'], [position, '销售代表（导入）', 'P3', 'sales']]))
  await writeFile(
    files.employees,
    csv([
      ['工号', '姓名', '部门编码', '职位编码', '入职日期', '状态', '离职日期', '离职原因'],
      ...people.map((p, k) =>
        p.group === 'leaver'
          ? [p.number, `离职员工${k}`, p.unit, position, '2024-03-01', '已离职', '2025-04-30', '个人原因']
          : [p.number, `销售员工${k}`, p.unit, position, '2024-03-01', '在职', '', ''],
      ),
    ]),
  )
  const recordRows = people.flatMap((p) => Object.entries(p.values).map(([month, v]) => [p.number, KPI, month, v]))
  await writeFile(files.records, csv([['工号', '指标编码', '期间', '数值'], ...recordRows]))
  const trained = people.filter((p) => p.group === 'trained')
  await writeFile(
    files.history,
    csv([['employee_number', 'course_code', 'enrolled_on', 'completed_on', 'score'], ...trained.map((p) => [p.number, COURSE, '2025-05-06', '2025-05-20', 85])]),
  )

  // What the report must show, from the files alone: each person's means before and after.
  const means = (group) => people.filter((p) => p.group === group).map((p) => [mean(PRE.map((m) => p.values[m])), mean(POST.map((m) => p.values[m]))])
  const [t, c] = [means('trained'), means('comparison')]
  const tBefore = mean(t.map(([a]) => a))
  const tAfter = mean(t.map(([, b]) => b))
  const cBefore = mean(c.map(([a]) => a))
  const cAfter = mean(c.map(([, b]) => b))
  const effect = tAfter - tBefore - (cAfter - cBefore)
  assert.ok(effect > 0)

  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.hq')
      await navTo(page, 'nav-import')
      await page.getByTestId('import-history').waitFor()

      // 1. the branch and its departments; the name column is mapped by hand
      await importFile(page, 'ORG_UNITS', files.units, {
        created: 3,
        mapColumns: async () => {
          const column = page.locator(`[data-testid="import-column"][data-header="${nameHeader}"]`)
          await column.getByTestId('import-ignored').waitFor()
          await page.getByTestId('import-missing').waitFor() // 名称 is required and not read yet
          await choose(page, column.getByTestId('import-column-select'), /^\s*名称 \*\s*$/)
          await column.getByTestId('import-ignored').waitFor({ state: 'detached' })
        },
      })
      // 2. the position
      await importFile(page, 'POSITIONS', files.positions, { created: 1 })
      // 3. the people, two of them leavers: "已离职" is read as terminated once HR say so
      await importFile(page, 'EMPLOYEES', files.employees, {
        created: people.length,
        mapValues: async () => {
          const value = (v) => page.locator(`[data-testid="import-value-column"][data-column="status"] [data-testid="import-value"][data-value="${v}"]`)
          assert.match(await value('在职').locator('.el-select').textContent(), /active/)
          await choose(page, value('已离职').getByTestId('import-value-select'), /^\s*terminated\s*$/)
          assert.match(await value('已离职').locator('.el-select').textContent(), /terminated/)
        },
      })
      // 4. nine months of new customers; 5. the course completed in May
      await importFile(page, 'KPI_RECORDS', files.records, { created: recordRows.length })
      await importFile(page, 'TRAINING_HISTORY', files.history, { created: trained.length })

      // The training-effect report, chosen in its filters: the course, the KPI, the new branch,
      // four months before and four after the training.
      await navTo(page, 'nav-reports/training-effect')
      await page.waitForURL((url) => url.pathname === '/reports/training-effect')
      await page.locator('[data-testid="report"][data-loading="false"]').waitFor()
      const settled = () => page.locator('[data-testid="report"][data-loading="false"]').waitFor()
      await page.getByTestId('report-unit').locator('.el-select').click()
      await page.locator('.el-tree-node__content:visible', { hasText: branchName }).first().click()
      await page.locator(`[data-testid="report"][data-unit="${branch}"]`).waitFor()
      await choose(page, page.getByTestId('report-course'), new RegExp(`^\\s*${COURSE} `))
      await choose(page, page.getByTestId('report-kpi'), /新客户/)
      const month = (m) => new RegExp(`^\\s*${m}\\s*$`)
      await choose(page, page.getByTestId('report-pre-from'), month(PRE[0]))
      await choose(page, page.getByTestId('report-pre-to'), month(PRE.at(-1)))
      await choose(page, page.getByTestId('report-post-from'), month(POST[0]))
      await choose(page, page.getByTestId('report-post-to'), month(POST.at(-1)))
      const url = new URL(page.url())
      assert.deepEqual(
        ['course', 'kpi', 'unit', 'preFrom', 'preTo', 'postFrom', 'postTo'].map((k) => url.searchParams.get(k)),
        [COURSE, KPI, branch, PRE[0], PRE.at(-1), POST[0], POST.at(-1)],
      )
      await settled()

      // The split: 22 people with values, none trained before, the 10 by June; their means
      // before → after beside the comparison group's; the effect conclusive and positive.
      const participation = page.getByTestId('report-card-participation')
      await participation.filter({ hasText: `${people.length} 人` }).waitFor()
      const pct = (n) => `${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 }).format((n / people.length) * 100)}%`
      assert.match(await participation.textContent(), new RegExp(`0%\\s*→\\s*${pct(TRAINED).replace('.', '\\.')}`))
      const kpiCard = await page.getByTestId('report-card-kpi').textContent()
      assert.ok(kpiCard.includes(`${count(tBefore)} → ${count(tAfter)}`), kpiCard)
      assert.ok(kpiCard.includes(`n = ${TRAINED}`), kpiCard)
      assert.ok(kpiCard.includes(`对照组 ${count(cBefore)} → ${count(cAfter)}（n = ${COMPARISON}）`), kpiCard)
      const effectCard = page.getByTestId('report-card-effect')
      assert.equal(await effectCard.getAttribute('data-conclusive'), 'true')
      assert.ok((await effectCard.textContent()).includes(`受训 ${TRAINED} 人 · 对照 ${COMPARISON} 人`))
      const shown = page.getByTestId('report-effect')
      assert.equal((await shown.textContent()).trim(), `+${count(effect)}`)
      assert.match(await shown.getAttribute('class'), /tone--good/)
      await page.getByTestId('report-before-after').locator('svg path').first().waitFor({ state: 'attached' })
      assert.deepEqual(consoleErrors, [])
    })

    // What the page said is what the API says of the same report.
    const { accessToken } = await apiLogin('hr.hq')
    const ids = await gql(
      `query ($c: String!) { courses(first: 5, filter: { search: $c }) { edges { node { id code } } } kpis { id code } orgUnits { id code } }`,
      { c: COURSE },
      accessToken,
    )
    assert.equal(ids.errors, undefined, JSON.stringify(ids.errors))
    const course = ids.data.courses.edges.map((e) => e.node).find((n) => n.code === COURSE)
    const kpi = ids.data.kpis.find((k) => k.code === KPI)
    const unit = ids.data.orgUnits.find((u) => u.code === branch)
    const report = await gql(
      `query ($i: TrainingEffectReportInput!) { trainingEffectReport(input: $i) { population participationBefore
        effect { trained comparison trainedBefore trainedAfter comparisonBefore comparisonAfter effect conclusive } } }`,
      { i: { courseId: course.id, kpiId: kpi.id, unitId: unit.id, preFrom: `${PRE[0]}-01`, preTo: `${PRE.at(-1)}-01`, postFrom: `${POST[0]}-01`, postTo: `${POST.at(-1)}-01` } },
      accessToken,
    )
    assert.equal(report.errors, undefined, JSON.stringify(report.errors))
    const r = report.data.trainingEffectReport
    const leavers = await gql(
      `query ($s: String!) { employees(first: 30, filter: { search: $s, status: [TERMINATED] }) { edges { node { employeeNumber terminationDate terminationReason } } } }`,
      { s: branch },
      accessToken,
    )
    assert.equal(leavers.errors, undefined, JSON.stringify(leavers.errors))
    assert.deepEqual(
      leavers.data.employees.edges.map((e) => e.node).sort((a, b) => a.employeeNumber.localeCompare(b.employeeNumber)),
      people.filter((p) => p.group === 'leaver').map((p) => ({ employeeNumber: p.number, terminationDate: '2025-04-30', terminationReason: '个人原因' })),
    )
    assert.equal(r.population, people.length)
    assert.equal(Number(r.participationBefore), 0)
    const e = r.effect
    assert.deepEqual([e.trained, e.comparison, e.conclusive], [TRAINED, COMPARISON, true])
    for (const [got, want] of [
      [e.trainedBefore, tBefore],
      [e.trainedAfter, tAfter],
      [e.comparisonBefore, cBefore],
      [e.comparisonAfter, cAfter],
      [e.effect, effect],
    ])
      assert.ok(Math.abs(got - want) < 1e-9, `${got} ≠ ${want}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
