// The one gateway between the page and CogAuth's Rust shell.
//
// No other module may touch Tauri: they call the functions below, one per command, and never
// see a raw command name. The app runs with `withGlobalTauri: false` and without the npm
// package @tauri-apps/api, so this module uses the object Tauri 2 injects into every page it
// serves, `window.__TAURI_INTERNALS__.invoke(command, args)`, which returns a Promise (it is
// what @tauri-apps/api's `invoke` calls too). Which commands a window may call is decided in
// Rust (src-tauri/capabilities), not here.
//
// Every failure is turned into a CommandError, `{ kind, message }`: the shell's own errors
// already have that shape; anything else (refused by the capabilities, the IPC itself failing,
// the page opened outside the app) gets a `kind` of its own.

/**
 * @typedef {object} CommandError
 * @property {string} kind     Stable snake_case name to branch on, e.g. "keychain_locked".
 * @property {string} message  One sentence for the user.
 */

/**
 * @typedef {object} Code
 * @property {string} value        The code as shown, e.g. "287082" (Steam: letters).
 * @property {number} counter      The time step (TOTP) or counter (HOTP) it belongs to.
 * @property {number} [valid_from]  Unix seconds; time-based codes only.
 * @property {number} [valid_until] Unix seconds, exclusive; time-based codes only.
 */

/**
 * @typedef {object} AccountRow
 * @property {string} id
 * @property {string} issuer                 May be empty.
 * @property {string} label
 * @property {"totp"|"hotp"|"steam"} kind
 * @property {number} [period]               Seconds; totp and steam.
 * @property {number} [counter]              hotp.
 * @property {string} algorithm              "SHA1", "SHA256" or "SHA512".
 * @property {number} digits
 * @property {"active"|"pending"} state
 * @property {string} [pending_reason]
 * @property {Code|null} code                Null for hotp, and when `error` is set.
 * @property {CommandError|null} error       Why this account has no code (keychain).
 */

/**
 * @typedef {object} AccountList
 * @property {number} now              Unix seconds the codes were computed for.
 * @property {AccountRow[]} accounts   In stored order.
 */

/**
 * Calls one command of the shell.
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<any>} rejects with a CommandError
 */
function invoke(command, args = {}) {
  const internals = window.__TAURI_INTERNALS__;
  if (!internals || typeof internals.invoke !== 'function') {
    return Promise.reject({
      kind: 'no_backend',
      message: 'This page is not running inside the CogAuth app.',
    });
  }
  return internals.invoke(command, args).catch((error) => {
    throw toCommandError(error);
  });
}

/**
 * @param {unknown} error
 * @returns {CommandError}
 */
function toCommandError(error) {
  if (error && typeof error === 'object'
      && typeof error.kind === 'string' && typeof error.message === 'string') {
    return { kind: error.kind, message: error.message };
  }
  // Tauri's own refusals (a command no capability allows) and IPC failures are plain strings.
  return { kind: 'ipc', message: String(error) };
}

/**
 * Every account with its current code.
 *
 * Time-based accounts carry the code of this moment with its validity window; HOTP accounts
 * carry none (showing one uses it up). An account whose secret cannot be read has `code: null`
 * and an `error`; the call itself fails only when the vault cannot be read at all.
 *
 * @returns {Promise<AccountList>} rejects with a CommandError
 */
export function listAccounts() {
  return invoke('list_accounts');
}
