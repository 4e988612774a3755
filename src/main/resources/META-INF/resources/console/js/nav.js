// The header every page shares: where you are, who you are, sign-out. A page without a signed-in
// caller goes back to sign-in.
import { me, signOut } from './api.js';
import { h, $ } from './dom.js';

const PAGES = [
  ['index.html', 'Home'],
  ['entry.html', 'Manual entry'],
  ['exceptions.html', 'Exceptions'],
  ['approvals.html', 'Approvals'],
  ['lookup.html', 'Look-up'],
  ['reference.html', 'Reference & rules'],
  ['live.html', 'Live'],
];

export function can(caller, role) {
  return !!caller && caller.roles.includes(role);
}

/** Renders the header and resolves to the caller; on a page other than sign-in, null sends you there. */
export async function start(page) {
  const caller = await me();
  if (!caller && page !== 'index.html') {
    window.location.replace('index.html');
    return new Promise(() => {});
  }
  const header = $('#nav');
  header.appendChild(h('a', { class: 'skip', href: '#main' }, 'Skip to content'));
  header.appendChild(h('span', { class: 'brand' }, 'Trade capture console'));
  header.appendChild(h('nav', { 'aria-label': 'Pages' }, h('ul', {}, PAGES.map(([href, name]) => h('li', {},
    h('a', { href, 'aria-current': href === page ? 'page' : null }, name))))));
  if (caller) {
    header.appendChild(h('span', { class: 'who', id: 'who' }, `${caller.subject} (${caller.roles.map((r) => r.replace('trade-capture.', '')).join(', ') || 'no roles'})`));
    if (caller.authEnabled) {
      header.appendChild(h('button', { type: 'button', id: 'sign-out', onclick: () => { signOut(); window.location.assign('index.html'); } }, 'Sign out'));
    }
  }
  return caller;
}

/** Marks the page as done with its first load (the end-to-end tests wait for it). */
export function ready() {
  document.documentElement.setAttribute('data-ready', 'true');
}
