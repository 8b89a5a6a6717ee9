// The panel and independent scoring, through the pages, as the people who do it would: the
// Medway lead forms a lot's panel (two Medway evaluators and the Healthwatch Kent reviewer),
// changes one evaluator's questions and takes one off and puts them back; each evaluator declares
// their interests (one a conflict), scores their questions for each bidder they may read, and
// submits. Field errors show beside their fields; every page passes axe.
//
// The lot is the test's own, not the demo's (whose Kent and Medway lots are evaluated, awarded or
// being scored): it is built over the API with tokens made on /account/tokens, on a clock that
// starts in May 2027 (GOLIVE_NOW), and golive restarts on the same data after its deadline so
// that the lead and the Medway admin open it, as procurement.test.mjs does through the pages.
import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, theH1, useGolive, visit } from './harness.mjs'
import { ESTUARY, WEALD, errorBeside, flash, lotPeople, openedLot, press, sessions, shown, summary, text } from './walkthrough.mjs'

const START = '2027-05-03T09:00:00+01:00'
const AFTER_DEADLINE = '2027-05-20T13:00:00+01:00' // a day after the submission deadline below

const people = {
  ...lotPeople, // the lead and admin, the Medway and Swale approvers, the Weald and Estuary bidders
  clinical: demo.evaluator, // Dr Sam Evaluator
  finance: 'finance@medway-ccg.test', // Nic Finance
  healthwatch: demo.healthwatch // Robin Reviewer
}
const SAM = 'Dr Sam Evaluator'
const NIC = 'Nic Finance'
const ROBIN = 'Robin Reviewer'

const golive = useGolive({ env: { GOLIVE_NOW: START } })
const { as, closePages, tokenFor, api } = sessions(golive, people, { tokenName: 'evaluation panel test' })
const ids = { q: {}, org: {}, user: {} }

const rationale = (what) => `The response ${what}, with the evidence set out in its workforce and governance sections.`

// declare fills the declaration form: no interest, or a conflict with its reason, per bidder name.
async function declare (page, decisions) {
  for (const [bidder, d] of Object.entries(decisions)) {
    const org = ids.org[bidder]
    await page.locator(`input[name="decision-${org}"][value="${d.conflict ? 'conflict' : 'none'}"]`).check()
    await page.locator(`[id="reason-${org}"]`).fill(d.reason || '')
  }
  await press(page, 'Record my declarations')
}

// score fills the scoring sheet of one bidder: number → score, true/false → pass/fail.
async function score (page, bidder, marks) {
  await visit(page, `/evaluations/lots/${ids.lot}/bidders/${ids.org[bidder]}`)
  for (const [number, mark] of Object.entries(marks)) {
    const q = ids.q[number]
    if (typeof mark === 'boolean') await page.locator(`input[name="passed-${q}"][value="${mark ? 'pass' : 'fail'}"]`).check()
    else await page.locator(`input[name="score-${q}"][value="${mark}"]`).check()
    await page.locator(`[id="rationale-${q}"]`).fill(rationale(`for ${bidder} on ${number}`))
  }
  await press(page, 'Save marks')
  assert.match(await flash(page), /are saved/, await summary(page))
}

async function workspace (who) {
  const page = await as(who)
  await visit(page, `/evaluations/lots/${ids.lot}/workspace`)
  return page
}

