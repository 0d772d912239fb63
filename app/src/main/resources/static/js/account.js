// The account page: personal API tokens (create, list, revoke) and the password.
import { showUser } from './session.js';
import { $, call, cell, run, when } from './forms.js';

async function loadTokens() {
  const { items } = await call('GET', '/api/v1/me/tokens');
  $('tokens').tBodies[0].replaceChildren(...items.map((token) => {
    const tr = document.createElement('tr');
    tr.append(cell(token.id), cell(token.name), cell(when(token.createdAt)), cell(when(token.lastUsedAt)), cell(when(token.revokedAt)));
    const action = document.createElement('td');
    if (!token.revokedAt) {
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.textContent = 'Revoke';
      revoke.addEventListener('click', () => run(async () => {
        await call('DELETE', `/api/v1/me/tokens/${token.id}`);
        await loadTokens();
        return `Token ${token.id} revoked.`;
      }));
      action.append(revoke);
    }
    tr.append(action);
    return tr;
  }));
}

$('new-token').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const token = await call('POST', '/api/v1/me/tokens', { name: $('token-name').value });
    $('new-token-value').textContent = token.token;
    $('new-token-value').hidden = false;
    await loadTokens();
    return `Token '${token.name}' created: copy it now, it is not shown again.`;
  });
});

$('password').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    await call('PUT', '/api/v1/me/password', { currentPassword: $('current-password').value, newPassword: $('new-password').value });
    $('password').reset();
    return 'Password changed.';
  });
});

run(async () => {
  const user = await showUser();
  if (user.username !== 'local-cli') await loadTokens();
  return '';
});
