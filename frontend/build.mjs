// Copies the NHS.UK design system from node_modules into static/nhsuk/, which the Go binary
// embeds and serves at /static/nhsuk/. Plain node, no bundler: nhsuk-frontend ships its CSS and
// its ES module ready to use; this script only adapts them to where and how golive serves them.
//
//   npm ci && npm run build
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

const pkgJSON = require.resolve('nhsuk-frontend/package.json')
const { version } = JSON.parse(fs.readFileSync(pkgJSON, 'utf8'))
const dist = path.join(path.dirname(pkgJSON), 'dist', 'nhsuk')
const out = path.join(here, 'static', 'nhsuk')

// Where static/nhsuk/ is served; the layout's <link>s and app.js use the same paths.
const publicPath = '/static/nhsuk'

function fail (msg) {
  console.error(`build.mjs: ${msg}`)
  process.exit(1)
}

// replaceAll that insists on finding what it replaces: a new nhsuk-frontend release that changes
// its output must break the build, not quietly ship broken icons.
function mustReplace (text, pattern, replacement, what) {
  const next = text.replace(pattern, replacement)
  if (next === text) fail(`nhsuk-frontend ${version}: found no ${what} to rewrite`)
  return next
}

const stripSourceMap = (text) => text.replace(/\n?\/[*/]# sourceMappingURL=[^\n]*?(\*\/)?\s*$/, '\n')

fs.rmSync(out, { recursive: true, force: true })
fs.mkdirSync(out, { recursive: true })

// CSS.
let css = fs.readFileSync(path.join(dist, 'nhsuk-frontend.min.css'), 'utf8')
// The stylesheet is compiled with $nhsuk-assets-path "/assets/"; golive serves them under /static.
css = mustReplace(css, /url\(\/assets\//g, `url(${publicPath}/assets/`, 'url(/assets/…)')
// Frutiger is licensed for nhs.uk domains only and comes from assets.nhs.uk, which golive's CSP
// (font-src 'self') blocks anyway: drop the @font-face rules so every page does not log a CSP
// violation; the font stacks fall back to Arial, as NHS.UK advises for services off nhs.uk.
css = mustReplace(css, /@font-face\{[^}]*\}/g, '', '@font-face rule')
if (/url\(https?:/.test(css)) fail('the stylesheet still loads something from another origin')
fs.writeFileSync(path.join(out, 'nhsuk-frontend.min.css'), stripSourceMap(css))

// JavaScript: the ES module that exports initAll (app.js imports it).
const js = fs.readFileSync(path.join(dist, 'nhsuk-frontend.min.js'), 'utf8')
if (!/export\s*\{[^}]*\binitAll\b/.test(js)) fail('nhsuk-frontend.min.js no longer exports initAll')
fs.writeFileSync(path.join(out, 'nhsuk-frontend.min.js'), stripSourceMap(js))

// Images, favicons and the web manifest (its icon paths are relative, so they work as they are).
fs.cpSync(path.join(dist, 'assets'), path.join(out, 'assets'), { recursive: true })
for (const f of ['images/favicon.ico', 'images/favicon.svg', 'images/nhsuk-icon-180.png', 'images/nhsuk-icon-mask.svg', 'manifest.json']) {
  if (!fs.existsSync(path.join(out, 'assets', f))) fail(`nhsuk-frontend ${version} has no assets/${f}`)
}

let files = 0
let bytes = 0
for (const entry of fs.readdirSync(out, { recursive: true, withFileTypes: true })) {
  if (entry.isFile()) {
    files++
    bytes += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size
  }
}
console.log(`build.mjs: nhsuk-frontend ${version} → ${path.relative(process.cwd(), out) || '.'} (${files} files, ${Math.round(bytes / 1024)} KiB)`)
