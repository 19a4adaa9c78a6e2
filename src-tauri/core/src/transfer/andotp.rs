//! andOTP's plain JSON backup (`otp_accounts.json`).
//!
//! Follows the backup format andOTP writes (its `Entry.toJSON`): a JSON array of entries, each
//! with a base32 `secret` (often `=`-padded), `issuer`, `label`, `digits`, `type` (TOTP, HOTP,
//! STEAM), `algorithm`, `period` for TOTP and Steam, `counter` for HOTP. Old versions wrote no
//! `issuer` and an `Issuer:Label` label, which is split like an otpauth label.
//!
//! Drops: thumbnails, tags, last-used times and usage counts. Encrypted andOTP backups
//! (`.json.aes`, binary) are not read: CogAuth cannot recognise them as andOTP's, so they are
//! reported as an unknown format; export a plain backup instead.

use serde_json::Value;

use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{
    Decoded, Format, Input, account, base32_secret, check_count, entry_params, kind_name,
    split_name,
};
use crate::uri::OtpAuthUri;

const NAME: &str = "andotp";

/// An andOTP plain backup.
pub(super) struct AndOtp;

impl Format for AndOtp {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A non-empty array whose first element has andOTP's `secret` and `type` fields.
    fn detect(&self, input: &Input<'_>) -> bool {
        match input.json() {
            Some(Value::Array(items)) => items
                .first()
                .and_then(Value::as_object)
                .is_some_and(|first| first.contains_key("secret") && first.contains_key("type")),
            _ => false,
        }
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let Some(Value::Array(items)) = input.json() else {
            return Err(ImportError::UnknownFormat);
        };
        check_count(items.len())?;
        let accounts = json::each_entry(items, entry, |o| {
            (o.name_part("issuer"), o.name_part("label"))
        })?;
        Ok(Decoded::new(NAME, accounts))
    }
}

fn entry(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    let entry = Obj::of(value, "[]")?;
    let kind = kind_name(entry.str("type")?)?;
    let params = entry_params(
        kind,
        entry.opt_str("algorithm")?,
        entry.opt_u32("digits")?,
        entry.opt_u32("period")?,
        entry.opt_u64("counter")?,
    )?;
    let secret = base32_secret(entry.str("secret")?)?;
    let issuer = entry.opt_str("issuer")?.unwrap_or_default();
    let (issuer, label) = split_name(issuer, entry.opt_str("label")?.unwrap_or_default());
    account(issuer, label, params, secret)
}
