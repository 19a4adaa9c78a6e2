// The enrolment wizard's state: the step machine as data (MACHINE: the actions each phase
// accepts and the phase each leads to), one reducer over a plain state object, the live step
// list with the note of what the flow is doing meanwhile, the prompts (any kind core asks,
// shown from its own text), the requests sent to the shell, and which input an error of core
// names.
//
// No DOM and no IPC: enrol.js dispatches the user's actions and the shell's events (their
// `type` is the action's) and draws the state it gets back. The wizard states no rule of its
// own: what is typed is sent as typed, and core's refusals are shown where their `field` says
// (or, for a few kinds that name none, ERROR_FIELDS), with the hint for their kind (format.js).

import { accountName, hintFor, sentences, shortLabel, wordsFor } from './format.js';

/**
 * @typedef {"pool" | "user" | "running" | "prompt" | "done" | "failed"} Phase
 * @typedef {import('./ipc.js').AuthFlow} AuthFlow
 * @typedef {import('./ipc.js').CommandError} CommandError
 * @typedef {import('./ipc.js').AccountName} AccountName
 * @typedef {import('./ipc.js').AccountRow} AccountRow
 * @typedef {import('./ipc.js').EnrollDefaults} EnrollDefaults
 * @typedef {import('./ipc.js').PoolSettings} PoolSettings
 */

/**
 * The step machine. For each phase, the actions it accepts and the phase each leads to; an
 * action its phase does not list is ignored (an event of a run that already ended, a second
 * "start" while one runs). The shell's events are actions of the same name: step, warning,
 * note, prompt, done, failed; an event type this page does not know is in no phase, so it
 * changes nothing.
 *
 * - open, resume: a new enrolment (from the pool), or finishing a pending account (its user
 *   step only); closed: the view went away.
 * - next, back: between the pool and the user step.
 * - started: the shell accepted enroll_start or enroll_resume; refused: it did not.
 * - answered: the prompt's answer was accepted; cancelled: the run was given up.
 * - retry: back to the forms after a failure.
 * @type {Record<Phase, Record<string, Phase>>}
 */
export const MACHINE = {
  pool: { open: 'pool', resume: 'user', closed: 'pool', next: 'user' },
  user: { open: 'pool', resume: 'user', closed: 'pool', back: 'pool', started: 'running', refused: 'user' },
  running: {
    step: 'running', warning: 'running', held: 'running', note: 'running', prompt: 'prompt', done: 'done',
    failed: 'failed', cancelled: 'failed',
  },
  prompt: {
    step: 'prompt', warning: 'prompt', held: 'prompt', note: 'prompt', prompt: 'prompt', answered: 'running',
    done: 'done', failed: 'failed', cancelled: 'failed',
  },
  done: { open: 'pool', resume: 'user', closed: 'pool' },
  failed: { open: 'pool', resume: 'user', closed: 'pool', retry: 'user', started: 'running', refused: 'failed' },
};

/** Which of the view's three screens each phase shows. */
export const SCREENS = /** @type {Record<Phase, "pool" | "user" | "run">} */ ({
  pool: 'pool', user: 'user', running: 'run', prompt: 'run', done: 'run', failed: 'run',
});

/**
 * Whether a change of state shows another of the three screens (then it opens at its top).
 * @param {{phase: Phase}} before
 * @param {{phase: Phase}} after
 */
export function opensScreen(before, after) {
  return SCREENS[before.phase] !== SCREENS[after.phase];
}

/** The run's title by phase. */
export const RUN_TITLES = /** @type {Record<Phase, string>} */ ({
  pool: '', user: '', running: 'Enrolling…', prompt: 'Enrolling…', done: 'Enrolled', failed: 'Enrolment stopped',
});

/** The texts that differ between a new enrolment and finishing a pending one. */
export const MODE_TEXTS = {
  new: { title: 'Enrol a Cognito account', userTitle: 'Step 2 of 2: your user' },
  resume: { title: 'Finish enrolment', userTitle: 'Your password' },
};

/**
 * The steps the shell reports, in order, with their names on screen. `when`: "reported" is
 * shown only once the shell reports it (only some pools ask for it), "prove" only with the
 * test sign-in. `earlier`: done before a pending account's enrolment is resumed. A step this
 * page does not know is added at the end under its own name.
 */
