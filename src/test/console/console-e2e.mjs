// The operations console end to end: Playwright (playwright-core) driving Debian's headless
// Chromium against the service that ConsoleIT runs on the real local stack. One scenario a run:
//   node console-e2e.mjs SCENARIO        with CONSOLE_E2E={"base":…,"tokens":{…},"data":{…},"shots":…}
// It prints one line "RESULT {json}" with what the page showed (ConsoleIT asserts on it and on the
// service's own state) and exits non-zero with the reason when the page did not do what it should.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const input = JSON.parse(process.env.CONSOLE_E2E);
const scenario = process.argv[2];
mkdirSync(input.shots, { recursive: true });

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function signIn(page, token) {
  await page.goto(`${input.base}/console`);
  await page.locator('html[data-ready]').waitFor({ state: 'attached' });
  await page.locator('#token').fill(token);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // the Sign in button, reached by keyboard
  await page.locator('#who').waitFor();
}

async function signOut(page) {
  await page.locator('#sign-out').click();
  await page.locator('#token').waitFor();
}

/** Opens a console page and waits until its script has done its first load. */
async function visit(page, path) {
  const response = await page.goto(`${input.base}/console/${path}`);
  await page.locator('html[data-ready]').waitFor({ state: 'attached' });
  return response;
}

async function shot(page, name) {
  await page.screenshot({ path: `${input.shots}/${name}.png`, fullPage: false });
}

async function fillEntry(page, t) {
  for (const [id, value] of Object.entries(t)) {
    const field = page.locator(`#${id}`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') {
      await field.selectOption(String(value));
    } else {
      await field.fill(String(value));
    }
  }
}

async function submitAndFollow(page) {
  await page.locator('#submit').click();
  await page.locator('#job-status').waitFor();
  await page.waitForFunction(() => document.querySelector('#job-status')?.textContent !== 'ACCEPTED', null,
    { timeout: 60000 });
  return page.locator('#job-status').textContent();
}

