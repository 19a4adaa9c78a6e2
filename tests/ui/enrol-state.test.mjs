// The enrolment wizard's state (ui/enrol-state.js) under Node: the step machine's table, the
// reducer's runs (steps, notes, prompts of any kind, done, failed, cancel, a done whose test
// sign-in failed), where core's refusals are shown with their hints, moving a user from
// another authenticator app, and the requests sent as typed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  clientSecretNote, demoForm, enrolledMessage, ERROR_FIELDS, errorField, FIELDS, fieldTarget, initialState,
  initialSteps, isRunning, MACHINE, offersMove, passwordTakenBy, poolChoices, poolFields, proofFailed,
  promptErrors, promptModel, reduce, resumeForm, resumeRequest, RUN_TITLES, SCREENS, settled, startRequest, STEPS,
  withHint, withStepDone,
} from '../../ui/enrol-state.js';
import { HINTS, WORDS } from '../../ui/format.js';

const DEFAULTS = {
  pools: [{ region: 'eu-west-1', user_pool_id: 'eu-west-1_Abc', client_id: 'c1', endpoint: null, has_client_secret: true }],
  demo: null,
  default_issuer: 'Cognito',
};

/** Runs actions from a state; returns the last state. */
function run(state, ...actions) {
  return actions.reduce((current, action) => reduce(current, action), state);
}

/** A new enrolment, started, as the shell accepted it. */
function started({ prove = true } = {}) {
  return run(initialState(), { type: 'open', defaults: DEFAULTS }, { type: 'next' }, { type: 'started', prove, resumed: false });
}

/** The names of the steps in a state with a status, e.g. ['signin:done', 'associate:current']. */
const statuses = (state) => state.steps.filter((step) => step.status).map((step) => `${step.name}:${step.status}`);

describe('the step machine as data', () => {
  test('every transition leads to a phase of the table, and every phase has a screen', () => {
    const phases = Object.keys(MACHINE);
    for (const [phase, actions] of Object.entries(MACHINE)) {
      for (const [action, target] of Object.entries(actions)) {
        assert.ok(phases.includes(target), `${phase} --${action}--> ${target}`);
      }
      assert.ok(SCREENS[phase], `${phase} has a screen`);
      assert.equal(typeof RUN_TITLES[phase], 'string');
    }
  });

  test('an action its phase does not list changes nothing (the same object)', () => {
    const pool = reduce(initialState(), { type: 'open', defaults: DEFAULTS });
    assert.equal(reduce(pool, { type: 'done', account: { id: 'x', issuer: '', label: 'x' } }), pool);
    assert.equal(reduce(pool, { type: 'started', prove: true }), pool, 'no start from the pool step');
    const running = started();
    assert.equal(reduce(running, { type: 'open', defaults: DEFAULTS }), running, 'no reopening while a run goes on');
    assert.equal(reduce(running, { type: 'closed' }), running);
    assert.equal(reduce(running, { type: 'some_future_event', text: 'hello' }), running);
  });

  test('a new enrolment: pool → user → running; finishing one: the user step only', () => {
    const pool = reduce(initialState(), { type: 'open', defaults: DEFAULTS });
    assert.equal(pool.phase, 'pool');
    assert.equal(pool.defaults.default_issuer, 'Cognito');
    const user = reduce(pool, { type: 'next' });
    assert.equal(user.phase, 'user');
    assert.equal(reduce(user, { type: 'back' }).phase, 'pool');
    const running = reduce(user, { type: 'started', prove: true, resumed: false });
    assert.equal(running.phase, 'running');
    assert.ok(isRunning(running));
    assert.equal(running.run, user.run + 1);

    const account = { id: 'p1', issuer: 'Cognito', label: 'demo', cognito: { region: 'eu-west-1', user_pool_id: 'eu-west-1_Abc', username: 'demo' } };
    const resume = reduce(initialState(), { type: 'resume', account, defaults: DEFAULTS });
    assert.equal(resume.phase, 'user');
    assert.equal(resume.mode, 'resume');
    assert.equal(reduce(resume, { type: 'back' }), resume, 'no pool step when finishing an account');
  });

  test('defaults missing from an older shell are filled with none', () => {
    const state = reduce(initialState(), { type: 'open', defaults: { pools: [], demo: null } });
    assert.equal(state.defaults.default_issuer, '');
    const failed = reduce(initialState(), { type: 'open', defaultsError: 'Remembered pools are not available: x' });
    assert.deepEqual(failed.defaults.pools, []);
    assert.equal(failed.defaultsError, 'Remembered pools are not available: x');
  });
});

