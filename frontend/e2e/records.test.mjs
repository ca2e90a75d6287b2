// Employee records (issue 9): HR opens the contract expiries, goes to an employee's record page,
// sees the timeline, uploads a document to the archive and sees it listed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PDF = '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'

test('branch HR sees a contract expiring soon, the timeline, and uploads a document', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  // The demo's contracts end relative to its fixed "now" (2026-11-01); once the real date has
  // moved past its near expiries, look a year ahead instead (the page's "days ahead" field).
  let within = 30
  let soon = null
  for (within of [30, 366]) {
    const { data, errors } = await gql(
      `query ($within: Int!) { expiringContracts(within: $within) { employeeNumber endsOn } }`,
      { within },
      accessToken,
    )
    assert.equal(errors, undefined, JSON.stringify(errors))
    soon = data.expiringContracts[0] ?? null
    if (soon) break
  }
  assert.ok(soon, 'the demo gives Shanghai a contract or probation ending soon')

  const dir = await mkdtemp(path.join(tmpdir(), 'talentloop-upload-'))
  const file = path.join(dir, '资格证书.pdf')
  await writeFile(file, PDF)
  try {
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.shanghai')
      await navTo(page, 'nav-contracts')
      await page.waitForURL(`${BASE_URL}/contracts`)
      const table = page.getByTestId('expiring-contracts')
      if (within !== 30) {
        await page.getByTestId('within').locator('input').fill(String(within))
        await page.getByTestId('within').locator('input').press('Enter')
      }
      await table.getByText(soon.employeeNumber).first().waitFor()
      assert.ok((await table.textContent()).includes(soon.endsOn))

      await table.getByRole('link', { name: new RegExp(soon.employeeNumber) }).first().click()
      await page.waitForURL(/\/employees\//)
      const record = page.getByTestId('employee-record')
      await record.waitFor()
      // The onboarding event is always on the timeline; the newest item comes first.
      await page.getByTestId('timeline-item').first().waitFor()
      const days = await page
        .getByTestId('timeline-item')
        .evaluateAll((items) => items.map((i) => i.querySelector('.el-timeline-item__timestamp')?.textContent?.trim() ?? ''))
      assert.ok(days.length >= 2, `timeline items: ${days}`)
      assert.deepEqual([...days].sort().reverse(), days)
      assert.ok((await record.textContent()).includes('入职'))

      await page.getByRole('tab', { name: '档案材料' }).click()
      await page.getByTestId('upload-input').setInputFiles(file)
      const documents = page.getByTestId('documents')
      await documents.getByText('资格证书.pdf').waitFor()
      assert.deepEqual(consoleErrors, [])
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