export const STEPS = [
  { name: 'signin', label: 'Signed in' },
  { name: 'associate', label: 'Secret issued', earlier: true },
  { name: 'store', label: 'Stored in keychain', earlier: true },
  { name: 'verify', label: 'Verified' },
  { name: 'respond', label: 'Set-up challenge answered', when: 'reported' },
  { name: 'preference', label: 'MFA preferred' },
  { name: 'activate', label: 'Active' },
  { name: 'signin-test', label: 'Test sign-in', when: 'prove' },
];

/** The step of the test sign-in: a run that asked for it and ends "done" without it failed it. */
const PROOF_STEP = 'signin-test';

/** The steps after which a new password sent to Cognito is the user's password. */
const TAKES_NEW_PASSWORD = ['signin', 'respond'];

/**
 * How the prompts this page knows are worded; any other kind is shown with core's `text`.
 * `coreText`: the title is core's `text`, which carries what only core knows (why the last
 * new password was refused, which attribute, what moving from another app does); `title` is
 * then only for a shell that sends none. `secret` is only the fallback for a shell that does
 * not say.
 */
export const PROMPTS = {
  new_password: {
    title: 'Cognito asks for a new password for this user.',
    coreText: true,
    label: 'New password',
    secret: true,
    autocomplete: 'new-password',
    inputMode: 'text',
    confirm: true,
  },
  attribute: {
    title: 'Cognito needs a detail of this user before the first sign-in.',
    coreText: true,
    label: 'Attribute value',
    secret: false,
    autocomplete: 'off',
    inputMode: 'text',
    confirm: false,
  },
  other_app_code: {
    title: 'This user already has an authenticator app: enter its current code to move to CogAuth.',
    coreText: true,
    label: 'Current code from the other authenticator app',
    secret: false,
    autocomplete: 'one-time-code',
    inputMode: 'numeric',
    confirm: false,
  },
  mfa_code: {
    title: 'Cognito sent a code by SMS or e-mail.',
    coreText: false,
    label: 'Code sent by SMS/e-mail',
    secret: false,
    autocomplete: 'one-time-code',
    inputMode: 'numeric',
    confirm: false,
  },
  client_secret: {
    title: 'This app client has a secret, and Cognito needs it.',
    coreText: false,
    label: 'App client secret',
    secret: true,
    autocomplete: 'off',
    inputMode: 'text',
    confirm: false,
  },
};

/** Where the code of an mfa_code prompt was sent, by Cognito challenge name. */
const CODE_SENT_BY = { SMS_MFA: 'by SMS', EMAIL_OTP: 'by e-mail' };

/**
 * The inputs core's errors name (`error.field`), and the phase that shows each. When finishing
 * a pending account only the user step is on screen: `resume` is the input then (none: the
 * error is shown on the form).
 * @type {Record<string, {input: string, phase: Phase, resume?: string}>}
 */
export const FIELDS = {
  region: { input: 'wiz-region', phase: 'pool' },
  user_pool_id: { input: 'wiz-pool', phase: 'pool' },
  client_id: { input: 'wiz-client', phase: 'pool' },
  client_secret: { input: 'wiz-client-secret', phase: 'pool', resume: 'wiz-resume-secret' },
  endpoint: { input: 'wiz-endpoint', phase: 'pool' },
  username: { input: 'wiz-username', phase: 'user' },
  password: { input: 'wiz-password', phase: 'user', resume: 'wiz-password' },
  issuer: { input: 'wiz-issuer', phase: 'user' },
  label: { input: 'wiz-label', phase: 'user' },
  flow: { input: 'wiz-flow', phase: 'user', resume: 'wiz-flow' },
};

/**
 * The input (a FIELDS key) an error of core is about when it names none itself (`field`):
 * "Retry" goes there and shows the message, with its hint (format.js's HINTS), next to it.
 * @type {Record<string, string>}
 */
export const ERROR_FIELDS = {
  flow_not_enabled: 'flow',
  client_secret_required: 'client_secret',
  client_not_found: 'client_id',
  pool_mismatch: 'user_pool_id',
  wrong_password: 'password',
};

