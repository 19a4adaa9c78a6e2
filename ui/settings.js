// The settings view: how long a copied code stays on the clipboard, the tray and start-up
// options, and the encrypted backup export.
//
// Settings are read from the shell each time the view opens and saved all at once; the form
// cannot be saved before they were read, so a failed read never overwrites them with blanks.

import { exportBackup, getSettings, setSettings } from './ipc.js';
import {
  announce, byId, clearErrors, inputById, reportFieldErrors, setFieldError, setFormError, setText,
  whileBusy,
} from './dom.js';
import { registerView, showView } from './views.js';

/** Settings inputs by the name the shell gives them in `error.field`. */
const SETTINGS_FIELDS = {
  clipboard_clear_seconds: 'set-clipboard-seconds',
  tray_accounts: 'set-tray-accounts',
};

const form = /** @type {HTMLFormElement} */ (byId('settings-form'));
const clipboardSeconds = inputById('set-clipboard-seconds');
const trayAccounts = inputById('set-tray-accounts');
const startHidden = inputById('set-start-hidden');
const autostart = inputById('set-autostart');
const theme = /** @type {HTMLSelectElement} */ (byId('set-theme'));
const saveButton = /** @type {HTMLButtonElement} */ (byId('settings-save'));
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
/** Whether the form shows the stored settings (only then may it be saved). */
let loaded = false;

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
  loaded = false;
  try {
    const settings = await getSettings();
    clipboardSeconds.value = String(settings.clipboard_clear_seconds);
    trayAccounts.value = String(settings.tray_accounts);
    startHidden.checked = settings.start_hidden;
    autostart.checked = settings.autostart;
    theme.value = settings.theme;
    loaded = true;
  } catch (error) {
    setFormError(settingsError, `The settings could not be read: ${error.message}`);
  }
}

/**
 * The whole number typed, or null. The ranges are the shell's: it names the field it refuses.
 * @param {HTMLInputElement} input
 */
function wholeNumber(input) {
  const text = input.value.trim();
  const value = Number(text);
  return text !== '' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

async function save() {
  clearErrors(form);
  settingsResult.hidden = true;
  if (!loaded) {
    setFormError(settingsError, 'The settings could not be read, so they are not saved. Reopen Settings to try again.');
    return;
  }
  const seconds = wholeNumber(clipboardSeconds);
  const tray = wholeNumber(trayAccounts);
  /** @type {Record<string, string>} */
  const errors = {};
  if (seconds === null) errors['set-clipboard-seconds'] = 'Enter a whole number of seconds.';
  if (tray === null) errors['set-tray-accounts'] = 'Enter a whole number.';
  if (!reportFieldErrors(errors) || seconds === null || tray === null) return;
  try {
    const stored = await setSettings({
      clipboard_clear_seconds: seconds,
      start_hidden: startHidden.checked,
      autostart: autostart.checked,
      tray_accounts: tray,
      theme: theme.value,
    });
    clipboardSeconds.value = String(stored.clipboard_clear_seconds);
    trayAccounts.value = String(stored.tray_accounts);
    startHidden.checked = stored.start_hidden;
    autostart.checked = stored.autostart;
    theme.value = stored.theme;
    /** @type {any} */ (window).cogauthApplyTheme?.(stored.theme);
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
    const field = SETTINGS_FIELDS[error.field ?? ''];
    if (field) {
      setFieldError(field, error.message);
      byId(field).focus();
    } else {
      setFormError(settingsError, error.message);
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
      setFieldError('export-password', error.message);
      password.focus();
    } else {
      setFormError(exportError, error.message);
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
    event.preventDefault();
    whileBusy(saveButton, save);
  });
  exportForm.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(exportButton, exportEncrypted);
  });
}
