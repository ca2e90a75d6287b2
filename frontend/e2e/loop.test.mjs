// Issue 21 ("The loop closes inside the app"), its first check: the loop walked end to end in the
// browser by the five demo people, counting their clicks, with nothing outside the app:
//  1. the manager sees the missed month on the KPI dashboard, opens the gaps, the recommended
//     course (mentoring with a colleague), and enrols two team members;
//  2. branch HR approves the enrolments where they cost money and, on the training attendance
//     page, signs the mentees off with the day they completed (today: the walk compresses the
//     weeks of mentoring into minutes);
//  3. branch HR computes the next open payroll of the department (performance pay suspended:
//     0), and imports November's results on the import screen, which keeps the restore condition
//     met and opens the restore request by itself;
//  4. the boss reads on the training-effect report that the condition is met and the request is
//     open (or asks with one click), and the evidence on the pay page;
//  5. the branch head and HQ HR approve it on their cards, the evidence in front of them;
//  6. branch HR opens the payroll run, marked out of date, recomputes it, sees the change, and the
//     recomputed payslips pay performance pay (绩效工资 > 0) to the people restored.
// Only reads go to the API (to learn what the screens should show, and to write the CRM's file);
// every change is made on the screens. The demo's dates are read from its data.
//
// Shared suite: November's and December's Shanghai runs belong to payroll-stale.test.mjs and
// policy.test.mjs (a unit has one run a month, none overlapping), so this walk computes the
// department's first run of the new year, which the restore (from the month after the results)
// reaches just the same (docs/architecture.md, "The loop, walked").
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

/** Clicks per person: every click of the walk goes through `tap`. */
const clicks = new Map()
let person = null
async function tap(locator) {
  clicks.set(person, (clicks.get(person) ?? 0) + 1)
  await locator.click()
}
/** `navTo` of helpers.mjs, its clicks counted (desktop: the menu group, then the entry). */
async function nav(page, entry) {
  const link = page.getByTestId(entry).first()
  await link.waitFor({ state: 'attached' })
  const group = page.getByTestId('nav-group').filter({ has: link }).getByTestId('nav-group-toggle')
  if ((await group.getAttribute('aria-expanded')) !== 'true') await tap(group)
  await tap(link)
}
async function signIn(page, username) {
  person = username
  clicks.set(person, clicks.get(person) ?? 0)
  await uiLogin(page, username)
}