/**
 * Failures that go straight back to the input they are about, with the message under it,
 * instead of the failure screen: nothing was done that "Resume" could continue, and the same
 * input again would fail the same way.
 */
export const BACK_TO_INPUT = ['wrong_password'];

/** The error kind that means the user has another authenticator app (moving is offered). */
const ALREADY_ENROLLED = 'already_enrolled';

/**
 * @typedef {object} Step
 * @property {string} name
 * @property {string} label    Its name on screen.
 * @property {boolean} hidden
 * @property {"" | "current" | "done" | "stopped"} status
 * @property {string} detail   What the shell said, unless it only repeats the label.
 */

/**
 * @typedef {object} PromptModel
 * @property {string} kind
 * @property {string} title
 * @property {string} label
 * @property {boolean} secret     A password field (hidden input).
 * @property {string} autocomplete
 * @property {string} inputMode
 * @property {boolean} confirm    Asks for the value twice (a new password).
 */

/**
 * @typedef {object} Refusal
 * @property {string} message
 * @property {string} hint          What to do about it ('' for none).
 * @property {string | null} input  The input it is shown next to, or null: on the form.
 */

/**
 * @typedef {object} Failure
 * @property {string} kind                The run's error kind (what the failure view offers).
 * @property {string} message
 * @property {string} hint                What to do about it ('' for none).
 * @property {string | null} field        The FIELDS key of the input it is about.
 * @property {string | null} resumableId  The account left pending, which "Resume" continues.
 */

/**
 * @typedef {object} WizardState
 * @property {Phase} phase
 * @property {"new" | "resume"} mode
 * @property {AccountRow | null} resuming    The pending account being finished.
 * @property {EnrollDefaults} defaults
 * @property {string} defaultsError          Why the remembered pools are not available.
 * @property {number} run                    Bumped by every start and cancel: events of an
 *                                           older run are dropped.
 * @property {boolean} prove
 * @property {Step[]} steps
 * @property {string[]} warnings
 * @property {string} note                   What the flow is doing while the user waits; ''
 *                                           once the next step came or the run ended.
 * @property {PromptModel | null} prompt
 * @property {string} newPassword            Sent to Cognito; it becomes the user's password
 *                                           once a sign-in step succeeds.
 * @property {Refusal | null} refusal
 * @property {{account: AccountName, active: boolean} | null} held  The account CogAuth already
 *   holds for this user (the shell's "held" event), if any.
 * @property {Failure | null} failure
 * @property {AccountName | null} enrolled
 * @property {boolean} proofFailed           Enrolled, and the test sign-in at the end failed
 *                                           (the shell's warning says why; see proofFailed).
 */

/** @type {EnrollDefaults} */
export const NO_DEFAULTS = { pools: [], demo: null, default_issuer: '' };

/**
 * What a run starts with: its step list, and nothing reported, asked, refused or enrolled yet.
 * @param {WizardState["steps"]} steps
 */
function freshRun(steps) {
  return {
    steps,
    warnings: [],
    held: null,
    note: '',
    prompt: null,
    newPassword: '',
    refusal: null,
    failure: null,
    enrolled: null,
    proofFailed: false,
  };
}

/** @returns {WizardState} */
export function initialState() {
  return {
    phase: 'pool',
    mode: 'new',
    resuming: null,
    defaults: NO_DEFAULTS,
    defaultsError: '',
    run: 0,
    prove: true,
    ...freshRun([]),
  };
}

/** @param {WizardState} state */
export function isRunning(state) {
  return state.phase === 'running' || state.phase === 'prompt';
}

/**
 * The next state. An action the phase does not accept (see MACHINE) returns `state` itself.
 * @param {WizardState} state
 * @param {{type: string, [key: string]: any}} action
 * @returns {WizardState}
 */
