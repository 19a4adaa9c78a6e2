// The "Cognito details" dialog of an account enrolled through Cognito: its pool and user, when
// it was enrolled and last proven, the clock offset, and three actions run by the shell's
// enrolment machinery (followed with enrollNextEvent, questions answered with enrollAnswer):
// a test sign-in answered with the code CogAuth makes, a re-enrolment (a new secret, after a
// confirmation), and turning MFA off for the user (after a confirmation), which removes the
// account. What it shows is decided in cognito-state.js.
//
// The password stays in its field only while the dialog is open. Closing the dialog while an
// action runs cancels it.

import {
  cognitoDisableMfa, cognitoProve, cognitoReenroll, enrollAnswer, enrollCancel, enrollNextEvent,
} from './ipc.js';
import {
  byId, clearErrors, inputById, setFieldError, setFormError, setHidden, setText, whileBusy,
} from './dom.js';
import { accountName, errorWords } from './format.js';
import {
  actionsFor, detailRows, disableConfirmText, outcomeText, reenrollConfirmText,
} from './cognito-state.js';

const dialog = /** @type {HTMLDialogElement} */ (byId('cognito-dialog'));
const form = /** @type {HTMLFormElement} */ (byId('cognito-form'));
const details = byId('cognito-details');
const password = inputById('cognito-password');
const passwordField = byId('cognito-password-field');
const confirmText = byId('cognito-confirm');
const promptField = byId('cognito-prompt-field');
const promptLabel = byId('cognito-prompt-label');
const promptInput = inputById('cognito-prompt-input');
const promptSubmit = /** @type {HTMLButtonElement} */ (byId('cognito-prompt-submit'));
const note = byId('cognito-note');
const result = byId('cognito-result');
const error = byId('cognito-error');
const proveButton = /** @type {HTMLButtonElement} */ (byId('cognito-prove'));
const disableButton = /** @type {HTMLButtonElement} */ (byId('cognito-disable'));
const disableConfirm = /** @type {HTMLButtonElement} */ (byId('cognito-disable-confirm'));
const reenrollButton = /** @type {HTMLButtonElement} */ (byId('cognito-reenroll'));
const reenrollConfirm = /** @type {HTMLButtonElement} */ (byId('cognito-reenroll-confirm'));
/** Each action's shell command and what the dialog says while it runs. */
const ACTIONS = {
  prove: { start: cognitoProve, running: 'Signing in…' },
  reenroll: { start: cognitoReenroll, running: 'Re-enrolling…' },
  disable: { start: cognitoDisableMfa, running: 'Turning MFA off…' },
};

/**
 * @typedef {object} CognitoHooks
 * @property {() => Promise<void>} refresh  Reloads the list.
 * @property {(id: string) => import('./ipc.js').AccountRow | null} account  The list's row.
 */

/** The account shown, and how to reach the list. */
let shown = /** @type {{account: import('./ipc.js').AccountRow, hooks: CognitoHooks} | null} */ (null);
/** Whether an action runs (closing the dialog cancels it). */
let running = false;

/**
 * Opens the dialog for a Cognito account.
 * @param {import('./ipc.js').AccountRow} account
 * @param {CognitoHooks} hooks
 */
export function showCognitoDetails(account, hooks) {
  shown = { account, hooks };
  setText(byId('cognito-title'), `Cognito details: ${accountName(account)}`);
  showDetails(account);
  reset();
  dialog.showModal();
  if (actionsFor(account).prove) password.focus();
  else byId('cognito-close').focus();
}

