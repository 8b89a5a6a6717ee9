// Starts the NHS.UK frontend components; kept in a file because the CSP forbids inline script.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'
initAll()
