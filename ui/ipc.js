// The one gateway between the page and CogAuth's Rust shell.
//
// No other module may touch Tauri: they call the functions below, one per command, and never
// see a raw command name. The app runs with `withGlobalTauri: false` and without the npm
// package @tauri-apps/api, so this module uses the object Tauri 2 injects into every page it
// serves, `window.__TAURI_INTERNALS__.invoke(command, args)`, which returns a Promise (it is
// what @tauri-apps/api's `invoke` calls too). Which commands a window may call is decided in
// Rust (src-tauri/capabilities), not here.
//
// Every failure is turned into a CommandError, `{ kind, message }` (plus `field` when a
// validation error names the input at fault): the shell's own errors already have that shape;
// anything else (refused by the capabilities, the IPC itself failing, the page opened outside
// the app) gets a `kind` of its own.

/**
 * @typedef {object} CommandError
 * @property {string} kind     Stable snake_case name to branch on, e.g. "keychain_locked".
 * @property {string} message  One sentence for the user.
 * @property {string} [field]  The input at fault. Adding: "issuer", "label", "secret", "kind",
 *   "algorithm", "digits", "period", "counter" or "uri"; enrolling: "region", "user_pool_id",
 *   "client_id", "client_secret", "endpoint", "username", "password", "issuer" or "label";
 *   settings: "clipboard_clear_seconds", "tray_accounts"; export: "password".
 * @property {AccountName} [account]  kind "duplicate": the account whose name it is.
 */

/**
 * @typedef {object} Code
 * @property {string} value        The code as shown, e.g. "287082" (Steam: letters).
 * @property {number} counter      The time step (TOTP) or counter (HOTP) it belongs to.
 * @property {number} [valid_from]  Unix seconds; time-based codes only.
 * @property {number} [valid_until] Unix seconds, exclusive; time-based codes only.
 */

/**
 * @typedef {object} CognitoLink
 * @property {string} region
 * @property {string} user_pool_id
 * @property {string} [client_id]
 * @property {string} username
 * @property {number} [enrolled_at]  Unix seconds when the enrolment finished (if recorded).
 * @property {number} [proven_at]    Unix seconds of the last successful test sign-in.
 * @property {number} [clock_ahead]  Seconds this computer's clock was ahead of Cognito's
 *   (negative: behind) when a code was last sent; absent until one was.
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
 * @property {CognitoLink|null} [cognito]    The pool this account was enrolled in.
 * @property {Code|null} code                Null for hotp, and when `error` is set.
 * @property {Code|null} [next]              The following period's code (totp and steam).
 * @property {CommandError|null} error       Why this account has no code (keychain).
 */

/**
 * @typedef {object} BackupState
 * @property {number|null} last_backup  Unix seconds of the last encrypted backup, or never.
 * @property {number} added_since       Accounts added after it.
 */

/**
 * @typedef {object} AccountList
 * @property {number} now                  Unix seconds the codes were computed for.
 * @property {AccountRow[]} accounts       In the order `view.order` names (manual: stored order).
 * @property {BackupState|null} [backup]   Null when there is nothing to remind of.
 * @property {ListView} view               How the list is shown (remembered in the settings).
 */

/**
 * @typedef {object} ListView
 * @property {'manual'|'name'|'issuer'|'recent'} order  A view over the stored order.
 * @property {'comfortable'|'compact'} density
 */

/**
 * @typedef {object} AccountName
 * @property {string} id
 * @property {string} issuer
 * @property {string} label
 */

/**
 * An account typed in by hand: every field a string exactly as typed, checked and completed by
 * core only. "" is core's default; a setting the kind does not use is sent as "".
 * @typedef {object} ManualEntry
 * @property {string} issuer
 * @property {string} label
 * @property {string} secret      Base32.
 * @property {string} kind        "totp", "hotp" or "steam".
 * @property {string} algorithm   "" for steam.
 * @property {string} digits      "" for steam.
 * @property {string} period      Seconds; "" for hotp.
 * @property {string} counter     "" for totp and steam.
 */

/**
 * @typedef {object} ImportSource
 * @property {string} format      Machine name, e.g. "aegis".
 * @property {boolean} encrypted  Whether a password is needed to read it.
 */

/**
 * @typedef {object} ImportPreview
 * @property {string} format
 * @property {string|null} app          The application that wrote it; null for QR codes.
 * @property {string[]} not_imported    What the format holds that is not imported, in words.
 * @property {{issuer: string, label: string, kind: string}[]} new
 * @property {number} duplicates  Entries that are already in the vault (skipped).
 * @property {string[]} warnings  What the conversion drops, one sentence each.
 */

