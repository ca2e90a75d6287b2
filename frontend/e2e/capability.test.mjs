// The capability screens as people see them: rating a colleague on a phone (My reviews), a
// manager's gap heat map and under-performer ranking (Capability analysis), an employee's own
// radar and gaps (My capabilities) and nobody else's, a skill test on a phone, the competency
// framework for HR, and starting a 360° round from the assessment to-do.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const SHANGHAI_SALES = '上海销售部'
const OTHER_CITIES = ['北京', '深圳']
const NEEDS_ANALYSIS = '客户需求分析'

/** Text of the whole document, hidden parts included. */
function documentText(page) {
  return page.evaluate(() => document.body.textContent ?? '')
}

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
}

const TASKS = `{ myRaterTasks(includeDone: true) { id subjectName relation anonymous submittedAt competencies { id name } myRatings { competencyId level comment } } }`

/**
 * The demo gives employee.shanghai.sales three open peer tasks. Once all are rated (the test
 * has run three times on the same database), their manager starts a fresh round in which the
 * employee rates a team-mate, so the test can run again and again.
 */
async function ensureOpenPeerTask(employeeToken) {
  let { data } = await gql(TASKS, {}, employeeToken)
  if (data.myRaterTasks.some((task) => !task.submittedAt && task.relation === 'PEER')) return data.myRaterTasks
  const me = (await gql(`{ me { employee { id unit { id } } } }`, {}, employeeToken)).data.me.employee
  const manager = await apiLogin('manager.shanghai.sales')
  const team = await gql(
    `query ($u: ID!) { employees(first: 50, filter: { unitId: $u, status: [ACTIVE] }) { edges { node { id } } } competencies { id code } }`,
    { u: me.unit.id },
    manager.accessToken,
  )
  const subject = team.data.employees.edges.map((e) => e.node).find((e) => e.id !== me.id)
  const competencyIds = team.data.competencies.filter((c) => ['NEEDS_ANALYSIS', 'PRODUCT_KNOWLEDGE'].includes(c.code)).map((c) => c.id)
  const deadline = new Date(Date.now() + 14 * 86400_000).toISOString().slice(0, 10)
  const started = await gql(
    `mutation ($input: StartAssessmentRoundInput!) { startAssessmentRound(input: $input) { round { id } errors { field message } } }`,
    {
      input: {
        employeeId: subject.id,
        title: 'e2e 360°',
        deadline,
        competencyIds,
        peerIds: [me.id],
        includeSelf: false,
        includeManager: false,
      },
    },
    manager.accessToken,
  )
  assert.deepEqual(started.data.startAssessmentRound.errors, [], 'the manager starts a round for a team-mate')
  ;({ data } = await gql(TASKS, {}, employeeToken))
  return data.myRaterTasks
}

