// The pages with golive's Content-Security-Policy enforced (the other tests bypass it to inject
// axe): the NHS.UK stylesheet, script, icons and favicons load from /static, nothing breaks the
// CSP (no inline script or style= attribute), and nhsuk-frontend's JavaScript starts.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { demo, newPage, signIn, useGolive, visit } from './harness.mjs'

const golive = useGolive()

// watch records what a page logs as an error: CSP violations, failed or 4xx/5xx loads, exceptions.
function watch (page) {
  const problems = []
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} ${m.location()?.url ?? ''}`.trim()) })
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`))
  page.on('requestfailed', (r) => {
    // ERR_ABORTED is a load the next navigation cancelled (a favicon, say), not a failure.
    const why = r.failure()?.errorText ?? ''
    if (why !== 'net::ERR_ABORTED') problems.push(`failed: ${r.url()} ${why}`)
  })
  page.on('response', (r) => { if (r.status() >= 400 && !r.request().isNavigationRequest()) problems.push(`HTTP ${r.status()}: ${r.url()}`) })
  return problems
}

async function assertClean (page, problems, what) {
  await page.waitForLoadState('networkidle')
  assert.deepEqual(problems, [], `${what}: the browser reported problems`)
  assert.ok(await page.evaluate(() => document.body.classList.contains('nhsuk-frontend-supported')),
    `${what}: static/app.js did not run (no nhsuk-frontend-supported class on body)`)
  // The NHS.UK stylesheet applied: the header is NHS blue.
  const blue = await page.locator('header.nhsuk-header').evaluate((el) => getComputedStyle(el).backgroundColor)
  assert.equal(blue, 'rgb(0, 94, 184)', `${what}: the NHS.UK stylesheet is not applied`)
}

describe('with the CSP enforced', () => {
  let page
  let problems
  before(async () => {
    page = await newPage(golive.browser, golive.baseURL, { bypassCSP: false })
    problems = watch(page)
  })
  after(async () => { await page?.context().close() })

  test('the sign-in page loads its assets and scripts without a CSP violation', async () => {
    const res = await visit(page, '/sign-in')
    assert.match(res.headers()['content-security-policy'] ?? '', /script-src 'self'/)
    await assertClean(page, problems, '/sign-in')
  })

  test('favicons, the manifest and its icons are served', async () => {
    await visit(page, '/sign-in')
    const hrefs = await page.locator('head link[rel~="icon"], head link[rel="apple-touch-icon"], head link[rel="mask-icon"], head link[rel="manifest"]')
      .evaluateAll((ls) => ls.map((l) => l.href))
    assert.ok(hrefs.length >= 4, `expected favicons and a manifest in <head>, found ${hrefs.length}`)
    for (const href of hrefs) {
      const r = await page.request.get(href)
      assert.equal(r.status(), 200, `${href}: HTTP ${r.status()}`)
    }
    const manifestURL = await page.locator('head link[rel="manifest"]').getAttribute('href')
    const manifest = await (await page.request.get(manifestURL)).json()
    for (const icon of manifest.icons) {
      const url = new URL(icon.src, new URL(manifestURL, golive.baseURL)).href
      const r = await page.request.get(url)
      assert.equal(r.status(), 200, `manifest icon ${url}: HTTP ${r.status()}`)
    }
  })

  test('every image the NHS.UK stylesheet uses is served', async () => {
    const cssURL = '/static/nhsuk/nhsuk-frontend.min.css'
    const css = await (await page.request.get(cssURL)).text()
    const urls = [...new Set([...css.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1].replace(/^["']|["']$/g, '')))]
      .filter((u) => !u.startsWith('data:'))
    assert.ok(urls.length > 0, 'the stylesheet uses no images: was it built by build.mjs?')
    for (const u of urls) {
      assert.ok(u.startsWith('/static/'), `the stylesheet loads ${u}, outside /static`)
      const r = await page.request.get(u)
      assert.equal(r.status(), 200, `${u}: HTTP ${r.status()}`)
    }
  })

  test('signed-in pages load cleanly too', async () => {
    await signIn(page, demo.tenantAdmin)
    problems.length = 0
    for (const path of ['/', '/admin/users/invite', '/account/tokens']) {
      await visit(page, path)
      await assertClean(page, problems, path)
    }
  })
})
