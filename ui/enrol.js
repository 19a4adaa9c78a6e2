// The Cognito enrolment wizard: the user pool (step 1), the user (step 2), then the live steps
// of the enrolment as the shell reports them, with a form whenever Cognito asks for something
// (a new password, a code sent by SMS or e-mail, the app client's secret).
//
// The shell runs the enrolment. This view starts it (enroll_start, or enroll_resume for a
// pending account), then waits for its events one at a time (enroll_next_event, a long poll)
// until "done" or "failed". The password stays in its field while the view is open, so that
// "Resume" after a failure can use it again; it is cleared when the view closes. Going back
// (Esc, the Back button) while an enrolment runs cancels it first, and the view stays to show
// how it ended; another view cannot be opened meanwhile.

import {
  enrollAnswer, enrollCancel, enrollDefaults, enrollNextEvent, enrollResume, enrollStart,
} from './ipc.js';
import {
  accountName, announce, byId, clearErrors, inputById, reportFieldErrors, setFieldError,
  setFormError, setHidden, setText, whileBusy,
} from './dom.js';
import { showReveal } from './dialogs.js';
import { registerView, showView, closeView } from './views.js';

/** The issuer a new Cognito account gets unless the user types another. */
const DEFAULT_ISSUER = 'Cognito';

/** What each prompt of the shell asks for. */
const PROMPTS = {
  new_password: {
    title: 'Cognito asks for a new password for this user.',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    inputMode: 'text',
  },
  mfa_code: {
    title: 'Cognito sent a code by SMS or e-mail.',
    label: 'Code sent by SMS/e-mail',
    type: 'text',
    autocomplete: 'one-time-code',
    inputMode: 'numeric',
  },
  client_secret: {
    title: 'This app client has a secret, and Cognito needs it.',
    label: 'App client secret',
    type: 'password',
    autocomplete: 'off',
    inputMode: 'text',
  },
};

/** Where the code of an mfa_code prompt was sent, by Cognito challenge name. */
const CODE_SENT_BY = { SMS_MFA: 'by SMS', EMAIL_OTP: 'by e-mail' };

const el = {
  title: byId('enrol-title'),
  demo: byId('wiz-demo'),
  poolForm: /** @type {HTMLFormElement} */ (byId('wiz-pool-form')),
  poolsField: byId('wiz-pools-field'),
  pools: /** @type {HTMLSelectElement} */ (byId('wiz-pools')),
  region: inputById('wiz-region'),
  pool: inputById('wiz-pool'),
  client: inputById('wiz-client'),
  clientSecret: inputById('wiz-client-secret'),
  clientSecretNeed: byId('wiz-client-secret-need'),
  endpoint: inputById('wiz-endpoint'),
  defaultsError: byId('wiz-defaults-error'),
  userForm: /** @type {HTMLFormElement} */ (byId('wiz-user-form')),
  userTitle: byId('wiz-user-title'),
  resumeSummary: byId('wiz-resume-summary'),
  username: inputById('wiz-username'),
  password: inputById('wiz-password'),
  resumeSecretField: byId('wiz-resume-secret-field'),
  resumeSecret: inputById('wiz-resume-secret'),
  issuer: inputById('wiz-issuer'),
  label: inputById('wiz-label'),
  flow: /** @type {HTMLSelectElement} */ (byId('wiz-flow')),
  prove: inputById('wiz-prove'),
  startError: byId('wiz-start-error'),
  back: /** @type {HTMLButtonElement} */ (byId('wiz-back')),
  start: /** @type {HTMLButtonElement} */ (byId('wiz-start')),
  run: byId('wiz-run'),
  runTitle: byId('wiz-run-title'),
  steps: byId('wiz-steps'),
  warnings: byId('wiz-warnings'),
  prompt: /** @type {HTMLFormElement} */ (byId('wiz-prompt')),
  promptTitle: byId('wiz-prompt-title'),
  promptLabel: byId('wiz-prompt-label'),
  promptInput: inputById('wiz-prompt-input'),
  promptConfirmField: byId('wiz-prompt-confirm-field'),
  promptConfirm: inputById('wiz-prompt-confirm'),
  promptSubmit: /** @type {HTMLButtonElement} */ (byId('wiz-prompt-submit')),
  cancel: /** @type {HTMLButtonElement} */ (byId('wiz-cancel')),
  failed: byId('wiz-failed'),
  error: byId('wiz-error'),
  retry: byId('wiz-retry'),
  resume: /** @type {HTMLButtonElement} */ (byId('wiz-resume')),
  result: byId('wiz-result'),
  resultMessage: byId('wiz-result-message'),
};

