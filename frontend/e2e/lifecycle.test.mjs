// One procurement from draft to go-live, walked by every role from its dashboard (issue 14, "must
// show"): each person signs in, lands on `/`, and reaches each of their tasks only by following
// links and pressing buttons. A guard wraps page.goto on every walked page and fails the walk on
// any goto to a page other than /sign-in and /. Every kind of page walked passes axe and, at
// 390 px, does not scroll sideways.
//
//   the lead          drafts the procurement and its lot, sends it for approval, publishes it
//                     through the check page, starts the opening, builds the panel, moderates,
//                     opens the prices, recommends, rejects a representation, awards the contract
//                     after standstill (the procurement then says "Awarded"), reads the
//                     mobilisation plan, accepts every critical milestone and declares the phase
//                     live;
//   the org admin     confirms the opening as the second person;
//   the approver      the business case, the Part 2 award decision and the go/no-go decision;
//   the bidder        (Estuary, which wins) responds through the check page, reads its outcome
//                     letter and sees "Successful", then "Awarded", on its opportunity, reports on
//                     its milestones and asks for each critical one to be accepted;
//   a second bidder   (Weald, which does not) responds through the check page, reads its letter
//                     from its task and from its opportunity ("Not successful"), and makes a
//                     representation within standstill;
//   the evaluator and Healthwatch declare, score both bidders, check and submit.
//
// What only sets the stage is done outside the walk: API tokens made on /account/tokens, and the
// clock moved by restarting golive on the same data (GOLIVE_NOW: after the deadline, after
// standstill). Every one of the plan's 30 critical milestones is done by the pages: the provider
// asks for each of its 24 to be accepted, and the lead accepts them and the commissioner's 6,
// from the phase's readiness page that lists them (axe and the phone width are checked on the
// first of each kind of page only: the milestone pages are all alike).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, checkNoOverflow, demo, newPage, signIn, theH1, useGolive } from './harness.mjs'
import { fillDate } from './dates.mjs'
import { ESTUARY, WEALD, flash, press, sessions, shown, summary, text } from './walkthrough.mjs'

const START = '2027-09-06T09:00:00+01:00' // a Monday, before the procurement exists
const AFTER_DEADLINE = '2027-09-17T13:00:00+01:00' // an hour after the submission deadline
const MOBILISING = '2027-10-11T09:00:00+01:00' // after standstill: the contract is awarded then
const TITLE = 'Medway urgent treatment centre 2028 (lifecycle walk)'
const LOT = `lot 1 of ${TITLE}`
const PHASE = 'Service start' // the plan's one phase: the lot has none of its own

const people = {
  lead: demo.lead,
  admin: demo.tenantAdmin,
  approver: demo.approver,
  bidder: demo.bidder, // Estuary Urgent Care CIC, which wins
  weald: 'bids@weald-ambulance.test', // Weald Ambulance Service NHS Trust, which does not
  evaluator: demo.evaluator,
  healthwatch: demo.healthwatch
}

const golive = useGolive({ env: { GOLIVE_NOW: START } })
// The setup's own sessions (tokens, reads for the clock): never a walked page.
const setup = sessions(golive, people, { tokenName: 'lifecycle setup' })
const state = {}

// Every page.goto of a walked page, by path: only sign-in and the dashboard are allowed.
const ALLOWED = new Set(['/sign-in', '/'])
const gotos = []

// walker opens a page for who, guarded, signs them in and checks they land on the dashboard.
async function walker (who) {
  const page = await newPage(golive.browser, golive.baseURL)
  const goto = page.goto.bind(page)
  page.goto = async (url, options) => {
    const path = new URL(url, golive.baseURL).pathname
    gotos.push(path)
    assert.ok(ALLOWED.has(path), `${who} went to ${url} with page.goto: a walk reaches its pages by links and buttons only`)
    return goto(url, options)
  }
  await signIn(page, people[who])
  assert.equal(new URL(page.url()).pathname, '/')
  assert.equal(await theH1(page), 'Dashboard')
  return page
}

