// The manager's path is short (issue #21 point 7): from the missed KPI on the dashboard to the
// gap, the recommended course and a submitted enrolment in at most 5 clicks, on a desktop and
// on a phone — the cost and who approves shown before the submit click, and colleagues strong
// in the competency suggested as mentors. Every click is counted (page.click, locator.click,
// tap, check), from the dashboard as the manager lands on it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const MANAGER = 'manager.shanghai.sales'
const MAX_CLICKS = 5
const DESKTOP = { viewport: { width: 1280, height: 800 } }
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }

/** Count every click made through the page or any locator from now on. */
function countClicks(page) {
  const counter = { clicks: 0, log: [] }
  const locatorProto = Object.getPrototypeOf(page.locator('body'))
  for (const [target, names] of [
    [page, ['click', 'dblclick', 'tap', 'check', 'uncheck']],
    [locatorProto, ['click', 'dblclick', 'tap', 'check', 'uncheck', 'setChecked']],
  ]) {
    for (const name of names) {
      const original = target[name]
      target[name] = function counted(...args) {
        counter.clicks += 1
        counter.log.push(`${name} ${String(this.toString?.() ?? args[0])}`)
        return original.apply(this, args)
      }
      counter.restore = [...(counter.restore ?? []), () => (target[name] = original)]
    }
  }
  return counter
}

async function enrolmentsOf(token) {
  const { data } = await gql(
    `{ myApprovalRequests { id requestType amount } }`,
    {},
    token,
  )
  return data.myApprovalRequests.filter((r) => r.requestType === 'TRAINING_ENROLMENT')
}

/**
 * The walk: the dashboard's missed month → its gaps (the competency behind the KPI, with who
 * lacks it and mentors) → optionally another competency → enrol → the preview → submit.
 */
async function walk(page, { competency = null } = {}) {
  await uiLogin(page, MANAGER)
  await navTo(page, 'nav-dashboard')
  await page.waitForURL(/\/dashboard/)
  await page.getByTestId('dashboard-missed').waitFor()
  const counter = countClicks(page)
  try {
    await page.getByTestId('dashboard-gaps-link').click() // 1
    await page.waitForURL(/\/capability-analysis/)
    const panel = page.getByTestId('gap-path')
    await panel.waitFor()
    if (competency) {
      await page.locator(`[data-testid="underperformer-row"][data-competency="${competency}"]:visible`).click() // 2
      await page.locator(`[data-testid="gap-path"][data-competency="${competency}"]`).waitFor()
    }
    const code = await panel.getAttribute('data-competency')
    // The gap: who lacks it, and colleagues strong in it.
    assert.ok((await page.getByTestId('gap-lacking-row').count()) > 0, 'someone lacks the competency')
    await page.locator('[data-testid="gap-mentors"][data-loading="false"]').waitFor()
    await page.getByTestId('gap-mentor').first().waitFor()
    const mentors = await page.getByTestId('gap-mentor').count()
    assert.ok(mentors > 0, 'mentors are suggested')
    // The recommended course, bookable.
    await page.locator('[data-testid="gap-course"][data-loading="false"]').waitFor()
    const courseTitle = (await page.getByTestId('gap-course-title').textContent()).trim()
    const enrol = page.getByTestId('gap-enroll')
    await enrol.waitFor()
    assert.equal(await enrol.isDisabled(), false)
    await enrol.click() // 2 (3)
    const dialog = page.getByTestId('gap-enroll-dialog')
    await dialog.locator('[data-testid="gap-preview"][data-ready="true"]').waitFor()
    // Before submitting: the cost, the total, the budget and who approves are on screen.
    const cost = page.getByTestId('gap-preview-cost')
    const approval = page.getByTestId('gap-preview-approval')
    assert.ok(await cost.isVisible(), 'the cost is shown before submitting')
    assert.ok(await approval.isVisible(), 'the approval is shown before submitting')
    assert.match(await cost.textContent(), /¥\s?[\d,]+\.\d\d/)
    assert.match(await page.getByTestId('gap-preview-total').textContent(), /¥/)
    assert.ok(await page.getByTestId('gap-preview-budget').isVisible())
    assert.equal(await approval.getAttribute('data-needs-approval'), 'true')
    const approvalText = (await approval.textContent()).trim()
    assert.match(approvalText, /^需 .+ 审批$/, approvalText)
    const people = await dialog.locator('[data-testid="gap-enroll-person"].is-checked').count()
    assert.ok(people > 0, 'the people short of it are chosen')
    await page.getByTestId('gap-enroll-submit').click() // 3 (4)
    await dialog.getByTestId('gap-enroll-result').waitFor()
    const statuses = await dialog.getByTestId('gap-enroll-result-row').evaluateAll((rows) => rows.map((r) => r.dataset.status))
    assert.equal(statuses.length, people)
    assert.ok(
      statuses.every((s) => s === 'PENDING'),
      `every enrolment waits for its approval: ${statuses}`,
    )
    assert.ok(counter.clicks <= MAX_CLICKS, `${counter.clicks} clicks: ${counter.log.join(' | ')}`)
    return { clicks: counter.clicks, code, courseTitle, people, approvalText }
  } finally {
    for (const restore of counter.restore) restore()
  }
}

test('desktop: missed KPI → gap → course → enrolment submitted in at most 5 clicks', async () => {
  const { accessToken } = await apiLogin(MANAGER)
  const before = (await enrolmentsOf(accessToken)).length
  await withPage(async (page, { consoleErrors }) => {
    const done = await walk(page)
    assert.equal(done.code, 'PRODUCT_KNOWLEDGE', 'the competency behind the missed KPI')
    assert.ok(done.clicks <= 3, `${done.clicks} clicks`)
    const after = await enrolmentsOf(accessToken)
    assert.equal(after.length, before + done.people, 'one approval request per learner')
    assert.deepEqual(consoleErrors, [])
  }, DESKTOP)
})

test('phone: the same path, for another competency of the gap, in at most 5 clicks', async () => {
  const { accessToken } = await apiLogin(MANAGER)
  const before = (await enrolmentsOf(accessToken)).length
  await withPage(async (page, { consoleErrors }) => {
    const done = await walk(page, { competency: 'COMMUNICATION' })
    assert.equal(done.code, 'COMMUNICATION')
    const after = await enrolmentsOf(accessToken)
    assert.equal(after.length, before + done.people)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})
