// What the pages with tables and forms share: table cells, times, the status and error lines.
export { call } from './api.js';

export const $ = (id) => document.getElementById(id);

export function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

export const when = (instant) => (instant ? new Date(instant).toLocaleString() : '');

export function showError(e) {
  $('error').textContent = e.message;
  $('error').hidden = false;
}

/** Runs a change: its answer goes to the status line, its failure to the error line. */
export async function run(work) {
  $('error').hidden = true;
  try {
    $('status').textContent = await work();
  } catch (e) {
    showError(e);
  }
}
