// The settings view: how long a copied code stays on the clipboard, the tray and start-up
// options, the appearance, and the encrypted backup export.
//
// Settings are read from the shell each time the view opens, and each is saved as it is
// chosen (no Save button): a list or a checkbox at once, a number when it is committed (Enter
// or leaving the field); the appearance is applied before the shell answers. Nothing is saved
// before the settings were read, so a failed read never overwrites them with blanks. Saves
// run one after the other. What is sent is computed in settings-state.js.

import { exportBackup, getSettings, setSettings, shortcutStatus } from './ipc.js';
import {
  announce, byId, clearErrors, inputById, reportFieldErrors, setFieldError, setFormError, setText,
  whileBusy,
} from './dom.js';
import { errorWords } from './format.js';
import {
  recordedShortcut, savesOn, settingsInputOf, settingsToSave, shortcutNote,
} from './settings-state.js';
import { registerView, showView } from './views.js';

const form = /** @type {HTMLFormElement} */ (byId('settings-form'));
const clipboardSeconds = inputById('set-clipboard-seconds');
const trayAccounts = inputById('set-tray-accounts');
const startHidden = inputById('set-start-hidden');
const autostart = inputById('set-autostart');
const theme = /** @type {HTMLSelectElement} */ (byId('set-theme'));
const shortcutEnabled = inputById('set-quick-shortcut-enabled');
const shortcut = inputById('set-quick-shortcut');
const shortcutStatusText = byId('set-quick-shortcut-status');
const settingsError = byId('settings-error');
const settingsResult = byId('settings-result');

const exportForm = /** @type {HTMLFormElement} */ (byId('export-form'));
const password = inputById('export-password');
const password2 = inputById('export-password2');
const exportButton = /** @type {HTMLButtonElement} */ (byId('export-submit'));
const exportError = byId('export-error');
const exportResult = byId('export-result');

/**
 * @typedef {object} SettingsHooks
 * @property {() => void} exported  A backup was written (the reminder may go away).
 */

/** @type {SettingsHooks} */
let hooks;
/** The settings as last read or saved; null until read (then nothing may be saved). */
let stored = /** @type {Record<string, unknown> | null} */ (null);
/** The save running now: the next waits for it. */
let saving = Promise.resolve();

/**
 * Shows the view with the stored settings.
 * @param {{backup?: boolean}} [options]  `backup`: go straight to the export form.
 */
export async function openSettings({ backup = false } = {}) {
  clearErrors(form);
  clearErrors(exportForm);
  exportResult.hidden = true;
  settingsResult.hidden = true;
  if (!showView('settings', backup ? password : clipboardSeconds)) return;
  if (backup) exportForm.scrollIntoView({ block: 'start' });
  stored = null;
  try {
    show(await getSettings());
  } catch (error) {
    setFormError(settingsError, `The settings could not be read: ${errorWords(error).text}`);
  }
}

/** @param {import('./ipc.js').Settings} settings */
function show(settings) {
  clipboardSeconds.value = String(settings.clipboard_clear_seconds);
  trayAccounts.value = String(settings.tray_accounts);
  startHidden.checked = settings.start_hidden;
  autostart.checked = settings.autostart;
  theme.value = settings.theme;
  shortcutEnabled.checked = settings.quick_shortcut_enabled;
  shortcut.value = settings.quick_shortcut;
  shortcut.disabled = !settings.quick_shortcut_enabled;
  stored = { ...settings };
  showShortcutStatus();
}

/** Says whether the shortcut works in this session (and what to do when it cannot). */
async function showShortcutStatus() {
  try {
    setText(shortcutStatusText, shortcutNote(await shortcutStatus()));
  } catch (error) {
    setText(shortcutStatusText, errorWords(error).text);
  }
}

/** Saves the controls as they are now (after any save still running). */
function saveNow() {
  saving = saving.then(save, save);
  return saving;
}

async function save() {
  clearErrors(form);
  settingsResult.hidden = true;
  if (!stored) {
    setFormError(settingsError, 'The settings could not be read, so they are not saved. Reopen Settings to try again.');
    return;
  }
  const { settings, errors } = settingsToSave({
    clipboard_clear_seconds: clipboardSeconds.value,
    tray_accounts: trayAccounts.value,
    start_hidden: startHidden.checked,
    autostart: autostart.checked,
    theme: theme.value,
    quick_shortcut_enabled: shortcutEnabled.checked,
    quick_shortcut: shortcut.value,
  }, stored);
  if (!reportFieldErrors(errors) || !settings) return;
  // The appearance changes at once; the shell's answer confirms it.
  /** @type {any} */ (window).cogauthApplyTheme?.(settings.theme);
  try {
    const saved = await setSettings(settings);
    show(saved);
    /** @type {any} */ (window).cogauthApplyTheme?.(saved.theme);
    setText(settingsResult, 'Saved.');
    settingsResult.hidden = false;
    announce('Settings saved.');
  } catch (error) {
    if (error.kind === 'cancelled') {
      // The user said no to starting at login, in the shell's own dialog: nothing was saved.
      autostart.checked = false;
      setFormError(settingsError, 'Nothing was saved: start at login stays off.');
      return;
    }
    const input = settingsInputOf(error);
    const { text } = errorWords(error);
    if (input) {
      setFieldError(input, text);
      byId(input).focus();
    } else {
      setFormError(settingsError, text);
    }
  }
}

async function exportEncrypted() {
  clearErrors(exportForm);
  exportResult.hidden = true;
  /** @type {Record<string, string>} */
  const errors = {};
  // The password rule is core's (it answers with field "password"); the page only checks
  // that the two typed passwords are the same.
  if (password2.value !== password.value) {
    errors['export-password2'] = 'The two passwords differ.';
  }
  if (!reportFieldErrors(errors)) return;
  try {
    const { path, warning } = await exportBackup(password.value);
    exportForm.reset();
    const written = warning ? `Backup written to ${path}; ${warning}.` : `Backup written to ${path}`;
    setText(exportResult, written);
    exportResult.hidden = false;
    announce(written);
    hooks.exported();
  } catch (error) {
    if (error.kind === 'cancelled') {
      setText(exportResult, 'Export cancelled: nothing was written.');
      exportResult.hidden = false;
      announce('Export cancelled: nothing was written.');
    } else if (error.field === 'password') {
      setFieldError('export-password', errorWords(error).text);
      password.focus();
    } else {
      setFormError(exportError, errorWords(error).text);
    }
  }
}

/**
 * Wires the view.
 * @param {SettingsHooks} settingsHooks
 */
export function initSettings(settingsHooks) {
  hooks = settingsHooks;
  registerView('settings', {
    beforeClose() {
      // Backup passwords do not stay in the page.
      exportForm.reset();
      return true;
    },
  });
  form.addEventListener('submit', (event) => {
    // Enter in a number field commits it.
    event.preventDefault();
    saveNow();
  });
  for (const type of /** @type {const} */ (['input', 'change'])) {
    form.addEventListener(type, (event) => {
      const target = /** @type {HTMLElement} */ (event.target);
      if (savesOn(target.id, type)) saveNow();
    });
  }
  // The shortcut field records the keys pressed in it; typing text into it does nothing.
  shortcut.addEventListener('keydown', (event) => {
    if (event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey) return;
    event.preventDefault();
    const keys = recordedShortcut(event);
    if (keys && keys !== shortcut.value) {
      shortcut.value = keys;
      saveNow();
    }
  });
  exportForm.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(exportButton, exportEncrypted);
  });
}
