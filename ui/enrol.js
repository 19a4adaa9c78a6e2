// The Cognito enrolment wizard on screen: the user pool (step 1), the user (step 2), then the
// live steps of the enrolment as the shell reports them, with a note of what the flow is doing
// while the user waits, and a form whenever Cognito asks for something (a new password, a
// required attribute, the code of the authenticator app the user moves from, a code sent by
// SMS or e-mail, the app client's secret, or any other question core words itself).
//
// The wizard's state lives in enrol-state.js: a step machine given as a table, one reducer,
// unit-tested. This module dispatches the user's actions and the shell's events to it, draws
// the state it gets back, moves the focus, and calls ipc.js. It checks nothing typed: values
// are sent as typed and core's refusals are shown next to the input their `field` names.
//
// The shell runs the enrolment. This view starts it (enroll_start, or enroll_resume for a
// pending account), then waits for its events one at a time (enroll_next_event, a long poll)
// until "done" or "failed". The password stays in its field while the view is open, so that
// "Resume" after a failure can use it again, and so can "Move this user to CogAuth" after a
// refusal because the user has another authenticator app (the same request, with the opt-in
// ticked); it is cleared when the view closes. Going back (Esc, the Back button) while an
// enrolment runs cancels it first, and the view stays to show how it ended; another view
// cannot be opened meanwhile.
//
// A failure of the test sign-in after the account became active is reported by the shell as a
// warning followed by "done": the account is shown enrolled, with the warning above it
// (enrol-state.js's proofFailed).

import {
  enrollAnswer, enrollCancel, enrollDefaults, enrollNextEvent, enrollResume, enrollStart,
} from './ipc.js';
import {
  announce, byId, clearErrors, inputById, reportFieldErrors, setFieldError, setFormError,
  setHidden, setText, whileBusy,
} from './dom.js';
import {
  clientSecretNote, demoForm, enrolledMessage, initialState, isRunning, MODE_TEXTS, NO_DEFAULTS,
  offersMove, opensScreen, passwordTakenBy, poolChoices, poolFields, promptErrors, reduce, resumeForm,
  resumeRequest, RUN_TITLES, SCREENS, startRequest, STATUS_TEXTS, withHint,
} from './enrol-state.js';
import { accountName } from './format.js';
import { showReveal } from './dialogs.js';
import { registerView, showView, closeView } from './views.js';

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
  replace: inputById('wiz-replace'),
  startError: byId('wiz-start-error'),
  back: /** @type {HTMLButtonElement} */ (byId('wiz-back')),
  start: /** @type {HTMLButtonElement} */ (byId('wiz-start')),
  run: byId('wiz-run'),
  runTitle: byId('wiz-run-title'),
  steps: byId('wiz-steps'),
  warnings: byId('wiz-warnings'),
  note: byId('wiz-note'),
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
  move: /** @type {HTMLButtonElement} */ (byId('wiz-move')),
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
/** @type {import('./enrol-state.js').WizardState} */
let state = initialState();
/** The list item of each step shown so far, by step name. */
const stepItems = new Map();

/**
 * Runs `action` through the step machine and draws the result.
 * @param {{type: string, [key: string]: any}} action
 * @returns {boolean} whether the phase accepted it
 */
function dispatch(action) {
  const before = state;
  state = reduce(state, action);
  if (state === before) return false;
  render(before);
  return true;
}

// Drawing

