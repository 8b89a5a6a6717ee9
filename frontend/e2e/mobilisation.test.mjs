// Mobilisation to go-live through the pages (issue 6, "must show" 1), as the people who do it
// would: the demo's Kent and Medway lot 1, awarded to its provider, has a plan with a phase per
// go-live; the provider reports progress on a milestone, attaches evidence and asks for it to be
// accepted, and the Medway lead accepts it; time passes, critical milestones fall overdue, and the
// phase turns red with its forecast go-live moved; the lead cannot declare it live until every
// critical milestone is accepted (the rest are accepted over the API, with tokens made on
// /account/tokens) and every commissioner's approver has signed go on the go/no-go page (a go
// while critical milestones are open must acknowledge them, with a reason); then it is live, on
// the phase page and the dashboard. Every page passes axe, the timeline page with its
// chart included.
//
// golive runs on a clock in September 2018 (GOLIVE_NOW), before the first milestone is due, and
// restarts on the same data in January 2019. The test depends on the demo's award of Kent and
// Medway lot 1 (contract KM-IUCS-2018-L1), its people and organisations; it finds the provider,
// the phase, the milestones and the commissioners from the plan itself.
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, theH1, useGolive, visit } from './harness.mjs'
import { errorBeside, flash, press, sessions, shown, summary } from './walkthrough.mjs'

const START = '2018-09-20T10:00:00+01:00' // before the first due day of the plan
const SLIPPED = '2019-01-21T10:00:00Z' // months on: what was due by now and is not done is overdue
const CONTRACT = 'KM-IUCS-2018-L1'

// The demo's people: a provider's bid team and each commissioner's governing-body approver.
const bidders = {
  'Weald Ambulance Service NHS Trust': 'bids@weald-ambulance.test',
  'Estuary Urgent Care CIC': 'bids@estuary-urgent-care.test',
  'North Downs GP Federation': 'bids@north-downs-gp.test',
  'Channel Coast Health Partnership': 'bids@channel-coast-health.test'
}
const approvers = {
  'NHS Medway CCG': demo.approver,
  'NHS Ashford CCG': 'approver@ashford-ccg.test',
  'NHS Canterbury and Coastal CCG': 'approver@canterbury-ccg.test',
  'NHS Dartford, Gravesham and Swanley CCG': 'approver@dgs-ccg.test',
  'NHS South Kent Coast CCG': 'approver@skc-ccg.test',
  'NHS Swale CCG': 'approver@swale-ccg.test',
  'NHS Thanet CCG': 'approver@thanet-ccg.test',
  'NHS West Kent CCG': 'approver@westkent-ccg.test'
}

// people grows in the before hook: the provider's bid team and the approvers are found from the plan.
const people = { lead: demo.lead }
const golive = useGolive({ env: { GOLIVE_NOW: START } })
const { as, closePages, tokenFor, api, pages } = sessions(golive, people, { tokenName: 'mobilisation test' })
const ids = {}

// tableRows reads the body rows of the table that follows the heading with id, as text cells.
async function rowsAfter (page, headingID) {
  return page.locator(`h2[id="${headingID}"] ~ table, h2[id="${headingID}"] ~ .golive-table-scroll table`).first().locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.innerText.replace(/\s+/g, ' ').trim())))
}

// phaseRow is the phase's row of the plan page's phases table.
async function phaseRow (page, name) {
  const rows = await rowsAfter(page, 'phases')
  const row = rows.find((r) => r[0] === name)
  assert.ok(row, `no row for ${name} in ${JSON.stringify(rows)}`)
  return { goLive: row[1], forecast: row[2], status: row[3] }
}

const planPath = () => `/mobilisation/plans/${ids.plan}`
const milestonePath = (m) => `${planPath()}/milestones/${m}`
const phasePath = () => `${planPath()}/phases/${ids.phase}`

