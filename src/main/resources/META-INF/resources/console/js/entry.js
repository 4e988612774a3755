// Manual entry and rebook: client-side checks first, then the API's own (problem+json field errors
// shown beside their fields), then the job followed until captured or rejected.
import { get, post, followJob, ROLES } from './api.js';
import { h, $, clear, say, facts, problemText } from './dom.js';
import { start, can, ready } from './nav.js';

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const DECIMAL = /^\d{1,20}(\.\d{1,10})?$/;
const FIELDS = ['tradeId', 'action', 'version', 'tradeDate', 'accountId', 'bookId', 'securityId', 'side',
  'quantity', 'price', 'currency', 'counterpartyId'];
// where the API names a field by its path in the request
const PATHS = [
  [/^tradeLots\[0\]\.priceQuantity\[0\]\.quantity\[0\]\.value$/, 'quantity'],
  [/^tradeLots\[0\]\.priceQuantity\[0\]\.price\[0\]\.value$/, 'price'],
  [/^tradeLots\[0\]\.priceQuantity\[0\]\.price\[0\]\.unit\.currency$/, 'currency'],
  [/^counterpartyIds(\[0\])?$/, 'counterpartyId'],
];

// A repair starts from the rejected record itself: what the form does not show (more lots,
// sequence numbers, timestamps, metadata) is sent as it came.
let base = null;

const params = new URLSearchParams(window.location.search);
const exceptionId = params.get('exception');
const rebook = params.get('tradeId');

function value(id) {
  return $(`#${id}`).value.trim();
}

function fieldFor(path) {
  if (FIELDS.includes(path)) {
    return path;
  }
  for (const [pattern, field] of PATHS) {
    if (pattern.test(path)) {
      return field;
    }
  }
  return null;
}

function clearErrors() {
  for (const f of FIELDS) {
    $(`#${f}-error`).textContent = '';
    $(`#${f}`).removeAttribute('aria-invalid');
    $(`#${f}`).removeAttribute('aria-describedby');
  }
  clear($('#form-errors'));
}

function showError(field, message) {
  const target = fieldFor(field);
  if (target) {
    const slot = $(`#${target}-error`);
    slot.textContent = slot.textContent ? `${slot.textContent}; ${message}` : message;
    $(`#${target}`).setAttribute('aria-invalid', 'true');
    $(`#${target}`).setAttribute('aria-describedby', `${target}-error`);
  } else {
    $('#form-errors').appendChild(h('li', {}, `${field}: ${message}`));
  }
}

/** The client's own checks: the ones a form can make without the service. */
function check() {
  const errors = [];
  for (const f of ['tradeId', 'accountId', 'bookId', 'securityId']) {
    if (!value(f)) {
      errors.push([f, 'required']);
    } else if (!ID.test(value(f))) {
      errors.push([f, 'letters, digits, ".", "_" or "-", at most 64']);
    }
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value('tradeDate'))) {
    errors.push(['tradeDate', 'required (YYYY-MM-DD)']);
  }
  const version = Number(value('version'));
  if (!Number.isInteger(version) || version < 1 || version > 1000000) {
    errors.push(['version', 'a whole number from 1 to 1,000,000']);
  }
  for (const f of ['quantity', 'price']) {
    if (!value(f)) {
      errors.push([f, 'required']);
    } else if (!DECIMAL.test(value(f)) || Number(value(f)) <= 0) {
      errors.push([f, 'a positive decimal number']);
    }
  }
  if (!/^[A-Za-z]{3}$/.test(value('currency'))) {
    errors.push(['currency', 'three letters (ISO 4217)']);
  }
  if (value('counterpartyId') && !ID.test(value('counterpartyId'))) {
    errors.push(['counterpartyId', 'letters, digits, ".", "_" or "-", at most 64']);
  }
  return errors;
}

function set(object, path, v) {
  let o = object;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    const next = typeof path[i + 1] === 'number' ? [] : {};
    if (o[k] === null || typeof o[k] !== 'object') {
      o[k] = next;
    }
    o = o[k];
  }
  o[path[path.length - 1]] = v;
}

function request() {
  const tradeId = value('tradeId');
  if (base) {
    const body = structuredClone(base);
    for (const f of ['tradeId', 'accountId', 'bookId', 'securityId', 'tradeDate', 'action', 'side']) {
      body[f] = value(f);
    }
    body.version = Number(value('version'));
    delete body.source;
    delete body.enteredBy;
    delete body.idempotencyKey;
    const pq = ['tradeLots', 0, 'priceQuantity', 0];
    set(body, [...pq, 'quantity', 0, 'value'], value('quantity'));
    set(body, [...pq, 'price', 0, 'value'], value('price'));
    set(body, [...pq, 'price', 0, 'unit', 'currency'], value('currency').toUpperCase());
    if (value('counterpartyId')) {
      body.counterpartyIds = [value('counterpartyId'), ...(Array.isArray(body.counterpartyIds) ? body.counterpartyIds.slice(1) : [])];
    }
    return body;
  }
  const body = {
    tradeId,
    accountId: value('accountId'),
    bookId: value('bookId'),
    securityId: value('securityId'),
    tradeDate: value('tradeDate'),
    action: value('action'),
    version: Number(value('version')),
    side: value('side'),
    tradeLots: [{
      lotIdentifier: [{ identifier: `${tradeId}-L1`, identifierType: 'LOT_ID' }],
      priceQuantity: [{
        quantity: [{ value: value('quantity'), unit: { financialUnit: 'Share' } }],
        price: [{ value: value('price'), unit: { currency: value('currency').toUpperCase() } }],
      }],
    }],
  };
  if (value('counterpartyId')) {
    body.counterpartyIds = [value('counterpartyId')];
  }
  return body;
}