/** @param {import('./enrol-state.js').WizardState} before */
function render(before) {
  const texts = MODE_TEXTS[state.mode];
  const resume = state.mode === 'resume';
  setText(el.title, texts.title);
  setText(el.userTitle, texts.userTitle);
  for (const part of el.userForm.querySelectorAll('.wiz-new-only')) {
    /** @type {HTMLElement} */ (part).hidden = resume;
  }
  setHidden(el.resumeSummary, !resume);
  setHidden(el.back, resume);

  const screen = SCREENS[state.phase];
  setHidden(el.poolForm, screen !== 'pool');
  setHidden(el.userForm, screen !== 'user');
  setHidden(el.run, screen !== 'run');
  // Each step opens at its top (focus may then bring a field into view).
  if (opensScreen(before, state)) window.scrollTo(0, 0);
  setHidden(el.demo, !state.defaults.demo);

  if (state.refusal !== before.refusal) renderRefusal();
  setFormError(el.defaultsError, state.defaultsError);

  setText(el.runTitle, RUN_TITLES[state.phase]);
  if (state.steps !== before.steps) renderSteps();
  if (state.warnings !== before.warnings) {
    el.warnings.replaceChildren(...state.warnings.map((text) => {
      const item = document.createElement('li');
      item.textContent = text;
      return item;
    }));
  }
  // A polite live region: screen readers read the note as it changes.
  setText(el.note, state.note);
  if (state.prompt !== before.prompt) renderPrompt();
  setHidden(el.cancel, !isRunning(state));

  const failure = state.phase === 'failed' ? state.failure : null;
  setHidden(el.failed, !failure);
  setFormError(el.error, failure ? withHint(failure.message, failure.hint) : '');
  setHidden(el.resume, !failure?.resumableId);
  setHidden(el.move, !offersMove(state));

  setHidden(el.result, state.phase !== 'done');
  setText(el.resultMessage, state.enrolled ? enrolledMessage(state.enrolled, state.proofFailed) : '');
}

/** Core's refusal, next to the input it names or on the user form. */
function renderRefusal() {
  clearErrors(el.poolForm);
  clearErrors(el.userForm);
  const refusal = state.refusal;
  if (!refusal) return;
  const text = withHint(refusal.message, refusal.hint);
  // Core asks for the client secret of a pool remembered without one: show its field.
  if (refusal.input === el.resumeSecret.id) setHidden(el.resumeSecretField, false);
  if (refusal.input) setFieldError(refusal.input, text);
  else setFormError(el.startError, text);
}

function renderSteps() {
  const items = state.steps.map((step) => {
    let item = stepItems.get(step.name);
    if (!item) {
      item = stepItem(step.name, step.label);
      stepItems.set(step.name, item);
    }
    item.hidden = step.hidden;
    item.classList.toggle('done', step.status === 'done');
    item.classList.toggle('current', step.status === 'current');
    item.classList.toggle('stopped', step.status === 'stopped');
    setText(/** @type {Element} */ (item.querySelector('.step-state')), STATUS_TEXTS[step.status]);
    setText(/** @type {Element} */ (item.querySelector('.step-detail')), step.detail);
    return item;
  });
  const children = el.steps.children;
  if (children.length !== items.length || items.some((item, index) => children[index] !== item)) {
    el.steps.replaceChildren(...items);
  }
}

/**
 * A step's list item: its name, its state for screen readers, and what the shell said.
 * @param {string} name
 * @param {string} label
 * @returns {HTMLLIElement}
 */
function stepItem(name, label) {
  const item = document.createElement('li');
  item.dataset.step = name;
  const span = (className, text = '') => {
    const part = document.createElement('span');
    part.className = className;
    part.textContent = text;
    return part;
  };
  item.append(span('step-name', label), ' ', span('step-state visually-hidden'), span('step-detail'));
  return item;
}

function renderPrompt() {
  el.prompt.reset();
  clearErrors(el.prompt);
  const prompt = state.prompt;
  if (!prompt) {
    el.prompt.hidden = true;
    return;
  }
  setText(el.promptTitle, prompt.title);
  setText(el.promptLabel, prompt.label);
  el.promptInput.type = prompt.secret ? 'password' : 'text';
  el.promptInput.autocomplete = /** @type {AutoFill} */ (prompt.autocomplete);
  el.promptInput.inputMode = prompt.inputMode;
  setHidden(el.promptConfirmField, !prompt.confirm);
  el.prompt.hidden = false;
}

/** Empties every form (typed passwords and secrets included). */
function resetForms() {
  el.poolForm.reset();
  el.userForm.reset();
  el.prompt.reset();
  clearErrors(el.poolForm);
  clearErrors(el.userForm);
  setText(el.clientSecretNeed, clientSecretNote(null));
  setHidden(el.resumeSecretField, true);
  setText(el.resumeSummary, '');
}

