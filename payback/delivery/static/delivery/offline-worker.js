// The supervisor's day without signal: the service worker's own code, loaded after Workbox by the
// script served at /sessions/sw.js, which sets self.paybackOffline. See docs/sessions.md.
//
// - Today's pages, fetched when the supervisor opens "My sessions today" with signal, are kept in
//   a cache and shown when there is no signal (the network first, then the copy kept).
// - A form sent without signal is kept in a Workbox background-sync queue (IndexedDB), with the
//   idempotency key the form carries, and sent when the signal returns: the service records each
//   submit once, however often it arrives.
// - Once none of today's sessions is open and nothing waits to be sent, nothing is kept.

/* global workbox */
'use strict'

const config = self.paybackOffline
const { clientsClaim } = workbox.core
const { registerRoute, setCatchHandler } = workbox.routing
const { NetworkFirst, StaleWhileRevalidate } = workbox.strategies
const { Queue } = workbox.backgroundSync

const PAGES = 'payback-day-pages'
const ASSETS = 'payback-day-assets'
const KEPT = 'payback-day-kept' // the day's labels, what was sent, and forms sent back to correct
const EVERY_CACHE = [PAGES, ASSETS, KEPT]
const ORIGIN = self.location.origin
const SCOPE = config.scope
const escaped = SCOPE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const KINDS = '(before-work|register|tools-in|incident|people/\\d+/concern)'
const FORM = new RegExp(`^${escaped}(\\d+)/${KINDS}/$`)
const PAGE = new RegExp(`^${escaped}(today/|\\d+/(${KINDS}/)?)$`)
const WHAT = {
  'before-work': 'Before-work checks',
  'tools-in': 'Tools counted back in',
  incident: 'Incident report'
}

self.skipWaiting()
clientsClaim()

// ---------------------------------------------------------------------------------------------
// Small stores: JSON kept in a cache of its own, under addresses that are never fetched

const keptUrl = (name) => `${ORIGIN}${SCOPE}offline-kept/${name}`

async function readKept (name, fallback) {
  if (!(await caches.has(KEPT))) return fallback
  const found = await (await caches.open(KEPT)).match(keptUrl(name))
  return found ? found.json() : fallback
}

async function writeKept (name, value) {
  const body = JSON.stringify(value)
  await (await caches.open(KEPT)).put(keptUrl(name), new Response(body, { headers: { 'Content-Type': 'application/json' } }))
}

// Tasks run one at a time, in the order asked.
function serial () {
  let turn = Promise.resolve()
  return (task) => {
    const run = turn.then(task)
    turn = run.catch(() => {})
    return run
  }
}
// Sending, keeping the day and clearing it, one at a time; a form kept without signal never waits
// for a send that is slow to give up.
const exclusive = serial()
const oneKeptAtATime = serial()

const status = { signedOut: false, cleared: false }

// ---------------------------------------------------------------------------------------------
// Pages kept for the day

// Only a page itself is kept (not a refusal that sent the browser elsewhere), stamped with when.
async function keepable (response) {
  if (!response || response.status !== 200 || response.redirected || response.type !== 'basic') return null
  const headers = new Headers(response.headers)
  headers.set('X-Payback-Kept-At', String(Date.now()))
  return new Response(await response.blob(), { status: 200, statusText: 'OK', headers })
}

// A kept page says it is a copy, and from when, for the page's own script to tell the supervisor.
async function markedCopy (response) {
  const keptAt = Number(response.headers.get('X-Payback-Kept-At')) || 0
  const headers = new Headers(response.headers)
  headers.delete('Content-Length')
  const html = (await response.text()).replace('<html ', `<html data-offline-copy="${keptAt}" `)
  return new Response(html, { status: 200, statusText: 'OK', headers })
}

// The page the phone keeps for an address: the register of a session not started yet is asked
// for as the copy kept on the phone (`?kept=phone`), which opens for recording at the start time.
function keptAs (page) {
  const url = new URL(page, ORIGIN)
  url.searchParams.delete('kept')
  return url.href
}

