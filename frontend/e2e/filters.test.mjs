// The organisation page's link into the list, the list's filters, and paging state.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, waitForList, withPage } from './helpers.mjs'

test('org page → a unit\'s employees; search; back from a detail keeps the page', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql(`{ orgUnits { id code name type } }`, {}, accessToken)
  const dept = data.orgUnits.find((u) => u.type === 'DEPARTMENT' && u.name.includes('销售'))
  assert.ok(dept, 'a sales department is visible to hr.shanghai')
  const {
    data: { employees },
  } = await gql(
    `query ($f: EmployeeFilter) { employees(first: 1, filter: $f) { totalCount edges { node { name employeeNumber } } } }`,
    { f: { unitId: dept.id } },
    accessToken,
  )

  await withPage(async (page) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/org`)
    await page.getByTestId(`org-node-${dept.code}`).click()
    await page.getByTestId('org-detail').getByRole('heading', { name: dept.name }).waitFor()
    await page.getByTestId('org-employees-link').click()
    await page.waitForURL((url) => url.pathname === '/employees' && url.searchParams.get('unit') === dept.id)
    await waitForList(page)
    assert.equal(Number(await page.getByTestId('employee-total').getAttribute('data-count')), employees.totalCount)

    // Search by employee number narrows to that person.
    const target = employees.edges[0].node
    await page.getByTestId('employee-search').fill(target.employeeNumber)
    await page.waitForURL((url) => url.searchParams.get('q') === target.employeeNumber)
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="employee-row"]').length === 1)
    await waitForList(page)
    assert.equal((await page.getByTestId('employee-name').textContent()).trim(), target.name)

    // Page 2 of the whole list, open someone, come back: still on page 2.
    await page.goto(`${BASE_URL}/employees`)
    await waitForList(page)
    const firstOnPage1 = await page.getByTestId('employee-row').first().getAttribute('data-id')
    await page.getByTestId('page-next').click()
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid="employee-row"]')?.getAttribute('data-id') !== id,
      firstOnPage1,
    )
    const firstOnPage2 = await page.getByTestId('employee-row').first().getAttribute('data-id')
    await page.getByTestId('employee-row').first().click()
    await page.getByTestId('employee-profile').waitFor()
    await page.getByTestId('back').click()
    await page.waitForURL((url) => url.pathname === '/employees')
    await waitForList(page)
    assert.equal(await page.getByTestId('employee-row').first().getAttribute('data-id'), firstOnPage2)
    assert.match(await page.getByTestId('page-number').textContent(), /2/)

    // "Previous" walks the cursor stack back to page 1.
    await page.getByTestId('page-prev').click()
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid="employee-row"]')?.getAttribute('data-id') === id,
      firstOnPage1,
    )
  })
})
