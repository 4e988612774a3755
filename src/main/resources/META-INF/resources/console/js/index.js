import { me, signIn, signOut, ROLES } from './api.js';
import { h, $, say, problemText } from './dom.js';
import { start, can, ready } from './nav.js';

const OFFERS = [
  ['entry.html', 'Manual entry and rebook', ROLES.write],
  ['exceptions.html', 'Exceptions queue', ROLES.read],
  ['approvals.html', 'Approvals', ROLES.read],
  ['lookup.html', 'Trade and position look-up', ROLES.read],
  ['reference.html', 'Reference data and rules', ROLES.read],
  ['live.html', 'Live panel', ROLES.read],
];

function home(caller) {
  $('#signin').hidden = true;
  $('#home').hidden = false;
  $('#home-who').textContent = `Signed in as ${caller.subject}.`;
  const list = $('#home-pages');
  for (const [href, name, role] of OFFERS) {
    list.appendChild(h('li', {}, can(caller, role) ? h('a', { href }, name) : `${name} (needs ${role})`));
  }
}

$('#signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = $('#token').value.trim().replace(/^Bearer\s+/i, '');
  if (!value) {
    say('Paste a token first.', 'error');
    return;
  }
  signIn(value);
  try {
    const who = await me();
    if (!who) {
      signOut();
      say('The service refused this token (expired, or not signed by its issuer).', 'error');
      return;
    }
    window.location.assign('index.html');
  } catch (e) {
    signOut();
    say(problemText(e), 'error');
  }
});

const caller = await start('index.html');
if (caller) {
  home(caller);
} else {
  if (new URLSearchParams(window.location.search).has('expired')) {
    say('Your sign-in expired or was refused: paste a new token.', 'error');
  }
  $('#token').focus();
}
$('#sign-in').disabled = false;
ready();
