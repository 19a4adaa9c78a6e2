// Small DOM helpers the views share: looking up the page's fixed elements, writing text only
// when it changes, field and form error messages, and the screen-reader announcer. (How
// values are worded, with no DOM, is format.js.)
//
// Field errors follow one convention from index.html: the input `#x` has its message in
// `#x-error` (a `.field-error` the input names in aria-describedby), so focusing a field that
// is wrong also reads why.

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element;
}

/**
 * @param {string} id
 * @returns {HTMLInputElement}
 */
export function inputById(id) {
  return /** @type {HTMLInputElement} */ (byId(id));
}

/**
 * Sets `element`'s text unless it already is `text` (a write would still cost a layout).
 * @param {Element} element
 * @param {string} text
 */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Sets `element.hidden` unless it already has that value.
 * @param {HTMLElement} element
 * @param {boolean} hidden
 */
export function setHidden(element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/**
 * Sets an attribute unless it already has that value.
 * @param {Element} element
 * @param {string} name
 * @param {string} value
 */
export function setAttribute(element, name, value) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/**
 * Whether keys typed now go into a text control (so single-key shortcuts must not fire).
 * @param {EventTarget|null} target
 */
export function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(target.type);
}

let announceTimer = 0;

/**
 * Says `text` through the page's polite status region without moving focus.
 * @param {string} text
 */
export function announce(text) {
  const status = byId('status');
  // Emptied first, so that the same sentence twice in a row is read twice.
  status.textContent = '';
  window.clearTimeout(announceTimer);
  announceTimer = window.setTimeout(() => { status.textContent = text; }, 50);
}

/**
 * Shows `message` under the input `#id` and marks the input invalid; an empty message clears.
 * @param {string} id
 * @param {string} message
 */
export function setFieldError(id, message) {
  const input = byId(id);
  const error = byId(`${id}-error`);
  setText(error, message);
  error.hidden = !message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/**
 * Clears every field error and the one-line form error inside `container`.
 * @param {HTMLElement} container
 */
export function clearErrors(container) {
  for (const input of container.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
  }
  for (const error of container.querySelectorAll('.field-error, .form-error')) {
    error.textContent = '';
    /** @type {HTMLElement} */ (error).hidden = true;
  }
}

/**
 * Shows a one-line error (or clears it with an empty message).
 * @param {HTMLElement} element  A `.form-error`.
 * @param {string} message
 */
export function setFormError(element, message) {
  setText(element, message);
  element.hidden = !message;
}

/**
 * Shows client-side field errors and focuses the first wrong field.
 * @param {Record<string, string>} errors  Input id → message; empty when all is well.
 * @returns {boolean} whether there were none
 */
export function reportFieldErrors(errors) {
  const ids = Object.keys(errors);
  for (const id of ids) setFieldError(id, errors[id]);
  if (ids.length) byId(ids[0]).focus();
  return ids.length === 0;
}

/**
 * Runs `work` unless it is already running for `button`, and marks the button busy meanwhile,
 * so a second click or Enter cannot send the request twice. The button stays enabled (a
 * disabled button would drop keyboard focus); aria-disabled tells assistive technology.
 * @param {HTMLButtonElement} button
 * @param {() => Promise<void>} work
 * @returns {Promise<void>}
 */
export async function whileBusy(button, work) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await work();
  } finally {
    button.removeAttribute('aria-disabled');
  }
}
