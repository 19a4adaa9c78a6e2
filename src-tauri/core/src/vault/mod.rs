//! The vault: the account index and the keychain, kept consistent.
//!
//! Order of writes, so that a crash or a failure at any point loses nothing:
//! - add: keychain first, then the index (a crash in between leaves an unused keychain item,
//!   never an account without its secret); if the index write fails the keychain item is
//!   removed again;
//! - remove: index first, then the keychain (a crash in between leaves an orphan keychain
//!   item, never an account whose secret is gone); if the keychain refuses, the index entry
//!   is put back and the error reported;
//! - HOTP: the advanced counter is saved before the code is returned, so a code is never
//!   shown twice.

mod account;
mod index;
mod keychain;
mod order;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

pub use account::{Account, AccountId, AccountState};
pub use index::{Index, IndexError, SCHEMA_VERSION};
pub use keychain::{KeychainError, KeyringStore, SecretStore};
pub use order::ListOrder;

use crate::cognito::CognitoBinding;
use crate::fields::{self, FieldError};
use crate::otp::{Code, OtpKind, OtpParams, Secret};
use crate::uri::OtpAuthUri;

/// The default keychain service name entries are stored under.
pub const DEFAULT_KEYRING_SERVICE: &str = "cogauth";
/// Environment variable naming the data folder.
pub const DATA_DIR_ENV: &str = "COGAUTH_DATA_DIR";
/// Environment variable naming the keychain service.
pub const KEYRING_SERVICE_ENV: &str = "COGAUTH_KEYRING_SERVICE";

/// Where a vault lives: a data folder and a keychain service name. The CLI and the app resolve
/// it the same way (flag, then environment, then default), so they can share a test vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultConfig {
    /// Folder holding `accounts.json`.
    pub data_dir: PathBuf,
    /// Keychain service name.
    pub keyring_service: String,
}

impl VaultConfig {
    /// Resolves each setting from the explicit value, else its environment variable, else the
    /// platform default (`$XDG_DATA_HOME/cogauth` on Linux).
    pub fn resolve(
        data_dir: Option<PathBuf>,
        keyring_service: Option<String>,
    ) -> Result<Self, VaultError> {
        let from_env = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        let data_dir = match data_dir.or_else(|| from_env(DATA_DIR_ENV).map(PathBuf::from)) {
            Some(dir) => dir,
            None => dirs::data_dir()
                .map(|d| d.join("cogauth"))
                .ok_or(VaultError::NoDataDir)?,
        };
        let keyring_service = keyring_service
            .or_else(|| from_env(KEYRING_SERVICE_ENV).and_then(|v| v.into_string().ok()))
            .unwrap_or_else(|| DEFAULT_KEYRING_SERVICE.to_owned());
        Ok(VaultConfig {
            data_dir,
            keyring_service,
        })
    }

    /// Opens the vault this configuration names, on the OS keychain.
    pub fn open(&self) -> Vault<KeyringStore> {
        Vault::new(
            &self.data_dir,
            KeyringStore::platform(self.keyring_service.clone()),
        )
    }
}

