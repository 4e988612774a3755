// Reference data and rules: read for every reader, written by admins (PUT terms, POST and DELETE rules).
import { get, put, post, del, ROLES } from './api.js';
import { h, $, clear, say, table, facts, problemText } from './dom.js';
import { start, can, ready } from './nav.js';

const caller = await start('reference.html');
const admin = can(caller, ROLES.admin);

async function show() {
  const kind = $('#ref-kind').value;
  const id = $('#ref-id').value.trim();
  const target = clear($('#ref-view'));
  if (!id) {
    say('Enter an id.', 'error');
    return;
  }
  try {
    const terms = await get(`/api/v1/reference/${kind}/${encodeURIComponent(id)}`);
    target.appendChild(facts(Object.entries(terms).map(([k, v]) => [k, v ?? ''])));
    if (admin) {
      $('#ref-json').value = JSON.stringify(terms, null, 2);
      $('#ref-edit').hidden = false;
    }
  } catch (e) {
    target.appendChild(h('p', { class: 'status error' }, problemText(e)));
    if (admin && e.status === 404) {
      $('#ref-json').value = '{\n}';
      $('#ref-edit').hidden = false;
    }
  }
}

async function rules() {
  const target = clear($('#rules'));
  try {
    const list = await get('/api/v1/rules?view=list');
    const columns = [
      ['Rule', (r) => r.ruleId],
      ['Kind', (r) => r.definition?.kind ?? ''],
      ['Version', (r) => r.version],
      ['Priority', (r) => r.definition?.priority ?? ''],
      ['Description', (r) => r.definition?.description ?? ''],
      ['When', (r) => h('code', {}, JSON.stringify(r.definition?.criteria ?? {}))],
      ['Then', (r) => h('code', {}, JSON.stringify(r.definition?.actions ?? []))],
    ];
    if (admin) {
      columns.push(['', (r) => h('button', { type: 'button', class: 'delete-rule', onclick: async () => {
        try {
          await del(`/api/v1/rules/${encodeURIComponent(r.ruleId)}`);
          say(`Rule ${r.ruleId} deleted.`, 'ok');
          await rules();
        } catch (e) {
          say(problemText(e), 'error');
        }
      } }, 'Delete')]);
    }
    target.appendChild(table(columns, list, `${list.length} rule(s) in force`));
  } catch (e) {
    target.appendChild(h('p', { class: 'status error' }, problemText(e)));
  }
}

function parsed(textarea) {
  try {
    return JSON.parse($(textarea).value);
  } catch (e) {
    say(`Not JSON: ${e.message}`, 'error');
    return null;
  }
}

$('#ref-form').addEventListener('submit', (event) => {
  event.preventDefault();
  show();
});
$('#ref-edit').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = parsed('#ref-json');
  if (!body) {
    return;
  }
  try {
    await put(`/api/v1/reference/${$('#ref-kind').value}/${encodeURIComponent($('#ref-id').value.trim())}`, body);
    say('Saved.', 'ok');
    await show();
  } catch (e) {
    say(problemText(e, true), 'error');
  }
});
$('#rule-add').hidden = !admin;
$('#rule-add').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = parsed('#rule-json');
  if (!body) {
    return;
  }
  try {
    await post('/api/v1/rules', body);
    say('Rule saved; in force now.', 'ok');
    await rules();
  } catch (e) {
    say(problemText(e, true), 'error');
  }
});
if (!admin) {
  say(`Read only: editing needs the ${ROLES.admin} role.`, 'info');
}
await rules();
ready();
