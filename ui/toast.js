// The toasts at the bottom of the window: a short message ("Copied — clears in 30 s"), and
// below it the pending undo of a delete, with its time left and an Undo button (and Ctrl+Z,
// wherever the focus is: app.js). A new message replaces the message, never the undo; a new
// delete replaces the undo (the earlier delete then runs out on its own).
//
// While a toast shows, the page leaves that much room at its end (`--toast-room`, read by
// style.css), so the last rows can be scrolled clear of it. The text is also announced through
// #status, since a box that appears and disappears is a poor live region.

import { toastRoom, undoText } from './accounts-state.js';
import { announce, byId, setText } from './dom.js';

/** How long a plain message stays. */
const DEFAULT_SECONDS = 4;
/** The toasts' distance from the window's bottom edge, in px (style.css: `bottom: 1rem`). */
const BOTTOM_GAP_PX = 16;

const toasts = byId('toasts');
const toast = byId('toast');
const message = byId('toast-message');
const undoBox = byId('undo-toast');
const undoMessage = byId('undo-message');
const undoButton = /** @type {HTMLButtonElement} */ (byId('toast-undo'));
const undoFill = byId('undo-fill');

let hideTimer = 0;
let undoTimer = 0;
/** @type {{action: () => void, name: string, until: number} | null} */
let pendingUndo = null;

/**
 * @typedef {object} ToastOptions
 * @property {number} [seconds]        How long it stays.
 * @property {boolean} [error]         Shown in the error colour.
 */

/**
 * Shows a message (replacing the previous message, not a pending undo).
 * @param {string} text
 * @param {ToastOptions} [options]
 */
export function showToast(text, { seconds = DEFAULT_SECONDS, error = false } = {}) {
  window.clearTimeout(hideTimer);
  setText(message, text);
  toast.classList.toggle('error', error);
  toast.hidden = false;
  announce(text);
  hideTimer = window.setTimeout(hideMessage, seconds * 1000);
}

function hideMessage() {
  window.clearTimeout(hideTimer);
  toast.hidden = true;
}

/**
 * Offers to undo a delete for `seconds` (the shell's undo window): the toast counts down, and
 * Undo or Ctrl+Z runs `action`.
 * @param {string} name  The deleted account's name.
 * @param {number} seconds
 * @param {() => void} action
 */
export function showUndo(name, seconds, action) {
  pendingUndo = { action, name, until: Date.now() + seconds * 1000 };
  undoBox.hidden = false;
  // The bar runs down once, by a transition as long as the undo window.
  undoFill.style.transition = 'none';
  undoFill.style.transform = 'scaleX(1)';
  void undoFill.offsetWidth;
  undoFill.style.transition = `transform ${seconds}s linear`;
  undoFill.style.transform = 'scaleX(0)';
  announce(`Deleted ${name}. Press Control+Z within ${seconds} seconds to undo.`);
  tickUndo();
}

/** Writes the seconds left, and hides the undo when they are over. */
function tickUndo() {
  window.clearTimeout(undoTimer);
  if (!pendingUndo) return;
  const left = pendingUndo.until - Date.now();
  if (left <= 0) {
    hideUndo();
    return;
  }
  setText(undoMessage, undoText(pendingUndo.name, left));
  undoTimer = window.setTimeout(tickUndo, (left % 1000) || 1000);
}

/**
 * Runs the pending undo, if there is one.
 * @returns {boolean} whether there was one
 */
export function undoFromToast() {
  const action = pendingUndo?.action;
  if (!action) return false;
  hideUndo();
  action();
  return true;
}

/** Whether a delete can still be undone. */
export function undoPending() {
  return pendingUndo !== null;
}

function hideUndo() {
  window.clearTimeout(undoTimer);
  // Focus on the Undo button would be lost with it: hand it to the list's search box.
  const hadFocus = undoBox.contains(document.activeElement);
  undoBox.hidden = true;
  pendingUndo = null;
  if (hadFocus) byId('search').focus();
}

undoButton.addEventListener('click', () => undoFromToast());

// The room at the end of the page follows the toasts' height.
new ResizeObserver(() => {
  const room = toastRoom(toasts.getBoundingClientRect().height, BOTTOM_GAP_PX);
  document.documentElement.style.setProperty('--toast-room', `${room}px`);
}).observe(toasts);
