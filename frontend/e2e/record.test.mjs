// The record of a decision: the Medway procurement lead goes from the dashboard, by links only,
// to the demo's Kent and Medway procurement and downloads its record.zip. The procurement page,
// which carries the new link, passes axe.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, demo, newPage, signIn, useGolive } from './harness.mjs'

const golive = useGolive()

test('the lead downloads the record of the Kent and Medway procurement from links on the dashboard', async () => {
  const page = await newPage(golive.browser, golive.baseURL)
  try {
    await signIn(page, demo.lead)
    await Promise.all([page.waitForURL((u) => u.pathname === '/procurements'), page.locator('a[href="/procurements"]').first().click()])
    await Promise.all([page.waitForURL((u) => /^\/procurements\/[0-9a-f-]{36}$/.test(u.pathname)),
      page.getByRole('link', { name: /Kent and Medway/ }).first().click()])
    const link = page.getByRole('link', { name: 'Download the record of this procurement (record.zip)' })
    assert.ok(await link.isVisible(), 'the procurement page shows no record download')
    await checkA11y(page, 'procurement page with the record download')

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    assert.match(download.suggestedFilename(), /^record-.+\.zip$/)
    const file = await download.path()
    const { readFile } = await import('node:fs/promises')
    const body = await readFile(file)
    assert.equal(body.subarray(0, 2).toString(), 'PK', 'the download is not a zip archive')
    for (const name of ['index.html', 'manifest.json', 'audit/events.json', 'procurement/timeline.csv']) {
      assert.ok(body.includes(Buffer.from(name)), `the archive has no ${name}`)
    }
  } finally {
    await page.context().close()
  }
})
