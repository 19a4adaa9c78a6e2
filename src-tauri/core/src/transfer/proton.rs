//! Proton Authenticator's JSON export (`Proton_Authenticator_backup_*.json`).
//!
//! Follows the export Proton Authenticator writes (read from its files and Aegis's
//! `ProtonAuthenticatorImporter`): an object `{version: 1, entries: [...]}`, each entry
//! `{id, content: {uri, entry_type, name}, note}`. `uri` is an otpauth URI holding the secret
//! and settings; `name` is the account's name as the user sees it in the app (the label), so
//! it replaces the URI's label when it is set; the issuer is the URI's.
//!
//! Drops: notes and the entries' ids (their order is kept). Only the plain export is read; a
//! file without `entries` is not recognised.

use serde_json::Value;

use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{About, Decoded, Dropped, Format, Input, check_count, checked};
use crate::uri::OtpAuthUri;

const NAME: &str = "proton-authenticator";

/// A Proton Authenticator export.
pub(super) struct Proton;

impl Format for Proton {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "Proton Authenticator",
            files: "JSON export",
            drops: &[Dropped::Notes],
        }
    }

    /// An object whose `entries` array starts with an entry holding `content.uri`.
    fn detect(&self, input: &Input<'_>) -> bool {
        json::root(input.json()).is_some_and(|root| match root.get("entries") {
            Some(Value::Array(entries)) => entries
                .first()
                .and_then(|e| e.get("content"))
                .and_then(|c| c.get("uri"))
                .is_some(),
            _ => false,
        })
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let root = json::root(input.json()).ok_or(ImportError::UnknownFormat)?;
        let entries = root
            .array("entries")
            .map_err(|problem| ImportError::malformed(NAME, problem.to_string()))?;
        check_count(entries.len())?;
        let accounts = json::each_entry(entries, entry, |o| {
            let name = o
                .get("content")
                .and_then(|c| c.get("name"))
                .and_then(Value::as_str);
            ("", name.unwrap_or_default())
        })?;
        Ok(Decoded::new(NAME, accounts))
    }
}

fn entry(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    let content = Obj::of(value, "entries[]")?.object("content")?;
    let mut uri = OtpAuthUri::parse(content.str("uri")?)?;
    if let Some(name) = content.opt_str("name")?.filter(|n| !n.trim().is_empty()) {
        name.clone_into(&mut uri.label);
    }
    checked(uri)
}
