//! Steam Guard's mobile authenticator files: Steam Desktop Authenticator's `.maFile` (one
//! account) and the Steam app's own `Steamguard-<id>` file (`{"accounts": {<id>: {...}}}`).
//!
//! Follows the fields SDA and the Steam app write (read from their files and Aegis's
//! `SteamImporter`): `shared_secret`, the code key in standard base64, and `account_name`,
//! the Steam login. Each becomes a Steam account (5 characters, 30 s) named
//! `Steam:<account_name>`. Encrypted maFiles (SDA's own passkey encryption, which writes
//! base64 ciphertext where the JSON was) are not JSON and are not recognised: decrypt them in
//! SDA first.
//!
//! Drops: the revocation code, `identity_secret` (trade confirmations), `secret_1`, the
//! device id and the session. Keep the maFile: the revocation code is how a lost
//! authenticator is removed from a Steam account.

use serde_json::Value;
use zeroize::Zeroizing;

use super::error::{EntryProblem, ImportError, Position};
use super::json::{self, Obj};
use super::{About, Decoded, Dropped, Format, Input, KindName, account, check_count, entry_params};
use crate::otp::Secret;
use crate::uri::OtpAuthUri;

const NAME: &str = "steam";

/// A Steam Guard file.
pub(super) struct Steam;

impl Format for Steam {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "Steam Desktop Authenticator",
            files: "unencrypted .maFile",
            drops: &[Dropped::SteamGuardData],
        }
    }

    /// An object with `shared_secret`, or an `accounts` object whose first value has it.
    fn detect(&self, input: &Input<'_>) -> bool {
        json::root(input.json()).is_some_and(|root| {
            root.has("shared_secret")
                || matches!(root.get("accounts"), Some(Value::Object(accounts))
                    if accounts.values().next().is_some_and(|a| a.get("shared_secret").is_some()))
        })
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let document = input.json().ok_or(ImportError::UnknownFormat)?;
        let root = json::root(Some(document)).ok_or(ImportError::UnknownFormat)?;
        let items: Vec<&Value> = match root.get("accounts") {
            Some(Value::Object(accounts)) => accounts.values().collect(),
            Some(_) => {
                return Err(ImportError::malformed(
                    NAME,
                    "the field 'accounts' should be an object",
                ));
            }
            None => vec![document],
        };
        check_count(items.len())?;
        let accounts = items
            .iter()
            .enumerate()
            .map(|(i, value)| {
                entry(value).map_err(|problem| {
                    let login = value.get("account_name").and_then(Value::as_str);
                    let name = ("Steam", login.unwrap_or_default());
                    ImportError::entry(Position::Entry(i + 1), name, problem)
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Decoded::new(NAME, accounts))
    }
}

fn entry(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    let entry = Obj::of(value, "accounts")?;
    let encoded = entry.str("shared_secret")?;
    let mut bytes = Zeroizing::new(super::crypto::base64(encoded).ok_or(
        EntryProblem::BadValue {
            field: "shared_secret",
            reason: "is not base64",
        },
    )?);
    let secret = Secret::from_bytes(std::mem::take(&mut *bytes))?;
    let params = entry_params(KindName::Steam, None, None, None, None)?;
    account("Steam", entry.str("account_name")?, params, secret)
}
