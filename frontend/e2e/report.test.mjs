// 培训效果与绩效影响报告 as the boss reads it: from the menu, the finding in one sentence, the
// headline figures with their sample sizes, every branch side by side (a branch without enough
// trained people is "not conclusive", never a number), the evidence sections, and the PDF.
// Branch HR on a phone, from a shared link: the same report for their branch only.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
/** The branches of the demo company. */
const BRANCHES = ['BJ', 'SH', 'SZ']

const DEFAULTS = `{
  trainingEffectReportDefaults { course { id code title } kpi { id code } preFrom preTo postFrom postTo }
}`
const REPORT = `query ($i: TrainingEffectReportInput!) {
  trainingEffectReport(input: $i) {
    population
    effect { trained comparison conclusive }
    branches { unit { code } effect { trained conclusive reason } }
    paySuspensions { id }
    events { id }
  }
}`
const NARRATIVE = `query ($i: TrainingEffectReportInput!) { trainingEffectReport(input: $i) { summary(language: ZH) } }`

/** The report the page opens on: the server's defaults, all the viewer may see. */
async function defaultReport(token) {
  const d = (await gql(DEFAULTS, {}, token)).data.trainingEffectReportDefaults
  assert.ok(d, 'the demo has a report to show')
  const input = {
    courseId: d.course.id,
    kpiId: d.kpi.id,
    preFrom: d.preFrom,
    preTo: d.preTo,
    postFrom: d.postFrom,
    postTo: d.postTo,
    horizonMonths: 6,
    excludeEvents: true,
  }
  const { data, errors } = await gql(REPORT, { i: input }, token)
  assert.equal(errors, undefined, JSON.stringify(errors))
  return { defaults: d, input, report: data.trainingEffectReport }
}

const month = (period) => period.slice(0, 7)

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
}

async function openFromMenu(page) {
  await navTo(page, 'nav-reports/training-effect')
  await page.waitForURL((url) => url.pathname === '/reports/training-effect')
  const report = page.locator('[data-testid="report"][data-loading="false"]')
  await report.waitFor()
  return report
}

test('the boss opens the training-effect report from the menu: the finding, the figures, every branch', async () => {
  const { accessToken } = await apiLogin('boss')
  const { defaults, input, report } = await defaultReport(accessToken)
  const codes = report.branches.map((b) => b.unit.code)
  assert.deepEqual([...codes].sort(), BRANCHES, 'the boss sees every branch')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'boss')
    const shown = await openFromMenu(page)

    // The whole choice is in the URL, so that the link reproduces the report.
    const url = new URL(page.url())
    assert.equal(url.searchParams.get('course'), defaults.course.code)
    assert.equal(url.searchParams.get('kpi'), defaults.kpi.code)
    assert.equal(url.searchParams.get('preFrom'), month(defaults.preFrom))
    assert.equal(url.searchParams.get('preTo'), month(defaults.preTo))
    assert.equal(url.searchParams.get('postFrom'), month(defaults.postFrom))
    assert.equal(url.searchParams.get('postTo'), month(defaults.postTo))
    assert.equal(url.searchParams.get('horizon'), '6')
    assert.equal(url.searchParams.get('exclude'), '1')
    assert.equal(await shown.getAttribute('data-course'), defaults.course.code)
    assert.match(await page.getByTestId('report-scope').textContent(), new RegExp(defaults.course.title))

    // Headline figures, each with its sample size.
    const effectCard = page.getByTestId('report-card-effect')
    assert.equal(await effectCard.getAttribute('data-conclusive'), String(report.effect.conclusive))
    const effectText = await effectCard.textContent()
    assert.ok(effectText.includes(`受训 ${report.effect.trained} 人`) && effectText.includes(`对照 ${report.effect.comparison} 人`), effectText)
    if (report.effect.conclusive) assert.match(effectText, /95% 区间 \[/)
    assert.ok((await page.getByTestId('report-card-participation').textContent()).includes(`${report.population} 人`))
    await page.getByTestId('report-card-roi').waitFor()

    // The charts are drawn.
    for (const id of ['report-trend', 'report-before-after', 'report-roi-chart', 'report-participation']) {
      await page.getByTestId(id).locator('svg path').first().waitFor({ state: 'attached' })
    }

    // Every branch, one column each; a branch without enough trained is not conclusive, with why.
    const branches = page.getByTestId('report-branch')
    assert.deepEqual(await branches.evaluateAll((els) => els.map((el) => el.dataset.code)), codes)
    for (const b of report.branches) {
      const card = page.locator(`[data-testid="report-branch"][data-code="${b.unit.code}"]`)
      assert.equal(await card.getAttribute('data-conclusive'), String(b.effect.conclusive))
      const effect = card.getByTestId('report-branch-effect')
      assert.ok((await effect.textContent()).includes(`受训 ${b.effect.trained} 人`))
      if (!b.effect.conclusive) {
        assert.ok((await effect.textContent()).includes('不作结论'))
        assert.notEqual((await effect.getByTestId('report-verdict-reason').textContent()).trim(), '')
      }
    }

    // The evidence: root cause, performance pay, outside events.
    await page.getByTestId('report-root-cause').waitFor()
    assert.ok((await page.getByTestId('report-correlation').count()) > 0)
    assert.equal(await page.getByTestId('report-pay-suspension').count(), report.paySuspensions.length)
    assert.equal(Number(await page.getByTestId('report-events').getAttribute('data-count')), report.events.length)

    // The finding in one sentence, first and as the server words it.
    const narrative = await gql(NARRATIVE, { i: input }, accessToken)
    assert.equal(narrative.errors, undefined, `the API writes the summary: ${JSON.stringify(narrative.errors)}`)
    const summary = page.getByTestId('report-summary')
    await summary.waitFor()
    assert.equal((await summary.textContent()).trim(), narrative.data.trainingEffectReport.summary.trim())

    await page.screenshot({ path: '/tmp/talentloop-report.png', fullPage: true })
    assert.deepEqual(consoleErrors, [])
  })
})

