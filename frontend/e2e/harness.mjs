// Shared harness for golive's browser tests: starts the real binary on a free port with the demo
// data in a temporary directory, drives Debian's Chromium through playwright-core, and checks
// pages with axe-core. It builds nothing: `make test-browser` builds bin/golive first.
//
//   GOLIVE_BIN   the binary to test (default ../bin/golive from frontend/)
//
// A test file calls useGolive() once at its top level and gets { baseURL, browser } in its tests.
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const GOLIVE_BIN = path.resolve(frontendDir, process.env.GOLIVE_BIN || '../bin/golive')
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
// Without the background-networking flags Chromium keeps calling Google's hosts, which this
// machine's closed network refuses.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const AXE = require.resolve('axe-core/axe.min.js')
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']

// The demo sign-ins `golive demo` creates (it prints the same list).
export const DEMO_PASSWORD = 'golive-demo-2026'
export const demo = {
  platformAdmin: 'admin@golive.test',
  tenantAdmin: 'admin@medway-ccg.test',
  lead: 'lead@medway-ccg.test',
  evaluator: 'evaluator@medway-ccg.test',
  approver: 'approver@medway-ccg.test',
  observer: 'observer@medway-ccg.test',
  healthwatch: 'reviewer@healthwatch-kent.test',
  bidder: 'bids@estuary-urgent-care.test'
}

async function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function tail (file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

// startGolive loads the demo into a new data directory and serves it; stop() ends the server and
// removes the directory. env adds variables for `serve` only (the demo loads on the real clock),
// e.g. { GOLIVE_NOW: '2027-04-05T09:00:00+01:00' }. restart(envOverrides) stops only the serve
// process and starts it again on the same data directory (same SQLite file, same secret key)
// with envOverrides on top, waiting for /readyz: sessions may not survive it.
//
// With empty: true nothing is loaded: golive serves an empty data directory, as a new install
// does, and run(args) runs another golive command (such as `admin create`) against the same data
// directory while it serves, returning what it printed.
export async function startGolive ({ env: extraEnv = {}, empty = false } = {}) {
  if (!fs.existsSync(GOLIVE_BIN)) {
    throw new Error(`${GOLIVE_BIN} does not exist: run \`make build\` (or set GOLIVE_BIN)`)
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golive-e2e-'))
  const port = await freePort()
  const baseURL = `http://127.0.0.1:${port}`
  const env = { ...process.env, GOLIVE_DATA_DIR: path.join(dir, 'data'), GOLIVE_ADDR: `127.0.0.1:${port}`, GOLIVE_BASE_URL: baseURL }
  // Embedded SQLite, Redis and outbox: whatever the shell points at stays untouched.
  for (const k of ['GOLIVE_DATABASE_URL', 'GOLIVE_REDIS_URL', 'GOLIVE_SECRET_KEY', 'GOLIVE_SMTP_URL', 'GOLIVE_NOW']) delete env[k]

  const run = async (args) => {
    try {
      const { stdout } = await promisify(execFile)(GOLIVE_BIN, args, { env, cwd: dir, timeout: 120_000, maxBuffer: 16 << 20 })
      return stdout
    } catch (err) {
      throw new Error(`golive ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`)
    }
  }
  if (!empty) {
    try {
      // The demo without its reorganisations: the tests walk the 2019 bodies on today's clock, on
      // which the 2020–2022 successions would already have taken effect (successions.test.mjs
      // records its own).
      await run(['demo', '-successions=false'])
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw err
    }
  }

  const logFile = path.join(dir, 'serve.log')
  let serveEnv = { ...env, ...extraEnv }
  let child = null
  let exited = null
  let exit = Promise.resolve()

  const spawnServe = () => {
    const log = fs.openSync(logFile, 'a')
    child = spawn(GOLIVE_BIN, ['serve'], { env: serveEnv, cwd: dir, stdio: ['ignore', log, log] })
    fs.closeSync(log)
    exited = null
    const me = child
    exit = new Promise((resolve) => me.on('exit', (code, signal) => { exited = signal || code; resolve() }))
  }

  const stopServe = async () => {
    if (child && exited === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exit
      clearTimeout(timer)
    }
  }

  const stop = async () => {
    await stopServe()
    fs.rmSync(dir, { recursive: true, force: true })
  }

  const waitReady = async () => {
    const deadline = Date.now() + 60_000
    for (;;) {
      if (exited !== null) {
        const out = tail(logFile)
        await stop()
        throw new Error(`golive serve exited (${exited}) before /readyz answered:\n${out}`)
      }
      try {
        const res = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2_000) })
        if (res.status === 200) break
      } catch {}
      if (Date.now() > deadline) {
        const out = tail(logFile)
        await stop()
        throw new Error(`golive serve: /readyz did not answer 200 within 60 s:\n${out}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  const restart = async (envOverrides = {}) => {
    await stopServe()
    serveEnv = { ...serveEnv, ...envOverrides }
    spawnServe()
    await waitReady()
  }

  spawnServe()
  await waitReady()
  return { baseURL, dir, logFile, stop, restart, run, log: () => tail(logFile, 200) }
}

// launchBrowser starts Debian's Chromium. Playwright gives it a new, empty --user-data-dir of its
// own (and removes it on close); it refuses one passed in args.
export async function launchBrowser () {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} does not exist: run \`make deps\``)
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 })
}

