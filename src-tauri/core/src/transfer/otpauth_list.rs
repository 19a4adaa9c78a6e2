//! Plain lists of otpauth URIs, one per line: what most authenticators export as "plain text"
//! or "URI list", and what Ente Auth exports.
//!
//! Follows Google Authenticator's Key Uri Format through [`OtpAuthUri::parse`] (see
//! `crate::uri`), one URI per line; blank lines and lines starting with `#` are skipped, a
//! byte-order mark and Windows line ends are tolerated. Lines may also be Google
//! Authenticator `otpauth-migration://` URIs (see `google_migration`), so one list can mix
//! both. Drops: parameters the URI format does not carry for CogAuth (Ente's `codeDisplay`
//! with pinning, tags and usage counts; `image`; any unknown parameter), and the comments.

use zeroize::Zeroizing;

use super::error::{EntryProblem, ImportError, Unit};
use super::google_migration::{self, Batches};
use super::{About, Decoded, Format, Input, MAX_ENTRIES, checked};
use crate::uri::OtpAuthUri;

/// A text file of otpauth URIs.
pub(super) struct OtpauthList;

impl Format for OtpauthList {
    fn name(&self) -> &'static str {
        "otpauth"
    }

    fn about(&self) -> &'static About {
        &About {
            app: "Any authenticator",
            files: "otpauth:// links, one per line (Ente Auth's export)",
            drops: &[],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        first_line_starts_with(input, "otpauth://")
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        read_lines(self.name(), input)
    }
}

/// Lines that carry data: not blank, not a `#` comment, with their 1-based numbers.
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// Whether the first data line starts with `scheme` (any case).
pub(super) fn first_line_starts_with(input: &Input<'_>, scheme: &str) -> bool {
    let Some(text) = input.text() else {
        return false;
    };
    data_lines(text)
        .next()
        .is_some_and(|(_, line)| has_scheme(line, scheme))
}

fn has_scheme(line: &str, scheme: &str) -> bool {
    line.get(..scheme.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
}

/// Reads every line: otpauth URIs and Google Authenticator migration URIs alike.
pub(super) fn read_lines(format: &'static str, input: &Input<'_>) -> Result<Decoded, ImportError> {
    let text = input.text().ok_or(ImportError::NotUtf8)?;
    read_uris(format, Unit::Line, data_lines(text))
}

/// Reads numbered URIs (the lines of a file, the texts of QR codes): otpauth URIs and Google
/// Authenticator migration URIs alike.
pub(super) fn read_uris<'t>(
    format: &'static str,
    unit: Unit,
    uris: impl Iterator<Item = (usize, &'t str)>,
) -> Result<Decoded, ImportError> {
    let mut accounts = Vec::new();
    let mut batches = Batches::default();
    for (number, line) in uris {
        if has_scheme(line, "otpauth-migration://") {
            accounts.extend(google_migration::decode_line(
                line,
                unit,
                number,
                &mut batches,
            )?);
        } else if has_scheme(line, "otpauth://") {
            let uri = OtpAuthUri::parse(line)
                .map_err(EntryProblem::Uri)
                .and_then(checked)
                .map_err(|problem| {
                    let label = label_hint(line);
                    ImportError::entry(unit.at(number), ("", &label), problem)
                })?;
            accounts.push(uri);
        } else {
            return Err(ImportError::entry(
                unit.at(number),
                ("", ""),
                EntryProblem::NotAnOtpUri,
            ));
        }
        if accounts.len() > MAX_ENTRIES {
            return Err(ImportError::TooManyEntries {
                count: accounts.len(),
            });
        }
    }
    let mut decoded = Decoded::new(format, accounts);
    decoded.warnings = batches.warnings();
    Ok(decoded)
}

/// The label part of a URI that did not parse, decoded as far as possible, to name the line
/// in the error. The query, which holds the secret, is never looked at.
fn label_hint(line: &str) -> String {
    let path = line.split_once("://").map_or("", |(_, rest)| rest);
    // Stop at anything that could start a parameter: a URI typed with '&' for '?' must not
    // carry `secret=…` into an error message.
    let path = path
        .split(['?', '#', '&', '=', ';'])
        .next()
        .unwrap_or_default();
    let label = path.split_once('/').map_or("", |(_, label)| label);
    let decoded = Zeroizing::new(percent_encoding::percent_decode_str(label).collect::<Vec<u8>>());
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_hint_never_reads_the_query() {
        assert_eq!(
            label_hint("otpauth://totp/ACME%20Co:alice?secret=SHORT"),
            "ACME Co:alice"
        );
        assert_eq!(label_hint("otpauth://totp?secret=JBSWY3DP"), "");
        assert_eq!(
            label_hint("otpauth://totp/ACME:alice&secret=JBSWY3DPEHPK3PXP"),
            "ACME:alice"
        );
    }
}
