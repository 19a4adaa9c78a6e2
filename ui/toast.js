// The toast: one short message at the bottom of the window ("Copied — clears in 30 s"),
// optionally with an Undo button that lives as long as the shell allows undoing.
//
// A new toast replaces the current one. The text is also announced through #status, since a
// box that appears and disappears is a poor live region.

import { announce, byId, setText } from './dom.js';

/** How long a plain message stays. */
const DEFAULT_SECONDS = 4;

const toast = byId('toast');
const message = byId('toast-message');
const undoButton = /** @type {HTMLButtonElement} */ (byId('toast-undo'));

let hideTimer = 0;
/** @type {(() => void) | null} */
let undoAction = null;

/**
 * @typedef {object} ToastOptions
 * @property {number} [seconds]        How long it stays; also how long Undo is offered.
 * @property {boolean} [error]         Shown in the error colour.
 * @property {() => void} [undo]       Offers an Undo button (and Ctrl+Z) running this.
 */

/**
 * @param {string} text
 * @param {ToastOptions} [options]
 */
export function showToast(text, { seconds = DEFAULT_SECONDS, error = false, undo } = {}) {
  window.clearTimeout(hideTimer);
  setText(message, text);
  toast.classList.toggle('error', error);
  undoAction = undo ?? null;
  undoButton.hidden = !undo;
  toast.hidden = false;
  announce(undo ? `${text}. Press Control+Z to undo.` : text);
  hideTimer = window.setTimeout(hideToast, seconds * 1000);
}

/**
 * Runs the current toast's Undo, if it offers one.
 * @returns {boolean} whether there was one
 */
export function undoFromToast() {
  const action = undoAction;
  if (!action) return false;
  hideToast();
  action();
  return true;
}

function hideToast() {
  window.clearTimeout(hideTimer);
  // Focus on the Undo button would be lost with it: hand it to the list's search box.
  const hadFocus = toast.contains(document.activeElement);
  toast.hidden = true;
  undoAction = null;
  undoButton.hidden = true;
  if (hadFocus) byId('search').focus();
}

undoButton.addEventListener('click', () => undoFromToast());
