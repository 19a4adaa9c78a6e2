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
//! lock setting. FreeOTP+ has no Steam type (a TOTP token of issuer Steam is one, see
//! `freeotp::token_account`). The token object is read by
//! `freeotp::token_account`, shared with FreeOTP's own token store.

use serde_json::Value;

use super::error::{EntryProblem, ImportError};
use super::freeotp::{StoredCounter, token_account};
use super::json::{self, Obj};
use super::{About, Decoded, Dropped, Format, Input, check_count};
use crate::uri::OtpAuthUri;

const NAME: &str = "freeotp-plus";

/// A FreeOTP+ JSON export.
pub(super) struct FreeOtpPlus;

impl Format for FreeOtpPlus {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "FreeOTP+",
            files: "JSON export",
            drops: &[Dropped::Icons, Dropped::Colours, Dropped::Order],
        }
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

/// One of `tokens[]`: FreeOTP's token object, its HOTP counter one lower than the next code's.
fn token(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    token_account(Obj::of(value, "tokens[]")?, None, StoredCounter::OneLower)
}
