// Keeps the progress of a plan being made up to date while the page is open: it asks the small
// status endpoint every second and moves the progress bar, then reloads the page when the plan is
// ready (or has failed). Without JavaScript the page says to refresh it, and shows the same.

const POLL_MS = 1000

function follow (panel) {
  const url = panel.dataset.allocationStatus
  const bar = panel.querySelector('progress')
  const stage = panel.querySelector('[data-allocation-stage]')

  async function poll () {
    try {
      const response = await window.fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (response.ok) {
        const status = await response.json()
        if (bar) {
          bar.value = status.progress
          bar.textContent = `${status.progress}%`
        }
        if (stage && status.stage && stage.textContent !== status.stage) stage.textContent = status.stage
        if (status.finished) {
          window.location.reload()
          return
        }
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, POLL_MS)
  }

  window.setTimeout(poll, POLL_MS)
}

for (const panel of document.querySelectorAll('[data-allocation-status]')) follow(panel)