const scenarios = {
  // 1. An operator enters a trade, sees it captured, and finds it in look-up with the right position.
  async enterAndLookUp(page, { trade }) {
    await signIn(page, input.tokens.ops);
    await shot(page, 'home');
    await visit(page, 'entry.html');
    await fillEntry(page, trade);
    await shot(page, 'manual-entry');
    const status = await submitAndFollow(page);
    check(status === 'CAPTURED', `job ended ${status}`);
    await page.locator('#job-lookup').click();
    await page.locator('#position-facts').waitFor();
    const fact = (name) => page.locator(`#position-facts dd[data-fact="${name}"]`).textContent();
    const shown = { quantity: await fact('quantity'), notional: await fact('notional'), tradeCount: await fact('trades') };
    const versions = await page.locator('#trade tbody tr').count();
    const lots = await page.locator('#position tbody tr').count();
    await shot(page, 'lookup');
    await visit(page, 'live.html');
    await page.waitForFunction(() => document.querySelector('#main').hasAttribute('data-updated'));
    const tiles = await page.locator('.tile .label').allTextContents();
    await shot(page, 'live');
    return { status, versions, lots, ...shown, tiles };
  },

  // 2. A poison record appears in the exceptions queue, is repaired from the screen, and is captured.
  async repairException(page, { exceptionId, reasonCode, quantity }) {
    await signIn(page, input.tokens.ops);
    await visit(page, 'exceptions.html');
    await page.locator('#reason-filter').selectOption(reasonCode);
    await page.locator('#apply-filter').click();
    const open = page.locator(`button.open[data-id="${exceptionId}"]`);
    await open.waitFor();
    // the unfiltered list may still be on screen until the filtered answer replaces it: wait for that
    // (a filter that does not filter leaves other reasons listed, and the check below names them)
    await page.waitForFunction((code) => [...document.querySelectorAll('#list tbody tr')]
      .every((row) => row.textContent.includes(code)), reasonCode, { timeout: 10000 }).catch(() => {});
    const listed = await page.locator('#list tbody tr').allTextContents();
    check(listed.every((row) => row.includes(reasonCode)), `a row of another reason listed: ${listed}`);
    await open.click();
    await page.locator('#detail').waitFor();
    const payload = await page.locator('#payload').textContent();
    await shot(page, 'exceptions');
    await page.locator('#repair').click();
    await page.waitForURL(/entry\.html\?exception=/);
    await page.waitForFunction(() => document.querySelector('#tradeId').value !== '');
    const prefilled = await page.locator('#quantity').inputValue();
    await page.locator('#quantity').fill(String(quantity));
    const status = await submitAndFollow(page);
    await shot(page, 'repair');
    return { payload, prefilled, status, tradeId: await page.locator('#tradeId').inputValue() };
  },

  // 3. A large manual trade goes to approvals; a second user approves it; the first user cannot.
  async approveLargeTrade(page, { trade }) {
    await signIn(page, input.tokens.ops);
    await visit(page, 'entry.html');
    await fillEntry(page, trade);
    const status = await submitAndFollow(page);
    await visit(page, 'approvals.html');
    const card = page.locator(`li.card[data-trade="${trade.tradeId}"]`);
    await card.waitFor();
    await card.locator('button.approve').click();
    await page.locator('#status.error').waitFor();
    const refusal = await page.locator('#status').textContent();
    const stillQueued = await card.count();
    await signOut(page);
    await signIn(page, input.tokens.approver);
    await visit(page, 'approvals.html');
    await card.waitFor();
    await shot(page, 'approvals');
    await card.locator('input.comment').fill('checked with the desk');
    await card.locator('button.approve').click();
    await page.locator('#status.ok').waitFor();
    await card.waitFor({ state: 'detached' });
    return { status, refusal, stillQueued, approved: await page.locator('#status').textContent() };
  },

  // 4. Invalid form input shows the field errors and publishes nothing.
  async invalidInput(page, { trade }) {
    let posted = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/v1/trades/')) {
        posted++;
      }
    });
    await signIn(page, input.tokens.ops);
    await visit(page, 'entry.html');
    await fillEntry(page, { ...trade, tradeId: '', quantity: '-5', currency: 'US' });
    await page.locator('#submit').click();
    await page.locator('#quantity-error').filter({ hasText: /./ }).waitFor();
    const client = {
      tradeId: await page.locator('#tradeId-error').textContent(),
      quantity: await page.locator('#quantity-error').textContent(),
      currency: await page.locator('#currency-error').textContent(),
      invalid: await page.locator('[aria-invalid="true"]').count(),
      posted,
    };
    await shot(page, 'manual-entry-errors');
    // what only the service knows: ZZZ is three letters but no ISO 4217 currency
    await fillEntry(page, { tradeId: trade.tradeId, quantity: trade.quantity, currency: 'ZZZ' });
    await page.locator('#submit').click();
    await page.locator('#currency-error').filter({ hasText: /./ }).waitFor();
    return { client, server: { currency: await page.locator('#currency-error').textContent(),
      status: await page.locator('#status').textContent(), posted } };
  },

  // 5. A stored-XSS attempt in a free-text field renders as text, and the CSP blocks inline script.
  async storedXss(page, { exceptionId, tradeId }) {
    const violations = [];
    await page.exposeFunction('__violation', (v) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => window.__violation(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const injected = () => page.evaluate(() => ({
      xss: window.__xss === undefined ? null : window.__xss,
      elements: document.querySelectorAll('#main img, #main script, #main iframe').length,
    }));
    await signIn(page, input.tokens.ops);
    // an exception whose record key and payload carry markup
    const response = await visit(page, 'exceptions.html');
    const csp = response.headers()['content-security-policy'];
    const listed = await page.locator('#list').textContent();
    const open = page.locator(`button.open[data-id="${exceptionId}"]`);
    await open.waitFor();
    await open.click();
    await page.locator('#detail').waitFor();
    const payload = await page.locator('#payload').textContent();
    const detailText = await page.locator('#detail-fields').textContent();
    const onExceptions = await injected();
    await shot(page, 'exceptions-xss');
    // a trade whose rejection comment carries markup, in look-up
    await visit(page, `lookup.html?tradeId=${encodeURIComponent(tradeId)}`);
    const decisions = await page.locator('#trade').textContent();
    const onLookup = await injected();
    const inline = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.appendChild(s);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return window.__inline === undefined ? null : window.__inline;
    });
    return { csp, listed, payload, detailText, decisions, onExceptions, onLookup, inline, violations };
  },

  // 7. A key with more open lots than a page: the look-up shows the first page and fetches the rest.
  async pageLots(page, { account }) {
    await signIn(page, input.tokens.reader);
    await visit(page, 'lookup.html');
    await page.locator('#pos-account').fill(account);
    await page.locator('#pos-book').fill('BOOK-01');
    await page.locator('#pos-security').fill('US0378331005');
    await page.locator('#find-position').click();
    await page.locator('#open-lots table').waitFor();
    const firstRows = await page.locator('#open-lots tbody tr').count();
    const firstCaption = await page.locator('#open-lots caption').textContent();
    await page.locator('#open-lots-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('#open-lots tbody tr').length > n, firstRows);
    const rows = await page.locator('#open-lots tbody tr').count();
    const lotIds = await page.locator('#open-lots tbody tr td:first-child').allTextContents();
    const caption = await page.locator('#open-lots caption').textContent();
    const more = await page.locator('#open-lots-more').count();
    await shot(page, 'lookup-lots');
    return { firstRows, firstCaption, rows, lotIds, caption, more };
  },

  // 6. A read-only user sees no write actions, and the API refuses them if forced.
  async readOnly(page, { exceptionId, tradeId, request }) {
    // an expired token is refused at sign-in, and no page opens with it
    await page.goto(`${input.base}/console`);
    await page.locator('html[data-ready]').waitFor({ state: 'attached' });
    await page.locator('#token').fill(input.tokens.expired);
    await page.locator('#sign-in').click();
    await page.locator('#status.error').waitFor();
    const expired = await page.locator('#status').textContent();
    await page.goto(`${input.base}/console/entry.html`);
    await page.waitForURL(/index\.html$/);
    await signIn(page, input.tokens.reader);
    await visit(page, 'entry.html');
    const entryForm = await page.locator('#entry-form').isVisible();
    const entryStatus = await page.locator('#status').textContent();
    await visit(page, 'exceptions.html');
    await page.locator(`button.open[data-id="${exceptionId}"]`).click();
    await page.locator('#detail').waitFor();
    const repair = await page.locator('#repair').isVisible();
    await visit(page, 'approvals.html');
    await page.locator(`li.card[data-trade="${tradeId}"]`).waitFor();
    const decide = await page.locator('button.approve, button.reject').count();
    await shot(page, 'approvals-read-only');
    await visit(page, 'reference.html');
    await page.locator('#rules table').waitFor();
    await page.locator('#ref-id').fill('US0378331005');
    await page.locator('#ref-find').click();
    await page.locator('#ref-view dl').waitFor();
    const edits = await page.locator('#ref-edit:not([hidden]), #rule-add:not([hidden]), button.delete-rule').count();
    await shot(page, 'reference');
    const forced = await page.evaluate(async ({ body, exceptionId }) => {
      const auth = { Authorization: `Bearer ${sessionStorage.getItem('tradecapture.console.token')}`, 'Content-Type': 'application/json' };
      const status = async (method, path, payload) => (await fetch(path, { method, headers: auth, body: payload === undefined ? undefined : JSON.stringify(payload) })).status;
      return {
        manualEntry: await status('POST', '/api/v1/trades/manual-entry', body),
        repair: await status('POST', `/api/v1/exceptions/${exceptionId}/repair`, body),
        approve: await status('POST', `/api/v1/approvals/${body.tradeId}/1`, { decision: 'APPROVE' }),
        reference: await status('PUT', '/api/v1/reference/books/BOOK-01', { legalEntity: 'X' }),
        rule: await status('DELETE', '/api/v1/rules/ANY'),
      };
    }, { body: request, exceptionId });
    return { expired, entryForm, entryStatus, repair, decide, edits, forced };
  },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let exit = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(30000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // no token may ever travel in a URL (a query string ends up in logs, history and Referer headers)
  const secrets = Object.values(input.tokens).map((t) => t.split('.')[2]);
  page.on('request', (r) => {
    if (secrets.some((s) => r.url().includes(s))) {
      errors.push(`a token in the URL ${r.url().slice(0, 80)}…`);
    }
  });
  const result = await scenarios[scenario](page, input.data || {});
  result.pageErrors = errors;
  console.log(`RESULT ${JSON.stringify(result)}`);
} catch (e) {
  console.error(`scenario ${scenario} failed: ${e.stack || e}`);
  exit = 1;
} finally {
  await browser.close();
}
process.exit(exit);
