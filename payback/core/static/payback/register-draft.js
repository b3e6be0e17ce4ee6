// Keeps what a supervisor types into the register on the phone itself, so that a dropped
// connection or a reload loses nothing. The copy is offered back when the page opens again,
// and removed once the server has taken the register (or the day is done, or on signing out).
// Without signal, a register sent from a page under the service worker is kept on the phone
// and sent later (delivery/offline.js); without the worker, it waits for signal here.

const PREFIX = 'payback-register-'
// The confirmation to close is given afresh each time, never restored from a draft.
const SKIP = new Set(['csrfmiddlewaretoken', 'idempotency_key', 'version', 'action', 'confirm'])

function storage () {
  try {
    const probe = PREFIX + 'probe'
    window.localStorage.setItem(probe, '1')
    window.localStorage.removeItem(probe)
    return window.localStorage
  } catch {
    return null
  }
}

function valuesOf (form) {
  const values = {}
  for (const field of form.elements) {
    if (!field.name || SKIP.has(field.name) || field.type === 'submit' || field.type === 'button') continue
    if (field.type === 'radio' || field.type === 'checkbox') {
      if (field.checked) values[field.name] = field.value
      else if (!(field.name in values)) values[field.name] = ''
    } else if (field.type !== 'hidden') {
      values[field.name] = field.value
    }
  }
  return values
}

function differs (saved, current) {
  return Object.keys(saved).some((name) => name in current && (saved[name] || '') !== (current[name] || ''))
}

function apply (form, values) {
  for (const field of form.elements) {
    if (!field.name || !(field.name in values)) continue
    if (field.type === 'radio' || field.type === 'checkbox') {
      field.checked = field.value === values[field.name]
    } else if (field.type !== 'hidden') {
      field.value = values[field.name]
    }
  }
}

function timeOf (stamp) {
  const when = new Date(stamp)
  if (Number.isNaN(when.getTime())) return ''
  return ' (kept at ' + when.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }) + ')'
}

// Every register entry kept on this phone, removed (the day is done, or the supervisor signs out).
export function clearRegisterDrafts () {
  const store = storage()
  if (!store) return
  for (const key of Object.keys(store)) {
    if (key.startsWith(PREFIX)) store.removeItem(key)
  }
}

export function initRegisterDrafts () {
  const store = storage()
  if (!store) return

  for (const marker of document.querySelectorAll('[data-register-draft-clear]')) {
    store.removeItem(PREFIX + marker.getAttribute('data-register-draft-clear'))
  }

  const form = document.querySelector('form[data-register-draft]')
  if (!form) return
  const key = PREFIX + form.getAttribute('data-register-draft')

  let saved = null
  try {
    saved = JSON.parse(store.getItem(key) || 'null')
  } catch {
    saved = null
  }

  const save = () => {
    try {
      store.setItem(key, JSON.stringify({ savedAt: new Date().toISOString(), values: valuesOf(form) }))
    } catch {
      // A full or blocked store: the form still works, only the copy on the phone is lost.
    }
  }

  const banner = document.getElementById('register-draft')
  if (saved && saved.values && banner && differs(saved.values, valuesOf(form))) {
    const stamp = banner.querySelector('[data-draft-saved-at]')
    if (stamp) stamp.textContent = timeOf(saved.savedAt)
    banner.hidden = false
    banner.focus()
    const focusForm = () => {
      const first = form.querySelector('input:not([type=hidden]), select, textarea')
      if (first) first.focus()
    }
    banner.querySelector('[data-draft-restore]').addEventListener('click', () => {
      apply(form, saved.values)
      banner.hidden = true
      save()
      focusForm()
    })
    banner.querySelector('[data-draft-discard]').addEventListener('click', () => {
      store.removeItem(key)
      banner.hidden = true
      focusForm()
    })
  }

  form.addEventListener('input', save)
  form.addEventListener('change', save)
  form.addEventListener('submit', (event) => {
    save()
    const kept = navigator.serviceWorker && navigator.serviceWorker.controller
    if (navigator.onLine === false && !kept) {
      event.preventDefault()
      const warning = document.getElementById('register-offline')
      if (warning) {
        warning.hidden = false
        warning.focus()
      }
    }
  })
}
