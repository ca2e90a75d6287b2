// A sensitive-data export as HR live it: branch HR asks for their branch's ID and bank numbers
// with a reason, HQ HR approves it on their approvals page (seeing the reason), the file is
// written in the background and branch HR downloads it from My exports.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const REASON = '2026 年度社保基数申报，需报送上海分公司全员身份证号'

test('branch HR asks for an export, HQ HR approves it, branch HR downloads the file', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/org`)
    await page.getByTestId('org-sensitive-export').click()
    const dialog = page.getByTestId('sensitive-export-dialog')
    await dialog.waitFor()
    // Too short a reason is refused before anything is sent.
    await page.getByTestId('sensitive-export-reason').fill('社保申报')
    await page.getByTestId('sensitive-export-submit').click()
    await dialog.getByText('请填写 10 至 500 字的原因').waitFor()
    await page.getByTestId('sensitive-export-reason').fill(REASON)
    await page.getByTestId('sensitive-export-submit').click()
    await page.waitForURL((url) => url.pathname === '/my-exports')
    await page.locator('[data-testid="export-status"][data-status="PENDING"]').first().waitFor()
    assert.equal(await page.getByTestId('export-download').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/approvals`)
    const card = page.getByTestId('approval-card').filter({ hasText: REASON })
    await card.getByTestId('approval-export-reason').waitFor()
    await card.getByTestId('approval-approve').click()
    await card.waitFor({ state: 'detached' })
    assert.deepEqual(consoleErrors, [])
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/my-exports`)
    const download = page.getByTestId('export-download').first()
    await download.waitFor({ timeout: 30_000 })
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
    assert.match(file.suggestedFilename(), /^sensitive-export-.*\.xlsx$/)
    const bytes = await readFile(await file.path())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX (a zip)')
    assert.deepEqual(consoleErrors, [])
  })

  // The download is in the audit log: who, why and how many, never a number.
  const hq = await apiLogin('hr.hq')
  const log = await gql(
    `query ($f: AuditLogFilter) { auditLog(first: 50, filter: $f) { edges { node { actorUsername field reason } } } }`,
    { f: { action: 'SENSITIVE_READ' } },
    hq.accessToken,
  )
  assert.equal(log.errors, undefined, JSON.stringify(log.errors))
  const entry = log.data.auditLog.edges.map((e) => e.node).find((e) => e.reason?.startsWith(REASON))
  assert.ok(entry, 'the download is logged with its reason')
  assert.equal(entry.actorUsername, 'hr.shanghai')
  assert.equal(entry.field, 'idNumber,bankAccount')
  // The reason as written, and how many people the file held, in the reader's language (zh-CN).
  assert.match(entry.reason, /（\d+ 人）$/)
})
