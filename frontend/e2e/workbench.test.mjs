// The workbench (issue #20): each demo role signs in, lands on its workbench and finds its pending
// items with the counts the API gives it, key figures for those who lead, counts on the menu, and
// an empty workbench that says why.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const ROLES = ['admin', 'hr.hq', 'hr.shanghai', 'manager.shanghai.sales', 'head.shanghai', 'employee.shanghai.sales', 'boss']
const QUERY = '{ workbench { items { kind count link } figures { kind value link } } }'

for (const username of ROLES) {
  test(`${username} lands on the workbench and finds their pending items with counts`, async () => {
    const { accessToken } = await apiLogin(username)
    const { data } = await gql(QUERY, {}, accessToken)
    const { items, figures } = data.workbench
    await withPage(async (page, { consoleErrors }) => {
      await uiLogin(page, username)
      await page.waitForURL((url) => url.pathname === '/workbench')
      await page.locator('[data-testid="workbench"][data-loading="false"]').waitFor()
      await page.getByTestId('workbench-total').waitFor()
      const shown = await page.getByTestId('workbench-item').evaluateAll((cards) =>
        cards.map((c) => ({ kind: c.dataset.kind, count: Number(c.dataset.count), link: new URL(c.href).pathname })),
      )
      assert.deepEqual(shown, items.map((i) => ({ kind: i.kind, count: i.count, link: i.link })))
      const total = items.reduce((sum, i) => sum + i.count, 0)
      assert.equal(Number(await page.getByTestId('workbench-total').getAttribute('data-count')), total)
      const shownFigures = await page.getByTestId('workbench-figure').evaluateAll((cards) =>
        cards.map((c) => ({ kind: c.dataset.kind, value: Number(c.dataset.value) })),
      )
      assert.deepEqual(shownFigures, figures.map((f) => ({ kind: f.kind, value: f.value })))
      if (items.length === 0) {
        assert.equal(await page.getByTestId('workbench-empty').getAttribute('data-reason'), 'forbidden')
      } else if (total === 0) {
        assert.equal(await page.getByTestId('workbench-empty').getAttribute('data-reason'), 'none')
      } else {
        assert.equal(await page.getByTestId('workbench-empty').count(), 0)
      }
      // The menu shows the approvals waiting beside its entry.
      const approvals = items.find((i) => i.kind === 'APPROVALS')
      if (approvals?.count) {
        await page.locator('[data-testid="nav-count-approvals"]').waitFor({ state: 'attached' })
        assert.equal(Number(await page.getByTestId('nav-count-approvals').textContent()), approvals.count)
      } else {
        assert.equal(await page.getByTestId('nav-count-approvals').count(), 0)
      }
      // A card leads to the page that holds the items.
      if (items.length) {
        await page.getByTestId('workbench-item').first().click()
        await page.waitForURL((url) => url.pathname === items[0].link)
      }
      assert.deepEqual(consoleErrors, [])
    })
  })
}

test('the key figures are for those who lead: HR, managers and the boss, not an employee', async () => {
  const figuresOf = async (username) => {
    const { accessToken } = await apiLogin(username)
    return (await gql(QUERY, {}, accessToken)).data.workbench.figures.map((f) => f.kind)
  }
  assert.deepEqual(await figuresOf('employee.shanghai.sales'), [])
  for (const username of ['hr.hq', 'manager.shanghai.sales', 'boss']) {
    assert.ok((await figuresOf(username)).includes('HEADCOUNT'), username)
  }
})

test('a team lead looking at a unit they may not read is told so, not that it has no data', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql('{ orgUnits { id readsWork } }', {}, accessToken)
  const other = data.orgUnits.find((u) => !u.readsWork)
  assert.ok(other, 'a unit the team lead sees in the directory only')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await page.goto(`${BASE_URL}/dashboard?unit=${encodeURIComponent(other.id)}`)
    await page.locator(`[data-testid="trend-chart"][data-unit-id="${other.id}"][data-loading="false"]`).waitFor()
    await page.locator('[data-testid="trend-empty"], [data-testid="breakdown-empty"]').first().waitFor()
    assert.equal(await page.locator('[data-testid$="-empty"][data-reason="none"]').count(), 0)
    assert.ok((await page.locator('[data-testid$="-empty"][data-reason="forbidden"]').count()) > 0)
    assert.equal(await page.getByText('该单位在此期间没有数据').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
})