/**
 * @typedef {object} EnrolHooks
 * @property {() => void} changed          An account was added or changed: refresh the list.
 * @property {(id: string) => void} focus  Back on the list: focus this account.
 */

/** @type {EnrolHooks} */
let hooks;
/** @type {import('./ipc.js').EnrollDefaults} */
let defaults = { pools: [], demo: null };
/** The pending account being finished (resume mode), or null for a new enrolment. */
let resuming = /** @type {import('./ipc.js').AccountRow | null} */ (null);
/** Whether an enrolment runs in the shell. */
let running = false;
/** Bumped for every run, so that the events of a run the view gave up on are dropped. */
let run = 0;
/** The account a failed run left pending, which "Resume" continues. */
let resumableId = /** @type {string | null} */ (null);
/** The account of the last "done". */
let enrolled = /** @type {import('./ipc.js').AccountName | null} */ (null);
/** What the open prompt asks for. */
let prompt = /** @type {keyof PROMPTS | null} */ (null);
/** A new password sent to Cognito; it replaces the typed one once a sign-in step succeeds. */
let newPassword = '';
/** Whether the user typed a label of their own (otherwise it follows the username). */
let labelEdited = false;
/** Whether the chosen remembered pool's client has a secret (then it is required). */
let secretRequired = false;

// Opening

/** Opens the wizard for a new enrolment (or shows the one running). */
export async function openEnrol() {
  if (running) {
    showView('enrol', el.runTitle);
    return;
  }
  resuming = null;
  resetWizard();
  await loadDefaults();
  const demo = defaults.demo;
  if (demo) {
    el.region.value = demo.region;
    el.pool.value = demo.user_pool_id;
    el.client.value = demo.client_id;
    el.endpoint.value = demo.endpoint;
    el.username.value = demo.username;
    el.password.value = demo.password;
    el.label.value = demo.username;
  }
  showMode();
  showStep('pool');
  showView('enrol', el.poolsField.hidden ? el.region : el.pools);
}

/**
 * Opens the wizard to finish a pending account's enrolment: only the password is asked.
 * @param {import('./ipc.js').AccountRow} account
 */
export async function openResume(account) {
  if (running) {
    showView('enrol', el.runTitle);
    return;
  }
  resuming = account;
  resetWizard();
  await loadDefaults();
  const link = account.cognito;
  if (link) {
    setText(el.resumeSummary, `Finish enrolling ${link.username} (${accountName(account)}) in `
      + `the user pool ${link.user_pool_id}, ${link.region}.`);
    const pool = defaults.pools.find(
      (known) => known.region === link.region && known.user_pool_id === link.user_pool_id);
    // A remembered pool says whether its client has a secret; otherwise offer the field.
    setHidden(el.resumeSecretField, pool ? !pool.has_client_secret : false);
    if (defaults.demo && defaults.demo.username === link.username
        && defaults.demo.user_pool_id === link.user_pool_id) {
      el.password.value = defaults.demo.password;
    }
  }
  showMode();
  showStep('user');
  showView('enrol', el.password);
}