describe('the live steps', () => {
  test('at the start, the first step is in progress; respond waits to be reported', () => {
    const state = started();
    assert.deepEqual(statuses(state), ['signin:current']);
    assert.equal(state.steps.find((step) => step.name === 'respond').hidden, true);
    assert.equal(state.steps.find((step) => step.name === 'signin-test').hidden, false);
    assert.equal(started({ prove: false }).steps.find((step) => step.name === 'signin-test').hidden, true);
  });

  test('a resumed run starts with the secret issued and stored earlier', () => {
    const steps = initialSteps(true, true);
    assert.deepEqual(steps.filter((step) => step.status === 'done').map((step) => [step.name, step.detail]),
      [['associate', 'Earlier'], ['store', 'Earlier']]);
    assert.equal(steps.find((step) => step.status === 'current').name, 'signin');
  });

  test('a reported step is done and the next shown one is in progress', () => {
    let state = started();
    state = reduce(state, { type: 'step', step: 'signin', text: 'Signed in as demo' });
    state = reduce(state, { type: 'step', step: 'associate', text: 'Secret issued' });
    assert.deepEqual(statuses(state), ['signin:done', 'associate:done', 'store:current']);
    assert.equal(state.steps[0].detail, 'Signed in as demo');
    assert.equal(state.steps[1].detail, '', 'a text that repeats the label is not shown twice');
    const verified = run(state, { type: 'step', step: 'store', text: '' }, { type: 'step', step: 'verify', text: '' });
    assert.equal(verified.steps.find((step) => step.status === 'current').name, 'preference', 'respond is skipped while hidden');
    const responded = reduce(verified, { type: 'step', step: 'respond', text: 'MFA_SETUP answered' });
    assert.equal(responded.steps.find((step) => step.name === 'respond').hidden, false);
  });

  test('a step this page does not know is added at the end under its own name', () => {
    const state = reduce(started(), { type: 'step', step: 'quantum-check', text: 'Checked' });
    const last = state.steps.at(-1);
    assert.deepEqual(last, { name: 'quantum-check', label: 'quantum-check', hidden: false, status: 'done', detail: 'Checked' });
    assert.equal(state.steps.length, STEPS.length + 1);
    assert.equal(state.steps[0].status, 'current');
  });

  test('the end: the step in progress is stopped on failure, plain on success', () => {
    const steps = withStepDone(initialSteps(true, false), 'signin', '');
    assert.equal(settled(steps, true).find((step) => step.name === 'associate').status, 'stopped');
    assert.equal(settled(steps, false).find((step) => step.name === 'associate').status, '');
  });

  test('warnings accumulate in order', () => {
    const state = run(started(), { type: 'warning', text: 'clock skew' }, { type: 'warning', text: 'resuming' });
    assert.deepEqual(state.warnings, ['clock skew', 'resuming']);
    assert.equal(state.phase, 'running');
  });
});

describe('notes: what the flow is doing while the user waits', () => {
  test('the latest note is shown, until the next step', () => {
    let state = reduce(started(), { type: 'note', text: 'waiting 12 s for a fresh code' });
    assert.equal(state.phase, 'running');
    assert.equal(state.note, 'waiting 12 s for a fresh code');
    assert.deepEqual(state.warnings, [], 'a note is no warning');
    state = reduce(state, { type: 'note', text: 'waiting 3 s for a fresh code' });
    assert.equal(state.note, 'waiting 3 s for a fresh code', 'only the latest');
    assert.equal(reduce(state, { type: 'warning', text: 'clock skew' }).note, 'waiting 3 s for a fresh code');
    const stepped = reduce(state, { type: 'step', step: 'signin', text: '' });
    assert.equal(stepped.note, '');
    assert.deepEqual(statuses(stepped), ['signin:done', 'associate:current']);
  });

  test('the end of a run clears it, however it ends', () => {
    const waiting = reduce(started(), { type: 'note', text: 'waiting 12 s for a fresh code' });
    const account = { id: 'a1', issuer: 'Cognito', label: 'demo' };
    assert.equal(reduce(waiting, { type: 'done', account }).note, '');
    assert.equal(reduce(waiting, { type: 'failed', error: { kind: 'network', message: 'x' }, resumable: false }).note, '');
    assert.equal(reduce(waiting, { type: 'cancelled' }).note, '');
    const again = run(reduce(waiting, { type: 'cancelled' }), { type: 'started', prove: true, resumed: true });
    assert.equal(again.note, '', 'a new run starts with none');
  });

  test('a note while a prompt is open keeps it open; none after the run', () => {
    const prompting = reduce(started(), { type: 'prompt', prompt: 'client_secret', challenge: null, text: '', secret: true });
    const state = reduce(prompting, { type: 'note', text: 'the Cognito session expired; signing in again' });
    assert.equal(state.phase, 'prompt');
    assert.equal(state.prompt, prompting.prompt);
    assert.equal(state.note, 'the Cognito session expired; signing in again');
    const done = reduce(started(), { type: 'done', account: { id: 'a1', issuer: '', label: 'demo' } });
    assert.equal(reduce(done, { type: 'note', text: 'late' }), done, 'a late note is dropped');
    const user = run(initialState(), { type: 'open', defaults: DEFAULTS }, { type: 'next' });
    assert.equal(reduce(user, { type: 'note', text: 'x' }), user);
  });
});

