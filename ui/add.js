// The "Add an account" view: from an otpauth link, from a QR image or another authenticator's
// export (a file, the clipboard or the screen), or typed in by hand.
//
// Nothing typed is checked or completed here: it is sent as typed (an empty setting is core's
// default) and core decides. A refusal that names a field (`error.field`) is shown next to
// that field, any other in one line under the form. What is sent and shown is computed in
// add-state.js. Everything typed is cleared when the view closes, so a secret typed by hand
// does not stay in the page.

import {
  addManual, addUri, importApply, importCancel, importClipboard, importLimits, importLoad, importPreview,
  importScreenshot,
} from './ipc.js';
import {
  byId, clearErrors, inputById, setFieldError, setFormError, setHidden, setText, whileBusy,
} from './dom.js';
import {
  fieldsShown, fileRefusal, importedMessage, inputOf, isTransferLink, MANUAL_FIELDS, manualEntry,
  previewModel,
} from './add-state.js';
import { accountName } from './format.js';
import { registerView, showView } from './views.js';

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
/** Core's import limits, asked once (again after a failure). */
let limits = /** @type {Promise<{max_file_bytes: number}> | null} */ (null);

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
  const uri = uriInput.value;
  if (isTransferLink(uri)) {
    // Google Authenticator's transfer link holds several accounts: it goes through the import,
    // whose preview shows them before anything is added.
    uriInput.value = '';
    await loadImport(() => importLoad(new TextEncoder().encode(uri)));
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
    // The user said no to the shell's own question (the screenshot): nothing to report.
    if (error.kind !== 'cancelled') setFormError(importError, error.message);
  }
}

/** Core's import limits (import_limits), asked once. */
function importLimitsOnce() {
  limits ??= importLimits().catch((error) => {
    limits = null;
    throw error;
  });
  return limits;
}

async function loadFile() {
  const file = fileInput.files?.[0];
  if (!file) return;
  resetImport();
  let maxBytes;
  try {
    maxBytes = (await importLimitsOnce()).max_file_bytes;
  } catch (error) {
    setFormError(importError, `The file was not read: ${error.message}`);
    return;
  }
  // Refused before it is read into the page: core would refuse it anyway.
  const refusal = fileRefusal(file, maxBytes);
  if (refusal) {
    setFormError(importError, refusal);
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

/** @param {string} text */
function listItem(text) {
  const item = document.createElement('li');
  item.textContent = text;
  return item;
}

/** @param {import('./ipc.js').ImportPreview} result */
function showPreview(result) {
  const { count, summary, items, warnings, apply: applyLabel } = previewModel(result);
  setText(byId('import-summary'), summary);
  importList.replaceChildren(...items.map(listItem));
  importWarnings.replaceChildren(...warnings.map(listItem));
  setHidden(importList, count === 0);
  setHidden(importWarnings, warnings.length === 0);
  setHidden(applyButton, count === 0);
  setText(applyButton, applyLabel);
  previewBox.hidden = false;
  (count ? applyButton : byId('import-summary')).focus();
}

async function apply() {
  setFormError(importError, '');
  try {
    const { added, skipped } = await importApply(openedWith);
    resetImport();
    fileInput.value = '';
    hooks.added(null, importedMessage(added, skipped));
  } catch (error) {
    setFormError(importError, error.message);
  }
}

// By hand

/** Shows the settings the chosen type uses (the others are sent empty). */
function showKindFields() {
  const shown = fieldsShown(manualKind.value);
  for (const [field, show] of Object.entries(shown)) setHidden(byId(`manual-${field}-field`), !show);
}

/** @returns {import('./add-state.js').ManualForm} the form, as typed */
function readManual() {
  const value = (id) => /** @type {HTMLInputElement | HTMLSelectElement} */ (byId(id)).value;
  return {
    issuer: value('manual-issuer'),
    label: value('manual-label'),
    secret: value('manual-secret'),
    kind: manualKind.value,
    algorithm: value('manual-algorithm'),
    digits: value('manual-digits'),
    period: value('manual-period'),
    counter: value('manual-counter'),
  };
}

async function submitManual() {
  clearErrors(manualForm);
  try {
    const account = await addManual(manualEntry(readManual()));
    manualForm.reset();
    showKindFields();
    hooks.added(account, `Added ${accountName(account)}.`);
  } catch (error) {
    const field = inputOf(MANUAL_FIELDS, error.field);
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
      // Nothing to report if it fails: the shell drops it after 5 minutes anyway.
      importCancel().catch(() => {});
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
