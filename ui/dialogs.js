// The modal dialogs of an account: rename, delete confirmation, and "show for another device".
//
// They are <dialog> elements opened with showModal(), so the browser traps focus in them and
// Esc closes them. The reveal dialog is the one place a secret reaches the DOM, on the user's
// explicit request; its QR image and link are removed again as soon as it closes.

import { copyRevealedUri, revealAccount, renameAccount } from './ipc.js';
import {
  byId, clearErrors, inputById, setFieldError, setFormError, setText, whileBusy,
} from './dom.js';
import { accountName, errorWords } from './format.js';

const renameDialog = /** @type {HTMLDialogElement} */ (byId('rename-dialog'));
const renameForm = /** @type {HTMLFormElement} */ (byId('rename-form'));
const renameIssuer = inputById('rename-issuer');
const renameLabel = inputById('rename-label');
const renameError = byId('rename-error');
const renameSave = /** @type {HTMLButtonElement} */ (byId('rename-save'));

const deleteDialog = /** @type {HTMLDialogElement} */ (byId('delete-dialog'));

const revealDialog = /** @type {HTMLDialogElement} */ (byId('reveal-dialog'));
const revealQr = /** @type {HTMLImageElement} */ (byId('reveal-qr'));
const revealUri = inputById('reveal-uri');
const revealError = byId('reveal-error');
const revealCopy = /** @type {HTMLButtonElement} */ (byId('reveal-copy'));
const revealCopied = byId('reveal-copied');
/** The account whose link the dialog shows. */
let revealId = '';

/** The account being renamed, and how to tell the caller the outcome. */
let renaming = /** @type {{id: string, resolve: (saved: boolean) => void} | null} */ (null);
let renamed = false;
/** Bumped on every reveal, so an answer arriving after the dialog closed is dropped. */
let revealToken = 0;

/**
 * Asks for a new issuer and label and saves them.
 * @param {import('./ipc.js').AccountRow} account
 * @returns {Promise<boolean>} whether the account was renamed
 */
export function renameDialogFor(account) {
  clearErrors(renameForm);
  renameIssuer.value = account.issuer;
  renameLabel.value = account.label;
  setText(byId('rename-title'), `Rename ${accountName(account)}`);
  renamed = false;
  return new Promise((resolve) => {
    renaming = { id: account.id, resolve };
    renameDialog.showModal();
    renameLabel.focus();
    renameLabel.select();
  });
}

renameForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!renaming) return;
  const { id } = renaming;
  clearErrors(renameForm);
  // Sent as typed: core trims and checks the names, and says which one it refuses.
  const issuer = renameIssuer.value;
  const label = renameLabel.value;
  whileBusy(renameSave, async () => {
    try {
      await renameAccount(id, issuer, label);
      renamed = true;
      renameDialog.close();
    } catch (error) {
      const field = { issuer: 'rename-issuer', label: 'rename-label' }[error.field ?? ''];
      if (field) {
        setFieldError(field, errorWords(error).text);
        byId(field).focus();
      } else {
        setFormError(renameError, errorWords(error).text);
      }
    }
  });
});

byId('rename-cancel').addEventListener('click', () => renameDialog.close());

renameDialog.addEventListener('close', () => {
  renaming?.resolve(renamed);
  renaming = null;
});

/**
 * Asks whether to delete the account.
 * @param {import('./ipc.js').AccountRow} account
 * @returns {Promise<boolean>} whether the user confirmed
 */
export function confirmDelete(account) {
  setText(byId('delete-text'), `${accountName(account)} will be removed from CogAuth and from `
    + 'the keychain. Unless you set it up elsewhere, you will no longer be able to sign in '
    + 'where it is needed. You can undo this for a few seconds.');
  // Esc leaves returnValue as it was: start from "not confirmed".
  deleteDialog.returnValue = '';
  return new Promise((resolve) => {
    deleteDialog.addEventListener('close', () => resolve(deleteDialog.returnValue === 'delete'),
      { once: true });
    deleteDialog.showModal();
  });
}

/**
 * Shows an account's QR code and otpauth link, for setting it up on another device.
 * @param {string} id
 * @param {string} name  Shown in the QR image's description.
 */
export async function showReveal(id, name) {
  const token = ++revealToken;
  clearReveal();
  revealDialog.showModal();
  try {
    const { uri, qr_svg: svg } = await revealAccount(id);
    if (token !== revealToken || !revealDialog.open) return;
    revealQr.alt = `QR code for ${name}`;
    // As an image, the SVG cannot run script or reach the page; the CSP allows img data:.
    revealQr.src = `data:image/svg+xml;base64,${base64(svg)}`;
    revealQr.hidden = false;
    revealUri.value = uri;
    revealId = id;
    revealCopy.hidden = false;
  } catch (error) {
    if (token !== revealToken) return;
    // The user said no in the shell's own dialog: nothing is shown.
    if (error.kind === 'cancelled') {
      revealDialog.close();
    } else {
      setFormError(revealError, errorWords(error).text);
    }
  }
}

/** Takes the secret out of the DOM again. */
function clearReveal() {
  revealQr.hidden = true;
  revealQr.removeAttribute('src');
  revealQr.alt = '';
  revealUri.value = '';
  revealId = '';
  revealCopy.hidden = true;
  revealCopied.hidden = true;
  setFormError(revealError, '');
}

revealDialog.addEventListener('close', () => {
  revealToken += 1;
  clearReveal();
});

revealUri.addEventListener('focus', () => revealUri.select());

// Copied by the shell, not the page: marked as a password and cleared like a code.
revealCopy.addEventListener('click', () => whileBusy(revealCopy, async () => {
  try {
    const { clear_after_seconds: seconds } = await copyRevealedUri(revealId);
    setText(revealCopied, `Link copied; the clipboard is cleared in ${seconds} s.`);
    revealCopied.hidden = false;
  } catch (error) {
    setFormError(revealError, errorWords(error).text);
  }
}));

/**
 * Base64 of a string's UTF-8 bytes (btoa alone only takes Latin-1).
 * @param {string} text
 */
function base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return window.btoa(binary);
}
