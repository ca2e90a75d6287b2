// Recruitment in the browser (Issue 11): Shanghai HR adds a candidate to the 销售代表（浦东）
// board and drags them from screening to interviews — the API says they moved — and an
// interviewer fills in their scorecard on a phone, after which the others' scorecards show.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE_URL, apiLogin, gql, navTo, uiLogin, withPage } from './helpers.mjs'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true }
const POSTING_TITLE = '销售代表（浦东）'
const INTERVIEWER = '胡晓晓' // employee.shanghai.sales

async function shanghaiPosting(token) {
  const { data } = await gql('{ postings(first: 100) { edges { node { id title } } } }', {}, token)
  const posting = data.postings.edges.map((e) => e.node).find((p) => p.title === POSTING_TITLE)
  assert.ok(posting, 'the demo posts 销售代表（浦东） in Shanghai')
  return posting
}

async function stageOf(token, postingId, name) {
  const { data } = await gql(
    `query ($id: ID!) { applications(postingId: $id, first: 100) { edges { node { stage candidate { name } } } } }`,
    { id: postingId },
    token,
  )
  return data.applications.edges.map((e) => e.node).find((a) => a.candidate.name === name)?.stage ?? null
}

test('Shanghai HR adds a candidate and drags them from screening to interviews', async () => {
  const { accessToken } = await apiLogin('hr.shanghai')
  const posting = await shanghaiPosting(accessToken)
  const name = '测试候选人'

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'hr.shanghai')
    await navTo(page, 'nav-recruitment')
    await page.getByTestId('recruitment-view').waitFor()
    await page.getByRole('tab', { name: '职位' }).click()
    await page.getByTestId('postings-row').filter({ hasText: POSTING_TITLE }).getByTestId('posting-board-link').click()
    await page.getByTestId('candidate-board').waitFor()
    await page.getByTestId('board-title').filter({ hasText: POSTING_TITLE }).waitFor()

    // Add a candidate with a résumé.
    await page.getByTestId('add-candidate').click()
    const dialog = page.getByTestId('add-candidate-dialog')
    await dialog.getByTestId('candidate-name').fill(name)
    await dialog.getByTestId('candidate-phone').fill('139 1600 0099')
    await dialog.getByTestId('candidate-email').fill('ceshi@example.com')
    await dialog.getByTestId('candidate-resume').setInputFiles({
      name: '测试简历.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    })
    await dialog.getByTestId('candidate-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const card = page.locator(`[data-testid="candidate-card"][data-name="${name}"]`)
    await page.locator(`[data-testid="board-column-SCREENING"] [data-name="${name}"]`).waitFor()

    // Drag the card onto the interview column with the mouse (HTML5 drag and drop).
    await card.dragTo(page.getByTestId('board-column-INTERVIEW'))
    await page.locator(`[data-testid="board-column-INTERVIEW"] [data-name="${name}"]`).waitFor()

    // After a reload the board shows what the server holds.
    await page.reload()
    await page.locator(`[data-testid="board-column-INTERVIEW"] [data-name="${name}"]`).waitFor()

    // The drawer: what they gave, the résumé and the stage history.
    await page.locator(`[data-testid="candidate-card"][data-name="${name}"] .card__open`).click()
    const drawer = page.getByTestId('candidate-drawer')
    await drawer.getByTestId('resume-download').waitFor()
    assert.match(await drawer.getByTestId('resume-download').textContent(), /测试简历\.pdf/)
    assert.equal(await drawer.getByTestId('stage-history').locator('.el-timeline-item').count(), 2)

    // Schedule an interview and share the résumé with its interviewer (off unless switched on).
    await drawer.getByTestId('candidate-schedule').click()
    const schedule = page.getByTestId('schedule-dialog')
    await schedule.getByTestId('interview-title').fill('业务面试')
    const time = schedule.locator('.el-date-editor input').first()
    await time.fill('2027-01-05 10:00')
    await time.press('Enter')
    const picker = schedule.getByTestId('interview-interviewers')
    await picker.click()
    await picker.locator('input').fill(INTERVIEWER)
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: INTERVIEWER }).first().click()
    await schedule.getByTestId('interview-title').click()
    await schedule.getByTestId('interview-share-resume').click()
    await schedule.getByTestId('interview-submit').click()
    await schedule.waitFor({ state: 'hidden' })
    assert.deepEqual(consoleErrors, [])
  })

  assert.equal(await stageOf(accessToken, posting.id, name), 'INTERVIEW')
  const { data } = await gql(
    `query ($id: ID!) { applications(postingId: $id, first: 100) { edges { node { candidate { name phone resume { fileName } } } } } }`,
    { id: posting.id },
    accessToken,
  )
  const added = data.applications.edges.map((e) => e.node).find((a) => a.candidate.name === name)
  assert.deepEqual(added.candidate, { name, phone: '13916000099', resume: { fileName: '测试简历.pdf' } })
  const interviews = await gql(
    `query ($id: ID!) { applications(postingId: $id, first: 100) { edges { node { candidate { name } interviews { title shareResume interviewerNames } } } } }`,
    { id: posting.id },
    accessToken,
  )
  const scheduled = interviews.data.applications.edges.map((e) => e.node).find((a) => a.candidate.name === name)
  assert.deepEqual(scheduled.interviews, [{ title: '业务面试', shareResume: true, interviewerNames: [INTERVIEWER] }])
})