function fill(values) {
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== null && $(`#${k}`)) {
      $(`#${k}`).value = String(v);
    }
  }
}

/** A raw request (an exception's payload) into the form, as far as it reads. */
function fillFromRequest(r) {
  const pq = r?.tradeLots?.[0]?.priceQuantity?.[0];
  fill({
    tradeId: r.tradeId, accountId: r.accountId, bookId: r.bookId, securityId: r.securityId, tradeDate: r.tradeDate,
    action: r.action || 'NEW', version: r.version || 1, side: r.side || 'BUY',
    quantity: pq?.quantity?.[0]?.value, price: pq?.price?.[0]?.value, currency: pq?.price?.[0]?.unit?.currency,
    counterpartyId: r.counterpartyIds?.[0],
  });
}

/** A captured trade's latest version into the form, as its correction. */
function fillFromEvent(e) {
  const lot = e.tradeLots?.[0] || {};
  const [account, book, ...security] = (e.partitionKey || '').split('_');
  fill({
    tradeId: e.tradeId, accountId: account, bookId: book, securityId: security.join('_'), tradeDate: e.tradeDate,
    action: 'CORRECT', version: e.version + 1, side: e.side || 'BUY', quantity: lot.quantity, price: lot.price,
    currency: lot.currency, counterpartyId: e.counterpartyIds?.[0],
  });
}

function showJob(job) {
  facts([['Job', job.jobId], ['Status', job.status], ['Trade', `${job.tradeId} v${job.version}`],
    ['Partition key', job.partitionKey], ['Reason', job.reasonCode], ['Detail', job.detail]],
  (term) => ({ id: `job-${term.toLowerCase().replace(' ', '-')}` }), clear($('#job')));
  $('#job-lookup').setAttribute('href', `lookup.html?tradeId=${encodeURIComponent(job.tradeId)}`);
}

const form = $('#entry-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  const errors = check();
  if (errors.length) {
    errors.forEach(([f, m]) => showError(f, m));
    say(`${errors.length} field(s) need attention; nothing was sent.`, 'error');
    $(`#${errors[0][0]}`).focus();
    return;
  }
  $('#submit').disabled = true;
  try {
    const path = exceptionId ? `/api/v1/exceptions/${encodeURIComponent(exceptionId)}/repair` : '/api/v1/trades/manual-entry';
    const job = await post(path, request(), { 'Idempotency-Key': `console-${crypto.randomUUID()}` });
    $('#progress').hidden = false;
    showJob(job);
    say('Accepted; waiting for capture…', 'info');
    const done = await followJob(job.jobId, showJob);
    say(done.status === 'REJECTED' ? `Rejected: ${done.reasonCode} ${done.detail || ''}` : `${done.status}.`,
      done.status === 'REJECTED' ? 'error' : 'ok');
  } catch (e) {
    if (e.errors && e.errors.length) {
      e.errors.forEach((x) => showError(x.field, x.message));
    }
    say(problemText(e), 'error');
  } finally {
    $('#submit').disabled = false;
  }
});

const caller = await start('entry.html');
if (!can(caller, ROLES.write)) {
  form.hidden = true;
  say(`Entering trades needs the ${ROLES.write} role; you can look trades up instead.`, 'info');
} else {
  $('#tradeDate').value = new Date().toISOString().slice(0, 10);
  $('#currency').value = 'USD';
  if (exceptionId) {
    $('#mode').textContent = `Repairing exception ${exceptionId}: the submitted entry closes it.`;
    try {
      const x = await get(`/api/v1/exceptions/${encodeURIComponent(exceptionId)}`);
      if (x.payloadEncoding === 'utf-8') {
        let parsed = null;
        try {
          parsed = JSON.parse(x.payload);
        } catch (e) {
          say('The payload is not JSON: enter the trade by hand.', 'info');
        }
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          base = parsed;
          fillFromRequest(parsed);
          const lots = Array.isArray(parsed.tradeLots) ? parsed.tradeLots.length : 0;
          if (lots > 1 || (parsed.tradeLots?.[0]?.priceQuantity?.length || 0) > 1) {
            $('#mode').textContent += ' Only its first lot is shown here; the others are sent as they were.';
          }
        }
      }
    } catch (e) {
      say(problemText(e), 'error');
    }
  } else if (rebook) {
    $('#mode').textContent = `Rebooking ${rebook}: a correction of its latest version.`;
    try {
      fillFromEvent((await get(`/api/v1/trades/capture/${encodeURIComponent(rebook)}`)).latest);
    } catch (e) {
      say(problemText(e), 'error');
    }
  }
  $('#tradeId').focus();
}
$('#submit').disabled = false;
ready();