/**
 * @typedef {object} Settings
 * @property {number} clipboard_clear_seconds
 * @property {boolean} start_hidden
 * @property {boolean} autostart
 * @property {number} tray_accounts
 * @property {string} theme
 * @property {boolean} quick_shortcut_enabled
 * @property {string} quick_shortcut  e.g. "Ctrl+Alt+C"
 */

/**
 * @typedef {object} ShortcutStatus
 * @property {"on" | "off" | "waiting" | "unavailable"} state
 * @property {string | null} keys     The keys that open the quick box now.
 * @property {string | null} message  Why there is none, or what the desktop said.
 * @property {string} command         The command a desktop shortcut can run instead.
 */

/**
 * @typedef {object} PoolSettings
 * @property {string} region
 * @property {string} user_pool_id
 * @property {string} client_id
 * @property {string|null} endpoint
 * @property {boolean} has_client_secret
 */

/**
 * @typedef {object} DemoSettings
 * @property {string} region
 * @property {string} user_pool_id
 * @property {string} client_id
 * @property {string} endpoint
 * @property {string} username
 * @property {string} password
 */

/**
 * @typedef {object} EnrollDefaults
 * @property {PoolSettings[]} pools   Pools of earlier enrolments.
 * @property {DemoSettings|null} demo Set when the app runs against the local emulator.
 * @property {string} default_issuer  The issuer core gives an account when none is typed.
 */

/**
 * How the password is proven: SRP, the plain password (USER_PASSWORD_AUTH), or choice-based
 * sign-in (USER_AUTH) answered with SRP.
 * @typedef {"srp"|"password"|"user_auth"} AuthFlow
 */

/**
 * @typedef {object} EnrollRequest
 * @property {string} region
 * @property {string} user_pool_id
 * @property {string} client_id
 * @property {string|null} client_secret
 * @property {string|null} endpoint
 * @property {string} username
 * @property {string} password
 * @property {AuthFlow} flow
 * @property {string} issuer      As typed; "" is core's default (EnrollDefaults.default_issuer).
 * @property {string} label       As typed; "" is core's default (the username).
 * @property {boolean} prove      Sign in once more with a fresh code at the end.
 * @property {boolean} replace_existing  Move a user who already has another authenticator app
 *   to CogAuth (that app's current code is asked; its codes stop working).
 */

/**
 * An action on an enrolled Cognito account (the test sign-in, turning MFA off).
 * @typedef {object} CognitoAccountRequest
 * @property {string} id
 * @property {string} password
 */

/**
 * @typedef {object} ResumeRequest
 * @property {string} id          The pending account.
 * @property {string} password
 * @property {string|null} client_secret
 * @property {AuthFlow} flow
 * @property {boolean} prove
 */

/**
 * One event of a running enrolment. A note says what the flow is doing while the user waits
 * ("waiting 12 s for a fresh code"). A prompt's `prompt` is core's name for the question
 * ("new_password", again with a `text` saying why the last one was refused; "attribute", a user
 * attribute the pool requires, named in `text`; "other_app_code", the current code of the
 * authenticator app the user is moving from; "mfa_code"; "client_secret"; or a kind this page
 * does not know), `text` the question for the user, and `secret` whether the answer is typed
 * hidden. When only the test sign-in at the end failed (the account is enrolled and active),
 * a warning saying so comes before "done".
 * @typedef {{type: "step", step: string, text: string}
 *   | {type: "warning", text: string}
 *   | {type: "held", account: AccountName, active: boolean}
 *   | {type: "note", text: string}
 *   | {type: "prompt", prompt: string, challenge: string|null, text: string, secret: boolean}
 *   | {type: "done", account: AccountName, clock_ahead?: number}
 *   | {type: "failed", error: CommandError, resumable: boolean, account_id: string|null}
 * } EnrollEvent
 */

/**
 * Calls one command of the shell.
 * @param {string} command
 * @param {Record<string, unknown>|Uint8Array} [args]  A Uint8Array is sent as the raw body.
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
    /** @type {CommandError} */
    const known = { kind: error.kind, message: error.message };
    if (typeof error.field === 'string') known.field = error.field;
    const account = error.account;
    if (account && typeof account === 'object' && typeof account.id === 'string'
        && typeof account.issuer === 'string' && typeof account.label === 'string') {
      known.account = { id: account.id, issuer: account.issuer, label: account.label };
    }
    return known;
  }
  // Tauri's own refusals (a command no capability allows) and IPC failures are plain strings.
  return { kind: 'ipc', message: String(error) };
}