test('on a phone, an employee rates a colleague: the first open peer task, every competency, then it is done', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const tasks = await ensureOpenPeerTask(accessToken)
  const openPeer = tasks.filter((task) => !task.submittedAt && task.relation === 'PEER')
  assert.ok(openPeer.length > 0, 'the employee has an open peer task')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-my-reviews')
    await page.waitForURL(/\/my-reviews$/)
    const list = page.locator('[data-testid="my-reviews"][data-loading="false"][data-open]')
    await list.waitFor()
    assert.equal(Number(await list.getAttribute('data-open')), tasks.filter((task) => !task.submittedAt).length)

    // The first open peer task on the list (the list is open tasks first, soonest deadline first).
    const card = page.locator('[data-testid="rater-task"][data-status="open"][data-relation="PEER"]').first()
    const taskId = await card.getAttribute('data-id')
    const task = tasks.find((x) => x.id === taskId)
    assert.ok(task && !task.submittedAt, 'the card is an open task of the API')
    assert.equal(await card.getByTestId('rater-task-anonymous').count(), task.anonymous ? 1 : 0)
    assert.match(await card.getByTestId('rater-task-subject').textContent(), new RegExp(task.subjectName))
    await noSidewaysScroll(page)
    await page.screenshot({ path: '/tmp/talentloop-my-reviews-phone.png', fullPage: true })

    await card.click()
    await page.waitForURL((url) => url.pathname.startsWith('/my-reviews/'))
    const form = page.locator(`[data-testid="rating-form"][data-task-id="${taskId}"]`)
    await form.waitFor()
    const competencies = form.getByTestId('rating-competency')
    assert.equal(await competencies.count(), task.competencies.length)

    // Rate every competency (levels 2, 3, 4, 2, …), with a comment on the first.
    const chosen = {}
    for (let i = 0; i < task.competencies.length; i++) {
      const block = competencies.nth(i)
      const id = await block.getAttribute('data-competency-id')
      assert.equal(await block.getByTestId('rating-option').count(), 5, 'five levels, each described')
      const level = 2 + (i % 3)
      await block.locator(`[data-testid="rating-option"][data-level="${level}"]`).click()
      assert.equal(await block.getAttribute('data-level'), String(level))
      chosen[id] = level
    }
    await competencies.first().getByTestId('rating-comment-open').click()
    await competencies.first().getByTestId('rating-comment').fill('e2e：举例说明')
    const progress = form.getByTestId('rating-progress')
    assert.equal(await progress.getAttribute('data-rated'), String(task.competencies.length))
    await noSidewaysScroll(page)
    await page.screenshot({ path: '/tmp/talentloop-rating-phone.png', fullPage: true })

    await form.getByTestId('rating-submit').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()

    // Back on the list, the task is done.
    await page.waitForURL(/\/my-reviews$/)
    await page.locator(`[data-testid="rater-task"][data-id="${taskId}"][data-status="done"]`).waitFor()
    assert.equal(await page.locator(`[data-testid="rater-task"][data-id="${taskId}"][data-status="open"]`).count(), 0)

    // As the server has it.
    const after = (await gql(TASKS, {}, accessToken)).data.myRaterTasks.find((x) => x.id === taskId)
    assert.ok(after.submittedAt, 'submitted')
    assert.deepEqual(Object.fromEntries(after.myRatings.map((r) => [r.competencyId, r.level])), chosen)

    // Opened again, it shows what was given and cannot be submitted twice.
    await page.locator(`[data-testid="rater-task"][data-id="${taskId}"]`).click()
    await page.locator(`[data-testid="rating-form"][data-task-id="${taskId}"][data-submitted="true"]`).waitFor()
    assert.equal(await page.getByTestId('rating-submit').count(), 0)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('a manager sees the gap heat map of their department and which competencies under-performers lack', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql(`{ me { scopeUnit { id name } } kpis { id code } }`, {}, accessToken)
  const scope = data.me.scopeUnit
  assert.equal(scope.name, SHANGHAI_SALES)
  const kpi = data.kpis.find((k) => k.code === 'NEW_CUSTOMERS')
  // The analysis opens on new customers where the KPI dashboard does: for a manager, the latest
  // month their team missed (performancePeriods' start).
  const periods = await gql(`query ($k: ID) { performancePeriods(kpiId: $k) { start startReason } }`, { k: kpi.id }, accessToken)
  const ANALYSIS_PERIOD = periods.data.performancePeriods.start
  assert.equal(periods.data.performancePeriods.startReason, 'TEAM_MISSED', 'the demo team misses a month')
  const api = await gql(
    `query ($u: ID!, $k: ID!, $p: Date!) {
       competencyHeatMap(unitId: $u) { competencies { id name } rows { employee { id name } scores { score required } } }
       underPerformerAnalysis(kpiId: $k, period: $p, unitId: $u) { underPerformers rows { competency { name } share } }
     }`,
    { u: scope.id, k: kpi.id, p: ANALYSIS_PERIOD },
    accessToken,
  )
  const heat = api.data.competencyHeatMap
  const analysis = api.data.underPerformerAnalysis
  assert.ok(heat.rows.length > 1, 'the department has people with scores')
  assert.ok(analysis.underPerformers > 0, 'some were below target in the analysis month')
  // Ranked by share as the API sends them (ratings given since the demo was loaded may reorder them).
  const ranked = analysis.rows.filter((r) => r.share !== null)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-capability-analysis')
    await page.waitForURL(/\/capability-analysis/)

    // The heat map: the department's people × competencies, with the unit average.
    const map = page.locator(`[data-testid="heatmap"][data-loading="false"][data-unit-id="${scope.id}"][data-rows]`)
    await map.waitFor()
    assert.match(await page.getByTestId('heatmap-title').textContent(), new RegExp(SHANGHAI_SALES))
    const rows = await page.getByTestId('heatmap-row').evaluateAll((els) => els.map((el) => el.dataset.employeeId))
    assert.deepEqual(rows, heat.rows.filter((r) => r.employee).map((r) => r.employee.id))
    const columns = await page.getByTestId('heatmap-column').allTextContents()
    assert.ok(columns.length >= 2, 'competency columns')
    assert.ok(columns.map((c) => c.trim()).includes(NEEDS_ANALYSIS))
    const levels = await page.getByTestId('heatmap-cell').evaluateAll((els) => els.map((el) => el.dataset.level))
    assert.equal(levels.length, rows.length * columns.length)
    assert.ok(levels.every((l) => ['high', 'mid', 'low', 'none'].includes(l)))
    assert.ok(new Set(levels.filter((l) => l !== 'none')).size >= 2, 'gaps of several sizes are told apart')
    await page.getByTestId('heatmap-average').waitFor()

    // The under-performers: the brochure's question, ranked.
    const under = page.locator('[data-testid="underperformers"][data-loading="false"][data-count]')
    await under.waitFor()
    assert.equal(await under.getAttribute('data-month'), ANALYSIS_PERIOD.slice(0, 7))
    assert.equal(Number(await under.getAttribute('data-count')), analysis.underPerformers)
    const names = (await under.getByTestId('underperformer-name').allTextContents()).map((n) => n.trim())
    assert.ok(names.includes(NEEDS_ANALYSIS), `${NEEDS_ANALYSIS} is among the rows`)
    assert.deepEqual(names, ranked.map((r) => r.competency.name))
    const shares = (await under.getByTestId('underperformer-share').allTextContents()).map((text) => text.trim())
    assert.deepEqual(shares, ranked.map((r) => `${Number(r.share)}%`))

    const text = await documentText(page)
    for (const city of OTHER_CITIES) assert.ok(!text.includes(city), `the analysis mentions ${city}`)
    await page.screenshot({ path: '/tmp/talentloop-capability-analysis.png', fullPage: true })

    // Clicking a person opens their radar and gaps.
    const someone = heat.rows.find((r) => r.employee && r.scores.some((s) => s.score !== null))
    await page.locator(`[data-testid="heatmap-row"][data-employee-id="${someone.employee.id}"]`).click()
    await page.waitForURL((url) => url.searchParams.get('employee') === someone.employee.id)
    const profile = page.locator(`[data-testid="competency-profile"][data-employee-id="${someone.employee.id}"][data-loading="false"]`)
    await profile.waitFor()
    await profile.getByTestId('capability-radar').locator('svg path').first().waitFor({ state: 'attached' })
    assert.ok((await profile.getByTestId('gap-item').count()) > 0)
    assert.deepEqual(consoleErrors, [])
  })
})

