// What the account and admin pages share: JSON calls with the CSRF header, table cells, status and error lines.
import { csrfHeaders } from './session.js';

export const $ = (id) => document.getElementById(id);

export async function call(method, path, body) {
  const headers = { ...(await csrfHeaders()), ...(body ? { 'Content-Type': 'application/json' } : {}) };
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (!response.ok) {
    let message = `The server answered ${response.status} ${response.statusText}.`;
    try { message = (await response.json()).message ?? message; } catch (ignored) { /* not JSON */ }
    throw new Error(message);
  }
  return response.status === 204 ? null : response.json();
}

export function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

export const when = (instant) => (instant ? new Date(instant).toLocaleString() : '');

export async function run(work) {
  $('error').hidden = true;
  try {
    $('status').textContent = await work();
  } catch (e) {
    $('error').textContent = e.message;
    $('error').hidden = false;
  }
}

