// How values are written for the user: codes grouped for reading, account names in messages,
// counts with their noun, sizes in MiB, and the hint shown under an error of each kind.
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
