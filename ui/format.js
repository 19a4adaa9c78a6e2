// How values are written for the user: codes grouped for reading, account names in messages,
// counts with their noun, sizes in MiB.
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