export function reduce(state, action) {
  const phase = MACHINE[state.phase][action.type];
  if (phase === undefined) return state;
  switch (action.type) {
    case 'open':
    case 'resume':
      return {
        ...initialState(),
        phase,
        run: state.run,
        mode: action.type === 'resume' ? 'resume' : 'new',
        resuming: action.type === 'resume' ? action.account : null,
        defaults: { ...NO_DEFAULTS, ...(action.defaults ?? {}) },
        defaultsError: action.defaultsError ?? '',
      };
    case 'closed':
      return { ...initialState(), run: state.run };
    case 'next':
      return { ...state, phase, refusal: null };
    case 'back':
      return state.mode === 'resume' ? state : { ...state, phase, refusal: null };
    case 'refused': {
      const error = /** @type {CommandError} */ (action.error);
      const hint = hintFor(error.kind);
      if (state.phase === 'failed') {
        // A refused "Resume" or move: the run's failure stays (what it offers), with this answer.
        const failure = state.failure ?? failureOf(error, false, null);
        return { ...state, failure: { ...failure, message: (wordsFor(error) ?? error.message), hint } };
      }
      const target = fieldTarget(errorField(error), state.mode);
      return {
        ...state,
        phase: target?.phase ?? phase,
        refusal: { message: (wordsFor(error) ?? error.message), hint, input: target?.input ?? null },
      };
    }
    case 'started':
      return {
        ...state,
        phase,
        run: state.run + 1,
        prove: Boolean(action.prove),
        ...freshRun(initialSteps(Boolean(action.prove), Boolean(action.resumed))),
      };
    case 'step':
      return {
        ...state,
        phase,
        steps: withStepDone(state.steps, String(action.step), String(action.text ?? '')),
        note: '',
        newPassword: TAKES_NEW_PASSWORD.includes(action.step) ? '' : state.newPassword,
      };
    case 'warning':
      return { ...state, phase, warnings: [...state.warnings, String(action.text)] };
    case 'held': {
      const held = { account: action.account, active: Boolean(action.active) };
      return { ...state, phase, held, warnings: [...state.warnings, heldText(held)] };
    }
    case 'note':
      return { ...state, phase, note: String(action.text ?? '') };
    case 'prompt':
      return { ...state, phase, prompt: promptModel(action) };
    case 'answered': {
      // `prompt`: the one answered; a newer prompt that came meanwhile stays open.
      const answered = action.prompt ?? state.prompt;
      const current = answered === state.prompt;
      return {
        ...state,
        phase: current ? phase : state.phase,
        prompt: current ? null : state.prompt,
        newPassword: answered?.kind === 'new_password' ? String(action.value) : state.newPassword,
      };
    }
    case 'done': {
      // Enrolled; when the test sign-in was asked for and never reported, it failed (the
      // shell said why in a warning just before): its step is shown stopped.
      const failedProof = proofFailed(state);
      const steps = settled(state.steps, false);
      return {
        ...state,
        phase,
        note: '',
        prompt: null,
        steps: failedProof ? withStepStopped(steps, PROOF_STEP) : steps,
        enrolled: action.account,
        proofFailed: failedProof,
      };
    }
    case 'failed': {
      const failure = failureOf(action.error, Boolean(action.resumable), action.account_id ?? null);
      const target = BACK_TO_INPUT.includes(failure.kind) ? fieldTarget(failure.field, state.mode) : null;
      const ended = { ...state, note: '', prompt: null, steps: settled(state.steps, true), failure };
      if (!target) return { ...ended, phase };
      // Back to the input, the message under it; a user CogAuth holds enrolled is said so.
      const enrolled = state.held?.active ? alreadyEnrolledText(state.held.account) : '';
      return {
        ...ended,
        phase: target.phase,
        failure: null,
        refusal: { message: sentences(failure.message, enrolled), hint: failure.hint, input: target.input },
      };
    }
    case 'cancelled':
      return {
        ...state,
        phase,
        run: state.run + 1,
        note: '',
        prompt: null,
        steps: settled(state.steps, true),
        failure: failureOf({ kind: 'cancelled', message: 'The enrolment was cancelled.' }, false, null),
      };
    case 'retry': {
      // Back to the input the failure is about, or to the user step; the message goes along
      // when it has an input or a hint (what to change), else the form starts clean.
      const failure = state.failure;
      const target = fieldTarget(failure?.field, state.mode);
      return {
        ...state,
        phase: target?.phase ?? phase,
        refusal: failure && (target || failure.hint)
          ? { message: failure.message, hint: failure.hint, input: target?.input ?? null }
          : null,
      };
    }
    default:
      return state;
  }
}

