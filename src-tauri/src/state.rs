//! What the shell keeps between commands: the vault, opened once at start-up.
//!
//! The vault's location comes from core (`COGAUTH_DATA_DIR` / `COGAUTH_KEYRING_SERVICE`, else
//! the platform defaults), exactly as for the CLI, so both can share one test vault. If it
//! cannot be located the app still opens and every command reports why.

use std::sync::Arc;

use cogauth_core::{KeyringStore, Vault, VaultConfig, VaultError};
use tauri::{AppHandle, Manager};

use crate::error::CommandError;

/// The shell's managed state.
pub struct AppState {
    vault: Result<Vault<KeyringStore>, Arc<VaultError>>,
}

impl AppState {
    /// Opens the vault the environment names, on the OS keychain. Touches neither the disk nor
    /// the keychain: core does that lazily, on the first command.
    pub fn from_env() -> Self {
        AppState {
            vault: VaultConfig::resolve(None, None)
                .map(|config| config.open())
                .map_err(Arc::new),
        }
    }

    /// The vault, or why there is none.
    pub fn vault(&self) -> Result<&Vault<KeyringStore>, CommandError> {
        self.vault
            .as_ref()
            .map_err(|error| CommandError::VaultUnavailable(Arc::clone(error)))
    }
}

/// Runs `job` on the blocking thread pool with the managed [`AppState`]: the index and the
/// keychain are blocking I/O (a keychain may even wait for the user), and must stay off both
/// the UI thread and the async workers.
pub async fn with_state<T, F>(app: AppHandle, job: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, CommandError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || job(&app.state::<AppState>()))
        .await
        .map_err(|error| CommandError::Interrupted {
            reason: error.to_string(),
        })?
}