describe('prompts', () => {
  test('an unknown prompt kind becomes a prompt with core\'s text, answerable', () => {
    const event = { type: 'prompt', prompt: 'select_favourite_colour', challenge: null, text: 'Cognito asks for your favourite colour.', secret: false };
    const state = reduce(started(), event);
    assert.equal(state.phase, 'prompt');
    assert.ok(isRunning(state));
    assert.equal(state.prompt.kind, 'select_favourite_colour');
    assert.equal(state.prompt.title, 'Cognito asks for your favourite colour.');
    assert.equal(state.prompt.secret, false);
    assert.equal(state.prompt.confirm, false);
    assert.ok(state.prompt.label, 'the input has a label');
    const answered = reduce(state, { type: 'answered', value: 'blue', prompt: state.prompt });
    assert.equal(answered.phase, 'running');
    assert.equal(answered.prompt, null);
  });

  test('an unknown secret prompt is hidden; without `secret` it is hidden too', () => {
    assert.equal(promptModel({ prompt: 'pin', text: 'Your PIN', secret: true }).secret, true);
    assert.equal(promptModel({ prompt: 'pin', text: 'Your PIN' }).secret, true);
    assert.equal(promptModel({ prompt: 'pin', text: '' }).title, 'Cognito asks for more information.');
  });

  test('known kinds keep their wording; core\'s `secret` decides the input', () => {
    const code = promptModel({ prompt: 'mfa_code', challenge: 'SMS_MFA', text: 'Cognito sent a code by SMS: enter it.', secret: false });
    assert.equal(code.title, 'Cognito sent a code by SMS.');
    assert.equal(code.inputMode, 'numeric');
    assert.equal(code.secret, false);
    assert.equal(promptModel({ prompt: 'mfa_code', challenge: 'EMAIL_OTP', text: '', secret: false }).title, 'Cognito sent a code by e-mail.');
    assert.equal(promptModel({ prompt: 'mfa_code', challenge: null, text: '', secret: false }).title, 'Cognito sent a code by SMS or e-mail.');
    const password = promptModel({ prompt: 'new_password', challenge: null, text: 'x', secret: true });
    assert.equal(password.confirm, true);
    assert.equal(password.secret, true);
    assert.equal(promptModel({ prompt: 'new_password', challenge: null, text: 'x', secret: false }).secret, false);
  });

  test('the other app\'s code (moving a user to CogAuth): core\'s text, a visible one-time-code field', () => {
    const text = 'This user already has an authenticator app. Enter its current code to move to CogAuth; that app\'s codes stop working once CogAuth is set up.';
    const state = reduce(started(), { type: 'prompt', prompt: 'other_app_code', challenge: null, text, secret: false });
    assert.equal(state.phase, 'prompt');
    assert.deepEqual(state.prompt, {
      kind: 'other_app_code',
      title: text,
      label: 'Current code from the other authenticator app',
      secret: false,
      autocomplete: 'one-time-code',
      inputMode: 'numeric',
      confirm: false,
    });
    assert.equal(promptModel({ prompt: 'other_app_code' }).secret, false, 'not hidden when the shell does not say');
    assert.match(promptModel({ prompt: 'other_app_code', text: '' }).title, /current code/, 'a title without core\'s text');
    const answered = reduce(state, { type: 'answered', value: '123456', prompt: state.prompt });
    assert.equal(answered.phase, 'running');
    assert.equal(answered.newPassword, '', 'a code is no password');
  });

  test('a required attribute: core\'s text names it; a visible field', () => {
    const model = promptModel({ prompt: 'attribute', challenge: null, text: 'Cognito needs this user\'s email before the first sign-in.', secret: false });
    assert.equal(model.title, 'Cognito needs this user\'s email before the first sign-in.');
    assert.equal(model.secret, false);
    assert.equal(model.confirm, false);
    assert.equal(model.inputMode, 'text');
    assert.ok(model.label);
  });

  test('a refused new password is asked again with core\'s reason, and the last answer is the password', () => {
    let state = reduce(started(), { type: 'prompt', prompt: 'new_password', challenge: null, text: 'Cognito asks for a new password for this user.', secret: true });
    const first = state.prompt;
    assert.equal(first.title, 'Cognito asks for a new password for this user.');
    state = reduce(state, { type: 'answered', value: 'short', prompt: first });
    assert.equal(state.phase, 'running');
    const reason = 'Cognito refused that password (Password must have uppercase characters). Choose another.';
    state = reduce(state, { type: 'prompt', prompt: 'new_password', challenge: null, text: reason, secret: true });
    assert.equal(state.phase, 'prompt', 'the second prompt is not swallowed');
    assert.notEqual(state.prompt, first, 'a new prompt (the form is drawn again)');
    assert.equal(state.prompt.title, reason);
    assert.equal(state.prompt.confirm, true);
    state = reduce(state, { type: 'answered', value: 'Longer-Pass-1', prompt: state.prompt });
    assert.equal(state.newPassword, 'Longer-Pass-1');
    assert.equal(passwordTakenBy(state, { type: 'step', step: 'signin' }), 'Longer-Pass-1');
  });

  test('a second prompt that comes before the first answer is recorded stays open', () => {
    const first = reduce(started(), { type: 'prompt', prompt: 'new_password', challenge: null, text: 'a', secret: true });
    const second = reduce(first, { type: 'prompt', prompt: 'new_password', challenge: null, text: 'refused: b', secret: true });
    const state = reduce(second, { type: 'answered', value: 'first-answer', prompt: first.prompt });
    assert.equal(state.phase, 'prompt');
    assert.equal(state.prompt.title, 'refused: b');
    assert.equal(state.newPassword, 'first-answer');
  });

  test('only a new password typed twice differently is caught before sending', () => {
    const password = promptModel({ prompt: 'new_password', secret: true });
    assert.deepEqual(promptErrors(password, 'abc', 'abd'), { 'wiz-prompt-confirm': 'The two passwords differ.' });
    assert.deepEqual(promptErrors(password, 'abc', 'abc'), {});
    assert.deepEqual(promptErrors(password, '', ''), {}, 'an empty answer is for core to refuse');
    assert.deepEqual(promptErrors(promptModel({ prompt: 'mfa_code', secret: false }), '', 'x'), {});
  });

  test('a new password becomes the user\'s password once a sign-in step succeeds', () => {
    let state = reduce(started(), { type: 'prompt', prompt: 'new_password', challenge: null, text: '', secret: true });
    state = reduce(state, { type: 'answered', value: 'N3w-password!', prompt: state.prompt });
    assert.equal(state.newPassword, 'N3w-password!');
    assert.equal(passwordTakenBy(state, { type: 'step', step: 'associate' }), '');
    const event = { type: 'step', step: 'signin', text: '' };
    assert.equal(passwordTakenBy(state, event), 'N3w-password!');
    assert.equal(reduce(state, event).newPassword, '', 'taken once');
  });

  test('an answer to an older prompt leaves a newer one open', () => {
    const first = reduce(started(), { type: 'prompt', prompt: 'mfa_code', challenge: 'SMS_MFA', text: '', secret: false });
    const second = reduce(first, { type: 'prompt', prompt: 'mfa_code', challenge: 'SMS_MFA', text: '', secret: false });
    const answered = reduce(second, { type: 'answered', value: '123456', prompt: first.prompt });
    assert.equal(answered.phase, 'prompt');
    assert.equal(answered.prompt, second.prompt);
  });

  test('a step may arrive while a prompt is open; it stays open', () => {
    const prompting = reduce(started(), { type: 'prompt', prompt: 'client_secret', challenge: null, text: '', secret: true });
    const state = reduce(prompting, { type: 'step', step: 'signin', text: '' });
    assert.equal(state.phase, 'prompt');
    assert.equal(state.prompt, prompting.prompt);
  });
});