// walk runs steps as who on a guarded page of their own, closed afterwards.
async function walk (who, steps) {
  const page = await walker(who)
  try {
    await steps(page)
  } finally {
    await page.context().close()
  }
}

// looks checks a page as a person meets it: one h1, axe, and no sideways scroll on a phone.
async function looks (page, label) {
  await theH1(page)
  await checkA11y(page, label)
  await checkNoOverflow(page, label)
}

// follow clicks a link (the first that locator finds) and waits for the page it leads to.
async function follow (page, link) {
  await link.first().waitFor()
  await Promise.all([page.waitForNavigation(), link.first().click()])
  await page.waitForLoadState('load')
}

// dashboard goes back to `/` (the one address a walk may type) and checks it.
async function dashboard (page, label) {
  await page.goto('/')
  assert.equal(await theH1(page), 'Dashboard')
  await looks(page, `${label}: the dashboard`)
}

// task follows the dashboard's one task about this procurement (named in its title or its
// detail) whose link has words.
async function task (page, label, words) {
  await dashboard(page, label)
  const ours = page.locator('main ul.nhsuk-list--border li').filter({ hasText: TITLE })
  const t = ours.locator('a').filter({ hasText: words })
  assert.equal(await t.count(), 1, `${label}: no task "${words}" on the dashboard; its tasks on ${TITLE}: ${(await ours.locator('a').allInnerTexts()).join(' | ') || 'none'}`)
  await follow(page, t)
  await looks(page, `${label}: ${words}`)
}

// noTask checks the dashboard no longer lists a task about this procurement with words.
async function noTask (page, label, words) {
  await dashboard(page, label)
  const t = page.locator('main ul.nhsuk-list--border li').filter({ hasText: TITLE }).locator('a').filter({ hasText: words })
  assert.equal(await t.count(), 0, `${label}: the task "${words}" is still on the dashboard once done`)
}

// nav follows a link of the header's navigation, by name.
async function nav (page, name) {
  await follow(page, page.locator('header').getByRole('link', { name, exact: true }))
}

// restart moves golive's clock: sessions do not survive it, and the walks sign in again.
async function restart (now) {
  await setup.closePages()
  await golive.app.restart({ GOLIVE_NOW: now })
}

// step is a test of the walk: each goes on from where the one before left the procurement, so
// once one fails the rest are skipped, saying so.
let broken = ''
function step (name, fn) {
  test(name, async (t) => {
    if (broken) return t.skip(`the step before failed: ${broken}`)
    try {
      await fn()
    } catch (err) {
      broken = name
      throw err
    }
  })
}

