// The exceptions queue: filter by status and reason code, open one to read its raw payload, and
// repair it into a manual entry (the entry page, prefilled from the payload).
import { get, ROLES } from './api.js';
import { h, $, clear, say, table, facts, problemText } from './dom.js';
import { start, can, ready } from './nav.js';

const caller = await start('exceptions.html');

function fields(x) {
  return [['Exception', x.exceptionId], ['Reason code', x.reasonCode], ['Detail', x.detail], ['Trade', x.tradeId],
    ['Version', x.version], ['Partition key', x.partitionKey],
    ['Source', `${x.sourceTopic} partition ${x.sourcePartition} offset ${x.sourceOffset}`], ['Status', x.status],
    ['Created', x.createdAt], ['Repaired by', x.repairedBy], ['Repair job', x.repairJobId]];
}

async function open(id) {
  try {
    const x = await get(`/api/v1/exceptions/${encodeURIComponent(id)}`);
    facts(fields(x), () => ({}), clear($('#detail-fields')));
    let shown = x.payload ?? '(no payload kept)';
    if (x.payloadEncoding === 'utf-8') {
      try {
        shown = JSON.stringify(JSON.parse(x.payload), null, 2);
      } catch (e) {
        // not JSON: shown as it came
      }
    } else if (x.payloadEncoding === 'base64') {
      shown = `(binary, Base64) ${x.payload}`;
    }
    $('#payload').textContent = shown;
    const repairable = x.status === 'OPEN' && can(caller, ROLES.write);
    $('#repair-row').hidden = !repairable;
    $('#repair').setAttribute('href', `entry.html?exception=${encodeURIComponent(x.exceptionId)}`);
    $('#detail').hidden = false;
    $('#detail-title').focus();
  } catch (e) {
    say(problemText(e), 'error');
  }
}

async function list() {
  const status = $('#status-filter').value;
  const reason = $('#reason-filter').value;
  const query = new URLSearchParams({ status, limit: '1000' });
  if (reason) {
    query.set('reasonCode', reason);
  }
  try {
    const rows = await get(`/api/v1/exceptions?${query}`);
    const target = clear($('#list'));
    if (!rows.length) {
      target.appendChild(h('p', {}, 'No exceptions.'));
      return rows;
    }
    target.appendChild(table([
      ['Id', (x) => x.exceptionId],
      ['Created', (x) => x.createdAt],
      ['Reason', (x) => x.reasonCode],
      ['Trade', (x) => x.tradeId ?? ''],
      ['Key', (x) => x.partitionKey ?? ''],
      ['Detail', (x) => x.detail ?? ''],
      ['', (x) => h('button', { type: 'button', class: 'open', 'data-id': x.exceptionId, onclick: () => open(x.exceptionId) }, 'Open')],
    ], rows, `${rows.length} ${status.toLowerCase()} exception(s)`));
    return rows;
  } catch (e) {
    say(problemText(e), 'error');
    return [];
  }
}

async function reasons() {
  // the codes present in the queue, for the filter
  const rows = await get('/api/v1/exceptions?status=OPEN&limit=1000');
  const select = $('#reason-filter');
  for (const code of [...new Set(rows.map((x) => x.reasonCode))].sort()) {
    select.appendChild(h('option', { value: code }, code));
  }
}

$('#filter').addEventListener('submit', (event) => {
  event.preventDefault();
  $('#detail').hidden = true;
  list();
});
$('#detail-title').setAttribute('tabindex', '-1');
try {
  await reasons();
} catch (e) {
  say(problemText(e), 'error');
}
const wanted = new URLSearchParams(window.location.search).get('reasonCode');
if (wanted) {
  $('#reason-filter').value = wanted;
}
await list();
ready();
