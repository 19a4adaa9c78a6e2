//! FreeOTP+'s JSON export (`freeotp-backup.json`).
//!
//! Follows the export FreeOTP+ writes from its token store (FreeOTP's `Token` class): an
//! object with `tokenOrder` and `tokens[]`, each with `type` (TOTP or HOTP), `algo`, `digits`,
//! `period`, `counter`, `label`, `issuerExt` (the URI's issuer), `issuerInt` (the label's
//! issuer prefix), optional user overrides `issuerAlt` and `labelAlt`, and `secret` as an
//! array of Java's signed bytes (-128..127). The issuer is `issuerAlt`, else `issuerExt`, else
//! `issuerInt`; the label is `labelAlt`, else `label`, as FreeOTP shows them.
//!
//! FreeOTP stores an HOTP counter one lower than the counter of the next code (it increments
//! before generating), so 1 is added. Drops: the token order, images and colours, and the
//! lock setting. FreeOTP+ has no Steam type.

use serde_json::Value;

use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{
    Decoded, Format, Input, KindName, account, check_count, entry_params, unsupported_type,
};
use crate::otp::{MAX_SECRET_BYTES, Secret};
use crate::uri::OtpAuthUri;

const NAME: &str = "freeotp-plus";

/// A FreeOTP+ JSON export.
pub(super) struct FreeOtpPlus;

impl Format for FreeOtpPlus {
    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        json::root(input.json())
            .is_some_and(|root| matches!(root.get("tokens"), Some(Value::Array(_))))
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let root = json::root(input.json()).ok_or(ImportError::UnknownFormat)?;
        let tokens = root
            .array("tokens")
            .map_err(|problem| ImportError::malformed(NAME, problem.to_string()))?;
        check_count(tokens.len())?;
        let accounts = json::each_entry(tokens, token, |o| {
            (o.name_part("issuerExt"), o.name_part("label"))
        })?;
        Ok(Decoded::new(NAME, accounts))
    }
}

fn token(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    let token = Obj::of(value, "tokens[]")?;
    let kind = match token.str("type")?.to_ascii_lowercase().as_str() {
        "totp" => KindName::Totp,
        "hotp" => KindName::Hotp,
        // FreeOTP+ has no Steam type: "steam" here is as unknown as anything else.
        other => return Err(unsupported_type(other)),
    };
    let counter = match token.opt_i64("counter")? {
        Some(stored) => Some(
            stored
                .checked_add(1)
                .and_then(|next| u64::try_from(next).ok())
                .ok_or(EntryProblem::BadValue {
                    field: "counter",
                    reason: "is out of range",
                })?,
        ),
        None => None,
    };
    let params = entry_params(
        kind,
        token.opt_str("algo")?,
        token.opt_u32("digits")?,
        token.opt_u32("period")?,
        counter,
    )?;
    let secret = secret(&token)?;
    let first = |keys: &[&'static str]| -> Result<&str, EntryProblem> {
        for key in keys {
            if let Some(text) = token.opt_str(key)?.filter(|t| !t.trim().is_empty()) {
                return Ok(text);
            }
        }
        Ok("")
    };
    let issuer = first(&["issuerAlt", "issuerExt", "issuerInt"])?;
    let label = first(&["labelAlt", "label"])?;
    account(issuer, label, params, secret)
}

/// Java's signed bytes (unsigned 0..255 accepted too).
fn secret(token: &Obj<'_>) -> Result<Secret, EntryProblem> {
    let items = token.array("secret")?;
    if items.len() > MAX_SECRET_BYTES {
        return Err(EntryProblem::Otp(crate::otp::OtpError::SecretTooLong {
            bytes: items.len(),
        }));
    }
    let wrong = EntryProblem::WrongType {
        field: "secret",
        expected: "an array of bytes (-128 to 255)",
    };
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(items.len()));
    for item in items {
        let value = item
            .as_i64()
            .filter(|v| (-128..=255).contains(v))
            .ok_or(wrong.clone())?;
        // Two's complement: -1 is 0xff.
        bytes.push(value as u8);
    }
    Ok(Secret::from_bytes(std::mem::take(&mut *bytes))?)
}
