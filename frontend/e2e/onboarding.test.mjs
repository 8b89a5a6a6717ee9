// From an empty install to a working service, through the pages only, on the real binary with
// no demo: `golive admin create` prints a link, the platform admin sets a password and signs in,
// creates a commissioner with its ODS code and invites its administrator, who invites a
// procurement lead; the lead creates, gets approved and publishes a procurement; a provider
// registers itself from the sign-in page, confirms its email and sees the opportunity.
//
// golive runs on the real clock here (the link `admin create` prints is valid for 24 hours from
// now), so the procurement's dates are set relative to today. No mail server is set up: mail stays
// in the outbox, which the platform admin reads at /platform/outbox, as on a new install.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, newPage, signIn, theH1, useGolive, visit } from './harness.mjs'
import { fillDate } from './dates.mjs'
import { errorBeside, flash, press, summary, text } from './walkthrough.mjs'

const golive = useGolive({ empty: true })
const state = {}
const PLATFORM = { email: 'ops@golive.example', name: 'Olu Ops', password: 'platform password 2026' }
const ICB_ADMIN = { email: 'admin@kmicb.example', name: 'Ira Admin', password: 'icb admin password 1' }
const LEAD = { email: 'lead@kmicb.example', name: 'Lou Lead', password: 'icb lead password 12' }
const BIDDER = { email: 'bids@thames-uc.example', name: 'Bea Bidder', password: 'bid manager password' }
const PROCUREMENT = 'Kent and Medway integrated urgent care'

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

// readLink opens the newest mail to `to` in the platform admin's outbox and returns the path of
// its link under prefix.
async function readLink (to, prefix) {
  const page = state.platform
  await visit(page, '/platform/outbox')
  const row = page.locator('tbody tr').filter({ has: page.locator('td', { hasText: to }) }).first()
  assert.equal(await row.count(), 1, `no mail to ${to} in the outbox`)
  await Promise.all([page.waitForNavigation(), row.locator('a').first().click()])
  // The outbox shows the text once the worker has taken the mail ("kept in local outbox").
  const link = new RegExp(`https?://[^\\s]+(${prefix}[A-Za-z0-9_-]+)`)
  for (let i = 0; ; i++) {
    const m = (await text(page)).match(link)
    if (m) return m[1]
    assert.ok(i < 40, `no ${prefix} link in the mail to ${to}`)
    await page.waitForTimeout(250)
    await page.reload()
  }
}

// setPassword fills a set-password form (invitation, reset or registration) and sends it.
async function setPassword (page, password, button) {
  await page.locator('#password').fill(password)
  await page.locator('#confirm').fill(password)
  await press(page, button)
}

