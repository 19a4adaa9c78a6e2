//! Where secrets live: the [`SecretStore`] seam and its real implementation over the OS keychain
//! (`keyring-core` with the Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows).
//!
//! Entries are named `service` + account id; both come from Rust (the configured service name
//! and a validated [`AccountId`]), never from the UI. The secret is stored as unpadded base32
//! text so that `secret-tool lookup service S username ID | oathtool -b --totp -` works too.
//!
//! Reading many secrets at once (a screen of codes, an export) goes through one Secret Service
//! search for the whole service on Linux ([`SecretStore::get_many`]) instead of a search and a
//! read per account, one after the other. keyring-core's own `search` is no help there: it
//! hands back entries that each cost four more round trips to read, so the batch talks to the
//! Secret Service through the `secret-service` crate directly (the crate the platform store is
//! built on) and sends its per-item requests together. With 1,000 accounts in gnome-keyring
//! that reads all secrets in about 0.5–0.8 s instead of 1.0–1.7 s; what remains is
//! gnome-keyring's own cost per item (docs/performance.md).

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
    /// The one-search batch reader of the platform's keychain, where it has one; `None` reads
    /// item by item (other platforms, and the mock store in tests).
    batch: Option<batch::BatchReader>,
}

impl KeyringStore {
    /// The platform's keychain, entries under `service`.
    pub fn platform(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
            store: Mutex::new(None),
            make: platform_store,
            label_items: true,
            batch: batch::BatchReader::for_platform(),
        }
    }

    /// Any keyring-core store (the mock store, in tests that inject failures).
    pub fn with_store(service: impl Into<String>, store: Arc<CredentialStore>) -> Self {
        KeyringStore {
            service: service.into(),
            store: Mutex::new(Some(store)),
            make: platform_store,
            label_items: false,
            batch: None,
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
        let entry = match (self.label_items, ITEM_LABEL) {
            (true, ItemLabel::Modifier(key)) => {
                let label = item_label(id);
                let modifiers = HashMap::from([(key, label.as_str())]);
                Entry::new_in_store_with_modifiers(&store, &self.service, id.as_str(), &modifiers)
            }
            _ => Entry::new_in_store(&store, &self.service, id.as_str()),
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

/// The name keychain browsers (Seahorse, Credential Manager) show for an item.
fn item_label(id: &AccountId) -> String {
    format!("CogAuth secret of account {id}")
}

/// How a platform's store takes an item's readable name: each store accepts only its own
/// documented keys, and refuses any other ("unknown key"). Each platform builds one variant.
#[allow(dead_code)]
enum ItemLabel {
    /// A modifier when the entry is made (Secret Service: `label`).
    Modifier(&'static str),
    /// An attribute set once the credential exists (Windows Credential Manager: `comment`;
    /// its entries take only `target` and `persistence` modifiers).
    Attribute(&'static str),
    /// None (the macOS keychain store takes only a `keychain` modifier; Keychain Access shows
    /// the service and the account id).
    Unnamed,
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
const ITEM_LABEL: ItemLabel = ItemLabel::Modifier("label");
#[cfg(target_os = "windows")]
const ITEM_LABEL: ItemLabel = ItemLabel::Attribute("comment");
#[cfg(not(any(
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ),
    target_os = "windows"
)))]
const ITEM_LABEL: ItemLabel = ItemLabel::Unnamed;

/// Writes the secret's base32 text into its item. Windows' Credential Manager holds at most
/// 2,560 bytes an item and its store writes a password as UTF-16: the longest secret core
/// accepts (1,024 bytes, 1,639 base32 characters) would take 3,278 bytes and be refused. There
/// the text is written as its UTF-8 bytes (1,639) instead; elsewhere as the store's password.
#[cfg(target_os = "windows")]
fn write_text(entry: &Entry, text: &str) -> Result<(), KeyringError> {
    entry.set_secret(text.as_bytes())
}

/// The stored base32 text's bytes (see [`write_text`]).
#[cfg(target_os = "windows")]
fn read_text(entry: &Entry) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
    entry.get_secret().map(Zeroizing::new)
}

