//! Account metadata: what the index stores for each account. Never the secret.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::cognito::CognitoBinding;
use crate::otp::OtpParams;

/// Our own identifier of an account: 16 lower-case hex digits (64 random bits).
///
/// Keychain entries are named from it (service + id), so it is validated wherever it enters:
/// an id read from a file or sent by the UI can never name somebody else's keychain item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    /// A fresh random id.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)?;
        Ok(AccountId(
            bytes.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    }

    /// Validates an id given as text.
    pub fn parse(text: &str) -> Option<Self> {
        let valid =
            text.len() == 16 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| AccountId(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        AccountId::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("an account id is 16 lower-case hex digits"))
    }
}

/// Whether an account is ready for use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum AccountState {
    /// Usable.
    Active,
    /// Stored, but a multi-step setup (Cognito enrolment) has not finished.
    Pending {
        /// Why it is pending, for the user.
        pending_reason: String,
    },
}

/// One account in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Our id; also names the keychain entry.
    pub id: AccountId,
    /// Service name; may be empty.
    pub issuer: String,
    /// Account name within the service.
    pub label: String,
    /// Kind (with period or counter), algorithm, digits.
    #[serde(flatten)]
    pub params: OtpParams,
    /// Active or pending.
    #[serde(flatten)]
    pub state: AccountState,
    /// Unix seconds when it was added.
    pub created_at: u64,
    /// Unix seconds when a code of it was last copied (for the "recently used" order); not
    /// written until the first copy. Metadata, like the name: never in the keychain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<u64>,
    /// For accounts CogAuth enrolled in a Cognito user pool: where the user lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognito: Option<CognitoBinding>,
}

impl Account {
    /// The keychain item that holds the secret the account's codes come from: its own, or a
    /// re-enrolment's new secret once Cognito verified it (until it is moved into its own).
    pub fn secret_item(&self) -> &AccountId {
        self.cognito
            .as_ref()
            .and_then(|binding| binding.next_secret.as_ref())
            .filter(|next| next.verified)
            .map_or(&self.id, |next| &next.item)
    }

    /// Whether Cognito may expect this account's codes at sign-in: it belongs to a Cognito
    /// user and a code from its secret was accepted there (on verification or sign-in).
    /// Removing such an account deserves a warning.
    pub fn cognito_expects_codes(&self) -> bool {
        self.cognito
            .as_ref()
            .is_some_and(|binding| binding.last_used_step.is_some())
    }

    /// `issuer:label`, or the label alone when there is no issuer: how people name an account.
    pub fn display_name(&self) -> String {
        if self.issuer.is_empty() {
            self.label.clone()
        } else {
            format!("{}:{}", self.issuer, self.label)
        }
    }
}