describe('how a run ends', () => {
  test('done: the account, the prompt closed, nothing more accepted but opening again', () => {
    const account = { id: 'a1', issuer: 'Cognito', label: 'demo' };
    const state = run(started(), { type: 'prompt', prompt: 'mfa_code', secret: false }, { type: 'done', account });
    assert.equal(state.phase, 'done');
    assert.equal(state.prompt, null);
    assert.equal(state.enrolled, account);
    assert.ok(!isRunning(state));
    assert.equal(reduce(state, { type: 'step', step: 'signin', text: '' }), state, 'late events are dropped');
    assert.equal(reduce(state, { type: 'open', defaults: DEFAULTS }).phase, 'pool');
  });

  test('failed: resumable only with the account left pending', () => {
    const error = { kind: 'network', message: 'The connection was lost.' };
    const state = reduce(started(), { type: 'failed', error, resumable: true, account_id: 'p9' });
    assert.equal(state.phase, 'failed');
    // In words for people (format.js's WORDS), not core's log line.
    assert.deepEqual(state.failure,
      { kind: 'network', message: WORDS.network(error), hint: '', field: null, resumableId: 'p9' });
    assert.equal(reduce(started(), { type: 'failed', error, resumable: false, account_id: 'p9' }).failure.resumableId, null);
    const again = reduce(state, { type: 'started', prove: true, resumed: true });
    assert.equal(again.phase, 'running', '"Resume" starts a new run');
    assert.equal(again.failure, null);
  });

  test('cancelled: a failure that ends the run, whose late events are dropped', () => {
    const before = started();
    const state = reduce(before, { type: 'cancelled' });
    assert.equal(state.phase, 'failed');
    assert.equal(state.failure.message, 'The enrolment was cancelled.');
    assert.ok(state.run > before.run, 'the run number moves on');
  });

  test('retry goes back to the step of the field a failure names, with the message there', () => {
    const wrong = { kind: 'invalid_config', message: 'no such region', field: 'region' };
    const state = run(started(), { type: 'failed', error: wrong, resumable: false, account_id: null }, { type: 'retry' });
    assert.equal(state.phase, 'pool');
    assert.deepEqual(state.refusal, { message: 'no such region', hint: '', input: 'wiz-region' });
    const plain = run(started(), { type: 'failed', error: { kind: 'network', message: 'x' }, resumable: false }, { type: 'retry' });
    assert.equal(plain.phase, 'user');
    assert.equal(plain.refusal, null);
  });
});