/// Why a vault operation failed. Nothing was changed unless the variant says so.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No account matches.
    #[error("no account matches '{0}'")]
    NotFound(String),
    /// An HOTP account's counter is at its maximum: the next code would repeat the last one.
    #[error(
        "the counter of '{0}' is at its maximum (2^64 - 1): it has no next code; set the account up again with a new secret"
    )]
    CounterExhausted(String),
    /// Several accounts match; the user must be more specific.
    #[error("'{query}' matches {} accounts: {}", .matches.len(), .matches.join(", "))]
    Ambiguous {
        /// What was asked for.
        query: String,
        /// `id (issuer:label)` of each match.
        matches: Vec<String>,
    },
    /// Another account already has this issuer and label.
    #[error("an account named '{name}' already exists (id {id}); choose another name")]
    Duplicate {
        /// `issuer:label`.
        name: String,
        /// The existing account's id.
        id: AccountId,
        /// The existing account's issuer, for a UI that names it in its own words.
        issuer: String,
        /// The existing account's label.
        label: String,
    },
    /// The issuer or the label was refused: too long, control characters, or both empty
    /// ([`crate::fields::names`]).
    #[error(transparent)]
    InvalidName(#[from] FieldError),
    /// The keychain failed; the index is unchanged.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The index could not be read or written; the keychain is unchanged (or was restored).
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The index write failed after the secret was stored, and removing the secret again
    /// failed too: the keychain holds an unused item. No account was added.
    #[error(
        "{index}; the secret stored for it could not be removed from the keychain either ({keychain}); no account was added"
    )]
    AddRolledBackPartly {
        /// The index failure.
        index: IndexError,
        /// The keychain failure while cleaning up.
        keychain: KeychainError,
    },
    /// No platform data folder is known (no home directory).
    #[error("no data folder is known (no home directory); set COGAUTH_DATA_DIR")]
    NoDataDir,
    /// The system's random source failed while making an account id.
    #[error("the system's random source failed: {0}")]
    Random(String),
}

impl VaultError {
    /// A stable machine-readable name for the error, shared by the CLI's `--json` errors and
    /// the app's IPC errors.
    pub fn kind(&self) -> &'static str {
        match self {
            VaultError::NotFound(_) => "not_found",
            VaultError::CounterExhausted(_) => "counter_exhausted",
            VaultError::Ambiguous { .. } => "ambiguous",
            VaultError::Duplicate { .. } => "duplicate",
            VaultError::InvalidName(_) => "invalid_input",
            VaultError::Keychain(error) => error.kind(),
            VaultError::Index(_) | VaultError::AddRolledBackPartly { .. } => "index",
            VaultError::NoDataDir => "config",
            VaultError::Random(_) => "internal",
        }
    }
}

/// A new account before it is stored.
#[derive(Debug)]
pub struct NewAccount {
    /// Service name; may be empty.
    pub issuer: String,
    /// Account name.
    pub label: String,
    /// OTP parameters.
    pub params: OtpParams,
    /// The secret, which goes to the keychain only.
    pub secret: Secret,
    /// Active, or pending a multi-step setup.
    pub state: AccountState,
    /// The Cognito user this account belongs to, if CogAuth enrolled it.
    pub cognito: Option<CognitoBinding>,
}

impl NewAccount {
    /// An ordinary account, ready for use.
    pub fn active(issuer: String, label: String, params: OtpParams, secret: Secret) -> Self {
        NewAccount {
            issuer,
            label,
            params,
            secret,
            state: AccountState::Active,
            cognito: None,
        }
    }
}

impl From<OtpAuthUri> for NewAccount {
    fn from(uri: OtpAuthUri) -> Self {
        NewAccount::active(uri.issuer, uri.label, uri.params, uri.secret)
    }
}

/// An account and its current code, as [`Vault::current_codes`] lists them.
#[derive(Debug)]
pub struct CurrentCode {
    /// The account.
    pub account: Account,
    /// Its code (`None` for HOTP), or why the keychain could not give its secret.
    pub code: Result<Option<Code>, KeychainError>,
    /// The code of the following period, for time-based accounts whose secret was read: a
    /// screen shows it when the current one is about to expire.
    pub next: Option<Code>,
}

/// The accounts of one data folder with their secrets in one keychain service.
pub struct Vault<S> {
    index: Index,
    store: S,
}