// The page kept, as text (to find the files it uses), or '' when it could not be.
async function keepPage (cache, page) {
  try {
    const kept = await keepable(await fetch(page, { credentials: 'same-origin', redirect: 'follow' }))
    if (!kept) return ''
    await cache.put(keptAs(page), kept.clone())
    return kept.text()
  } catch {
    return ''
  }
}

// Every file of the service's own the kept pages use: their stylesheets and scripts, what those
// import, and the fonts and images the stylesheets name. A file kept already is not fetched again.
const PAGE_FILES = /(?:href|src)="([^"]+)"/g
const STYLE_FILES = /url\(\s*['"]?([^'")]+)['"]?\s*\)/g
const SCRIPT_FILES = /(?:from|import)\s*['"]([^'"]+\.m?js)['"]/g

async function keepFiles (pages, more) {
  const files = await caches.open(ASSETS)
  const waiting = [...more, ...pages.flatMap((html) => [...html.matchAll(PAGE_FILES)].map((found) => found[1]))]
  const seen = new Set()
  while (waiting.length) {
    const url = new URL(waiting.pop(), ORIGIN)
    if (url.origin !== ORIGIN || !url.pathname.startsWith(config.assets) || seen.has(url.href)) continue
    seen.add(url.href)
    if (await files.match(url.href)) continue
    const response = await fetch(url.href).catch(() => null)
    if (!response || !response.ok) continue
    await files.put(url.href, response.clone())
    const names = url.pathname.endsWith('.css') ? STYLE_FILES : /\.m?js$/.test(url.pathname) ? SCRIPT_FILES : null
    if (names) {
      for (const found of (await response.text()).matchAll(names)) waiting.push(new URL(found[1], url).href)
    }
  }
}

// The day's list from the service, with a current form token for what is sent. `signal` is false
// when there is none; `signedOut` when the service asks the supervisor to sign in again.
async function fetchDay () {
  let response
  try {
    response = await fetch(config.day, { credentials: 'same-origin', cache: 'no-store', redirect: 'follow' })
  } catch {
    return { signal: false }
  }
  const type = response.headers.get('Content-Type') || ''
  status.signedOut = !response.ok || response.redirected || !type.includes('application/json')
  if (status.signedOut) return { signal: true }
  const { csrf, ...day } = await response.json()
  if (!day.done) await writeKept('day', day)
  return { signal: true, day, csrf }
}

// Keep every page of the day (and the files they need), and nothing else; or, once the day is
// done and everything is sent, clear it all.
async function keepDay (day, assets) {
  if (day.done) return { kept: 0, cleared: await clearDay() }
  const pages = await caches.open(PAGES)
  const wanted = new Set(day.pages.map(keptAs))
  for (const request of await pages.keys()) {
    if (!wanted.has(request.url)) await pages.delete(request)
  }
  const kept = (await Promise.all(day.pages.map((page) => keepPage(pages, page)))).filter(Boolean)
  await keepFiles(kept, assets || [])
  status.cleared = false
  return { kept: kept.length }
}

async function clearDay () {
  if (await outbox.size()) return false
  await Promise.all(EVERY_CACHE.map((name) => caches.delete(name)))
  status.cleared = true
  return true
}

async function keepToday (assets) {
  if (await outbox.size()) await send({ refresh: false })
  const { day, signal } = await fetchDay()
  if (!day) return { kept: 0, signal }
  return keepDay(day, assets)
}

// ---------------------------------------------------------------------------------------------
// Forms sent without signal

const outbox = new Queue('payback-outbox', { onSync: () => sendAll() })

function sessionPage (url) {
  return `${SCOPE}${FORM.exec(url.pathname)[1]}/`
}

async function describe (request, url) {
  const [, session, kind] = FORM.exec(url.pathname)
  const form = new URLSearchParams(await request.clone().text())
  const day = await readKept('day', null)
  const found = day && day.sessions.find((s) => String(s.id) === session)
  let what = kind.startsWith('people/') ? 'Risk concern' : WHAT[kind]
  if (kind === 'register') what = form.get('action') === 'close' ? 'Register, to close' : 'Register, to save'
  return {
    what,
    where: found ? found.label : '',
    page: sessionPage(url),
    user: day ? day.user : null,
    returned: url.searchParams.get('returned') || '',
    // The register posts everyone's entries each time: a later copy replaces an earlier one.
    replaces: kind === 'register' ? `register-${session}` : ''
  }
}

