//! Copying a code: which code a copy takes (HOTP codes are used up when shown), and the timer
//! that clears the clipboard again. Shared by the copy command and the tray menu.

use std::time::Duration;

use cogauth_core::vault::now_unix;
use cogauth_core::{AccountId, Code, OtpKind, SecretStore, Vault};
use serde::Serialize;
use tauri::{AppHandle, Manager};

use crate::error::CommandError;
use crate::state::AppState;

/// What a copy did.
#[derive(Debug, Serialize)]
pub struct Copied {
    /// The code put on the clipboard.
    pub value: String,
    /// Seconds until the clipboard is cleared (if it still holds the code).
    pub clear_after_seconds: u32,
}

/// The code a copy of `id` takes at `now`: a time-based account's current code; for HOTP the
/// code already shown in this run (`shown`), else the next one, after saving the advanced
/// counter. The flag says whether an HOTP code was newly used up.
pub fn code_to_copy<S: SecretStore>(
    vault: &Vault<S>,
    id: &AccountId,
    shown: Option<Code>,
    now: u64,
) -> Result<(Code, bool), CommandError> {
    let account = vault
        .accounts()?
        .into_iter()
        .find(|a| &a.id == id)
        .ok_or_else(|| cogauth_core::VaultError::NotFound(id.to_string()))?;
    let hotp = matches!(account.params.kind, OtpKind::Hotp { .. });
    if let (true, Some(code)) = (hotp, shown) {
        return Ok((code, false));
    }
    let (_, code) = vault.code(id.as_str(), now)?;
    Ok((code, hotp))
}

/// Copies `id`'s code to the clipboard and arms the timer that clears it. Blocking I/O.
pub fn copy(app: &AppHandle, state: &AppState, id: &AccountId) -> Result<Copied, CommandError> {
    let code = {
        let mut revealed = state.revealed();
        let shown = revealed.get(id).cloned();
        let (code, used_up) = code_to_copy(state.vault()?, id, shown, now_unix())?;
        if used_up {
            revealed.insert(id.clone(), code.clone());
        }
        code
    };
    let seconds = copy_text(app, state, &code.value)?;
    // For the "recently used" order: a hint, so a failure to record it does not fail the copy.
    if let Err(error) = state.vault()?.mark_used(id, now_unix()) {
        eprintln!("cogauth-app: the last use of {id} was not recorded: {error}");
    }
    Ok(Copied {
        value: code.value,
        clear_after_seconds: seconds,
    })
}

/// Puts `text` (a code, or a revealed otpauth URI) on the clipboard, marked for clipboard
/// managers as a password, and clears it after the user's timeout if it is still ours.
/// Returns the timeout in seconds.
pub fn copy_text(app: &AppHandle, state: &AppState, text: &str) -> Result<u32, CommandError> {
    let generation = state.copier.copy(text)?;
    let seconds = state.settings.settings().clipboard_clear_seconds;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(seconds.into())).await;
        let _ = tauri::async_runtime::spawn_blocking(move || {
            app.state::<AppState>().copier.clear_if_ours(generation)
        })
        .await;
    });
    Ok(seconds)
}
