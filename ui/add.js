// The "Add an account" view: from an otpauth link, from a QR image or another authenticator's
// export (a file, the clipboard or the screen), or typed in by hand.
//
// The checks here are only the obvious ones, so that a typo is pointed at before a round trip;
// the shell decides. A refusal that names a field (`error.field`) is shown next to that field,
// any other in one line under the form. Everything typed is cleared when the view closes, so
// a secret typed by hand does not stay in the page.

import {
  addManual, addUri, importApply, importClipboard, importLoad, importPreview, importScreenshot,
} from './ipc.js';
import {
  accountName, byId, clearErrors, inputById, reportFieldErrors, setFieldError, setFormError,
  setHidden, setText, whileBusy,
} from './dom.js';
import { registerView, showView } from './views.js';

/** The largest file read: the bound the shell applies too (core's MAX_INPUT_BYTES). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Entries listed in the import preview; the summary counts all of them. */
const PREVIEW_LIMIT = 200;

/** Display names of the shell's import format names. */
const FORMAT_NAMES = {
  aegis: 'Aegis',
  andotp: 'andOTP',
  bitwarden: 'Bitwarden',
  'freeotp-plus': 'FreeOTP+',
  '2fas': '2FAS',
  'google-authenticator': 'Google Authenticator transfer',
  otpauth: 'otpauth:// list',
  'qr-image': 'QR codes in the image',
  clipboard: 'Clipboard',
  screenshot: 'QR codes on the screen',
};

/** Manual-entry fields by the name the shell gives them in `error.field`. */
const MANUAL_FIELDS = {
  issuer: 'manual-issuer',
  label: 'manual-label',
  secret: 'manual-secret',
  kind: 'manual-kind',
  algorithm: 'manual-algorithm',
  digits: 'manual-digits',
  period: 'manual-period',
  counter: 'manual-counter',
};

const uriForm = /** @type {HTMLFormElement} */ (byId('add-uri-form'));
const uriInput = inputById('add-uri-input');
const fileInput = inputById('import-file');
const unlockForm = /** @type {HTMLFormElement} */ (byId('import-unlock'));
const passwordInput = inputById('import-password');
const previewBox = byId('import-preview');
const importList = byId('import-list');
const importWarnings = byId('import-warnings');
const applyButton = /** @type {HTMLButtonElement} */ (byId('import-apply'));
const importError = byId('import-error');
const manualForm = /** @type {HTMLFormElement} */ (byId('manual-form'));
const manualKind = /** @type {HTMLSelectElement} */ (byId('manual-kind'));

/**
 * @typedef {object} AddHooks
 * @property {(account: import('./ipc.js').AccountName | null, message: string) => void} added
 *   After an add or an import; `account` is the one to focus, if there is one.
 */

/** @type {AddHooks} */
let hooks;
/** The password that opened the loaded export (null when it is not encrypted). */
let openedWith = /** @type {string | null} */ (null);

/** Shows the view, empty. */
export function openAdd() {
  if (showView('add', uriInput)) resetAll();
}

function resetAll() {
  uriForm.reset();
  manualForm.reset();
  showKindFields();
  clearErrors(uriForm);
  clearErrors(manualForm);
  fileInput.value = '';
  resetImport();
}

// From a link

async function submitUri() {
  clearErrors(uriForm);
  const uri = uriInput.value.trim();
  if (!uri) {
    reportFieldErrors({ 'add-uri-input': 'Paste the otpauth:// link here.' });
    return;
  }
  if (/^otpauth-migration:/i.test(uri)) {
    // Google Authenticator's transfer link holds several accounts: it goes through the import,
    // whose preview shows them before anything is added.
    uriInput.value = '';
    await loadImport(() => importLoad(new TextEncoder().encode(uri)));
    return;
  }
  if (!/^otpauth:\/\//i.test(uri)) {
    reportFieldErrors({ 'add-uri-input': 'This is not an otpauth:// link. It starts with “otpauth://”.' });
    return;
  }
  try {
    const account = await addUri(uri);
    uriInput.value = '';
    hooks.added(account, `Added ${accountName(account)}.`);
  } catch (error) {
    setFieldError('add-uri-input', error.message);
    uriInput.focus();
  }
}

