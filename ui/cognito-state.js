// The "Cognito details" dialog's decisions: what it shows of an enrolled account (its pool, its
// user, when it was enrolled and last proven, the clock offset measured against Cognito), which
// actions it offers, and what a test sign-in, a re-enrolment or turning MFA off says when it
// ends.
//
// Plain functions of their arguments: no DOM and no IPC (tests/ui/cognito-state.test.mjs).

import { accountName, errorWords } from './format.js';

/**
 * A moment as the user reads it (in the computer's time zone), or "not recorded".
 * @param {number | null | undefined} unix  seconds
 * @param {(date: Date) => string} [format]  How a date is written (the page's locale).
 */
export function whenText(unix, format = (date) => date.toLocaleString()) {
  if (typeof unix !== 'number' || !Number.isFinite(unix) || unix <= 0) return 'Not recorded';
  return format(new Date(unix * 1000));
}

/**
 * The clock offset as words: "1 s ahead of Cognito", "in step with Cognito", or "not
 * measured yet" before any code was sent.
 * @param {number | null | undefined} clockAhead  seconds this computer's clock was ahead
 */
export function clockText(clockAhead) {
  if (typeof clockAhead !== 'number' || !Number.isFinite(clockAhead)) return 'Not measured yet';
  if (clockAhead === 0) return 'In step with Cognito';
  const direction = clockAhead > 0 ? 'ahead of' : 'behind';
  return `${Math.abs(clockAhead)} s ${direction} Cognito`;
}

/**
 * The dialog's rows, in order: [term, value].
 * @param {import('./ipc.js').AccountRow} account  A Cognito account.
 * @param {(date: Date) => string} [format]
 * @returns {Array<[string, string]>}
 */
export function detailRows(account, format) {
  const link = account.cognito;
  if (!link) return [];
  return [
    ['User pool', link.user_pool_id],
    ['Region', link.region],
    ['App client', link.client_id ?? ''],
    ['Username', link.username],
    ['Enrolled', whenText(link.enrolled_at, format)],
    ['Last test sign-in', whenText(link.proven_at, format)],
    ['This computer\'s clock', clockText(link.clock_ahead)],
  ];
}

/**
 * Which actions the dialog offers: a pending account (its enrolment unfinished) has no code
 * Cognito would take, so it is finished from the list instead.
 * @param {import('./ipc.js').AccountRow} account
 * @returns {{prove: boolean, reenroll: boolean, disable: boolean}}
 */
export function actionsFor(account) {
  const active = Boolean(account.cognito) && account.state !== 'pending';
  return { prove: active, reenroll: active, disable: active };
}

/**
 * The confirmation before re-enrolling, naming what happens.
 * @param {import('./ipc.js').AccountRow} account
 */
export function reenrollConfirmText(account) {
  const user = account.cognito?.username ?? account.label;
  return `Cognito will issue a new secret for ${user}. CogAuth replaces the one it holds only once Cognito has accepted a code of the new one; other devices with the old secret stop getting valid codes. Enter the password to go on.`;
}

/**
 * The confirmation before turning MFA off, naming what happens.
 * @param {import('./ipc.js').AccountRow} account
 */
export function disableConfirmText(account) {
  const user = account.cognito?.username ?? account.label;
  return `Cognito will stop asking ${user} for a code from an authenticator app when signing in, and ${accountName(account)} will be removed from CogAuth. Enter the password to go on.`;
}

/**
 * What the dialog says when an action ended.
 * @param {"prove" | "reenroll" | "disable"} action
 * @param {import('./ipc.js').EnrollEvent} event  Its last event ("done" or "failed").
 * @returns {{ok: boolean, text: string}}
 */
export function outcomeText(action, event) {
  if (event.type === 'failed') {
    if (event.error.kind === 'cancelled') return { ok: false, text: 'Stopped.' };
    return { ok: false, text: errorWords(event.error).text };
  }
  if (event.type !== 'done') return { ok: false, text: '' };
  if (action === 'disable') {
    return { ok: true, text: `MFA is off for this user, and ${accountName(event.account)} was removed from CogAuth.` };
  }
  if (action === 'reenroll') {
    return { ok: true, text: 'Re-enrolled: Cognito verified the new secret, CogAuth stored it, and a test sign-in with it works.' };
  }
  const clock = typeof event.clock_ahead === 'number'
    ? ` This computer's clock: ${clockText(event.clock_ahead).replace(/^./, (c) => c.toLowerCase())}.`
    : '';
  return { ok: true, text: `Signed in with a code from CogAuth: it works.${clock}` };
}
