// The "Cognito details" dialog's decisions (ui/cognito-state.js) and its place in the row menu.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { menuItems } from '../../ui/accounts-state.js';
import {
  actionsFor, clockText, detailRows, disableConfirmText, outcomeText, reenrollConfirmText, whenText,
} from '../../ui/cognito-state.js';

const LINK = {
  region: 'eu-west-1',
  user_pool_id: 'eu-west-1_AbC',
  client_id: 'client123',
  username: 'alice',
  enrolled_at: 1_700_000_000,
  clock_ahead: -3,
};
const ACCOUNT = {
  id: '0123456789abcdef', issuer: 'Acme', label: 'alice', kind: 'totp', state: 'active', cognito: LINK, code: null, error: null,
};
const ISO = (date) => date.toISOString();

test('the details name the pool, the user, the times and the clock offset', () => {
  assert.deepEqual(detailRows(ACCOUNT, ISO), [
    ['User pool', 'eu-west-1_AbC'],
    ['Region', 'eu-west-1'],
    ['App client', 'client123'],
    ['Username', 'alice'],
    ['Enrolled', '2023-11-14T22:13:20.000Z'],
    ['Last test sign-in', 'Not recorded'],
    ['This computer\'s clock', '3 s behind Cognito'],
  ]);
  assert.deepEqual(detailRows({ ...ACCOUNT, cognito: null }), []);
});

test('times and clock offsets in words', () => {
  assert.equal(whenText(undefined), 'Not recorded');
  assert.equal(whenText(0), 'Not recorded');
  assert.equal(whenText(Number.NaN), 'Not recorded');
  assert.equal(clockText(undefined), 'Not measured yet');
  assert.equal(clockText(0), 'In step with Cognito');
  assert.equal(clockText(2), '2 s ahead of Cognito');
});

test('only an active Cognito account offers the test sign-in, re-enrolment and turning MFA off', () => {
  assert.deepEqual(actionsFor(ACCOUNT), { prove: true, reenroll: true, disable: true });
  const none = { prove: false, reenroll: false, disable: false };
  assert.deepEqual(actionsFor({ ...ACCOUNT, state: 'pending' }), none);
  assert.deepEqual(actionsFor({ ...ACCOUNT, cognito: null }), none);
});

test('the re-enrolment says what happens before the password is asked, and how it ended', () => {
  const text = reenrollConfirmText(ACCOUNT);
  assert.match(text, /new secret for alice/);
  assert.match(text, /only once Cognito has accepted a code of the new one/);
  assert.match(text, /other devices with the old secret stop/);
  assert.deepEqual(outcomeText('reenroll', { type: 'done', account: ACCOUNT }), {
    ok: true, text: 'Re-enrolled: Cognito verified the new secret, CogAuth stored it, and a test sign-in with it works.',
  });
  assert.equal(outcomeText('reenroll', { type: 'failed', error: { kind: 'cancelled', message: '' } }).text, 'Stopped.');
});

test('the row menu offers the details for Cognito accounts only', () => {
  const where = { order: 'manual', first: true, last: true };
  assert.ok(menuItems(ACCOUNT, where).some((item) => item.action === 'cognito' && item.text === 'Cognito details…'));
  assert.ok(menuItems({ ...ACCOUNT, state: 'pending' }, where).some((item) => item.action === 'cognito'));
  assert.ok(!menuItems({ ...ACCOUNT, cognito: null }, where).some((item) => item.action === 'cognito'));
});

test('the confirmation says Cognito stops asking and the account is removed', () => {
  const text = disableConfirmText(ACCOUNT);
  assert.match(text, /Cognito will stop asking alice for a code/);
  assert.match(text, /Acme \(alice\) will be removed from CogAuth/);
});

test('outcomes in words, errors from the WORDS table', () => {
  const account = { id: ACCOUNT.id, issuer: 'Acme', label: 'alice' };
  assert.deepEqual(outcomeText('prove', { type: 'done', account, clock_ahead: 1 }),
    { ok: true, text: 'Signed in with a code from CogAuth: it works. This computer\'s clock: 1 s ahead of Cognito.' });
  assert.deepEqual(outcomeText('prove', { type: 'done', account }),
    { ok: true, text: 'Signed in with a code from CogAuth: it works.' });
  assert.deepEqual(outcomeText('disable', { type: 'done', account }),
    { ok: true, text: 'MFA is off for this user, and Acme (alice) was removed from CogAuth.' });
  const failed = (kind, message = 'x') => ({ type: 'failed', error: { kind, message }, resumable: false, account_id: null });
  assert.deepEqual(outcomeText('prove', failed('wrong_password')),
    { ok: false, text: 'That password is not right. Check it and try again.' });
  assert.deepEqual(outcomeText('disable', failed('cancelled')), { ok: false, text: 'Stopped.' });
  assert.deepEqual(outcomeText('prove', failed('totp_not_active', 'TOTP is not active for this user')),
    { ok: false, text: 'TOTP is not active for this user.' });
});