// From a file, an image or the clipboard

function resetImport() {
  openedWith = null;
  unlockForm.hidden = true;
  passwordInput.value = '';
  previewBox.hidden = true;
  importList.replaceChildren();
  importWarnings.replaceChildren();
  clearErrors(unlockForm);
  setFormError(importError, '');
}

/**
 * Hands a source to the shell, then asks for its password or shows the preview.
 * @param {() => Promise<import('./ipc.js').ImportSource>} load
 */
async function loadImport(load) {
  resetImport();
  try {
    const source = await load();
    if (source.encrypted) {
      askPassword('');
    } else {
      await preview(null);
    }
  } catch (error) {
    setFormError(importError, error.message);
  }
}

async function loadFile() {
  const file = fileInput.files?.[0];
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) {
    resetImport();
    setFormError(importError, `${file.name} is larger than 16 MiB: that is no authenticator export.`);
    return;
  }
  await loadImport(async () => importLoad(new Uint8Array(await file.arrayBuffer())));
}

/** @param {string} problem  Shown under the password, e.g. "wrong password". */
function askPassword(problem) {
  previewBox.hidden = true;
  unlockForm.hidden = false;
  setFieldError('import-password', problem);
  passwordInput.focus();
  passwordInput.select();
}

/** @param {string | null} password */
async function preview(password) {
  try {
    const result = await importPreview(password);
    openedWith = password;
    unlockForm.hidden = true;
    showPreview(result);
  } catch (error) {
    if (error.kind === 'password_required' || error.kind === 'wrong_password') {
      askPassword(error.message);
    } else {
      setFormError(importError, error.message);
    }
  }
}

/** @param {import('./ipc.js').ImportPreview} result */
function showPreview(result) {
  const count = result.new.length;
  const format = FORMAT_NAMES[result.format] ?? result.format;
  const skipped = `${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} skipped`;
  setText(byId('import-summary'), `${format}: ${count} new, ${skipped}.`);

  const items = result.new.slice(0, PREVIEW_LIMIT).map((entry) => {
    const item = document.createElement('li');
    item.textContent = `${accountName(entry)} · ${entry.kind.toUpperCase()}`;
    return item;
  });
  if (count > PREVIEW_LIMIT) {
    const more = document.createElement('li');
    more.textContent = `and ${count - PREVIEW_LIMIT} more`;
    items.push(more);
  }
  importList.replaceChildren(...items);
  importWarnings.replaceChildren(...result.warnings.map((text) => {
    const item = document.createElement('li');
    item.textContent = text;
    return item;
  }));
  setHidden(importList, count === 0);
  setHidden(importWarnings, result.warnings.length === 0);
  setHidden(applyButton, count === 0);
  setText(applyButton, `Import ${count} account${count === 1 ? '' : 's'}`);
  previewBox.hidden = false;
  (count ? applyButton : byId('import-summary')).focus();
}

async function apply() {
  setFormError(importError, '');
  try {
    const { added, skipped } = await importApply(openedWith);
    resetImport();
    fileInput.value = '';
    const also = skipped ? `, ${skipped} skipped` : '';
    hooks.added(null, `Imported ${added} account${added === 1 ? '' : 's'}${also}.`);
  } catch (error) {
    setFormError(importError, error.message);
  }
}

// By hand

/** Shows the fields the chosen type uses. */
function showKindFields() {
  const kind = manualKind.value;
  setHidden(byId('manual-period-field'), kind === 'hotp');
  setHidden(byId('manual-counter-field'), kind !== 'hotp');
  // Steam Guard codes are always five characters from SHA1.
  setHidden(byId('manual-algorithm-field'), kind === 'steam');
  setHidden(byId('manual-digits-field'), kind === 'steam');
}

/**
 * A number field's value, NaN when empty.
 * @param {string} id
 */
function numberIn(id) {
  const text = inputById(id).value.trim();
  return text === '' ? NaN : Number(text);
}

