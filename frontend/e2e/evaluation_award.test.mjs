// Moderation, results and the award, through the pages, as the people who do them would: the
// Medway lead waits for the last evaluator, starts moderation and sees a wide spread flagged,
// records each consensus, opens the prices and reads the ranking and its chart, chooses the price
// formula, and recommends the preferred bidder; each governing body's approver approves it;
// standstill starts; Weald reads its letter and makes a representation, which the lead rejects;
// the contract is refused before the day and, with the clock moved on, awarded. Field errors
// show beside their fields; every page passes axe.
//
// The lot is the test's own, not the demo's (whose Kent and Medway lots are evaluated, awarded or
// being scored): it is built and scored over the API with tokens made on /account/tokens, on a
// clock that starts in June 2027 (GOLIVE_NOW), but for Healthwatch's part, which its reviewer
// gives on the pages (Healthwatch has no API). It depends on the demo's people and organisations
// only: the Medway lead and admin, the Medway and Swale approvers, the two Medway evaluators,
// Healthwatch Kent's reviewer, and the Weald and Estuary bidders.
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, theH1, useGolive, visit } from './harness.mjs'
import { dateTyped, fillDate } from './dates.mjs'
import { ESTUARY, WEALD, errorBeside, flash, lotPeople, openedLot, panelCandidate, press, sessions, shown, summary, text } from './walkthrough.mjs'

const START = '2027-06-07T09:00:00+01:00'
const AFTER_DEADLINE = '2027-06-17T13:00:00+01:00' // an hour after the submission deadline below

const people = {
  ...lotPeople, // the lead and admin, the Medway and Swale approvers, the Weald and Estuary bidders
  clinical: demo.evaluator, // Dr Sam Evaluator
  finance: 'finance@medway-ccg.test', // Nic Finance
  healthwatch: demo.healthwatch
}
const NIC = 'Nic Finance'

// The consensus the panel agrees: Estuary is stronger on quality and a little dearer.
const agreed = {
  [ESTUARY]: { '1.1': 4, '1.2': 3, '1.3': true },
  [WEALD]: { '1.1': 3, '1.2': 2, '1.3': true }
}
const bids = {
  [ESTUARY]: [1_050_000_00, 1_050_000_00],
  [WEALD]: [1_000_000_00, 1_000_000_00]
}

const golive = useGolive({ env: { GOLIVE_NOW: START } })
const { as, closePages, tokenFor, api } = sessions(golive, people, { tokenName: 'evaluation award test' })
const ids = { q: {}, org: {}, user: {} }

// tableRows reads the body rows of the table with id as text cells.
async function tableRows (page, id) {
  return page.locator(`table[id="${id}"] tbody tr`).evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.innerText.replace(/\s+/g, ' ').trim())))
}

const moderationPath = (number) => `/evaluations/lots/${ids.lot}/questions/${ids.q[number]}/moderation`

// consensusForm is the consensus form of one bidder on a moderation page.
const consensusForm = (page, bidder) => page.locator(`form:has(input[name="bidder_org_id"][value="${ids.org[bidder]}"])`)

// recordConsensus fills and sends one bidder's consensus on the moderation page of number.
async function recordConsensus (page, number, bidder, rationale) {
  const form = consensusForm(page, bidder)
  const mark = agreed[bidder][number]
  if (typeof mark === 'boolean') await form.locator(`input[name="passed"][value="${mark}"]`).check()
  else await form.locator(`input[name="score"][value="${mark}"]`).check()
  await form.locator('textarea[name="rationale"]').fill(rationale)
  await press(page, `Record consensus for ${bidder}`)
}

// ukDay is how the pages name the last day of a period ending at end: "Tuesday 29 June 2027".
function ukDay (end) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
    .format(new Date(Date.parse(end) - 60_000)).replace(',', '')
}