// newPage opens a page in a fresh context (its own cookies: one person). axe is injected with
// addScriptTag, an inline script, which golive's CSP would refuse: so these contexts bypass the
// CSP, and csp.test.mjs checks the CSP separately with it enforced.
export async function newPage (browser, baseURL, { bypassCSP = true } = {}) {
  const context = await browser.newContext({ baseURL, bypassCSP, locale: 'en-GB' })
  context.setDefaultTimeout(45_000) // generous: a loaded 2-core CI machine, not a speed check
  context.setDefaultNavigationTimeout(60_000)
  return context.newPage()
}

// useGolive starts golive and Chromium before the file's tests and stops both after them.
export function useGolive (options = {}) {
  const env = {}
  before(async () => {
    const app = await startGolive(options)
    env.app = app
    env.baseURL = app.baseURL
    env.run = app.run
    env.browser = await launchBrowser()
  }, { timeout: 180_000 })
  after(async () => {
    await env.browser?.close()
    await env.app?.stop()
    a11yReport()
  }, { timeout: 30_000 })
  return env
}

// signIn signs in on /sign-in as email and expects to land on the dashboard.
export async function signIn (page, email, password = DEMO_PASSWORD) {
  await page.goto('/sign-in')
  await page.locator('#email').fill(email)
  await page.locator('#password').fill(password)
  let landed = true
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/', { timeout: 15_000 }).catch(() => { landed = false }),
    page.getByRole('button', { name: 'Sign in', exact: true }).click()
  ])
  if (!landed) {
    const url = new URL(page.url())
    const summary = await page.locator('.nhsuk-error-summary').first().textContent({ timeout: 1_000 }).catch(() => null)
    assert.fail(`signing in as ${email} landed on ${url.pathname}${summary ? `: ${summary.replace(/\s+/g, ' ').trim()}` : ''}`)
  }
}

// visit goes to path and asserts the HTTP status of the page itself (200 unless told).
export async function visit (page, pathname, status = [200]) {
  const res = await page.goto(pathname)
  assert.ok(res, `no response for ${pathname}`)
  const want = Array.isArray(status) ? status : [status]
  assert.ok(want.includes(res.status()), `${pathname}: HTTP ${res.status()}, want ${want.join(' or ')}`)
  return res
}

// theH1 returns the text of the page's h1, asserting there is exactly one.
export async function theH1 (page) {
  const h1 = await page.locator('h1').allTextContents()
  assert.equal(h1.length, 1, `${page.url()}: want exactly one h1, have ${h1.length}: ${JSON.stringify(h1)}`)
  return h1[0].replace(/\s+/g, ' ').trim()
}

// checkNoOverflow fails when the page, at a phone's width (390 px unless told), scrolls sideways:
// its document is wider than the viewport. A table that scrolls inside its own container does
// not count; the widest culprits are named to help find the cause. The viewport is put back.
// The NHS.UK header folds its menu into "More" on the resize event, a frame or two after the
// viewport changes: so the page is given up to 5 s to settle before it is measured.
export async function checkNoOverflow (page, label, width = 390) {
  const was = page.viewportSize()
  await page.setViewportSize({ width, height: 844 })
  await page.waitForFunction(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth, null, { timeout: 5_000 }).catch(() => {})
  const got = await page.evaluate(() => {
    const d = document.documentElement
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > d.clientWidth + 1)
      .slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + (typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''))
    return { scroll: d.scrollWidth, client: d.clientWidth, wide }
  })
  if (was) await page.setViewportSize(was)
  assert.ok(got.scroll <= got.client, `${label} (${new URL(page.url()).pathname}) overflows at ${width} px: ` +
    `${got.scroll} px of content in ${got.client}; wider than the page: ${got.wide.join(', ')}`)
}

let checked = 0
let failed = 0

// checkA11y runs axe (WCAG 2.0 A/AA, 2.1 AA, 2.2 AA) on the page as it is now and fails on any
// violation, printing each with the elements concerned.
export async function checkA11y (page, label) {
  await page.addScriptTag({ path: AXE })
  const violations = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary }))
    }))
  }, AXE_TAGS)
  checked++
  if (violations.length > 0) {
    failed++
    const text = violations.map((v) =>
      `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n` +
      v.nodes.map((n) => `    - ${n.target}\n      ${n.html}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`).join('\n')
    ).join('\n')
    console.log(`axe: ${label} (${new URL(page.url()).pathname}): ${violations.length} violation(s)\n${text}`)
  }
  assert.equal(violations.length, 0, `axe found ${violations.length} accessibility violation(s) on ${label}: ${violations.map((v) => v.id).join(', ')}`)
}

// a11yReport prints how many pages this test file checked, and the running total over the run:
// each test file is its own process, so the total goes through a small file named after the
// test runner's process (they run one after another: --test-concurrency=1).
export function a11yReport () {
  if (checked === 0) return
  const file = path.join(os.tmpdir(), `golive-e2e-axe-${process.ppid}.json`)
  let total = { pages: 0, failed: 0 }
  try { total = JSON.parse(fs.readFileSync(file, 'utf8')) } catch {}
  total.pages += checked
  total.failed += failed
  fs.writeFileSync(file, JSON.stringify(total))
  console.log(`axe (${AXE_TAGS.join(', ')}): ${checked} page(s) checked here, ${failed} with violations; ` +
    `${total.pages} page(s) checked in this run so far, ${total.failed} with violations`)
}
