//! CogAuth's desktop shell: Tauri v2 over `cogauth-core`.
//!
//! The shell owns the window, the IPC surface and how answers look to the UI; every rule about
//! accounts, codes and the keychain lives in core. Modules:
//!
//! - [`commands`]: the IPC commands, one-line adapters over core;
//! - [`view`]: core's answers shaped for the UI's screens;
//! - [`state`]: the vault opened once at start-up, and the blocking-pool helper;
//! - [`error`]: the `{kind, message}` error every command returns.
//!
//! The webview's rights are set outside the code: `tauri.conf.json` (CSP, no global Tauri
//! object), `capabilities/` (which window may call which command) and `build.rs` (the command
//! list that makes the capabilities binding).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod commands;
pub mod error;
pub mod state;
pub mod view;

#[cfg(test)]
mod security_tests;

use state::AppState;

/// Builds and runs the app until the last window closes. Returns an error only if Tauri
/// cannot start (no display, no WebKit, a broken bundled config).
pub fn run() -> tauri::Result<()> {
    tauri::Builder::default()
        .manage(AppState::from_env())
        .invoke_handler(tauri::generate_handler![commands::list_accounts])
        .run(tauri::generate_context!())
}