describe('a lot moderated, ranked and awarded through the pages', () => {
  before(async () => {
    for (const who of Object.keys(people)) if (who !== 'healthwatch') await tokenFor(who) // Healthwatch has no API
    await closePages()
    for (const who of ['clinical', 'finance']) ids.user[who] = (await api(who, 'GET', '/me', undefined, 200)).id

    // One lot under the Provider Selection Regime: a clinical question (1.1, a minimum of 2), a
    // patient question (1.2), a pass/fail (1.3) and a price schedule (2.1).
    Object.assign(ids, await openedLot(golive, api, {
      procurement: {
        title: 'Medway and Swale UTC award', reference: 'MS-AWARD-2027',
        clarification_deadline: '2027-06-10T12:00:00+01:00', submission_deadline: '2027-06-17T12:00:00+01:00',
        evaluation_start: '2027-06-18T09:00:00+01:00', award_date: '2027-08-02T12:00:00+01:00', contract_start: '2027-12-01T08:00:00Z'
      },
      sections: { clinical: 'Clinical model', patient: 'Patient experience' },
      decision: { meeting_date: '2027-06-04T14:00:00+01:00', minute_ref: 'GB/2027/91' },
      prices: bids,
      afterDeadline: AFTER_DEADLINE
    }))

    // The panel scores over the API: the two Medway evaluators every quality question; Healthwatch
    // the patient one, on the pages. Nic Finance marks Estuary's 1.1 at 1 where Sam marks it 4: a
    // wide spread. Nic does not submit yet.
    const ev = `/evaluations/lots/${ids.lot}`
    const all = ['1.1', '1.2', '1.3'].map((n) => ids.q[n])
    ids.user.healthwatch = await panelCandidate(await as('lead'), ids.lot, 'Robin Reviewer, Healthwatch Kent')
    await api('lead', 'POST', `${ev}/panel`, { user_id: ids.user.clinical, questions: all }, 201)
    await api('lead', 'POST', `${ev}/panel`, { user_id: ids.user.finance, questions: all }, 201)
    await api('lead', 'POST', `${ev}/panel`, { user_id: ids.user.healthwatch, questions: [ids.q['1.2']] }, 201)
    for (const [who, numbers] of [['clinical', ['1.1', '1.2', '1.3']], ['finance', ['1.1', '1.2', '1.3']]]) {
      for (const bidder of [ESTUARY, WEALD]) {
        await api(who, 'POST', `${ev}/declarations`, { bidder_org_id: ids.org[bidder], decision: 'none' }, 204)
      }
      for (const bidder of [ESTUARY, WEALD]) {
        for (const n of numbers) {
          let mark = agreed[bidder][n]
          if (who === 'finance' && bidder === ESTUARY && n === '1.1') mark = 1
          const body = { question_id: ids.q[n], bidder_org_id: ids.org[bidder], rationale: `The response to ${n} sets out the evidence we looked for.` }
          if (typeof mark === 'boolean') body.passed = mark
          else body.score = mark
          await api(who, 'PUT', `${ev}/scores`, body, 204)
        }
      }
      if (who !== 'finance') await api(who, 'POST', `${ev}/scores/submit`, undefined, 204)
    }
    const hw = await as('healthwatch')
    await visit(hw, `${ev}/workspace`)
    for (const bidder of [ESTUARY, WEALD]) await hw.getByLabel(`I have no interest in ${bidder}`).check()
    await press(hw, 'Record my declarations')
    assert.match(await flash(hw), /declarations are recorded/, await summary(hw))
    const patient = ids.q['1.2']
    for (const bidder of [ESTUARY, WEALD]) {
      await visit(hw, `${ev}/bidders/${ids.org[bidder]}`)
      await hw.locator(`input[name="score-${patient}"][value="${agreed[bidder]['1.2']}"]`).check()
      await hw.locator(`[id="rationale-${patient}"]`).fill('The response to 1.2 sets out the evidence we looked for.')
      await press(hw, 'Save marks')
      assert.match(await flash(hw), /are saved/, await summary(hw))
    }
    await visit(hw, `${ev}/scores/check`)
    await press(hw, 'Submit scores')
    assert.match(await flash(hw), /scores are submitted/, await summary(hw))
  }, { timeout: 300_000 })

  test('moderation waits for the last evaluator, then shows the marks side by side with a wide spread flagged', async () => {
    const page = await as('lead')
    await visit(page, moderationPath('1.1'))
    assert.equal(await theH1(page), 'Moderation of question 1.1')
    assert.equal(await shown(page, '#awaiting'), NIC, 'the page does not name who is awaited')
    assert.equal(await page.getByRole('link', { name: 'Evaluation overview' }).getAttribute('href'), `/evaluations/lots/${ids.lot}`)
    await checkA11y(page, 'moderation before it starts')
    await press(page, 'Start moderation')
    assert.match(await summary(page), new RegExp(`still to submit: ${NIC}`))
    await checkA11y(page, 'moderation refused to start')

    await api('finance', 'POST', `/evaluations/lots/${ids.lot}/scores/submit`, undefined, 204)
    await press(page, 'Start moderation')
    assert.match(await flash(page), /Moderation started/, await summary(page))
    // The flag is a visible tag in words, under Estuary's heading and not Weald's.
    const flags = page.locator('strong.nhsuk-tag', { hasText: 'Wide spread' })
    assert.equal(await flags.count(), 1, 'want one wide spread flag')
    assert.ok(await flags.first().isVisible())
    const flagged = await flags.first().evaluate((el) => ({ bidder: el.closest('p').previousElementSibling.textContent.trim(), says: el.closest('p').textContent }))
    assert.equal(flagged.bidder, ESTUARY, 'the flag is not on Estuary')
    assert.match(flagged.says, /3 points apart/)
    const marks = await page.locator('table', { hasText: `Individual scores for ${ESTUARY}` }).locator('tbody tr').allInnerTexts()
    assert.equal(marks.length, 2, 'not both evaluators\' marks side by side')
    await checkA11y(page, 'moderation with a wide spread')

    // A consensus without a proper rationale is refused beside its field, keeping the mark chosen.
    const form = consensusForm(page, ESTUARY)
    await form.locator('input[name="score"][value="4"]').check()
    await form.locator('textarea[name="rationale"]').fill('Agreed')
    await press(page, `Record consensus for ${ESTUARY}`)
    const rationaleID = await consensusForm(page, ESTUARY).locator('textarea[name="rationale"]').getAttribute('id')
    assert.match(await errorBeside(page, rationaleID), /at least 20 characters/)
    assert.ok(await consensusForm(page, ESTUARY).locator('input[name="score"][value="4"]').isChecked(), 'the mark chosen is lost')
    await checkA11y(page, 'moderation with an error beside the rationale')

    await recordConsensus(page, '1.1', ESTUARY, 'Sam\'s reading of the rota evidence is right; Nic missed the appendix.')
    assert.match(await flash(page), new RegExp(`Consensus recorded for ${ESTUARY}`), await summary(page))
    await recordConsensus(page, '1.1', WEALD, 'A sound model with a thin plan for winter pressures.')
    assert.ok((await text(page)).includes('Consensus agreed'), 'the questions table does not show 1.1 agreed')

    for (const n of ['1.2', '1.3']) {
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: new RegExp(`^${n.replace('.', '\\.')}: `) }).click()])
      assert.equal(new URL(page.url()).pathname, moderationPath(n))
      await press(page, 'Start moderation')
      assert.match(await flash(page), /Moderation started/, await summary(page))
      for (const bidder of [ESTUARY, WEALD]) await recordConsensus(page, n, bidder, `The panel agreed this mark for ${n} on the evidence.`)
    }
    assert.ok((await text(page)).includes('Quality moderation of this lot is complete'), 'the last consensus does not complete quality moderation')
    assert.equal(await page.locator('form[action$="/consensus"]').count(), 0, 'the consensus is still open to change')
    await checkA11y(page, 'moderation complete')
  })

  test('the lead opens the prices and reads the ranking and its chart; Healthwatch never reaches it', async () => {
    const page = await as('lead')
    await visit(page, `/evaluations/lots/${ids.lot}/results`)
    assert.equal(await theH1(page), 'Results and ranking')
    assert.match(await shown(page, '#results-notice'), /price envelopes have been opened/)
    await checkA11y(page, 'the results page before the prices are opened')
    await press(page, 'Open the price envelopes')
    assert.match(await flash(page), /Price envelopes opened/, await summary(page))

    const checkRanking = async (formula) => {
      const want = await api('lead', 'GET', `/evaluations/lots/${ids.lot}/results`, undefined, 200)
      assert.equal(want.price_formula, formula)
      const rows = await tableRows(page, 'ranking')
      assert.deepEqual(rows.map((r) => r[1]), want.results.map((r) => r.name), 'the rows are not in the ranking\'s order')
      assert.deepEqual(rows.map((r) => r[1]), [ESTUARY, WEALD])
      rows.forEach((r, i) => {
        assert.equal(r[0], String(want.results[i].rank))
        assert.equal(r[r.length - 2], want.results[i].total, `${r[1]}'s total`)
        assert.equal(r[r.length - 3], want.results[i].price_score, `${r[1]}'s price score`)
      })
      // The chart: an image named by its title, described by the ranking table, one bar per bid in order.
      const chart = page.locator('main svg[role="img"]')
      assert.equal(await chart.count(), 1, 'no chart')
      assert.equal(await chart.getAttribute('aria-describedby'), 'ranking-caption')
      assert.equal(await page.locator('#ranking-caption').count(), 1)
      assert.match(await chart.locator('title').first().textContent(), /Scores by section/)
      const bars = await chart.locator('text[font-weight="bold"]').allTextContents()
      assert.deepEqual(bars, [`1. ${ESTUARY}`, `2. ${WEALD}`])
      const key = await chart.locator('text').allTextContents()
      for (const series of ['Clinical model', 'Patient experience', 'Price']) assert.ok(key.includes(series), `the chart's key lacks ${series}`)
      assert.ok(await chart.locator('rect[fill="url(#chart-price)"]').count() >= 3, 'the price segments do not have their own pattern')
    }
    await checkRanking('lowest')
    const prices = await tableRows(page, 'prices')
    assert.deepEqual(prices.map((r) => r[0]), [ESTUARY, WEALD])
    assert.equal(prices[0][prices[0].length - 1], '£2,100,000.00')
    await checkA11y(page, 'the results page with the ranking, chart and prices')

    // The price formula: the relative one moves the price scores, and the page follows.
    await page.getByLabel('Relative to the lowest price', { exact: true }).check()
    await press(page, 'Save the price formula')
    assert.match(await flash(page), /Price formula set to relative/, await summary(page))
    await checkRanking('relative')
    await checkA11y(page, 'the results page with the relative formula')

    const hw = await as('healthwatch')
    for (const path of ['results', 'award']) {
      const res = await hw.goto(`/evaluations/lots/${ids.lot}/${path}`)
      assert.equal(res.status(), 403, `Healthwatch reached the ${path} page`)
      assert.ok(!(await hw.content()).includes('2,100,000'), 'Healthwatch sees a price')
    }
  })

  test('the lead recommends Estuary; each governing body approves on the award page; standstill starts', async () => {
    const page = await as('lead')
    await visit(page, `/evaluations/lots/${ids.lot}/award`)
    assert.equal(await theH1(page), 'Award')
    await checkA11y(page, 'the award page before a recommendation')
    await press(page, 'Recommend the preferred bidder')
    assert.match(await errorBeside(page, 'rec-bidder_org_id'), /preferred bidder/)
    assert.match(await errorBeside(page, 'rec-reason'), /reason/)
    await checkA11y(page, 'the recommendation with errors')
    await page.getByLabel(new RegExp(`^1\\. ${ESTUARY}`)).check()
    await page.locator('#rec-reason').fill('Estuary is ranked first: the strongest clinical model at a price within 5% of the lowest.')
    await press(page, 'Recommend the preferred bidder')
    assert.match(await flash(page), /Preferred bidder recommended/, await summary(page))
    assert.equal(await shown(page, '#preferred-bidder'), ESTUARY)

    // Before standstill a bidder is told nothing.
    const weald = await as('weald')
    await visit(weald, `/evaluations/lots/${ids.lot}/outcome`)
    assert.match(await shown(weald, '#outcome-status'), /No decision yet/)
    await checkA11y(weald, 'the outcome before a decision')

    for (const who of ['swaleApprover', 'medwayApprover']) {
      const ap = await as(who)
      await visit(ap, `/evaluations/lots/${ids.lot}/award`)
      const rows = await tableRows(ap, 'approvals-table')
      assert.equal(rows.length, 2, 'not one row per participating commissioner')
      if (who === 'swaleApprover') {
        await press(ap, 'Record the decision')
        assert.match(await errorBeside(ap, 'decision-decision'), /decision/)
        await checkA11y(ap, 'the approver\'s decision with an error')
      }
      await ap.getByLabel('Approve the recommendation', { exact: true }).check()
      await press(ap, 'Record the decision')
      assert.match(await flash(ap), /approval is recorded/, await summary(ap))
      assert.equal(await ap.locator('form[action$="/award/decisions"]').count(), 0, 'the approver is offered the decision twice')
    }

    await visit(page, `/evaluations/lots/${ids.lot}/award`)
    assert.equal(await shown(page, '#award-state'), 'In standstill')
    const rows = await tableRows(page, 'approvals-table')
    assert.deepEqual(rows.map((r) => r[1]), ['Approved', 'Approved'])
    const award = await api('lead', 'GET', `/evaluations/lots/${ids.lot}/award`, undefined, 200)
    const ends = award.recommendations[0].standstill_ends_at
    const timeline = await shown(page, '#award-timeline')
    assert.ok(timeline.includes(`Standstill ends: midnight at the end of ${ukDay(ends)} (UK time)`), `the timeline: ${timeline}`)
    assert.match(timeline, /Standstill starts: 17 June 2027 at (\d{1,2}(:\d\d)?[ap]m|midday) \(done\)/)
    await checkA11y(page, 'the award page in standstill')
  })

  test('Weald reads its letter and makes a representation; the lead rejects it', async () => {
    const weald = await as('weald')
    await visit(weald, `/evaluations/lots/${ids.lot}/outcome`)
    assert.match(await theH1(weald), /^Outcome of lot 1/)
    assert.match(await shown(weald, '#outcome-status'), new RegExp(`to ${ESTUARY}\\. Your response was not successful`))
    const scores = await tableRows(weald, 'outcome-scores')
    const total = scores.find((r) => r[0] === 'Total')
    const results = (await api('lead', 'GET', `/evaluations/lots/${ids.lot}/results`, undefined, 200)).results
    assert.deepEqual(total.slice(1), [results[1].total, results[0].total], 'the letter does not give Weald\'s total and the winner\'s')
    assert.match(await shown(weald, '#outcome-reason'), /strongest clinical model/)
    assert.ok(!(await weald.content()).includes('2,100,000'), 'a bidder sees the winner\'s price')
    await checkA11y(weald, 'the outcome in standstill')

    await press(weald, 'Send the representation')
    assert.match(await errorBeside(weald, 'rep-text'), /representation/)
    await checkA11y(weald, 'the representation with an error')
    await weald.locator('#rep-text').fill('Our clinical workforce model was marked down without reason given.')
    await press(weald, 'Send the representation')
    assert.match(await flash(weald), /representation has been received/, await summary(weald))

    const page = await as('lead')
    await visit(page, `/evaluations/lots/${ids.lot}/award`)
    assert.match(await shown(page, '#award-state'), /Paused/)
    assert.ok((await text(page)).includes('Our clinical workforce model was marked down'))
    await checkA11y(page, 'the award page with a representation to decide')
    const rep = page.locator('form[action*="/representations/"]')
    await rep.getByLabel('Reject it: the award goes ahead', { exact: true }).check()
    await rep.locator('textarea[name="reason"]').fill('The moderation record gives the evidence for each mark.')
    await press(page, `Record the decision on the representation from ${WEALD}`)
    assert.match(await flash(page), /Representation rejected/, await summary(page))
    assert.equal(await shown(page, '#award-state'), 'In standstill')
  })

  test('the contract award is refused before the day and made after it', async () => {
    const fill = async (page, startDay = '2027-12-01') => {
      await page.locator('#contract-contract_reference').fill('MS-AWARD-2027-1')
      await fillDate(page, 'Start date', startDay)
      await page.locator('#contract-term_months').fill('24')
      await page.locator('#contract-value').fill('4,100,000')
    }
    let page = await as('lead')
    await visit(page, `/evaluations/lots/${ids.lot}/award`)
    // 31 November is no day: refused beside the start date, with what was typed kept.
    await fill(page, '2027-11-31')
    await press(page, 'Award the contract')
    assert.match(await errorBeside(page, 'contract-start_date'), /Start date must be a real date$/)
    assert.equal(await dateTyped(page, 'Start date'), '31 11 2027', 'the date typed is lost')
    assert.equal(await page.locator('#contract-contract_reference').inputValue(), 'MS-AWARD-2027-1', 'what was typed is lost')
    await checkA11y(page, 'the contract award with a bad start date')
    await fill(page)
    await press(page, 'Award the contract')
    const refusal = await shown(page, '#contract-form-error')
    assert.match(refusal, /The lot is in standstill until midnight at the end of/, await summary(page))
    assert.equal(await page.locator('#contract-contract_reference').inputValue(), 'MS-AWARD-2027-1', 'what was typed is lost')
    await checkA11y(page, 'the contract award refused in standstill')

    const award = await api('lead', 'GET', `/evaluations/lots/${ids.lot}/award`, undefined, 200)
    const from = Date.parse(award.recommendations[0].award_not_before)
    assert.ok(refusal.includes(ukDay(award.recommendations[0].award_not_before)), `the refusal does not name the day: ${refusal}`)
    await closePages()
    await golive.app.restart({ GOLIVE_NOW: new Date(from + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z') })

    page = await as('lead')
    await visit(page, `/evaluations/lots/${ids.lot}/award`)
    await fill(page)
    await page.locator('#contract-term_months').fill('25')
    await press(page, 'Award the contract')
    assert.match(await errorBeside(page, 'contract-term_months'), /whole years/)
    await page.locator('#contract-term_months').fill('24')
    await press(page, 'Award the contract')
    assert.match(await flash(page), /Contract awarded/, await summary(page))
    const awarded = await shown(page, '#contract-awarded')
    for (const want of ['MS-AWARD-2027-1', ESTUARY, '1 December 2027', '2 years', '£4,100,000.00']) {
      assert.ok(awarded.includes(want), `the contract shown lacks ${want}: ${awarded}`)
    }
    assert.equal(await shown(page, '#award-state'), 'Contract awarded')
    await checkA11y(page, 'the award page after the contract award')

    const weald = await as('weald')
    await visit(weald, `/evaluations/lots/${ids.lot}/outcome`)
    assert.ok((await text(weald)).includes('Contract awarded'), 'Weald is not told of the contract')
    assert.ok(!(await weald.content()).includes('4,100,000'), 'a bidder sees the contract value')
    await checkA11y(weald, 'the outcome after the contract award')
  })
})

describe('court proceedings suspend the contract on a PCR 2015 lot', () => {
  const pcr = { q: {}, org: {} }

  before(async () => {
    // A second lot, under the Public Contracts Regulations 2015, taken to standstill over the API:
    // Sam Evaluator alone scores it.
    await closePages()
    // The PCR 2015 govern only what began before 24 February 2025: this procurement began in 2024.
    await golive.app.restart({ GOLIVE_NOW: '2024-09-04T09:00:00+01:00' })
    Object.assign(pcr, await openedLot(golive, api, {
      procurement: {
        title: 'Medway and Swale UTC (PCR)', reference: 'MS-PCR-2027', regime: 'pcr2015', procedure: 'Open procedure',
        clarification_deadline: '2024-09-11T12:00:00+01:00', submission_deadline: '2024-09-18T12:00:00+01:00',
        evaluation_start: '2024-09-19T09:00:00+01:00', award_date: '2024-11-01T12:00:00Z', contract_start: '2025-03-01T08:00:00Z'
      },
      sections: { clinical: 'Clinical model', patient: 'Patient experience' },
      decision: { meeting_date: '2024-09-03T14:00:00+01:00', minute_ref: 'GB/2024/120' },
      prices: bids,
      afterDeadline: '2024-09-18T13:00:00+01:00'
    }))
    const ev = `/evaluations/lots/${pcr.lot}`
    const numbers = ['1.1', '1.2', '1.3']
    await api('lead', 'POST', `${ev}/panel`, { user_id: ids.user.clinical, questions: numbers.map((n) => pcr.q[n]) }, 201)
    for (const bidder of [ESTUARY, WEALD]) {
      await api('clinical', 'POST', `${ev}/declarations`, { bidder_org_id: pcr.org[bidder], decision: 'none' }, 204)
    }
    const mark = (bidder, n, rationale) => {
      const body = { question_id: pcr.q[n], bidder_org_id: pcr.org[bidder], rationale }
      if (typeof agreed[bidder][n] === 'boolean') body.passed = agreed[bidder][n]
      else body.score = agreed[bidder][n]
      return body
    }
    for (const bidder of [ESTUARY, WEALD]) {
      for (const n of numbers) await api('clinical', 'PUT', `${ev}/scores`, mark(bidder, n, `The response to ${n} sets out the evidence we looked for.`), 204)
    }
    await api('clinical', 'POST', `${ev}/scores/submit`, undefined, 204)
    for (const n of numbers) await api('lead', 'POST', `${ev}/questions/${pcr.q[n]}/moderation`, undefined, 204)
    for (const bidder of [ESTUARY, WEALD]) {
      for (const n of numbers) await api('lead', 'PUT', `${ev}/consensus`, mark(bidder, n, `The panel agreed this mark on the evidence for ${n}.`), 204)
    }
    await api('lead', 'POST', `${ev}/prices/open`, undefined, 204)
    await api('lead', 'POST', `${ev}/recommendations`, { bidder_org_id: pcr.org[ESTUARY], reason: 'Estuary is ranked first on the total score' }, 201)
    for (const who of ['swaleApprover', 'medwayApprover']) await api(who, 'POST', `${ev}/award/decisions`, { decision: 'approve' }, 204)
  }, { timeout: 300_000 })

  test('the lead records Weald\'s claim, the award shows it suspended, and the court lifts the suspension', async () => {
    const page = await as('lead')
    await visit(page, `/evaluations/lots/${pcr.lot}/award`)
    assert.equal(await shown(page, '#award-state'), 'In standstill')
    const form = page.locator(`form[action="/evaluations/lots/${pcr.lot}/award/proceedings"]`)
    await form.getByLabel(WEALD, { exact: true }).check()
    // The day the authority was told starts as today; the suspension ends on the same day.
    const [d, m, y] = (await dateTyped(form, 'Day the authority was told')).split(' ')
    assert.ok(d && m && y, 'the day the authority was told does not start as today')
    const today = `${y}-${m}-${d}`
    await page.locator('#proc-court').fill('High Court, Technology and Construction Court')
    await page.locator('#proc-claim_reference').fill('HT-2027-<0042>')
    await press(page, 'Record the proceedings')
    assert.match(await errorBeside(page, 'proc-claim_reference'), /letters, digits/)
    assert.equal(await page.locator('#proc-court').inputValue(), 'High Court, Technology and Construction Court', 'what was typed is lost')
    await checkA11y(page, 'court proceedings with an error')

    await page.locator('#proc-claim_reference').fill('HT-2027-000042')
    await press(page, 'Record the proceedings')
    assert.match(await flash(page), /Court proceedings recorded/, await summary(page))
    assert.equal(await shown(page, '#award-state'), 'Suspended: court proceedings (PCR 2015 reg. 95)')
    const suspension = await shown(page, '#suspension')
    assert.ok(suspension.includes(`proceedings issued by ${WEALD}`) && suspension.includes('PCR 2015 reg. 95'), `the suspension: ${suspension}`)
    assert.match(await shown(page, '#award-timeline'), /Suspended: since/)
    assert.equal(await page.locator(`form[action$="/contract"]`).count(), 0, 'the contract form is offered while suspended')
    await checkA11y(page, 'the award page with the contract suspended')

    await fillDate(page.locator('form[action$="/end"]'), 'Day the suspension ended', today)
    await page.getByLabel('The court lifted the suspension (interim order)', { exact: true }).check()
    await press(page, `Record the end of the suspension by ${WEALD}'s proceedings`)
    assert.match(await flash(page), /end of the suspension is recorded/, await summary(page))
    assert.equal(await shown(page, '#award-state'), 'In standstill')
    assert.equal(await page.locator('#suspension').count(), 0)
    await checkA11y(page, 'the award page after the suspension ended')

    const weald = await as('weald')
    await visit(weald, `/evaluations/lots/${pcr.lot}/outcome`)
    assert.ok(!(await weald.content()).includes('HT-2027-000042'), 'a bidder sees the claim on its outcome page')
  })
})