describe('a failed test sign-in after the account became active', () => {
  // The shell reports it as a warning followed by "done": the account is enrolled and active.
  const warning = 'enrolled; the test sign-in failed: the Cognito sign-in session expired or was already used';
  const account = { id: 'a7', issuer: 'Cognito', label: 'enrolled' };
  const ENROLMENT = ['signin', 'associate', 'store', 'verify', 'preference', 'activate'];
  const steps = (...names) => names.map((step) => ({ type: 'step', step, text: '' }));

  test('a done without the test sign-in reported, when one was asked for: enrolled, the proof failed', () => {
    const before = run(started(), ...steps(...ENROLMENT), { type: 'warning', text: warning });
    assert.equal(proofFailed(before), true);
    const state = reduce(before, { type: 'done', account });
    assert.equal(state.phase, 'done');
    assert.ok(!isRunning(state));
    assert.equal(state.enrolled, account);
    assert.equal(state.proofFailed, true);
    assert.equal(state.failure, null);
    assert.deepEqual(state.warnings, [warning], 'the shell\'s warning says why');
    assert.equal(state.steps.find((step) => step.name === 'signin-test').status, 'stopped');
    assert.equal(state.steps.find((step) => step.name === 'activate').status, 'done');
    assert.match(enrolledMessage(account, state.proofFailed), /^Cognito \(enrolled\) is enrolled: .* Only the test sign-in failed; see the warning above\.$/);
  });

  test('only the test sign-in is stopped: an earlier step the shell did not report stays plain', () => {
    const state = run(started(), ...steps('signin', 'associate', 'store', 'verify', 'activate'), { type: 'done', account });
    assert.equal(state.proofFailed, true);
    assert.equal(state.steps.find((step) => step.name === 'preference').status, '');
    assert.equal(state.steps.find((step) => step.name === 'signin-test').status, 'stopped');
  });

  test('a proven run: the test sign-in reported done, so nothing failed', () => {
    const before = run(started(), ...steps(...ENROLMENT, 'signin-test'));
    assert.equal(proofFailed(before), false);
    const state = reduce(before, { type: 'done', account });
    assert.equal(state.proofFailed, false);
    assert.equal(state.steps.find((step) => step.name === 'signin-test').status, 'done');
    assert.ok(!state.steps.some((step) => step.status === 'stopped'));
    assert.doesNotMatch(enrolledMessage(account, state.proofFailed), /test sign-in/);
  });

  test('a run without the test sign-in: nothing to fail, and its step stays hidden', () => {
    const state = run(started({ prove: false }), ...steps(...ENROLMENT), { type: 'done', account });
    assert.equal(state.proofFailed, false);
    const proof = state.steps.find((step) => step.name === 'signin-test');
    assert.equal(proof.hidden, true);
    assert.equal(proof.status, '');
  });

  test('a resumed run is judged the same way', () => {
    const resumed = (prove) => run(initialState(), { type: 'resume', account: { id: 'a7' }, defaults: DEFAULTS },
      { type: 'started', prove, resumed: true }, ...steps('signin', 'verify', 'preference', 'activate'));
    assert.equal(reduce(resumed(true), { type: 'done', account }).proofFailed, true);
    assert.equal(reduce(resumed(false), { type: 'done', account }).proofFailed, false);
    assert.equal(run(resumed(true), ...steps('signin-test'), { type: 'done', account }).proofFailed, false);
  });

  test('a new run starts without it', () => {
    const failedProof = run(started(), { type: 'done', account });
    assert.equal(failedProof.proofFailed, true);
    const again = run(failedProof, { type: 'open', defaults: DEFAULTS }, { type: 'next' }, { type: 'started', prove: true, resumed: false });
    assert.equal(again.proofFailed, false);
  });
});

