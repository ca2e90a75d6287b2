// Issue 21 point 1: the restore decision happens where it is read. The boss reads on the
// training-effect report that Shanghai sales meet the restore condition and asks with one
// click; the branch head and then HQ HR see the evidence — the condition's months, the measured
// effect with its interval, ROI and conservative ROI, the report's date — on their approval
// cards and approve; the pay page shows the restored pay and the evidence kept with it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const SUSPENSIONS = `{ paySuspensions { id status canRequestRestore unit { code name }
  progress { streak required conditionMet } } }`

async function approveOnCard(page, username, unitName) {
  await uiLogin(page, username)
  await navTo(page, 'nav-approvals')
  const card = page.getByTestId('approval-card').filter({ hasText: unitName }).filter({ has: page.getByTestId('restore-evidence') })
  await card.first().waitFor()
  const evidence = card.first().getByTestId('restore-evidence')
  const text = await evidence.textContent()
  assert.match(text, /连续 \d+ 个月达标（需 \d+ 个月）/)
  assert.match(await evidence.getByTestId('restore-evidence-as-of').textContent(), /截至 \d{4}-\d{2}-\d{2}/)
  const effects = evidence.getByTestId('restore-evidence-effect')
  assert.ok((await effects.count()) > 0, 'the evidence names the measured training effect')
  assert.match(await effects.first().textContent(), /95% 置信区间/)
  const roi = await effects.first().getAttribute('data-roi')
  if (roi) assert.match(await effects.first().getByTestId('restore-evidence-roi').textContent(), /保守 ROI/)
  await card.first().getByTestId('approval-approve').click()
  await page.getByText('已同意').first().waitFor()
}

/** The condition reads in the reader's language (issue 21's audit: English readers saw none).
 * English in this browser only, through the UI's stored choice and the Accept-Language it
 * sends: no setLanguage, so hr.hq's own setting stays unset for the other tests. */
async function readsTheConditionInEnglish(page, suspensionId) {
  await page.evaluate(() => localStorage.setItem('talentloop.locale', 'en'))
  await page.reload()
  const kept = page
    .locator(`[data-testid="pay-suspension"][data-id="${suspensionId}"] [data-testid="restore-request"][data-status="APPROVED"]`)
    .getByTestId('restore-evidence')
  await kept.waitFor()
  assert.match(await kept.getByTestId('restore-evidence-condition').textContent(), /(consecutive periods|, 1 period)$/)
  assert.match(await kept.getByTestId('restore-evidence-streak').textContent(), /consecutive months met/)
}

test('the boss asks to restore from the report; the branch head and HQ HR approve on the evidence', async () => {
  const { accessToken } = await apiLogin('boss')
  const { data } = await gql(SUSPENSIONS, {}, accessToken)
  const suspension = data.paySuspensions.find((s) => s.unit.code === 'SH-SALES')
  assert.ok(suspension, 'the demo suspends Shanghai sales')
  assert.equal(suspension.progress.conditionMet, true, 'the demo meets the condition')
  // Results recorded or imported by another browser test (the import wizard's) meet the
  // condition again and open the request by themselves; then there is nothing left to click.
  // loop.test.mjs (run before in the shared suite) walks the same restore to its end: then the
  // decision and its evidence are what is left to read.
  assert.ok(['SUSPENDED', 'RESTORE_REQUESTED', 'RESTORED'].includes(suspension.status), suspension.status)
  if (suspension.status === 'RESTORED') {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.hq')
      await navTo(page, 'nav-pay')
      const card = page.locator(`[data-testid="pay-suspension"][data-id="${suspension.id}"][data-status="RESTORED"]`)
      const kept = card.locator('[data-testid="restore-request"][data-status="APPROVED"]').getByTestId('restore-evidence')
      await kept.waitFor()
      assert.ok(Number(await kept.getAttribute('data-effects')) > 0, 'the evidence stays with the decision')
      await readsTheConditionInEnglish(page, suspension.id)
      assert.deepEqual(consoleErrors, [])
    })
    return
  }
  const clicks = suspension.status === 'SUSPENDED'
  assert.equal(suspension.canRequestRestore, clicks, 'the boss may ask while it is suspended')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'boss')
    await navTo(page, 'nav-reports/training-effect')
    await page.locator('[data-testid="report"][data-loading="false"]').waitFor()
    const panel = page.locator(`[data-testid="report-pay-suspension"][data-id="${suspension.id}"]`)
    await panel.waitFor()
    assert.match(await panel.getByTestId('report-pay-streak').textContent(), /连续 \d+ 个月达标（需 \d+ 个月）/)
    if (clicks) {
      await panel.getByTestId('pay-request-now').click()
      await page.locator('.el-message-box').waitFor()
      await page.locator('.el-message-box .el-button--primary').click()
    }
    await page.locator(`[data-testid="report-pay-suspension"][data-id="${suspension.id}"][data-status="RESTORE_REQUESTED"]`).waitFor()
    assert.equal(await panel.getByTestId('pay-request-now').count(), 0, 'asked once')
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await approveOnCard(page, 'head.shanghai', suspension.unit.name)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await approveOnCard(page, 'hr.hq', suspension.unit.name)
    await navTo(page, 'nav-pay')
    const card = page.locator(`[data-testid="pay-suspension"][data-id="${suspension.id}"][data-status="RESTORED"]`)
    await card.waitFor()
    const kept = card.locator('[data-testid="restore-request"][data-status="APPROVED"]').getByTestId('restore-evidence')
    assert.ok(Number(await kept.getAttribute('data-effects')) > 0, 'the evidence stays with the decision')
    await page.screenshot({ path: '/tmp/talentloop-restore.png', fullPage: true })
    await readsTheConditionInEnglish(page, suspension.id)
    assert.deepEqual(consoleErrors, [])
  })
})