describe('a mobilisation plan from contract award to go-live', () => {
  before(async () => {
    await tokenFor('lead')
    const plans = await api('lead', 'GET', '/mobilisation/plans', undefined, 200)
    const card = plans.plans.find((p) => p.contract_reference === CONTRACT)
    assert.ok(card, `the demo has no plan for ${CONTRACT}: ${JSON.stringify(plans).slice(0, 500)}`)
    ids.plan = card.plan_id
    const plan = await api('lead', 'GET', `/mobilisation/plans/${ids.plan}`, undefined, 200)
    ids.provider = plan.provider_name
    people.provider = bidders[plan.provider_name]
    assert.ok(people.provider, `no demo bidder for the provider ${plan.provider_name}`)
    ids.phase = plan.phases[0].id
    ids.phaseName = plan.phases[0].name
    ids.participants = plan.participants.map((o) => o.name)
    for (const name of ids.participants) {
      assert.ok(approvers[name], `no demo approver for ${name}`)
      people[name] = approvers[name]
    }
    // The provider's milestone the walk reports on: an open, critical one of the first phase.
    const open = plan.milestones.filter((m) => m.phase_id === ids.phase && m.owner_side === 'provider' && m.critical && !m.accepted_at)
    const m = open.find((x) => x.template_key === 'cqc_application') ?? open[0]
    assert.ok(m, 'the plan has no open critical milestone of the provider')
    ids.milestone = m.id
    ids.milestoneTitle = m.title
    await tokenFor('provider')
    await closePages()
  }, { timeout: 300_000 })

  test('the award made a plan with a phase per go-live, shown on the dashboard and the timeline', async () => {
    const page = await as('lead')
    await visit(page, '/mobilisation')
    assert.equal(await theH1(page), 'Mobilisation')
    const plans = await rowsAfter(page, 'plans')
    const row = plans.find((r) => r[0].startsWith(CONTRACT))
    assert.ok(row, `the dashboard does not list ${CONTRACT}: ${JSON.stringify(plans)}`)
    assert.ok(row[2].includes(ids.phaseName) && row[2].includes('go-live 1 April 2019'), `phases on the dashboard: ${row[2]}`)
    await checkA11y(page, 'the mobilisation dashboard')

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: new RegExp(`^${CONTRACT}`) }).first().click()])
    assert.equal(new URL(page.url()).pathname, planPath())
    assert.ok((await theH1(page)).startsWith(CONTRACT))
    const ph = await phaseRow(page, ids.phaseName)
    assert.equal(ph.goLive, '1 April 2019')
    assert.equal(ph.forecast, '1 April 2019', 'on time at the start')
    assert.ok(!ph.status.startsWith('Red'), `the phase is red before anything slipped: ${ph.status}`)

    // The timeline: an image with a title, described by its <desc> and by the milestones table.
    const svg = page.locator('svg[role="img"][aria-labelledby="gantt-title"]')
    assert.equal(await svg.count(), 1, 'no timeline chart')
    assert.match(await svg.getAttribute('aria-describedby'), /milestones-table/)
    assert.ok((await page.locator('#milestones-table tbody tr').count()) >= 30, 'the table alternative lacks milestones')
    assert.equal(await svg.locator('text', { hasText: /^Go-live 1 Apr 2019: / }).count(), 1, 'the go-live line is not labelled')
    assert.ok((await svg.locator('text', { hasText: /CP$/ }).count()) > 0, 'the critical path is not marked')
    assert.equal(await svg.locator('text', { hasText: 'Forecast go-live' }).count(), 0, 'a forecast line while on time')
    await checkA11y(page, 'the plan page with its timeline')
  })

  test('the provider reports progress and attaches evidence; the lead accepts it', async () => {
    const provider = await as('provider')
    await visit(provider, milestonePath(ids.milestone))
    assert.equal(await theH1(provider), ids.milestoneTitle)
    await checkA11y(provider, 'a milestone, as its owner')

    // A report that says nothing is refused beside the note.
    await provider.locator('#progress-note').fill('')
    await press(provider, 'Save progress')
    assert.match(await errorBeside(provider, 'progress-note'), /./, 'an empty progress report is not refused beside the note')
    await checkA11y(provider, 'a milestone with an error beside the progress note')

    await provider.getByLabel('In progress', { exact: true }).check()
    await provider.locator('#progress-note').fill('Application drafted with the registered manager; locations listed.')
    await press(provider, 'Save progress')
    assert.match(await flash(provider), /Progress recorded/, await summary(provider))

    await press(provider, 'Upload evidence')
    assert.match(await errorBeside(provider, 'evidence-file'), /Select a file/)
    await provider.locator('#evidence-file').setInputFiles({ name: 'cqc-application.pdf', mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n') })
    await press(provider, 'Upload evidence')
    assert.match(await flash(provider), /cqc-application\.pdf/, await summary(provider))
    assert.equal(await provider.getByRole('link', { name: 'cqc-application.pdf' }).count(), 1)

    await provider.locator('#completion-note').fill('Submitted to CQC on the portal; acknowledgement attached.')
    await press(provider, 'Ask the commissioner to accept it')
    assert.match(await flash(provider), /asked the commissioner to accept/, await summary(provider))
    assert.equal(await provider.getByRole('button', { name: 'Accept as done' }).count(), 0, 'the provider can accept its own work')

    const lead = await as('lead')
    await visit(lead, milestonePath(ids.milestone))
    assert.ok((await shown(lead, 'main')).includes('Application drafted with the registered manager'), 'the lead does not see the note')
    await checkA11y(lead, 'a milestone waiting for acceptance, as the lead')
    await lead.locator('#accept-note').fill('Acknowledgement from CQC checked.')
    await press(lead, 'Accept as done')
    assert.match(await flash(lead), /accepted as done/, await summary(lead))
    assert.match(await shown(lead, '#milestone-status'), /Done: accepted/)
    await checkA11y(lead, 'a milestone accepted as done')
  })

  test('time passes: overdue critical milestones turn the phase red and move its forecast', async () => {
    await closePages()
    await golive.app.restart({ GOLIVE_NOW: SLIPPED })
    const lead = await as('lead')
    await visit(lead, planPath())
    const ph = await phaseRow(lead, ids.phaseName)
    assert.ok(ph.status.startsWith('Red'), `the phase is not red after the slip: ${ph.status}`)
    assert.notEqual(ph.forecast.split(' ').slice(0, 3).join(' '), '1 April 2019', `the forecast did not move: ${ph.forecast}`)
    assert.match(ph.forecast, /days? late/)
    const svg = lead.locator('svg[role="img"]')
    assert.equal(await svg.locator('text', { hasText: 'Forecast go-live' }).count(), 1, 'no forecast line on the timeline')
    assert.ok((await svg.locator('text', { hasText: /^R( CP)?$/ }).count()) > 0, 'no red milestone marked R')
    await checkA11y(lead, 'the plan page after the slip')

    await visit(lead, '/mobilisation')
    const overdue = await rowsAfter(lead, 'overdue')
    assert.ok(overdue.length > 0, 'the dashboard lists nothing overdue')
    assert.ok(overdue.every((r) => r[1].length > 0), 'an overdue milestone without whose it is')
    await checkA11y(lead, 'the dashboard with overdue milestones')

    // Not live yet: the lead is not offered Declare live but told, as a list, what is missing.
    await visit(lead, phasePath())
    assert.equal(await lead.getByRole('button', { name: 'Declare live' }).count(), 0, 'Declare live is offered before it can succeed')
    const missing = await lead.locator('#missing li').allInnerTexts()
    assert.ok(missing.some((m) => /is not done/.test(m)) && missing.some((m) => /has not made a go\/no-go decision/.test(m)),
      `the missing list: ${JSON.stringify(missing)}`)
    assert.match(await shown(lead, '#live-waits'), /once nothing is missing/)
    await checkA11y(lead, 'the go/no-go page listing what is missing')

    // An approver is warned of the open critical milestones, and a go needs them acknowledged
    // with a reason, which everyone then sees with the decision.
    await tokenFor('lead')
    const plan = await api('lead', 'GET', `/mobilisation/plans/${ids.plan}`, undefined, 200)
    const open = plan.milestones.filter((m) => m.phase_id === ids.phase && m.critical && !m.accepted_at).length
    assert.ok(open > 1 && ids.participants.length > 1, `${open} critical milestones open, ${ids.participants.length} participants`)
    const name = ids.participants.at(-1) // not the first, who later signs without a reason first
    const approver = await as(name)
    await visit(approver, phasePath())
    assert.match(await shown(approver, '#open-critical'), new RegExp(`${open} critical milestones still open`))
    await approver.getByLabel('Go: ready to go live', { exact: true }).check()
    await approver.locator('#decide-reason').fill('The readiness review was held.')
    await press(approver, 'Sign the decision')
    assert.match(await errorBeside(approver, 'decide-acknowledge_open_critical'),
      new RegExp(`Confirm you are signing go with ${open} critical milestones still open$`))
    assert.match(await errorBeside(approver, 'decide-acknowledgement'), /reason for signing go with critical milestones/)
    await checkA11y(approver, 'the go/no-go page asking to acknowledge open critical milestones')
    await approver.getByLabel(`I am signing go with ${open} critical milestones still open`).check()
    await approver.locator('#decide-acknowledgement').fill('The outstanding items are covered by the assurance plan agreed at the board.')
    await press(approver, 'Sign the decision')
    assert.match(await flash(approver), new RegExp(`recorded: go, with ${open} critical milestones open`), await summary(approver))
    await approver.context().close()
    delete pages[name]
    await visit(lead, phasePath())
    const row = (await rowsAfter(lead, 'decisions')).find((r) => r[0] === name)
    assert.match(row[2], new RegExp(`Signed go with ${open} critical milestones open: The outstanding items are covered`))
    await checkA11y(lead, 'the go/no-go page with an acknowledged go')
  })

  test('every critical milestone accepted and every approver signs go: the phase is live', async () => {
    // The rest of the critical milestones, over the API: the provider asks, the lead accepts.
    await tokenFor('lead')
    await tokenFor('provider')
    const plan = await api('lead', 'GET', `/mobilisation/plans/${ids.plan}`, undefined, 200)
    for (const m of plan.milestones.filter((x) => x.phase_id === ids.phase && x.critical && !x.accepted_at)) {
      const path = `/mobilisation/plans/${ids.plan}/milestones/${m.id}`
      if (m.owner_side === 'provider' && !m.completion_requested_at) {
        await api('provider', 'POST', `${path}/completion-request`, { note: `Done: see the board papers for “${m.title}”.` }, 200)
      }
      await api('lead', 'POST', `${path}/accept`, { note: 'Checked at the mobilisation board.' }, 200)
    }
    await closePages()

    // Each commissioner's approver signs on the go/no-go page; the first tries without a reason.
    for (const [i, name] of ids.participants.entries()) {
      const page = await as(name)
      await visit(page, phasePath())
      assert.equal(await theH1(page), `Go or no-go: ${ids.phaseName}`)
      await page.getByLabel('Go: ready to go live', { exact: true }).check()
      if (i === 0) {
        await press(page, 'Sign the decision')
        assert.match(await errorBeside(page, 'decide-reason'), /reason/i)
        await checkA11y(page, 'the go/no-go page with an error beside the reason')
      }
      await page.locator('#decide-reason').fill(`${name}'s governing body is assured of readiness.`)
      await press(page, 'Sign the decision')
      assert.match(await flash(page), /decision is recorded: go/, await summary(page))
      if (i === 0) await checkA11y(page, 'the go/no-go page after signing')
      await page.context().close()
      delete pages[name]
    }

    const lead = await as('lead')
    await visit(lead, phasePath())
    assert.match(await shown(lead, '#readiness ~ .nhsuk-inset-text'), /Ready to go live/)
    const decisions = await rowsAfter(lead, 'decisions')
    assert.equal(decisions.length, ids.participants.length)
    assert.ok(decisions.every((r) => r[1] === 'Go'), `not every commissioner signed go: ${JSON.stringify(decisions)}`)
    await checkA11y(lead, 'the go/no-go page, ready')
    await press(lead, 'Declare live')
    assert.match(await flash(lead), new RegExp(`${ids.phaseName} is live`), await summary(lead))
    assert.match(await shown(lead, 'main'), /is live/)
    assert.equal(await lead.getByRole('button', { name: 'Declare live' }).count(), 0)
    await checkA11y(lead, 'the go/no-go page of a live phase')

    await visit(lead, '/mobilisation')
    const row = (await rowsAfter(lead, 'plans')).find((r) => r[0].startsWith(CONTRACT))
    assert.match(row[2], new RegExp(`${ids.phaseName}: .*live since`), `the dashboard does not say it is live: ${row[2]}`)
    await checkA11y(lead, 'the dashboard with a live phase')
  })

  test('the plan exports and a private calendar link work', async () => {
    const lead = await as('lead')
    await visit(lead, planPath())
    const csv = await lead.request.get(`${planPath()}/export.csv`)
    assert.equal(csv.status(), 200)
    const body = await csv.text()
    assert.ok(body.startsWith('part,item,value'), body.slice(0, 80))
    assert.ok(body.includes(`plan,Contract,${CONTRACT}`))
    const xlsx = await lead.request.get(`${planPath()}/export.xlsx`)
    assert.equal(xlsx.status(), 200)
    assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK', 'the workbook is not a zip')

    await press(lead, 'Create a calendar link for this plan')
    const link = await shown(lead, '#new-calendar-link')
    assert.match(link, /\/calendar\/[A-Za-z0-9_-]{43}\.ics$/)
    await checkA11y(lead, 'the calendar links page with a new link')
    const feed = await fetch(link.replace(/^https?:\/\/[^/]+/, golive.baseURL)) // no session: the link is the key
    assert.equal(feed.status, 200)
    const ics = await feed.text()
    assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\n'), ics.slice(0, 40))
    assert.ok(ics.includes(`UID:${ids.milestone}@golive`), 'the feed lacks the milestone')
    await Promise.all([lead.waitForNavigation(), lead.getByRole('button', { name: /^Revoke/ }).first().click()])
    assert.match(await flash(lead), /revoked/)
    assert.equal((await fetch(link.replace(/^https?:\/\/[^/]+/, golive.baseURL))).status, 404, 'a revoked link still answers')
  })
})
