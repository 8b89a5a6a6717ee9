// A procurement from draft to opened responses, through the pages only, as the people who run
// it would: the Medway lead builds it with Swale, both governing bodies approve, two providers
// register, ask, answer and submit, the deadline passes, two people open it.
//
// golive runs on a clock that starts just after the clocks go forward in 2027 (GOLIVE_NOW), so
// times entered as 12:00 UK time must read back as 12:00 in British Summer Time; after the
// submissions it restarts on the same data with the clock after the deadline.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, theH1, useGolive, visit } from './harness.mjs'
import { dateTyped, fillDate } from './dates.mjs'
import { errorBeside, flash, lotPeople, press, sessions, summary, text } from './walkthrough.mjs'

const START = '2027-03-29T09:00:00+01:00' // the Monday after the clocks go forward
const AFTER_DEADLINE = '2027-04-14T13:00:00+01:00' // an hour after the submission deadline

// the lead and admin, the Medway and Swale approvers, the Weald and Estuary bidders, and Healthwatch
const people = { ...lotPeople, healthwatch: demo.healthwatch }

const VALUE_TYPED = '12,500,000'
const VALUE_SHOWN = '£12,500,000.00'

const golive = useGolive({ env: { GOLIVE_NOW: START } })
const { as, closePages } = sessions(golive, people)
const state = {}