/** @returns {import('./ipc.js').ManualEntry} */
function readManual() {
  const kind = /** @type {"totp"|"hotp"|"steam"} */ (manualKind.value);
  const steam = kind === 'steam';
  return {
    issuer: inputById('manual-issuer').value.trim(),
    label: inputById('manual-label').value.trim(),
    secret: inputById('manual-secret').value.trim(),
    kind,
    algorithm: steam ? 'SHA1' : /** @type {HTMLSelectElement} */ (byId('manual-algorithm')).value,
    digits: steam ? 5 : Number(/** @type {HTMLSelectElement} */ (byId('manual-digits')).value),
    period: numberIn('manual-period'),
    counter: numberIn('manual-counter'),
  };
}

/**
 * The obvious mistakes, in form order.
 * @param {import('./ipc.js').ManualEntry} entry
 * @returns {Record<string, string>} input id → message
 */
function checkManual(entry) {
  /** @type {Record<string, string>} */
  const errors = {};
  if (!entry.label) errors['manual-label'] = 'Give the account a name.';
  const base32 = entry.secret.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  if (!base32) {
    errors['manual-secret'] = 'Enter the secret key the site shows under its QR code.';
  } else if (!/^[A-Z2-7]+$/.test(base32)) {
    errors['manual-secret'] = 'A base32 key has only the letters A to Z and the digits 2 to 7.';
  } else if (base32.length < 16) {
    errors['manual-secret'] = 'This key is too short: a key has at least 16 characters (80 bits).';
  }
  if (entry.kind !== 'hotp' && !(Number.isInteger(entry.period) && entry.period >= 1)) {
    errors['manual-period'] = 'The period is a whole number of seconds, at least 1.';
  }
  if (entry.kind === 'hotp' && !(Number.isSafeInteger(entry.counter) && entry.counter >= 0)) {
    errors['manual-counter'] = 'The counter is a whole number, 0 or more.';
  }
  return errors;
}

async function submitManual() {
  clearErrors(manualForm);
  const entry = readManual();
  if (!reportFieldErrors(checkManual(entry))) return;
  // The shell ignores the period of an HOTP account and the counter of a time-based one.
  if (Number.isNaN(entry.period)) entry.period = 30;
  if (Number.isNaN(entry.counter)) entry.counter = 0;
  try {
    const account = await addManual(entry);
    manualForm.reset();
    showKindFields();
    hooks.added(account, `Added ${accountName(account)}.`);
  } catch (error) {
    const field = MANUAL_FIELDS[error.field ?? ''];
    if (field) {
      setFieldError(field, error.message);
      byId(field).focus();
    } else {
      setFormError(byId('manual-error'), error.message);
    }
  }
}

/**
 * Wires the view.
 * @param {AddHooks} addHooks
 */
export function initAdd(addHooks) {
  hooks = addHooks;
  registerView('add', {
    beforeClose() {
      resetAll();
      return true;
    },
  });
  uriForm.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(/** @type {HTMLButtonElement} */ (byId('add-uri-submit')), submitUri);
  });
  fileInput.addEventListener('change', () => loadFile());
  const pasteButton = /** @type {HTMLButtonElement} */ (byId('import-clipboard'));
  pasteButton.addEventListener('click', () => {
    fileInput.value = '';
    whileBusy(pasteButton, () => loadImport(() => importClipboard()));
  });
  const screenButton = /** @type {HTMLButtonElement} */ (byId('import-screenshot'));
  screenButton.addEventListener('click', () => {
    fileInput.value = '';
    whileBusy(screenButton, () => loadImport(() => importScreenshot()));
  });
  unlockForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!passwordInput.value) {
      reportFieldErrors({ 'import-password': 'Enter the password the export was made with.' });
      return;
    }
    whileBusy(/** @type {HTMLButtonElement} */ (byId('import-unlock-submit')),
      () => preview(passwordInput.value));
  });
  applyButton.addEventListener('click', () => whileBusy(applyButton, apply));
  manualKind.addEventListener('change', showKindFields);
  manualForm.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(/** @type {HTMLButtonElement} */ (byId('manual-submit')), submitManual);
  });
}
