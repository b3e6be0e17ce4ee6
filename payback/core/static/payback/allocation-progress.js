// Keeps the progress of a plan being made up to date while the page is open: it asks the small
// status endpoint every second and moves the progress bar, then reloads the page when the plan is
// ready (or has failed). Without JavaScript the page says to refresh it, and shows the same.
import { pollStatus } from './poll.js'

const POLL_MS = 1000

function follow (panel) {
  const bar = panel.querySelector('progress')
  const stage = panel.querySelector('[data-allocation-stage]')

  pollStatus(panel.dataset.allocationStatus, POLL_MS, (status) => {
    if (bar) {
      bar.value = status.progress
      bar.textContent = `${status.progress}%`
    }
    if (stage && status.stage && stage.textContent !== status.stage) stage.textContent = status.stage
    if (!status.finished) return false
    window.location.reload()
    return true
  })
}

for (const panel of document.querySelectorAll('[data-allocation-status]')) follow(panel)
