// DOM building without HTML strings: every value goes in as text, so nothing a trade, a payload or
// a comment carries can become markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else if (c instanceof Node) {
      el.appendChild(c);
    } else {
      el.appendChild(document.createTextNode(String(c)));
    }
  }
}

export function clear(el) {
  while (el.firstChild) {
    el.removeChild(el.firstChild);
  }
  return el;
}

export function $(selector) {
  return document.querySelector(selector);
}

/** A table of rows: columns are [header, row => cell]. */
export function table(columns, rows, caption) {
  return h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map(([name]) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row)))))));
}

/**
 * A definition list of [term, value] pairs, skipping values that are absent; {@code attrs(term)}
 * gives each value's attributes (an id or data- attribute the tests and links find it by).
 */
export function facts(pairs, attrs = () => ({}), into = h('dl', { class: 'facts' })) {
  for (const [term, value] of pairs) {
    if (value !== undefined && value !== null) {
      into.appendChild(h('dt', {}, term));
      into.appendChild(h('dd', attrs(term), typeof value === 'object' && !(value instanceof Node) ? JSON.stringify(value) : value));
    }
  }
  return into;
}

/** Shows a message in the page's live region (read out by screen readers). */
export function say(text, kind = 'info') {
  const region = $('#status');
  clear(region);
  region.className = `status ${kind}`;
  region.appendChild(document.createTextNode(text));
}

/** An error as one line; with {@code fields}, a problem's field errors too. */
export function problemText(e, fields = false) {
  if (e && e.title) {
    const named = fields && e.errors?.length ? ` (${e.errors.map((x) => `${x.field}: ${x.message}`).join('; ')})` : '';
    return `${e.title}${e.detail ? `: ${e.detail}` : ''}${named}`;
  }
  return String(e && e.message ? e.message : e);
}
