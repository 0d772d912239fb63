// The administrator's page: create users, change their roles, enable or disable them; read the audit log.
import { showUser } from './session.js';
import { $, call, cell, run, when } from './forms.js';

const audit = { next: null };

function userRow(user) {
  const tr = document.createElement('tr');
  const roles = document.createElement('input');
  roles.value = user.roles.map((r) => r.toLowerCase().replace('_', '-')).join(', ');
  roles.setAttribute('aria-label', `roles of ${user.username}`);
  const rolesCell = document.createElement('td');
  rolesCell.append(roles);
  const save = document.createElement('button');
  save.type = 'button';
  save.textContent = 'Save roles';
  save.addEventListener('click', () => run(async () => {
    await call('PATCH', `/api/v1/users/${encodeURIComponent(user.username)}`, { roles: roles.value.split(',').map((r) => r.trim()).filter(Boolean) });
    await loadUsers();
    return `Roles of ${user.username} saved.`;
  }));
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.textContent = user.enabled ? 'Disable' : 'Enable';
  toggle.addEventListener('click', () => run(async () => {
    await call('PATCH', `/api/v1/users/${encodeURIComponent(user.username)}`, { enabled: !user.enabled });
    await loadUsers();
    return `${user.username} ${user.enabled ? 'disabled' : 'enabled'}.`;
  }));
  const actions = document.createElement('td');
  actions.append(save, ' ', toggle);
  const enabled = (user.enabled ? 'yes' : 'no') + (user.lockedUntil ? ` (password locked until ${when(user.lockedUntil)})` : '');
  tr.append(cell(user.username), rolesCell, cell(enabled), cell(when(user.createdAt)), actions);
  return tr;
}

async function loadUsers() {
  const { items } = await call('GET', '/api/v1/users');
  $('users').tBodies[0].replaceChildren(...items.map(userRow));
}

async function loadAudit(fromStart) {
  const query = new URLSearchParams({ limit: '100' });
  if ($('audit-actor').value.trim()) query.set('actor', $('audit-actor').value.trim());
  if ($('audit-action').value.trim()) query.set('action', $('audit-action').value.trim());
  if (!fromStart && audit.next) query.set('before', audit.next);
  const page = await call('GET', `/api/v1/audit?${query}`);
  const rows = page.items.map((e) => {
    const tr = document.createElement('tr');
    tr.append(cell(when(e.occurredAt)), cell(e.actor), cell(e.action), cell(e.target), cell(e.outcome), cell(e.remoteAddress), cell(e.detail));
    return tr;
  });
  if (fromStart) $('audit').tBodies[0].replaceChildren(...rows);
  else $('audit').tBodies[0].append(...rows);
  audit.next = page.next ?? null;
  $('audit-older').hidden = !audit.next;
}

$('new-user').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const roles = [...document.querySelectorAll('#new-roles input:checked')].map((box) => box.value);
    const user = await call('POST', '/api/v1/users', { username: $('new-username').value, password: $('new-password').value, roles });
    $('new-user').reset();
    await loadUsers();
    return `User ${user.username} created.`;
  });
});
$('audit-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => { await loadAudit(true); return ''; });
});
$('audit-older').addEventListener('click', () => run(async () => { await loadAudit(false); return ''; }));

run(async () => {
  await showUser();
  await loadUsers();
  await loadAudit(true);
  return '';
});
