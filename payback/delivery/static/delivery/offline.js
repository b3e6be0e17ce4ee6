// The supervisor's pages without signal (see docs/sessions.md). On "My sessions today" the page
// starts the service worker and asks it to keep today's pages on the phone; on every supervisor
// page it says, in a live region, what is saved on the phone and not yet sent, what was sent, and
// what the service sent back to correct. A copy of a page kept on the phone says so, and its forms
// get fresh idempotency keys, so that two submits made from the same copy are two submits.

import { Workbox } from '/assets/workbox/workbox-window.prod.mjs'
import { initAll } from '/assets/govuk/govuk-frontend.min.js'
import { clearRegisterDrafts, initRegisterDrafts } from '/assets/payback/register-draft.js'

const panel = document.querySelector('[data-offline]')
const keptAt = Number(document.documentElement.getAttribute('data-offline-copy')) || 0
const TIME = { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }
const LONGEST_WAIT = 2 ** 31 - 1

const timeOf = (stamp) => new Date(stamp).toLocaleTimeString('en-GB', TIME)
const newKey = () => crypto.randomUUID().replaceAll('-', '')
const part = (name) => panel.querySelector(`[data-offline-${name}]`)

let last = { waiting: [], log: [] }
let worker = null
let signOutConfirmed = false

function say (text) {
  const region = part('status')
  if (region.textContent === text) return
  region.replaceChildren()
  if (!text) return
  const line = document.createElement('p')
  line.className = 'govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-2'
  line.textContent = text
  region.append(line)
}

function fill (name, items) {
  const block = part(name)
  const list = block.querySelector('ul')
  list.replaceChildren(...items)
  block.hidden = items.length === 0
}

function item (text, link) {
  const entry = document.createElement('li')
  entry.textContent = text
  if (link) {
    const anchor = document.createElement('a')
    anchor.className = 'govuk-link'
    anchor.href = link
    anchor.textContent = 'Check and send again'
    entry.append(' ', anchor)
  }
  return entry
}

const where = (thing) => (thing.where ? ` (${thing.where})` : '')

function render (state) {
  if (state.cleared) clearRegisterDrafts()
  const log = state.cleared && !(state.log || []).length ? last.log : state.log || []
  const waiting = state.waiting || []
  fill('waiting', waiting.map((thing) => item(`${thing.what}${where(thing)}, saved at ${timeOf(thing.at)}`)))
  const returned = log.filter((thing) => thing.state === 'returned')
  fill('returned', returned.map((thing) => item(`${thing.what}${where(thing)}: ${thing.message}`, thing.link)))
  const sent = log.filter((thing) => thing.state === 'sent')
  fill('sent', sent.map((thing) => item(`${thing.message || thing.what}${where(thing)}, sent at ${timeOf(thing.at)}`)))
  part('detail').hidden = !(waiting.length || returned.length || sent.length || keptAt)
  if (waiting.length) {
    const count = waiting.length === 1 ? '1 thing' : `${waiting.length} things`
    say(`Saved on this phone, not yet sent: ${count}. ${state.signedOut ? 'Sign in again to send them.' : 'They are sent when there is signal.'}`)
  } else if (returned.length) {
    say('Not accepted: check what the service sent back, and send it again.')
  } else if (sent.length || (last.waiting.length && !waiting.length)) {
    say(state.cleared ? 'Sent: everything is sent, and nothing from today is kept on this phone.' : 'Sent: everything saved on this phone has been sent.')
  }
  last = { waiting, log }
  if (!waiting.length) offerFreshPage()
}

// A copy of the page kept on the phone: say so, leave out the messages of the moment it was
// kept, and give each form a key of its own.
function showCopy () {
  if (!keptAt) return
  const copy = part('copy')
  copy.textContent = `This is the copy of this page kept on this phone at ${timeOf(keptAt)}, shown because there is no signal. It does not show anything recorded since then.`
  copy.hidden = false
  part('detail').hidden = false
  for (const banner of document.querySelectorAll('main > .govuk-notification-banner--success')) banner.remove()
}

// With signal again, a copy offers the page as it is now.
function offerFreshPage () {
  if (!keptAt || navigator.onLine === false) return
  const copy = part('copy')
  const link = document.createElement('a')
  link.className = 'govuk-link'
  link.href = location.href
  link.textContent = 'See this page as it is now'
  copy.replaceChildren(`There is signal again. This is still the copy of this page kept on this phone at ${timeOf(keptAt)}. `, link)
}