test('an employee sees their own radar and gaps, and cannot open the capability analysis of others', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql(`{ me { employee { id name unit { id } } } }`, {}, accessToken)
  const me = data.me.employee
  const own = await gql(
    `query ($e: ID!) { employeeCompetencies(employeeId: $e) { competency { code } score required gap } }`,
    { e: me.id },
    accessToken,
  )
  const withGap = own.data.employeeCompetencies.filter((s) => s.gap !== null)
  assert.ok(withGap.length > 0, 'the demo data scores the employee')
  const largest = [...withGap].sort((a, b) => Number(b.gap) - Number(a.gap))[0]

  // The people of the employee's department, as their manager sees them on the heat map.
  const manager = await apiLogin('manager.shanghai.sales')
  const scope = (await gql(`{ me { scopeUnit { id } } }`, {}, manager.accessToken)).data.me.scopeUnit
  const heat = await gql(`query ($u: ID!) { competencyHeatMap(unitId: $u) { rows { employee { id name } } } }`, { u: scope.id }, manager.accessToken)
  const others = heat.data.competencyHeatMap.rows.map((r) => r.employee).filter((e) => e && e.id !== me.id && e.name !== me.name)
  assert.ok(others.length > 0)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.getByTestId('workbench').waitFor()
    await page.getByTestId('nav-my-capabilities').first().waitFor({ state: 'attached' })
    for (const entry of ['nav-capability-analysis', 'nav-competencies', 'nav-assessments']) {
      assert.equal(await page.getByTestId(entry).count(), 0, `${entry} is not offered to an employee`)
    }

    await navTo(page, 'nav-my-capabilities')
    await page.waitForURL(/\/my-capabilities/)
    const profile = page.locator(`[data-testid="competency-profile"][data-employee-id="${me.id}"][data-loading="false"]`)
    await profile.waitFor()
    await profile.getByTestId('capability-radar').locator('svg path').first().waitFor({ state: 'attached' })
    assert.match(await page.getByTestId('my-capabilities-name').textContent(), new RegExp(me.name))

    // Gaps, largest first, each with the sources behind the score.
    const items = await profile.getByTestId('gap-item').evaluateAll((els) => els.map((el) => ({ code: el.dataset.competency, gap: el.dataset.gap })))
    assert.equal(items[0].code, largest.competency.code)
    const gaps = items.filter((i) => i.gap !== '').map((i) => Number(i.gap))
    assert.deepEqual(gaps, [...gaps].sort((a, b) => b - a), 'largest gap first')
    assert.ok((await profile.getByTestId('gap-source').count()) > 0, 'the sources are shown')
    assert.ok((await page.getByTestId('gap-test-link').count()) > 0, 'links to the skill tests')
    await page.screenshot({ path: '/tmp/talentloop-my-capabilities.png', fullPage: true })

    let text = await documentText(page)
    for (const other of others) assert.ok(!text.includes(other.name), `My capabilities shows ${other.name}`)

    // Typing the analysis' address shows "no access", and nobody's scores.
    await page.goto(`${BASE_URL}/capability-analysis`)
    await page.getByTestId('no-access').waitFor()
    assert.equal(await page.getByTestId('heatmap-row').count(), 0)
    assert.equal(await page.getByTestId('underperformer-row').count(), 0)
    text = await documentText(page)
    for (const other of others) assert.ok(!text.includes(other.name), `the analysis URL shows ${other.name}`)
    assert.deepEqual(consoleErrors, [])
  })
})