async function loadDefaults() {
  try {
    defaults = await enrollDefaults();
  } catch (error) {
    defaults = { pools: [], demo: null };
    setFormError(el.defaultsError, `Remembered pools are not available: ${error.message}`);
  }
  el.pools.replaceChildren(
    new Option('Another pool', ''),
    ...defaults.pools.map((pool, index) => new Option(`${pool.user_pool_id} (${pool.region})`, String(index))),
  );
  setHidden(el.poolsField, defaults.pools.length === 0);
  setHidden(el.demo, !defaults.demo);
}

/** Empties every form and the step list. */
function resetWizard() {
  el.poolForm.reset();
  el.userForm.reset();
  el.prompt.reset();
  clearErrors(el.poolForm);
  clearErrors(el.userForm);
  el.issuer.value = DEFAULT_ISSUER;
  labelEdited = false;
  secretRequired = false;
  setText(el.clientSecretNeed, '(only if the client has one)');
  setHidden(el.resumeSecretField, true);
  resumableId = null;
  enrolled = null;
  newPassword = '';
  hidePrompt();
  el.failed.hidden = true;
  el.result.hidden = true;
}

/** Shows what belongs to a new enrolment or to resuming one. */
function showMode() {
  const resume = Boolean(resuming);
  setText(el.title, resume ? 'Finish enrolment' : 'Enrol a Cognito account');
  setText(el.userTitle, resume ? 'Your password' : 'Step 2 of 2: your user');
  for (const part of el.userForm.querySelectorAll('.wiz-new-only')) {
    /** @type {HTMLElement} */ (part).hidden = resume;
  }
  setHidden(el.resumeSummary, !resume);
  setHidden(el.back, resume);
}

/** @param {"pool" | "user" | "run"} step */
function showStep(step) {
  setHidden(el.poolForm, step !== 'pool');
  setHidden(el.userForm, step !== 'user');
  setHidden(el.run, step !== 'run');
}

// Step 1: the pool

function chooseRememberedPool() {
  const pool = defaults.pools[Number(el.pools.value)];
  if (!el.pools.value || !pool) return;
  el.region.value = pool.region;
  el.pool.value = pool.user_pool_id;
  el.client.value = pool.client_id;
  el.endpoint.value = pool.endpoint ?? '';
  el.clientSecret.value = '';
  secretRequired = pool.has_client_secret;
  setText(el.clientSecretNeed, secretRequired ? '(this client has one: required)' : '(only if the client has one)');
}

/** @returns {Record<string, string>} input id → message */
function checkPool() {
  /** @type {Record<string, string>} */
  const errors = {};
  if (!/^[a-z]{2,}(-[a-z]+)+-\d+$/.test(el.region.value.trim())) {
    errors['wiz-region'] = 'A region looks like eu-west-1.';
  }
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(el.pool.value.trim())) {
    errors['wiz-pool'] = 'A user pool ID looks like eu-west-1_AbCdEf123.';
  }
  if (!/^[\w+]+$/.test(el.client.value.trim())) {
    errors['wiz-client'] = 'An app client ID has only letters, digits, _ and +.';
  }
  if (secretRequired && !el.clientSecret.value) {
    errors['wiz-client-secret'] = 'This app client has a secret: enter it.';
  }
  const endpoint = el.endpoint.value.trim();
  if (endpoint && !isHttpUrl(endpoint)) {
    errors['wiz-endpoint'] = 'Enter a full http:// or https:// address, or leave this empty.';
  }
  return errors;
}

