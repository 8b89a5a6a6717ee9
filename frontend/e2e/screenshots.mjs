// Screenshots for the README: starts ../bin/golive with the demo data (through the browser tests'
// harness), signs in as Medway CCG's organisation admin and saves full-page PNGs into ../docs/.
// Not a test: run it from frontend/ after `make build`:
//
//   node e2e/screenshots.mjs
//
// GOLIVE_BIN and CHROMIUM work as in harness.mjs.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { demo, launchBrowser, newPage, signIn, startGolive } from './harness.mjs'

const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs')
const VIEWPORT = { width: 1280, height: 900 }

// file name → page, as the organisation admin; then the procurement lead's Kent and Medway
// procurement ('{procurement}' is its address, found on the list).
const shots = [
  ['dashboard.png', '/'],
  ['users.png', '/admin/users'],
  ['audit.png', '/admin/audit']
]
const leadShots = [
  ['procurement.png', '{procurement}']
]

const app = await startGolive()
let browser
try {
  browser = await launchBrowser()
  // The CSP stays enforced here: the pages must look right as a real browser shows them.
  const page = await newPage(browser, app.baseURL, { bypassCSP: false })
  await page.setViewportSize(VIEWPORT)
  await signIn(page, demo.tenantAdmin)
  fs.mkdirSync(docsDir, { recursive: true })
  for (const [file, pathname] of shots) {
    const res = await page.goto(pathname, { waitUntil: 'networkidle' })
    if (!res || res.status() !== 200) throw new Error(`${pathname}: HTTP ${res?.status()}`)
    const out = path.join(docsDir, file)
    await page.screenshot({ path: out, fullPage: true, animations: 'disabled', caret: 'hide' })
    console.log(`${pathname} → ${path.relative(process.cwd(), out)} (${Math.round(fs.statSync(out).size / 1024)} KB)`)
  }
  const lead = await newPage(browser, app.baseURL, { bypassCSP: false })
  await lead.setViewportSize(VIEWPORT)
  await signIn(lead, demo.lead)
  await lead.goto('/procurements')
  const procurement = await lead.getByRole('link', { name: /Kent and Medway Integrated Urgent Care/ }).first().getAttribute('href')
  for (const [file, pathname] of leadShots) {
    const res = await lead.goto(pathname.replace('{procurement}', procurement), { waitUntil: 'networkidle' })
    if (!res || res.status() !== 200) throw new Error(`${pathname}: HTTP ${res?.status()}`)
    const out = path.join(docsDir, file)
    await lead.locator('#timetable').scrollIntoViewIfNeeded()
    await lead.evaluate(() => window.scrollBy(0, -120))
    await lead.screenshot({ path: out, fullPage: false, animations: 'disabled', caret: 'hide' })
    console.log(`${pathname} → ${path.relative(process.cwd(), out)} (${Math.round(fs.statSync(out).size / 1024)} KB)`)
  }

  // The mobilisation plan of Kent and Medway lot 1 with its timeline, as the lead sees it on a
  // clock in February 2019 (GOLIVE_NOW), while it mobilises towards 1 April 2019.
  await app.restart({ GOLIVE_NOW: '2019-02-11T10:00:00Z' })
  const mob = await newPage(browser, app.baseURL, { bypassCSP: false })
  await mob.setViewportSize(VIEWPORT)
  await signIn(mob, demo.lead)
  // The lead's dashboard on that morning: what they must do next, each task linked.
  await mob.goto('/', { waitUntil: 'networkidle' })
  const tasksOut = path.join(docsDir, 'tasks.png')
  await mob.screenshot({ path: tasksOut, fullPage: false, animations: 'disabled', caret: 'hide' })
  console.log(`/ → ${path.relative(process.cwd(), tasksOut)} (${Math.round(fs.statSync(tasksOut).size / 1024)} KB)`)
  await mob.goto('/mobilisation')
  const plan = await mob.getByRole('link', { name: /^KM-IUCS-2018-L1/ }).first().getAttribute('href')
  const res = await mob.goto(plan, { waitUntil: 'networkidle' })
  if (!res || res.status() !== 200) throw new Error(`${plan}: HTTP ${res?.status()}`)
  await mob.locator('#timeline').evaluate((el) => el.scrollIntoView())
  await mob.evaluate(() => window.scrollBy(0, -10))
  const out = path.join(docsDir, 'mobilisation.png')
  await mob.screenshot({ path: out, fullPage: false, animations: 'disabled', caret: 'hide' })
  console.log(`${plan} → ${path.relative(process.cwd(), out)} (${Math.round(fs.statSync(out).size / 1024)} KB)`)
} catch (err) {
  console.error(err)
  console.error(`golive log:\n${app.log()}`)
  process.exitCode = 1
} finally {
  await browser?.close()
  await app.stop()
}
