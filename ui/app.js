// The main window: wires the account list to the views opened from the header (add an
// account, enrol a Cognito account, settings) and handles the shortcuts that work everywhere.
//
// Modules: ipc.js is the only one that talks to the Rust shell; accounts.js is the list;
// add.js, enrol.js and settings.js are the views; dialogs.js the modal dialogs; toast.js the
// short messages; views.js which view is on screen; dom.js the small shared helpers. The
// state behind the list, the Add view and the enrolment wizard is in accounts-state.js,
// add-state.js and enrol-state.js, and the wording in format.js: plain functions with no DOM
// and no IPC, unit-tested under Node (`node --test tests/ui/`).
//
// Shortcuts: `/` and Ctrl+F search, a letter or digit typed on the list starts a search with
// it, `+` adds an account, Esc closes a dialog or a view (in the search box it clears the
// search first), Ctrl+Z undoes a delete while its toast shows, wherever the focus is (even in
// a text field, whose own undo waits until then).

import { focusAccount, focusSearch, refresh, startAccounts, startSearch } from './accounts.js';
import { startsSearch } from './accounts-state.js';
import { initAdd, openAdd } from './add.js';
import { byId, isTyping } from './dom.js';
import { initEnrol, openEnrol, openResume } from './enrol.js';
import { initSettings, openSettings } from './settings.js';
import { showToast, undoFromToast, undoPending } from './toast.js';
import { closeView, currentView, registerView } from './views.js';

/**
 * Back on the list after an add or an import, with the new account focused.
 * @param {import('./ipc.js').AccountName | null} account
 * @param {string} message
 */
async function added(account, message) {
  await refresh();
  closeView();
  if (account) focusAccount(account.id);
  showToast(message);
}

/** @param {KeyboardEvent} event */
function onKey(event) {
  // An open <dialog> handles its own keys (Esc closes it).
  if (event.defaultPrevented || document.querySelector('dialog[open]')) return;
  if (event.key === 'Escape') {
    if (currentView() !== 'list') {
      event.preventDefault();
      closeView();
    }
    return;
  }
  const command = (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
  if (command && event.key.toLowerCase() === 'z' && undoPending()) {
    event.preventDefault();
    undoFromToast();
    return;
  }
  if (command && event.key.toLowerCase() === 'f' && currentView() === 'list') {
    event.preventDefault();
    focusSearch();
    return;
  }
  if (isTyping(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
  const inMenu = event.target instanceof Element && event.target.closest('[role="menu"]');
  if (currentView() === 'list' && !inMenu && startsSearch(event)) {
    event.preventDefault();
    startSearch(event.key);
  } else if (event.key === '/' && currentView() === 'list') {
    event.preventDefault();
    focusSearch();
  } else if (event.key === '+') {
    event.preventDefault();
    openAdd();
  }
}

function start() {
  registerView('list');
  startAccounts({
    finishEnrolment: (account) => openResume(account),
    exportBackup: () => openSettings({ backup: true }),
  });
  initAdd({
    added,
    show(account) {
      closeView();
      focusAccount(account.id);
    },
  });
  initEnrol({ changed: () => refresh(), focus: focusAccount });
  initSettings({ exported: () => refresh() });
  for (const id of ['add-button', 'empty-add']) {
    byId(id).addEventListener('click', () => openAdd());
  }
  for (const id of ['enrol-button', 'empty-enrol']) {
    byId(id).addEventListener('click', () => openEnrol());
  }
  byId('settings-button').addEventListener('click', () => openSettings());
  document.addEventListener('keydown', onKey);
}

start();