/// Writes the secret's base32 text into its item (see the Windows version for why it differs).
#[cfg(not(target_os = "windows"))]
fn write_text(entry: &Entry, text: &str) -> Result<(), KeyringError> {
    entry.set_password(text)
}

/// The stored base32 text's bytes.
#[cfg(not(target_os = "windows"))]
fn read_text(entry: &Entry) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
    entry
        .get_password()
        .map(|text| Zeroizing::new(text.into_bytes()))
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
        let entry = self.entry(id)?;
        write_text(&entry, &encoded).map_err(|e| self.map_error(e, id))?;
        if let (true, ItemLabel::Attribute(key)) = (self.label_items, ITEM_LABEL) {
            // Only a name for browsing the keychain: the secret is stored either way.
            let label = item_label(id);
            let _ = entry.update_attributes(&HashMap::from([(key, label.as_str())]));
        }
        Ok(())
    }

    fn get(&self, id: &AccountId) -> Result<Secret, KeychainError> {
        let text = read_text(&self.entry(id)?).map_err(|e| self.map_error(e, id))?;
        self.decode(id, &text)
    }

    fn delete(&self, id: &AccountId) -> Result<(), KeychainError> {
        self.entry(id)?
            .delete_credential()
            .map_err(|e| self.map_error(e, id))
    }

    /// One search for every item of the service, then the wanted secrets read together. An id
    /// with no item is [`KeychainError::Missing`] on its own; anything the batch cannot settle
    /// (a locked or duplicated item, an item that failed to read) is read again by [`get`],
    /// so each account gets exactly the answer a single read would give it.
    ///
    /// [`get`]: SecretStore::get
    fn get_many(&self, ids: &[AccountId]) -> Vec<Result<Secret, KeychainError>> {
        let batch = match &self.batch {
            Some(batch) if ids.len() >= MIN_BATCH => batch,
            _ => return ids.iter().map(|id| self.get(id)).collect(),
        };
        match batch.read(&self.service, ids) {
            Ok(answers) => {
                // A locked or unreachable keychain answers every single read the same way:
                // once is enough (each read of a locked item may raise an unlock prompt).
                let mut refused: Option<KeychainError> = None;
                ids.iter()
                    .zip(answers)
                    .map(|(id, answer)| match answer {
                        batch::Answer::Secret(bytes) => self.decode(id, &bytes),
                        batch::Answer::Missing => Err(KeychainError::Missing {
                            service: self.service.clone(),
                            id: id.to_string(),
                        }),
                        batch::Answer::ReadAlone => match &refused {
                            Some(error) => Err(error.clone()),
                            None => {
                                let read = self.get(id);
                                if let Err(
                                    error @ (KeychainError::Locked { .. }
                                    | KeychainError::Unavailable { .. }),
                                ) = &read
                                {
                                    refused = Some(error.clone());
                                }
                                read
                            }
                        },
                    })
                    .collect()
            }
            // The keychain could not be searched at all (no bus, no service, locked): every
            // account gets that one error, worded as a single read would word it.
            Err(error) => ids
                .iter()
                .map(|id| Err(self.map_error(batch::to_keyring_error(&error), id)))
                .collect(),
        }
    }
}

impl KeyringStore {
    /// A stored value as a secret: base32 text, else [`KeychainError::Corrupt`].
    fn decode(&self, id: &AccountId, stored: &[u8]) -> Result<Secret, KeychainError> {
        std::str::from_utf8(stored)
            .ok()
            .and_then(|text| Secret::from_base32(text).ok())
            .ok_or_else(|| KeychainError::Corrupt {
                service: self.service.clone(),
                id: id.to_string(),
            })
    }
}

/// Below this many ids, reading item by item over the store's own connection is cheaper than
/// opening the batch's connection and session.
const MIN_BATCH: usize = 2;

