// Moving a user from another authenticator app to CogAuth, through the wizard, against the
// local Cognito emulator: its seeded user "enrolled" already signs in with TOTP (the ready
// line's `totp_secret` plays the phone app). Without the opt-in the enrolment stops and says
// so, offering the move; the move asks for that app's current code (oathtool computes it from
// the seeded secret), then enrols CogAuth's own secret, proven by a test sign-in, and the list
// shows the account's code as oathtool computes it from the secret CogAuth stored.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  assertShowsCode, cli, fillField, listed, oathtoolTotp, press, screenshot, startApp, textIn, until,
} from './support.mjs';

/** The emulator's ready line (scripts/e2e saved it for the app's demo mode). */
const POOL = JSON.parse(readFileSync(process.env.COGAUTH_DEMO_POOL ?? '', 'utf8').trim().split('\n').pop());
/** The seeded user that already has an authenticator app. */
const ENROLLED = POOL.users.find((user) => user.name === 'enrolled');

/** The steps a proven enrolment ticks. */
const STEPS = ['signin', 'associate', 'store', 'verify', 'preference', 'activate', 'signin-test'];

/** @type {WebdriverIO.Browser} */
let browser;
let enrolledId = '';

before(async () => {
  assert.ok(ENROLLED?.totp_secret, 'the emulator seeds the user "enrolled" with its TOTP secret');
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
  if (enrolledId) cli(['remove', enrolledId]);
});

/** Replaces the value of a text field (see fillField). */
const fill = (selector, value) => fillField(browser, selector, value);

/** An element's text as the page has it (see textIn). */
const textOf = (selector) => textIn(browser, selector);

/** Whether a checkbox is ticked (read in the page: the user form is hidden by then). */
const ticked = (selector) => browser.execute((query) => Boolean(document.querySelector(query)?.checked), selector);

/** Unix seconds left in the current 30 s time step. */
const leftInStep = () => 30 - (Math.floor(Date.now() / 1000) % 30);

test('a user with another authenticator app is moved to CogAuth only after the explicit offer, with that app\'s code', async (t) => {
  // The wizard, pre-filled with the demo pool; the user is "enrolled" instead of "demo".
  await press(browser.$('#enrol-button'));
  const poolField = browser.$('#wiz-pool');
  await poolField.waitForDisplayed();
  await until(async () => (await poolField.getValue()) === POOL.user_pool_id, 'the demo pool pre-filled');
  await press(browser.$('#wiz-next'));
  await until(async () => (await browser.$('#wiz-username').getValue()) === POOL.users[0].name, 'the demo user pre-filled');
  await fill('#wiz-username', ENROLLED.name);
  await fill('#wiz-password', ENROLLED.password);
  assert.equal(await browser.$('#wiz-replace').isSelected(), false, 'moving is opt-in');
  assert.equal(await browser.$('#wiz-prove').isSelected(), true);

  // Without the opt-in: stopped, saying why, with the move offered; nothing stored.
  await press(browser.$('#wiz-start'));
  await browser.$('#wiz-failed').waitForDisplayed({ timeout: 60000 });
  assert.match(await textOf('#wiz-error'), /already signs in with another authenticator app/);
  const move = browser.$('#wiz-move');
  assert.equal(await move.isDisplayed(), true, 'the move is offered');
  assert.equal(await move.getText(), 'Move this user to CogAuth');
  assert.equal(await browser.$('#wiz-resume').isDisplayed(), false, 'no account was left pending');
  assert.ok(!listed().some((a) => a.cognito?.username === ENROLLED.name), 'nothing stored');
  await screenshot(browser, 'enrol-replace-offered');

  // The move: the same form with the opt-in ticked, which asks for the other app's code.
  await press(move);
  const prompt = browser.$('#wiz-prompt');
  await prompt.waitForDisplayed({ timeout: 60000 });
  assert.equal(await ticked('#wiz-replace'), true, 'the move ticked the opt-in');
  assert.match(await textOf('#wiz-prompt-title'), /already has an authenticator app/);
  assert.equal(await textOf('#wiz-prompt-label'), 'Current code from the other authenticator app');
  const input = browser.$('#wiz-prompt-input');
  assert.equal(await input.getAttribute('type'), 'text', 'a code, typed visibly');
  assert.equal(await input.getAttribute('inputmode'), 'numeric');
  assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await browser.$('#wiz-prompt-confirm-field').isDisplayed(), false);
  assert.match(await textOf('#wiz-warnings'), /stops giving valid codes/, 'the warning came first');

  // The phone app's current code, not in the last seconds of its step.
  if (leftInStep() < 4) await new Promise((resolve) => { setTimeout(resolve, leftInStep() * 1000 + 500); });
  await fill('#wiz-prompt-input', oathtoolTotp(ENROLLED.totp_secret, Math.floor(Date.now() / 1000)));
  await press(browser.$('#wiz-prompt-submit'));

  // Cognito takes each time step once per user, whichever secret: the other app's code spent
  // this one, so Verify waits for the next step, and the test sign-in for the one after (up to
  // 30 s each). The wizard's note says so meanwhile.
  const notes = new Set();
  const outcome = await until(async () => {
    const note = await textOf('#wiz-note');
    if (note) notes.add(note);
    if (await browser.$('#wiz-result').isDisplayed()) return 'done';
    if (await browser.$('#wiz-failed').isDisplayed()) return `failed: ${await textOf('#wiz-error')}`;
    return '';
  }, 'the enrolment to end', 150000);
  await screenshot(browser, 'enrol-replace-done');
  assert.equal(outcome, 'done');
  t.diagnostic(`notes shown: ${JSON.stringify([...notes])}`);
  assert.ok([...notes].some((note) => /^waiting \d+ s for a fresh code$/.test(note)), 'the wait was noted');
  assert.equal(await textOf('#wiz-note'), '', 'no note once the run ended');
  for (const step of STEPS) {
    assert.ok(await browser.$(`#wiz-steps li[data-step="${step}"].done`).isExisting(), `step ${step} ticked`);
  }

  // Active in the vault, with a secret of its own (not the other app's).
  const account = listed().find((a) => a.cognito?.username === ENROLLED.name);
  assert.ok(account, 'the account is in the vault');
  enrolledId = account.id;
  assert.equal(account.state, 'active');
  const secret = new URL(cli(['uri', account.id]).trim()).searchParams.get('secret');
  assert.ok(secret, 'its otpauth URI has a secret');
  assert.notEqual(secret, ENROLLED.totp_secret, 'CogAuth\'s own secret replaced the other app\'s');

  // Listed, showing the code oathtool computes from that secret.
  await press(browser.$('#wiz-done'));
  await browser.$('#view-list').waitForDisplayed();
  await assertShowsCode(browser, account.id, secret);
  await screenshot(browser, 'enrol-replace-listed');
});