/// Seconds since the Unix epoch by the system clock (the one place core reads it).
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl<S: SecretStore> Vault<S> {
    /// The vault in `data_dir` with secrets in `store`. Touches nothing until used.
    pub fn new(data_dir: impl Into<PathBuf>, store: S) -> Self {
        Vault {
            index: Index::new(data_dir),
            store,
        }
    }

    /// The secret store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// All accounts, in their stored order. Reads only the index.
    pub fn accounts(&self) -> Result<Vec<Account>, VaultError> {
        Ok(self.index.load()?)
    }

    /// Finds one account by id, `issuer:label` (case-insensitive), or an unambiguous prefix of
    /// the id, of `issuer:label` or of the label.
    pub fn find(&self, query: &str) -> Result<Account, VaultError> {
        let accounts = self.accounts()?;
        resolve(&accounts, query).map(|i| accounts[i].clone())
    }

    /// The account with exactly this id.
    pub fn find_id(&self, id: &AccountId) -> Result<Account, VaultError> {
        self.accounts()?
            .into_iter()
            .find(|a| &a.id == id)
            .ok_or_else(|| VaultError::NotFound(id.to_string()))
    }

    /// Stores a new account: secret in the keychain first, then the index entry.
    pub fn add(&self, new: NewAccount) -> Result<Account, VaultError> {
        let NewAccount {
            issuer,
            label,
            params,
            secret,
            state,
            cognito,
        } = new;
        let (issuer, label) = fields::names(&issuer, &label)?;
        let lock = self.index.lock()?;
        let mut accounts = self.index.load()?;
        if let Some(existing) = accounts.iter().find(|a| same_name(a, &issuer, &label)) {
            return Err(VaultError::Duplicate {
                name: existing.display_name(),
                id: existing.id.clone(),
                issuer: existing.issuer.clone(),
                label: existing.label.clone(),
            });
        }
        let id = loop {
            let id = AccountId::generate().map_err(|e| VaultError::Random(e.to_string()))?;
            if !accounts.iter().any(|a| a.id == id) {
                break id;
            }
        };
        let account = Account {
            id,
            issuer,
            label,
            params,
            state,
            created_at: now_unix(),
            last_used: None,
            cognito,
        };
        self.store.put(&account.id, &secret)?;
        accounts.push(account.clone());
        if let Err(index) = self.index.save(&lock, &accounts) {
            return Err(match self.store.delete(&account.id) {
                Ok(()) => VaultError::Index(index),
                Err(keychain) => VaultError::AddRolledBackPartly { index, keychain },
            });
        }
        Ok(account)
    }

    /// Removes an account: index entry first, then its keychain item. A missing keychain item
    /// is not an error (the goal is reached); any other keychain failure puts the entry back.
    pub fn remove(&self, query: &str) -> Result<Account, VaultError> {
        self.remove_where(|accounts| resolve(accounts, query))
    }

    /// Removes the account with exactly this id (no name or prefix matching), as [`remove`]
    /// does; for callers holding an id, such as an import rolling back.
    ///
    /// [`remove`]: Vault::remove
    pub fn remove_id(&self, id: &AccountId) -> Result<Account, VaultError> {
        self.remove_where(|accounts| {
            accounts
                .iter()
                .position(|a| &a.id == id)
                .ok_or_else(|| VaultError::NotFound(id.to_string()))
        })
    }

    fn remove_where(
        &self,
        find: impl FnOnce(&[Account]) -> Result<usize, VaultError>,
    ) -> Result<Account, VaultError> {
        let lock = self.index.lock()?;
        let mut accounts = self.index.load()?;
        let position = find(&accounts)?;
        let account = accounts.remove(position);
        self.index.save(&lock, &accounts)?;
        match self.store.delete(&account.id) {
            Ok(()) | Err(KeychainError::Missing { .. }) => {
                // A re-enrolment's new secret goes with the account.
                if let Some(next) = account
                    .cognito
                    .as_ref()
                    .and_then(|b| b.next_secret.as_ref())
                {
                    let _ = self.store.delete(&next.item);
                }
                Ok(account)
            }
            Err(error) => {
                accounts.insert(position, account);
                // If even this fails, the account is gone from the index and its secret is
                // still in the keychain: nothing is lost, and the error below says why.
                let _ = self.index.save(&lock, &accounts);
                Err(error.into())
            }
        }
    }

    /// Renames an account. `issuer: None` keeps the current issuer.
    pub fn rename(
        &self,
        query: &str,
        issuer: Option<String>,
        label: String,
    ) -> Result<Account, VaultError> {
        let lock = self.index.lock()?;
        let mut accounts = self.index.load()?;
        let position = resolve(&accounts, query)?;
        let issuer = issuer.unwrap_or_else(|| accounts[position].issuer.clone());
        let (issuer, label) = fields::names(&issuer, &label)?;
        if let Some(other) = accounts
            .iter()
            .enumerate()
            .find(|(i, a)| *i != position && same_name(a, &issuer, &label))
        {
            return Err(VaultError::Duplicate {
                name: other.1.display_name(),
                id: other.1.id.clone(),
                issuer: other.1.issuer.clone(),
                label: other.1.label.clone(),
            });
        }
        let account = &mut accounts[position];
        account.issuer = issuer;
        account.label = label;
        let renamed = account.clone();
        self.index.save(&lock, &accounts)?;
        Ok(renamed)
    }

    /// Moves the account with this id to `shown_index` in a list that leaves out the `hidden`
    /// accounts (the app hides accounts whose deletion can still be undone): just before the
    /// shown account now at that place, or to the end. With nothing hidden, `shown_index` is
    /// the stored position (clamped to the end).
    pub fn move_to(
        &self,
        id: &AccountId,
        shown_index: usize,
        hidden: &HashSet<AccountId>,
    ) -> Result<(), VaultError> {
        let lock = self.index.lock()?;
        let mut accounts = self.index.load()?;
        let from = accounts
            .iter()
            .position(|a| &a.id == id)
            .ok_or_else(|| VaultError::NotFound(id.to_string()))?;
        let account = accounts.remove(from);
        let position = accounts
            .iter()
            .filter(|a| !hidden.contains(&a.id))
            .nth(shown_index)
            .and_then(|anchor| accounts.iter().position(|a| a.id == anchor.id))
            .unwrap_or(accounts.len());
        accounts.insert(position, account);
        Ok(self.index.save(&lock, &accounts)?)
    }

    /// Records that a code of `id` was used (copied) at `unix_time`, for
    /// [`ListOrder::Recent`]. Only the index changes; the stored order does not.
    pub fn mark_used(&self, id: &AccountId, unix_time: u64) -> Result<(), VaultError> {
        self.update(id, |account| account.last_used = Some(unix_time))?;
        Ok(())
    }

    /// Changes an account's metadata under the index lock; `change` sees the current entry.
    pub fn update(
        &self,
        id: &AccountId,
        change: impl FnOnce(&mut Account),
    ) -> Result<Account, VaultError> {
        let lock = self.index.lock()?;
        let mut accounts = self.index.load()?;
        let position = resolve(&accounts, id.as_str())?;
        change(&mut accounts[position]);
        let updated = accounts[position].clone();
        self.index.save(&lock, &accounts)?;
        Ok(updated)
    }

    /// Replaces the secret of an existing account in the keychain. Only for a pending
    /// enrolment whose previous secret the server never verified.
    pub fn replace_secret(&self, account: &Account, secret: &Secret) -> Result<(), VaultError> {
        Ok(self.store.put(&account.id, secret)?)
    }

    /// The secret of an account, from the keychain: a re-enrolment's new secret once Cognito
    /// verified it, even before it is moved into the account's own item.
    pub fn secret(&self, account: &Account) -> Result<Secret, VaultError> {
        match self.store.get(account.secret_item()) {
            // Verified and already moved, before the index said so.
            Err(KeychainError::Missing { .. }) if account.secret_item() != &account.id => {
                Ok(self.store.get(&account.id)?)
            }
            other => Ok(other?),
        }
    }

    /// Keeps `secret` as the account's next secret (re-enrolment), in a keychain item of its
    /// own, and marks the account pending with `reason`: the account's own secret stays as it
    /// is until [`Vault::verified_next_secret`] and [`Vault::move_next_secret`].
    pub fn stage_next_secret(
        &self,
        account: &Account,
        secret: &Secret,
        reason: &str,
    ) -> Result<Account, VaultError> {
        if account.cognito.is_none() {
            return Err(VaultError::NotFound(account.id.to_string()));
        }
        let item = AccountId::generate().map_err(|e| VaultError::Random(e.to_string()))?;
        self.store.put(&item, secret)?;
        let previous = account.cognito.as_ref().and_then(|b| b.next_secret.clone());
        let staged = self.update(&account.id, |a| {
            a.state = AccountState::Pending {
                pending_reason: reason.to_owned(),
            };
            if let Some(binding) = a.cognito.as_mut() {
                binding.next_secret = Some(crate::cognito::NextSecret {
                    item: item.clone(),
                    verified: false,
                });
            }
        });
        match staged {
            Ok(account) => {
                // An earlier attempt's secret, never verified, is not needed any more.
                if let Some(previous) = previous.filter(|p| !p.verified) {
                    let _ = self.store.delete(&previous.item);
                }
                Ok(account)
            }
            Err(error) => {
                let _ = self.store.delete(&item);
                Err(error)
            }
        }
    }

    /// The account's next secret (re-enrolment), if one is staged.
    pub fn next_secret(&self, account: &Account) -> Result<Option<Secret>, VaultError> {
        match account
            .cognito
            .as_ref()
            .and_then(|b| b.next_secret.as_ref())
        {
            Some(next) => Ok(Some(self.store.get(&next.item)?)),
            None => Ok(None),
        }
    }

    /// Cognito verified the account's next secret: from now on it is the account's secret.
    pub fn verified_next_secret(&self, account: &Account) -> Result<Account, VaultError> {
        self.update(&account.id, |a| {
            if let Some(next) = a.cognito.as_mut().and_then(|b| b.next_secret.as_mut()) {
                next.verified = true;
            }
        })
    }

    /// Moves a verified next secret into the account's own keychain item, then forgets it.
    /// Each step can be repeated after a crash: the secret is put before its item is deleted,
    /// and the index says "verified" until both are done.
    pub fn move_next_secret(&self, account: &Account) -> Result<Account, VaultError> {
        let Some(next) = account
            .cognito
            .as_ref()
            .and_then(|b| b.next_secret.clone())
            .filter(|next| next.verified)
        else {
            return Ok(account.clone());
        };
        match self.store.get(&next.item) {
            Ok(secret) => self.store.put(&account.id, &secret)?,
            // Moved already, before a crash kept the index from saying so.
            Err(KeychainError::Missing { .. }) => {}
            Err(error) => return Err(error.into()),
        }
        match self.store.delete(&next.item) {
            Ok(()) | Err(KeychainError::Missing { .. }) => {}
            Err(error) => return Err(error.into()),
        }
        self.update(&account.id, |a| {
            if let Some(binding) = a.cognito.as_mut() {
                binding.next_secret = None;
            }
        })
    }

    /// Forgets a next secret Cognito never verified (the server does not expect it).
    pub fn drop_next_secret(&self, account: &Account) -> Result<Account, VaultError> {
        let Some(next) = account
            .cognito
            .as_ref()
            .and_then(|b| b.next_secret.clone())
            .filter(|next| !next.verified)
        else {
            return Ok(account.clone());
        };
        let account = self.update(&account.id, |a| {
            if let Some(binding) = a.cognito.as_mut() {
                binding.next_secret = None;
            }
        })?;
        match self.store.delete(&next.item) {
            Ok(()) | Err(KeychainError::Missing { .. }) => Ok(account),
            Err(error) => Err(error.into()),
        }
    }

    /// The current code of a time-based account at `unix_time`, or for HOTP the code of the
    /// stored counter, after saving the advanced counter (a code is never handed out twice).
    pub fn code(&self, query: &str, unix_time: u64) -> Result<(Account, Code), VaultError> {
        let account = self.find(query)?;
        if !matches!(account.params.kind, OtpKind::Hotp { .. }) {
            let secret = self.secret(&account)?;
            let code = account.params.generate(&secret, unix_time);
            return Ok((account, code));
        }
        let lock = self.index.lock()?;
        let mut accounts = self.index.load()?;
        let position = resolve(&accounts, account.id.as_str())?;
        if accounts[position].params.kind == (OtpKind::Hotp { counter: u64::MAX }) {
            return Err(VaultError::CounterExhausted(
                accounts[position].display_name(),
            ));
        }
        let secret = self.secret(&accounts[position])?;
        let used = accounts[position].clone();
        let code = used.params.generate(&secret, unix_time);
        if let OtpKind::Hotp { counter } = &mut accounts[position].params.kind {
            // Not at u64::MAX (refused above), so this does not wrap.
            *counter += 1;
        }
        self.index.save(&lock, &accounts)?;
        Ok((accounts[position].clone(), code))
    }

    /// Every account with its code at `unix_time`, for a screen of codes. Secrets are read in
    /// one batch ([`SecretStore::get_many`]). HOTP accounts get no code: showing one uses it
    /// up, so that waits for an explicit [`Vault::code`]. One account's keychain failure is
    /// reported on its row and does not hide the others.
    pub fn current_codes(&self, unix_time: u64) -> Result<Vec<CurrentCode>, VaultError> {
        let accounts = self.accounts()?;
        let timed: Vec<AccountId> = accounts
            .iter()
            .filter(|a| !matches!(a.params.kind, OtpKind::Hotp { .. }))
            .map(|a| a.secret_item().clone())
            .collect();
        let mut secrets = self.store.get_many(&timed).into_iter();
        Ok(accounts
            .into_iter()
            .map(|account| {
                let (code, next) = match &account.params.kind {
                    OtpKind::Hotp { .. } => (Ok(None), None),
                    OtpKind::Totp { period } | OtpKind::Steam { period } => {
                        match secrets.next() {
                            Some(Ok(secret)) => (
                                Ok(Some(account.params.generate(&secret, unix_time))),
                                Some(account.params.generate(
                                    &secret,
                                    unix_time.saturating_add(u64::from(*period)),
                                )),
                            ),
                            Some(Err(error)) => (Err(error), None),
                            None => (Ok(None), None),
                        }
                    }
                };
                CurrentCode {
                    account,
                    code,
                    next,
                }
            })
            .collect())
    }

    /// The account as an otpauth URI, secret included: for explicit reveal and QR export only.
    pub fn otpauth_uri(&self, query: &str) -> Result<OtpAuthUri, VaultError> {
        let account = self.find(query)?;
        let secret = self.secret(&account)?;
        Ok(OtpAuthUri {
            issuer: account.issuer,
            label: account.label,
            params: account.params,
            secret,
        })
    }
}

