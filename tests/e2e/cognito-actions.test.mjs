// Issue 16, part 3: a Cognito account managed from the app, against the local Cognito
// emulator. A user of a pool with optional MFA (made by tests/system/cognito_peer.py, so that
// turning MFA off is allowed and no other test's user is touched) is enrolled through the
// wizard; its row menu's "Cognito details…" shows the pool, the user, when it was enrolled and
// last proven, and the clock offset; "Test sign-in" signs in with the code CogAuth makes (a
// wrong password says so in words); "Re-enrol…" gives the user a new secret, stored once
// Cognito verified it (the keychain read with secret-tool); "Turn off MFA…" names what happens, then turns TOTP off in
// Cognito and removes the account: a password sign-in (boto3, not CogAuth) is no longer asked
// for a code. Screenshots: cognito-*.png.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import {
  backToList, cli, fillField, listed, press, rowAction, screenshot, startApp, textIn, until,
} from './support.mjs';

const POOL = JSON.parse(readFileSync(process.env.COGAUTH_DEMO_POOL ?? '', 'utf8').trim().split('\n').pop());
const PEER = fileURLToPath(new URL('../system/cognito_peer.py', import.meta.url));
const PYTHON = process.env.COGAUTH_EMULATOR_PYTHON ?? '';
const USER = 'actions';
const PASSWORD = 'Actions-pass-1';

/** Runs Python (the emulator's venv, with boto3) and returns its last line as JSON. */
const python = (args) => JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8' }).trim().split('\n').pop());

/** A pool with optional TOTP MFA and its user, made for this file. */
let optional = { user_pool_id: '', client_id: '' };

/** @type {WebdriverIO.Browser} */
let browser;
let id = '';

before(async () => {
  assert.ok(PYTHON, 'COGAUTH_EMULATOR_PYTHON is set');
  optional = python([PEER, 'optional-pool', POOL.endpoint, USER, PASSWORD]);
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
  if (id && listed().some((a) => a.id === id)) cli(['remove', id]);
});

const fill = (selector, value) => fillField(browser, selector, value);
const textOf = (selector) => textIn(browser, selector);

/** The details dialog's rows, as {term: value}. */
const detailsShown = () => browser.execute(() => {
  const terms = [...document.querySelectorAll('#cognito-details dt')];
  return Object.fromEntries(terms.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? '']));
});

/** Whether a password sign-in (USER_PASSWORD_AUTH, boto3) is asked for a TOTP code. */
const challengeAtSignIn = () => python(['-c', `
import json, boto3
idp = boto3.client("cognito-idp", endpoint_url=${JSON.stringify(POOL.endpoint)}, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
answer = idp.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=${JSON.stringify(optional.client_id)},
                           AuthParameters={"USERNAME": ${JSON.stringify(USER)}, "PASSWORD": ${JSON.stringify(PASSWORD)}})
print(json.dumps({"challenge": answer.get("ChallengeName"), "tokens": "AuthenticationResult" in answer}))
`]);

/** Runs the dialog's action and waits until it says how it ended. */
async function outcome(what, timeoutMs = 120000) {
  return until(async () => {
    if (await browser.$('#cognito-result').isDisplayed()) return `ok: ${await textOf('#cognito-result')}`;
    if (await browser.$('#cognito-error').isDisplayed()) return `error: ${await textOf('#cognito-error')}`;
    if (await browser.$('#cognito-password-error').isDisplayed()) return `password: ${await textOf('#cognito-password-error')}`;
    return '';
  }, what, timeoutMs);
}

/** The secret the keychain holds for the account (secret-tool, not CogAuth). */
const keychainSecret = () => execFileSync('secret-tool', [
  'lookup', 'service', process.env.COGAUTH_KEYRING_SERVICE ?? '', 'username', id,
], { encoding: 'utf8' }).trim();

test('a user enrolled through the wizard shows its Cognito details', async () => {
  await press(browser.$('#enrol-button'));
  const poolField = browser.$('#wiz-pool');
  await poolField.waitForDisplayed();
  await until(async () => (await poolField.getValue()) === POOL.user_pool_id, 'the demo pool pre-filled');
  await fill('#wiz-pool', optional.user_pool_id);
  await fill('#wiz-client', optional.client_id);
  await press(browser.$('#wiz-next'));
  await fill('#wiz-username', USER);
  await fill('#wiz-password', PASSWORD);
  assert.equal(await browser.$('#wiz-prove').isSelected(), true);
  await press(browser.$('#wiz-start'));
  const end = await until(async () => {
    if (await browser.$('#wiz-result').isDisplayed()) return 'done';
    if (await browser.$('#wiz-failed').isDisplayed()) return `failed: ${await textOf('#wiz-error')}`;
    return '';
  }, 'the enrolment to end', 150000);
  assert.equal(end, 'done');
  const account = listed().find((a) => a.cognito?.username === USER);
  assert.ok(account, 'enrolled');
  id = account.id;
  assert.equal(account.state, 'active');
  assert.ok(account.cognito.enrolled_at > 0, 'the enrolment time is in the index');
  assert.ok(account.cognito.proven_at >= account.cognito.enrolled_at, 'and the test sign-in\'s');
  await press(browser.$('#wiz-done'));
  await browser.$('#view-list').waitForDisplayed();

  await rowAction(browser, id, 'cognito');
  await browser.$('#cognito-dialog').waitForDisplayed();
  assert.match(await textOf('#cognito-title'), /^Cognito details: /);
  const shown = await detailsShown();
  assert.equal(shown['User pool'], optional.user_pool_id);
  assert.equal(shown.Region, POOL.region);
  assert.equal(shown['App client'], optional.client_id);
  assert.equal(shown.Username, USER);
  assert.notEqual(shown.Enrolled, 'Not recorded');
  assert.notEqual(shown['Last test sign-in'], 'Not recorded');
  assert.match(shown['This computer\'s clock'], /^(In step with Cognito|\d+ s (ahead of|behind) Cognito)$/);
  assert.equal(await browser.$('#cognito-prove').isDisplayed(), true);
  assert.equal(await browser.$('#cognito-disable').isDisplayed(), true);
  await screenshot(browser, 'cognito-details');
});