// Accounts

/**
 * Every account with its current code.
 *
 * Time-based accounts carry the code of this moment with its validity window, and the next
 * period's code; HOTP accounts carry none (showing one uses it up). An account whose secret
 * cannot be read has `code: null` and an `error`; the call itself fails only when the vault
 * cannot be read at all.
 *
 * @returns {Promise<AccountList>} rejects with a CommandError
 */
export function listAccounts() {
  return invoke('list_accounts');
}

/**
 * Advances an HOTP account's counter (stored before the code is returned) and gives its code.
 * @param {string} id
 * @returns {Promise<Code>}
 */
export function nextHotp(id) {
  return invoke('next_hotp', { id });
}

/**
 * Copies an account's current code to the clipboard (in Rust, which also clears it later).
 * @param {string} id
 * @returns {Promise<{value: string, clear_after_seconds: number}>}
 */
export function copyCode(id) {
  return invoke('copy_code', { id });
}

/**
 * Adds the account an `otpauth://` link describes.
 * @param {string} uri
 * @returns {Promise<AccountName>} rejects with a CommandError, `field: "uri"` when the link is bad
 */
export function addUri(uri) {
  return invoke('add_uri', { uri });
}

/**
 * Adds an account typed in by hand.
 * @param {ManualEntry} entry
 * @returns {Promise<AccountName>} rejects with a CommandError whose `field` names the bad input
 */
export function addManual(entry) {
  return invoke('add_manual', { entry });
}

/**
 * @param {string} id
 * @param {string} issuer
 * @param {string} label
 * @returns {Promise<AccountName>}
 */
export function renameAccount(id, issuer, label) {
  return invoke('rename_account', { id, issuer, label });
}

/**
 * Hides an account at once and removes it for good after `undo_seconds`.
 * @param {string} id
 * @returns {Promise<{undo_seconds: number}>}
 */
export function deleteAccount(id) {
  return invoke('delete_account', { id });
}

/**
 * Brings back an account deleted less than `undo_seconds` ago.
 * @param {string} id
 * @returns {Promise<null>}
 */
export function undoDelete(id) {
  return invoke('undo_delete', { id });
}

/**
 * Moves an account in the stored order.
 * @param {string} id
 * @param {number} toIndex  Its index afterwards, in the full list.
 * @returns {Promise<null>}
 */
export function moveAccount(id, toIndex) {
  return invoke('move_account', { id, toIndex });
}

/**
 * Remembers how the list is shown; the stored (manual) order is not changed.
 * @param {ListView} view
 * @returns {Promise<ListView>} as stored
 */
export function setListView(view) {
  return invoke('set_list_view', { view });
}

/**
 * Reveals an account's secret, on the user's explicit request, to set up another device.
 * @param {string} id
 * @returns {Promise<{uri: string, qr_svg: string}>}
 */
export function revealAccount(id) {
  return invoke('reveal_account', { id });
}

// Import and export

/**
 * Copies the otpauth link of the account whose secret the user just agreed to show, on the
 * shell's side: marked as a password for clipboard managers and cleared like a code.
 * @param {string} id
 * @returns {Promise<{clear_after_seconds: number}>}
 */
export function copyRevealedUri(id) {
  return invoke('copy_revealed_uri', { id });
}

/**
 * Hands a file (an export of any supported format, or an image with QR codes) to the shell,
 * which keeps it until it is imported or cancelled, another is loaded, or 5 minutes pass.
 * @param {Uint8Array} bytes
 * @returns {Promise<ImportSource>}
 */
export function importLoad(bytes) {
  return invoke('import_load', bytes);
}

/**
 * Lets the user pick a file in the native open dialog; the shell reads and keeps it like
 * importLoad.
 * @returns {Promise<ImportSource>} rejects with kind "cancelled" when the dialog is closed
 */
export function importPick() {
  return invoke('import_pick');
}

/**
 * Drops whatever was loaded for import (the Add view closes: an export may hold a whole
 * password vault, and it must not stay in memory).
 * @returns {Promise<void>}
 */
export function importCancel() {
  return invoke('import_cancel');
}

/**
 * Like importLoad, with the clipboard's image or text.
 * @returns {Promise<ImportSource>}
 */
export function importClipboard() {
  return invoke('import_clipboard');
}

/**
 * Like importLoad, with the QR codes on the screen (a screenshot taken in Rust).
 * @returns {Promise<ImportSource>}
 */
export function importScreenshot() {
  return invoke('import_screenshot');
}