/**
 * What the wizard says when CogAuth already holds the user it enrols (the shell's "held"
 * event): the account by its name, never its id.
 * @param {{account: {issuer: string, label: string}, active: boolean}} held
 */
export function heldText({ account, active }) {
  const name = accountName({ issuer: account.issuer, label: shortLabel(account.label) });
  return active
    ? alreadyEnrolledText(account)
    : `CogAuth already has this user as ${name}, not yet finished: finishing that enrolment.`;
}

/**
 * "This user is already enrolled: GitHub (alice@…)."
 * @param {{issuer: string, label: string}} account
 */
export function alreadyEnrolledText(account) {
  return `This user is already enrolled in CogAuth as ${accountName({ issuer: account.issuer, label: shortLabel(account.label) })}.`;
}

/**
 * @param {CommandError} error
 * @param {boolean} resumable
 * @param {string | null} accountId
 * @returns {Failure}
 */
function failureOf(error, resumable, accountId) {
  return {
    kind: error.kind,
    message: (wordsFor(error) ?? error.message),
    hint: hintFor(error.kind),
    field: errorField(error),
    resumableId: resumable ? accountId : null,
  };
}

/**
 * The FIELDS key of the input an error is about: the one core names, else its kind's.
 * @param {CommandError} error
 * @returns {string | null}
 */
export function errorField(error) {
  if (error.field) return error.field;
  return Object.hasOwn(ERROR_FIELDS, error.kind) ? ERROR_FIELDS[error.kind] : null;
}

/**
 * A message and its hint as one text: the message's sentence ended (core's may not be), then
 * the hint.
 * @param {string} message
 * @param {string} hint
 */
export function withHint(message, hint) {
  return sentences(message, hint);
}

/**
 * Whether the failure view offers to move the user to CogAuth: a new enrolment refused
 * because the user already has another authenticator app.
 * @param {WizardState} state
 */
export function offersMove(state) {
  return state.phase === 'failed' && state.mode === 'new' && state.failure?.kind === ALREADY_ENROLLED;
}

/**
 * Whether a run ending "done" now failed its test sign-in: it asked for one (`prove`) and the
 * shell never reported the step done. The shell reports a failed proof as a warning followed by
 * "done" (the account is enrolled and active); a proof that succeeded always reports its step.
 * @param {WizardState} state
 */
export function proofFailed(state) {
  return state.prove && !state.steps.some((step) => step.name === PROOF_STEP && step.status === 'done');
}

/**
 * The new password a step event makes the user's password (for "Resume"), or ''.
 * @param {WizardState} state
 * @param {{type: string, step?: string}} event
 */
export function passwordTakenBy(state, event) {
  return event.type === 'step' && TAKES_NEW_PASSWORD.includes(event.step ?? '') ? state.newPassword : '';
}

/**
 * The input core's error names, in this mode, with the phase that shows it; null when the
 * error names none this wizard shows (then it goes on the form).
 * @param {string | null | undefined} field
 * @param {"new" | "resume"} mode
 * @returns {{input: string, phase: Phase} | null}
 */
export function fieldTarget(field, mode) {
  const known = Object.hasOwn(FIELDS, field ?? '') ? FIELDS[field ?? ''] : null;
  if (!known) return null;
  if (mode === 'resume') return known.resume ? { input: known.resume, phase: 'user' } : null;
  return { input: known.input, phase: known.phase };
}

// The step list

/**
 * The steps at the start of a run.
 * @param {boolean} prove    Whether a test sign-in ends it.
 * @param {boolean} resumed  Whether it continues a pending account (its secret is stored).
 * @returns {Step[]}
 */
export function initialSteps(prove, resumed) {
  return withCurrent(STEPS.map((step) => ({
    name: step.name,
    label: step.label,
    hidden: step.when === 'reported' || (step.when === 'prove' && !prove),
    status: resumed && step.earlier ? 'done' : '',
    detail: resumed && step.earlier ? 'Earlier' : '',
  })));
}