test('a test sign-in with a wrong password says so; with the right one it works', async () => {
  await browser.$('#cognito-dialog').waitForDisplayed();
  await fill('#cognito-password', 'Not-the-password-1');
  await press(browser.$('#cognito-prove'));
  assert.equal(await outcome('the wrong password refused'),
    'password: That password is not right. Check it and try again.');
  await screenshot(browser, 'cognito-wrong-password');

  const before = listed().find((a) => a.id === id).cognito;
  await fill('#cognito-password', PASSWORD);
  await press(browser.$('#cognito-prove'));
  const said = await outcome('the test sign-in');
  assert.match(said, /^ok: Signed in with a code from CogAuth: it works\. This computer's clock: (in step with Cognito|\d+ s (ahead of|behind) Cognito)\.$/);
  await screenshot(browser, 'cognito-signed-in');
  const after = listed().find((a) => a.id === id).cognito;
  assert.ok(after.last_used_step > before.last_used_step, 'a fresh code was spent');
  assert.ok(after.proven_at >= before.proven_at, 'the proof time recorded');
  assert.equal(await browser.$('#cognito-password').getValue(), '', 'the password is not kept');
});

test('re-enrolment names what happens, then stores a new secret once Cognito verified it', async () => {
  const old = keychainSecret();
  assert.equal(old.length, 32);
  await press(browser.$('#cognito-reenroll'));
  const confirm = browser.$('#cognito-confirm');
  await confirm.waitForDisplayed();
  assert.match(await confirm.getText(), new RegExp(`new secret for ${USER}`));
  assert.match(await confirm.getText(), /only once Cognito has accepted a code of the new one/);
  assert.equal(await browser.$('#cognito-prove').isDisplayed(), false);
  await screenshot(browser, 'cognito-reenroll-confirm');
  await fill('#cognito-password', PASSWORD);
  await press(browser.$('#cognito-reenroll-confirm'));
  // Three fresh time steps: the sign-in, the verification and the test sign-in.
  const said = await outcome('the re-enrolment', 150000);
  assert.equal(said, 'ok: Re-enrolled: Cognito verified the new secret, CogAuth stored it, and a test sign-in with it works.');
  await screenshot(browser, 'cognito-reenrolled');
  const secret = keychainSecret();
  assert.equal(secret.length, 32);
  assert.notEqual(secret, old, 'a new secret in the keychain');
  const account = listed().find((a) => a.id === id);
  assert.equal(account.state, 'active');
  assert.equal(account.cognito.next_secret, undefined, 'nothing left staged');
  assert.equal(await browser.$('#cognito-prove').isDisplayed(), true, 'the actions are offered again');
  assert.equal(await browser.$('#cognito-password').getValue(), '', 'the password is not kept');
});

test('turning MFA off names what happens, then turns TOTP off in Cognito and removes the account', async () => {
  const account = listed().find((a) => a.id === id);
  assert.deepEqual(challengeAtSignIn(), { challenge: 'SOFTWARE_TOKEN_MFA', tokens: false }, 'MFA is on before');
  await press(browser.$('#cognito-disable'));
  const confirm = browser.$('#cognito-confirm');
  await confirm.waitForDisplayed();
  assert.match(await confirm.getText(), new RegExp(`Cognito will stop asking ${USER} for a code`));
  assert.match(await confirm.getText(), /will be removed from CogAuth/);
  assert.equal(await browser.$('#cognito-prove').isDisplayed(), false);
  await screenshot(browser, 'cognito-disable-confirm');
  await fill('#cognito-password', PASSWORD);
  await press(browser.$('#cognito-disable-confirm'));
  const said = await outcome('MFA turned off');
  assert.equal(said, `ok: MFA is off for this user, and ${account.issuer} (${account.label}) was removed from CogAuth.`);
  await screenshot(browser, 'cognito-disabled');
  assert.ok(!listed().some((a) => a.id === id), 'the account is gone from the vault');
  assert.deepEqual(challengeAtSignIn(), { challenge: null, tokens: true }, 'Cognito no longer asks for a code');
  await press(browser.$('#cognito-close'));
  await backToList(browser);
  await until(async () => !(await browser.$(`li.account[data-id="${id}"]`).isExisting()), 'the row gone');
});