/**
 * @typedef {object} ImportFormat
 * @property {string} name   Machine name, e.g. "aegis".
 * @property {string} app    The application that writes it, e.g. "Aegis".
 * @property {string} files  Which of its files, in a few words.
 */

/**
 * The exports core reads, in its order.
 * @returns {Promise<ImportFormat[]>}
 */
export function importFormats() {
  return invoke('import_formats');
}

/**
 * What importing the loaded file would add and skip. Nothing is written.
 * @param {string|null} password  For encrypted files.
 * @returns {Promise<ImportPreview>}
 */
export function importPreview(password) {
  return invoke('import_preview', { password });
}

/**
 * Imports the loaded file: every new account, or none.
 * @param {string|null} password
 * @returns {Promise<{added: number, skipped: number}>}
 */
export function importApply(password) {
  return invoke('import_apply', { password });
}

/**
 * Writes an encrypted backup of every account where the user picks in a save dialog.
 * @param {string} password
 * @returns {Promise<{path: string, warning: string|null}>} rejects with kind "cancelled" when
 *   the dialog is closed; `warning` says the backup was written but not recorded
 */
export function exportBackup(password) {
  return invoke('export_backup', { password });
}

// Settings

/** @returns {Promise<Settings>} */
export function getSettings() {
  return invoke('get_settings');
}

/**
 * @param {Settings} settings
 * @returns {Promise<Settings>} as stored
 */
export function setSettings(settings) {
  return invoke('set_settings', { settings });
}

// Cognito enrolment

/** @returns {Promise<EnrollDefaults>} */
export function enrollDefaults() {
  return invoke('enroll_defaults');
}

/**
 * Starts an enrolment; its progress comes from enrollNextEvent.
 * @param {EnrollRequest} request
 * @returns {Promise<null>}
 */
export function enrollStart(request) {
  return invoke('enroll_start', { request });
}

/**
 * Signs in to Cognito as an enrolled account's user, answering with a code of the account; its
 * progress (and questions such as the client secret) come from enrollNextEvent.
 * @param {CognitoAccountRequest} request
 * @returns {Promise<void>}
 */
export function cognitoProve(request) {
  return invoke('cognito_prove', { request });
}

/**
 * Gives an enrolled account's user a new secret, which replaces the stored one once Cognito
 * verified it, then signs in with it; its progress comes from enrollNextEvent.
 * @param {CognitoAccountRequest} request
 * @returns {Promise<void>}
 */
export function cognitoReenroll(request) {
  return invoke('cognito_reenroll', { request });
}

/**
 * Turns TOTP MFA off for an enrolled account's user, then removes the account; its progress
 * comes from enrollNextEvent.
 * @param {CognitoAccountRequest} request
 * @returns {Promise<void>}
 */
export function cognitoDisableMfa(request) {
  return invoke('cognito_disable_mfa', { request });
}

/**
 * Continues the enrolment of a pending account; its progress comes from enrollNextEvent.
 * @param {ResumeRequest} request
 * @returns {Promise<null>}
 */
export function enrollResume(request) {
  return invoke('enroll_resume', { request });
}

/**
 * Waits for the next event of the running enrolment. After "done" or "failed" the flow is
 * over and the next call rejects with kind "no_enrolment".
 * @returns {Promise<EnrollEvent>}
 */
export function enrollNextEvent() {
  return invoke('enroll_next_event');
}

/**
 * Answers the last "prompt" event.
 * @param {string} value
 * @returns {Promise<null>}
 */
export function enrollAnswer(value) {
  return invoke('enroll_answer', { value });
}

/** @returns {Promise<null>} */
export function enrollCancel() {
  return invoke('enroll_cancel');
}

// Misc

/**
 * Waits until another program changed the vault on disk since generation `seen` (the last
 * this returned; null: returns the current one at once), or a minute passed.
 * @param {number | null} seen
 * @returns {Promise<number>} the vault's generation now
 */
export function nextVaultChange(seen) {
  return invoke('next_vault_change', { seen });
}

/**
 * Tells the shell the first list is on screen, with when each start-up step ended.
 * @param {Record<string, number>} marks  wall-clock milliseconds by step
 * @returns {Promise<null>}
 */
export function uiReady(marks) {
  return invoke('ui_ready', { marks });
}

// The quick box

/** Hides the quick box (it stays ready for the next time). */
export function quickHide() {
  return invoke('quick_hide');
}

/**
 * Whether the quick box's system-wide shortcut works in this session.
 * @returns {Promise<ShortcutStatus>}
 */
export function shortcutStatus() {
  return invoke('shortcut_status');
}
