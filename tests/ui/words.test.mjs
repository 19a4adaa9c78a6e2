// Issue 17, "Words and flows": errors in words for people (format.js's WORDS, fed by the
// structured fields of an error, never by its message), the enrolment's wrong password and
// "already enrolled", the "By hand" form's Advanced part, settings saved as they are chosen,
// and each wizard screen opened at its top.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ADVANCED_FIELDS, KIND_FIELDS, MANUAL_FIELDS, manualRefusal } from '../../ui/add-state.js';
import {
  alreadyEnrolledText, BACK_TO_INPUT, heldText, initialState, opensScreen, reduce,
} from '../../ui/enrol-state.js';
import { asSentence, errorWords, HINTS, shortLabel, WORDS } from '../../ui/format.js';
import { savesOn, settingsInputOf, settingsToSave, wholeNumber } from '../../ui/settings-state.js';

const GITHUB = { id: 'e9216975127ad206', issuer: 'GitHub', label: 'alice@example.com' };
const DUPLICATE = {
  kind: 'duplicate',
  message: "an account named 'GitHub:alice@example.com' already exists (id e9216975127ad206); choose another name",
  field: 'label',
  account: GITHUB,
};

describe('errors in words for people', () => {
  test('a duplicate names the account from its structured data, offers to show it, and has no id', () => {
    const { text, show } = errorWords(DUPLICATE);
    assert.equal(text, 'You already have GitHub (alice@…).');
    assert.equal(show, GITHUB);
    assert.doesNotMatch(text, /e9216975127ad206|choose another name/);
    // The same message with other account data: the words follow the data, not the message.
    assert.equal(errorWords({ ...DUPLICATE, account: { id: 'x', issuer: '', label: 'bob' } }).text, 'You already have bob.');
    assert.equal(errorWords({ ...DUPLICATE, account: undefined }).show, null);
  });

  test('a wrong password for a file says so without the log\'s words', () => {
    const { text, show } = errorWords({ kind: 'wrong_password', message: 'wrong password for the aegis file' });
    assert.equal(text, 'That password is not right. Check it and try again.');
    assert.equal(show, null);
  });

  test('a kind with no words shows core\'s message as a sentence, then its hint', () => {
    assert.equal(errorWords({ kind: 'index', message: 'the index could not be read' }).text,
      `The index could not be read. ${HINTS.index}`);
    assert.equal(asSentence('already a sentence.'), 'Already a sentence.');
    assert.equal(asSentence(''), '');
  });

  test('every entry of the table is a sentence with no id, for any error of its kind', () => {
    for (const [kind, words] of Object.entries(WORDS)) {
      const text = words({ kind, message: 'm', account: GITHUB });
      assert.match(text, /^[A-Z].*[.!?]$/, kind);
      assert.doesNotMatch(text, /\bid\b|e9216975127ad206/, kind);
    }
  });

  test('labels are shortened for a sentence', () => {
    assert.equal(shortLabel('alice@example.com'), 'alice@…');
    assert.equal(shortLabel('bob'), 'bob');
    assert.equal(shortLabel('x'.repeat(40)), `${'x'.repeat(23)}…`);
  });
});

describe('the "By hand" form', () => {
  test('a duplicate goes next to the name, in words, with "Show it"', () => {
    assert.deepEqual(manualRefusal(DUPLICATE),
      { input: MANUAL_FIELDS.label, text: 'You already have GitHub (alice@…).', openAdvanced: false, show: GITHUB });
  });

  test('a refusal of a rare setting opens "Advanced"', () => {
    const refusal = manualRefusal({ kind: 'invalid_input', message: 'the period must be 1 to 3600 seconds', field: 'period' });
    assert.equal(refusal.input, MANUAL_FIELDS.period);
    assert.equal(refusal.openAdvanced, true);
    assert.equal(refusal.text, 'The period must be 1 to 3600 seconds.');
    assert.equal(manualRefusal({ kind: 'invalid_input', message: 'bad', field: 'secret' }).openAdvanced, false);
    assert.equal(manualRefusal({ kind: 'internal', message: 'boom' }).input, null);
  });

  test('"Advanced" holds the type and every setting a type has', () => {
    assert.ok(ADVANCED_FIELDS.includes('kind'));
    for (const fields of Object.values(KIND_FIELDS)) {
      for (const field of fields) assert.ok(ADVANCED_FIELDS.includes(field), field);
    }
    for (const field of ['issuer', 'label', 'secret']) assert.ok(!ADVANCED_FIELDS.includes(field), field);
  });
});

