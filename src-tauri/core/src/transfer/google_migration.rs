//! Google Authenticator's "Transfer accounts" export: `otpauth-migration://offline?data=…`,
//! one URI per QR code, several per file when copied out as text.
//!
//! Follows the `MigrationPayload` protobuf as Google Authenticator writes it (documented by
//! the projects that read it, e.g. scito/extract_otp_secrets and Aegis): `data` is the
//! URL-encoded base64 of a payload with repeated `otp_parameters` (1), `version` (2),
//! `batch_size` (3), `batch_index` (4), `batch_id` (5); each parameter set has `secret` bytes
//! (1), `name` (2), `issuer` (3), `algorithm` (4: 0 unspecified = SHA1, 1 SHA1, 2 SHA256,
//! 3 SHA512, 4 MD5), `digits` (5: 0 unspecified = 6, 1 six, 2 eight), `type` (6: 1 HOTP,
//! 2 TOTP) and `counter` (7). A name `Issuer:Label` is split as otpauth labels are.
//!
//! Drops nothing CogAuth can use: the format has no period (Google's codes are always 30 s).
//! Refuses MD5 and an unspecified or unknown type. A batch spread over several QR codes is
//! read from whatever parts the file holds; missing parts give a warning, not an error, since
//! people import one QR code at a time too.

use std::collections::{BTreeMap, BTreeSet};

use zeroize::Zeroizing;

use super::error::{EntryProblem, ImportError, Unit};
use super::otpauth_list::{first_line_starts_with, read_lines};
use super::protobuf::{Reader, WireError, WireValue};
use super::{About, Decoded, Format, ImportWarning, Input, MAX_ENTRIES, account, split_name};
use crate::fields::{KindName, ParamFields};
use crate::otp::{Algorithm, Secret};
use crate::uri::OtpAuthUri;

const SCHEME: &str = "otpauth-migration://";

/// A text file of Google Authenticator migration URIs.
pub(super) struct GoogleMigration;

impl Format for GoogleMigration {
    fn name(&self) -> &'static str {
        "google-authenticator"
    }

    fn about(&self) -> &'static About {
        &About {
            app: "Google Authenticator",
            files: "transfer QR codes or their otpauth-migration:// links",
            drops: &[],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        first_line_starts_with(input, SCHEME)
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        // The same line reader as plain lists: a file may mix both kinds of URI.
        read_lines(self.name(), input)
    }
}

/// The parts of each multi-part export seen so far, by batch id.
#[derive(Default)]
pub(super) struct Batches {
    parts: BTreeMap<u64, (u64, BTreeSet<u64>)>,
}

impl Batches {
    fn record(&mut self, id: u64, size: u64, index: u64) -> Result<(), &'static str> {
        if size <= 1 {
            return Ok(());
        }
        if index >= size {
            return Err("its batch index is not below its batch size");
        }
        let (known_size, indexes) = self.parts.entry(id).or_insert((size, BTreeSet::new()));
        if *known_size != size {
            return Err("parts of one batch disagree on the batch size");
        }
        indexes.insert(index);
        Ok(())
    }

    /// One warning per batch with parts missing.
    pub(super) fn warnings(&self) -> Vec<ImportWarning> {
        self.parts
            .values()
            .filter(|(size, indexes)| (indexes.len() as u64) < *size)
            .map(|(size, indexes)| ImportWarning::IncompleteBatch {
                present: indexes.len() as u64,
                size: *size,
            })
            .collect()
    }
}

/// Every account of one `otpauth-migration://` URI (the `number`-th line or QR code).
pub(super) fn decode_line(
    line: &str,
    unit: Unit,
    number: usize,
    batches: &mut Batches,
) -> Result<Vec<OtpAuthUri>, ImportError> {
    let line_error =
        |reason| ImportError::entry(unit.at(number), ("", ""), EntryProblem::Migration(reason));
    let payload = payload_bytes(line).map_err(line_error)?;
    let mut reader = Reader::new(&payload);
    let mut parameters = Vec::new();
    let (mut size, mut index, mut id) = (0, 0, 0);
    while let Some((field, value)) = reader.next_field().map_err(|e| line_error(e.describe()))? {
        match (field, value) {
            (1, WireValue::Bytes(bytes)) => parameters.push(bytes),
            (3, WireValue::Varint(v)) => size = v,
            (4, WireValue::Varint(v)) => index = v,
            (5, WireValue::Varint(v)) => id = v,
            (2, WireValue::Varint(_)) => {}
            (1..=5, _) => return Err(line_error("a payload field has the wrong wire type")),
            _ => {}
        }
        if parameters.len() > MAX_ENTRIES {
            return Err(ImportError::TooManyEntries {
                count: parameters.len(),
            });
        }
    }
    batches.record(id, size, index).map_err(line_error)?;
    parameters
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| {
            let position = unit.entry(number, i + 1);
            let raw = RawParameters::parse(bytes).map_err(|e| {
                ImportError::entry(position, ("", ""), EntryProblem::Migration(e.describe()))
            })?;
            raw.to_account().map_err(|problem| {
                let (issuer, name) = (
                    String::from_utf8_lossy(raw.issuer),
                    String::from_utf8_lossy(raw.name),
                );
                ImportError::entry(position, (&issuer, &name), problem)
            })
        })
        .collect()
}