async function keep (request, metadata) {
  if (metadata.replaces) {
    const earlier = []
    let entry
    while ((entry = await outbox.shiftRequest())) earlier.push(entry)
    for (const other of earlier) {
      if (!other.metadata || other.metadata.replaces !== metadata.replaces) await outbox.pushRequest(other)
    }
  }
  await outbox.pushRequest({ request, metadata })
}

// A form posted from the supervisor's pages: sent at once when there is signal; otherwise kept,
// and the supervisor is taken back to the session's page (the copy kept on the phone).
async function sendOrKeep ({ request, url }) {
  const copy = request.clone()
  try {
    const response = await fetch(request)
    if (url.searchParams.has('returned') && (response.type === 'opaqueredirect' || response.redirected)) {
      await forgetReturned(url.href)
    }
    sendSoon()
    return response
  } catch {
    await oneKeptAtATime(async () => keep(copy, await describe(copy, url)))
    await tell()
    return Response.redirect(new URL(sessionPage(url), ORIGIN).href, 303)
  }
}

async function withToken (request, token) {
  const form = new URLSearchParams(await request.clone().text())
  if (form.has('csrfmiddlewaretoken')) form.set('csrfmiddlewaretoken', token)
  return new Request(request.url, {
    method: 'POST',
    body: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    credentials: 'same-origin',
    mode: 'same-origin',
    redirect: 'follow'
  })
}

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'" }
function textOf (html, pattern) {
  const found = pattern.exec(html)
  return found ? found[1].replace(/&(amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity]).trim() : ''
}

async function logged (metadata, state, message, link = '') {
  const log = await readKept('log', [])
  log.push({ state, what: metadata.what, where: metadata.where, message, link, at: Date.now() })
  await writeKept('log', log)
  if (metadata.returned && state === 'sent') await forgetReturned(null, metadata.returned)
  return state
}

async function forgetReturned (href, id = new URL(href).searchParams.get('returned')) {
  if (!(await caches.has(KEPT))) return
  const cache = await caches.open(KEPT)
  for (const request of await cache.keys()) {
    if (new URL(request.url).searchParams.get('returned') === id) await cache.delete(request)
  }
  const log = await readKept('log', [])
  await writeKept('log', log.filter((item) => !item.link.endsWith(`returned=${id}`)))
}

