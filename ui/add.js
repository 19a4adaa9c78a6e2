// The "Add an account" view: from an otpauth link, from a QR image or another authenticator's
// export (a file, the clipboard or the screen), or typed in by hand.
//
// Nothing typed is checked or completed here: it is sent as typed (an empty setting is core's
// default) and core decides. A refusal that names a field (`error.field`) is shown next to
// that field, any other in one line under the form, in words for people (format.js's WORDS);
// a message goes away when the field it is about changes. A duplicate name offers "Show it"
// (the account that has it). The rare settings are under "Advanced". A file is picked in the
// shell's native dialog (import_pick). What is sent and shown is computed in add-state.js. Everything typed is cleared when the view closes, so a secret typed by hand
// does not stay in the page.

import {
  addManual, addUri, importApply, importCancel, importClipboard, importFormats, importLoad, importPick,
  importPreview, importScreenshot,
} from './ipc.js';
import {
  byId, clearErrors, inputById, setFieldError, setFormError, setHidden, setText, whileBusy,
} from './dom.js';
import {
  fieldsShown, formatLines, importedMessage, isTransferLink, manualEntry, manualRefusal, previewModel,
} from './add-state.js';
import { accountName, errorWords } from './format.js';
import { registerView, showView } from './views.js';

const uriForm = /** @type {HTMLFormElement} */ (byId('add-uri-form'));
const uriInput = inputById('add-uri-input');
const fileButton = /** @type {HTMLButtonElement} */ (byId('import-file'));
const uriShow = /** @type {HTMLButtonElement} */ (byId('add-uri-show'));
const manualShow = /** @type {HTMLButtonElement} */ (byId('manual-show'));
const manualAdvanced = /** @type {HTMLDetailsElement} */ (byId('manual-advanced'));
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
 * @property {(account: import('./ipc.js').AccountName) => void} show
 *   "Show it": back to the list with this (existing) account focused.
 */

/** @type {AddHooks} */
let hooks;
/** The password that opened the loaded export (null when it is not encrypted). */
let openedWith = /** @type {string | null} */ (null);
/** The account each "Show it" button shows. */
const showing = new Map();

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
  offerShow(uriShow, null);
  offerShow(manualShow, null);
  manualAdvanced.open = false;
  resetImport();
}

/**
 * Shows or hides a "Show it" button for the account a refusal is about.
 * @param {HTMLButtonElement} button
 * @param {import('./ipc.js').AccountName | null} account
 */
function offerShow(button, account) {
  showing.set(button, account);
  setHidden(button, !account);
  if (account) button.setAttribute('aria-label', `Show ${accountName(account)}`);
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
    const { text, show } = errorWords(error);
    setFieldError('add-uri-input', text);
    offerShow(uriShow, show);
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
    // The user said no to the shell's own question (the screenshot), or closed the file
    // dialog: nothing to report.
    if (error.kind !== 'cancelled') setFormError(importError, errorWords(error).text);
  }
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
      askPassword(errorWords(error).text);
    } else {
      setFormError(importError, errorWords(error).text);
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
  const { count, summary, items, warnings, dropped, apply: applyLabel } = previewModel(result);
  setText(byId('import-summary'), summary);
  importList.replaceChildren(...items.map(listItem));
  importWarnings.replaceChildren(...warnings.map(listItem));
  setHidden(importList, count === 0);
  setHidden(importWarnings, warnings.length === 0);
  setText(byId('import-dropped'), dropped);
  setHidden(byId('import-dropped'), !dropped);
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
    hooks.added(null, importedMessage(added, skipped));
  } catch (error) {
    setFormError(importError, errorWords(error).text);
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
  offerShow(manualShow, null);
  try {
    const account = await addManual(manualEntry(readManual()));
    manualForm.reset();
    showKindFields();
    manualAdvanced.open = false;
    hooks.added(account, `Added ${accountName(account)}.`);
  } catch (error) {
    const { input, text, openAdvanced, show } = manualRefusal(error);
    if (openAdvanced) manualAdvanced.open = true;
    offerShow(manualShow, show);
    if (input) {
      setFieldError(input, text);
      byId(input).focus();
    } else {
      setFormError(byId('manual-error'), text);
    }
  }
}

/**
 * A changed input's message goes, and so does the form's line (both were about what was
 * typed before).
 * @param {HTMLFormElement} form
 * @param {string} formErrorId
 * @param {HTMLButtonElement} show
 */
function clearOnChange(form, formErrorId, show) {
  const clear = (/** @type {Event} */ event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.id && target.getAttribute('aria-invalid')) setFieldError(target.id, '');
    setFormError(byId(formErrorId), '');
    offerShow(show, null);
  };
  form.addEventListener('input', clear);
  form.addEventListener('change', clear);
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
  fileButton.addEventListener('click', () => whileBusy(fileButton, () => loadImport(() => importPick())));
  const pasteButton = /** @type {HTMLButtonElement} */ (byId('import-clipboard'));
  pasteButton.addEventListener('click', () => {
    whileBusy(pasteButton, () => loadImport(() => importClipboard()));
  });
  const screenButton = /** @type {HTMLButtonElement} */ (byId('import-screenshot'));
  screenButton.addEventListener('click', () => {
    whileBusy(screenButton, () => loadImport(() => importScreenshot()));
  });
  for (const button of [uriShow, manualShow]) {
    button.addEventListener('click', () => {
      const account = showing.get(button);
      if (account) hooks.show(account);
    });
  }
  const formatList = byId('import-formats');
  // Asked for when first opened: nothing at startup for a list few people read.
  formatList.parentElement?.addEventListener('toggle', () => {
    if (formatList.childElementCount) return;
    importFormats().then((formats) => formatList.replaceChildren(...formatLines(formats).map(listItem)))
      .catch(() => {});
  });
  clearOnChange(manualForm, 'manual-error', manualShow);
  clearOnChange(uriForm, 'add-uri-input-error', uriShow);
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