/// What the batch decided for one wanted id, from the usernames of the service's items.
/// (The matching is tested on every platform; only the Secret Service has a batch reader.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    not(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )),
    allow(dead_code)
)]
enum Slot {
    /// Exactly one item carries this id: the item at this position.
    One(usize),
    /// No item carries it, and every item of the service was seen.
    Missing,
    /// The batch cannot tell (several items carry it, or some items could not be seen):
    /// read this id alone.
    ReadAlone,
}

/// Matches wanted ids to items by their `username` attribute. `usernames[i]` is item `i`'s,
/// `None` where it could not be read; `unseen_items` says that the search also found items
/// whose attributes are out of reach (locked ones).
#[cfg_attr(
    not(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )),
    allow(dead_code)
)]
fn match_ids(ids: &[AccountId], usernames: &[Option<String>], unseen_items: bool) -> Vec<Slot> {
    let mut positions: HashMap<&str, Vec<usize>> = HashMap::new();
    for (position, username) in usernames.iter().enumerate() {
        if let Some(username) = username {
            positions
                .entry(username.as_str())
                .or_default()
                .push(position);
        }
    }
    let uncertain = unseen_items || usernames.iter().any(Option::is_none);
    ids.iter()
        .map(|id| match positions.get(id.as_str()).map(Vec::as_slice) {
            Some([one]) => Slot::One(*one),
            Some(_) => Slot::ReadAlone,
            None if uncertain => Slot::ReadAlone,
            None => Slot::Missing,
        })
        .collect()
}

/// The batch reader over the Secret Service (Linux and the BSDs).
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
mod batch {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use futures_util::future::join_all;
    use keyring_core::Error as KeyringError;
    use secret_service::{EncryptionType, SecretService};
    use zeroize::Zeroizing;

    use super::{AccountId, Slot, match_ids};

    /// The batch's answer for one wanted id.
    pub(super) enum Answer {
        /// The stored value, as bytes.
        Secret(Zeroizing<Vec<u8>>),
        /// The service has no item for this id.
        Missing,
        /// Read this id alone to learn what is wrong.
        ReadAlone,
    }

    /// A Secret Service connection with an encrypted (DH) session, opened on first use and
    /// kept; dropped after a failure so that the next batch reconnects.
    pub(super) struct BatchReader {
        connection: Mutex<Option<SecretService<'static>>>,
    }

    impl BatchReader {
        pub(super) fn for_platform() -> Option<Self> {
            Some(BatchReader {
                connection: Mutex::new(None),
            })
        }

        /// One answer per id, in order; `Err` when the service could not be searched at all.
        pub(super) fn read(
            &self,
            service: &str,
            ids: &[AccountId],
        ) -> Result<Vec<Answer>, secret_service::Error> {
            let mut slot = self.connection.lock().unwrap_or_else(|e| e.into_inner());
            futures_lite::future::block_on(async {
                let connection = match slot.take() {
                    Some(connection) => connection,
                    None => SecretService::connect(EncryptionType::Dh).await?,
                };
                let answers = read_with(&connection, service, ids).await?;
                // Kept only after a search that worked: a broken connection is not reused.
                *slot = Some(connection);
                Ok(answers)
            })
        }
    }

    /// The search, then every item's attributes, then the wanted secrets: the requests of each
    /// step are all sent before the first answer is awaited.
    async fn read_with(
        connection: &SecretService<'_>,
        service: &str,
        ids: &[AccountId],
    ) -> Result<Vec<Answer>, secret_service::Error> {
        let found = connection
            .search_items(HashMap::from([("service", service)]))
            .await?;
        let usernames: Vec<Option<String>> =
            join_all(found.unlocked.iter().map(|item| item.get_attributes()))
                .await
                .into_iter()
                .map(|attributes| attributes.ok().and_then(|mut a| a.remove("username")))
                .collect();
        let slots = match_ids(ids, &usernames, !found.locked.is_empty());
        let items = &found.unlocked;
        let secrets = join_all(slots.iter().map(|slot| async move {
            match slot {
                Slot::One(position) => match items[*position].get_secret().await {
                    Ok(bytes) => Answer::Secret(Zeroizing::new(bytes)),
                    Err(_) => Answer::ReadAlone,
                },
                Slot::Missing => Answer::Missing,
                Slot::ReadAlone => Answer::ReadAlone,
            }
        }))
        .await;
        Ok(secrets)
    }