// What the service made of a submit sent again: 'sent', 'returned' (not accepted, with why, and
// the form to correct when the service sent it back) or 'later' (try again later).
async function judge (entry, response) {
  const metadata = entry.metadata || {}
  const path = new URL(response.url).pathname
  if (path.startsWith(config.signIn)) {
    status.signedOut = true
    return 'later'
  }
  if (response.status >= 500) return 'later'
  if (response.redirected && path === metadata.page) {
    const html = await response.text()
    const refused = textOf(html, /govuk-error-summary__body">\s*<p class="govuk-body">([^<]*)</)
    if (refused) return logged(metadata, 'returned', refused)
    return logged(metadata, 'sent', textOf(html, /govuk-notification-banner__heading">([^<]*)</))
  }
  if (response.status === 200) {
    const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`
    const link = `${new URL(entry.request.url).pathname}?returned=${id}`
    const page = new Response(await response.blob(), { status: 200, headers: response.headers })
    await (await caches.open(KEPT)).put(new URL(link, ORIGIN).href, page)
    return logged(metadata, 'returned', 'Open it to see what to change, then send it again', link)
  }
  const why = response.status === 403 ? 'You may not send this' : 'What it was about could not be found'
  return logged(metadata, 'returned', why)
}

// Send everything kept, oldest first, each with a current form token; then keep the day's pages
// afresh (they show what was sent), or clear them once the day is done.
async function send ({ refresh = true } = {}) {
  if (!(await outbox.size())) return
  const { day, csrf, signal } = await fetchDay()
  if (!day) {
    if (!signal) throw new Error('No signal')
    return
  }
  let entry
  while ((entry = await outbox.shiftRequest())) {
    const metadata = entry.metadata || {}
    if (metadata.user && metadata.user !== day.user) {
      await logged(metadata, 'returned', 'Not sent: it was kept when someone else was signed in')
      continue
    }
    let response
    try {
      response = await fetch(await withToken(entry.request, csrf))
    } catch (error) {
      await outbox.unshiftRequest(entry)
      throw error
    }
    if ((await judge(entry, response)) === 'later') {
      await outbox.unshiftRequest(entry)
      return
    }
  }
  await tell()
  if (!refresh) return
  const fresh = await fetchDay()
  if (fresh.day) await keepDay(fresh.day, [])
  await tell()
}

const sendAll = () => exclusive(send)

function sendSoon () {
  outbox.size().then((waiting) => {
    if (waiting) sendAll().catch(() => null).then(() => tell())
  })
}

async function forgetAll () {
  while (await outbox.shiftRequest());
  await Promise.all(EVERY_CACHE.map((name) => caches.delete(name)))
  status.cleared = true
  return { cleared: true }
}

// ---------------------------------------------------------------------------------------------
// What the pages are told

async function currentState () {
  const waiting = (await outbox.getAll()).map((entry) => ({
    what: (entry.metadata || {}).what || 'A form',
    where: (entry.metadata || {}).where || '',
    at: entry.timestamp
  }))
  return { type: 'payback-offline', waiting, log: await readKept('log', []), ...status }
}

async function tell () {
  const state = await currentState()
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(state)
}

self.addEventListener('message', (event) => {
  const message = event.data || {}
  const port = event.ports && event.ports[0]
  const answer = (work) => {
    const done = work
      .catch(() => ({}))
      .then(async (result) => ({ ...(await currentState()), ...result }))
      .then((state) => port && port.postMessage(state))
    event.waitUntil(done)
  }
  if (message.type === 'KEEP_DAY') answer(exclusive(() => keepToday(message.assets)))
  else if (message.type === 'SEND') answer(sendAll().then(() => ({})))
  else if (message.type === 'STATE') answer(Promise.resolve({}))
  else if (message.type === 'FORGET') answer(exclusive(forgetAll))
})

// ---------------------------------------------------------------------------------------------
// Routes

const pages = new NetworkFirst({
  cacheName: PAGES,
  networkTimeoutSeconds: 8,
  plugins: [
    {
      // A register not open yet, as shown with signal, leaves the copy kept for the day in place.
      cacheWillUpdate: async ({ response }) => {
        const page = await keepable(response)
        return page && !(await page.clone().text()).includes('data-register-not-yet') ? page : null
      },
      cachedResponseWillBeUsed: async ({ cachedResponse }) => cachedResponse && markedCopy(cachedResponse),
      fetchDidSucceed: async ({ response }) => {
        sendSoon()
        return response
      }
    }
  ]
})

const isPage = ({ request, url, sameOrigin }) => sameOrigin && request.mode === 'navigate' && !url.search && PAGE.test(url.pathname)
const isReturned = ({ request, url, sameOrigin }) =>
  sameOrigin && request.mode === 'navigate' && url.searchParams.has('returned') && FORM.test(url.pathname)
const isAsset = ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith(config.assets)
const isForm = ({ url, sameOrigin }) => sameOrigin && FORM.test(url.pathname)

registerRoute(isPage, pages)
registerRoute(isReturned, async ({ request, url }) => (await (await caches.open(KEPT)).match(url.href)) || fetch(request))
registerRoute(isAsset, new StaleWhileRevalidate({ cacheName: ASSETS }))
registerRoute(isForm, sendOrKeep, 'POST')

setCatchHandler(async ({ request }) => (request.destination === 'document' ? notKept() : Response.error()))

function notKept () {
  const html = `<!DOCTYPE html>
<html lang="en" class="govuk-template govuk-template--rebranded"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Not kept on this phone – ${config.service}</title>
<link rel="stylesheet" href="${config.stylesheet}"></head>
<body class="govuk-template__body"><div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">This page is not kept on this phone</h1>
<p class="govuk-body">There is no signal, and this page was not kept on the phone when you opened today's sessions.</p>
<p class="govuk-body"><a class="govuk-link" href="${config.today}">Go to my sessions today</a></p>
</main></div></body></html>`
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } })
}
