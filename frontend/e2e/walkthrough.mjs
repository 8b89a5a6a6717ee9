// What the walk-through tests share (a procurement, its evaluation, award and mobilisation,
// through the pages as its people would): the demo's people each signed in on a page of their
// own and, if their role uses the API (Healthwatch's does not), given an API token on
// /account/tokens, calls to the API as them, the small readers of
// pages that the walks assert on, and a lot built, approved, published, bid for and opened over
// the API for the tests that start after all that.
//
// A test file calls useGolive() from harness.mjs, then sessions(golive, people, …) once with its
// map of people (a name it uses → email), and uses what sessions returns in its hooks and tests.
import assert from 'node:assert/strict'
import { demo, newPage, signIn, visit } from './harness.mjs'

// press clicks a button that submits a form and waits for the page it leads to.
export async function press (page, name, scope = page) {
  const button = scope.getByRole('button', { name, exact: true })
  await Promise.all([page.waitForNavigation(), button.first().click()])
  await page.waitForLoadState('load')
}

// text returns the text of the page's main, white space folded.
export async function text (page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ')
}

// shown returns the text of selector on the page as it is now, or '' without waiting for it.
export async function shown (page, selector) {
  const el = page.locator(selector).first()
  if (await el.count() === 0) return ''
  return (await el.innerText()).replace(/\s+/g, ' ')
}

export const flash = (page) => shown(page, '.nhsuk-notification-banner')
export const summary = (page) => shown(page, '.nhsuk-error-summary')

// errorBeside returns the message shown with the field of id, asserting the error summary links to it.
export async function errorBeside (page, id) {
  const group = page.locator(`.nhsuk-form-group--error:has([id="${id}"])`).first()
  assert.equal(await group.count(), 1, `no error shown beside #${id}: ${await summary(page)}`)
  assert.equal(await page.locator(`.nhsuk-error-summary a[href="#${id}"]`).count(), 1, `the error summary does not link to #${id}`)
  return (await group.locator('.nhsuk-error-message').first().innerText()).replace(/\s+/g, ' ')
}