/** @returns {import('./enrol-state.js').WizardForm} the inputs, as typed */
function readForm() {
  return {
    region: el.region.value,
    user_pool_id: el.pool.value,
    client_id: el.client.value,
    client_secret: el.clientSecret.value,
    endpoint: el.endpoint.value,
    username: el.username.value,
    password: el.password.value,
    resume_secret: el.resumeSecret.value,
    issuer: el.issuer.value,
    label: el.label.value,
    flow: el.flow.value,
    prove: el.prove.checked,
    replace_existing: el.replace.checked,
  };
}

// Opening

/**
 * The remembered pools, the demo pool and core's defaults.
 * @returns {Promise<{defaults: import('./ipc.js').EnrollDefaults, defaultsError: string}>}
 */
async function loadDefaults() {
  try {
    return { defaults: await enrollDefaults(), defaultsError: '' };
  } catch (error) {
    return { defaults: NO_DEFAULTS, defaultsError: `Remembered pools are not available: ${error.message}` };
  }
}

/** Opens the wizard for a new enrolment (or shows the one running). */
export async function openEnrol() {
  if (isRunning(state)) {
    showView('enrol', el.runTitle);
    return;
  }
  resetForms();
  dispatch({ type: 'open', ...(await loadDefaults()) });
  const { pools, demo, default_issuer: defaultIssuer } = state.defaults;
  el.pools.replaceChildren(...poolChoices(pools).map(({ label, value }) => new Option(label, value)));
  setHidden(el.poolsField, pools.length === 0);
  // Core's default, shown and not typed: an empty issuer is sent as such.
  el.issuer.placeholder = defaultIssuer ?? '';
  if (demo) {
    const values = demoForm(demo);
    fillPool(values);
    el.username.value = values.username;
    el.password.value = values.password;
  }
  showView('enrol', el.poolsField.hidden ? el.region : el.pools);
}

/**
 * Opens the wizard to finish a pending account's enrolment: only the password is asked.
 * @param {import('./ipc.js').AccountRow} account
 */
export async function openResume(account) {
  if (isRunning(state)) {
    showView('enrol', el.runTitle);
    return;
  }
  resetForms();
  dispatch({ type: 'resume', account, ...(await loadDefaults()) });
  const form = resumeForm(account, state.defaults);
  setText(el.resumeSummary, form.summary);
  setHidden(el.resumeSecretField, !form.askSecret);
  if (form.password !== null) el.password.value = form.password;
  showView('enrol', el.password);
}

// The forms

/**
 * Puts a pool's settings in the pool step's inputs.
 * @param {{region: string, user_pool_id: string, client_id: string, endpoint: string}} values
 */
function fillPool(values) {
  el.region.value = values.region;
  el.pool.value = values.user_pool_id;
  el.client.value = values.client_id;
  el.endpoint.value = values.endpoint;
}

function chooseRememberedPool() {
  const pool = state.defaults.pools[Number(el.pools.value)];
  if (!el.pools.value || !pool) return;
  const values = poolFields(pool);
  fillPool(values);
  el.clientSecret.value = values.client_secret;
  setText(el.clientSecretNeed, clientSecretNote(pool));
}

function toUserStep() {
  dispatch({ type: 'next' });
  const first = [el.username, el.password].find((input) => !input.value);
  // The step stays at its top (render scrolled there): the focus does not scroll it away.
  (first ?? el.start).focus({ preventScroll: true });
}

/** Focuses the input core's refusal names, or `fallback`. */
function focusRefusal(fallback) {
  const input = state.refusal?.input;
  (input ? byId(input) : fallback).focus();
}

async function start() {
  const form = readForm();
  const resuming = state.mode === 'resume' ? state.resuming : null;
  try {
    if (resuming) await enrollResume(resumeRequest(resuming.id, form, 'resume'));
    else await enrollStart(startRequest(form));
  } catch (error) {
    // Refused before it began (settings core does not take, one already running): say so
    // next to the input at fault, or on the form.
    dispatch({ type: 'refused', error });
    focusRefusal(el.start);
    return;
  }
  begin(form.prove, Boolean(resuming));
}