/// The payload bytes of `otpauth-migration://offline?data=…`.
fn payload_bytes(line: &str) -> Result<Zeroizing<Vec<u8>>, &'static str> {
    let rest = line.get(SCHEME.len()..).ok_or("the URI is truncated")?;
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !host.trim_end_matches('/').eq_ignore_ascii_case("offline") {
        return Err("the URI is not otpauth-migration://offline");
    }
    let mut data = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key == "data" {
            if data.is_some() {
                return Err("the data parameter appears more than once");
            }
            data = Some(value);
        }
    }
    let data = data.ok_or("the URI has no data parameter")?;
    // Percent-decoding only: a `+` here is base64, not a form-encoded space.
    let text = Zeroizing::new(
        percent_encoding::percent_decode_str(data)
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| match b {
                b'-' => b'+',
                b'_' => b'/',
                other => other,
            })
            .collect::<Vec<u8>>(),
    );
    let unpadded = text.strip_suffix(b"==").or_else(|| text.strip_suffix(b"="));
    data_encoding::BASE64_NOPAD
        .decode(unpadded.unwrap_or(&text))
        .map(Zeroizing::new)
        .map_err(|_| "the data parameter is not valid base64")
}

/// One `OtpParameters` message, fields as found (protobuf defaults for absent ones).
struct RawParameters<'a> {
    secret: &'a [u8],
    name: &'a [u8],
    issuer: &'a [u8],
    algorithm: u64,
    digits: u64,
    kind: u64,
    counter: u64,
}

impl<'a> RawParameters<'a> {
    fn parse(bytes: &'a [u8]) -> Result<Self, WireError> {
        let mut raw = RawParameters {
            secret: &[],
            name: &[],
            issuer: &[],
            algorithm: 0,
            digits: 0,
            kind: 0,
            counter: 0,
        };
        let mut reader = Reader::new(bytes);
        while let Some((field, value)) = reader.next_field()? {
            match (field, value) {
                (1, WireValue::Bytes(b)) => raw.secret = b,
                (2, WireValue::Bytes(b)) => raw.name = b,
                (3, WireValue::Bytes(b)) => raw.issuer = b,
                (4, WireValue::Varint(v)) => raw.algorithm = v,
                (5, WireValue::Varint(v)) => raw.digits = v,
                (6, WireValue::Varint(v)) => raw.kind = v,
                (7, WireValue::Varint(v)) => raw.counter = v,
                (1..=7, _) => return Err(WireError::WrongWireType),
                _ => {}
            }
        }
        Ok(raw)
    }

    fn to_account(&self) -> Result<OtpAuthUri, EntryProblem> {
        let text = |bytes: &[u8], field| {
            std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| EntryProblem::BadValue {
                    field,
                    reason: "is not UTF-8 text",
                })
        };
        let (name, issuer) = (text(self.name, "name")?, text(self.issuer, "issuer")?);
        let algorithm = match self.algorithm {
            0 | 1 => Algorithm::Sha1,
            2 => Algorithm::Sha256,
            3 => Algorithm::Sha512,
            4 => return Err(EntryProblem::UnsupportedAlgorithm("MD5")),
            _ => return Err(unknown("algorithm")),
        };
        // Unspecified (0) means the default, as Google Authenticator reads it.
        let digits = match self.digits {
            0 => None,
            1 => Some(6),
            2 => Some(8),
            _ => return Err(unknown("digits")),
        };
        // The payload has no period: Google Authenticator's codes are all 30 s.
        let (kind, counter) = match self.kind {
            1 => (KindName::Hotp, Some(self.counter_value()?)),
            2 => (KindName::Totp, None),
            0 => {
                return Err(EntryProblem::BadValue {
                    field: "type",
                    reason: "is unspecified (neither HOTP nor TOTP)",
                });
            }
            _ => return Err(unknown("type")),
        };
        let params = ParamFields {
            kind,
            algorithm: Some(algorithm),
            digits,
            period: None,
            counter,
        }
        .params()?;
        let secret = Secret::from_bytes(self.secret.to_vec())?;
        let (issuer, label) = split_name(&issuer, &name);
        account(issuer, label, params, secret)
    }

    /// The counter is an int64 on the wire; a negative one is nonsense for HOTP.
    fn counter_value(&self) -> Result<u64, EntryProblem> {
        if i64::try_from(self.counter).is_err() {
            return Err(EntryProblem::BadValue {
                field: "counter",
                reason: "is negative",
            });
        }
        Ok(self.counter)
    }
}

fn unknown(field: &'static str) -> EntryProblem {
    EntryProblem::BadValue {
        field,
        reason: "has a value this format does not define",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_lines_that_are_not_payloads() {
        let cases = [
            ("otpauth-migration://online?data=CgA%3D", "offline"),
            ("otpauth-migration://offline?foo=bar", "no data"),
            (
                "otpauth-migration://offline?data=CgA&data=CgA",
                "more than once",
            ),
            ("otpauth-migration://offline?data=%%%", "base64"),
            ("otpauth-migration://offline?data=Cg", "truncated"),
        ];
        for (line, needle) in cases {
            let error = decode_line(line, Unit::Line, 7, &mut Batches::default()).expect_err(line);
            let message = error.to_string();
            assert!(message.contains(needle), "{line}: {message}");
            assert!(message.starts_with("line 7"), "{message}");
        }
    }

    #[test]
    fn batches_warn_about_missing_parts_only() {
        let mut batches = Batches::default();
        batches.record(9, 3, 0).expect("ok");
        batches.record(9, 3, 2).expect("ok");
        batches.record(5, 1, 0).expect("ok");
        assert_eq!(
            batches.warnings(),
            [ImportWarning::IncompleteBatch {
                present: 2,
                size: 3
            }]
        );
        batches.record(9, 3, 1).expect("ok");
        assert!(batches.warnings().is_empty());
        assert!(batches.record(9, 4, 1).is_err());
        assert!(batches.record(1, 2, 2).is_err());
    }
}
