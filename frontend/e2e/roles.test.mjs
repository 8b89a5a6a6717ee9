// Every demo role signs in, sees an accessible dashboard and the pages its role may see, and is
// turned away (403 or 404, on an accessible page) from those it may not.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, newPage, signIn, theH1, useGolive, visit } from './harness.mjs'

const golive = useGolive()

const DENIED = [403, 404]

// What each role may and may not open, besides the dashboard, and the header it is offered:
// the menu and the links beside its name (issue 14 item 7: each role sees what it uses). Every
// role but Healthwatch's lay reviewers, who score on the pages, manages its own API tokens;
// /admin/* is the organisation admin's, /platform/* the platform admin's.
const TOKENS = ['API tokens']
const roles = [
  { who: 'the platform admin', email: demo.platformAdmin, may: ['/account/tokens', '/platform/outbox', '/platform/organisations', '/platform/organisations/new'], mayNot: [], menu: ['Dashboard', 'Organisations', 'Successions', 'Mail outbox', 'Jobs'], account: TOKENS },
  { who: 'the Medway organisation admin', email: demo.tenantAdmin, may: ['/admin/users', '/admin/users/invite', '/admin/audit', '/account/tokens'], mayNot: ['/platform/outbox', '/platform/organisations'], menu: ['Dashboard', 'Procurements', 'Mobilisation', 'Inbox', 'Users', 'Audit log'], account: TOKENS },
  { who: 'the Medway procurement lead', email: demo.lead, may: ['/account/tokens'], mayNot: ['/admin/users', '/platform/outbox'], menu: ['Dashboard', 'Procurements', 'Mobilisation', 'Inbox'], account: TOKENS },
  { who: 'a Medway evaluator', email: demo.evaluator, may: ['/account/tokens'], mayNot: ['/admin/users'], menu: ['Dashboard', 'Procurements', 'Evaluations', 'Inbox'], account: TOKENS },
  { who: 'the Medway governing-body approver', email: demo.approver, may: ['/account/tokens'], mayNot: ['/admin/users'], menu: ['Dashboard', 'Procurements', 'Mobilisation', 'Inbox'], account: TOKENS },
  { who: 'a Medway observer', email: demo.observer, may: ['/account/tokens'], mayNot: ['/admin/users'], menu: ['Dashboard', 'Procurements', 'Mobilisation', 'Inbox'], account: TOKENS },
  { who: 'a Healthwatch evaluator', email: demo.healthwatch, may: ['/evaluations'], mayNot: ['/account/tokens', '/inbox', '/admin/users', '/admin/audit'], menu: ['Dashboard', 'Evaluations'], account: [] },
  { who: 'a bidder', email: demo.bidder, may: ['/account/tokens'], mayNot: ['/admin/users', '/admin/audit', '/platform/outbox', '/platform/organisations'], menu: ['Dashboard', 'Opportunities', 'Mobilisation', 'Inbox'], account: TOKENS }
]

for (const role of roles) {
  describe(`as ${role.who} (${role.email})`, () => {
    let page
    before(async () => {
      page = await newPage(golive.browser, golive.baseURL)
      await signIn(page, role.email)
    })
    after(async () => { await page?.context().close() })

    test('the dashboard is accessible and the header says who is signed in', async () => {
      await visit(page, '/')
      const h1 = await theH1(page)
      assert.ok(h1.length > 0, 'the dashboard h1 is empty')
      const account = page.getByRole('navigation', { name: 'Account' })
      await account.waitFor()
      assert.ok(await account.getByRole('button', { name: 'Sign out' }).isVisible(), 'no Sign out button in the header')
      await checkA11y(page, `dashboard of ${role.who}`)
    })

    test('the header offers exactly what the role uses', async () => {
      await visit(page, '/')
      // textContent, not what is visible: on a narrow screen NHS.UK's script folds items into "More".
      const labels = (nav) => page.getByRole('navigation', { name: nav }).locator('a').evaluateAll((as) => as.map((a) => a.textContent.trim()))
      assert.deepEqual(await labels('Menu'), role.menu, 'the menu')
      assert.deepEqual(await labels('Account'), role.account, 'the links beside the name')
    })

    for (const path of role.may) {
      test(`may open ${path}`, async () => {
        await visit(page, path)
        await theH1(page)
        await checkA11y(page, `${path} as ${role.who}`)
      })
    }

    for (const path of role.mayNot) {
      test(`is turned away from ${path} with 403 or 404`, async () => {
        await visit(page, path, DENIED)
        await theH1(page)
        await checkA11y(page, `${path} refused to ${role.who}`)
      })
    }
  })
}

describe('the organisation admin manages users', () => {
  let page
  before(async () => {
    page = await newPage(golive.browser, golive.baseURL)
    await signIn(page, demo.tenantAdmin)
  })
  after(async () => { await page?.context().close() })

  test('the users page lists the organisation\'s users in a table', async () => {
    await visit(page, '/admin/users')
    const table = page.locator('main table')
    assert.ok(await table.count() >= 1, 'no table on /admin/users')
    const text = await table.first().textContent()
    assert.match(text, /lead@medway-ccg\.test/, 'the procurement lead is not in the users table')
  })

  test('the invite form asks for email, name and roles', async () => {
    await visit(page, '/admin/users/invite')
    assert.ok(await page.locator('#email').isVisible(), 'no #email field')
    assert.ok(await page.locator('#name').isVisible(), 'no #name field')
    assert.ok(await page.locator('main input[type="checkbox"]').count() >= 1, 'no role checkboxes')
  })

  test('an empty invitation shows an error summary whose links reach their fields', async () => {
    await visit(page, '/admin/users/invite')
    const form = page.locator('main form').filter({ has: page.locator('#email') })
    await form.locator('button[type="submit"], button:not([type])').first().click()
    await page.locator('.nhsuk-error-summary').waitFor()
    assert.match(await page.title(), /^Error: /)
    const hrefs = await page.locator('.nhsuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    assert.ok(hrefs.length > 0, 'the error summary links to no field')
    for (const href of hrefs) {
      assert.match(href, /^#./)
      assert.equal(await page.locator(href).count(), 1, `the error summary links to ${href}, which is not on the page`)
    }
    await checkA11y(page, 'the invite form with errors')
  })
})

describe('the platform admin watches background jobs inside golive', () => {
  let page
  before(async () => {
    page = await newPage(golive.browser, golive.baseURL)
    await signIn(page, demo.platformAdmin)
  })
  after(async () => { await page?.context().close() })

  test('Jobs in the menu shows the job monitor in golive\'s frame, and the menu leads back', async () => {
    await visit(page, '/')
    await Promise.all([page.waitForNavigation(), page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Jobs', exact: true }).click()])
    assert.equal(await theH1(page), 'Jobs')
    // asynqmon draws itself with script inside the frame: its queue list names the default queue.
    const monitor = page.frameLocator('iframe[title^="Job monitor"]')
    await monitor.getByText('default', { exact: true }).first().waitFor()
    await checkA11y(page, 'the Jobs page')
    await Promise.all([page.waitForNavigation(), page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Dashboard', exact: true }).click()])
    assert.equal(new URL(page.url()).pathname, '/')
  })
})