test('an interviewer submits a scorecard on a phone and then sees the other scorecards', async () => {
  const { accessToken } = await apiLogin('employee.shanghai.sales')
  const before = await gql('{ myInterviews { id awaitingMyScorecard application { candidate { name } } } }', {}, accessToken)
  const waiting = before.data.myInterviews.find((i) => i.awaitingMyScorecard)
  assert.ok(waiting, 'the demo has an interview waiting for employee.shanghai.sales')
  const candidate = waiting.application.candidate.name

  await withPage(async (page, { consoleErrors }) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await navTo(page, 'nav-my-interviews')
    const card = page.locator(`[data-testid="interview-card"][data-candidate="${candidate}"]`)
    await card.waitFor()
    assert.equal(await card.getAttribute('data-awaiting'), 'true')
    // Before submitting, only their own (empty) scorecard: the others' stay hidden.
    assert.equal(await card.getByTestId('scorecard').count(), 0)

    for (const [criterion, score] of [['SKILLS', 4], ['EXPERIENCE', 3], ['COMMUNICATION', 5], ['MOTIVATION', 4]]) {
      await card.getByTestId(`rate-${criterion}`).locator('.el-rate__item').nth(score - 1).click()
    }
    await card.getByTestId('verdict-YES').click()
    await card.getByTestId('scorecard-notes').fill('沟通清楚，有医药行业客户资源')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`)
    await card.getByTestId('scorecard-submit').click()

    await page.locator(`[data-testid="interview-card"][data-candidate="${candidate}"][data-awaiting="false"]`).waitFor()
    // Now theirs and the other interviewer's submitted scorecard show.
    await card.locator('[data-testid="scorecard"][data-mine="false"]').first().waitFor()
    assert.equal(await card.locator('[data-testid="scorecard"][data-mine="true"]').count(), 1)
    // Submitted, it is locked: no way back to the form to rewrite it after reading the others.
    await card.getByTestId('scorecard-locked').waitFor()
    assert.equal(await card.getByTestId('scorecard-submit').count(), 0)
    assert.deepEqual(consoleErrors, [])
  }, PHONE)

  const after = await gql(
    `{ myInterviews { id awaitingMyScorecard scorecards { mine recommendation notes ratings { criterion score } } } }`,
    {},
    accessToken,
  )
  const done = after.data.myInterviews.find((i) => i.id === waiting.id)
  assert.equal(done.awaitingMyScorecard, false)
  const mine = done.scorecards.find((s) => s.mine)
  assert.equal(mine.recommendation, 'YES')
  assert.equal(mine.notes, '沟通清楚，有医药行业客户资源')
  assert.deepEqual(
    Object.fromEntries(mine.ratings.map((r) => [r.criterion, r.score])),
    { SKILLS: 4, EXPERIENCE: 3, COMMUNICATION: 5, MOTIVATION: 4 },
  )
  assert.ok(done.scorecards.some((s) => !s.mine), "the other interviewer's scorecard is readable now")
})

test('an employee is offered no recruitment page', async () => {
  await withPage(async (page) => {
    await uiLogin(page, 'employee.shanghai.sales')
    await page.goto(`${BASE_URL}/recruitment`)
    await page.getByTestId('no-access').waitFor()
  })
})