describe('one procurement from draft to go-live, each role by links from its dashboard', () => {
  before(async () => {
    await setup.tokenFor('lead')
    await setup.closePages()
  }, { timeout: 120_000 })

  after(() => {
    const bad = gotos.filter((p) => !ALLOWED.has(p))
    assert.deepEqual(bad, [], `a walk went to ${bad.join(', ')} with page.goto`)
  })

  step('the lead creates the procurement and drafts its lot and questions', async () => {
    await walk('lead', async (page) => {
      await dashboard(page, 'the lead')
      await nav(page, 'Procurements')
      await looks(page, 'the list of procurements')
      await follow(page, page.getByRole('link', { name: 'Create a procurement' }))
      await looks(page, 'the new procurement form')
      await page.locator('#title').fill(TITLE)
      await page.locator('#reference').fill('MED-UTC-2028')
      assert.ok(await page.getByLabel('NHS Medway CCG', { exact: true }).isChecked(), 'the lead commissioner is not chosen')
      await page.getByLabel('Provider Selection Regime', { exact: true }).check()
      await page.locator('#procedure').selectOption('Open')
      await page.locator('#term_years').fill('2')
      await page.locator('#estimated_value').fill('4,000,000')
      await fillDate(page, 'Clarification deadline', '2027-09-10', '12:00')
      await fillDate(page, 'Submission deadline', '2027-09-17', '12:00')
      await fillDate(page, 'Opening and evaluation start', '2027-09-20', '09:00')
      await fillDate(page, 'Award date', '2027-11-01', '12:00')
      await fillDate(page, 'Contract start', '2028-04-01', '08:00')
      await press(page, 'Create procurement')
      const m = new URL(page.url()).pathname.match(/^\/procurements\/([0-9a-f-]{36})$/)
      assert.ok(m, `creating landed on ${page.url()}: ${await summary(page)}`)
      state.id = m[1]
      await looks(page, 'the draft procurement')

      await page.locator('#lot-title').fill('Urgent treatment centre')
      await page.getByLabel('Urgent treatment centre', { exact: true }).check()
      await page.locator('form[action$="/lots"]').getByLabel('NHS Medway CCG', { exact: true }).check()
      await press(page, 'Add lot')
      assert.match(await flash(page), /Lot 1 added/, await summary(page))
      await looks(page, 'the lot page')

      const question = async ({ section, number, words, kind, panel, weight, limit = '500' }) => {
        await page.locator('#question-section').fill(section)
        await page.locator('#question-number').fill(number)
        await page.locator('#question-text').fill(words)
        await page.locator(kind).check()
        await page.locator(panel).check()
        await page.locator('#question-weight').fill(weight)
        await page.locator('#question-word_limit').fill(limit)
        await press(page, 'Add question')
        assert.match(await flash(page), new RegExp(`Question ${number.replace('.', '\\.')} added`), await summary(page))
      }
      await question({ section: 'Quality', number: '1.1', words: 'Describe your clinical workforce model', kind: '#question-kind', panel: '#question-panel', weight: '40' })
      await question({ section: 'Quality', number: '1.2', words: 'How will patients experience the service?', kind: '#question-kind', panel: '#question-panel-1', weight: '30' })
      await question({ section: 'Price', number: '2.1', words: 'Price schedule', kind: '#question-kind-2', panel: '#question-panel-2', weight: '30', limit: '0' })
      assert.ok((await text(page)).includes('Total weight of lot 1: 100%'), 'the questions do not weigh 100%')
      await looks(page, 'the lot page with its questionnaire')
    })
  })

  step('the lead finishes the draft and sends it to the governing body', async () => {
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'and send it for approval')
      await press(page, 'Submit for approval')
      assert.match(await flash(page), /Sent to every participating governing body/, await summary(page))
      await looks(page, 'the procurement awaiting approval')
      await noTask(page, 'the lead', 'and send it for approval')
    })
  })

  step('the approver records the governing body’s decision on the business case', async () => {
    await walk('approver', async (page) => {
      await task(page, 'the approver', 'decision on the business case')
      assert.equal(new URL(page.url()).pathname, `/procurements/${state.id}/decision`)
      await page.getByLabel('Approve', { exact: true }).check()
      await fillDate(page, 'Date of the governing body meeting', '2027-09-03')
      await page.locator('#minute_ref').fill('GB/2027/120')
      await page.locator('#part2').check()
      await press(page, 'Record decision')
      assert.match(await flash(page), /approval is recorded/, await summary(page))
      await looks(page, 'the procurement after the approval')
      await noTask(page, 'the approver', 'decision on the business case')
    })
  })

  step('the lead publishes it through the check page', async () => {
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'every governing body has approved')
      await follow(page, page.getByRole('link', { name: 'Check and publish' }))
      assert.equal(await theH1(page), 'Check before you publish')
      await looks(page, 'the check before publishing')
      // 11 days of tender: shorter than 30, which the check asks the lead to confirm.
      await page.locator('#publish-confirm_short_tender_period').check()
      await press(page, 'Publish to bidders')
      assert.match(await flash(page), /Published/, await summary(page))
      await looks(page, 'the published procurement')
    })
  })

  // respond walks a bidder's response: from its Respond task it registers interest, writes its
  // answers and prices, and submits them through the check page.
  async function respond (who, label, name, price) {
    await walk(who, async (page) => {
      // Every published opportunity is a task until the bidder submits, registered or not.
      await task(page, label, `Respond to ${TITLE}`)
      assert.equal(new URL(page.url()).pathname, `/opportunities/${state.id}`)
      await press(page, 'Register interest')
      assert.match(await flash(page), /Interest registered/, await summary(page))
      await follow(page, page.getByRole('link', { name: 'Write or change your response to lot 1' }))
      await looks(page, `${label}: the response form`)
      const answers = page.locator('textarea[name^="answer_"]')
      assert.equal(await answers.count(), 2, 'not the two quality questions to answer')
      for (let i = 0; i < 2; i++) await answers.nth(i).fill(`${name} answers question ${i + 1}: a named clinical lead and weekly reporting.`)
      for (let y = 1; y <= 2; y++) await page.locator(y === 1 ? '#prices' : `#price_${y}`).fill(price)
      await press(page, 'Save draft')
      assert.match(await flash(page), /Draft saved/, await summary(page))
      await follow(page, page.getByRole('link', { name: 'Check and submit your response' }))
      await looks(page, `${label}: the check before submitting`)
      await press(page, 'Submit response')
      assert.match(await flash(page), /submitted/, await summary(page))
      assert.match((await page.locator('#receipt-sha256').innerText()).trim(), /^[0-9a-f]{64}$/, 'no receipt')
      await looks(page, `${label}: the receipt`)
      await noTask(page, label, `Respond to ${TITLE}`)
    })
  }

  step('the bidder responds through the check page', async () => {
    await respond('bidder', 'the bidder', ESTUARY, '1,950,000')
  })

  step('a second bidder, Weald, responds through the check page too', async () => {
    await respond('weald', 'Weald', WEALD, '2,050,000')
  })

  step('after the deadline the lead starts the opening and the organisation admin confirms it', async () => {
    await restart(AFTER_DEADLINE)
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'Open the responses')
      assert.equal(new URL(page.url()).pathname, `/procurements/${state.id}/opening`)
      await press(page, 'Start the opening')
      assert.match(await flash(page), /Opening started/, await summary(page))
      await looks(page, 'the opening, started')
      await noTask(page, 'the lead', 'as the second person')
    })
    await walk('admin', async (page) => {
      await task(page, 'the organisation admin', 'as the second person')
      await press(page, 'Confirm the opening as the second person')
      assert.match(await flash(page), /Opening confirmed/, await summary(page))
      await looks(page, 'the opening, confirmed')
      await noTask(page, 'the organisation admin', 'as the second person')
    })
  })

  step('the lead builds the panel: the evaluator for the clinical question, Healthwatch for the patient one', async () => {
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'Build the evaluation panel')
      await page.locator('[id="add-user_id"]').selectOption({ label: 'Dr Sam Evaluator, NHS Medway CCG' })
      await page.locator('form:has([id="add-user_id"])').getByLabel(/^1\.1/).check()
      await press(page, 'Add evaluator')
      assert.match(await flash(page), /Evaluator added/, await summary(page))
      await page.locator('[id="addhw-user_id"]').selectOption({ label: 'Robin Reviewer, Healthwatch Kent' })
      await page.locator('form:has([id="addhw-user_id"])').getByLabel(/^1\.2/).check()
      await press(page, 'Add Healthwatch evaluator')
      assert.match(await flash(page), /Evaluator added/, await summary(page))
      await looks(page, 'the evaluation overview with its panel')
      await noTask(page, 'the lead', 'Build the evaluation panel')
    })
  })

  // scores walks one evaluator's part: declare, score, check, submit, each from the dashboard.
  async function scores (who, label) {
    await walk(who, async (page) => {
      await task(page, label, 'Declare your interests')
      for (const name of [ESTUARY, WEALD]) await page.getByLabel(`I have no interest in ${name}`).check()
      await press(page, 'Record my declarations')
      assert.match(await flash(page), /declarations are recorded/, await summary(page))
      await looks(page, `${label}: declared`)

      // Each bidder from the evaluation's list of them: Estuary's answers earn a 3, Weald's a 2.
      await task(page, label, 'Score lot 1')
      for (const [bidder, mark] of [[ESTUARY, '3'], [WEALD, '2']]) {
        if (bidder !== ESTUARY) await follow(page, page.getByRole('link', { name: 'Back to your evaluation of lot 1' }))
        await follow(page, page.getByRole('link', { name: `Score ${bidder}` }))
        if (bidder === ESTUARY) await looks(page, `${label}: the scoring sheet`)
        const names = [...new Set(await page.locator('input[name^="score-"]').evaluateAll((els) => els.map((e) => e.name)))]
        assert.equal(names.length, 1, `${label} is asked to score ${names.length} questions of ${bidder}, not 1`)
        for (const name of names) {
          await page.locator(`input[name="${name}"][value="${mark}"]`).check()
          await page.locator(`[id="rationale-${name.slice('score-'.length)}"]`).fill(`The answer of ${bidder} shows ${mark === '3' ? 'the' : 'some of the'} evidence we asked for.`)
        }
        await press(page, 'Save marks')
        assert.match(await flash(page), /are saved/, await summary(page))
      }

      await task(page, label, 'Submit your scores')
      assert.equal(await theH1(page), 'Check your scores before submitting')
      await press(page, 'Submit scores')
      assert.match(await flash(page), /scores are submitted/, await summary(page))
      await looks(page, `${label}: submitted`)
      await noTask(page, label, 'Submit your scores')
    })
  }

  step('the evaluator declares, scores, checks and submits', async () => {
    await scores('evaluator', 'the evaluator')
  })

  step('the Healthwatch evaluator declares, scores, checks and submits', async () => {
    await scores('healthwatch', 'Healthwatch')
  })

  step('the lead moderates both questions and opens the prices', async () => {
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'Moderate')
      // The task leads to the evaluation, whose questions link to their moderation.
      for (const n of ['1.1', '1.2']) {
        if (!new URL(page.url()).pathname.endsWith('/moderation') || !(await theH1(page)).endsWith(n)) {
          await follow(page, page.getByRole('link', { name: new RegExp(`^${n.replace('.', '\\.')}:? `) }))
        }
        assert.equal(await theH1(page), `Moderation of question ${n}`)
        await press(page, 'Start moderation')
        assert.match(await flash(page), /Moderation started/, await summary(page))
        await looks(page, `moderation of ${n}`)
        for (const [bidder, mark] of [[ESTUARY, '3'], [WEALD, '2']]) {
          const form = page.locator('form[action$="/consensus"]').filter({ hasText: `Consensus score for ${bidder}` })
          await form.locator(`input[name="score"][value="${mark}"]`).check()
          await form.locator('textarea[name="rationale"]').fill(`The panel agreed this mark for ${bidder} on ${n} on the evidence.`)
          await press(page, `Record consensus for ${bidder}`)
          assert.match(await flash(page), new RegExp(`Consensus recorded for ${bidder}`), await summary(page))
        }
      }
      assert.ok((await text(page)).includes('Quality moderation of this lot is complete'), 'quality moderation is not complete')
      await looks(page, 'moderation complete')

      await task(page, 'the lead', 'Open the price envelopes')
      assert.equal(await theH1(page), 'Results and ranking')
      await press(page, 'Open the price envelopes')
      assert.match(await flash(page), /Price envelopes opened/, await summary(page))
      await looks(page, 'the results with the ranking')
    })
  })

  step('the lead recommends the preferred bidder', async () => {
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'Recommend a preferred bidder')
      assert.equal(await theH1(page), 'Award')
      await page.getByLabel(new RegExp(`^1\\. ${ESTUARY}`)).check()
      await page.locator('#rec-reason').fill('Estuary is ranked first, with a sound clinical model at a price within the budget.')
      await press(page, 'Recommend the preferred bidder')
      assert.match(await flash(page), /Preferred bidder recommended/, await summary(page))
      await looks(page, 'the award page with a recommendation')
    })
  })

  step('the approver approves the award as a Part 2 matter; standstill starts', async () => {
    await walk('approver', async (page) => {
      await task(page, 'the approver', 'decision on the award of')
      await page.getByLabel('Approve the recommendation', { exact: true }).check()
      await press(page, 'Record the decision')
      assert.match(await flash(page), /approval is recorded/, await summary(page))
      assert.equal(await shown(page, '#award-state'), 'In standstill')
      await looks(page, 'the award page in standstill, as the approver')
      await noTask(page, 'the approver', 'decision on the award of')
    })
  })

  // ourStatus goes from the dashboard to the bidder's opportunity, by the menu's list of them,
  // and returns what it says of the bidder's response to lot 1.
  async function ourStatus (page, label) {
    await dashboard(page, label)
    await nav(page, 'Opportunities')
    await follow(page, page.getByRole('link', { name: TITLE, exact: true }))
    assert.equal(await theH1(page), TITLE)
    const row = page.locator('main .nhsuk-summary-list__row').filter({ has: page.locator('dt', { hasText: /^Your response$/ }) })
    return (await row.locator('strong.nhsuk-tag').innerText()).trim()
  }

  step('the bidder reads its outcome letter during standstill: successful', async () => {
    await walk('bidder', async (page) => {
      await task(page, 'the bidder', 'Read the outcome of your response')
      assert.match(await theH1(page), /^Outcome of lot 1/)
      assert.match(await shown(page, '#outcome-status'), /intend to award the contract for this lot to you/)
      assert.equal(await ourStatus(page, 'the bidder'), 'Successful', 'the winner’s opportunity does not say “Successful” in standstill')
      await looks(page, 'the opportunity of the successful bidder')
    })
  })

  step('Weald reads its letter: not successful; it makes a representation within standstill', async () => {
    await walk('weald', async (page) => {
      await task(page, 'Weald', 'Read the outcome of your response')
      assert.match(await theH1(page), /^Outcome of lot 1/)
      assert.match(await shown(page, '#outcome-status'), new RegExp(`to ${ESTUARY}\\. Your response was not successful`))
      await page.locator('#rep-text').fill('Our clinical workforce model was marked down without reason given.')
      await press(page, 'Send the representation')
      assert.match(await flash(page), /representation has been received/, await summary(page))
      await looks(page, 'the outcome with a representation')

      // The same letter from its opportunity, which says how its response fared.
      assert.equal(await ourStatus(page, 'Weald'), 'Not successful', 'the opportunity of the bidder that lost does not say “Not successful”')
      await looks(page, 'the opportunity of a bidder that was not successful')
      await follow(page, page.getByRole('link', { name: 'Read the outcome letter for lot 1' }))
      assert.match(await theH1(page), /^Outcome of lot 1/)
      assert.ok((await text(page)).includes('Our clinical workforce model was marked down'), 'the letter does not show the representation made')
    })
  })

  step('the lead rejects the representation; the award goes back to standstill', async () => {
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'Decide on a representation against the award of')
      assert.equal(await theH1(page), 'Award')
      assert.match(await shown(page, '#award-state'), /Paused/)
      const rep = page.locator('form[action*="/representations/"]')
      await rep.getByLabel('Reject it: the award goes ahead', { exact: true }).check()
      await rep.locator('textarea[name="reason"]').fill('The moderation record gives the evidence for each mark.')
      await press(page, `Record the decision on the representation from ${WEALD}`)
      assert.match(await flash(page), /Representation rejected/, await summary(page))
      assert.equal(await shown(page, '#award-state'), 'In standstill')
      await looks(page, 'the award page after the representation is decided')
      await noTask(page, 'the lead', 'Decide on a representation against the award of')
    })
  })

  step('after standstill the lead awards the contract and reads the mobilisation plan', async () => {
    const award = await setup.api('lead', 'GET', `/evaluations/lots/${await lotID()}/award`, undefined, 200)
    const from = Date.parse(award.recommendations[0].award_not_before)
    assert.ok(from < Date.parse(MOBILISING), `standstill ends ${award.recommendations[0].award_not_before}, after ${MOBILISING}`)
    await restart(MOBILISING)
    await walk('lead', async (page) => {
      await task(page, 'the lead', 'standstill is over')
      await page.locator('#contract-contract_reference').fill('MED-UTC-2028-1')
      await fillDate(page, 'Start date', '2028-04-01')
      await page.locator('#contract-term_months').fill('24')
      await page.locator('#contract-value').fill('3,900,000')
      await press(page, 'Award the contract')
      assert.match(await flash(page), /Contract awarded/, await summary(page))
      assert.equal(await shown(page, '#award-state'), 'Contract awarded')
      await looks(page, 'the award page after the contract award')

      // Its one lot awarded, the procurement says so in the list of them.
      await dashboard(page, 'the lead')
      await nav(page, 'Procurements')
      const row = page.locator('main tbody tr').filter({ has: page.getByRole('link', { name: TITLE, exact: true }) })
      assert.match(await row.locator('td').nth(2).innerText(), /Awarded$/, 'the list of procurements does not say “Awarded”')

      await dashboard(page, 'the lead')
      await nav(page, 'Mobilisation')
      await looks(page, 'the mobilisation dashboard')
      await follow(page, page.getByRole('link', { name: /^MED-UTC-2028-1/ }))
      assert.ok((await theH1(page)).startsWith('MED-UTC-2028-1'), 'not the plan of the contract')
      state.plan = new URL(page.url()).pathname.split('/')[3]
      await looks(page, 'the mobilisation plan')
    })
  })

  step('once the contract is awarded the winner’s opportunity says “Awarded”, Weald’s still “Not successful”', async () => {
    await walk('bidder', async (page) => {
      assert.equal(await ourStatus(page, 'the bidder'), 'Awarded', 'the winner’s opportunity does not say “Awarded”')
    })
    await walk('weald', async (page) => {
      assert.equal(await ourStatus(page, 'Weald'), 'Not successful', 'Weald’s opportunity does not say “Not successful” after the award')
      await follow(page, page.getByRole('link', { name: 'Read the outcome letter for lot 1' }))
      assert.ok((await text(page)).includes('Contract awarded'), 'Weald is not told of the contract')
    })
  })

  // openCritical reads the phase page's table of critical milestones: the title of each not yet
  // accepted as done, with its owner and whether it waits for acceptance.
  async function openCritical (page) {
    const rows = page.getByRole('region', { name: `The milestones that must be done before ${PHASE} goes live` }).locator('tbody tr')
    const all = await rows.evaluateAll((trs) => trs.map((tr) => {
      const td = [...tr.querySelectorAll('td')].map((c) => c.innerText.replace(/\s+/g, ' ').trim())
      return { title: tr.querySelector('td a').innerText.trim(), owner: td[2], done: td[3] }
    }))
    assert.equal(all.length, 30, `the phase lists ${all.length} critical milestones, not the plan's 30`)
    return all.filter((m) => m.done !== 'Yes').map((m) => ({ ...m, waiting: m.done.endsWith('waiting for acceptance') }))
  }

  // toPhase follows a milestone's link to its phase, whose page lists the critical milestones.
  async function toPhase (page) {
    await follow(page, page.locator('main .nhsuk-summary-list').getByRole('link', { name: PHASE, exact: true }))
    assert.equal(await theH1(page), `Go or no-go: ${PHASE}`)
  }

  step('the bidder reports on its first milestone, then asks for each of its critical milestones to be accepted', async () => {
    await walk('bidder', async (page) => {
      await task(page, 'the bidder', 'Complete “Employee liability information')
      state.milestone = (await theH1(page))
      // The provider's milestones are its bid contact's: the owner the phase page names.
      const owner = page.locator('main .nhsuk-summary-list__row').filter({ has: page.locator('dt', { hasText: /^Owner$/ }) }).locator('dd')
      state.provider = (await owner.innerText()).split(',')[0].trim()
      await page.getByLabel('In progress', { exact: true }).check()
      await page.locator('#progress-note').fill('Information requested from the outgoing provider; first returns received.')
      await press(page, 'Save progress')
      assert.match(await flash(page), /Progress recorded/, await summary(page))
      await page.locator('#completion-note').fill('Every return received and checked against the staff list.')
      await press(page, 'Ask the commissioner to accept it')
      assert.match(await flash(page), /asked the commissioner to accept/, await summary(page))
      await looks(page, 'the milestone waiting for acceptance, as the provider')

      // The rest of its critical work, from the phase's readiness page: each milestone it owns
      // that is neither done nor already waiting, asked for one after the other.
      await toPhase(page)
      await looks(page, 'the phase’s readiness, as the provider')
      const mine = (await openCritical(page)).filter((m) => m.owner === state.provider && !m.waiting)
      assert.equal(mine.length, 23, `the provider has ${mine.length} critical milestones left to ask for, not 23: ${mine.map((m) => m.title).join(' | ')}`)
      for (const m of mine) {
        await follow(page, page.getByRole('link', { name: m.title, exact: true }))
        assert.equal(await theH1(page), m.title)
        await page.locator('#completion-note').fill(`Done: the evidence for “${m.title}” went to the mobilisation board.`)
        await press(page, 'Ask the commissioner to accept it')
        assert.match(await flash(page), /asked the commissioner to accept/, `${m.title}: ${await summary(page)}`)
        await toPhase(page)
      }
      const left = (await openCritical(page)).filter((m) => m.owner === state.provider && !m.waiting)
      assert.deepEqual(left.map((m) => m.title), [], 'provider milestones not yet asked for')
    })
  })

  step('the lead accepts every critical milestone: the provider’s it asked for, and the commissioner’s own', async () => {
    await walk('lead', async (page) => {
      // One task a milestone waiting for acceptance: all 24 the provider asked for.
      await dashboard(page, 'the lead')
      const waiting = page.locator('main ul.nhsuk-list--border li').filter({ hasText: TITLE }).locator('a').filter({ hasText: /^Accept or return “/ })
      assert.equal(await waiting.count(), 24, `the lead has ${await waiting.count()} milestones to accept or return, not 24`)

      await task(page, 'the lead', `Accept or return “${state.milestone}”`)
      await page.locator('#accept-note').fill('Checked against the staff list.')
      await press(page, 'Accept as done')
      assert.match(await flash(page), /accepted as done/, await summary(page))
      assert.match(await shown(page, '#milestone-status'), /^Done\s*Accepted \d/)
      await looks(page, 'the milestone accepted')

      // The other 29 from the phase's readiness page: each open critical milestone in turn, the
      // provider's once it asked, the commissioner's own on the lead's word.
      await toPhase(page)
      await looks(page, 'the phase’s readiness, as the lead')
      const open = await openCritical(page)
      assert.equal(open.length, 29, `${open.length} critical milestones open, not 29`)
      assert.deepEqual(open.filter((m) => m.owner === state.provider && !m.waiting).map((m) => m.title), [], 'provider milestones not asked for')
      for (const m of open) {
        await follow(page, page.getByRole('link', { name: m.title, exact: true }))
        assert.equal(await theH1(page), m.title)
        await page.locator('#accept-note').fill('Checked at the mobilisation board.')
        await press(page, 'Accept as done')
        assert.match(await flash(page), /accepted as done/, `${m.title}: ${await summary(page)}`)
        await toPhase(page)
      }
      assert.deepEqual((await openCritical(page)).map((m) => m.title), [], 'critical milestones still open')
      await noTask(page, 'the lead', /^Accept or return “/)
    })
  })

  step('every critical milestone done, the approver signs go and the lead declares the service live', async () => {
    await walk('approver', async (page) => {
      await task(page, 'the approver', `go/no-go decision on ${PHASE}`)
      await page.getByLabel('Go: ready to go live', { exact: true }).check()
      await page.locator('#decide-reason').fill('The governing body is assured of readiness.')
      await press(page, 'Sign the decision')
      assert.match(await flash(page), /decision is recorded: go/, await summary(page))
      await looks(page, 'the go/no-go page after signing')
      await noTask(page, 'the approver', `go/no-go decision on ${PHASE}`)
    })
    await walk('lead', async (page) => {
      await task(page, 'the lead', `Declare ${PHASE} live`)
      await press(page, 'Declare live')
      assert.match(await flash(page), new RegExp(`${PHASE} is live`), await summary(page))
      await looks(page, 'the live phase')
      await noTask(page, 'the lead', `Declare ${PHASE} live`)
    })
  })
})

// lotID reads the lot's id from the procurement, over the API (for the clock only).
async function lotID () {
  const p = await setup.api('lead', 'GET', `/procurements/${state.id}`, undefined, 200)
  return p.lots[0].id
}