describe('a lot\'s panel formed, declared and scored through the pages', () => {
  before(async () => {
    for (const who of Object.keys(lotPeople)) await tokenFor(who)
    await closePages()
    // One lot: a clinical question (1.1), a patient question (1.2), a pass/fail (1.3), a price schedule (2.1).
    const prices = [2_000_000_00, 2_050_000_00]
    Object.assign(ids, await openedLot(golive, api, {
      procurement: {
        title: 'Medway and Swale UTC evaluation panel', reference: 'MS-PANEL-2027',
        clarification_deadline: '2027-05-10T12:00:00+01:00', submission_deadline: '2027-05-19T12:00:00+01:00',
        evaluation_start: '2027-05-20T09:00:00+01:00', award_date: '2027-07-01T12:00:00+01:00', contract_start: '2027-12-01T08:00:00Z'
      },
      sections: { clinical: 'Quality', patient: 'Quality' },
      decision: { meeting_date: '2027-05-02T14:00:00+01:00', minute_ref: 'GB/2027/77' },
      prices: { [WEALD]: prices, [ESTUARY]: prices },
      afterDeadline: AFTER_DEADLINE
    }))
  }, { timeout: 240_000 })

  test('the lead reaches the evaluation from the lot page and forms the panel', async () => {
    const page = await as('lead')
    await visit(page, `/procurements/${ids.procurement}/lots/${ids.lot}`)
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Evaluation of lot 1: the panel and moderation' }).click()])
    assert.equal(new URL(page.url()).pathname, `/evaluations/lots/${ids.lot}`)
    assert.equal(await theH1(page), 'Evaluation of lot 1: Urgent treatment centres')
    assert.ok((await text(page)).includes('Nobody is on the panel yet'))
    await checkA11y(page, 'the evaluation overview, no panel')

    // Nothing chosen: both messages beside their fields.
    await press(page, 'Add evaluator')
    assert.match(await errorBeside(page, 'add-user_id'), /Select who/)
    assert.match(await errorBeside(page, 'add-questions'), /at least one question/)
    await checkA11y(page, 'the evaluation overview with errors')

    const add = page.locator('form:has([id="add-user_id"])')
    const addEvaluator = async (label, numbers) => {
      await page.locator('[id="add-user_id"]').selectOption({ label })
      for (const n of numbers) await add.locator(`input[name="questions"][value="${ids.q[n]}"]`).check()
      await press(page, 'Add evaluator')
      assert.match(await flash(page), /Evaluator added/, await summary(page))
    }
    await addEvaluator(`${SAM}, NHS Medway CCG`, ['1.1', '1.2', '1.3'])
    await addEvaluator(`${NIC}, NHS Medway CCG`, ['1.1'])
    // The price schedule is never the panel's, and Healthwatch is offered only the patient question.
    assert.equal(await add.locator(`input[value="${ids.q['2.1']}"]`).count(), 0, 'the price schedule is offered to the panel')
    const hw = page.locator('form:has([id="addhw-user_id"])')
    assert.equal(await hw.locator('input[name="questions"]').count(), 1, 'Healthwatch is offered more than the patient question')
    await page.locator('[id="addhw-user_id"]').selectOption({ label: `${ROBIN}, Healthwatch Kent` })
    await hw.locator(`input[value="${ids.q['1.2']}"]`).check()
    await press(page, 'Add Healthwatch evaluator')
    assert.match(await flash(page), /Evaluator added/, await summary(page))

    const panel = await api('lead', 'GET', `/evaluations/lots/${ids.lot}/panel`, undefined, 200)
    for (const m of panel.members) ids.user[m.name] = m.user_id
    assert.deepEqual(panel.members.map((m) => m.name).sort(), [SAM, NIC, ROBIN].sort())

    // Nic also scores the pass/fail question.
    const nic = ids.user[NIC]
    await page.getByText(`Change ${NIC}'s questions, or take them off the panel`).click()
    await page.locator(`form[action$="/panel/${nic}/questions"] input[value="${ids.q['1.3']}"]`).check()
    await press(page, 'Change questions of ' + NIC)
    assert.match(await flash(page), /questions are changed/, await summary(page))
    const body = await text(page)
    assert.ok(body.includes('1.1, 1.3'), 'Nic does not score 1.1 and 1.3')
    assert.ok(body.includes('Healthwatch'), 'the Healthwatch evaluator is not tagged')
    await checkA11y(page, 'the evaluation overview with a panel')
  })

  test('the lead takes an evaluator off the panel with a reason, and puts them back', async () => {
    const page = await as('lead')
    await visit(page, `/evaluations/lots/${ids.lot}`)
    const nic = ids.user[NIC]
    await page.getByText(`Change ${NIC}'s questions, or take them off the panel`).click()
    await page.locator(`[id="remove-${nic}-reason"]`).fill('Wrong')
    await press(page, `Take ${NIC} off the panel`)
    assert.match(await errorBeside(page, `remove-${nic}-reason`), /at least 10 characters/)
    await checkA11y(page, 'the evaluation overview with a refused removal')
    await page.locator(`[id="remove-${nic}-reason"]`).fill('Added to the wrong lot by mistake: re-adding with the right questions')
    await press(page, `Take ${NIC} off the panel`)
    assert.match(await flash(page), /no longer on the panel/, await summary(page))
    assert.ok(!(await shown(page, '#panel ~ .golive-table-scroll table')).includes(NIC), 'Nic is still on the panel')

    await page.locator('[id="add-user_id"]').selectOption({ label: `${NIC}, NHS Medway CCG` })
    const add = page.locator('form:has([id="add-user_id"])')
    for (const n of ['1.1', '1.3']) await add.locator(`input[value="${ids.q[n]}"]`).check()
    await press(page, 'Add evaluator')
    assert.match(await flash(page), /Evaluator added/, await summary(page))
  })

  test('Dr Sam declares, is shown a too-short rationale beside its field, scores both bidders and submits', async () => {
    const page = await as('clinical')
    await visit(page, '/')
    await Promise.all([page.waitForNavigation(), page.locator('.nhsuk-header__navigation').getByRole('link', { name: 'Evaluations' }).click()])
    assert.equal(await theH1(page), 'Your evaluations')
    assert.ok((await text(page)).includes('Declare your interests'))
    await checkA11y(page, 'your evaluations')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Lot 1: Urgent treatment centres' }).click()])
    assert.equal(new URL(page.url()).pathname, `/evaluations/lots/${ids.lot}/workspace`)
    await theH1(page)
    await checkA11y(page, 'the workspace: declarations')

    // No response is readable before declaring.
    let res = await page.goto(`/evaluations/lots/${ids.lot}/bidders/${ids.org[ESTUARY]}`)
    assert.equal(res.status(), 409, 'a response is readable before declaring')
    await visit(page, `/evaluations/lots/${ids.lot}/workspace`)
    await press(page, 'Record my declarations')
    assert.match(await errorBeside(page, `decision-${ids.org[ESTUARY]}`), /conflict of interest with Estuary/)
    await checkA11y(page, 'the workspace with declaration errors')
    await declare(page, { [ESTUARY]: {}, [WEALD]: {} })
    assert.match(await flash(page), /declarations are recorded/, await summary(page))
    assert.ok((await text(page)).includes('0 of 3'), 'progress is not shown')
    await checkA11y(page, 'the workspace: bidders')

    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: `Score ${ESTUARY}` }).click()])
    assert.equal(await theH1(page), `Score ${ESTUARY}`)
    const sheet = await text(page)
    assert.ok(sheet.includes(`${ESTUARY} answers 1.2: a named clinical lead`), 'the answer is not shown')
    assert.ok(!sheet.includes('2.1') && !sheet.includes('£'), 'the price schedule is on the scoring sheet')
    await checkA11y(page, 'the scoring sheet')

    // A rationale too short for 1.1; 1.2 in full is saved all the same.
    await page.locator(`input[name="score-${ids.q['1.1']}"][value="3"]`).check()
    await page.locator(`[id="rationale-${ids.q['1.1']}"]`).fill('Good.')
    await page.locator(`input[name="score-${ids.q['1.2']}"][value="2"]`).check()
    await page.locator(`[id="rationale-${ids.q['1.2']}"]`).fill(rationale('is clear on patient experience'))
    await press(page, 'Save marks')
    assert.match(await errorBeside(page, `rationale-${ids.q['1.1']}`), /at least 20 characters/)
    assert.equal(await page.locator(`[id="rationale-${ids.q['1.1']}"]`).inputValue(), 'Good.', 'what was typed is lost')
    assert.ok(await page.locator(`input[name="score-${ids.q['1.1']}"][value="3"]`).isChecked(), 'the score typed is lost')
    assert.ok((await text(page)).includes('Your other 1 mark on this page was saved'))
    await checkA11y(page, 'the scoring sheet with a field error')

    await score(page, ESTUARY, { '1.1': 3, '1.3': true })
    // The saved marks are shown again.
    assert.ok(await page.locator(`input[name="score-${ids.q['1.1']}"][value="3"]`).isChecked())
    assert.ok(await page.locator(`input[name="score-${ids.q['1.2']}"][value="2"]`).isChecked())
    assert.ok(await page.locator(`input[name="passed-${ids.q['1.3']}"][value="pass"]`).isChecked())
    assert.equal(await page.locator(`[id="rationale-${ids.q['1.2']}"]`).inputValue(), rationale('is clear on patient experience'))
    await checkA11y(page, 'the scoring sheet with saved marks')

    await score(page, WEALD, { '1.1': 2, '1.2': 2, '1.3': true })
    await visit(page, `/evaluations/lots/${ids.lot}/workspace`)
    assert.ok((await text(page)).includes('You have scored every question for every bidder'))
    // Submitting goes through the check of every mark, each with its rationale and a way back to change it.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Check your scores and submit them' }).click()])
    assert.equal(await theH1(page), 'Check your scores before submitting')
    const checked = await text(page)
    assert.ok(checked.includes('Your score: 3 of 4') && checked.includes(rationale(`for ${ESTUARY} on 1.1`)), 'the check does not show the marks')
    assert.equal(await page.getByRole('link', { name: `Change your score for 1.1 for ${WEALD}` }).getAttribute('href'),
      `/evaluations/lots/${ids.lot}/bidders/${ids.org[WEALD]}#question-${ids.q['1.1']}`)
    await checkA11y(page, 'check your scores')
    await press(page, 'Submit scores')
    assert.match(await flash(page), /scores are submitted/, await summary(page))
    assert.ok(await page.locator('#submitted').count() === 1, 'the workspace does not say the scores are submitted')
    await checkA11y(page, 'the workspace after submitting')
    await visit(page, `/evaluations/lots/${ids.lot}/bidders/${ids.org[WEALD]}`)
    assert.equal(await page.getByRole('button', { name: 'Save marks' }).count(), 0, 'submitted marks can still be changed')
    await checkA11y(page, 'the scoring sheet, locked')
  })

  test('Nic declares a conflict with Weald, is told what is missing, scores Estuary and submits', async () => {
    const page = await workspace('finance')
    await declare(page, { [ESTUARY]: {}, [WEALD]: { conflict: true, reason: 'short' } })
    assert.match(await errorBeside(page, `reason-${ids.org[WEALD]}`), /at least 10 characters/)
    await checkA11y(page, 'the workspace with a conflict lacking its reason')
    await declare(page, { [WEALD]: { conflict: true, reason: 'My brother is a paramedic team leader at Weald' } })
    assert.match(await flash(page), /declarations are recorded/, await summary(page))
    const body = await text(page)
    assert.ok(body.includes('Excluded: you neither read nor score its response'), 'the conflicted bidder is not listed as excluded')
    assert.equal(await page.getByRole('link', { name: `Score ${WEALD}` }).count(), 0, 'the conflicted bidder can be scored')
    const res = await page.goto(`/evaluations/lots/${ids.lot}/bidders/${ids.org[WEALD]}`)
    assert.equal(res.status(), 403, 'the conflicted evaluator reads Weald')

    await visit(page, `/evaluations/lots/${ids.lot}/workspace`)
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Check your scores' }).click()])
    // The check lists what is missing, each linked to where it is given, and offers no submit.
    const missing = await shown(page, '#missing')
    assert.ok(missing.includes(`1.1 for ${ESTUARY}`) && missing.includes(`1.3 for ${ESTUARY}`) && !missing.includes(WEALD), `missing: ${missing}`)
    assert.equal(await page.getByRole('button', { name: 'Submit scores' }).count(), 0, 'the check offers to submit with marks missing')
    assert.ok((await text(page)).includes(`You declared a conflict of interest with: ${WEALD}`), 'the conflicted bidder is not named')
    await checkA11y(page, 'check your scores with marks missing')
    await Promise.all([page.waitForNavigation(), page.locator('#missing').getByRole('link', { name: `1.1 for ${ESTUARY}` }).click()])
    assert.equal(new URL(page.url()).pathname, `/evaluations/lots/${ids.lot}/bidders/${ids.org[ESTUARY]}`)
    assert.equal(new URL(page.url()).hash, `#question-${ids.q['1.1']}`)

    await score(page, ESTUARY, { '1.1': 2, '1.3': true })
    await visit(page, `/evaluations/lots/${ids.lot}/scores/check`)
    await press(page, 'Submit scores')
    assert.match(await flash(page), /scores are submitted/, await summary(page))
  })

  test('Robin, for Healthwatch, scores only the patient question, sees no price, and submits', async () => {
    const page = await as('healthwatch')
    await visit(page, '/evaluations')
    assert.ok((await text(page)).includes('Healthwatch'))
    const ws = await workspace('healthwatch')
    await declare(ws, { [ESTUARY]: {}, [WEALD]: {} })
    assert.match(await flash(ws), /declarations are recorded/, await summary(ws))
    const body = await text(ws)
    assert.ok(body.includes('1.2 How will patients experience the service?') && !body.includes('1.1 ') && !body.includes('1.3 '), 'Healthwatch sees a question not its own')
    await score(ws, ESTUARY, { '1.2': 4 })
    assert.equal(await ws.locator('input[name^="score-"], input[name^="passed-"]').count(), 5, 'more than the 0–4 scale of one question')
    assert.ok(!(await ws.content()).includes('£'), 'Healthwatch sees money')
    await checkA11y(ws, 'the Healthwatch scoring sheet')
    await score(ws, WEALD, { '1.2': 3 })
    await visit(ws, `/evaluations/lots/${ids.lot}/scores/check`)
    const checked = await ws.content()
    assert.ok(!checked.includes('£') && !checked.includes('Price schedule') && !checked.includes('1.1 '), 'the Healthwatch check shows a price or another question')
    await checkA11y(ws, 'the Healthwatch check of scores')
    await press(ws, 'Submit scores')
    assert.match(await flash(ws), /scores are submitted/, await summary(ws))
    const res = await ws.goto(`/evaluations/lots/${ids.lot}`)
    assert.equal(res.status(), 403, 'Healthwatch reads the lead\'s overview')
  })

  test('the lead sees every evaluator submitted and the questions ready for moderation, but no score', async () => {
    const page = await as('lead')
    await visit(page, `/evaluations/lots/${ids.lot}`)
    const body = await text(page)
    assert.equal(await page.locator('table .nhsuk-tag', { hasText: 'Submitted' }).count(), 3, 'not every evaluator shows as submitted')
    assert.ok(body.includes(`Conflict of interest with ${WEALD}`), 'the declared conflict is not shown to the lead')
    assert.equal(await page.locator('.nhsuk-tag', { hasText: 'Ready for moderation' }).count(), 3)
    assert.ok(!body.includes(rationale(`for ${ESTUARY} on 1.1`)), 'the lead reads an individual rationale before moderation')
    assert.equal(await page.getByRole('button', { name: /^Take .* off the panel$/ }).count(), 0, 'an evaluator who submitted can be taken off')
    for (const n of ['1.1', '1.2', '1.3']) {
      assert.equal(await page.locator(`a[href="/evaluations/lots/${ids.lot}/questions/${ids.q[n]}/moderation"]`).count(), 1, `no link to moderate ${n}`)
    }
    await checkA11y(page, 'the evaluation overview, ready for moderation')
  })
})
