// Lists that HR can work with (issue 20 points 2 and 4), the ones moved onto the kit's ListPage:
// the attendance sheet (month and, on a phone, day), one's own days, the social-insurance
// tables, the positions' pay structures, the role templates and custom roles, a person's
// contracts and archive, requisitions and postings, the performance-pay suspensions, one's
// payslips, the competency catalogue, the assessment requests, a session's training roster, the
// course library's table view and one's overtime requests. Each filters, sorts and exports to
// CSV exactly the columns and texts shown (none of these lists holds a masked field: masking is
// checked in sensitive-export and lists tests); on a 390 px phone each is cards with no sideways
// page scroll.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }

async function csvLines(page, testid) {
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`${testid}-export-csv`).click()])
  const bytes = await readFile(await csv.path())
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]) // UTF-8 with a BOM
  return bytes.toString('utf8').slice(1).trim().split(/\r\n/)
}

/** One CSV line's cells (quoted cells may hold commas: "12,500.00"). */
function csvCells(line) {
  const out = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted && c === '"' && line[i + 1] === '"') {
      cell += '"'
      i++
    } else if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) {
      out.push(cell)
      cell = ''
    } else cell += c
  }
  out.push(cell)
  return out
}

/** The table's column labels as shown (sort marks off, the unlabelled action column left out). */
async function shownHeader(page, testid) {
  const headers = await page.locator(`[data-testid="${testid}"] thead th`).allTextContents()
  return headers.map((h) => h.replace(/[▲▼↕]/g, '').trim()).filter(Boolean)
}

async function cells(page, testid, key) {
  return (await page.getByTestId(`${testid}-${key}`).allTextContents()).map((s) => s.trim())
}

async function loaded(page, testid) {
  await page.locator(`[data-testid="${testid}-list"][data-loading="false"]`).waitFor()
  await page.getByTestId(`${testid}-row`).first().waitFor()
}

const byText = (a, b) => a.localeCompare(b, 'zh-CN', { numeric: true })

/**
 * Sorting by `key` orders the rows (ascending, then descending on the second click); the CSV's
 * header is the table's header and it holds one line per row shown, in the order shown.
 */
