//! The one error type that crosses IPC.
//!
//! Every command returns `Result<_, CommandError>`. Over IPC it is the object
//! `{"kind": "...", "message": "..."}`: the UI branches on `kind` (a stable snake_case name)
//! and shows `message` (one clear sentence from core, never holding a secret).

use std::sync::Arc;

use cogauth_core::VaultError;
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A vault operation failed: account lookup, the index file, or the keychain.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The vault could not be located when the app started (no data folder and no
    /// `COGAUTH_DATA_DIR`). Every command that needs the vault answers with this.
    #[error(transparent)]
    VaultUnavailable(Arc<VaultError>),
    /// The background task running the command ended without an answer (the runtime is
    /// shutting down).
    #[error("the operation was interrupted: {reason}")]
    Interrupted {
        /// What the async runtime reported.
        reason: String,
    },
}

impl CommandError {
    /// The stable name the UI branches on.
    pub fn kind(&self) -> &'static str {
        match self {
            // Core's names, the same the CLI prints in its `--json` errors.
            CommandError::Vault(error) => error.kind(),
            CommandError::VaultUnavailable(error) => error.kind(),
            CommandError::Interrupted { .. } => "interrupted",
        }
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("CommandError", 2)?;
        object.serialize_field("kind", self.kind())?;
        object.serialize_field("message", &self.to_string())?;
        object.end()
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use cogauth_core::KeychainError;

    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let error = CommandError::from(VaultError::NotFound("gh".to_owned()));
        let json = serde_json::to_value(&error).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "not_found",
                "message": "no account matches 'gh'",
            })
        );
    }

    #[test]
    fn keychain_errors_keep_their_own_kind() {
        let locked = CommandError::from(VaultError::Keychain(KeychainError::Locked {
            detail: "prompt dismissed".to_owned(),
        }));
        assert_eq!(locked.kind(), "keychain_locked");
    }

    #[test]
    fn startup_failure_keeps_the_kind_of_its_cause() {
        let error = CommandError::VaultUnavailable(Arc::new(VaultError::NoDataDir));
        assert_eq!(error.kind(), "config");
    }
}