describe('from an empty install to a published procurement and a registered bidder', () => {
  test('golive admin create prints a link; the platform admin sets a password and signs in', async () => {
    const out = await golive.run(['admin', 'create', '--email', PLATFORM.email, '--name', PLATFORM.name])
    const m = out.match(/https?:\/\/\S+(\/reset-password\/[A-Za-z0-9_-]+)/)
    assert.ok(m, `no link printed:\n${out}`)
    const page = await newPage(golive.browser, golive.baseURL)
    state.platform = page
    await visit(page, m[1])
    await theH1(page)
    await checkA11y(page, 'the set-password page of the bootstrap link')
    await setPassword(page, PLATFORM.password, 'Change my password')
    assert.match(await flash(page), /password has been changed/, await summary(page))
    // The role was written by another process: every serve process applies it within 5 seconds.
    await signIn(page, PLATFORM.email, PLATFORM.password)
    for (let i = 0; (await theH1(page)) !== 'Dashboard'; i++) {
      assert.ok(i < 20, 'the platform admin never reached the dashboard')
      await page.waitForTimeout(500)
      await visit(page, '/', [200, 403])
    }
    await checkA11y(page, 'the platform dashboard')
  })

  test('the platform admin creates a commissioner with its ODS code, checked for form', async () => {
    const page = state.platform
    await visit(page, '/')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Manage organisations' }).click()])
    assert.equal(await theH1(page), 'Organisations')
    await checkA11y(page, 'the organisations list (empty)')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Create an organisation' }).click()])
    await theH1(page)
    await checkA11y(page, 'the new organisation form')
    await page.locator('#name').fill('NHS Kent and Medway ICB')
    await page.getByLabel('Commissioner (a CCG or ICB)', { exact: true }).check()
    await page.locator('#legal_form').selectOption('nhs_commissioner')
    await page.locator('#ods_code').fill('QKSX')
    await press(page, 'Create organisation')
    assert.match(await errorBeside(page, 'ods_code'), /3 letters or numbers/)
    await checkA11y(page, 'the new organisation form with an error')
    await page.locator('#ods_code').fill('qks')
    await press(page, 'Create organisation')
    assert.match(await flash(page), /NHS Kent and Medway ICB created/, await summary(page))
    assert.equal(await theH1(page), 'NHS Kent and Medway ICB')
    assert.ok((await text(page)).includes('QKS'), 'the ODS code is not shown')
    state.icb = new URL(page.url()).pathname
    await checkA11y(page, 'the organisation page')

    await visit(page, '/platform/organisations?q=qks')
    assert.ok((await text(page)).includes('NHS Kent and Medway ICB'), 'a search by ODS code does not find it')
    await checkA11y(page, 'the organisations list (a search)')
  })

  test('the platform admin invites its administrator, who accepts and invites a procurement lead', async () => {
    const page = state.platform
    await visit(page, '/')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Give NHS Kent and Medway ICB an administrator' }).click()])
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Invite a user' }).click()])
    await theH1(page)
    await checkA11y(page, 'the platform invite form')
    await page.locator('#name').fill(ICB_ADMIN.name)
    await page.locator('#email').fill(ICB_ADMIN.email)
    assert.ok(await page.getByLabel('Organisation admin', { exact: true }).isChecked(), 'the administrator role is not chosen by default')
    await press(page, 'Send invitation')
    assert.match(await flash(page), /Invitation sent/, await summary(page))
    await checkA11y(page, 'the organisation page with a pending invitation')

    const admin = await newPage(golive.browser, golive.baseURL)
    await visit(admin, await readLink(ICB_ADMIN.email, '/invitations/'))
    assert.ok((await text(admin)).includes('NHS Kent and Medway ICB'))
    await setPassword(admin, ICB_ADMIN.password, 'Create my account')
    await signIn(admin, ICB_ADMIN.email, ICB_ADMIN.password)
    await visit(admin, '/admin/users/invite')
    await admin.locator('#name').fill(LEAD.name)
    await admin.locator('#email').fill(LEAD.email)
    // The ICB is small: its lead also takes the business case to the board.
    await admin.getByLabel('Procurement lead', { exact: true }).check()
    await admin.getByLabel('Governing-body approver', { exact: true }).check()
    await press(admin, 'Send invitation')
    assert.match(await flash(admin), /Invitation sent/, await summary(admin))

    const lead = await newPage(golive.browser, golive.baseURL)
    state.lead = lead
    await visit(lead, await readLink(LEAD.email, '/invitations/'))
    await setPassword(lead, LEAD.password, 'Create my account')
    await signIn(lead, LEAD.email, LEAD.password)

    await visit(page, state.icb)
    const people = await text(page)
    assert.ok(people.includes(ICB_ADMIN.email) && people.includes(LEAD.email), 'the organisation page does not list its people')
  })

  test('the lead creates a procurement, approves it for the board and publishes it', async () => {
    const page = state.lead
    await visit(page, '/procurements/new')
    await page.locator('#title').fill(PROCUREMENT)
    await page.locator('#reference').fill('KM-IUC-NEW')
    await page.getByLabel('Provider Selection Regime', { exact: true }).check()
    await page.locator('#procedure').selectOption('Open')
    await page.locator('#term_years').fill('5')
    await page.locator('#extension_years').fill('2')
    await fillDate(page, 'Clarification deadline', day(30), '12:00')
    await fillDate(page, 'Submission deadline', day(45), '12:00')
    await fillDate(page, 'Opening and evaluation start', day(46), '09:00')
    await fillDate(page, 'Award date', day(90), '12:00')
    await fillDate(page, 'Contract start', day(240), '08:00')
    await press(page, 'Create procurement')
    const m = new URL(page.url()).pathname.match(/^\/procurements\/([0-9a-f-]{36})$/)
    assert.ok(m, `creating landed on ${page.url()}: ${await summary(page)}`)
    state.procurement = m[1]

    await page.locator('#lot-title').fill('NHS 111 and clinical assessment service')
    await page.getByLabel('NHS 111', { exact: true }).check()
    await page.getByLabel('Clinical assessment service', { exact: true }).check()
    const lotForm = page.locator('form[action$="/lots"]')
    const icb = lotForm.getByLabel('NHS Kent and Medway ICB', { exact: true })
    if (await icb.count()) await icb.check()
    await press(page, 'Add lot')
    assert.match(await flash(page), /Lot 1 added/, await summary(page))
    await page.locator('#tpl-template').selectOption('iuc')
    await press(page, 'Apply template')
    await page.locator('#phase-name').fill('NHS 111 and CAS go live')
    await page.locator('#phase-service').selectOption('nhs111')
    await fillDate(page, 'Go-live date and time', day(240), '08:00')
    await press(page, 'Add phase')
    assert.match(await flash(page), /Phase .* added/, await summary(page))

    await visit(page, `/procurements/${state.procurement}`)
    await press(page, 'Submit for approval')
    assert.match(await flash(page), /Sent to every participating governing body/, await summary(page))
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: "Record your governing body's decision" }).click()])
    await page.getByLabel('Approve', { exact: true }).check()
    await fillDate(page, 'Date of the governing body meeting', day(-3))
    await page.locator('#minute_ref').fill('KMICB/BD/01')
    await press(page, 'Record decision')
    assert.match(await flash(page), /approval is recorded/, await summary(page))
    await visit(page, `/procurements/${state.procurement}`)
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Check and publish', exact: true }).click()])
    if (await page.locator('#publish-confirm_short_tender_period').count()) await page.locator('#publish-confirm_short_tender_period').check()
    await press(page, 'Publish to bidders')
    assert.match(await flash(page), /Published/, await summary(page))
  })

  test('a provider registers itself from the sign-in page, confirms its email and sees the opportunity', async () => {
    const page = await newPage(golive.browser, golive.baseURL)
    await visit(page, '/sign-in')
    await checkA11y(page, 'the sign-in page')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Register your organisation to bid' }).click()])
    assert.equal(await theH1(page), 'Register your organisation to bid')
    await checkA11y(page, 'the registration form')
    await page.locator('#org_name').fill('Thames Urgent Care CIC')
    await page.locator('#legal_form').selectOption('cic')
    await page.locator('#companies_house_number').fill('1234')
    await page.locator('#name').fill(BIDDER.name)
    await page.locator('#email').fill(BIDDER.email)
    await press(page, 'Register')
    assert.match(await errorBeside(page, 'companies_house_number'), /8 characters/)
    await checkA11y(page, 'the registration form with an error')
    await page.locator('#companies_house_number').fill('12345678')
    await press(page, 'Register')
    assert.equal(await theH1(page), 'Check your email', await summary(page))
    await checkA11y(page, 'the registration sent page')

    await visit(page, await readLink(BIDDER.email, '/register/'))
    assert.ok((await text(page)).includes('Thames Urgent Care CIC'))
    await checkA11y(page, 'the registration confirmation page')
    await setPassword(page, BIDDER.password, 'Finish registering')
    assert.match(await flash(page), /is registered and you are its administrator/, await summary(page))
    await signIn(page, BIDDER.email, BIDDER.password)
    await visit(page, '/opportunities')
    assert.ok((await text(page)).includes(PROCUREMENT), 'the registered bidder does not see the published opportunity')

    // The platform admin sees it registered itself, and could suspend it.
    await visit(state.platform, '/platform/organisations?kind=provider')
    await Promise.all([state.platform.waitForNavigation(), state.platform.getByRole('link', { name: 'Thames Urgent Care CIC' }).click()])
    assert.ok((await text(state.platform)).includes('registered itself'))
    assert.equal(await state.platform.getByRole('button', { name: 'Suspend this registration' }).count(), 1)
    await checkA11y(state.platform, 'a self-registered organisation')
  })

  test('every step is in the audit trail, whose chain still verifies', async () => {
    const out = await golive.run(['audit', 'verify'])
    assert.match(out, /head: seq \d+/, out)
  })
})