async function sortsAndExports(page, testid, key, compare = byText) {
  await page.getByTestId(`${testid}-sort-${key}`).click()
  const up = await cells(page, testid, key)
  assert.deepEqual(up, [...up].sort(compare), `${testid} sorted by ${key}`)
  await page.getByTestId(`${testid}-sort-${key}`).click()
  const down = await cells(page, testid, key)
  assert.deepEqual(down, [...down].sort((a, b) => compare(b, a)), `${testid} sorted by ${key}, descending`)
  assert.equal(down.length, up.length)

  const lines = await csvLines(page, testid)
  assert.equal(lines[0], (await shownHeader(page, testid)).join(','))
  assert.equal(lines.length - 1, await page.getByTestId(`${testid}-row`).count())
  const column = (await shownHeader(page, testid)).indexOf(
    (await page.getByTestId(`${testid}-sort-${key}`).textContent()).replace(/[▲▼↕]/g, '').trim(),
  )
  assert.equal(csvCells(lines[1])[column], down[0], 'the export keeps the order and texts shown')
  return lines
}

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`)
}

/** On a phone the list is cards (no table), and the page does not scroll sideways. */
async function cardsOnPhone(page, testid) {
  await page.getByTestId(`${testid}-row`).first().waitFor()
  assert.equal(await page.locator(`[data-testid="${testid}"] table`).count(), 0, `${testid}: no table on a phone`)
  assert.equal(await page.locator(`li.kit-card[data-testid="${testid}-row"]`).count(), await page.getByTestId(`${testid}-row`).count())
  await noSidewaysScroll(page)
}

async function pickMonth(page, testid, month) {
  const input = page.getByTestId(testid).locator('input')
  await input.fill(month)
  await input.press('Enter')
}

test('the attendance sheet filters to exceptions, sorts by any figure and exports the month', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-attendance-sheet')
    await pickMonth(page, 'attendance-sheet-month', '2026-10')
    await loaded(page, 'attendance-sheet-table')
    const all = await page.getByTestId('attendance-sheet-table-row').count()

    await page.getByTestId('attendance-sheet-issues').click()
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="attendance-sheet-table-row"]').length < n,
      all,
    )
    const issues = await page.getByTestId('attendance-sheet-table-row').count()
    assert.ok(issues > 0, 'the demo month has people late, early or absent')
    const late = (await cells(page, 'attendance-sheet-table', 'late')).map(Number)
    const early = (await cells(page, 'attendance-sheet-table', 'early')).map(Number)
    const absent = (await cells(page, 'attendance-sheet-table', 'absent')).map(Number)
    const caps = await cells(page, 'attendance-sheet-table', 'caps')
    const unapproved = (await cells(page, 'attendance-sheet-table', 'otUnapproved')).map(Number)
    // everyone kept has something to look at (a missing punch only shows in the full sheet)
    assert.ok(late.some((n, i) => n + early[i] + absent[i] + unapproved[i] > 0 || caps[i] !== ''))

    const lines = await sortsAndExports(page, 'attendance-sheet-table', 'late', (a, b) => Number(a) - Number(b))
    assert.match(lines[0], /^工号,员工,应出勤,出勤,迟到次数/)

    // The search keeps one person; the export holds that person only.
    const number = (await cells(page, 'attendance-sheet-table', 'number'))[0]
    await page.getByTestId('attendance-sheet-table-search').fill(number)
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="attendance-sheet-table-row"]').length === 1)
    const one = await csvLines(page, 'attendance-sheet-table')
    assert.equal(one.length, 2)
    assert.ok(one[1].startsWith(`${number},`))
    assert.deepEqual(consoleErrors, [])
  })
})

test('on a phone the attendance sheet is a day of cards, filtered to exceptions and exported', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-attendance-sheet')
    await pickMonth(page, 'attendance-sheet-month', '2026-10')
    await page.locator('[data-testid="attendance-sheet-view"][data-date^="2026-10"]').waitFor()
    await cardsOnPhone(page, 'attendance-sheet-day')

    const lines = await csvLines(page, 'attendance-sheet-day')
    assert.equal(lines[0], '员工,工号,上下班,情况')
    assert.equal(lines.length - 1, await page.getByTestId('attendance-sheet-day-row').count())

    // Step back until a day with someone late, early, absent or without a punch.
    for (let i = 0; i < 10; i++) {
      const marks = await cells(page, 'attendance-sheet-day', 'marks')
      if (marks.some((m) => /迟到|早退|旷工|缺卡/.test(m))) break
      await page.getByTestId('attendance-sheet-day-prev').click()
    }
    const all = await page.getByTestId('attendance-sheet-day-row').count()
    await page.getByTestId('attendance-sheet-issues').click()
    const marks = await cells(page, 'attendance-sheet-day', 'marks')
    assert.ok(marks.length > 0 && marks.length <= all)
    assert.ok(marks.every((m) => /迟到|早退|旷工|缺卡|超每日/.test(m)), `only exceptions: ${marks}`)
    await noSidewaysScroll(page)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test("one's own days are cards on a phone, filtered to exceptions and exported", async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/my-attendance`)
    await pickMonth(page, 'my-attendance-month', '2026-10')
    await page.locator('[data-testid="attendance-day-row"][data-id="2026-10-30"]').waitFor()
    await cardsOnPhone(page, 'attendance-day')
    const lines = await csvLines(page, 'attendance-day')
    assert.equal(lines[0], '日期,日类型,上下班,情况')
    assert.equal(lines.length - 1, await page.getByTestId('attendance-day-row').count())

    await page.getByTestId('attendance-day-issues').click()
    const marks = await cells(page, 'attendance-day', 'marks')
    assert.ok(marks.every((m) => /迟到|早退|旷工|缺卡|超每日/.test(m)), `only exceptions: ${marks}`)
    if (!marks.length) {
      assert.equal(await page.getByTestId('attendance-day-empty').getAttribute('data-reason'), 'filtered')
    }
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('the social-insurance tables filter by city, sort by base and export; cards on a phone', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/social-insurance`)
    await loaded(page, 'si-tables')
    const all = await page.getByTestId('si-tables-row').count()
    await page.getByTestId('si-city').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '上海' }).click()
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="si-tables-city"]')].every((c) => c.textContent.trim() === '上海'),
    )
    assert.ok((await page.getByTestId('si-tables-row').count()) <= all)
    const lines = await sortsAndExports(page, 'si-tables', 'validFrom')
    assert.ok(lines[0].startsWith('城市,'))
    assert.ok(lines.slice(1).every((l) => l.startsWith('上海,')))
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/social-insurance`)
    await cardsOnPhone(page, 'si-tables')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test("positions' pay structures: those without one, sorted by code, exported; cards on a phone", async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/salary-structures`)
    await loaded(page, 'position-structures')
    const all = await page.getByTestId('position-structures-row').count()
    await sortsAndExports(page, 'position-structures', 'code')
    await page.getByTestId('position-structures-without').click()
    const without = await page.getByTestId('position-structures-row').count()
    assert.ok(without < all, 'the demo positions mostly have a structure')
    const shown = await cells(page, 'position-structures', 'components')
    assert.ok(shown.every((c) => c === '—'))
    if (without) {
      const lines = await csvLines(page, 'position-structures')
      assert.equal(lines.length - 1, without)
    }
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/salary-structures`)
    await cardsOnPhone(page, 'position-structures')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('role templates and custom roles are searched, sorted and exported; cards on a phone', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-roles')
    await loaded(page, 'role-templates')
    const lines = await sortsAndExports(page, 'role-templates', 'role')
    assert.equal(lines.length, 7)
    await page.getByTestId('role-templates-search').fill('管理员')
    const roles = await cells(page, 'role-templates', 'role')
    assert.ok(roles.length >= 1 && roles.every((r) => r.includes('管理员')), `${roles}`)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-roles')
    await cardsOnPhone(page, 'role-templates')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test("a person's contracts and archive are lists: sorted, filtered, exported; cards on a phone", async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const { data } = await gql(`{ employees(first: 30, filter: { status: [ACTIVE] }) { edges { node { id } } } }`, {}, accessToken)
  let person = null
  for (const { node } of data.employees.edges) {
    const { data: c } = await gql(`query ($id: ID!) { contracts(employeeId: $id) { id } }`, { id: node.id }, accessToken)
    if (c.contracts.length >= 2) {
      person = node.id
      break
    }
  }
  assert.ok(person, 'a demo employee with a renewed contract')

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(person)}`)
    await page.getByRole('tab', { name: '劳动合同' }).click()
    await loaded(page, 'employee-contracts')
    const lines = await sortsAndExports(page, 'employee-contracts', 'startDate')
    assert.ok(lines[0].startsWith('合同类型,开始日期,'))

    await page.getByRole('tab', { name: '档案材料' }).click()
    await page.getByTestId('upload-input').setInputFiles({ name: '毕业证.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') })
    await page.getByTestId('documents-fileName').filter({ hasText: '毕业证.pdf' }).waitFor()
    await page.getByTestId('documents-type-filter').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '资格证书' }).click()
    await page.getByTestId('documents-empty').waitFor()
    assert.equal(await page.getByTestId('documents-empty').getAttribute('data-reason'), 'filtered')
    await page.getByTestId('documents-type-filter').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '学历证书' }).click()
    await page.getByTestId('documents-fileName').filter({ hasText: '毕业证.pdf' }).waitFor()
    const docs = await csvLines(page, 'documents')
    assert.equal(docs[0], (await shownHeader(page, 'documents')).join(','))
    assert.ok(docs.slice(1).every((l) => l.includes(',学历证书,')))
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/employees/${encodeURIComponent(person)}`)
    await page.getByRole('tab', { name: '劳动合同' }).click()
    await cardsOnPhone(page, 'employee-contracts')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('requisitions and postings filter by status, sort and export with the budget as shown; cards on a phone', async () => {
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/recruitment`)
    await loaded(page, 'requisitions')
    const lines = await sortsAndExports(page, 'requisitions', 'headcount', (a, b) => parseInt(a.split('/')[1]) - parseInt(b.split('/')[1]))
    assert.ok(lines[0].startsWith('岗位,状态,人数,年度预算（元）,'))
    // The budget column holds exactly the texts shown (a money amount, or "—" where not readable).
    const budgets = await cells(page, 'requisitions', 'budget')
    assert.deepEqual(
      lines.slice(1).map((l) => csvCells(l)[3] || '—'),
      budgets,
    )
    await page.getByTestId('requisitions-status-filter').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已批准' }).click()
    const statuses = await cells(page, 'requisitions', 'status')
    assert.ok(statuses.every((s) => s === '已批准'), `${statuses}`)

    await page.getByRole('tab', { name: '职位' }).click()
    await loaded(page, 'postings')
    await sortsAndExports(page, 'postings', 'applications', (a, b) => Number(a) - Number(b))
    await page.getByTestId('postings-status-filter').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '招聘中' }).click()
    const open = await cells(page, 'postings', 'status')
    assert.ok(open.every((s) => s === '招聘中'), `${open}`)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/recruitment`)
    await cardsOnPhone(page, 'requisitions')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

const amountOf = (s) => Number(s.replace(/[^\d.-]/g, ''))

test('performance-pay suspensions filter by status, sort and export; a row brings its card; cards on a phone', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql('{ paySuspensions { id status } }', {}, accessToken)
  assert.ok(data.paySuspensions.length > 0, 'the demo suspends a unit’s performance pay')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-pay')
    await loaded(page, 'pay-suspensions')
    assert.equal(await page.getByTestId('pay-suspensions-row').count(), data.paySuspensions.length)
    const lines = await sortsAndExports(page, 'pay-suspensions', 'suspendedFrom')
    assert.ok(lines[0].startsWith('单位,状态,暂停起始,恢复起始,原因,恢复条件,连续达标,最近一期'), lines[0])

    // The status filter keeps the rows and the cards of that status only.
    await page.getByTestId('pay-suspensions-status-filter').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已暂停' }).click()
    const suspended = data.paySuspensions.filter((s) => s.status === 'SUSPENDED')
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="pay-suspensions-row"]').length === n,
      suspended.length,
    )
    assert.ok((await cells(page, 'pay-suspensions', 'status')).every((s) => s === '已暂停'))
    assert.equal(await page.getByTestId('pay-suspension').count(), suspended.length)
    if (suspended.length) {
      // A row's click brings its card (the months and the restore requests) into view.
      const id = await page.getByTestId('pay-suspensions-row').first().getAttribute('data-id')
      await page.getByTestId('pay-suspensions-row').first().click()
      const card = page.locator(`[data-testid="pay-suspension"][data-id="${id}"]`)
      await page.waitForFunction(
        (el) => el.getBoundingClientRect().top < window.innerHeight,
        await card.elementHandle(),
      )
    }
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(`${BASE_URL}/pay`)
    await cardsOnPhone(page, 'pay-suspensions')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test("one's payslips are a list: sorted by net, searched, exported; a row opens its month; cards on a phone", async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql('{ myPayslips { id month net } }', {}, accessToken)
  assert.ok(data.myPayslips.length >= 2, 'the demo pays Shanghai for several months')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/payslips`)
    await loaded(page, 'my-payslips-list')
    assert.equal(await page.getByTestId('my-payslips-list-row').count(), data.myPayslips.length)
    const lines = await sortsAndExports(page, 'my-payslips-list', 'net', (a, b) => amountOf(a) - amountOf(b))
    assert.equal(lines[0], '月份,参保城市,应发合计,社保公积金（个人）,个人所得税,其他扣款,实发工资')

    // The oldest month's row opens that month's payslip below.
    await page.getByTestId('my-payslips-list-sort-month').click()
    const oldest = [...data.myPayslips].sort((a, b) => a.month.localeCompare(b.month))[0]
    await page.locator(`[data-testid="my-payslips-list-row"][data-id="${oldest.id}"]`).click()
    await page.locator(`[data-testid="payslip-net"][data-net="${oldest.net}"]`).waitFor()

    // The search keeps one month; the export holds it alone.
    const month = (await cells(page, 'my-payslips-list', 'month'))[0]
    await page.getByTestId('my-payslips-list-search').fill(month)
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="my-payslips-list-row"]').length === 1)
    const one = await csvLines(page, 'my-payslips-list')
    assert.equal(one.length, 2)
    assert.ok(one[1].startsWith(`${month},`))
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/payslips`)
    await cardsOnPhone(page, 'my-payslips-list')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('the competency catalogue filters by category, sorts by code and exports the five levels; cards on a phone', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const { data } = await gql('{ competencies { id code category { id } } competencyCategories { id name } }', {}, accessToken)
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-competencies')
    await loaded(page, 'competencies')
    assert.equal(await page.getByTestId('competencies-row').count(), data.competencies.length)
    const lines = await sortsAndExports(page, 'competencies', 'code')
    assert.equal(lines[0], '类别,类型,编码,名称,说明,1 级,2 级,3 级,4 级,5 级')

    // The category filter keeps that category's competencies, and the export holds them alone.
    const category = data.competencyCategories.find((c) => data.competencies.some((x) => x.category.id === c.id))
    const inCategory = data.competencies.filter((x) => x.category.id === category.id)
    await page.getByTestId('competencies-category-filter').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: category.name }).first().click()
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="competencies-row"]').length === n,
      inCategory.length,
    )
    assert.ok((await cells(page, 'competencies', 'category')).every((c) => c === category.name))
    const some = await csvLines(page, 'competencies')
    assert.equal(some.length - 1, inCategory.length)
    assert.ok(some.slice(1).every((l) => l.startsWith(`${category.name},`)))
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/competencies`)
    await cardsOnPhone(page, 'competencies')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('assessment requests are paged lists: a page sorts, the export holds every page; cards on a phone', async () => {
  const { accessToken } = await apiLogin('manager.shanghai.sales')
  const { data } = await gql('{ assessmentRequests(status: [OPEN]) { totalCount } }', {}, accessToken)
  const total = data.assessmentRequests.totalCount
  assert.ok(total > 20, 'the demo has more open requests than a page')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await navTo(page, 'nav-assessments')
    await loaded(page, 'assessments-open')
    assert.equal(await page.getByTestId('assessments-open-row').count(), 20)
    const percent = (a, b) => amountOf(a) - amountOf(b)
    await page.getByTestId('assessments-open-sort-achievement').click()
    const up = await cells(page, 'assessments-open', 'achievement')
    assert.deepEqual(up, [...up].sort(percent))
    assert.ok((await cells(page, 'assessments-open', 'status')).every((s) => s === '待评估'))

    // The export holds every open request, not just the page, with the columns shown.
    const lines = await csvLines(page, 'assessments-open')
    assert.equal(lines[0], (await shownHeader(page, 'assessments-open')).join(','))
    assert.equal(lines[0], '员工,单位,触发规则,未达标起始,触发月份,达成率,状态,360° 评估,创建时间')
    assert.equal(lines.length - 1, total)

    await page.getByTestId('page-next').first().click()
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="assessments-open-row"]').length === n,
      total - 20 > 20 ? 20 : total - 20,
    )
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'manager.shanghai.sales')
    await page.goto(`${BASE_URL}/assessments`)
    await cardsOnPhone(page, 'assessments-open')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

/**
 * A workshop session with two of the Shanghai sales team on its roster: the manager enrols them
 * (the demo's sessions have nobody yet), branch HR approves.
 */
async function sessionWithRoster() {
  const manager = await apiLogin('manager.shanghai.sales')
  const { data } = await gql(
    `{ me { employee { id } scopeUnit { id } }
       courses(first: 100, filter: { format: [WORKSHOP] }) { edges { node { id upcomingSessions { id capacity seatsTaken } } } } }`,
    {},
    manager.accessToken,
  )
  const course = data.courses.edges.map((e) => e.node).find((c) => c.upcomingSessions.some((s) => s.seatsTaken + 2 <= s.capacity))
  assert.ok(course, 'a workshop with two free seats')
  const session = course.upcomingSessions.find((s) => s.seatsTaken + 2 <= s.capacity)
  const team = await gql(
    `query ($u: ID!, $c: ID!) {
       employees(first: 50, filter: { unitId: $u, status: [ACTIVE] }) { edges { node { id employeeNumber } } }
       enrollments(first: 100, courseId: $c, status: [PENDING, WAITLISTED, ENROLLED, IN_PROGRESS, COMPLETED]) { edges { node { employee { id } } } }
     }`,
    { u: data.me.scopeUnit.id, c: course.id },
    manager.accessToken,
  )
  const taken = new Set(team.data.enrollments.edges.map((e) => e.node.employee?.id))
  const learners = team.data.employees.edges.map((e) => e.node).filter((e) => e.id !== data.me.employee?.id && !taken.has(e.id)).slice(0, 2)
  assert.equal(learners.length, 2, 'two team members not yet on the course')
  const hr = await apiLogin('hr.shanghai')
  for (const learner of learners) {
    const enrolled = await gql(
      'mutation ($i: EnrollInCourseInput!) { enrollInCourse(input: $i) { enrollment { id } errors { code } } }',
      { i: { courseId: course.id, employeeId: learner.id, sessionId: session.id } },
      manager.accessToken,
    )
    assert.deepEqual(enrolled.data.enrollInCourse.errors, [])
    const { data: todo } = await gql('{ myApprovals { id subjectId } }', {}, hr.accessToken)
    const request = todo.myApprovals.find((r) => r.subjectId === enrolled.data.enrollInCourse.enrollment.id)
    const decided = await gql(
      'mutation ($id: ID!) { decideApproval(id: $id, approve: true, comment: "") { errors { code } } }',
      { id: request.id },
      hr.accessToken,
    )
    assert.deepEqual(decided.data.decideApproval.errors, [])
  }
  return { course, session, learners }
}

test('the training roster is searched, sorted and exported with each mark as shown; cards on a phone', async () => {
  const found = await sessionWithRoster()
  const url = `${BASE_URL}/attendance?course=${encodeURIComponent(found.course.id)}&session=${encodeURIComponent(found.session.id)}`
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(url)
    await loaded(page, 'attendance')
    assert.ok((await page.getByTestId('attendance-row').count()) >= found.learners.length)
    const lines = await sortsAndExports(page, 'attendance', 'name')
    assert.equal(lines[0], '学员,工号,岗位,单位,报名状态,完成情况,到场')

    // The search keeps one learner; a mark not yet saved is exported as shown.
    const learner = found.learners[0]
    await page.getByTestId('attendance-search').fill(learner.employeeNumber)
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="attendance-row"]').length === 1)
    const row = page.locator(`[data-testid="attendance-row"][data-id="${learner.id}"]`)
    await row.getByTestId('attendance-switch').click()
    const on = (await row.locator('[role="switch"]').getAttribute('aria-checked')) === 'true'
    const one = await csvLines(page, 'attendance')
    assert.equal(one.length, 2)
    const mark = csvCells(one[1])[6]
    assert.equal(mark, (await row.getByTestId('attendance-attended').textContent()).trim() || mark)
    if (on) assert.equal(mark, '到场')
    else assert.ok(['未到场', '未签到'].includes(mark), mark)
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await page.goto(url)
    await cardsOnPhone(page, 'attendance')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})

test('the course library has a table view: filtered by format, sorted by hours, exported; a row opens the course', async () => {
  const { accessToken } = await apiLogin('hr.hq')
  const all = (await gql('{ courses(first: 100) { totalCount edges { node { id format } } } }', {}, accessToken)).data.courses
  const online = all.edges.map((e) => e.node).filter((c) => c.format === 'ONLINE')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.hq')
    await navTo(page, 'nav-courses')
    await page.getByTestId('course-card').first().waitFor()
    await page.getByTestId('course-view-table').click()
    await page.waitForURL(/view=table/)
    await loaded(page, 'courses')
    assert.equal(await page.getByTestId('course-card').count(), 0, 'the table instead of the cards')

    const hours = (a, b) => Number(a) - Number(b)
    await page.getByTestId('courses-sort-hours').click()
    const up = await cells(page, 'courses', 'hours')
    assert.deepEqual(up, [...up].sort(hours))
    const lines = await csvLines(page, 'courses')
    assert.equal(lines[0], (await shownHeader(page, 'courses')).join(','))
    assert.ok(lines[0].startsWith('编码,课程,形式,类别,学时,提供方,培养的能力,场次或课时'), lines[0])
    assert.equal(lines.length - 1, all.totalCount, 'the export holds every course the filters select')

    // The format filter (kept in the address with the view) narrows the table and its export.
    await page.goto(`${BASE_URL}/courses?format=ONLINE&view=table`)
    await page.locator(`[data-testid="courses-total"][data-count="${online.length}"]`).waitFor({ state: 'attached' })
    await loaded(page, 'courses')
    assert.ok((await cells(page, 'courses', 'format')).every((f) => f === '在线'))
    const some = await csvLines(page, 'courses')
    assert.equal(some.length - 1, online.length)

    // A row opens its course; back is the table again.
    const id = await page.getByTestId('courses-row').first().getAttribute('data-id')
    await page.getByTestId('courses-row').first().click()
    await page.waitForURL((url) => url.pathname.endsWith(`/courses/${encodeURIComponent(id)}`) || url.pathname.endsWith(`/courses/${id}`))
    await page.getByTestId('course-back').click()
    await loaded(page, 'courses')
    assert.deepEqual(consoleErrors, [])
  })
})

test("one's overtime requests filter by status, sort by hours and export; cards on a phone", async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const { data } = await gql('{ myOvertimeRequests { id status } }', {}, accessToken)
  assert.ok(data.myOvertimeRequests.length >= 2, 'the demo employee has asked for overtime before')
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-leave')
    await loaded(page, 'overtime-mine')
    assert.equal(await page.getByTestId('overtime-mine-row').count(), data.myOvertimeRequests.length)
    const lines = await sortsAndExports(page, 'overtime-mine', 'hours', (a, b) => amountOf(a) - amountOf(b))
    assert.equal(lines[0], '加班日期,日期类型,时长（小时）,状态,事由,审批意见')

    await page.getByTestId('overtime-mine-status-filter').click()
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '已批准' }).click()
    const approved = data.myOvertimeRequests.filter((r) => r.status === 'APPROVED').length
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="overtime-mine-row"]').length === n, approved)
    assert.ok((await cells(page, 'overtime-mine', 'status')).every((s) => s === '已批准'))
    assert.deepEqual(consoleErrors, [])
  })
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-leave')
    await cardsOnPhone(page, 'overtime-mine')
    assert.deepEqual(consoleErrors, [])
  }, PHONE)
})