test('the boss downloads the report as a PDF', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'boss')
    await openFromMenu(page)
    const download = page.waitForEvent('download', { timeout: 120_000 })
    await page.getByTestId('report-export-pdf').click()
    await page.getByTestId('report-export-progress').waitFor()
    // A failed export is shown, not waited on for two minutes.
    const failed = page.getByTestId('report-export-error').waitFor({ timeout: 120_000 }).then(async () => {
      throw new Error(`the export failed: ${(await page.getByTestId('report-export-error').textContent()).trim()}`)
    })
    const file = await Promise.race([download, failed])
    failed.catch(() => {})
    assert.match(file.suggestedFilename(), /\.pdf$/i)
    const bytes = await readFile(await file.path())
    assert.equal(bytes.subarray(0, 4).toString('latin1'), '%PDF')
    await page.getByTestId('report-export-progress').waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })
})

test('branch HR on a phone opens a shared link: the same report, their branch only, no sideways scroll', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { defaults, report } = await defaultReport(accessToken)
  assert.deepEqual(report.branches.map((b) => b.unit.code), ['SH'])

  const link = new URLSearchParams({
    course: defaults.course.code,
    kpi: defaults.kpi.code,
    preFrom: month(defaults.preFrom),
    preTo: month(defaults.preTo),
    postFrom: month(defaults.postFrom),
    postTo: month(defaults.postTo),
    horizon: '12',
    exclude: '0',
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/reports/training-effect?${link}`)
    await page.locator('[data-testid="report"][data-loading="false"]').waitFor()
    // The link's choices are kept, not replaced by the defaults.
    const url = new URL(page.url())
    assert.equal(url.searchParams.get('horizon'), '12')
    assert.equal(url.searchParams.get('exclude'), '0')
    assert.equal(await page.getByTestId('report-exclude-events').locator('input').isChecked(), false)
    assert.deepEqual(await page.getByTestId('report-branch').evaluateAll((els) => els.map((el) => el.dataset.code)), ['SH'])
    assert.match(await page.getByTestId('report-card-roi').textContent(), /12 个月|不作结论/)
    // The filters fold away on a phone.
    assert.equal(await page.getByTestId('report-filters').isVisible(), false)
    await page.getByTestId('report-filters-toggle').click()
    await page.getByTestId('report-filters').waitFor()
    await noSidewaysScroll(page)
    await page.screenshot({ path: '/tmp/talentloop-report-phone.png', fullPage: true })
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('the admin account and employees are not offered the report', async () => {
  for (const username of ['admin', 'employee.shanghai.sales']) {
    await withPage(async (page) => {
      await uiLogin(page, username)
      await page.getByTestId('nav-employees').first().waitFor({ state: 'attached' })
      assert.equal(await page.getByTestId('nav-reports/training-effect').count(), 0, `no report in ${username}'s menu`)
      await page.goto(`${BASE_URL}/reports/training-effect`)
      await page.getByTestId('no-access').waitFor()
    })
  }
})