function nextMonth(period) {
  const [y, m] = period.slice(0, 7).split('-').map(Number)
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

async function waitRun(page) {
  await page.locator('[data-testid="payroll-run"]').waitFor()
  await page.waitForFunction(() => !document.querySelector('[data-testid="payroll-progress"]'), null, { timeout: 120_000 })
}

/** The performance-pay line of one person's payslip in the open run, as a number. */
async function performancePay(page, name) {
  await tap(page.getByTestId('payroll-payslips-row').filter({ hasText: name }).first())
  const drawer = page.getByTestId('run-payslip')
  const line = drawer.getByTestId('run-payslip-line-performance').first()
  await line.waitFor()
  const amount = Number((await line.locator('.amount').textContent()).replace(/[^\d.-]/g, ''))
  const why = (await line.textContent()) ?? ''
  await page.keyboard.press('Escape')
  await drawer.waitFor({ state: 'hidden' })
  return { amount, why }
}

test('the loop, walked in the browser by the five demo people', async () => {
  // ---- what the screens should show (reads only)
  const hr = (await apiLogin('hr.shanghai')).accessToken
  const { data: setup } = await gql(
    `{ kpis { id code } orgUnits { id code name }
       paySuspensions { id status unit { code name } progress { conditionMet periods { period } } } }`,
    {},
    hr,
  )
  const kpi = Object.fromEntries(setup.kpis.map((k) => [k.code, k.id]))
  const dept = setup.orgUnits.find((u) => u.code === 'SH-SALES')
  const suspension = setup.paySuspensions.find((s) => s.unit.code === 'SH-SALES')
  assert.ok(suspension, 'the demo suspends Shanghai sales’ performance pay')
  assert.ok(['SUSPENDED', 'RESTORE_REQUESTED'].includes(suspension.status), suspension.status)
  const latest = suspension.progress.periods.at(-1).period.slice(0, 7) // the demo's last month with results
  const resultsMonth = nextMonth(latest) // the month whose results the CRM now exports
  const payMonth = `${nextMonth(nextMonth(resultsMonth))}-01` // the department's own run (see above)
  assert.match(payMonth, /^\d{4}-\d{2}-01$/)

  // ---- 1. the manager: the missed month → its gaps → the recommended course → enrol two people
  const learners = []
  let course = null
  let courseId = null
  let courseTitle = null
  await withPage(async (page, { consoleErrors }) => {
    await signIn(page, 'manager.shanghai.sales')
    await nav(page, 'nav-dashboard')
    await page.waitForURL(/\/dashboard/)
    const missed = page.getByTestId('dashboard-missed')
    await missed.waitFor()
    await tap(page.getByTestId('dashboard-gaps-link'))
    await page.waitForURL(/\/capability-analysis/)
    const rows = page.getByTestId('heatmap-row')
    await rows.first().waitFor()
    const { data: me } = await gql('{ me { employee { id } } }', {}, (await apiLogin('manager.shanghai.sales')).accessToken)
    for (let i = 0; i < (await rows.count()) && learners.length < 2; i++) {
      const row = rows.nth(i)
      const id = await row.getAttribute('data-employee-id')
      if (id === me.me.employee?.id) continue
      await tap(row)
      const drawer = page.getByTestId('employee-radar')
      const recs = drawer.locator(`[data-testid="team-recommendations"][data-employee-id="${id}"][data-loading="false"]`)
      await recs.waitFor()
      // The first recommendation the learner can start now: mentoring with a colleague (its
      // completion is signed off when it ends — a session course only after its day).
      const cards = recs.locator('[data-testid="recommendation"][data-available="true"][data-format="MENTORING"]')
      const card = course ? recs.locator(`[data-testid="recommendation"][data-available="true"][data-code="${course}"]`) : cards
      if ((await card.count()) > 0) {
        const chosen = card.first()
        course = course ?? (await chosen.getAttribute('data-code'))
        courseId = courseId ?? (await chosen.getAttribute('data-course-id'))
        courseTitle = courseTitle ?? (await chosen.getByTestId('recommendation-title').textContent()).trim()
        const name = (await page.getByTestId('heatmap-name').nth(i).textContent()).trim()
        await tap(chosen.getByTestId('team-recommendation-enroll'))
        const dialog = page.getByTestId('team-enroll-dialog')
        await tap(dialog.getByTestId('enroll-mentor'))
        const mentor = page.locator('.el-select-dropdown__item:visible').filter({ hasNotText: name }).first()
        await mentor.waitFor()
        await tap(mentor)
        await tap(dialog.getByTestId('enroll-submit'))
        await dialog.waitFor({ state: 'hidden' })
        learners.push({ id, name })
      }
      await tap(drawer.locator('.el-drawer__close-btn'))
      await drawer.waitFor({ state: 'hidden' })
    }
    assert.equal(learners.length, 2, `two team members enrolled in ${course}`)
    assert.deepEqual(consoleErrors, [])
  })

  // ---- 2. branch HR: approves the enrolments where they cost money, and signs the mentees off
  //      with the day they completed (today: the walk compresses the weeks of mentoring)
  const { data: enrolled } = await gql(
    `query ($c: ID!, $e: ID!, $f: ID!) {
       a: enrollments(first: 5, courseId: $c, employeeId: $e, status: [PENDING, ENROLLED]) { edges { node { id status } } }
       b: enrollments(first: 5, courseId: $c, employeeId: $f, status: [PENDING, ENROLLED]) { edges { node { id status } } } }`,
    { c: courseId, e: learners[0].id, f: learners[1].id },
    hr,
  )
  learners[0].status = enrolled.a.edges[0]?.node.status
  learners[1].status = enrolled.b.edges[0]?.node.status
  assert.ok(learners.every((l) => l.status), 'both learners are on the course')
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
  await withPage(async (page, { consoleErrors }) => {
    await signIn(page, 'hr.shanghai')
    if (learners.some((l) => l.status === 'PENDING')) {
      await nav(page, 'nav-approvals')
      for (const learner of learners.filter((l) => l.status === 'PENDING')) {
        const card = page.getByTestId('approval-card').filter({ hasText: learner.name }).filter({ hasText: course })
        await card.first().waitFor()
        await tap(card.first().getByTestId('approval-approve'))
        await card.first().waitFor({ state: 'detached' })
      }
    }
    await nav(page, 'nav-attendance')
    await tap(page.getByTestId('attendance-course'))
    await tap(page.locator('.el-select-dropdown__item:visible').filter({ hasText: courseTitle }).first())
    const mentees = page.locator(`[data-testid="mentees"][data-loading="false"][data-count]`)
    await mentees.waitFor()
    for (const learner of learners) {
      const row = mentees.locator(`[data-testid="mentee-row"][data-employee-id="${learner.id}"]`)
      await tap(row.getByTestId('attendance-complete'))
      const form = page.getByTestId('complete-form-dialog')
      await form.waitFor()
      assert.equal(await form.getByTestId('complete-form-completedOn').locator('input').inputValue(), today, 'the real date')
      await tap(form.getByTestId('complete-form-submit'))
      await form.waitFor({ state: 'hidden' })
      await mentees.locator(`[data-testid="mentee-row"][data-employee-id="${learner.id}"][data-status="COMPLETED"]`).waitFor()
    }
    assert.deepEqual(consoleErrors, [])
  })

  // ---- 3. branch HR: the department's next run (pay suspended), then the month's results imported
  const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-loop-'))
  try {
    // The CRM's export of the month: each person's new customers, as many as the month before.
    const rows = []
    for (let after = null; ; ) {
      const { data, errors } = await gql(
        `query ($u: ID!, $k: ID!, $p: Date!, $a: String) { performanceRecords(first: 100, after: $a, filter: { unitId: $u, kpiId: $k, periodFrom: $p, periodTo: $p }) {
           edges { node { employee { employeeNumber } value dimension } } pageInfo { hasNextPage endCursor } } }`,
        { u: dept.id, k: kpi.NEW_CUSTOMERS, p: `${latest}-01`, a: after },
        hr,
      )
      assert.equal(errors, undefined, JSON.stringify(errors))
      rows.push(...data.performanceRecords.edges.map((e) => e.node))
      if (!data.performanceRecords.pageInfo.hasNextPage) break
      after = data.performanceRecords.pageInfo.endCursor
    }
    const total = rows.reduce((sum, r) => sum + Number(r.value), 0)
    assert.ok(total >= 50, `the department wins ${total} new customers a month`)
    const file = path.join(dir, `crm-${resultsMonth}.csv`)
    await writeFile(
      file,
      ['employee_number,kpi_code,period,value,dimension', ...rows.map((r) => [r.employee.employeeNumber, 'NEW_CUSTOMERS', resultsMonth, r.value, r.dimension].join(',')), ''].join('\n'),
    )

    await withPage(async (page, { consoleErrors }) => {
      await signIn(page, 'hr.shanghai')
      await nav(page, 'nav-payroll')
      await page.waitForURL(/\/payroll/)
      await tap(page.getByTestId('payroll-unit'))
      await tap(page.locator('.el-select-dropdown__item:visible').filter({ hasText: new RegExp(`^\\s*${dept.name}\\s*$`) }).first())
      const month = page.locator('input[data-testid="payroll-month"], [data-testid="payroll-month"] input').first()
      await tap(month)
      await month.fill(payMonth.slice(0, 7))
      await month.press('Enter')
      await tap(page.getByTestId('payroll-create'))
      await page.getByTestId(`payroll-run-${payMonth}`).filter({ hasText: dept.name }).first().waitFor()
      await waitRun(page)
      const before = await performancePay(page, learners[0].name)
      assert.equal(before.amount, 0, 'performance pay is suspended')
      assert.match(before.why, /暂停/)

      await nav(page, 'nav-import')
      await tap(page.getByTestId('import-kind-KPI_RECORDS'))
      await page.locator('[data-testid="import-file"] input[type=file]').setInputFiles(file)
      clicks.set(person, clicks.get(person) + 1) // choosing the file
      // the wizard: the headers and values as read (nothing to map), then the check
      await page.getByTestId('import-columns-step').waitFor()
      await tap(page.getByTestId('import-next'))
      await page.getByTestId('import-values-step').waitFor()
      await tap(page.getByTestId('import-next'))
      await page.locator('[data-testid="import-result"][data-status="VALID"]').waitFor({ timeout: 60_000 })
      await tap(page.getByTestId('import-run'))
      await page.locator('[data-testid="import-result"][data-status="DONE"]').waitFor({ timeout: 60_000 })
      assert.deepEqual(consoleErrors, [])
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }

  // ---- 4. the boss: the condition met on the report, the request open (or asked with one click)
  await withPage(async (page, { consoleErrors }) => {
    await signIn(page, 'boss')
    await nav(page, 'nav-reports/training-effect')
    await page.locator('[data-testid="report"][data-loading="false"]').waitFor()
    const panel = page.locator(`[data-testid="report-pay-suspension"][data-id="${suspension.id}"]`)
    await panel.waitFor()
    assert.equal(await panel.getAttribute('data-condition-met'), 'true')
    assert.match(await panel.textContent(), /已满足恢复条件/)
    if ((await panel.getAttribute('data-status')) === 'SUSPENDED') {
      await tap(panel.getByTestId('pay-request-now'))
      await tap(page.locator('.el-message-box .el-button--primary'))
    }
    await page.locator(`[data-testid="report-pay-suspension"][data-id="${suspension.id}"][data-status="RESTORE_REQUESTED"]`).waitFor()
    // The evidence the approvers will read, on the pay page.
    await nav(page, 'nav-pay')
    const card = page.locator(`[data-testid="pay-suspension"][data-id="${suspension.id}"]`)
    const request = card.locator('[data-testid="restore-request"][data-status="PENDING"]')
    await request.waitFor()
    const evidence = request.getByTestId('restore-evidence')
    assert.match(await evidence.textContent(), /连续 \d+ 个月达标（需 \d+ 个月）/)
    assert.deepEqual(consoleErrors, [])
  })

  // ---- 5. the branch head, then HQ HR, approve on their cards with the evidence in front of them
  for (const approver of ['head.shanghai', 'hr.hq']) {
    await withPage(async (page, { consoleErrors }) => {
      await signIn(page, approver)
      await nav(page, 'nav-approvals')
      const card = page
        .getByTestId('approval-card')
        .filter({ hasText: dept.name })
        .filter({ has: page.getByTestId('restore-evidence') })
        .first()
      await card.waitFor()
      const evidence = card.getByTestId('restore-evidence')
      assert.match(await evidence.textContent(), /连续 \d+ 个月达标（需 \d+ 个月）/)
      assert.match(await evidence.getByTestId('restore-evidence-as-of').textContent(), /截至 \d{4}-\d{2}-\d{2}/)
      assert.ok(Number(await evidence.getAttribute('data-effects')) > 0, 'the measured training effect is named')
      await tap(card.getByTestId('approval-approve'))
      await card.waitFor({ state: 'detached' })
      assert.deepEqual(consoleErrors, [])
    })
  }
  const { data: after } = await gql('{ paySuspensions { id status restoredFrom } }', {}, hr)
  const restored = after.paySuspensions.find((s) => s.id === suspension.id)
  assert.equal(restored.status, 'RESTORED')
  assert.ok(restored.restoredFrom <= payMonth, `restored from ${restored.restoredFrom}`)

  // ---- 6. branch HR: the run is out of date; recomputed, it pays performance pay again
  await withPage(async (page, { consoleErrors }) => {
    await signIn(page, 'hr.shanghai')
    await nav(page, 'nav-payroll')
    await page.waitForURL(/\/payroll/)
    await tap(page.getByTestId(`payroll-run-${payMonth}`).filter({ hasText: dept.name }).first())
    const banner = page.getByTestId('payroll-out-of-date')
    await banner.waitFor()
    assert.match(await banner.textContent(), /绩效/)
    await tap(page.getByTestId('payroll-recompute-stale'))
    const changes = page.getByTestId('payroll-changes')
    await changes.waitFor({ timeout: 120_000 })
    await banner.waitFor({ state: 'detached' })
    const text = await changes.textContent()
    for (const learner of learners) assert.match(text, new RegExp(learner.name))
    assert.match(text, /→/)
    for (const learner of learners) {
      const now = await performancePay(page, learner.name)
      assert.ok(now.amount > 0, `${learner.name} is paid performance pay again: ${now.amount}`)
      assert.doesNotMatch(now.why, /暂停/)
    }
    assert.deepEqual(consoleErrors, [])
  })

  const table = [...clicks].map(([who, n]) => ({ who, clicks: n }))
  table.push({ who: 'total', clicks: [...clicks.values()].reduce((a, b) => a + b, 0) })
  console.log('clicks per person (after signing in)')
  console.table(table)
  // The walk's clicks per person when this was written: a ceiling, so that a step which comes
  // to cost more clicks fails here. Lower a ceiling when a step gets shorter. The boss's is
  // the walk in which step 3's import opens the restore request by itself, as it does today;
  // should it stop doing so, the boss's click to ask and its confirmation (2 more) fail here.
  const CEILING = { 'manager.shanghai.sales': 15, 'hr.shanghai': 28, boss: 4, 'head.shanghai': 2, 'hr.hq': 2 }
  assert.deepEqual([...clicks.keys()].sort(), Object.keys(CEILING).sort(), 'the five people walked')
  for (const [who, n] of clicks) assert.ok(n <= CEILING[who], `${who}: ${n} clicks, at most ${CEILING[who]}`)
})