/** @param {string} text */
function isHttpUrl(text) {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function toUserStep() {
  clearErrors(el.poolForm);
  if (!reportFieldErrors(checkPool())) return;
  showStep('user');
  const first = [el.username, el.password].find((input) => !input.value);
  (first ?? el.start).focus();
}

// Step 2: the user, and the start

/** @returns {Record<string, string>} input id → message */
function checkUser() {
  /** @type {Record<string, string>} */
  const errors = {};
  if (!resuming && !el.username.value.trim()) errors['wiz-username'] = 'Enter the username.';
  if (!el.password.value) errors['wiz-password'] = 'Enter the password of this user.';
  return errors;
}

async function start() {
  clearErrors(el.userForm);
  if (!reportFieldErrors(checkUser())) return;
  const flow = /** @type {"srp"|"password"} */ (el.flow.value);
  const prove = el.prove.checked;
  const username = el.username.value.trim();
  try {
    if (resuming) {
      await enrollResume({
        id: resuming.id,
        password: el.password.value,
        client_secret: el.resumeSecret.value || null,
        flow,
        prove,
      });
    } else {
      await enrollStart({
        region: el.region.value.trim(),
        user_pool_id: el.pool.value.trim(),
        client_id: el.client.value.trim(),
        client_secret: el.clientSecret.value || null,
        endpoint: el.endpoint.value.trim() || null,
        username,
        password: el.password.value,
        flow,
        issuer: el.issuer.value.trim() || DEFAULT_ISSUER,
        label: el.label.value.trim() || username,
        prove,
      });
    }
  } catch (error) {
    // Refused before it began (bad settings, one already running): say so on the form.
    setFormError(el.startError, error.message);
    el.start.focus();
    return;
  }
  follow(prove, Boolean(resuming));
}

/** "Resume" after a failure: the same password and options, for the account left pending. */
async function resumeAfterFailure() {
  if (!resumableId) return;
  const prove = el.prove.checked;
  try {
    await enrollResume({
      id: resumableId,
      password: el.password.value,
      client_secret: (resuming ? el.resumeSecret.value : el.clientSecret.value) || null,
      flow: /** @type {"srp"|"password"} */ (el.flow.value),
      prove,
    });
  } catch (error) {
    setFormError(el.error, error.message);
    return;
  }
  follow(prove, true);
}

// The run

/**
 * Shows the step list and follows the shell's events until the enrolment ends.
 * @param {boolean} prove    Whether a test sign-in ends it.
 * @param {boolean} resumed  Whether it continues a pending account (its secret is stored).
 */
async function follow(prove, resumed) {
  const token = ++run;
  running = true;
  resetSteps(prove, resumed);
  showStep('run');
  el.runTitle.focus();
  // "done" and "failed" end the run (running turns false); so does a newer run.
  while (token === run && running) {
    let event;
    try {
      event = await enrollNextEvent();
    } catch (error) {
      if (token === run) failed(error, false, null);
      return;
    }
    if (token !== run) return;
    onEvent(event);
  }
}

/** @param {import('./ipc.js').EnrollEvent} event */
function onEvent(event) {
  switch (event.type) {
    case 'step':
      stepDone(event.step, event.text);
      break;
    case 'warning': {
      const item = document.createElement('li');
      item.textContent = event.text;
      el.warnings.append(item);
      announce(event.text);
      break;
    }
    case 'prompt':
      showPrompt(event.prompt, event.challenge);
      break;
    case 'done':
      succeeded(event.account);
      break;
    case 'failed':
      failed(event.error, event.resumable, event.account_id);
      break;
    default:
      // An event this page does not know (a newer shell) changes nothing here.
      break;
  }
}

/**
 * @param {boolean} prove
 * @param {boolean} resumed
 */
function resetSteps(prove, resumed) {
  for (const item of stepItems()) {
    item.classList.remove('done', 'current', 'stopped');
    setText(/** @type {Element} */ (item.querySelector('.step-state')), '');
    setText(/** @type {Element} */ (item.querySelector('.step-detail')), '');
  }
  stepItem('respond').hidden = true;
  stepItem('signin-test').hidden = !prove;
  if (resumed) {
    // A pending account got its secret and stored it in the run that left it pending.
    for (const name of ['associate', 'store']) markDone(stepItem(name), 'Earlier');
  }
  markCurrent();
  setText(el.runTitle, 'Enrolling…');
  el.warnings.replaceChildren();
  hidePrompt();
  el.failed.hidden = true;
  el.result.hidden = true;
  el.cancel.hidden = false;
}

/** @returns {HTMLLIElement[]} */
function stepItems() {
  return /** @type {HTMLLIElement[]} */ ([...el.steps.children]);
}

/**
 * The list item of a step, added at the end for a step this page does not know.
 * @param {string} name
 * @returns {HTMLLIElement}
 */
function stepItem(name) {
  const known = stepItems().find((item) => item.dataset.step === name);
  if (known) return known;
  const item = /** @type {HTMLLIElement} */ (stepItems()[0].cloneNode(true));
  item.dataset.step = name;
  item.classList.remove('done', 'current', 'stopped');
  setText(/** @type {Element} */ (item.querySelector('.step-name')), name);
  el.steps.append(item);
  return item;
}

/**
 * @param {HTMLLIElement} item
 * @param {string} detail
 */
function markDone(item, detail) {
  item.hidden = false;
  item.classList.remove('current');
  item.classList.add('done');
  setText(/** @type {Element} */ (item.querySelector('.step-state')), 'done');
  const name = item.querySelector('.step-name')?.textContent ?? '';
  setText(/** @type {Element} */ (item.querySelector('.step-detail')), detail === name ? '' : detail);
}

/** Marks the first shown step that is not done as the one in progress. */
function markCurrent() {
  let found = false;
  for (const item of stepItems()) {
    const current = !found && !item.hidden && !item.classList.contains('done');
    found ||= current;
    item.classList.toggle('current', current);
    if (!item.classList.contains('done')) {
      setText(/** @type {Element} */ (item.querySelector('.step-state')), current ? 'in progress' : '');
    }
  }
}

/**
 * Ends the step list: the step that was in progress is marked stopped, or (on success, where
 * the shell did not report every step) left plain.
 * @param {boolean} stopped
 */
function settleSteps(stopped) {
  for (const item of stepItems()) {
    if (!item.classList.contains('current')) continue;
    item.classList.remove('current');
    item.classList.toggle('stopped', stopped);
    setText(/** @type {Element} */ (item.querySelector('.step-state')), stopped ? 'stopped' : '');
  }
}

/**
 * @param {string} name
 * @param {string} text
 */
function stepDone(name, text) {
  if (newPassword && (name === 'signin' || name === 'respond')) {
    // Cognito took the new password: from now on it is the user's password (for "Resume").
    el.password.value = newPassword;
    newPassword = '';
  }
  markDone(stepItem(name), text);
  markCurrent();
  announce(text || name);
}

/**
 * @param {keyof PROMPTS} kind
 * @param {string | null} challenge
 */
function showPrompt(kind, challenge) {
  const texts = PROMPTS[kind];
  if (!texts) return;
  prompt = kind;
  el.prompt.reset();
  clearErrors(el.prompt);
  const sentBy = CODE_SENT_BY[challenge ?? ''];
  setText(el.promptTitle, kind === 'mfa_code' && sentBy ? `Cognito sent a code ${sentBy}.` : texts.title);
  setText(el.promptLabel, texts.label);
  el.promptInput.type = texts.type;
  el.promptInput.autocomplete = texts.autocomplete;
  el.promptInput.inputMode = texts.inputMode;
  setHidden(el.promptConfirmField, kind !== 'new_password');
  el.prompt.hidden = false;
  el.promptInput.focus();
  announce(texts.title);
}

function hidePrompt() {
  prompt = null;
  el.prompt.reset();
  el.prompt.hidden = true;
}

async function answerPrompt() {
  const kind = prompt;
  if (!kind) return;
  clearErrors(el.prompt);
  const value = kind === 'mfa_code' ? el.promptInput.value.trim() : el.promptInput.value;
  /** @type {Record<string, string>} */
  const errors = {};
  if (!value) errors['wiz-prompt-input'] = `Enter the ${PROMPTS[kind].label.toLowerCase()}.`;
  else if (kind === 'new_password' && el.promptConfirm.value !== value) {
    errors['wiz-prompt-confirm'] = 'The two passwords differ.';
  }
  if (!reportFieldErrors(errors)) return;
  try {
    await enrollAnswer(value);
  } catch (error) {
    setFieldError('wiz-prompt-input', error.message);
    el.promptInput.focus();
    return;
  }
  if (kind === 'new_password') newPassword = value;
  if (kind === 'client_secret') (resuming ? el.resumeSecret : el.clientSecret).value = value;
  hidePrompt();
  el.runTitle.focus();
}

/** @param {import('./ipc.js').AccountName} account */
function succeeded(account) {
  running = false;
  enrolled = account;
  hidePrompt();
  el.cancel.hidden = true;
  el.password.value = '';
  settleSteps(false);
  setText(el.runTitle, 'Enrolled');
  setText(el.resultMessage, `${accountName(account)} is enrolled: Cognito now asks for a code from `
    + 'CogAuth at every sign-in.');
  el.result.hidden = false;
  el.resultMessage.focus();
  hooks.changed();
}

/**
 * @param {import('./ipc.js').CommandError} error
 * @param {boolean} resumable
 * @param {string | null} accountId
 */
function failed(error, resumable, accountId) {
  running = false;
  hidePrompt();
  el.cancel.hidden = true;
  settleSteps(true);
  setText(el.runTitle, 'Enrolment stopped');
  resumableId = resumable ? accountId : null;
  setFormError(el.error, error.message);
  setHidden(el.resume, !resumableId);
  el.failed.hidden = false;
  (resumableId ? el.resume : el.retry).focus();
  hooks.changed();
}

async function cancel() {
  try {
    await enrollCancel();
  } catch (error) {
    if (error.kind !== 'no_enrolment') {
      announce(error.message);
      return;
    }
    // Nothing runs in the shell any more: end the run here.
    run += 1;
    failed({ kind: 'cancelled', message: 'The enrolment was cancelled.' }, false, null);
  }
}

/**
 * Wires the wizard.
 * @param {EnrolHooks} enrolHooks
 */
export function initEnrol(enrolHooks) {
  hooks = enrolHooks;
  registerView('enrol', {
    beforeClose(reason) {
      if (!running) {
        resetWizard();
        return true;
      }
      // Going back cancels the enrolment (the view stays to show how it ended); opening
      // another view does not silently cancel it.
      if (reason === 'back') {
        whileBusy(el.cancel, cancel);
      } else {
        announce('An enrolment is running: finish or cancel it first.');
        el.cancel.focus();
      }
      return false;
    },
  });
  el.pools.addEventListener('change', chooseRememberedPool);
  el.poolForm.addEventListener('submit', (event) => {
    event.preventDefault();
    toUserStep();
  });
  el.username.addEventListener('input', () => {
    if (!labelEdited) el.label.value = el.username.value.trim();
  });
  el.label.addEventListener('input', () => { labelEdited = el.label.value !== ''; });
  el.back.addEventListener('click', () => {
    showStep('pool');
    el.region.focus();
  });
  el.userForm.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(el.start, start);
  });
  el.prompt.addEventListener('submit', (event) => {
    event.preventDefault();
    whileBusy(el.promptSubmit, answerPrompt);
  });
  el.cancel.addEventListener('click', () => whileBusy(el.cancel, cancel));
  el.retry.addEventListener('click', () => {
    showStep('user');
    el.password.focus();
  });
  el.resume.addEventListener('click', () => whileBusy(el.resume, resumeAfterFailure));
  byId('wiz-reveal').addEventListener('click', () => {
    if (enrolled) showReveal(enrolled.id, accountName(enrolled));
  });
  byId('wiz-done').addEventListener('click', () => {
    const account = enrolled;
    if (closeView() && account) hooks.focus(account.id);
  });
}