describe('hints: one table, by kind, shown with core\'s message', () => {
  test('every input an error kind is about is one the wizard knows', () => {
    for (const [kind, field] of Object.entries(ERROR_FIELDS)) assert.ok(Object.hasOwn(FIELDS, field), `${kind} → ${field}`);
    assert.equal(errorField({ kind: 'flow_not_enabled', message: 'x' }), 'flow');
    assert.equal(errorField({ kind: 'flow_not_enabled', message: 'x', field: 'region' }), 'region', 'core\'s field first');
    assert.equal(errorField({ kind: 'toString', message: 'x' }), null);
  });

  test('the message\'s sentence is ended before the hint', () => {
    assert.equal(withHint('this app client does not allow the USER_SRP_AUTH sign-in flow', 'Choose another sign-in method above.'),
      'this app client does not allow the USER_SRP_AUTH sign-in flow. Choose another sign-in method above.');
    assert.equal(withHint('It failed.', 'Try again.'), 'It failed. Try again.');
    assert.equal(withHint('It failed', ''), 'It failed');
    assert.equal(withHint('', 'Try again.'), 'Try again.');
  });

  test('a sign-in method the app client does not allow: retry shows it under the method select', () => {
    const error = { kind: 'flow_not_enabled', message: 'this app client does not allow the USER_SRP_AUTH sign-in flow' };
    const failed = reduce(started(), { type: 'failed', error, resumable: false, account_id: null });
    assert.equal(failed.failure.hint, 'Choose another sign-in method above.');
    const state = reduce(failed, { type: 'retry' });
    assert.equal(state.phase, 'user');
    assert.deepEqual(state.refusal, { message: error.message, hint: 'Choose another sign-in method above.', input: 'wiz-flow' });
  });

  test('the client secret Cognito needs: retry goes to its input, in either mode', () => {
    const error = { kind: 'client_secret_required', message: 'this app client has a secret, and Cognito needs it' };
    const state = run(started(), { type: 'failed', error, resumable: false, account_id: null }, { type: 'retry' });
    assert.equal(state.phase, 'pool');
    assert.deepEqual(state.refusal, { message: error.message, hint: 'Enter the app client\'s secret.', input: 'wiz-client-secret' });
    assert.deepEqual(fieldTarget(errorField(error), 'resume'), { input: 'wiz-resume-secret', phase: 'user' });
  });

  test('a wrong app client or pool: retry goes to the pool step', () => {
    for (const [kind, input] of [['client_not_found', 'wiz-client'], ['pool_mismatch', 'wiz-pool']]) {
      const state = run(started(), { type: 'failed', error: { kind, message: 'm' }, resumable: false }, { type: 'retry' });
      assert.equal(state.phase, 'pool', kind);
      assert.equal(state.refusal.input, input, kind);
    }
  });

  test('the other new kinds show core\'s message as it is', () => {
    for (const kind of ['clock_skew', 'weak_password', 'service_error', 'session_expired', 'totp_not_verified']) {
      const error = { kind, message: `core says ${kind}` };
      const state = reduce(started(), { type: 'failed', error, resumable: false, account_id: null });
      assert.equal(state.failure.message, `core says ${kind}`);
      assert.equal(state.failure.field, null);
      const retried = reduce(state, { type: 'retry' });
      assert.equal(retried.phase, 'user');
      assert.equal(HINTS[kind], undefined, kind);
      assert.equal(retried.refusal, null, 'no input and no hint: a clean form');
    }
  });

  test('a refusal at the start carries its kind\'s hint', () => {
    const user = run(initialState(), { type: 'open', defaults: DEFAULTS }, { type: 'next' });
    const state = reduce(user, { type: 'refused', error: { kind: 'keychain_locked', message: 'the keychain is locked' } });
    assert.deepEqual(state.refusal, { message: WORDS.keychain_locked({}), hint: HINTS.keychain_locked, input: null });
  });
});

