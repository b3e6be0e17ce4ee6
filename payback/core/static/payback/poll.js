// Follows something running on the server while the page is open: asks its status endpoint for
// JSON every `everyMs` and hands each answer to `onStatus`, until that returns true. A dropped
// connection or a failed answer is tried again at the next tick.

export function pollStatus (url, everyMs, onStatus) {
  async function poll () {
    try {
      const response = await window.fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (response.ok && onStatus(await response.json())) return
    } catch {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, everyMs)
  }

  window.setTimeout(poll, everyMs)
}
