// The pipelines page: start a stage, and watch the run history (refreshed every few seconds).
import { csrfHeaders, showUser } from './session.js';

const $ = (id) => document.getElementById(id);

async function failure(response) {
  try {
    const body = await response.json();
    if (body && body.message) return new Error(body.message);
  } catch (ignored) {
    // not JSON
  }
  return new Error(`The server answered ${response.status} ${response.statusText}.`);
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

/** The stage's counts as short "name value" pairs; the raw JSON is unreadable in a table. */
function details(run) {
  if (run.error) return run.error;
  if (!run.detail) return '';
  try {
    return Object.entries(JSON.parse(run.detail)).map(([k, v]) => `${k} ${v}`).join(' · ');
  } catch (ignored) {
    return run.detail;
  }
}

function when(instant) {
  return instant ? new Date(instant).toLocaleString() : '';
}

async function refresh() {
  const response = await fetch('/api/v1/pipelines/runs?limit=100');
  if (!response.ok) throw await failure(response);
  const { items } = await response.json();
  const rows = items.map((run) => {
    const tr = document.createElement('tr');
    tr.className = `run run-${run.status.toLowerCase()}`;
    tr.dataset.runId = run.runId;
    tr.append(cell(run.runId), cell(run.stage), cell(run.trigger), cell(run.status), cell(when(run.startedAt)),
      cell(when(run.finishedAt)), cell(run.attempts), cell(run.rowsRead), cell(run.rowsWritten), cell(details(run)));
    return tr;
  });
  $('runs').tBodies[0].replaceChildren(...rows);
}

async function start(stage) {
  $('error').hidden = true;
  const response = await fetch(`/api/v1/pipelines/${stage}/runs`, { method: 'POST', headers: await csrfHeaders() });
  if (!response.ok) throw await failure(response);
  const run = await response.json();
  $('status').textContent = `Started ${stage} run ${run.runId}.`;
  await refresh();
}

function showError(e) {
  $('error').textContent = e.message;
  $('error').hidden = false;
}

for (const button of document.querySelectorAll('button[data-stage]')) {
  button.addEventListener('click', () => start(button.dataset.stage).catch(showError));
}
showUser().catch(showError);
refresh().catch(showError);
setInterval(() => refresh().catch(showError), 3000);
