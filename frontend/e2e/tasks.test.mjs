// Each role starts at its dashboard after sign-in and reaches its tasks and the pages issue 14
// made findable only by following links: no page.goto but sign-in (in signIn) and `/`.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, checkNoOverflow, demo, newPage, signIn, theH1, useGolive } from './harness.mjs'
import { ESTUARY, WEALD, flash, lotPeople, openedLot, panelCandidate, press, sessions, summary, text } from './walkthrough.mjs'

const golive = useGolive()

// follow clicks a link and waits for the page it leads to.
async function follow (page, link) {
  await link.first().waitFor()
  await Promise.all([page.waitForLoadState('load'), link.first().click()])
  await page.waitForLoadState('load')
}

async function dashboard (page) {
  await page.goto('/')
  assert.equal(await theH1(page), 'Dashboard')
  return page.locator('main ul.nhsuk-list--border li a')
}

describe('dashboard tasks and findable pages, by following links', () => {
  let page
  beforeEach(async () => { page = await newPage(golive.browser, golive.baseURL) })
  afterEach(async () => { await page?.context().close() })

  test('the lead: an overdue milestone of theirs, then the awarded procurement and its award', async () => {
    await signIn(page, demo.lead)
    const tasks = await dashboard(page)
    await checkA11y(page, 'the lead’s dashboard with tasks')
    const overdue = tasks.filter({ hasText: 'overdue' })
    assert.ok(await overdue.count() > 0, 'the lead has no overdue milestone on the dashboard')
    await follow(page, overdue)
    assert.match(new URL(page.url()).pathname, /^\/mobilisation\/plans\/[^/]+\/milestones\//)
    await theH1(page)
    await checkA11y(page, 'the lead’s overdue milestone')

    await dashboard(page)
    await follow(page, page.getByRole('link', { name: 'Procurements', exact: true }))
    await follow(page, page.getByRole('link', { name: 'Kent and Medway Integrated Urgent Care Service' }))
    assert.equal((await page.locator('main .nhsuk-tag').first().textContent()).trim(), 'Awarded')
    assert.equal(await page.getByText('Cancel this procurement').count(), 0, 'an awarded procurement offers to cancel it')
    await checkA11y(page, 'the awarded procurement with its stage tracker')
    await follow(page, page.getByRole('link', { name: 'Award of lot 1' }))
    assert.match(new URL(page.url()).pathname, /\/evaluations\/lots\/[^/]+\/award$/)
    await follow(page, page.getByRole('link', { name: 'Results and ranking' }))
    assert.ok(await page.getByRole('link', { name: /Download the evaluation of lot 1 as a spreadsheet/ }).count() > 0, 'no export link on the results')
    await checkA11y(page, 'the results with the export links')
  })

  test('the approver: a go/no-go decision, and the Part 2 award from the procurement', async () => {
    await signIn(page, demo.approver)
    const tasks = await dashboard(page)
    await checkA11y(page, 'the approver’s dashboard with tasks')
    await follow(page, tasks.filter({ hasText: 'go/no-go decision' }))
    assert.match(new URL(page.url()).pathname, /\/phases\//)
    await theH1(page)
    await checkA11y(page, 'the phase where the approver decides')

    await dashboard(page)
    await follow(page, page.getByRole('link', { name: 'Procurements', exact: true }))
    await follow(page, page.getByRole('link', { name: 'Kent and Medway Integrated Urgent Care Service' }))
    await follow(page, page.getByRole('link', { name: 'Award of lot 1' }))
    assert.equal(await page.getByRole('link', { name: 'Evaluation overview' }).count(), 0, 'the approver is offered the lead’s evaluation overview')
    await checkA11y(page, 'the award page as the approver')
  })

  test('the bidder: its milestones, its outcome letter and its submitted response', async () => {
    await signIn(page, demo.bidder)
    const tasks = await dashboard(page)
    assert.ok(await tasks.count() > 0, 'the bidder has no task')
    await checkA11y(page, 'the bidder’s dashboard with tasks')
    await follow(page, tasks)
    assert.match(new URL(page.url()).pathname, /\/milestones\//)

    await dashboard(page)
    await follow(page, page.getByRole('link', { name: 'Opportunities', exact: true }))
    await follow(page, page.getByRole('link', { name: 'Kent and Medway Integrated Urgent Care Service' }))
    const statuses = (await page.locator('main .nhsuk-tag').allTextContents()).map((s) => s.trim())
    assert.ok(statuses.some((s) => ['Awarded', 'Successful', 'Not successful'].includes(s)), `no true status among ${statuses}`)
    assert.ok(!statuses.includes('Submitted'), `a decided lot still says Submitted: ${statuses}`)
    await checkA11y(page, 'the opportunity with outcomes')
    await follow(page, page.getByRole('link', { name: /Read the outcome letter for lot/ }))
    assert.match(new URL(page.url()).pathname, /\/outcome$/)
    await checkA11y(page, 'the outcome letter')
    await page.goBack()
    await follow(page, page.getByRole('link', { name: /See your response to lot/ }))
    await page.locator('#submitted-answers').waitFor()
    await checkA11y(page, 'the bidder’s submitted response, read only')
  })
})

// The evaluator and the Healthwatch evaluator on a lot of their own (the demo's are all scored):
// built and opened over the API before their walks, after the walks above, for opening it moves
// golive's clock past its deadline. Each walks from the dashboard by links and buttons alone:
// declare, score, check their scores (first with marks missing, each linked to where it is
// given), submit; then the task is gone. Every page passes axe and fits a 390 px phone.
describe('the evaluator and the Healthwatch evaluator, by following links', () => {
  const TITLE = 'Swale urgent treatment centre (tasks walk)'
  const people = { ...lotPeople, evaluator: demo.evaluator, healthwatch: demo.healthwatch }
  const { as, closePages, tokenFor, api } = sessions(golive, people, { tokenName: 'tasks walk' })
  const ids = {}
  let page

  before(async () => {
    for (const who of Object.keys(people)) if (who !== 'healthwatch') await tokenFor(who) // Healthwatch has no API
    await closePages()
    const day = 24 * 60 * 60 * 1000
    const at = (days) => new Date(Date.now() + days * day).toISOString()
    Object.assign(ids, await openedLot(golive, api, {
      procurement: {
        title: TITLE, reference: 'SW-UTC-TASKS',
        clarification_deadline: at(5), submission_deadline: at(10), evaluation_start: at(11), award_date: at(60), contract_start: at(200)
      },
      sections: { clinical: 'Quality', patient: 'Quality' },
      decision: { meeting_date: at(-1), minute_ref: 'GB/TASKS/1' },
      prices: { [WEALD]: [1_000_000_00, 1_000_000_00], [ESTUARY]: [990_000_00, 990_000_00] },
      afterDeadline: at(10.5)
    }))
    const ev = `/evaluations/lots/${ids.lot}/panel`
    const q = ids.q
    await api('lead', 'POST', ev, { user_id: (await api('evaluator', 'GET', '/me', undefined, 200)).id, questions: [q['1.1'], q['1.2'], q['1.3']] }, 201)
    const robin = await panelCandidate(await as('lead'), ids.lot, 'Robin Reviewer, Healthwatch Kent')
    await api('lead', 'POST', ev, { user_id: robin, questions: [q['1.2']] }, 201)
    await closePages()
  }, { timeout: 300_000 })
  beforeEach(async () => { page = await newPage(golive.browser, golive.baseURL) })
  afterEach(async () => { await page?.context().close() })
  after(async () => { await closePages() })

  // looks checks a page as a person would meet it: axe, and no sideways scroll on a phone.
  async function looks (label) {
    await theH1(page)
    await checkA11y(page, label)
    await checkNoOverflow(page, label)
  }

  // ourTask is the dashboard's task about this lot whose title starts with words.
  async function ourTask (words) {
    const tasks = (await dashboard(page)).filter({ hasText: TITLE })
    await looks('the dashboard')
    const task = tasks.filter({ hasText: words })
    assert.equal(await task.count(), 1, `no task "${words}" on the dashboard: ${(await tasks.allInnerTexts()).join(' | ')}`)
    return task
  }

  // mark fills the scoring sheet on the page: number → score from 0 to 4, or true/false for pass/fail.
  async function mark (bidder, marks) {
    for (const [number, m] of Object.entries(marks)) {
      const q = ids.q[number]
      if (typeof m === 'boolean') await page.locator(`input[name="passed-${q}"][value="${m ? 'pass' : 'fail'}"]`).check()
      else await page.locator(`input[name="score-${q}"][value="${m}"]`).check()
      await page.locator(`[id="rationale-${q}"]`).fill(`The answer of ${bidder} to ${number} shows the evidence we asked for.`)
    }
    await press(page, 'Save marks')
    assert.match(await flash(page), /are saved/, await summary(page))
  }

  // scoreAll walks one person's whole part: the tasks come and go as they do it.
  async function scoreAll (who, label, marks) {
    await signIn(page, people[who])
    let task = await ourTask('Declare your interests')
    await follow(page, task)
    assert.equal(new URL(page.url()).pathname, `/evaluations/lots/${ids.lot}/workspace`)
    await looks(`${label}: the workspace, to declare`)
    for (const bidder of [ESTUARY, WEALD]) await page.getByLabel(`I have no interest in ${bidder}`).check()
    await press(page, 'Record my declarations')
    assert.match(await flash(page), /declarations are recorded/, await summary(page))
    await looks(`${label}: the workspace, declared`)

    // Score Estuary from the task, then check: Weald's marks are listed as missing, linked.
    task = await ourTask('Score lot 1')
    await follow(page, task)
    await follow(page, page.getByRole('link', { name: `Score ${ESTUARY}` }))
    await looks(`${label}: the scoring sheet`)
    await mark(ESTUARY, marks)
    await follow(page, page.getByRole('link', { name: 'Back to your evaluation of lot 1' }))
    await follow(page, page.getByRole('link', { name: 'Check your scores' }))
    assert.equal(await theH1(page), 'Check your scores before submitting')
    const missing = page.locator('#missing a')
    assert.equal(await missing.count(), Object.keys(marks).length, `not every mark for ${WEALD} is listed as missing`)
    assert.equal(await page.getByRole('button', { name: 'Submit scores' }).count(), 0, 'the check offers to submit with marks missing')
    await looks(`${label}: check your scores, marks missing`)
    await follow(page, missing)
    assert.equal(new URL(page.url()).pathname, `/evaluations/lots/${ids.lot}/bidders/${ids.org[WEALD]}`)
    await mark(WEALD, marks)

    // Every mark given: the task is to submit, through the check.
    task = await ourTask('Submit your scores')
    await follow(page, task)
    assert.equal(await theH1(page), 'Check your scores before submitting')
    assert.equal(await page.locator('#missing').count(), 0, 'marks still missing once all are given')
    const body = await text(page)
    for (const bidder of [ESTUARY, WEALD]) {
      assert.ok(body.includes(`The answer of ${bidder} to 1.2 shows the evidence we asked for.`), `the rationale for ${bidder} is not on the check`)
    }
    await looks(`${label}: check your scores`)
    await press(page, 'Submit scores')
    assert.match(await flash(page), /scores are submitted/, await summary(page))
    await looks(`${label}: the workspace, submitted`)
    const left = (await dashboard(page)).filter({ hasText: TITLE })
    assert.equal(await left.count(), 0, `a task is left once submitted: ${(await left.allInnerTexts()).join(' | ')}`)
    return body
  }

  test('the evaluator declares, scores, checks and submits', async () => {
    await scoreAll('evaluator', 'the evaluator', { '1.1': 3, '1.2': 2, '1.3': true })
  })

  test('the Healthwatch evaluator declares, scores the patient question, checks without a price and submits', async () => {
    const body = await scoreAll('healthwatch', 'Healthwatch', { '1.2': 4 })
    assert.ok(!body.includes('£') && !body.includes('Price schedule') && !body.includes('1.1 ') && !body.includes('1.3 '),
      'the Healthwatch check shows a price or a question not theirs')
  })
})