/**
 * The steps once the shell reported `name` done; a step this page does not know is added.
 * @param {Step[]} steps
 * @param {string} name
 * @param {string} text  What the shell says about it.
 * @returns {Step[]}
 */
export function withStepDone(steps, name, text) {
  const known = steps.some((step) => step.name === name);
  const all = known ? steps : [...steps, { name, label: name, hidden: false, status: '', detail: '' }];
  return withCurrent(all.map((step) => (step.name === name
    ? { ...step, hidden: false, status: 'done', detail: text === step.label ? '' : text }
    : step)));
}

/**
 * The first shown step that is not done is the one in progress.
 * @param {Step[]} steps
 * @returns {Step[]}
 */
function withCurrent(steps) {
  let found = false;
  return steps.map((step) => {
    if (step.status === 'done') return step;
    const current = !found && !step.hidden;
    found ||= current;
    return { ...step, status: current ? 'current' : '' };
  });
}

/**
 * The steps at the end of a run: the one in progress is marked stopped or (on success, where
 * the shell did not report every step) left plain.
 * @param {Step[]} steps
 * @param {boolean} stopped
 * @returns {Step[]}
 */
export function settled(steps, stopped) {
  return steps.map((step) => (step.status === 'current' ? { ...step, status: stopped ? 'stopped' : '' } : step));
}

/**
 * The steps with `name` marked stopped (the one that failed).
 * @param {Step[]} steps
 * @param {string} name
 * @returns {Step[]}
 */
function withStepStopped(steps, name) {
  return steps.map((step) => (step.name === name ? { ...step, hidden: false, status: 'stopped' } : step));
}

/** What a step's status is called for screen readers. */
export const STATUS_TEXTS = { '': '', current: 'in progress', done: 'done', stopped: 'stopped' };

// Prompts

/**
 * How a prompt event is asked: the known kinds in their own words, any other with core's
 * `text`, hidden when core says `secret` (or, when it does not say, unless the kind is known
 * not to be).
 * @param {{prompt?: string, challenge?: string | null, text?: string, secret?: boolean}} event
 * @returns {PromptModel}
 */
export function promptModel(event) {
  const kind = String(event.prompt ?? '');
  const known = Object.hasOwn(PROMPTS, kind) ? PROMPTS[kind] : null;
  const secret = typeof event.secret === 'boolean' ? event.secret : known?.secret ?? true;
  if (!known) {
    return {
      kind,
      title: event.text || 'Cognito asks for more information.',
      label: 'Your answer',
      secret,
      autocomplete: 'off',
      inputMode: 'text',
      confirm: false,
    };
  }
  const sentBy = CODE_SENT_BY[event.challenge ?? ''];
  let title = known.title;
  if (known.coreText && event.text) title = event.text;
  else if (kind === 'mfa_code' && sentBy) title = `Cognito sent a code ${sentBy}.`;
  return {
    kind,
    title,
    label: known.label,
    secret,
    autocomplete: known.autocomplete,
    inputMode: known.inputMode,
    confirm: known.confirm,
  };
}

/**
 * The typing mistakes caught before an answer is sent: only that a new password typed twice
 * differs (core sees one value, so it cannot tell).
 * @param {PromptModel} prompt
 * @param {string} value
 * @param {string} again  The confirmation field.
 * @returns {Record<string, string>} input id → message
 */
export function promptErrors(prompt, value, again) {
  return prompt.confirm && again !== value ? { 'wiz-prompt-confirm': 'The two passwords differ.' } : {};
}

// Requests

/**
 * @typedef {object} WizardForm  The wizard's inputs, as typed.
 * @property {string} region
 * @property {string} user_pool_id
 * @property {string} client_id
 * @property {string} client_secret
 * @property {string} endpoint
 * @property {string} username
 * @property {string} password
 * @property {string} resume_secret  The client secret asked when finishing a pending account.
 * @property {string} issuer
 * @property {string} label
 * @property {string} flow
 * @property {boolean} prove
 * @property {boolean} replace_existing  Move a user who has another authenticator app.
 */

