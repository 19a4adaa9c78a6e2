// The window shows one view at a time: the account list, or one of the views opened from the
// header (add, enrol, settings). Closing a view (its Back button, or Esc) returns to the list
// and gives focus back to the control that opened it.

import { byId } from './dom.js';

/**
 * @typedef {object} ViewHooks
 * @property {(reason: "back" | "switch") => boolean} [beforeClose]
 *   Asked before the view goes away, because the user went back (Esc, the Back button) or
 *   opened another view; returns false to stay (e.g. while work runs).
 */

/** @type {Map<string, {section: HTMLElement, hooks: ViewHooks}>} */
const views = new Map();
let current = 'list';
/** @type {HTMLElement | null} */
let opener = null;

/**
 * Makes `#view-<name>` a view; its `.view-back` buttons close it.
 * @param {string} name
 * @param {ViewHooks} [hooks]
 */
export function registerView(name, hooks = {}) {
  const section = byId(`view-${name}`);
  views.set(name, { section, hooks });
  for (const back of section.querySelectorAll('.view-back')) {
    back.addEventListener('click', () => closeView());
  }
}

/** @returns {string} the name of the view on screen */
export function currentView() {
  return current;
}

/**
 * Shows the view `name` and focuses `focus` in it (or its title). The view on screen is asked
 * first (beforeClose), so opening settings from a running enrolment cannot hide it.
 * @param {string} name
 * @param {HTMLElement} [focus]
 * @returns {boolean} whether `name` is on screen now
 */
export function showView(name, focus) {
  if (name !== current) {
    const { beforeClose } = views.get(current)?.hooks ?? {};
    if (beforeClose && !beforeClose(name === 'list' ? 'back' : 'switch')) return false;
    if (current === 'list') {
      opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    }
  }
  current = name;
  for (const [viewName, { section }] of views) section.hidden = viewName !== name;
  window.scrollTo(0, 0);
  const target = focus ?? views.get(name)?.section.querySelector('.view-title');
  if (target instanceof HTMLElement) target.focus();
  return true;
}

/**
 * Back to the list (unless the view asks to stay), focusing what opened the view.
 * @returns {boolean} whether the list is on screen now
 */
export function closeView() {
  if (current === 'list') return true;
  const back = opener;
  if (!showView('list')) return false;
  opener = null;
  if (back?.isConnected && !back.closest('[hidden]')) back.focus();
  return true;
}
