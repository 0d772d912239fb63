// The pipelines page: start a stage, and watch the run history. It refreshes every few seconds while the tab is
// shown, one request at a time, and at once when the tab is shown again.
import { showUser } from './session.js';
import { $, call, cell, run, showError, when } from './forms.js';

const REFRESH_MS = 3000;
let timer = null;

/** The stage's counts as short "name value" pairs; the raw JSON is unreadable in a table. */
function details(runRecord) {
  if (runRecord.error) return runRecord.error;
  if (!runRecord.detail) return '';
  try {
    return Object.entries(JSON.parse(runRecord.detail)).map(([k, v]) => `${k} ${v}`).join(' · ');
  } catch (ignored) {
    return runRecord.detail;
  }
}

async function refresh() {
  const { items } = await call('GET', '/api/v1/pipelines/runs?limit=100');
  const rows = items.map((r) => {
    const tr = document.createElement('tr');
    tr.className = `run run-${r.status.toLowerCase()}`;
    tr.dataset.runId = r.runId;
    tr.append(cell(r.runId), cell(r.stage), cell(r.trigger), cell(r.status), cell(when(r.startedAt)),
      cell(when(r.finishedAt)), cell(r.attempts), cell(r.rowsRead), cell(r.rowsWritten), cell(details(r)));
    return tr;
  });
  $('runs').tBodies[0].replaceChildren(...rows);
}

/** The next refresh is planned only when this one has answered, so requests never pile up on a slow server. */
async function poll() {
  clearTimeout(timer);
  timer = null;
  if (document.hidden) return;
  try {
    await refresh();
  } catch (e) {
    showError(e);
  }
  if (!document.hidden && timer === null) timer = setTimeout(poll, REFRESH_MS);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) poll();
});

for (const button of document.querySelectorAll('button[data-stage]')) {
  button.addEventListener('click', () => run(async () => {
    const started = await call('POST', `/api/v1/pipelines/${button.dataset.stage}/runs`);
    poll();
    return `Started ${button.dataset.stage} run ${started.runId}.`;
  }));
}
showUser().catch(showError);
poll();
