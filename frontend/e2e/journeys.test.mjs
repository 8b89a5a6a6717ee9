// Signing in and out, a forgotten password, and an API token that is shown exactly once.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, newPage, signIn, theH1, useGolive, visit } from './harness.mjs'

const golive = useGolive()

describe('signing in', () => {
  let page
  before(async () => { page = await newPage(golive.browser, golive.baseURL) })
  after(async () => { await page?.context().close() })

  test('the sign-in page is accessible', async () => {
    await visit(page, '/sign-in')
    await theH1(page)
    assert.ok(await page.locator('#email').isVisible(), 'no #email field')
    assert.ok(await page.locator('#password').isVisible(), 'no #password field')
    await checkA11y(page, 'the sign-in page')
  })

  test('a wrong password shows an error summary that links to the field', async () => {
    await visit(page, '/sign-in')
    await page.locator('#email').fill(demo.lead)
    await page.locator('#password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    const summary = page.locator('.nhsuk-error-summary')
    await summary.waitFor()
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'a wrong password left the sign-in page')
    assert.match(await page.title(), /^Error: /)
    const link = summary.locator('a[href="#email"], a[href="#password"]').first()
    assert.equal(await link.count(), 1, 'the error summary does not link to #email or #password')
    const target = await link.getAttribute('href')
    assert.equal(await page.locator(target).count(), 1, `${target} is not on the page`)
    assert.equal(await page.locator('#password').inputValue(), '', 'the password was sent back to the browser')
    await checkA11y(page, 'the sign-in page after a wrong password')
    // NHS.UK's error summary script moves focus to the field the link names.
    await link.click()
    assert.equal(await page.evaluate(() => document.activeElement?.id), target.slice(1))
  })

  test('signing out ends the session', async () => {
    await signIn(page, demo.observer)
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/sign-out'),
      page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click()
    ])
    assert.ok(res.status() < 400, `POST /sign-out answered ${res.status()}`)
    await page.waitForLoadState('load')
    await page.goto('/')
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'after signing out, / did not lead to /sign-in')
  })
})

describe('a forgotten password', () => {
  let page
  before(async () => { page = await newPage(golive.browser, golive.baseURL) })
  after(async () => { await page?.context().close() })

  test('the forgot-password page is accessible', async () => {
    await visit(page, '/forgot-password')
    await theH1(page)
    assert.ok(await page.locator('#email').isVisible(), 'no #email field')
    await checkA11y(page, 'the forgot-password page')
  })

  test('asking for a reset answers with an accessible page', async () => {
    await visit(page, '/forgot-password')
    await page.locator('#email').fill('nobody@example.test')
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.locator('main form').filter({ has: page.locator('#email') }).locator('button[type="submit"], button:not([type])').first().click()
    ])
    assert.ok(res.status() < 400, `POST /forgot-password answered ${res.status()}`)
    await page.waitForLoadState('load')
    await theH1(page)
    await checkA11y(page, 'the page after asking for a password reset')
  })
})

describe('API tokens', () => {
  let page
  before(async () => {
    page = await newPage(golive.browser, golive.baseURL)
    await signIn(page, demo.lead)
  })
  after(async () => { await page?.context().close() })

  test('a new token is shown once, and only once', async () => {
    await visit(page, '/account/tokens')
    await page.locator('#name').fill('e2e reporting export')
    await page.getByRole('button', { name: 'Create token' }).click()
    const shown = page.locator('#new-token')
    await shown.waitFor()
    const token = (await shown.textContent()).trim() || (await shown.inputValue().catch(() => ''))
    assert.ok(token.length >= 20, `the token shown is too short to be one: ${JSON.stringify(token)}`)
    await checkA11y(page, 'the tokens page showing a new token')

    await visit(page, '/account/tokens')
    assert.equal(await page.locator('#new-token').count(), 0, 'the token is shown again')
    const html = await page.content()
    assert.ok(!html.includes(token), 'the token is still in the page')
    assert.ok(html.includes('e2e reporting export'), 'the new token is not listed by name')
    await checkA11y(page, 'the tokens page with a token')
  })
})
