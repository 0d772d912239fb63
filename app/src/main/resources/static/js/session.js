// The signed-in user: who they are, the header every page shares (title, the pages their roles open, sign-out), and
// the CSRF token the page sends with each change. Every page calls showUser() once.

let current = null;

/** The pages of the platform and the roles that open them, in the order of the navigation. */
const PAGES = [
  { href: '/', name: 'Upload and results', roles: ['UPLOADER', 'RADIOLOGIST'] },
  { href: '/worklist.html', name: 'Review worklist', roles: ['RADIOLOGIST'] },
  { href: '/pipelines.html', name: 'Pipelines', roles: ['DATA_ENGINEER'] },
  { href: '/admin.html', name: 'Users and audit', roles: ['ADMIN'] },
];

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

export async function signOut() {
  await fetch('/logout', { method: 'POST', headers: await csrfHeaders() });
  window.location.assign('/login?logout');
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** The roles as people read them: "data engineer, admin". */
export function roleNames(roles) {
  return roles.map((role) => role.toLowerCase().replace('_', ' ')).join(', ');
}

/**
 * Writes the header into the page's <header data-subtitle="...">: the title, the pages the user's roles open (this
 * one not a link), who is signed in with which roles, the account page and sign-out.
 */
function renderHeader(user) {
  const header = document.querySelector('header');
  const here = window.location.pathname === '/index.html' ? '/' : window.location.pathname;
  const title = element('h1', 'cxr ');
  title.append(element('span', header.dataset.subtitle ?? '', { class: 'subtitle' }));
  const nav = element('nav', '', { 'aria-label': 'Pages' });
  const pages = PAGES.filter((page) => page.href === here || page.roles.some((role) => user.roles.includes(role)));
  pages.forEach((page, index) => {
    if (index > 0) nav.append(' · ');
    nav.append(page.href === here ? element('strong', page.name) : element('a', page.name, { href: page.href }));
  });
  const who = element('p', 'Signed in as ', { class: 'user' });
  who.append(element('strong', user.username, { id: 'user-name' }), ' (', element('span', roleNames(user.roles), { id: 'user-roles' }), ') · ');
  who.append(here === '/account.html' ? element('strong', 'Account and tokens') : element('a', 'Account and tokens', { href: '/account.html' }), ' · ');
  const out = element('button', 'Sign out', { type: 'button', id: 'sign-out', class: 'link' });
  out.addEventListener('click', () => signOut());
  who.append(out);
  const extra = [...header.children];
  header.replaceChildren(title, nav, who, ...extra);
}

/** Fetches the user and writes the page's header for them. */
export async function showUser() {
  const user = await me();
  renderHeader(user);
  return user;
}
