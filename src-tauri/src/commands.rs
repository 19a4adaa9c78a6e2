//! The IPC commands: thin adapters, no rules. Each one takes the UI's input, calls core once
//! (through [`crate::view`] when the answer needs shaping for the UI), and returns the result.
//!
//! Adding a command: write it here, register it in `lib.rs` (`generate_handler!`), list it in
//! `build.rs` (`COMMANDS`), allow it in `capabilities/main.json`, and give it one function in
//! `ui/ipc.js`.

use cogauth_core::vault::now_unix;
use tauri::AppHandle;

use crate::error::CommandError;
use crate::state::with_state;
use crate::view::AccountList;

/// All accounts, each with its current code (none for HOTP: showing one uses it up).
#[tauri::command]
pub async fn list_accounts(app: AppHandle) -> Result<AccountList, CommandError> {
    with_state(app, |state| AccountList::at(state.vault()?, now_unix())).await
}
