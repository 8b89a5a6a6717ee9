// The platform admin records a succession (NHS reorganisation) to come and cancels it; every
// page on the way is accessible, the form's errors included.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, newPage, signIn, theH1, useGolive, visit } from './harness.mjs'
import { dateTyped, fillDate } from './dates.mjs'
import { errorBeside } from './walkthrough.mjs'

const golive = useGolive()
let page
after(async () => { await page?.context().close() })

test('successions: list, record one to come, see it and cancel it', async () => {
  page = await newPage(golive.browser, golive.baseURL)
  await signIn(page, demo.platformAdmin)
  await visit(page, '/platform/successions')
  assert.equal(await theH1(page), 'Successions')
  await checkA11y(page, 'successions list')

  await page.getByRole('link', { name: 'Record a succession' }).click()
  await page.waitForURL('**/platform/successions/new')
  await checkA11y(page, 'record a succession')

  await page.getByRole('button', { name: 'Record the succession' }).click()
  await page.locator('.nhsuk-error-summary').waitFor()
  await checkA11y(page, 'record a succession, with errors')

  assert.match(await errorBeside(page, 'effective_date'), /Enter the date it takes effect$/)

  // A day with no month is refused beside the date, with what was typed kept.
  await page.getByLabel('Estuary Urgent Care CIC (provider)').check()
  await page.locator('#successor').selectOption({ label: 'Channel Coast Health Partnership (provider)' })
  const date = page.getByRole('group', { name: 'Takes effect from', exact: true })
  await date.getByLabel('Day', { exact: true }).fill('1')
  await date.getByLabel('Year', { exact: true }).fill('2099')
  await page.getByRole('button', { name: 'Record the succession' }).click()
  await page.locator('.nhsuk-error-summary').waitFor()
  assert.match(await errorBeside(page, 'effective_date'), /Date it takes effect must include a month$/)
  assert.equal(await dateTyped(page, 'Takes effect from'), '1  2099', 'the date typed is lost')
  assert.match(await page.locator('#effective_date').getAttribute('name'), /^effective_date-month$/, 'the summary does not link to the month')
  await checkA11y(page, 'record a succession, with a date missing its month')

  await fillDate(page, 'Takes effect from', '2099-04-01')
  await page.getByRole('button', { name: 'Record the succession' }).click()
  await page.waitForURL(/\/platform\/successions\/[0-9a-f-]{36}$/)
  assert.match(await theH1(page), /Channel Coast Health Partnership from 1 April 2099/)
  await checkA11y(page, 'a succession to come')

  await page.getByRole('button', { name: 'Cancel this succession' }).click()
  await page.getByText('The succession is cancelled.').waitFor()
  await checkA11y(page, 'a cancelled succession')
})