/** @param {import('./ipc.js').AccountRow} account */
function showDetails(account) {
  details.replaceChildren(...detailRows(account).flatMap(([term, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    return [dt, dd];
  }));
}

/** The dialog as it opens: the actions the account allows, nothing typed, nothing said. */
function reset() {
  const actions = shown ? actionsFor(shown.account) : { prove: false, reenroll: false, disable: false };
  clearErrors(form);
  password.value = '';
  promptInput.value = '';
  setHidden(passwordField, !actions.prove);
  setHidden(proveButton, !actions.prove);
  setHidden(disableButton, !actions.disable);
  setHidden(disableConfirm, true);
  setHidden(reenrollButton, !actions.reenroll);
  setHidden(reenrollConfirm, true);
  setHidden(confirmText, true);
  setHidden(promptField, true);
  setHidden(promptSubmit, true);
  setHidden(result, true);
  setText(note, '');
  setFormError(error, '');
}

/**
 * After "Turn off MFA…" or "Re-enrol…": what happens, then the password and the button that
 * does it.
 * @param {"disable" | "reenroll"} action
 */
function askToConfirm(action) {
  if (!shown) return;
  setText(confirmText, action === 'disable' ? disableConfirmText(shown.account) : reenrollConfirmText(shown.account));
  setHidden(confirmText, false);
  for (const element of [disableButton, reenrollButton, proveButton]) setHidden(element, true);
  setHidden(action === 'disable' ? disableConfirm : reenrollConfirm, false);
  setHidden(result, true);
  setFormError(error, '');
  password.focus();
}

/**
 * Runs an action through the shell and follows it until it ends.
 * @param {"prove" | "reenroll" | "disable"} action
 */
async function run(action) {
  if (!shown || running) return;
  const { account, hooks } = shown;
  clearErrors(form);
  setHidden(result, true);
  setFormError(error, '');
  const request = { id: account.id, password: password.value };
  try {
    await ACTIONS[action].start(request);
  } catch (failure) {
    setFormError(error, errorWords(failure).text);
    return;
  }
  running = true;
  setText(note, ACTIONS[action].running);
  /** @type {import('./ipc.js').EnrollEvent} */
  let last;
  for (;;) {
    try {
      last = await enrollNextEvent();
    } catch (failure) {
      last = { type: 'failed', error: failure, resumable: false, account_id: null };
    }
    if (last.type === 'done' || last.type === 'failed') break;
    if (last.type === 'prompt') {
      askPrompt(last);
    } else if (last.type === 'note' || last.type === 'step' || last.type === 'warning') {
      setText(note, last.text);
    }
  }
  running = false;
  setText(note, '');
  setHidden(promptField, true);
  setHidden(promptSubmit, true);
  const outcome = outcomeText(action, last);
  if (outcome.ok) {
    password.value = '';
    setText(result, outcome.text);
    setHidden(result, false);
  } else if (last.type === 'failed' && last.error.kind === 'wrong_password') {
    setFieldError('cognito-password', outcome.text);
    password.focus();
  } else {
    setFormError(error, outcome.text);
  }
  await hooks.refresh();
  if (!dialog.open || shown?.account.id !== account.id) return;
  if (outcome.ok && action === 'disable') {
    // The account is gone: only Close remains.
    for (const element of [passwordField, confirmText, disableConfirm, proveButton, disableButton, reenrollButton]) {
      setHidden(element, true);
    }
    byId('cognito-close').focus();
    return;
  }
  const updated = hooks.account(account.id);
  if (updated) {
    shown = { account: updated, hooks };
    showDetails(updated);
  }
  if (outcome.ok && action === 'reenroll') {
    // Done: the dialog offers its actions again.
    const actions = actionsFor(shown.account);
    setHidden(confirmText, true);
    setHidden(reenrollConfirm, true);
    setHidden(proveButton, !actions.prove);
    setHidden(reenrollButton, !actions.reenroll);
    setHidden(disableButton, !actions.disable);
  }
}

/**
 * Shows a question the flow asks (the app client's secret, a new password, …).
 * @param {{prompt: string, text: string, secret: boolean}} question
 */
function askPrompt(question) {
  setText(promptLabel, question.text);
  promptInput.type = question.secret ? 'password' : 'text';
  promptInput.value = '';
  setHidden(promptField, false);
  setHidden(promptSubmit, false);
  promptInput.focus();
}

async function answerPrompt() {
  const value = promptInput.value;
  try {
    await enrollAnswer(value);
    promptInput.value = '';
    setHidden(promptField, true);
    setHidden(promptSubmit, true);
  } catch (failure) {
    setFieldError('cognito-prompt-input', errorWords(failure).text);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!promptField.hidden) {
    whileBusy(promptSubmit, answerPrompt);
  } else if (!disableConfirm.hidden) {
    whileBusy(disableConfirm, () => run('disable'));
  } else if (!reenrollConfirm.hidden) {
    whileBusy(reenrollConfirm, () => run('reenroll'));
  } else if (!proveButton.hidden) {
    whileBusy(proveButton, () => run('prove'));
  }
});
disableButton.addEventListener('click', () => askToConfirm('disable'));
disableConfirm.addEventListener('click', () => whileBusy(disableConfirm, () => run('disable')));
reenrollButton.addEventListener('click', () => askToConfirm('reenroll'));
reenrollConfirm.addEventListener('click', () => whileBusy(reenrollConfirm, () => run('reenroll')));
promptSubmit.addEventListener('click', () => whileBusy(promptSubmit, answerPrompt));
byId('cognito-close').addEventListener('click', () => dialog.close());

dialog.addEventListener('close', () => {
  if (running) enrollCancel().catch(() => {});
  password.value = '';
  promptInput.value = '';
  shown = null;
});