    /// The keyring error the platform store would have raised for the same failure (its
    /// `decode_error`), so that a batch failure reads like a single read's.
    pub(super) fn to_keyring_error(error: &secret_service::Error) -> KeyringError {
        let detail: Box<dyn std::error::Error + Send + Sync> = error.to_string().into();
        match error {
            secret_service::Error::Locked
            | secret_service::Error::NoResult
            | secret_service::Error::Prompt => KeyringError::NoStorageAccess(detail),
            _ => KeyringError::PlatformFailure(detail),
        }
    }
}

/// Elsewhere the platform stores are read item by item.
#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
mod batch {
    use keyring_core::Error as KeyringError;
    use zeroize::Zeroizing;

    use super::AccountId;

    /// The same answers as the Secret Service batch's; never given here.
    #[allow(dead_code)]
    pub(super) enum Answer {
        Secret(Zeroizing<Vec<u8>>),
        Missing,
        ReadAlone,
    }

    /// Never built: these platforms have no batch reader.
    pub(super) enum BatchReader {}

    impl BatchReader {
        pub(super) fn for_platform() -> Option<Self> {
            None
        }

        pub(super) fn read(
            &self,
            _service: &str,
            _ids: &[AccountId],
        ) -> Result<Vec<Answer>, KeyringError> {
            match *self {}
        }
    }

    pub(super) fn to_keyring_error(error: &KeyringError) -> KeyringError {
        KeyringError::PlatformFailure(error.to_string().into())
    }
}

#[cfg(test)]
mod tests {
    use super::{AccountId, Slot, match_ids};

    fn id(n: u8) -> AccountId {
        AccountId::parse(&format!("{n:016x}")).unwrap()
    }

    fn names(list: &[Option<u8>]) -> Vec<Option<String>> {
        list.iter().map(|n| n.map(|n| id(n).to_string())).collect()
    }

    #[test]
    fn each_id_finds_its_own_item_whatever_the_order() {
        let items = names(&[Some(3), Some(1), Some(9), Some(2)]);
        assert_eq!(
            match_ids(&[id(1), id(2), id(3)], &items, false),
            [Slot::One(1), Slot::One(3), Slot::One(0)]
        );
    }

    #[test]
    fn an_id_without_item_is_missing_alone() {
        let items = names(&[Some(1), Some(3)]);
        assert_eq!(
            match_ids(&[id(1), id(2), id(3)], &items, false),
            [Slot::One(0), Slot::Missing, Slot::One(1)]
        );
    }

    #[test]
    fn a_duplicated_id_is_read_alone() {
        let items = names(&[Some(1), Some(2), Some(1)]);
        assert_eq!(
            match_ids(&[id(1), id(2)], &items, false),
            [Slot::ReadAlone, Slot::One(1)]
        );
    }

    #[test]
    fn unseen_items_turn_missing_into_read_alone() {
        let unreadable = names(&[Some(1), None]);
        assert_eq!(
            match_ids(&[id(1), id(2)], &unreadable, false),
            [Slot::One(0), Slot::ReadAlone]
        );
        let locked_elsewhere = names(&[Some(1)]);
        assert_eq!(
            match_ids(&[id(1), id(2)], &locked_elsewhere, true),
            [Slot::One(0), Slot::ReadAlone]
        );
    }

    #[test]
    fn no_ids_no_slots() {
        assert!(match_ids(&[], &names(&[Some(1)]), false).is_empty());
    }
}
