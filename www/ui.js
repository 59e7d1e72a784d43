// Small DOM helpers for the demo page: no framework, nothing inline (the page runs under a strict
// Content-Security-Policy: no inline scripts, styles or handlers).

/** The element matching `selector` (throws if the page lacks it: a typo, not a runtime state). */
export function $(selector, root = document) {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`the page has no ${selector}`);
  return found;
}

/**
 * Makes an element: `h('li', { className: 'x', dataset: { key } }, child, 'text')`. Properties
 * are set as properties (`textContent`, `hidden`, `alt`...), `attrs` as attributes, `on` as
 * listeners.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const { attrs, on, dataset, ...rest } = props;
  Object.assign(node, rest);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  for (const [k, v] of Object.entries(dataset ?? {})) node.dataset[k] = v;
  for (const [k, v] of Object.entries(on ?? {})) node.addEventListener(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

let statusTimer;

/** Says `message` in the polite live region (screen readers announce it; it fades after a while). */
export function announce(message) {
  const status = $('#status');
  clearTimeout(statusTimer);
  status.textContent = '';
  // A new text node after a tick, so that the same message twice is announced twice.
  requestAnimationFrame(() => {
    status.textContent = message;
    status.classList.toggle('visible', Boolean(message));
  });
  statusTimer = setTimeout(() => status.classList.remove('visible'), 6000);
}

/** An error's name and message, whatever was thrown. */
export function describe(e) {
  if (e instanceof Error || (e && typeof e === 'object' && 'message' in e)) {
    return { name: String(e.name || 'Error'), message: String(e.message || ''), status: e.status };
  }
  return { name: 'Error', message: String(e) };
}

/** Shows `e` in the alert region: what failed (`action`), the error's name and its message. */
export function showError(action, e) {
  const { name, message, status } = describe(e);
  $('#error-title').textContent = action;
  $('#error-name').textContent = name;
  $('#error-message').textContent = message + (status ? ` (HTTP ${status})` : '');
  const box = $('#error');
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
  if (typeof console === 'object') console.warn(`${action}: ${name}: ${message}`);
}

/** Hides the alert region. */
export function clearError() {
  $('#error').hidden = true;
}

/** `n` bytes for people: 950 B, 12.3 KB, 4.1 MB. */
export function formatBytes(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} KB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** A date for people, in the browser's locale. */
export function formatDate(d) {
  return dateFormat.format(d);
}

/**
 * Runs `task` with `button` disabled and labelled `busyText` (and the form marked busy), then
 * puts them back. Resolves to the task's result.
 */
export async function busy(button, busyText, task) {
  const label = button.textContent;
  const form = button.form;
  button.disabled = true;
  button.textContent = busyText;
  form?.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.textContent = label;
    form?.removeAttribute('aria-busy');
  }
}
