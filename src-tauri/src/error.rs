//! The one error type that crosses IPC.
//!
//! Every command returns `Result<_, CommandError>`. Over IPC it is the object
//! `{"kind": "...", "message": "..."}`: the UI branches on `kind` (a stable snake_case name)
//! and shows `message` (one clear sentence from core, never holding a secret). A duplicate name
//! also carries the account it clashes with, `account: {id, issuer, label}`, so that the UI can
//! name it in its own words and show it without reading the message.

use std::sync::Arc;

use cogauth_core::backup::BackupError;
use cogauth_core::cognito::CognitoError;
use cogauth_core::transfer::{ExportError, ImportError};
use cogauth_core::{FieldError, VaultError};
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
    /// What the user typed is not valid; `field` names the form field it belongs to.
    #[error("{message}")]
    Invalid {
        /// The field to show the message next to (`secret`, `digits`, …), when one is known.
        field: Option<&'static str>,
        /// What is wrong.
        message: String,
    },
    /// A field of a form was refused by core ([`cogauth_core::fields`]).
    #[error(transparent)]
    Field(#[from] FieldError),
    /// Signing in to or enrolling with Cognito failed.
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    /// Reading an import file failed; nothing was added.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// Writing a backup failed; no file was left behind.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The backup record (when the last backup was made) could not be read.
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// The system clipboard refused the code.
    #[error("the clipboard is not available: {0}")]
    Clipboard(String),
    /// The settings file could not be written.
    #[error("the settings could not be saved: {0}")]
    Settings(String),
    /// The user closed a dialog or cancelled a flow.
    #[error("cancelled")]
    Cancelled,
    /// An enrolment command came while none is running (or one while another runs).
    #[error("{0}")]
    Enrolment(&'static str),
    /// There is no loaded import file.
    #[error("choose a file, a picture or the clipboard to import first")]
    NothingLoaded,
    /// The background task running the command ended without an answer (the runtime is
    /// shutting down).
    #[error("the operation was interrupted: {reason}")]
    Interrupted {
        /// What the async runtime reported.
        reason: String,
    },
}

impl CommandError {
    /// A validation error shown next to `field`.
    pub fn invalid(field: &'static str, message: impl ToString) -> Self {
        CommandError::Invalid {
            field: Some(field),
            message: message.to_string(),
        }
    }

    /// The stable name the UI branches on.
    pub fn kind(&self) -> &'static str {
        match self {
            // Core's names, the same the CLI prints in its `--json` errors.
            CommandError::Vault(error) => error.kind(),
            CommandError::VaultUnavailable(error) => error.kind(),
            CommandError::Cognito(error) => error.kind(),
            CommandError::Import(error) => error.kind(),
            CommandError::Export(error) => error.kind(),
            CommandError::Backup(error) => error.kind(),
            CommandError::Invalid { .. } | CommandError::Field(_) => "invalid_input",
            CommandError::Clipboard(_) => "clipboard",
            CommandError::Settings(_) => "settings",
            CommandError::Cancelled => "cancelled",
            CommandError::Enrolment(_) => "no_enrolment",
            CommandError::NothingLoaded => "nothing_loaded",
            CommandError::Interrupted { .. } => "interrupted",
        }
    }

    /// The form field the error belongs to, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CommandError::Invalid { field, .. } => *field,
            CommandError::Field(error) | CommandError::Vault(VaultError::InvalidName(error)) => {
                Some(error.field.name())
            }
            CommandError::Vault(VaultError::Duplicate { .. }) => Some("label"),
            CommandError::Cognito(CognitoError::InvalidConfig { field, .. }) => Some(field),
            CommandError::Export(ExportError::WeakPassword) => Some("password"),
            _ => None,
        }
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let field = self.field();
        let mut object = serializer.serialize_struct("CommandError", 4)?;
        object.serialize_field("kind", self.kind())?;
        object.serialize_field("message", &self.to_string())?;
        if let Some(field) = field {
            object.serialize_field("field", field)?;
        } else {
            object.skip_field("field")?;
        }
        match self {
            CommandError::Vault(VaultError::Duplicate {
                id, issuer, label, ..
            }) => object.serialize_field(
                "account",
                &crate::view::AccountRef {
                    id: id.to_string(),
                    issuer: issuer.clone(),
                    label: label.clone(),
                },
            )?,
            _ => object.skip_field("account")?,
        }
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
    fn a_duplicate_names_the_account_it_clashes_with() {
        let id = cogauth_core::AccountId::generate().expect("random");
        let error = CommandError::from(VaultError::Duplicate {
            name: "GitHub:alice".to_owned(),
            id: id.clone(),
            issuer: "GitHub".to_owned(),
            label: "alice".to_owned(),
        });
        let json = serde_json::to_value(&error).expect("serializes");
        assert_eq!(json["kind"], "duplicate");
        assert_eq!(
            json["account"],
            serde_json::json!({"id": id.to_string(), "issuer": "GitHub", "label": "alice"})
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
    fn validation_errors_name_their_field() {
        let error = CommandError::invalid("secret", "the secret is empty");
        let json = serde_json::to_value(&error).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "invalid_input",
                "message": "the secret is empty",
                "field": "secret",
            })
        );
        let name = CommandError::from(VaultError::InvalidName(
            cogauth_core::fields::names(" ", "").expect_err("no name"),
        ));
        assert_eq!(name.field(), Some("label"));
        let pool = CommandError::from(CognitoError::InvalidConfig {
            field: "user_pool_id",
            reason: "it must be <region>_<id>",
        });
        assert_eq!(pool.field(), Some("user_pool_id"));
        assert_eq!(
            pool.to_string(),
            "invalid user pool id: it must be <region>_<id>"
        );
    }

    #[test]
    fn startup_failure_keeps_the_kind_of_its_cause() {
        let error = CommandError::VaultUnavailable(Arc::new(VaultError::NoDataDir));
        assert_eq!(error.kind(), "config");
    }
}
