//! Import semantics over the vault: which decoded accounts are new and which are duplicates
//! ([`plan`]), and adding the new ones all or nothing ([`ImportPlan::apply`]).
//!
//! Two accounts are the same token when secret, kind, algorithm, digits and period agree: they
//! produce the same codes. The HOTP counter is left out on purpose: it is state that moves with
//! every code, and a second copy of a token with another counter would only hand out codes
//! the first one also hands out. Two accounts clash by name when issuer and label agree
//! ignoring ASCII case, the rule [`Vault::add`] enforces.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{Decoded, ImportError, ImportWarning};
use crate::otp::{Algorithm, OtpKind, OtpParams, Secret};
use crate::uri::OtpAuthUri;
use crate::vault::{Account, AccountId, KeychainError, NewAccount, SecretStore, Vault, VaultError};

/// Why an entry is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same token (secret and code settings) is already there.
    SameSecret,
    /// An account with the same issuer and label is already there (a different secret: the
    /// vault keeps names unique, so the entry cannot be added under that name).
    SameName,
}

/// What an entry duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateOf {
    /// An account already in the vault.
    Existing {
        /// Its id.
        id: AccountId,
        /// Its `issuer:label`.
        name: String,
    },
    /// An earlier entry of the same file, which is imported.
    Earlier {
        /// Its 1-based position among the file's accounts.
        entry: usize,
        /// Its `issuer:label`.
        name: String,
    },
}

/// An entry of the file that is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// Its 1-based position among the file's accounts.
    pub entry: usize,
    /// Its `issuer:label`.
    pub name: String,
    /// Why it is skipped.
    pub reason: DuplicateReason,
    /// What it duplicates.
    #[serde(rename = "duplicate_of")]
    pub of: DuplicateOf,
}

/// What an import will do: the accounts to add, in file order, and the entries skipped.
#[derive(Debug)]
pub struct ImportPlan {
    /// The format the file was in.
    pub format: &'static str,
    /// The accounts to add, in file order.
    pub new: Vec<OtpAuthUri>,
    /// The entries skipped.
    pub duplicates: Vec<Duplicate>,
    /// Findings about the file that did not stop the import.
    pub warnings: Vec<ImportWarning>,
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    /// The format the file was in.
    pub format: &'static str,
    /// The accounts added, in file order.
    pub added: Vec<Account>,
    /// The entries skipped.
    pub duplicates: Vec<Duplicate>,
    /// Findings about the file that did not stop the import.
    pub warnings: Vec<ImportWarning>,
}

/// The settings that make two tokens give the same codes (with the secret).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Identity {
    kind: &'static str,
    algorithm: Algorithm,
    digits: u32,
    period: Option<u32>,
}

impl Identity {
    fn of(params: &OtpParams) -> Self {
        Identity {
            kind: params.kind.name(),
            algorithm: params.algorithm,
            digits: params.digits,
            period: match params.kind {
                OtpKind::Totp { period } | OtpKind::Steam { period } => Some(period),
                OtpKind::Hotp { .. } => None,
            },
        }
    }
}

fn display_name(issuer: &str, label: &str) -> String {
    if issuer.is_empty() {
        label.to_owned()
    } else {
        format!("{issuer}:{label}")
    }
}

/// The key under which the vault considers two names equal.
fn name_key(issuer: &str, label: &str) -> (String, String) {
    (issuer.trim().to_lowercase(), label.trim().to_lowercase())
}

