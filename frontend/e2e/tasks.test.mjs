// Each role starts at its dashboard after sign-in and reaches its tasks and the pages issue 14
// made findable only by following links: no page.goto but sign-in (in signIn) and `/`.
import { afterEach, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, newPage, signIn, theH1, useGolive } from './harness.mjs'

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