// Taken by HQ HR's own employee record: the latest attempt counts toward a score, and the sales
// team's scores are what the other tests (and the demo's story) look at. The attempt is started
// on request, draws its questions from the test's pool, and tells the total alone.
test('a skill test on a phone: start an attempt, answer, submit, see the score and the level; the result is listed and counts', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql(
    `{ skillTests { id title questionCount maxAttempts myAttemptsLeft myNextAttemptAt } myTestAttempts { id } }`,
    {},
    accessToken,
  )
  assert.ok(data.skillTests.length > 0, 'the demo data has skill tests')
  const skillTest = data.skillTests.find((x) => x.myAttemptsLeft > 0 && !x.myNextAttemptAt)
  assert.ok(skillTest, 'HQ HR may start a demo test')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-skill-tests')
    await page.locator(`[data-testid="skill-tests"][data-count="${data.skillTests.length}"]`).waitFor()
    await page.locator(`[data-testid="test-attempts"][data-count="${data.myTestAttempts.length}"]`).waitFor()
    await page.locator(`[data-testid="skill-test"][data-id="${skillTest.id}"]`).getByTestId('skill-test-start').click()
    await page.waitForURL((url) => url.pathname.startsWith('/skill-tests/'))

    // Nothing is drawn before the attempt is started: the page says what it takes first.
    const intro = page.locator(`[data-testid="test-intro"][data-left="${skillTest.myAttemptsLeft}"]`)
    await intro.waitFor()
    assert.equal(await page.getByTestId('test-question').count(), 0)
    await page.getByTestId('test-begin').click()

    const questions = page.getByTestId('test-question')
    await questions.first().waitFor()
    assert.equal(await questions.count(), skillTest.questionCount)
    for (let i = 0; i < skillTest.questionCount; i++) {
      const q = questions.nth(i)
      await q.getByTestId('test-option').first().click()
      if ((await q.getAttribute('data-kind')) === 'MULTIPLE') await q.getByTestId('test-option').nth(1).click()
    }
    assert.equal(await page.getByTestId('test-answered').getAttribute('data-answered'), String(skillTest.questionCount))
    await noSidewaysScroll(page)
    await page.screenshot({ path: '/tmp/talentloop-skill-test-phone.png', fullPage: true })

    await page.getByTestId('test-submit').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    const result = page.getByTestId('test-result')
    await result.waitFor()
    const score = page.getByTestId('test-result-score')
    const max = Number(await score.getAttribute('data-max'))
    assert.ok(max >= skillTest.questionCount)
    assert.ok(Number(await score.getAttribute('data-score')) <= max)
    assert.ok(['1', '2', '3', '4', '5'].includes(await result.getAttribute('data-level')))
    assert.match(await page.getByTestId('test-result-level').textContent(), /\d/)
    // Only the total: no question is marked right or wrong.
    assert.equal(await page.getByTestId('test-question').count(), 0)

    // Another attempt waits for the cool-down.
    await page.getByTestId('test-again').click()
    await page.getByTestId('test-next-attempt').waitFor()
    assert.equal(await page.getByTestId('test-begin').isDisabled(), true)

    // Back on the list, one more result, and it is the one that counts.
    await page.getByTestId('skill-test-back').click()
    await page.locator(`[data-testid="test-attempts"][data-count="${data.myTestAttempts.length + 1}"]`).waitFor()
    await page.getByTestId('test-attempt-counts').first().waitFor()
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('the competency framework: HQ HR may edit it, branch HR reads it', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql(`{ competencies { id code levels { level description } } competencyCategories { id } }`, {}, accessToken)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-competencies')
    const framework = page.locator('[data-testid="competency-framework"][data-editable="true"]')
    await framework.waitFor()
    // The catalogue is a list of every competency; its category filter offers every category.
    await page.locator('[data-testid="competencies-total"][data-count]').waitFor()
    assert.equal(await page.getByTestId('competencies-row').count(), data.competencies.length)
    assert.equal(await page.getByTestId('competency-edit').count(), data.competencies.length)
    await page.getByTestId('competencies-category-filter').click()
    await page.locator('.el-select-dropdown__item:visible').first().waitFor()
    assert.equal(await page.locator('.el-select-dropdown__item:visible').count(), data.competencyCategories.length)
    await page.keyboard.press('Escape')
    const first = data.competencies[0]
    const item = page.locator(`[data-testid="competencies-row"][data-id="${first.id}"]`)
    for (const { level, description } of first.levels) {
      assert.equal((await item.getByTestId(`competencies-level${level}`).textContent()).trim(), description)
    }

    // The edit dialog holds the five level descriptions.
    await item.getByTestId('competency-edit').click()
    const level1 = page.getByTestId('competency-level-1')
    await level1.waitFor()
    assert.equal(await level1.inputValue(), first.levels.find((l) => l.level === 1).description)
    assert.equal(await page.getByTestId('competency-code').inputValue(), first.code)
    await page.getByTestId('required-level-form').waitFor()
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-competencies')
    await page.locator('[data-testid="competency-framework"][data-editable="false"]').waitFor()
    await page.getByTestId('framework-read-only').waitFor()
    assert.equal(await page.getByTestId('competency-edit').count(), 0)
    assert.equal(await page.getByTestId('competency-new').count(), 0)
    await page.locator('[data-testid="competencies-total"][data-count]').waitFor()
    assert.equal(await page.getByTestId('competencies-row').count(), data.competencies.length)
    assert.deepEqual(consoleErrors, [])
  })
})

