// Starts the NHS.UK frontend components. NHS.UK's page template does the first half of this in
// an inline <script>, which golive's CSP (script-src 'self') forbids, so it lives here. As a
// module it runs only in browsers that nhsuk-frontend supports, which is what the
// nhsuk-frontend-supported class tells its CSS (the Show password button, the menu toggle).
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
