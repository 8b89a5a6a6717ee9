// The public notices without signing in: the searchable list, a notice of each kind the demo
// published, the search, and a link from a notice to its OCDS record; axe at 0 on each page.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { checkA11y, newPage, theH1, useGolive, visit } from './harness.mjs'

const golive = useGolive()

describe('public notices', () => {
  test('anyone reads the notices, searches them and opens one, with no sign-in', async () => {
    const page = await newPage(golive.browser, golive.baseURL)
    await visit(page, '/notices')
    assert.equal(await theH1(page), 'Public notices')
    assert.ok(!page.url().includes('/sign-in'), 'the list asked for a sign-in')
    await checkA11y(page, 'the public notices')
    const titles = await page.locator('tbody a').allTextContents()
    assert.ok(titles.some((t) => t.startsWith('Contract notice: Kent and Medway')), `no Kent and Medway contract notice in ${titles}`)
    assert.ok(titles.some((t) => t.startsWith('Tender notice: Integrated urgent care telephony platform')), `no telephony tender notice in ${titles}`)

    await page.locator('#q').fill('telephony')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL((u) => u.searchParams.get('q') === 'telephony')
    const found = await page.locator('tbody a').allTextContents()
    assert.ok(found.length >= 1 && found.every((t) => t.includes('telephony')), `the search found ${found}`)
    await checkA11y(page, 'the notices searched')

    for (const kind of ['Tender notice', 'Contract award notice', 'Go-live update']) {
      await visit(page, '/notices')
      await page.locator('tbody a', { hasText: kind }).first().click()
      assert.ok((await theH1(page)).startsWith(kind), `${kind}: h1 ${await theH1(page)}`)
      await checkA11y(page, `a ${kind}`)
    }
    const record = await page.getByRole('link', { name: /OCDS record/ }).getAttribute('href')
    const res = await page.request.get(record)
    assert.equal(res.status(), 200)
    assert.equal((await res.json()).version, '1.1')
    await page.context().close()
  })
})
