// How values are written for the user: codes grouped for reading, account names in messages,
// counts with their noun, sizes in MiB, and errors in words for people: the sentence for an
// error of each kind (WORDS) and the hint shown under it (HINTS).
//
// Plain functions of their arguments: no DOM and no IPC, so the state modules can use them
// and tests/ui can run them under Node.

/** "287082" → "287 082", "12345678" → "1234 5678"; Steam's five letters stay whole. */
export function groupCode(value) {
  if (!/^\d{6,8}$/.test(value)) return value;
  const half = Math.floor(value.length / 2);
  return `${value.slice(0, half)} ${value.slice(half)}`;
}

/**
 * How an account is named in messages: "Issuer (label)", or the label alone.
 * @param {{issuer: string, label: string}} account
 */
export function accountName({ issuer, label }) {
  return issuer ? `${issuer} (${label})` : label;
}

/**
 * "1 account", "2 accounts".
 * @param {number} count
 * @param {string} noun  singular; the plural adds an s
 */
export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A size in MiB as the user reads it: "50 MiB", "1.5 MiB" (one decimal at most).
 * @param {number} bytes
 */
export function formatMiB(bytes) {
  const mib = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return `${mib} MiB`;
}

/**
 * Texts one after the other as sentences: each but the last ended with a full stop unless it
 * already ends a sentence (core's messages may not); empty ones are left out.
 * @param {...string} texts
 */
export function sentences(...texts) {
  const parts = texts.filter(Boolean);
  return parts.map((text, index) => (index < parts.length - 1 && !/[.!?]$/.test(text) ? `${text}.` : text)).join(' ');
}

/**
 * Hints shown under a failure, by CommandError kind: what the user can do about it. The one
 * table for every view (the account list, the enrolment wizard); the message itself is core's.
 * @type {Record<string, string>}
 */
export const HINTS = {
  keychain_locked: 'Unlock your keychain (login keyring), then try again.',
  keychain_unavailable: 'CogAuth keeps secrets in the system keychain. Start it (on Linux: a Secret Service such as GNOME Keyring), then try again.',
  config: 'Set COGAUTH_DATA_DIR to the folder that should hold your accounts, then restart CogAuth.',
  index: 'The account list file could not be read. It has not been changed.',
  no_backend: 'Start CogAuth itself rather than opening this page in a browser.',
  // The enrolment wizard's; after "Retry" the first two are shown next to the input they are
  // about (enrol-state.js's ERROR_FIELDS).
  flow_not_enabled: 'Choose another sign-in method above.',
  client_secret_required: 'Enter the app client\'s secret.',
};

/**
 * The hint for an error of `kind`, or '' when there is none.
 * @param {string | null | undefined} kind
 */
export function hintFor(kind) {
  return Object.hasOwn(HINTS, kind ?? '') ? HINTS[kind ?? ''] : '';
}

/**
 * A label shortened for a sentence: "alice@example.com" → "alice@…", a long one cut at 24
 * characters. The whole name stays in the list the sentence points to.
 * @param {string} label
 */
export function shortLabel(label) {
  const at = label.indexOf('@');
  if (at > 0) return `${label.slice(0, at)}@…`;
  return label.length > 24 ? `${label.slice(0, 23)}…` : label;
}

/**
 * Errors in words for people, by CommandError kind: what happened and, where there is one, the
 * next step; no internal ids. Core's own message (precise, for the CLI and logs) is shown for a
 * kind that is not here. An entry that needs data reads it from the error's structured fields
 * (`account` of a duplicate), never from its message.
 * @type {Record<string, (error: {kind: string, message: string, account?: {issuer: string, label: string}}) => string>}
 */
export const WORDS = {
  duplicate: ({ account }) => (account
    ? `You already have ${accountName({ issuer: account.issuer, label: shortLabel(account.label) })}.`
    : 'You already have an account with this name.'),
  wrong_password: () => 'That password is not right. Check it and try again.',
  password_required: () => 'This file is encrypted: enter the password it was saved with.',
  not_found: () => 'That account is no longer there.',
  unknown_format: () => 'CogAuth does not know this file. Choose an export of an authenticator app or a picture of QR codes.',
  not_utf8: () => 'CogAuth does not know this file. Choose an export of an authenticator app or a picture of QR codes.',
  empty: () => 'This file is empty.',
  no_qr_code: () => 'No QR code was found in this picture. Try a sharper or larger one.',
  clipboard_empty: () => 'The clipboard holds no picture and no otpauth link. Copy one, then try again.',
  user_not_found: () => 'This pool has no user by that name. Check the username.',
  network: () => 'CogAuth could not reach the server. Check your connection, then try again.',
  throttled: () => 'The server asks to slow down. Wait a minute, then try again.',
  keychain_locked: () => 'Your keychain is locked.',
};

/**
 * An error as the user reads it: WORDS' sentence for its kind (else core's message, as a
 * sentence), then HINTS' next step. `show` is the account it is about, for a "Show it" action.
 * @param {{kind: string, message: string, account?: {id: string, issuer: string, label: string}}} error
 * @returns {{text: string, show: {id: string, issuer: string, label: string} | null}}
 */
export function errorWords(error) {
  return {
    text: sentences(errorSentence(error), hintFor(error.kind)),
    show: error.kind === 'duplicate' && error.account ? error.account : null,
  };
}

/**
 * What happened, without the hint: WORDS' sentence for the error's kind, else core's message
 * as a sentence.
 * @param {{kind: string, message: string, account?: {issuer: string, label: string}}} error
 */
export function errorSentence(error) {
  return wordsFor(error) ?? asSentence(error.message);
}

/**
 * WORDS' sentence for the error's kind, or null when the table has none.
 * @param {{kind: string, message: string, account?: {issuer: string, label: string}}} error
 */
export function wordsFor(error) {
  return Object.hasOwn(WORDS, error.kind) ? WORDS[error.kind](error) : null;
}

/**
 * Core's message as a sentence: its first letter upper case, a full stop at the end.
 * @param {string} message
 */
export function asSentence(message) {
  const text = (message ?? '').trim();
  if (!text) return '';
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
