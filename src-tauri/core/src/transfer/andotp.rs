//! andOTP's plain JSON backup (`otp_accounts.json`).
//!
//! Follows the backup format andOTP writes (its `Entry.toJSON`): a JSON array of entries, each
//! with a base32 `secret` (often `=`-padded), `issuer`, `label`, `digits`, `type` (TOTP, HOTP,
//! STEAM), `algorithm`, `period` for TOTP and Steam, `counter` for HOTP. Old versions wrote no
//! `issuer`: their label is `Issuer - Label`, Label being the otpauth label, itself often
//! `Issuer:Label` (`Deno - Deno:Mason`). Such a label is split at its first ` - ` and a
//! repeated `Issuer:` prefix dropped (`Deno`, `Mason`); a label without ` - ` is split at its
//! first colon like an otpauth label. (Aegis splits at ` - ` only and keeps `Deno:Mason` as the
//! name; its test of old encrypted backups documents that as andOTP's bug.)
//!
//! Drops: thumbnails, tags, last-used times and usage counts. Encrypted backups (`.json.aes`)
//! are opened by `andotp_encrypted`, which hands the decrypted JSON to [`accounts`].

use serde_json::Value;

use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{
    About, Decoded, Dropped, Format, Input, account, base32_secret, check_count, entry_params,
    kind_name, split_name,
};
use crate::uri::OtpAuthUri;

const NAME: &str = "andotp";

/// An andOTP plain backup.
pub(super) struct AndOtp;

impl Format for AndOtp {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "andOTP",
            files: "plain JSON backup",
            drops: &[Dropped::Icons, Dropped::Groups, Dropped::UsageCounts],
        }
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
        Ok(Decoded::new(NAME, accounts(items)?))
    }
}

/// The accounts of a backup's entries (a plain backup's array, or an encrypted one's once
/// decrypted).
pub(super) fn accounts(items: &[Value]) -> Result<Vec<OtpAuthUri>, ImportError> {
    check_count(items.len())?;
    json::each_entry(items, entry, |o| {
        (o.name_part("issuer"), o.name_part("label"))
    })
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
    let (issuer, label) = names(issuer, entry.opt_str("label")?.unwrap_or_default());
    account(issuer, label, params, secret)
}

/// An entry's issuer and label; old backups' `Issuer - Label` as the module header says.
fn names<'n>(issuer: &'n str, label: &'n str) -> (&'n str, &'n str) {
    if issuer.trim().is_empty()
        && let Some((issuer, label)) = label.split_once(" - ")
    {
        return split_name(issuer, label.trim_start());
    }
    split_name(issuer, label)
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn old_labels_are_split_at_the_dash_then_at_a_repeated_issuer() {
        assert_eq!(names("", "Deno - Deno:Mason"), ("Deno", "Mason"));
        assert_eq!(
            names("", "Air Canada - Air Canada:Benjamin"),
            ("Air Canada", "Benjamin")
        );
        assert_eq!(names("", "ACME - alice"), ("ACME", "alice"));
        assert_eq!(names("", "ACME - Other:alice"), ("ACME", "Other:alice"));
        assert_eq!(names("", "ACME:alice"), ("ACME", "alice"));
        assert_eq!(names("", "alice"), ("", "alice"));
        // With an issuer field the label is andOTP's label, dashes and all.
        assert_eq!(names("ACME", "a - b"), ("ACME", "a - b"));
    }
}
