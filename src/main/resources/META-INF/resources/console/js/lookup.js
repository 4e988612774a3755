// Trade and position look-up: a trade's versions as captured, a key's position with its FIFO lots and
// reliefs, each a page at a time ("Show more" fetches the next page by its cursor).
import { get, ROLES } from './api.js';
import { h, $, clear, say, table, facts, problemText } from './dom.js';
import { start, can, ready } from './nav.js';

const caller = await start('lookup.html');

function lot(e) {
  return e.tradeLots?.[0] || {};
}

async function findTrade(tradeId) {
  const target = clear($('#trade'));
  try {
    const t = await get(`/api/v1/trades/capture/${encodeURIComponent(tradeId)}`);
    target.appendChild(h('h2', {}, `Trade ${t.tradeId}`));
    target.appendChild(table([
      ['Version', (e) => e.version],
      ['Action', (e) => e.action],
      ['Side', (e) => e.side],
      ['Quantity', (e) => lot(e).quantity ?? ''],
      ['Price', (e) => `${lot(e).price ?? ''} ${lot(e).currency ?? ''}`],
      ['Status', (e) => e.status],
      ['Workflow', (e) => e.workflowStatus ?? ''],
      ['Source', (e) => `${e.source ?? ''}${e.enteredBy ? ` (${e.enteredBy})` : ''}`],
      ['Processed', (e) => e.processingMetadata?.processedAt ?? ''],
    ], t.versions, 'Versions, oldest first (as captured)'));
    if ((t.decisions || []).length) {
      target.appendChild(table([
        ['Version', (d) => d.version],
        ['Decision', (d) => d.decision],
        ['By', (d) => d.decidedBy],
        ['At', (d) => d.decidedAt],
        ['Comment', (d) => d.comment ?? ''],
      ], t.decisions, 'Approval decisions'));
    }
    if (can(caller, ROLES.write)) {
      target.appendChild(h('p', {}, h('a', { id: 'rebook', href: `entry.html?tradeId=${encodeURIComponent(t.tradeId)}` }, 'Rebook (correct) this trade')));
    }
    const [account, book, ...security] = t.latest.partitionKey.split('_');
    $('#pos-account').value = account;
    $('#pos-book').value = book;
    $('#pos-security').value = security.join('_');
    await findPosition(account, book, security.join('_'));
  } catch (e) {
    target.appendChild(h('p', { class: 'status error' }, problemText(e)));
  }
}

/**
 * A table shown a page at a time: the rows so far, "n of total", and a button that fetches the page
 * after the cursor (next(after) answers {items, nextAfter}) and appends it, until there is none.
 */
function paged(id, caption, columns, rows, total, nextAfter, next) {
  const box = h('section', { id });
  const shownText = () => `${caption}: ${shown.length.toLocaleString('en-US')} of ${Number(total).toLocaleString('en-US')}`;
  const shown = [...rows];
  const render = () => {
    clear(box);
    box.appendChild(table(columns, shown, shownText()));
    if (cursor !== null && cursor !== undefined) {
      const more = h('button', { type: 'button', class: 'more', id: `${id}-more` }, 'Show more');
      more.addEventListener('click', async () => {
        more.disabled = true;
        try {
          const page = await next(cursor);
          shown.push(...page.items);
          cursor = page.nextAfter;
          render();
        } catch (e) {
          say(problemText(e), 'error');
          more.disabled = false;
        }
      });
      box.appendChild(more);
    }
  };
  let cursor = nextAfter;
  render();
  return box;
}

async function findPosition(account, book, security) {
  const target = clear($('#position'));
  try {
    const path = `/api/v1/positions/${[account, book, security].map(encodeURIComponent).join('/')}`;
    const p = await get(path);
    target.appendChild(h('h2', {}, `Position ${p.partitionKey}`));
    target.appendChild(facts([['Quantity', p.quantity], ['Notional', p.notional], ['Average price', p.averagePrice],
      ['Trades', p.tradeCount], ['Pending approval', p.pendingCount], ['Updated', p.updatedAt]],
    (term) => ({ 'data-fact': term.toLowerCase().replace(' ', '-') }), h('dl', { class: 'facts', id: 'position-facts' })));
    target.appendChild(paged('open-lots', 'Open lots (FIFO)', [
      ['Lot', (l) => l.lotId],
      ['Trade', (l) => l.tradeId],
      ['Original quantity', (l) => l.originalQuantity],
      ['Open quantity', (l) => l.openQuantity],
      ['Price', (l) => l.price],
      ['Opened', (l) => l.openedAt ?? ''],
    ], p.openLots || [], p.openLotCount, p.nextLotsAfter,
    async (after) => {
      const next = await get(`${path}?lotsAfter=${after}`);
      return { items: next.openLots, nextAfter: next.nextLotsAfter };
    }));
    if (p.reliefCount) {
      const shown = p.reliefs || [];
      target.appendChild(paged('reliefs', 'Reliefs', [
        ['Closing trade', (r) => r.tradeId],
        ['Closing lot', (r) => r.lotId],
        ['Relieved lot', (r) => r.relievedLotId],
        ['Quantity', (r) => r.quantity],
        ['Open price', (r) => r.openPrice],
        ['Close price', (r) => r.closePrice],
        ['At', (r) => r.at ?? ''],
      ], shown, p.reliefCount, shown.length < p.reliefCount ? shown[shown.length - 1].ordinal : null,
      (after) => get(`${path}/reliefs?after=${after}`)));
    }
  } catch (e) {
    target.appendChild(h('p', { class: 'status error' }, problemText(e)));
  }
}

$('#trade-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = $('#lookup-trade').value.trim();
  if (!id) {
    say('Enter a trade id.', 'error');
    return;
  }
  findTrade(id);
});
$('#position-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const parts = ['#pos-account', '#pos-book', '#pos-security'].map((s) => $(s).value.trim());
  if (parts.some((v) => !v)) {
    say('Enter the account, book and security.', 'error');
    return;
  }
  clear($('#trade'));
  findPosition(...parts);
});

const wanted = new URLSearchParams(window.location.search).get('tradeId');
if (wanted) {
  $('#lookup-trade').value = wanted;
  await findTrade(wanted);
}
ready();