function freshKeys () {
  if (!keptAt) return
  for (const field of document.querySelectorAll('input[name="idempotency_key"]')) field.value = newKey()
}

// The register of a session not started yet opens for recording at the start time, also in a
// copy kept on the phone since the morning.
function openRegisterLater () {
  const later = document.querySelector('template[data-register-later]')
  if (!later) return
  const open = (soon) => {
    const waiting = document.querySelector('[data-register-not-yet]')
    const form = later.content.cloneNode(true)
    const scope = document.createElement('div')
    scope.append(form)
    later.replaceWith(scope)
    if (waiting) waiting.remove()
    if (!soon) {
      freshKeys()
      initAll({ scope })
      initRegisterDrafts()
    }
  }
  const wait = Number(later.getAttribute('data-opens-in')) * 1000 - (keptAt ? Date.now() - keptAt : 0)
  if (wait <= 0) open(true)
  else if (wait < LONGEST_WAIT) setTimeout(() => open(false), wait)
}

// Counting tools back in, kept on the phone before any tool counted out had reached the service,
// is offered in the copy of the session's page (tools counted out without signal are sent first).
function offerToolsIn () {
  const later = document.querySelector('template[data-tools-in-kept]')
  if (!later || !keptAt) return
  const scope = document.createElement('div')
  scope.append(later.content.cloneNode(true))
  later.replaceWith(scope)
  initAll({ scope })
}

async function ask (message) {
  if (!worker) return null
  try {
    return await worker.messageSW(message)
  } catch {
    return null
  }
}

function withinSeconds (seconds, work) {
  return Promise.race([work, new Promise((resolve) => setTimeout(resolve, seconds * 1000))])
}

async function forgetEverything () {
  await withinSeconds(2, ask({ type: 'FORGET' }))
  clearRegisterDrafts()
  const names = await caches.keys()
  await Promise.all(names.filter((name) => name.startsWith('payback-day-')).map((name) => caches.delete(name)))
  await withinSeconds(1, new Promise((resolve) => {
    const request = indexedDB.deleteDatabase('workbox-background-sync')
    request.onsuccess = request.onerror = request.onblocked = resolve
  }))
  const registration = await navigator.serviceWorker.getRegistration(panel.getAttribute('data-offline-worker'))
  if (registration) await withinSeconds(1, registration.unregister())
}

// Signing out removes everything kept on the phone, after a warning when some of it is not sent.
function guardSignOut () {
  const form = document.querySelector('form[action$="/sign-out/"]')
  if (!form) return
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (last.waiting.length && !signOutConfirmed) {
      signOutConfirmed = true
      say(`Not yet sent: ${last.waiting.length === 1 ? '1 thing' : `${last.waiting.length} things`}. Signing out removes them from this phone. Wait for signal, or press Sign out again to sign out anyway.`)
      return
    }
    withinSeconds(4, forgetEverything()).finally(() => form.submit())
  })
}

function assetsInUse () {
  return performance
    .getEntriesByType('resource')
    .map((entry) => entry.name)
    .filter((url) => new URL(url).origin === location.origin && new URL(url).pathname.startsWith('/assets/'))
}

async function keepToday () {
  if (navigator.onLine === false) return
  if (document.readyState !== 'complete') await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }))
  await document.fonts.ready
  const state = await ask({ type: 'KEEP_DAY', assets: assetsInUse() })
  if (!state) return
  render(state)
  if (state.kept && !state.waiting.length) {
    say("Today's sessions are kept on this phone: you can open them and record what happens without signal.")
  }
}

async function start () {
  showCopy()
  openRegisterLater()
  offerToolsIn()
  freshKeys()
  guardSignOut()
  if (!('serviceWorker' in navigator)) return
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'payback-offline') render(event.data)
  })
  window.addEventListener('online', () => ask({ type: 'SEND' }).then((state) => state && render(state)))
  window.addEventListener('offline', () => {
    say('No signal: what you record is kept on this phone and sent when there is signal.')
  })
  const url = panel.getAttribute('data-offline-worker')
  worker = new Workbox(url, { scope: new URL('.', new URL(url, location.href)).pathname })
  try {
    await worker.register()
  } catch {
    worker = null
    return
  }
  if (panel.hasAttribute('data-offline-today')) {
    await keepToday()
    return
  }
  const state = await ask({ type: navigator.onLine === false ? 'STATE' : 'SEND' })
  if (state) render(state)
}

if (panel) start()