describe('moving a user from another authenticator app', () => {
  const already = { kind: 'already_enrolled', message: 'this user already signs in with another authenticator app; moving to CogAuth replaces it (its codes stop working) and needs its current code' };

  test('offered after a new enrolment is refused because of the other app', () => {
    const state = reduce(started(), { type: 'failed', error: already, resumable: false, account_id: null });
    assert.equal(offersMove(state), true);
    assert.equal(state.failure.kind, 'already_enrolled');
    assert.equal(offersMove(reduce(started(), { type: 'failed', error: { kind: 'network', message: 'x' }, resumable: false })), false);
    assert.equal(offersMove(started()), false);
    const account = { id: 'p1', issuer: 'Cognito', label: 'x', cognito: { region: 'eu-west-1', user_pool_id: 'eu-west-1_Abc', username: 'x' } };
    const resumed = run(initialState(), { type: 'resume', account, defaults: DEFAULTS },
      { type: 'started', prove: true, resumed: true }, { type: 'failed', error: already, resumable: false });
    assert.equal(offersMove(resumed), false, 'not when finishing a pending account');
  });

  test('the move is a new run; a refused one keeps what the failure offers', () => {
    const failed = reduce(started(), { type: 'failed', error: already, resumable: false, account_id: null });
    const refused = reduce(failed, { type: 'refused', error: { kind: 'no_enrolment', message: 'an enrolment is already running' } });
    assert.equal(refused.phase, 'failed');
    assert.equal(refused.failure.message, 'an enrolment is already running');
    assert.equal(offersMove(refused), true, 'still offered');
    const moving = reduce(failed, { type: 'started', prove: true, resumed: false });
    assert.equal(moving.phase, 'running');
    assert.equal(offersMove(moving), false);
  });
});

describe('core\'s refusals go next to their input', () => {
  const user = run(initialState(), { type: 'open', defaults: DEFAULTS }, { type: 'next' });

  test('a pool setting: back to the pool step, next to its input', () => {
    for (const [field, input] of [['region', 'wiz-region'], ['user_pool_id', 'wiz-pool'], ['client_id', 'wiz-client'],
      ['client_secret', 'wiz-client-secret'], ['endpoint', 'wiz-endpoint']]) {
      const state = reduce(user, { type: 'refused', error: { kind: 'invalid', message: `bad ${field}`, field } });
      assert.equal(state.phase, 'pool', field);
      assert.deepEqual(state.refusal, { message: `bad ${field}`, hint: '', input }, field);
    }
  });

  test('a user setting: stays on the user step, next to its input', () => {
    for (const [field, input] of [['username', 'wiz-username'], ['password', 'wiz-password'], ['issuer', 'wiz-issuer'], ['label', 'wiz-label']]) {
      const state = reduce(user, { type: 'refused', error: { kind: 'invalid', message: 'no', field } });
      assert.equal(state.phase, 'user');
      assert.equal(state.refusal.input, input);
    }
  });

  test('no field, or one this wizard does not show: on the form', () => {
    const state = reduce(user, { type: 'refused', error: { kind: 'busy', message: 'An enrolment is running.' } });
    assert.equal(state.phase, 'user');
    assert.deepEqual(state.refusal, { message: 'An enrolment is running.', hint: '', input: null });
    assert.equal(reduce(user, { type: 'refused', error: { kind: 'x', message: 'y', field: 'toString' } }).refusal.input, null);
  });

  test('finishing a pending account shows only its password and client secret', () => {
    assert.deepEqual(fieldTarget('client_secret', 'resume'), { input: 'wiz-resume-secret', phase: 'user' });
    assert.deepEqual(fieldTarget('password', 'resume'), { input: 'wiz-password', phase: 'user' });
    assert.equal(fieldTarget('region', 'resume'), null);
    assert.equal(fieldTarget(undefined, 'new'), null);
  });

  test('a refused "Resume" keeps the failure, with core\'s answer', () => {
    const failed = reduce(started(), { type: 'failed', error: { kind: 'network', message: 'lost' }, resumable: true, account_id: 'p1' });
    const state = reduce(failed, { type: 'refused', error: { kind: 'wrong_password', message: 'Incorrect username or password.' } });
    assert.equal(state.phase, 'failed');
    assert.equal(state.failure.message, 'That password is not right. Check it and try again.');
    assert.equal(state.failure.resumableId, 'p1');
  });
});