test('the assessment to-do offers a 360° round for a request without one, with peers from the same unit', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql(
    `{ assessmentRequests(first: 20, status: [OPEN]) { edges { node { id employee { id name unit { id } } rounds { id status } } } } }`,
    {},
    accessToken,
  )
  const request = data.assessmentRequests.edges.map((e) => e.node).find((r) => r.employee && r.rounds.length === 0)
  if (!request) return // every open request has a round already: nothing to offer

  const team = await gql(
    `query ($u: ID!) { employees(first: 100, filter: { unitId: $u, status: [ACTIVE, PROBATION] }) { edges { node { id name } } } }`,
    { u: request.employee.unit.id },
    accessToken,
  )
  const colleagues = team.data.employees.edges.map((e) => e.node).filter((e) => e.id !== request.employee.id)

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-assessments')
    // The request's row, in the open or the in-progress list.
    const row = page.locator(`[data-testid^="assessments-"][data-testid$="-row"][data-id="${request.id}"]`)
    await row.waitFor()
    await row.getByTestId('assessment-start-round').click()
    await page.getByTestId('start-round-title').waitFor()
    assert.match(await page.getByTestId('start-round-title').inputValue(), new RegExp(request.employee.name))
    // The competencies the position requires are chosen already; peers come from the unit.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="start-round-competencies"] .is-checked').length > 0)
    await page.getByTestId('start-round-peers').click()
    const options = page.locator('.el-select-dropdown__item:visible')
    await options.first().waitFor()
    const offered = (await options.allTextContents()).map((s) => s.split(' · ')[0].trim())
    assert.ok(offered.length > 0 && offered.every((name) => colleagues.some((c) => c.name === name)), 'peers are colleagues of the same unit')
    assert.ok(!offered.includes(request.employee.name), 'not the person assessed')
    assert.deepEqual(consoleErrors, [])
  })
})
