// The signed-in user: who they are, which links their roles open, the CSRF token the page sends with each change,
// and signing out. Every page calls showUser() once.

let current = null;

/** The user as /api/v1/me describes them; a page whose session has ended goes to the sign-in page. */
export async function me() {
  if (!current) {
    const response = await fetch('/api/v1/me');
    if (response.status === 401) {
      window.location.assign('/login');
      throw new Error('Your session has ended: sign in again.');
    }
    if (!response.ok) throw new Error(`The server answered ${response.status} ${response.statusText}.`);
    current = await response.json();
  }
  return current;
}

/** The header that proves a change comes from this page (CSRF protection). */
export async function csrfHeaders() {
  const user = await me();
  return user.csrf ? { [user.csrf.headerName]: user.csrf.token } : {};
}

async function signOut() {
  await fetch('/logout', { method: 'POST', headers: await csrfHeaders() });
  window.location.assign('/login?logout');
}

/** Names the user in the header, removes the links their roles do not open, and wires the sign-out button. */
export async function showUser() {
  const user = await me();
  document.getElementById('user-name').textContent = user.username;
  for (const link of document.querySelectorAll('nav [data-role]')) {
    if (!user.roles.includes(link.dataset.role)) link.remove();
  }
  document.getElementById('sign-out').addEventListener('click', () => signOut());
  return user;
}