describe('requests: sent as typed, no rule and no default in the page', () => {
  const form = {
    region: ' eu-west-1 ', user_pool_id: 'eu-west-1_Abc', client_id: 'c1', client_secret: '', endpoint: '',
    username: ' demo ', password: ' pw ', resume_secret: 's3', issuer: '', label: '', flow: 'srp', prove: true,
    replace_existing: false,
  };

  test('an empty issuer and label are sent empty: core chooses its defaults', () => {
    const request = startRequest(form);
    assert.equal(request.issuer, '');
    assert.equal(request.label, '');
    assert.equal(request.region, ' eu-west-1 ', 'not trimmed');
    assert.equal(request.username, ' demo ');
    assert.equal(request.password, ' pw ');
    assert.equal(request.client_secret, null);
    assert.equal(request.endpoint, null);
    assert.equal(request.flow, 'srp');
    assert.equal(request.prove, true);
    assert.equal(request.replace_existing, false, 'off unless ticked');
  });

  test('moving from another app and choice-based sign-in are sent as chosen', () => {
    const request = startRequest({ ...form, flow: 'user_auth', replace_existing: true });
    assert.equal(request.flow, 'user_auth');
    assert.equal(request.replace_existing, true);
    assert.equal(resumeRequest('p1', { ...form, flow: 'user_auth' }, 'resume').flow, 'user_auth');
    assert.ok(!('replace_existing' in resumeRequest('p1', { ...form, replace_existing: true }, 'resume')),
      'finishing a pending account moves nobody');
  });

  test('typed values go through unchanged, even ones core will refuse', () => {
    const request = startRequest({ ...form, region: 'not a region', endpoint: 'ftp://x', issuer: 'ACME', label: 'me', client_secret: 'sec' });
    assert.equal(request.region, 'not a region');
    assert.equal(request.endpoint, 'ftp://x');
    assert.equal(request.issuer, 'ACME');
    assert.equal(request.label, 'me');
    assert.equal(request.client_secret, 'sec');
  });

  test('resuming takes the client secret of the field on screen', () => {
    assert.deepEqual(resumeRequest('p1', form, 'resume'), { id: 'p1', password: ' pw ', client_secret: 's3', flow: 'srp', prove: true });
    assert.equal(resumeRequest('p1', form, 'new').client_secret, null);
  });
});

describe('the forms\' contents', () => {
  test('a remembered pool fills the pool fields, never a client secret', () => {
    assert.deepEqual(poolFields(DEFAULTS.pools[0]),
      { region: 'eu-west-1', user_pool_id: 'eu-west-1_Abc', client_id: 'c1', endpoint: '', client_secret: '' });
    assert.match(clientSecretNote(DEFAULTS.pools[0]), /has one/);
    assert.equal(clientSecretNote(null), '(only if the client has one)');
    assert.deepEqual(poolChoices(DEFAULTS.pools), [
      { label: 'Another pool', value: '' }, { label: 'eu-west-1_Abc (eu-west-1)', value: '0' },
    ]);
  });

  test('finishing: the summary, the secret field unless the pool has none, the demo password', () => {
    const account = { id: 'p1', issuer: 'Cognito', label: 'demo', cognito: { region: 'eu-west-1', user_pool_id: 'eu-west-1_Abc', username: 'demo' } };
    const form = resumeForm(account, DEFAULTS);
    assert.equal(form.summary, 'Finish enrolling demo (Cognito (demo)) in the user pool eu-west-1_Abc, eu-west-1.');
    assert.equal(form.askSecret, true);
    assert.equal(form.password, null);
    const noSecret = { ...DEFAULTS, pools: [{ ...DEFAULTS.pools[0], has_client_secret: false }] };
    assert.equal(resumeForm(account, noSecret).askSecret, false);
    assert.equal(resumeForm(account, { pools: [], demo: null }).askSecret, true, 'an unknown pool may have one');
    const demo = { region: 'eu-west-1', user_pool_id: 'eu-west-1_Abc', client_id: 'c1', endpoint: 'http://127.0.0.1:1', username: 'demo', password: 'CogAuth-demo-1' };
    assert.equal(resumeForm(account, { ...DEFAULTS, demo }).password, 'CogAuth-demo-1');
    assert.equal(resumeForm(account, { ...DEFAULTS, demo: { ...demo, username: 'other' } }).password, null);
  });

  test('the demo fills the pool and the user, and leaves the names to core', () => {
    const demo = { region: 'us-east-1', user_pool_id: 'us-east-1_X', client_id: 'c', endpoint: 'http://127.0.0.1:9', username: 'demo', password: 'pw' };
    const values = demoForm(demo);
    assert.deepEqual(values, { region: 'us-east-1', user_pool_id: 'us-east-1_X', client_id: 'c', endpoint: 'http://127.0.0.1:9', username: 'demo', password: 'pw' });
    assert.ok(!('issuer' in values) && !('label' in values));
  });
});
