// Issues 19 and 20: a page's buttons come from the server's `me { features }` (every grant's
// operations), not the primary role — a custom role or a second grant shows the button the role
// alone would not; and an empty page says why (no permission, no record, nothing yet) and what to
// do, never "no data" when the reason is a permission.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, uiLogin, withPage } from './helpers.mjs'

const OLD_NO_DATA = '该单位在此期间没有数据'
const HOLDER = `query ($search: String!) { roleHolders(search: $search) { userId username } }`
const REVOKE = `mutation ($input: RevokeRoleGrantInput!) { revokeRoleGrant(input: $input) { errors { field message code } } }`
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } errors { field message code } } }`
const SAVE_ROLE = `mutation ($input: SaveCustomRoleInput!) { saveCustomRole(input: $input) { role { id } errors { field message code } } }`

/** HQ and branch staff whom the demo neither scores nor gives KPI targets. */
const UNSCORED_CANDIDATES = ['hr.hq', 'boss', 'hr.shenzhen', 'hr.beijing']

/** The first of the users for whom `check(token, me.employee)` holds. */
async function firstOf(usernames, check) {
  for (const username of usernames) {
    const { accessToken } = await apiLogin(username)
    const me = (await gql('{ me { employee { id } } }', {}, accessToken)).data.me.employee
    if (await check(accessToken, me)) return username
  }
  assert.fail(`none of ${usernames.join(', ')} fits`)
}

async function userId(token, username) {
  const { data } = await gql(HOLDER, { search: username }, token)
  return data.roleHolders.find((h) => h.username === username).userId
}

test('a team lead looking at a unit they may not read is told so on every report page', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql('{ orgUnits { id name readsWork } }', {}, accessToken)
  const other = data.orgUnits.find((u) => !u.readsWork)
  assert.ok(other, 'a unit the team lead sees in the directory only')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await page.goto(`${BASE_URL}/capability-analysis?unit=${encodeURIComponent(other.id)}`)
    const heat = page.getByTestId('heatmap-empty')
    await heat.waitFor()
    assert.equal(await heat.getAttribute('data-reason'), 'forbidden')
    assert.match(await heat.innerText(), /无权查看该单位员工的能力数据/)
    assert.match(await page.getByTestId('heatmap-empty-hint').innerText(), /请选择您负责的单位/)
    assert.equal(await page.locator('[data-testid$="-empty"][data-reason="none"]').count(), 0)
    assert.equal(await page.getByText(OLD_NO_DATA).count(), 0)

    // HR reports: the same unit picked in the filter
    await page.goto(`${BASE_URL}/reports/hr`)
    await page.getByTestId('hr-reports-unit').first().click()
    await page.locator('.el-tree-node__content:visible', { hasText: other.name }).first().click()
    const empty = page.getByTestId('hr-reports-empty')
    await empty.waitFor()
    assert.equal(await empty.getAttribute('data-reason'), 'forbidden')
    assert.match(await empty.innerText(), /无权查看该单位的人事报表/)
    assert.match(await page.getByTestId('hr-reports-empty-hint').innerText(), /请选择您负责的单位/)
    assert.equal(await page.getByText(OLD_NO_DATA).count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
})

test('an employee is told a page is not theirs, and an account without a record why its own page is empty', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    for (const path of ['/reports/hr', '/capability-analysis', '/reports/training-effect']) {
      await page.goto(`${BASE_URL}${path}`)
      await page.getByTestId('no-access').waitFor()
      assert.equal(await page.getByText(OLD_NO_DATA).count(), 0, path)
      assert.equal(await page.locator('[data-reason="none"]').count(), 0, path)
    }
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'admin')
    await page.goto(`${BASE_URL}/me`)
    const empty = page.getByTestId('no-record')
    await empty.waitFor()
    assert.equal(await empty.getAttribute('data-reason'), 'noRecord')
    assert.match(await empty.innerText(), /当前账号未关联员工档案/)
    assert.match(await page.getByTestId('no-record-hint').innerText(), /请联系人事将您的账号关联到员工档案/)
    assert.deepEqual(consoleErrors, [])
  })
})

test('a custom role with the operations, and a second grant, show the buttons the primary role would not', async () => {
  const { accessToken: hr } = await apiLogin('hr.hq')
  const { data } = await gql('{ orgUnits { id code } }', {}, hr)
  const unit = (code) => data.orgUnits.find((u) => u.code === code).id
  const saved = await gql(
    SAVE_ROLE,
    { input: { nameZh: '人事专员（北京）', nameEn: 'HR officer (Beijing)', groups: ['DIRECTORY', 'WORK', 'PERSONAL'], operations: ['MANAGE', 'DIRECT'] } },
    hr,
  )
  assert.deepEqual(saved.data.saveCustomRole.errors, [])
  const roleId = saved.data.saveCustomRole.role.id
  const granted = await gql(GRANT, { input: { userId: await userId(hr, 'employee.shanghai.qa'), customRoleId: roleId, scopeUnitId: unit('BJ') } }, hr)
  assert.deepEqual(granted.data.grantRole.errors, [])
  const second = await gql(GRANT, { input: { userId: await userId(hr, 'manager.shanghai.sales'), role: 'BRANCH_HR', scopeUnitId: unit('SZ') } }, hr)
  assert.deepEqual(second.data.grantRole.errors, [])

  const { accessToken: qa } = await apiLogin('employee.shanghai.qa')
  const people = await gql('query ($u: ID!) { employees(first: 1, filter: { unitId: $u }) { edges { node { id } } } }', { u: unit('BJ') }, qa)
  const bjPerson = people.data.employees.edges[0].node.id

  await withPage(async (page, { consoleErrors }) => {
    // an employee by their account's role, HR of Beijing by the custom role
    await uiLogin(page, 'employee.shanghai.qa')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(bjPerson)}`)
    await page.getByTestId('employee-profile').waitFor()
    await page.getByTestId('edit-employee').waitFor()
    assert.match(await page.getByTestId('user-role').first().innerText(), /员工/)
    await page.goto(`${BASE_URL}/employees`)
    await page.getByTestId('add-employee').waitFor()
    assert.equal(await page.getByTestId('create-accounts').count(), 0) // accounts are no operation's
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    // a team lead who is also HR of Shenzhen
    await uiLogin(page, 'manager.shanghai.sales')
    await page.goto(`${BASE_URL}/employees`)
    await page.getByTestId('add-employee').waitFor()
    assert.match(await page.getByTestId('user-role').first().innerText(), /经理|主管|负责人/)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    // the primary role alone: no such button
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/employees`)
    await page.getByTestId('user-role').first().waitFor()
    await page.waitForLoadState('networkidle')
    assert.equal(await page.getByTestId('add-employee').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
  // The demo is shared by the whole run: the two grants go again (the team lead's capability
  // analysis, for one, must not list Shenzhen afterwards).
  for (const grant of [granted.data.grantRole.grant, second.data.grantRole.grant]) {
    const revoked = await gql(REVOKE, { input: { id: grant.id } }, hr)
    assert.deepEqual(revoked.data.revokeRoleGrant.errors, [])
  }
})

test('the competency profile tells a person whose scores the viewer may not read from one with no scores yet', async () => {
  const { accessToken: hr } = await apiLogin('hr.hq')
  const { accessToken: lead } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql('{ orgUnits { id code } }', {}, hr)
  const beijing = data.orgUnits.find((u) => u.code === 'BJ').id
  const people = await gql('query ($u: ID!) { employees(first: 1, filter: { unitId: $u }) { edges { node { id } } } }', { u: beijing }, hr)
  const outsider = people.data.employees.edges[0].node.id
  const SCORES = 'query ($e: ID!) { employeeCompetencies(employeeId: $e) { score required sources { source } } }'
  // The server says "not yours" (null), not "none" (a list): the page has the reason from it.
  assert.equal((await gql(SCORES, { e: outsider }, lead)).data.employeeCompetencies, null)
  // Someone scored on nothing (the demo scores none of these; other tests of the run may score one).
  const unscored = await firstOf(UNSCORED_CANDIDATES, async (token, me) => {
    const own = (await gql(SCORES, { e: me.id }, token)).data.employeeCompetencies
    assert.ok(Array.isArray(own), 'one reads one’s own scores')
    return own.every((s) => s.score === null && s.required === null && !s.sources.length)
  })

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await page.goto(`${BASE_URL}/capability-analysis?employee=${encodeURIComponent(outsider)}`)
    const empty = page.getByTestId('competency-profile-empty')
    await empty.waitFor()
    assert.equal(await empty.getAttribute('data-reason'), 'forbidden')
    assert.match(await empty.innerText(), /您无权查看此人的能力得分/)
    assert.match(await page.getByTestId('competency-profile-empty-hint').innerText(), /请联系总部人事为您授权/)
    assert.equal(await page.getByText('没有能力数据').count(), 0)
    // the recommendations beside it, from the same gaps, say the same
    const recs = page.getByTestId('team-recommendations-empty')
    await recs.waitFor()
    assert.equal(await recs.getAttribute('data-reason'), 'forbidden')
    assert.match(await recs.innerText(), /您无权查看此人的能力差距/)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, unscored)
    await page.goto(`${BASE_URL}/my-capabilities`)
    const empty = page.getByTestId('competency-profile-empty')
    await empty.waitFor()
    assert.equal(await empty.getAttribute('data-reason'), 'none')
    assert.match(await empty.innerText(), /还没有能力得分/)
    assert.match(await page.getByTestId('competency-profile-empty-hint').innerText(), /评估/)
    assert.equal(await page.getByText('无权').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
})

test('My KPIs with no target and no result of one’s own says so and whom to ask', async () => {
  const untargeted = await firstOf(UNSCORED_CANDIDATES, async (token, me) => {
    const { data } = await gql(
      'query ($e: ID!, $f: Date!, $t: Date!) { employeeKpis(employeeId: $e, from: $f, to: $t) { points { actual target } } }',
      { e: me.id, f: '2025-01-01', t: '2026-12-01' },
      token,
    )
    assert.ok(data.employeeKpis.length > 0, 'the company has KPIs')
    return data.employeeKpis.every((s) => s.points.every((p) => p.actual === null && p.target === null))
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, untargeted)
    await page.goto(`${BASE_URL}/my-kpis`)
    const empty = page.getByTestId('my-kpis-empty')
    await empty.waitFor()
    assert.equal(await empty.getAttribute('data-reason'), 'none')
    assert.match(await empty.innerText(), /还没有您的绩效目标和实绩/)
    assert.match(await page.getByTestId('my-kpis-empty-hint').innerText(), /请向您的上级确认/)
    assert.equal(await page.getByTestId('my-kpi-card').count(), 0)
    assert.deepEqual(consoleErrors, [])
  })
})

test('the course library tells "nothing matches the filters" from an empty library and resets them', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/courses?q=${encodeURIComponent('没有这门课-e2e')}`)
    const empty = page.getByTestId('course-empty')
    await empty.waitFor()
    assert.equal(await empty.getAttribute('data-reason'), 'none')
    assert.match(await empty.innerText(), /没有符合条件的课程/)
    assert.match(await page.getByTestId('course-empty-hint').innerText(), /重置筛选条件/)
    await page.getByTestId('course-empty-action').click()
    await empty.waitFor({ state: 'detached' })
    await page.waitForURL((url) => !url.searchParams.has('q'))
    await page.locator('[data-testid="course-list"][data-loading="false"]').waitFor()
    assert.ok(Number(await page.getByTestId('course-total').getAttribute('data-count')) > 0, 'the whole library again')
    assert.deepEqual(consoleErrors, [])
  })
})
