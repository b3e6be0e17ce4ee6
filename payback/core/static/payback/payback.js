import { initAll } from '/assets/govuk/govuk-frontend.min.js'
import { initAll as initMoj } from '/assets/moj/moj-frontend.min.js'
import { initRegisterDrafts } from './register-draft.js'

initAll()
initMoj()
initRegisterDrafts()
