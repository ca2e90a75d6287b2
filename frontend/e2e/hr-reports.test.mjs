// Shanghai's HR opens 人事报表 on the demo company: every month's headcount, hires and leavers as
// the test counts them straight from the e2e SQLite database over hr.shanghai's branch — and on a
// phone nothing is wider than the screen.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { BASE_URL, uiLogin, withPage } from './helpers.mjs'

// The page's default: the twelve months up to this month in China time.
const COUNT = String.raw`
import json, os, sqlite3, sys
from datetime import date, datetime, timedelta, timezone
db = sqlite3.connect(os.environ["DATABASE_URL"].removeprefix("sqlite://"))
(path,) = db.execute(
    "SELECT u.path FROM user_account a JOIN org_unit u ON u.id = a.scope_unit_id WHERE a.username = ?",
    (sys.argv[1],),
).fetchone()
today = datetime.now(timezone(timedelta(hours=8))).date()
index = today.year * 12 + today.month - 1
months = [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(11, -1, -1)]
def end(m):
    n = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return n - timedelta(days=1)
people = "FROM employee e JOIN org_unit u ON u.id = e.unit_id WHERE u.path LIKE ? || '%'"
result = {}
for m in months:
    last = end(m).isoformat()
    first = m.isoformat()
    headcount = db.execute(
        f"SELECT count(*) {people} AND e.hire_date <= ? AND (e.termination_date IS NULL OR e.termination_date > ?)",
        (path, last, last),
    ).fetchone()[0]
    hires = db.execute(f"SELECT count(*) {people} AND e.hire_date BETWEEN ? AND ?", (path, first, last)).fetchone()[0]
    leavers = db.execute(
        f"SELECT count(*) {people} AND e.termination_date BETWEEN ? AND ?", (path, first, last)
    ).fetchone()[0]
    result[first[:7]] = [headcount, hires, leavers]
print(json.dumps(result))
`

function countFromDatabase(username) {
  assert.ok(process.env.DATABASE_URL?.startsWith('sqlite://'), 'tests/browser/run.sh sets DATABASE_URL')
  const python = process.env.E2E_PYTHON ?? 'python3'
  return JSON.parse(execFileSync(python, ['-c', COUNT, username], { encoding: 'utf8' }))
}

test('hr.shanghai sees each month’s headcount, hires and leavers as the database has them', async () => {
  const expected = countFromDatabase('hr.shanghai')
  assert.ok(
    Object.values(expected).some(([headcount]) => headcount > 0),
    'the demo has people in Shanghai',
  )
  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await page.goto(`${BASE_URL}/reports/hr`)
    const table = page.getByTestId('hr-reports-months')
    await table.waitFor()
    const shown = {}
    for (const month of Object.keys(expected)) {
      const cell = page.getByTestId(`hr-month-${month}`)
      await cell.waitFor()
      shown[month] = await Promise.all(
        ['data-headcount', 'data-hires', 'data-leavers'].map(async (a) => Number(await cell.getAttribute(a))),
      )
    }
    assert.deepEqual(shown, expected)
    assert.match(await page.getByTestId('hr-reports-formula').textContent(), /离职率/)
    // HR reads labour cost and the structure charts.
    await page.getByTestId('hr-structure-gender').waitFor()
    assert.deepEqual(consoleErrors, [])
  })
})

test('on a phone the HR reports fit the screen (tables scroll inside their box)', async () => {
  await withPage(
    async (page, { consoleErrors }) => {
      await uiLogin(page, 'hr.shanghai')
      await page.goto(`${BASE_URL}/reports/hr`)
      await page.getByTestId('hr-reports-months').waitFor()
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`)
      assert.deepEqual(consoleErrors, [])
    },
    { viewport: { width: 390, height: 844 }, isMobile: true },
  )
})