/// Whether `account` is named `issuer:label`, compared as [`resolve`] compares names.
fn same_name(account: &Account, issuer: &str, label: &str) -> bool {
    account.issuer.to_lowercase() == issuer.to_lowercase()
        && account.label.to_lowercase() == label.to_lowercase()
}

/// Index of the one account `query` names: an id; else `issuer:label` or a label exactly (any
/// case); else a prefix of an id, of `issuer:label` or of a label.
fn resolve(accounts: &[Account], query: &str) -> Result<usize, VaultError> {
    let query = query.trim();
    if let Some(i) = accounts.iter().position(|a| a.id.as_str() == query) {
        return Ok(i);
    }
    let lower = query.to_lowercase();
    let names: Vec<String> = accounts
        .iter()
        .map(|a| a.display_name().to_lowercase())
        .collect();
    let mut exact: Vec<usize> = (0..accounts.len()).filter(|&i| names[i] == lower).collect();
    if exact.is_empty() {
        exact = (0..accounts.len())
            .filter(|&i| accounts[i].label.to_lowercase() == lower)
            .collect();
    }
    let matches = if exact.is_empty() && !query.is_empty() {
        (0..accounts.len())
            .filter(|&i| {
                accounts[i].id.as_str().starts_with(&lower)
                    || names[i].starts_with(&lower)
                    || accounts[i].label.to_lowercase().starts_with(&lower)
            })
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(VaultError::NotFound(query.to_owned())),
        many => Err(VaultError::Ambiguous {
            query: query.to_owned(),
            matches: many
                .iter()
                .map(|&i| format!("{} ({})", accounts[i].id, accounts[i].display_name()))
                .collect(),
        }),
    }
}
