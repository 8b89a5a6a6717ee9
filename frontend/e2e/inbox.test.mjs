// The inbox of reminders and the reminder settings, in the browser (issue 6): golive runs on a
// clock of Monday 11 February 2019 (GOLIVE_NOW), when the demo's Kent and Medway lot 1 plan
// (contract KM-IUCS-2018-L1, going live on 1 April 2019) has milestones overdue. The reminder jobs
// (run by the demo on its clock, and every minute by the worker `golive serve` runs in the
// embedded default) have put the daily overdue messages, escalations and the Monday digest in the inbox of
// the Medway lead, who owns the commissioners' milestones and leads the plan. They read them, mark
// them read, and turn the weekly digest off; every page passes axe.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, launchBrowser, newPage, signIn, startGolive, theH1, visit, a11yReport } from './harness.mjs'

const NOW = '2019-02-11T09:30:00Z'

let app, browser, page

async function press (name, scope = page) {
  const button = scope.getByRole('button', { name, exact: true })
  await Promise.all([page.waitForNavigation(), button.first().click()])
  await page.waitForLoadState('load')
}

const text = async (selector) => ((await page.locator(selector).first().innerText({ timeout: 2_000 }).catch(() => '')) || '').replace(/\s+/g, ' ')
const unreadCards = () => page.locator('.nhsuk-card--feature').count()

describe('the inbox of reminders', () => {
  before(async () => {
    app = await startGolive({ env: { GOLIVE_NOW: NOW } })
    browser = await launchBrowser()
    page = await newPage(browser, app.baseURL)
    await signIn(page, demo.lead)
  }, { timeout: 180_000 })

  after(async () => {
    await browser?.close()
    await app?.stop()
    a11yReport()
  }, { timeout: 30_000 })

  test('the lead finds the reminders the worker sent in their inbox, and marks them read', { timeout: 180_000 }, async () => {
    // The scan runs on the minute: wait for it, reloading the inbox as a person would.
    const deadline = Date.now() + 150_000
    for (;;) {
      await visit(page, '/inbox')
      if (await unreadCards() > 0) break
      assert.ok(Date.now() < deadline, `no reminder reached the inbox in 150 s:\n${app.log()}`)
      await new Promise((resolve) => setTimeout(resolve, 3_000))
    }
    assert.equal(await theH1(page), 'Inbox')
    await page.getByRole('link', { name: 'Inbox', exact: true }).first().waitFor()
    const subjects = (await page.locator('main h2').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim())
    // Overdue milestones come in one message a day per person, listing each with its link.
    const overdue = /^Unread (Overdue by \d+ days?: |\d+ milestones overdue, the longest by \d+ days?$)/
    assert.ok(subjects.some((s) => overdue.test(s)), `no overdue reminder among ${JSON.stringify(subjects)}`)
    const overdueCard = page.locator('.nhsuk-card').filter({ has: page.locator('h2', { hasText: /Overdue by|milestones overdue/ }) }).first()
    const listed = overdueCard.getByRole('link', { name: /^Open this milestone\s*:\s*.+ overdue \(due / })
    assert.ok(await listed.count() >= 1, 'the overdue message links no milestone')
    for (const href of await listed.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      assert.match(href, /^\/mobilisation\/plans\/[0-9a-f-]{36}\/milestones\/[0-9a-f-]{36}$/)
    }
    assert.ok(subjects.some((s) => /^Unread Escalation: .+ is \d+ days overdue$/.test(s)), `no escalation among ${JSON.stringify(subjects)}`)
    await checkA11y(page, 'the inbox with unread reminders')

    // A reminder links to its milestone's page.
    const link = page.getByRole('link', { name: /^Open the milestone/ }).first()
    assert.match(await link.getAttribute('href'), /^\/mobilisation\/plans\/[0-9a-f-]{36}\/milestones\/[0-9a-f-]{36}$/)

    // The page says how many are unread in all: a page of the inbox shows 25 at most.
    const unreadInAll = async () => Number((await text('main > p')).match(/You have (\d+) unread/)?.[1] ?? 0)
    const before = await unreadInAll()
    assert.ok(before >= await unreadCards(), 'more unread cards than unread messages')
    await press(/^Mark as read/, page.locator('.nhsuk-card--feature').first())
    assert.match(await text('.nhsuk-notification-banner'), /Message marked as read\./)
    assert.equal(await unreadInAll(), before - 1)
    await checkA11y(page, 'the inbox after marking a message read')

    if (before > 1) {
      await press('Mark all as read')
      assert.match(await text('.nhsuk-notification-banner'), /\d+ messages? marked as read\.|1 message marked as read\./)
    }
    assert.equal(await unreadCards(), 0)
    assert.match(await text('main > p'), /You have no unread messages\./)
  })

  test('the lead turns the weekly digest off, and is told escalations stay on', { timeout: 60_000 }, async () => {
    await visit(page, '/inbox')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Reminder settings', exact: true }).click()])
    assert.equal(await theH1(page), 'Reminder settings')
    assert.ok(await page.locator('#digest').isChecked(), 'the digest is not on to begin with')
    assert.match(await text('.nhsuk-inset-text'), /escalations to a plan's lead cannot be turned off/)
    await checkA11y(page, 'the reminder settings')

    await page.getByLabel('No, do not send me the weekly digest').check()
    await press('Save settings')
    assert.match(await text('.nhsuk-notification-banner'), /The weekly digest is off\. You will still get reminders about due and overdue milestones, and escalations\./)
    assert.ok(await page.getByLabel('No, do not send me the weekly digest').isChecked())
    await checkA11y(page, 'the reminder settings after saving')
    await visit(page, '/inbox')
    assert.match(await text('main'), /the weekly digest is off/)
  })
})
