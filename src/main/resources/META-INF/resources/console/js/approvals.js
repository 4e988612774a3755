// The approval queue: approve or reject (with a comment) trade versions waiting for approval.
// The API refuses an approver who entered the trade; the page shows its answer.
import { get, post, ROLES } from './api.js';
import { h, $, clear, say, problemText } from './dom.js';
import { start, can, ready } from './nav.js';

const caller = await start('approvals.html');
const deciding = can(caller, ROLES.approve);
$('#approve-hint').textContent = deciding
  ? 'A trade cannot be approved by the person who entered it.'
  : `Deciding needs the ${ROLES.approve} role.`;

function terms(item) {
  const p = item.economicTerms?.performancePayout || {};
  return `${p.underlier ?? ''} quantity ${p.quantity ?? '?'} at ${p.initialPrice ?? '?'} ${p.currency ?? ''}, notional ${p.notional ?? '?'}`;
}

async function decide(item, decision, comment, row) {
  try {
    await post(`/api/v1/approvals/${encodeURIComponent(item.tradeId)}/${item.version}`, { decision, comment: comment || undefined });
    say(`${item.tradeId} v${item.version}: ${decision === 'APPROVE' ? 'approved' : 'rejected'}.`, 'ok');
    await load();
  } catch (e) {
    say(`${item.tradeId} v${item.version}: ${problemText(e)}`, 'error');
    row.querySelector('.comment')?.focus();
  }
}

function card(item) {
  const id = `${item.tradeId}-${item.version}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const row = h('li', { class: 'card', 'data-trade': item.tradeId },
    h('h2', {}, `${item.tradeId} v${item.version}`),
    h('p', {}, `${item.partitionKey} · entered by ${item.enteredBy ?? 'upstream'} · ${item.source} · ${item.capturedAt}`),
    h('p', {}, `Why: ${(item.approvalReasons || []).join('; ')}`),
    h('p', {}, terms(item)));
  if (deciding) {
    const comment = h('input', { id: `comment-${id}`, class: 'comment', maxlength: '1000', autocomplete: 'off' });
    row.appendChild(h('div', { class: 'inline' },
      h('label', { for: `comment-${id}` }, 'Comment'), comment,
      h('button', { type: 'button', class: 'approve', onclick: () => decide(item, 'APPROVE', comment.value.trim(), row) }, 'Approve'),
      h('button', { type: 'button', class: 'reject', onclick: () => {
        if (!comment.value.trim()) {
          say('A rejection needs a comment.', 'error');
          comment.focus();
          return;
        }
        decide(item, 'REJECT', comment.value.trim(), row);
      } }, 'Reject')));
  }
  return row;
}

async function load() {
  try {
    const items = await get('/api/v1/approvals?limit=1000');
    const target = clear($('#queue'));
    target.appendChild(items.length ? h('ul', { class: 'cards' }, items.map(card)) : h('p', {}, 'Nothing waits for approval.'));
  } catch (e) {
    say(problemText(e), 'error');
  }
}

await load();
ready();
