// Keeps a week's plans for every PDU up to date while the page is open: it asks the batch's status
// endpoint every two seconds and updates each PDU's status, stage, progress, gap and people placed,
// and the summary (read out politely), then reloads the page once every plan has finished, to offer
// the retries. Without JavaScript the page says to refresh it, and shows the same.
import { pollStatus } from './poll.js'

const POLL_MS = 2000

function setText (cell, text) {
  if (cell && cell.textContent !== text) cell.textContent = text
}

function update (row, run) {
  const status = row.querySelector('[data-field="status_label"] strong')
  setText(status, run.status_label)
  if (run.status !== 'failed') setText(row.querySelector('[data-field="stage"]'), run.stage)
  const bar = row.querySelector('[data-field="progress"] progress')
  if (bar) bar.value = run.progress
  setText(row.querySelector('[data-field="progress"] span'), `${run.progress}%`)
  setText(row.querySelector('[data-field="gap"]'), run.gap === null ? '' : `${run.gap}%`)
  setText(row.querySelector('[data-field="placed"]'), run.people === null ? '' : `${run.placed} of ${run.people}`)
}

function follow (panel) {
  const summary = panel.querySelector('[data-batch-summary]')

  pollStatus(panel.dataset.batchStatus, POLL_MS, (status) => {
    setText(summary, status.summary)
    for (const run of status.runs) {
      const row = document.querySelector(`[data-run="${run.id}"]`)
      if (row) update(row, run)
      else if (!run.finished) {
        window.location.reload() // a plan run again: its row is new
        return true
      }
    }
    if (!status.finished) return false
    window.location.reload()
    return true
  })
}

for (const panel of document.querySelectorAll('[data-batch-status]')) follow(panel)