describe('a procurement from draft to opened responses', () => {
  test('the lead creates a procurement with Medway and Swale; bad input is shown beside its field', async () => {
    const page = await as('lead')
    await visit(page, '/procurements')
    assert.equal(await theH1(page), 'Procurements')
    await checkA11y(page, 'the list of procurements')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Create a procurement' }).click()])
    assert.equal(new URL(page.url()).pathname, '/procurements/new')
    await theH1(page)
    await checkA11y(page, 'the new procurement form')

    // Bad input first: no reference, a term in words, a time but no date, 31 February.
    await page.locator('#title').fill('Medway and Swale integrated urgent care 2027')
    await page.locator('#term_years').fill('five')
    await page.getByRole('group', { name: 'Clarification deadline', exact: true }).getByLabel('Time', { exact: true }).fill('12:00')
    await fillDate(page, 'Submission deadline', '2027-02-28', '12:00')
    await page.getByRole('group', { name: 'Submission deadline', exact: true }).getByLabel('Day', { exact: true }).fill('31')
    await press(page, 'Create procurement')
    assert.match(await errorBeside(page, 'reference'), /reference/i)
    assert.match(await errorBeside(page, 'term_years'), /whole number/)
    assert.match(await errorBeside(page, 'clarification_deadline'), /Enter the clarification deadline$/)
    assert.match(await errorBeside(page, 'submission_deadline'), /Submission deadline must be a real date$/)
    // The day is the part in error: highlighted, and the error summary's link lands on it.
    assert.match(await page.locator('#submission_deadline').getAttribute('name'), /^submission_deadline-day$/)
    assert.match(await page.locator('#submission_deadline').getAttribute('class'), /nhsuk-input--error/)
    assert.doesNotMatch(await page.locator('#submission_deadline-month').getAttribute('class'), /nhsuk-input--error/)
    assert.equal(await dateTyped(page, 'Submission deadline'), '31 2 2027 12:00', 'the date typed is lost')
    assert.equal(await dateTyped(page, 'Clarification deadline'), '   12:00', 'the time typed is lost')
    assert.equal(await page.locator('#title').inputValue(), 'Medway and Swale integrated urgent care 2027', 'what was typed is lost')
    await checkA11y(page, 'the new procurement form with errors')

    await page.locator('#reference').fill('MS-IUC-2027')
    await page.getByLabel('NHS Swale CCG', { exact: true }).check()
    assert.ok(await page.getByLabel('NHS Medway CCG', { exact: true }).isChecked(), 'the lead is not chosen by default')
    await page.getByLabel('Provider Selection Regime', { exact: true }).check()
    await page.locator('#procedure').selectOption('Open')
    await page.locator('#term_years').fill('5')
    await page.locator('#extension_years').fill('2')
    await page.locator('#estimated_value').fill(VALUE_TYPED)
    await fillDate(page, 'Clarification deadline', '2027-04-07', '12:00')
    await fillDate(page, 'Submission deadline', '2027-04-14', '12:00')
    await fillDate(page, 'Opening and evaluation start', '2027-04-15', '09:00')
    await fillDate(page, 'Award date', '2027-06-01', '12:00')
    await fillDate(page, 'Contract start', '2027-10-01', '08:00')
    await press(page, 'Create procurement')
    const m = new URL(page.url()).pathname.match(/^\/procurements\/([0-9a-f-]{36})$/)
    assert.ok(m, `creating landed on ${page.url()}: ${await summary(page)}`)
    state.id = m[1]
    assert.equal(await theH1(page), 'Medway and Swale integrated urgent care 2027')
    const body = await text(page)
    assert.ok(body.includes('14 April 2027 at midday'), 'the submission deadline does not read 12:00 UK time')
    assert.ok(body.includes(VALUE_SHOWN), 'the lead does not see the estimated value')
    assert.ok(body.includes('NHS Swale CCG'), 'Swale is not listed as taking part')
    await checkA11y(page, 'the procurement overview (draft)')
  })

  test('the lead adds a lot and builds its questionnaire by hand and from a template', async () => {
    const page = await as('lead')
    await visit(page, `/procurements/${state.id}`)
    await page.locator('#lot-title').fill('NHS 111 and clinical assessment service')
    await page.getByLabel('NHS 111', { exact: true }).check()
    await page.getByLabel('Clinical assessment service', { exact: true }).check()
    const lotForm = page.locator('form[action$="/lots"]')
    await lotForm.getByLabel('NHS Medway CCG', { exact: true }).check()
    await lotForm.getByLabel('NHS Swale CCG', { exact: true }).check()
    await press(page, 'Add lot')
    const m = new URL(page.url()).pathname.match(/\/lots\/([0-9a-f-]{36})$/)
    assert.ok(m, `adding the lot landed on ${page.url()}: ${await summary(page)}`)
    state.lot = m[1]
    assert.match(await flash(page), /Lot 1 added/)
    await theH1(page)
    await checkA11y(page, 'the lot page')

    // A question by hand, first with a weight that is not a percentage.
    const fillQuestion = async (weight) => {
      await page.locator('#question-section').fill('Social value')
      await page.locator('#question-number').fill('6.1')
      await page.locator('#question-text').fill('How will the service employ local people and work with the voluntary sector?')
      await page.locator('#question-panel-1').check() // patient experience
      await page.locator('#question-weight').fill(weight)
      await page.locator('#question-word_limit').fill('500')
    }
    await fillQuestion('12.345')
    await press(page, 'Add question')
    assert.match(await errorBeside(page, 'question-weight'), /percentage/)
    await checkA11y(page, 'the lot page with an error')
    await fillQuestion('10')
    await press(page, 'Add question')
    assert.match(await flash(page), /Question 6.1 added/, await summary(page))
    assert.ok((await text(page)).includes('the weights add up to 10%; they must add up to 100%'), 'no weight message')

    // Not ready: the overview's set-up task list and the refusal both say why.
    await visit(page, `/procurements/${state.id}`)
    const task = (name) => page.locator('#set-up-tasks li').filter({ hasText: name })
    assert.match(await task('Lots and questionnaires').innerText(), /Lot 1: the weights add up to 10%[\s\S]*Incomplete/)
    assert.match(await task('Business case approved').innerText(), /Cannot start yet/)
    assert.equal(await task('Check and publish to bidders').getByRole('link').count(), 0, 'publishing is offered before approval')
    await press(page, 'Submit for approval')
    assert.match(await summary(page), /Lot 1: the weights add up to 10%/)
    await checkA11y(page, 'the overview refusing approval')

    // The template replaces the questionnaire (100 %); then a pass/fail question by hand, no weight.
    await visit(page, `/procurements/${state.id}/lots/${state.lot}`)
    await page.locator('#tpl-template').selectOption('iuc')
    await press(page, 'Apply template')
    assert.match(await flash(page), /template/)
    let body = await text(page)
    assert.ok(body.includes('Total weight of lot 1: 100%'), 'the template does not weigh 100%')
    assert.ok(!body.includes('they must add up to 100%'), 'a weight message with a template at 100%')
    await page.locator('#question-section').fill('Compliance')
    await page.locator('#question-number').fill('4.3')
    await page.locator('#question-text').fill('Confirm that you will take part in the Kent and Medway clinical governance network.')
    await page.locator('#question-kind-1').check() // pass or fail
    await page.locator('#question-weight').fill('0')
    await page.locator('#question-word_limit').fill('200')
    await press(page, 'Add question')
    assert.match(await flash(page), /Question 4.3 added/, await summary(page))
    body = await text(page)
    assert.ok(body.includes('Total weight of lot 1: 100%'))

    await page.locator('#phase-name').fill('NHS 111 and CAS go live')
    await page.locator('#phase-service').selectOption('nhs111')
    await fillDate(page, 'Go-live date and time', '2027-10-01', '08:00')
    await press(page, 'Add phase')
    assert.match(await flash(page), /Phase .* added/, await summary(page))
    assert.ok((await text(page)).includes('1 October 2027 at 8am'))
  })

  test('the lead submits it for approval and both governing bodies approve', async () => {
    const lead = await as('lead')
    await visit(lead, `/procurements/${state.id}`)
    await press(lead, 'Submit for approval')
    assert.match(await flash(lead), /Sent to every participating governing body/, await summary(lead))

    for (const who of ['medwayApprover', 'swaleApprover']) {
      const page = await as(who)
      await visit(page, `/procurements/${state.id}`)
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: "Record your governing body's decision" }).click()])
      assert.equal(new URL(page.url()).pathname, `/procurements/${state.id}/decision`)
      await theH1(page)
      if (who === 'medwayApprover') {
        await checkA11y(page, 'the decision page')
        // Rejecting needs a reason.
        await page.getByLabel('Reject', { exact: true }).check()
        await fillDate(page, 'Date of the governing body meeting', '2027-03-25')
        await page.locator('#minute_ref').fill('GB/2027/031')
        await press(page, 'Record decision')
        assert.match(await errorBeside(page, 'reason'), /reason/i)
        await checkA11y(page, 'the decision page with an error')
      }
      await page.getByLabel('Approve', { exact: true }).check()
      await fillDate(page, 'Date of the governing body meeting', '2027-03-25')
      await page.locator('#minute_ref').fill(who === 'medwayApprover' ? 'GB/2027/031' : 'SW/27/14')
      await page.locator('#part2').check()
      await press(page, 'Record decision')
      assert.match(await flash(page), /approval is recorded/, await summary(page))
    }
  })

  test('the lead publishes it', async () => {
    const page = await as('lead')
    await visit(page, `/procurements/${state.id}`)
    const body = await text(page)
    assert.ok(body.includes('GB/2027/031') && body.includes('SW/27/14'), 'the decisions table lacks the minute references')
    // Approved by every body: the task list offers publishing, and it is done from there.
    assert.match(await page.locator('#set-up-tasks li').filter({ hasText: 'Business case approved' }).innerText(), /Completed/)
    await Promise.all([page.waitForNavigation(), page.locator('#set-up-tasks').getByRole('link', { name: 'Check and publish to bidders' }).click()])
    assert.equal(await theH1(page), 'Check before you publish')
    await checkA11y(page, 'the check before publishing')
    // This timetable's tender period is 16 days: the check page names it and asks for confirmation.
    assert.match(await text(page), /16 days, shorter than 30 days/)
    await page.locator('#publish-confirm_short_tender_period').check()
    await press(page, 'Publish to bidders')
    assert.match(await flash(page), /Published/, await summary(page))
    await checkA11y(page, 'the procurement overview (published)')
  })

  test('Weald registers interest and asks a clarification; the lead answers it', async () => {
    const page = await as('weald')
    await visit(page, '/opportunities')
    await theH1(page)
    await checkA11y(page, 'the list of opportunities')
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Medway and Swale integrated urgent care 2027' }).click()])
    await theH1(page)
    await checkA11y(page, 'an opportunity before registering')
    await press(page, 'Register interest')
    assert.match(await flash(page), /Interest registered/)
    await page.locator('#question').fill('Can the clinical assessment service keep using the clinical system the current provider uses?')
    await press(page, 'Send question')
    assert.match(await flash(page), /Question sent/, await summary(page))
    assert.ok((await text(page)).includes('Question 1 (yours)'))

    const lead = await as('lead')
    await visit(lead, `/procurements/${state.id}/clarifications`)
    await theH1(lead)
    assert.ok((await text(lead)).includes('Weald Ambulance Service NHS Trust'), 'the lead does not see who asked')
    await checkA11y(lead, 'the clarifications page')
    await lead.getByLabel('Answer to question 1', { exact: true }).fill('Yes: the current clinical system contract runs to 2029 and transfers to the new provider.')
    await press(lead, 'Publish answer to question 1')
    assert.match(await flash(lead), /Answer published/, await summary(lead))
  })

  test('Estuary registers, reads the answer, and sees neither who asked nor the value', async () => {
    const page = await as('estuary')
    await visit(page, `/opportunities/${state.id}`)
    await press(page, 'Register interest')
    const html = await page.content()
    assert.ok(html.includes('the current clinical system contract runs to 2029'), 'the published answer is not shown')
    assert.ok(!html.includes('Weald'), 'the opportunity page names the bidder who asked')
    assert.ok(!html.includes('12,500,000') && !html.includes('12500000'), 'a bidder sees the estimated value')
    assert.ok((await text(page)).includes('14 April 2027 at midday'), 'the deadline does not read 12:00 UK time')
    await checkA11y(page, 'an opportunity after registering')
    const res = await page.goto(`/procurements/${state.id}`)
    assert.ok([403, 404].includes(res.status()), `a bidder opened the commissioners' overview: HTTP ${res.status()}`)
  })

  test('both bidders save and submit a response and get a receipt', async () => {
    for (const who of ['weald', 'estuary']) {
      const page = await as(who)
      await visit(page, `/opportunities/${state.id}/lots/${state.lot}/response`)
      await theH1(page)
      if (who === 'estuary') await checkA11y(page, 'the response form')
      const answers = page.locator('textarea[name^="answer_"]')
      const n = await answers.count()
      assert.ok(n >= 10, `only ${n} questions to answer`)
      for (let i = 0; i < n; i++) await answers.nth(i).fill(`${who} answer ${i + 1}: we will meet the specification in full.`)
      const years = page.locator('input[name^="price_"]')
      assert.equal(await years.count(), 5, 'not one price per contract year')
      if (who === 'estuary') {
        await page.locator('#price_2').fill('two million')
        await press(page, 'Save draft')
        assert.match(await errorBeside(page, 'price_2'), /pounds/)
        await checkA11y(page, 'the response form with an error')
      }
      for (let y = 1; y <= 5; y++) await page.locator(y === 1 ? '#prices' : `#price_${y}`).fill(`${2_400_000 + y * 10_000}`)
      await page.locator('#partners').fill(who === 'estuary' ? 'North Downs GP Federation' : '')
      await press(page, 'Save draft')
      assert.match(await flash(page), /Draft saved/, await summary(page))
      assert.ok(!(await page.content()).includes('12,500,000'), 'a bidder sees the estimated value')
      if (who === 'estuary') {
        // A file that is not a document is refused beside the field; a real one is attached.
        await page.locator('#file').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<html><script>alert(1)</script></html>') })
        await press(page, 'Attach file')
        assert.match(await errorBeside(page, 'file'), /PDF, Word/)
        await checkA11y(page, 'the response form with a refused attachment')
        await page.locator('#file').setInputFiles({ name: 'cqc-registration.txt', mimeType: 'text/plain', buffer: Buffer.from('CQC registration: Estuary Urgent Care CIC.\n') })
        await press(page, 'Attach file')
        assert.match(await flash(page), /Attached cqc-registration.txt/, await summary(page))
        assert.ok((await text(page)).includes('cqc-registration.txt'), 'the attachment is not listed')
      }
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Check and submit your response' }).click()])
      if (who === 'estuary') await checkA11y(page, 'the check before submitting')
      await press(page, 'Submit response')
      assert.match(await flash(page), /submitted/, await summary(page))
      const sha = (await page.locator('#receipt-sha256').innerText()).trim()
      assert.match(sha, /^[0-9a-f]{64}$/, 'no SHA-256 on the receipt')
      const ref = (await page.locator('#receipt-reference').innerText()).trim()
      assert.match(ref, /^L\d+-V\d+-[0-9A-F]{4}-[0-9A-F]{4}$/, 'no short receipt reference')
      assert.equal(ref.slice(-9).replace('-', ''), sha.slice(0, 8).toUpperCase(), 'the reference is not read off the hash')
      state[`${who}Ref`] = ref
    }
    const page = await as('estuary')
    await visit(page, `/opportunities/${state.id}`)
    assert.ok((await text(page)).includes(state.estuaryRef), 'the opportunity page lacks the receipt reference')
    assert.ok(!(await page.content()).includes('Weald'), 'the opportunity page names another bidder')
  })

  test('after the deadline the lead starts the opening, cannot confirm it alone, and the admin confirms', async () => {
    await closePages()
    await golive.app.restart({ GOLIVE_NOW: AFTER_DEADLINE })

    const lead = await as('lead')
    await visit(lead, `/procurements/${state.id}/opening`)
    await theH1(lead)
    assert.ok((await text(lead)).includes('2 responses'), 'the opening page does not count 2 responses')
    await checkA11y(lead, 'the opening page')
    await press(lead, 'Start the opening')
    assert.match(await flash(lead), /Opening started/, await summary(lead))
    assert.ok((await text(lead)).includes('Morgan Lead'), 'the page does not say who started the opening')
    await press(lead, 'Confirm the opening as the second person')
    assert.match(await summary(lead), /second person/)

    const admin = await as('admin')
    await visit(admin, `/procurements/${state.id}/opening`)
    await press(admin, 'Confirm the opening as the second person')
    assert.match(await flash(admin), /Opening confirmed/, await summary(admin))
  })

  test('the lead reads the opened responses: quality answers, no prices', async () => {
    const page = await as('lead')
    await visit(page, `/procurements/${state.id}/lots/${state.lot}/responses`)
    await theH1(page)
    const body = await text(page)
    assert.ok(body.includes('Weald Ambulance Service NHS Trust') && body.includes('Estuary Urgent Care CIC'), 'a bidder is missing')
    assert.ok(body.includes('estuary answer 1: we will meet the specification in full.'), 'an answer is missing')
    assert.ok(!body.includes('2,410,000') && !body.includes('2410000'), 'prices are shown before moderation')
    const file = page.getByRole('link', { name: 'cqc-registration.txt' })
    const res = await page.request.get(await file.getAttribute('href'))
    assert.equal(res.status(), 200, 'the opened attachment does not download')
    assert.equal(await res.text(), 'CQC registration: Estuary Urgent Care CIC.\n')
    assert.match(res.headers()['content-disposition'], /^attachment/)
    await checkA11y(page, 'the opened responses')
  })

  test('Healthwatch is refused the procurement', async () => {
    const page = await as('healthwatch')
    const res = await page.goto(`/procurements/${state.id}`)
    assert.ok([403, 404].includes(res.status()), `Healthwatch opened the procurement: HTTP ${res.status()}`)
    assert.ok(!(await page.content()).includes(VALUE_SHOWN))
  })
})