/// Sorts the decoded accounts into new ones and duplicates of the vault's accounts or of
/// earlier entries. Reads the index, and from the keychain only the secrets of accounts whose
/// settings match an entry's (the only ones that can be the same token). Changes nothing.
pub fn plan<S: SecretStore>(vault: &Vault<S>, decoded: Decoded) -> Result<ImportPlan, ImportError> {
    let existing = vault.accounts()?;
    let wanted: HashSet<Identity> = decoded
        .accounts
        .iter()
        .map(|u| Identity::of(&u.params))
        .collect();
    let candidates: Vec<&Account> = existing
        .iter()
        .filter(|a| wanted.contains(&Identity::of(&a.params)))
        .collect();
    let ids: Vec<AccountId> = candidates.iter().map(|a| a.secret_item().clone()).collect();
    let secrets = if ids.is_empty() {
        Vec::new()
    } else {
        vault.store().get_many(&ids)
    };
    if secrets.len() != candidates.len() {
        return Err(VaultError::Keychain(KeychainError::Other {
            detail: "the keychain answered for fewer accounts than asked".into(),
        })
        .into());
    }
    let mut known: Vec<(&Account, Secret)> = Vec::with_capacity(candidates.len());
    for (account, secret) in candidates.into_iter().zip(secrets) {
        match secret {
            Ok(secret) => known.push((account, secret)),
            // An account whose secret is gone or damaged cannot be compared; it does not make
            // the import fail (its own `code` reports the problem).
            Err(KeychainError::Missing { .. } | KeychainError::Corrupt { .. }) => {}
            Err(error) => return Err(VaultError::Keychain(error).into()),
        }
    }
    let existing_names: HashMap<(String, String), &Account> = existing
        .iter()
        .map(|a| (name_key(&a.issuer, &a.label), a))
        .collect();

    let mut new: Vec<(usize, OtpAuthUri)> = Vec::new();
    let mut new_names: HashMap<(String, String), usize> = HashMap::new();
    let mut duplicates = Vec::new();
    for (index, uri) in decoded.accounts.into_iter().enumerate() {
        let entry = index + 1;
        let identity = Identity::of(&uri.params);
        let same_token = |params: &OtpParams, secret: &Secret| {
            Identity::of(params) == identity && *secret == uri.secret
        };
        let earlier = |position: usize| {
            let (entry, uri) = &new[position];
            DuplicateOf::Earlier {
                entry: *entry,
                name: display_name(&uri.issuer, &uri.label),
            }
        };
        let existing_of = |account: &Account| DuplicateOf::Existing {
            id: account.id.clone(),
            name: account.display_name(),
        };
        let key = name_key(&uri.issuer, &uri.label);
        let found = if let Some((account, _)) = known
            .iter()
            .find(|(a, secret)| same_token(&a.params, secret))
        {
            Some((DuplicateReason::SameSecret, existing_of(account)))
        } else if let Some(position) = new
            .iter()
            .position(|(_, other)| same_token(&other.params, &other.secret))
        {
            Some((DuplicateReason::SameSecret, earlier(position)))
        } else if let Some(account) = existing_names.get(&key) {
            Some((DuplicateReason::SameName, existing_of(account)))
        } else {
            new_names
                .get(&key)
                .map(|&position| (DuplicateReason::SameName, earlier(position)))
        };
        match found {
            Some((reason, of)) => duplicates.push(Duplicate {
                entry,
                name: display_name(&uri.issuer, &uri.label),
                reason,
                of,
            }),
            None => {
                new_names.insert(key, new.len());
                new.push((entry, uri));
            }
        }
    }
    Ok(ImportPlan {
        format: decoded.format,
        new: new.into_iter().map(|(_, uri)| uri).collect(),
        duplicates,
        warnings: decoded.warnings,
    })
}

impl ImportPlan {
    /// Adds the new accounts through [`Vault::add`], in file order. If one add fails, the
    /// accounts added before it are removed again and the error says what happened.
    pub fn apply<S: SecretStore>(self, vault: &Vault<S>) -> Result<ImportReport, ImportError> {
        let mut added: Vec<Account> = Vec::with_capacity(self.new.len());
        for uri in self.new {
            let name = display_name(&uri.issuer, &uri.label);
            match vault.add(NewAccount::from(uri)) {
                Ok(account) => added.push(account),
                Err(source) => return Err(roll_back(vault, &added, name, source)),
            }
        }
        Ok(ImportReport {
            format: self.format,
            added,
            duplicates: self.duplicates,
            warnings: self.warnings,
        })
    }
}

/// Removes `added` again, newest first, and builds the error to report.
fn roll_back<S: SecretStore>(
    vault: &Vault<S>,
    added: &[Account],
    name: String,
    source: VaultError,
) -> ImportError {
    let mut left = Vec::new();
    let mut cleanup = None;
    for account in added.iter().rev() {
        match vault.remove_id(&account.id) {
            // Already gone (another process removed it): the goal is reached.
            Ok(_) | Err(VaultError::NotFound(_)) => {}
            Err(error) => {
                left.push(account.display_name());
                cleanup.get_or_insert(error);
            }
        }
    }
    match cleanup {
        None => ImportError::AddFailed {
            name,
            source: Box::new(source),
            removed: added.len(),
        },
        Some(cleanup) => {
            left.reverse();
            ImportError::RollbackIncomplete {
                name,
                source: Box::new(source),
                cleanup: Box::new(cleanup),
                left,
            }
        }
    }
}