// sessions gives a test its people: as(who) is who's page, signed in the first time it is asked
// for; closePages() closes them all (before golive restarts: sessions may not survive it);
// tokenFor(who) makes who an API token, named tokenName, and api(who, …) calls the API with it.
// people is read when a person is first asked for, so a test may add to it as it learns who
// they are. golive is what useGolive returns.
export function sessions (golive, people, { tokenName = 'e2e test' } = {}) {
  const pages = {}
  const tokens = {}

  async function as (who) {
    if (!pages[who]) {
      pages[who] = await newPage(golive.browser, golive.baseURL)
      await signIn(pages[who], people[who])
    }
    return pages[who]
  }

  async function closePages () {
    for (const p of Object.values(pages)) await p.context().close()
    for (const k of Object.keys(pages)) delete pages[k]
  }

  // tokenFor makes an API token for who on /account/tokens, the one way a person gets one.
  async function tokenFor (who) {
    const page = await as(who)
    await visit(page, '/account/tokens')
    await page.locator('#name').fill(tokenName)
    await press(page, 'Create token')
    const token = (await page.locator('#new-token').innerText()).trim()
    assert.ok(token.length >= 20, `no token shown for ${who}`)
    tokens[who] = token
    return token
  }

  // api calls /api/v1 as who, asserting the status when want is given, and returns the JSON answer.
  async function api (who, method, path, body, want) {
    const res = await fetch(`${golive.baseURL}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    if (want !== undefined) assert.equal(res.status, want, `${method} ${path} as ${who}: ${res.status} ${text}`)
    return text ? JSON.parse(text) : null
  }

  return { as, closePages, tokenFor, api, pages }
}

// panelCandidate is the user id of the person the lead's panel forms offer as label ("Robin
// Reviewer, Healthwatch Kent"), read from the evaluation overview of lot on the lead's page: how
// a test learns who a Healthwatch reviewer is, for Healthwatch has no API (issue 14 item 7).
export async function panelCandidate (leadPage, lot, label) {
  await visit(leadPage, `/evaluations/lots/${lot}`)
  const option = leadPage.locator('select option').filter({ hasText: label })
  assert.equal(await option.count(), 1, `the panel forms do not offer ${label}`)
  return option.getAttribute('value')
}

// The two demo providers that bid for a lot built by openedLot, by their organisations' names.
export const WEALD = 'Weald Ambulance Service NHS Trust'
export const ESTUARY = 'Estuary Urgent Care CIC'

// The demo's people of a lot Medway runs with Swale, by the names the tests use: the lead and
// admin, the two approvers and the two bidders. openedLot acts as each, with a token (tokenFor) made first.
export const lotPeople = {
  lead: demo.lead,
  admin: demo.tenantAdmin,
  medwayApprover: demo.approver,
  swaleApprover: 'approver@swale-ccg.test',
  weald: 'bids@weald-ambulance.test',
  estuary: 'bids@estuary-urgent-care.test'
}

// openedLot builds, over the API, a procurement of Medway with Swale under the Provider Selection
// Regime with one lot of urgent treatment centres and four questions: a clinical one (1.1, a
// minimum of 2) and a patient one (1.2) scored out of 4, a pass/fail (1.3) in the clinical
// section, and a price schedule (2.1); sections names the clinical and the patient section. Both
// governing bodies approve it (decision: its meeting_date and minute_ref), the lead publishes it,
// Weald and Estuary each answer 1.1 to 1.3 and submit prices[name] (pence, one a contract year);
// then golive restarts on the same data with its clock at afterDeadline, and the lead and the
// Medway admin open it. procurement gives the title, reference and dates. golive is what
// useGolive returns, api what sessions does. It returns the ids:
// { procurement, lot, q: number → question id, org: WEALD and ESTUARY → organisation id }.
export async function openedLot (golive, api, { procurement, sections, decision, prices, afterDeadline }) {
  const medway = (await api('lead', 'GET', '/me', undefined, 200)).organisation.id
  const swale = (await api('swaleApprover', 'GET', '/me', undefined, 200)).organisation.id
  const org = {
    [WEALD]: (await api('weald', 'GET', '/me', undefined, 200)).organisation.id,
    [ESTUARY]: (await api('estuary', 'GET', '/me', undefined, 200)).organisation.id
  }

  const p = await api('lead', 'POST', '/procurements', {
    regime: 'psr2024', procedure: 'PSR competitive process', term_years: 2, estimated_value_pence: 4_200_000_00,
    participants: [medway, swale], ...procurement
  }, 201)
  const base = `/procurements/${p.id}`
  const lot = await api('lead', 'POST', `${base}/lots`, { number: 1, title: 'Urgent treatment centres', service_types: ['utc'], participants: [medway, swale] }, 201)
  for (const q of [
    { section: sections.clinical, number: '1.1', text: 'Describe your clinical workforce model', kind: 'scored', weight_bp: 4000, max_score: 4, min_score: 2, panel: 'clinical' },
    { section: sections.patient, number: '1.2', text: 'How will patients experience the service?', kind: 'scored', weight_bp: 3000, max_score: 4, panel: 'patient' },
    { section: sections.clinical, number: '1.3', text: 'Confirm your CQC registration', kind: 'pass_fail', panel: 'clinical' },
    { section: 'Price', number: '2.1', text: 'Price schedule', kind: 'price', weight_bp: 3000, panel: 'finance' }
  ]) await api('lead', 'POST', `${base}/lots/${lot.id}/questions`, q, 201)
  await api('lead', 'POST', `${base}/submit-for-approval`, undefined, 204)
  const approval = { decision: 'approve', ...decision, part2: true }
  await api('medwayApprover', 'POST', `${base}/decision`, approval, 204)
  await api('swaleApprover', 'POST', `${base}/decision`, approval, 204)
  // The tests' tender periods are short (days, not 30): confirmed, as publishing asks.
  await api('lead', 'POST', `${base}/publish`, { confirm_short_tender_period: true }, 204)
  const q = {}
  for (const x of (await api('lead', 'GET', base, undefined, 200)).lots[0].questions) q[x.number] = x.id

  for (const [who, name] of [['weald', WEALD], ['estuary', ESTUARY]]) {
    await api(who, 'POST', `/opportunities/${p.id}/interest`, undefined, 204)
    await api(who, 'PUT', `/opportunities/${p.id}/lots/${lot.id}/response`, {
      answers: ['1.1', '1.2', '1.3'].map((n) => ({ question_id: q[n], text: `${name} answers ${n}: a named clinical lead and weekly reporting.` })),
      prices: prices[name].map((pence, i) => ({ year: i + 1, pence }))
    }, 200)
    await api(who, 'POST', `/opportunities/${p.id}/lots/${lot.id}/submit`, undefined, 200)
  }
  await golive.app.restart({ GOLIVE_NOW: afterDeadline })
  await api('lead', 'POST', `${base}/opening/start`, undefined, 204)
  await api('admin', 'POST', `${base}/opening/confirm`, undefined, 204)
  return { procurement: p.id, lot: lot.id, q, org }
}
