//! Where secrets live: the [`SecretStore`] seam and its real implementation over the OS keychain
//! (`keyring-core` with the Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows).
//!
//! Entries are named `service` + account id; both come from Rust (the configured service name
//! and a validated [`AccountId`]), never from the UI. The secret is stored as unpadded base32
//! text so that `secret-tool lookup service S username ID | oathtool -b --totp -` works too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use zeroize::{Zeroize, Zeroizing};

use super::account::AccountId;
use crate::otp::Secret;

/// What went wrong with the keychain. Details are the platform's words and never hold secret
/// material (the keyring errors that carry bytes are reduced to [`KeychainError::Corrupt`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    /// No keychain could be reached: no D-Bus session bus, no Secret Service on it, or the
    /// platform store failed to start.
    #[error("the keychain is not available: {detail}")]
    Unavailable {
        /// What the platform said, or what is missing.
        detail: String,
    },
    /// The keychain is there but locked, or access was refused.
    #[error(
        "the keychain is locked or refused access; unlock it (log in to the desktop session) and try again ({detail})"
    )]
    Locked {
        /// What the platform said.
        detail: String,
    },
    /// The entry for this account is missing from the keychain.
    #[error("the keychain has no secret for this account (entry {service}/{id})")]
    Missing {
        /// Keychain service name.
        service: String,
        /// Account id.
        id: String,
    },
    /// The entry exists but does not hold a valid secret.
    #[error("the keychain entry {service}/{id} does not hold a valid secret")]
    Corrupt {
        /// Keychain service name.
        service: String,
        /// Account id.
        id: String,
    },
    /// Any other failure reported by the platform store.
    #[error("the keychain failed: {detail}")]
    Other {
        /// What the platform said.
        detail: String,
    },
}

impl KeychainError {
    /// A stable machine-readable name for the error.
    pub fn kind(&self) -> &'static str {
        match self {
            KeychainError::Unavailable { .. } => "keychain_unavailable",
            KeychainError::Locked { .. } => "keychain_locked",
            KeychainError::Missing { .. } => "keychain_missing",
            KeychainError::Corrupt { .. } => "keychain_corrupt",
            KeychainError::Other { .. } => "keychain",
        }
    }
}

/// Stores secrets by account id. The real one is [`KeyringStore`]; tests use doubles that fail
/// on demand.
pub trait SecretStore {
    /// Stores (or replaces) the secret of `id`.
    fn put(&self, id: &AccountId, secret: &Secret) -> Result<(), KeychainError>;
    /// Reads the secret of `id`.
    fn get(&self, id: &AccountId) -> Result<Secret, KeychainError>;
    /// Deletes the secret of `id`; deleting a missing entry is [`KeychainError::Missing`].
    fn delete(&self, id: &AccountId) -> Result<(), KeychainError>;
    /// Reads the secrets of many accounts, with as few keychain round trips as the store allows.
    fn get_many(&self, ids: &[AccountId]) -> Vec<Result<Secret, KeychainError>> {
        ids.iter().map(|id| self.get(id)).collect()
    }
}

/// The OS keychain through `keyring-core`, created on first use so that commands that never
/// touch a secret (`list`) need no keychain at all. A failure to reach it is not remembered:
/// the next call tries again (the app may start before the user's keyring does).
pub struct KeyringStore {
    service: String,
    store: Mutex<Option<Arc<CredentialStore>>>,
    make: fn() -> Result<Arc<CredentialStore>, KeyringError>,
    /// Platform stores get a readable item label; keyring-core's mock store refuses modifiers.
    label_items: bool,
}

impl KeyringStore {
    /// The platform's keychain, entries under `service`.
    pub fn platform(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
            store: Mutex::new(None),
            make: platform_store,
            label_items: true,
        }
    }

    /// Any keyring-core store (the mock store, in tests that inject failures).
    pub fn with_store(service: impl Into<String>, store: Arc<CredentialStore>) -> Self {
        KeyringStore {
            service: service.into(),
            store: Mutex::new(Some(store)),
            make: platform_store,
            label_items: false,
        }
    }

    fn entry(&self, id: &AccountId) -> Result<Entry, KeychainError> {
        let store = {
            let mut slot = self.store.lock().unwrap_or_else(|e| e.into_inner());
            match slot.as_ref() {
                Some(store) => store.clone(),
                None => {
                    let store = (self.make)().map_err(|e| self.map_error(e, id))?;
                    *slot = Some(store.clone());
                    store
                }
            }
        };
        let entry = if self.label_items {
            // The label is what keychain browsers (Seahorse, Keychain Access) show.
            let label = format!("CogAuth secret of account {id}");
            let modifiers = HashMap::from([("label", label.as_str())]);
            Entry::new_in_store_with_modifiers(&store, &self.service, id.as_str(), &modifiers)
        } else {
            Entry::new_in_store(&store, &self.service, id.as_str())
        };
        entry.map_err(|e| self.map_error(e, id))
    }

    fn map_error(&self, error: KeyringError, id: &AccountId) -> KeychainError {
        let (service, id) = (self.service.clone(), id.to_string());
        match error {
            KeyringError::NoEntry => KeychainError::Missing { service, id },
            // These two carry the stored bytes: never format them, and wipe them.
            KeyringError::BadEncoding(mut bytes) | KeyringError::BadDataFormat(mut bytes, _) => {
                bytes.zeroize();
                KeychainError::Corrupt { service, id }
            }
            KeyringError::NoStorageAccess(e) => KeychainError::Locked {
                detail: e.to_string(),
            },
            KeyringError::NoDefaultStore => KeychainError::Unavailable {
                detail: "no keychain store is configured".to_owned(),
            },
            KeyringError::PlatformFailure(e) => classify_platform_failure(e.to_string()),
            other => KeychainError::Other {
                detail: other.to_string(),
            },
        }
    }
}

/// Tells "no bus" and "no Secret Service" apart from other platform failures, so the message
/// says what to start.
fn classify_platform_failure(detail: String) -> KeychainError {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("serviceunknown") || lower.contains("org.freedesktop.secrets") {
        KeychainError::Unavailable {
            detail: format!("no Secret Service (e.g. gnome-keyring) on the session bus ({detail})"),
        }
    } else if lower.contains("dbus_session_bus_address")
        || lower.contains("failed to connect to address")
        || lower.contains("connection refused")
    {
        KeychainError::Unavailable {
            detail: format!("cannot connect to the D-Bus session bus ({detail})"),
        }
    } else {
        KeychainError::Other { detail }
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(unix, target_os = "windows")))]
fn platform_store() -> Result<Arc<CredentialStore>, KeyringError> {
    Err(KeyringError::NoDefaultStore)
}

impl SecretStore for KeyringStore {
    fn put(&self, id: &AccountId, secret: &Secret) -> Result<(), KeychainError> {
        let encoded = secret.to_base32();
        self.entry(id)?
            .set_password(&encoded)
            .map_err(|e| self.map_error(e, id))
    }

    fn get(&self, id: &AccountId) -> Result<Secret, KeychainError> {
        let text = Zeroizing::new(
            self.entry(id)?
                .get_password()
                .map_err(|e| self.map_error(e, id))?,
        );
        Secret::from_base32(&text).map_err(|_| KeychainError::Corrupt {
            service: self.service.clone(),
            id: id.to_string(),
        })
    }

    fn delete(&self, id: &AccountId) -> Result<(), KeychainError> {
        self.entry(id)?
            .delete_credential()
            .map_err(|e| self.map_error(e, id))
    }
}
