//! Bitwarden's unencrypted JSON export (`bitwarden_export_*.json`), the TOTP keys of its logins.
//!
//! Follows the export format Bitwarden documents ("Condition a Bitwarden .json file"): an
//! object with `encrypted: false`, `folders` and `items[]`; a login item has `name` and
//! `login` {`username`, `totp`}. The `totp` field holds what the user pasted: an otpauth URI,
//! a bare base32 secret (TOTP, SHA1, 6 digits, 30 s), or `steam://SECRET` (Steam Guard). For a
//! bare secret or a Steam key, the item's name is the issuer and its username the label; an
//! otpauth URI without an issuer takes the item's name as issuer.
//!
//! Drops: everything that is not the TOTP key (passwords, URLs, notes, folders, custom fields
//! stay in Bitwarden). Items without a TOTP key are skipped, not refused: most logins have
//! none. Encrypted exports (account- or password-protected) are refused: export again as
//! unencrypted JSON, or through the otpauth list.

use serde_json::Value;

use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{
    Decoded, Format, Input, KindName, account, base32_secret, check_count, checked, entry_params,
};
use crate::uri::OtpAuthUri;

const NAME: &str = "bitwarden";

/// A Bitwarden JSON export.
pub(super) struct Bitwarden;

impl Format for Bitwarden {
    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        // Every Bitwarden export has `encrypted`; `items` alone is accepted from other tools.
        json::root(input.json()).is_some_and(|root| {
            matches!(root.get("items"), Some(Value::Array(_))) || root.has("encrypted")
        })
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        // Encrypted exports are refused in `read` whatever the password.
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let root = json::root(input.json()).ok_or(ImportError::UnknownFormat)?;
        if matches!(root.get("encrypted"), Some(Value::Bool(true))) {
            return Err(ImportError::Unsupported {
                format: NAME,
                what: "encrypted Bitwarden exports (export as unencrypted JSON)",
            });
        }
        let items = root
            .array("items")
            .map_err(|problem| ImportError::malformed(NAME, problem.to_string()))?;
        let accounts: Vec<OtpAuthUri> =
            json::each_entry(items, item, |o| (o.name_part("name"), ""))?
                .into_iter()
                .flatten()
                .collect();
        // Counted by TOTP key, not by item: large vaults have many logins without one.
        check_count(accounts.len())?;
        Ok(Decoded::new(NAME, accounts))
    }
}

/// The account of one item, `None` for items without a TOTP key.
fn item(value: &Value) -> Result<Option<OtpAuthUri>, EntryProblem> {
    let item = Obj::of(value, "items[]")?;
    let Some(login) = item.get("login") else {
        return Ok(None);
    };
    let login = Obj::of(login, "login")?;
    let totp = login.opt_str("totp")?.map(str::trim).unwrap_or_default();
    if totp.is_empty() {
        return Ok(None);
    }
    let name = item.opt_str("name")?.unwrap_or_default();
    let username = login.opt_str("username")?.unwrap_or_default();
    let scheme = |s: &str| {
        totp.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    };
    let uri = if scheme("otpauth://") {
        let mut uri = OtpAuthUri::parse(totp)?;
        if uri.issuer.trim().is_empty() {
            uri.issuer = name.to_owned();
        }
        checked(uri)?
    } else if scheme("steam://") {
        // A steam:// key carries no settings: Steam's own.
        let params = entry_params(KindName::Steam, None, None, None, None)?;
        account(
            name,
            username,
            params,
            base32_secret(&totp["steam://".len()..])?,
        )?
    } else {
        account(
            name,
            username,
            crate::otp::OtpParams::default_totp(),
            base32_secret(totp)?,
        )?
    };
    Ok(Some(uri))
}