/**
 * The request of a new enrolment: every value as typed (core trims, checks and defaults: an
 * empty issuer or label is core's default); an empty client secret or endpoint is none.
 * @param {WizardForm} form
 * @returns {import('./ipc.js').EnrollRequest}
 */
export function startRequest(form) {
  return {
    region: form.region,
    user_pool_id: form.user_pool_id,
    client_id: form.client_id,
    client_secret: form.client_secret === '' ? null : form.client_secret,
    endpoint: form.endpoint === '' ? null : form.endpoint,
    username: form.username,
    password: form.password,
    flow: /** @type {AuthFlow} */ (form.flow),
    issuer: form.issuer,
    label: form.label,
    prove: form.prove,
    replace_existing: form.replace_existing,
  };
}

/**
 * The request that continues the pending account `id` (finishing one, or "Resume" after a
 * failure), with the client secret of the field the mode shows.
 * @param {string} id
 * @param {WizardForm} form
 * @param {"new" | "resume"} mode
 * @returns {import('./ipc.js').ResumeRequest}
 */
export function resumeRequest(id, form, mode) {
  const secret = mode === 'resume' ? form.resume_secret : form.client_secret;
  return {
    id,
    password: form.password,
    client_secret: secret === '' ? null : secret,
    flow: /** @type {AuthFlow} */ (form.flow),
    prove: form.prove,
  };
}

// The forms' contents

/**
 * The pool fields a remembered pool fills in (its client secret is never stored).
 * @param {PoolSettings} pool
 */
export function poolFields(pool) {
  return {
    region: pool.region,
    user_pool_id: pool.user_pool_id,
    client_id: pool.client_id,
    endpoint: pool.endpoint ?? '',
    client_secret: '',
  };
}

/**
 * The note after "App client secret": whether the chosen remembered pool's client has one.
 * @param {PoolSettings | null | undefined} pool
 */
export function clientSecretNote(pool) {
  return pool?.has_client_secret ? '(this client has one: required)' : '(only if the client has one)';
}

/**
 * The remembered pools as the choices of the select (value: the index, '' for another pool).
 * @param {PoolSettings[]} pools
 * @returns {{label: string, value: string}[]}
 */
export function poolChoices(pools) {
  return [
    { label: 'Another pool', value: '' },
    ...pools.map((pool, index) => ({ label: `${pool.user_pool_id} (${pool.region})`, value: String(index) })),
  ];
}

/**
 * What the user step shows when finishing a pending account.
 * @param {AccountRow} account
 * @param {EnrollDefaults} defaults
 * @returns {{summary: string, askSecret: boolean, password: string | null}}
 *   `askSecret`: offer the client secret field (unless a remembered pool says its client has
 *   none); `password`: the demo user's, pre-filled in demo mode
 */
export function resumeForm(account, defaults) {
  const link = account.cognito;
  if (!link) return { summary: '', askSecret: false, password: null };
  const pool = defaults.pools.find(
    (known) => known.region === link.region && known.user_pool_id === link.user_pool_id);
  const demo = defaults.demo;
  return {
    summary: `Finish enrolling ${link.username} (${accountName(account)}) in the user pool `
      + `${link.user_pool_id}, ${link.region}.`,
    askSecret: pool ? pool.has_client_secret : true,
    password: demo && demo.username === link.username && demo.user_pool_id === link.user_pool_id
      ? demo.password
      : null,
  };
}

/**
 * What the demo mode fills in (the local emulator's pool and user). The label is left empty:
 * core names the account after the username.
 * @param {import('./ipc.js').DemoSettings} demo
 */
export function demoForm(demo) {
  return {
    region: demo.region,
    user_pool_id: demo.user_pool_id,
    client_id: demo.client_id,
    endpoint: demo.endpoint,
    username: demo.username,
    password: demo.password,
  };
}

/**
 * The sentence shown once enrolled.
 * @param {AccountName} account
 * @param {boolean} [proofFailed]  The test sign-in at the end failed (its warning is above).
 */
export function enrolledMessage(account, proofFailed = false) {
  const enrolled = `${accountName(account)} is enrolled: Cognito now asks for a code from CogAuth at every sign-in.`;
  return proofFailed ? `${enrolled} Only the test sign-in failed; see the warning above.` : enrolled;
}