/**
 * "Move this user to CogAuth" after a refusal because the user has another authenticator app:
 * the opt-in ticked, the same form started again (the password is still in it).
 */
async function moveUser() {
  if (!offersMove(state)) return;
  el.replace.checked = true;
  await start();
}

/** "Resume" after a failure: the same password and options, for the account left pending. */
async function resumeAfterFailure() {
  const id = state.failure?.resumableId;
  if (!id) return;
  const form = readForm();
  try {
    await enrollResume(resumeRequest(id, form, state.mode));
  } catch (error) {
    dispatch({ type: 'refused', error });
    return;
  }
  begin(form.prove, true);
}

// The run

/**
 * Shows the step list and follows the shell's events until the enrolment ends.
 * @param {boolean} prove    Whether a test sign-in ends it.
 * @param {boolean} resumed  Whether it continues a pending account (its secret is stored).
 */
async function begin(prove, resumed) {
  dispatch({ type: 'started', prove, resumed });
  el.runTitle.focus();
  const run = state.run;
  // "done", "failed" and a cancel end the run; so does a newer run.
  while (run === state.run && isRunning(state)) {
    let event;
    try {
      event = await enrollNextEvent();
    } catch (error) {
      if (run === state.run) onEvent({ type: 'failed', error, resumable: false, account_id: null });
      return;
    }
    if (run !== state.run) return;
    onEvent(event);
  }
}

/**
 * One event of the shell. An event this page does not know (a newer shell) changes nothing. A
 * note needs no announcement: it is shown in a live region.
 * @param {import('./ipc.js').EnrollEvent} event
 */
function onEvent(event) {
  // Cognito took the new password: from now on it is the user's password (for "Resume").
  const taken = passwordTakenBy(state, event);
  if (!dispatch(event)) return;
  if (taken) el.password.value = taken;
  switch (event.type) {
    case 'step':
      announce(event.text || event.step);
      break;
    case 'warning':
      announce(event.text);
      break;
    case 'prompt':
      el.promptInput.focus();
      announce(state.prompt?.title ?? '');
      break;
    case 'done':
      el.password.value = '';
      el.resultMessage.focus();
      hooks.changed();
      break;
    case 'failed':
      stopped();
      break;
    default:
      break;
  }
}

/**
 * The run ended without success: back at the input it is about (a wrong password), or offer
 * Resume (when an account was left pending) or Retry.
 */
function stopped() {
  const input = state.phase !== 'failed' ? state.refusal?.input : null;
  if (input) {
    const field = inputById(input);
    field.focus();
    field.select();
  } else {
    (state.failure?.resumableId ? el.resume : el.retry).focus();
  }
  hooks.changed();
}

async function answerPrompt() {
  const prompt = state.prompt;
  if (!prompt) return;
  clearErrors(el.prompt);
  const value = el.promptInput.value;
  if (!reportFieldErrors(promptErrors(prompt, value, el.promptConfirm.value))) return;
  try {
    await enrollAnswer(value);
  } catch (error) {
    setFieldError('wiz-prompt-input', error.message);
    el.promptInput.focus();
    return;
  }
  if (prompt.kind === 'client_secret') (state.mode === 'resume' ? el.resumeSecret : el.clientSecret).value = value;
  dispatch({ type: 'answered', value, prompt });
  if (state.phase === 'running') el.runTitle.focus();
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
    if (dispatch({ type: 'cancelled' })) stopped();
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
      if (!isRunning(state)) {
        resetForms();
        dispatch({ type: 'closed' });
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
  el.back.addEventListener('click', () => {
    dispatch({ type: 'back' });
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
    dispatch({ type: 'retry' });
    focusRefusal(el.password);
  });
  el.resume.addEventListener('click', () => whileBusy(el.resume, resumeAfterFailure));
  el.move.addEventListener('click', () => whileBusy(el.move, moveUser));
  byId('wiz-reveal').addEventListener('click', () => {
    const account = state.enrolled;
    if (account) showReveal(account.id, accountName(account));
  });
  byId('wiz-done').addEventListener('click', () => {
    const account = state.enrolled;
    if (closeView() && account) hooks.focus(account.id);
  });
}