describe('enrolment: a wrong password and a user CogAuth already holds', () => {
  const DEFAULTS = { pools: [], demo: null, default_issuer: 'Cognito' };
  const running = () => [
    { type: 'open', defaults: DEFAULTS }, { type: 'next' }, { type: 'started', prove: true, resumed: false },
  ].reduce(reduce, initialState());
  const wrong = { kind: 'wrong_password', message: 'Incorrect username or password.' };

  test('a wrong password goes back to the password field, the error under it, nothing to resume', () => {
    assert.ok(BACK_TO_INPUT.includes('wrong_password'));
    const state = reduce(running(), { type: 'failed', error: wrong, resumable: false, account_id: null });
    assert.equal(state.phase, 'user');
    assert.equal(state.failure, null, 'no failure screen, so no "Resume" repeating the password');
    assert.deepEqual(state.refusal,
      { message: 'That password is not right. Check it and try again.', hint: '', input: 'wiz-password' });
  });

  test('a user held as an active account: named without its id, and "already enrolled" under the password', () => {
    const held = reduce(running(), { type: 'held', account: GITHUB, active: true });
    assert.equal(held.phase, 'running');
    assert.deepEqual(held.warnings, ['This user is already enrolled in CogAuth as GitHub (alice@…).']);
    assert.doesNotMatch(held.warnings[0], /e9216975127ad206|resuming/);
    const state = reduce(held, { type: 'failed', error: wrong, resumable: false, account_id: null });
    assert.equal(state.phase, 'user');
    assert.equal(state.refusal.input, 'wiz-password');
    assert.match(state.refusal.message, /not right.*already enrolled in CogAuth as GitHub \(alice@…\)\./);
    assert.equal(alreadyEnrolledText(GITHUB), 'This user is already enrolled in CogAuth as GitHub (alice@…).');
  });

  test('a user held as a pending account: the enrolment finishes it', () => {
    assert.equal(heldText({ account: GITHUB, active: false }),
      'CogAuth already has this user as GitHub (alice@…), not yet finished: finishing that enrolment.');
  });

  test('other failures still show the failure screen', () => {
    const state = reduce(running(), { type: 'failed', error: { kind: 'network', message: 'lost' }, resumable: true, account_id: 'p' });
    assert.equal(state.phase, 'failed');
    assert.equal(state.failure.resumableId, 'p');
  });

  test('each screen opens at its top: a change of screen, not of state within one', () => {
    const user = [{ type: 'open', defaults: DEFAULTS }, { type: 'next' }].reduce(reduce, initialState());
    assert.equal(opensScreen(initialState(), user), true);
    const run = reduce(user, { type: 'started', prove: true, resumed: false });
    assert.equal(opensScreen(user, run), true);
    assert.equal(opensScreen(run, reduce(run, { type: 'note', text: 'waiting' })), false);
  });
});

describe('settings, saved as they are chosen', () => {
  const form = {
    clipboard_clear_seconds: ' 45 ', tray_accounts: '8', start_hidden: true, autostart: false, theme: 'dark',
    quick_shortcut_enabled: true, quick_shortcut: 'Ctrl+Alt+C',
  };

  test('the controls as settings, keeping what this view has no control for', () => {
    const { settings, errors } = settingsToSave(form, { sort: 'name', theme: 'light', tray_accounts: 3 });
    assert.deepEqual(errors, {});
    assert.deepEqual(settings, {
      sort: 'name', clipboard_clear_seconds: 45, start_hidden: true, autostart: false, tray_accounts: 8, theme: 'dark',
      quick_shortcut_enabled: true, quick_shortcut: 'Ctrl+Alt+C',
    });
  });

  test('a number that is not whole is not sent', () => {
    const { settings, errors } = settingsToSave({ ...form, tray_accounts: '2.5' }, {});
    assert.equal(settings, null);
    assert.deepEqual(Object.keys(errors), ['set-tray-accounts']);
    assert.equal(wholeNumber(''), null);
    assert.equal(wholeNumber('0'), 0);
  });

  test('a change is saved when it is committed, not on each keystroke', () => {
    assert.equal(savesOn('set-theme', 'change'), true);
    assert.equal(savesOn('set-start-hidden', 'change'), true);
    assert.equal(savesOn('set-clipboard-seconds', 'input'), false);
    assert.equal(savesOn('export-password', 'change'), false);
  });

  test('the shell\'s refusal goes next to the input it names', () => {
    assert.equal(settingsInputOf({ field: 'tray_accounts' }), 'set-tray-accounts');
    assert.equal(settingsInputOf({ field: 'quick_shortcut' }), 'set-quick-shortcut');
    assert.equal(settingsInputOf({}), null);
  });
});
