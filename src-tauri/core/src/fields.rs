//! Account settings from loose fields: the one place for their defaults and their validation.
//!
//! Every way of adding an account ends here: the app's form and the CLI's flags
//! ([`TypedAccount`], text as the person typed it), an otpauth URI's parameters and an export's
//! entries ([`ParamFields`], already typed). A setting left out takes its default ([`SHA1`,
//! 6 digits (Steam: 5), 30 s, counter 0](ParamFields::params)); names are trimmed and checked
//! once ([`names`]); every refusal is a [`FieldError`] naming the [`Field`] at fault, so a form
//! can show it next to that field and the CLI can print it as one line.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::otp::{Algorithm, OtpError, OtpKind, OtpParams, STEAM_DIGITS, Secret};
use crate::vault::NewAccount;

/// Seconds per code when an account does not say.
pub const DEFAULT_PERIOD: u32 = 30;
/// Digits of a TOTP or HOTP code when an account does not say (Steam: [`STEAM_DIGITS`]).
pub const DEFAULT_DIGITS: u32 = 6;
/// The longest issuer or label, in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// A setting of an account, as forms and error reports name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The service's name.
    Issuer,
    /// The account's name at that service.
    Label,
    /// The base32 secret.
    Secret,
    /// `totp`, `hotp` or `steam`.
    Kind,
    /// SHA1, SHA256 or SHA512.
    Algorithm,
    /// The code's length.
    Digits,
    /// Seconds per code.
    Period,
    /// The HOTP counter.
    Counter,
}

impl Field {
    /// The stable machine name (`issuer`, `label`, …), as the app's forms know it.
    pub fn name(self) -> &'static str {
        match self {
            Field::Issuer => "issuer",
            Field::Label => "label",
            Field::Secret => "secret",
            Field::Kind => "kind",
            Field::Algorithm => "algorithm",
            Field::Digits => "digits",
            Field::Period => "period",
            Field::Counter => "counter",
        }
    }

    /// The field that a refused OTP setting belongs to.
    fn of(error: &OtpError) -> Field {
        match error {
            OtpError::DigitsOutOfRange { .. } => Field::Digits,
            OtpError::ZeroPeriod | OtpError::PeriodTooLong(_) => Field::Period,
            OtpError::UnknownAlgorithm(_) | OtpError::SteamNeedsSha1(_) => Field::Algorithm,
            _ => Field::Secret,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The secret or a setting was refused by the OTP rules.
    #[error(transparent)]
    Otp(#[from] OtpError),
    /// Digits, period or counter that is not a whole number (the text is not repeated).
    #[error("the {0} must be a whole number")]
    NotANumber(Field),
    /// A type other than `totp`, `hotp` or `steam` (shortened).
    #[error("unknown type '{0}' (expected totp, hotp or steam)")]
    UnknownKind(String),
    /// Neither an issuer nor a label.
    #[error("the account needs a name: an issuer, a label or both")]
    NoName,
    /// More than [`MAX_NAME_CHARS`] characters.
    #[error("the {0} is longer than {MAX_NAME_CHARS} characters")]
    NameTooLong(Field),
    /// Control characters (line breaks, tabs, escapes) in a name.
    #[error("the {0} contains control characters")]
    ControlCharacters(Field),
    /// Bidirectional embedding, override or isolate characters (U+202A–U+202E,
    /// U+2066–U+2069) in a name: they can make it read as another account's.
    #[error("the {0} contains right-to-left override characters")]
    BidiControls(Field),
}

/// A refused field: [`FieldError::field`] says which, the message says why (never the
/// secret's text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct FieldError {
    /// The field at fault.
    pub field: Field,
    /// What is wrong with it.
    pub problem: Problem,
}

impl FieldError {
    fn new(field: Field, problem: impl Into<Problem>) -> Self {
        FieldError {
            field,
            problem: problem.into(),
        }
    }
}

impl From<OtpError> for FieldError {
    fn from(error: OtpError) -> Self {
        FieldError::new(Field::of(&error), error)
    }
}

/// The kinds of code, by the names forms, URIs and exports use (any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KindName {
    /// Time-based, the default.
    #[default]
    Totp,
    /// Counter-based.
    Hotp,
    /// Steam Guard.
    Steam,
}

impl FromStr for KindName {
    type Err = FieldError;

    fn from_str(text: &str) -> Result<Self, FieldError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "totp" => Ok(KindName::Totp),
            "hotp" => Ok(KindName::Hotp),
            "steam" => Ok(KindName::Steam),
            _ => Err(FieldError::new(
                Field::Kind,
                Problem::UnknownKind(text.chars().filter(|c| !c.is_control()).take(16).collect()),
            )),
        }
    }
}

/// The OTP settings of an account, each one `None` when the source did not give it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParamFields {
    /// The kind.
    pub kind: KindName,
    /// The hash (default SHA1).
    pub algorithm: Option<Algorithm>,
    /// The code's length (default 6, Steam 5).
    pub digits: Option<u32>,
    /// Seconds per code, TOTP and Steam (default 30); ignored for HOTP.
    pub period: Option<u32>,
    /// The counter of the next code, HOTP (default 0); ignored otherwise.
    pub counter: Option<u64>,
}

impl ParamFields {
    /// The validated settings, with the defaults for what was left out.
    pub fn params(&self) -> Result<OtpParams, FieldError> {
        let period = self.period.unwrap_or(DEFAULT_PERIOD);
        let (kind, default_digits) = match self.kind {
            KindName::Totp => (OtpKind::Totp { period }, DEFAULT_DIGITS),
            KindName::Hotp => (
                OtpKind::Hotp {
                    counter: self.counter.unwrap_or(0),
                },
                DEFAULT_DIGITS,
            ),
            KindName::Steam => (OtpKind::Steam { period }, STEAM_DIGITS),
        };
        let algorithm = self.algorithm.unwrap_or_default();
        Ok(OtpParams::new(
            kind,
            algorithm,
            self.digits.unwrap_or(default_digits),
        )?)
    }
}

/// An account's fields as a person typed them (the app's manual-entry form, the CLI's
/// flags). An empty setting takes its default; surrounding spaces are not part of any value.
#[derive(Debug, Default, Deserialize)]
pub struct TypedAccount {
    /// The issuer; may be empty when the label is not.
    #[serde(default)]
    pub issuer: String,
    /// The label; may be empty when the issuer is not.
    #[serde(default)]
    pub label: String,
    /// The base32 secret.
    #[serde(default)]
    pub secret: Zeroizing<String>,
    /// `totp` (default), `hotp` or `steam`.
    #[serde(default)]
    pub kind: String,
    /// `SHA1` (default), `SHA256` or `SHA512`.
    #[serde(default)]
    pub algorithm: String,
    /// The code's length.
    #[serde(default)]
    pub digits: String,
    /// Seconds per code (TOTP, Steam).
    #[serde(default)]
    pub period: String,
    /// The counter of the next code (HOTP).
    #[serde(default)]
    pub counter: String,
}

impl TypedAccount {
    /// The account to add; the first field at fault is named. The name and the settings are
    /// checked before the secret, so that a form points at the first wrong field in its order.
    pub fn new_account(&self) -> Result<NewAccount, FieldError> {
        let (issuer, label) = names(&self.issuer, &self.label)?;
        let kind = match self.kind.trim() {
            "" => KindName::default(),
            text => text.parse()?,
        };
        let fields = ParamFields {
            kind,
            algorithm: optional(&self.algorithm, |text| {
                text.parse::<Algorithm>().map_err(FieldError::from)
            })?,
            digits: number(&self.digits, Field::Digits)?,
            period: number(&self.period, Field::Period)?,
            counter: number(&self.counter, Field::Counter)?,
        };
        let params = fields.params()?;
        let secret = secret(&self.secret)?;
        Ok(NewAccount::active(issuer, label, params, secret))
    }
}

/// A base32 secret, any field's refusal named as the secret's.
pub fn secret(text: &str) -> Result<Secret, FieldError> {
    Secret::from_base32(text).map_err(|error| FieldError::new(Field::Secret, error))
}

/// An issuer and a label, trimmed and checked: at most [`MAX_NAME_CHARS`] characters each, no
/// control characters, and not both empty.
pub fn names(issuer: &str, label: &str) -> Result<(String, String), FieldError> {
    let issuer = name(issuer, Field::Issuer)?;
    let label = name(label, Field::Label)?;
    if issuer.is_empty() && label.is_empty() {
        return Err(FieldError::new(Field::Label, Problem::NoName));
    }
    Ok((issuer, label))
}

/// One name, trimmed and checked (it may be empty).
pub fn name(text: &str, field: Field) -> Result<String, FieldError> {
    let text = text.trim();
    if text.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new(field, Problem::NameTooLong(field)));
    }
    if text.chars().any(char::is_control) {
        return Err(FieldError::new(field, Problem::ControlCharacters(field)));
    }
    if text.chars().any(is_bidi_control) {
        return Err(FieldError::new(field, Problem::BidiControls(field)));
    }
    Ok(text.to_owned())
}

/// The explicit directional formatting characters of Unicode's bidi algorithm (embeddings and
/// overrides U+202A–U+202E, isolates U+2066–U+2069), which reorder the text around them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `None` for an empty text, else what `parse` makes of it.
fn optional<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        text => parse(text).map(Some),
    }
}

fn number<T: FromStr>(text: &str, field: Field) -> Result<Option<T>, FieldError> {
    optional(text, |text| {
        text.parse()
            .map_err(|_| FieldError::new(field, Problem::NotANumber(field)))
    })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn typed(kind: &str) -> TypedAccount {
        TypedAccount {
            issuer: " ACME ".to_owned(),
            label: " alice ".to_owned(),
            secret: Zeroizing::new("jbsw y3dp ehpk 3pxp".to_owned()),
            kind: kind.to_owned(),
            ..TypedAccount::default()
        }
    }

    #[test]
    fn empty_settings_take_the_one_set_of_defaults() {
        let totp = typed("").new_account().expect("valid");
        assert_eq!(
            (totp.issuer.as_str(), totp.label.as_str()),
            ("ACME", "alice")
        );
        assert_eq!(totp.params, OtpParams::default_totp());
        let steam = typed("Steam").new_account().expect("valid");
        assert_eq!(steam.params.kind, OtpKind::Steam { period: 30 });
        assert_eq!(steam.params.digits, STEAM_DIGITS);
        let hotp = typed("hotp").new_account().expect("valid");
        assert_eq!(hotp.params.kind, OtpKind::Hotp { counter: 0 });
        assert_eq!(hotp.params.digits, DEFAULT_DIGITS);
    }

    #[test]
    fn typed_settings_are_read() {
        let account = TypedAccount {
            algorithm: "sha-256".to_owned(),
            digits: " 8 ".to_owned(),
            period: "60".to_owned(),
            ..typed("totp")
        }
        .new_account()
        .expect("valid");
        assert_eq!(account.params.kind, OtpKind::Totp { period: 60 });
        assert_eq!(account.params.algorithm, Algorithm::Sha256);
        assert_eq!(account.params.digits, 8);
        let hotp = TypedAccount {
            counter: "41".to_owned(),
            ..typed("hotp")
        }
        .new_account()
        .expect("valid");
        assert_eq!(hotp.params.kind, OtpKind::Hotp { counter: 41 });
    }

    #[test]
    fn fail_each_refusal_names_its_field() {
        let cases: [(TypedAccount, Field); 9] = [
            (
                TypedAccount {
                    label: String::new(),
                    issuer: " ".to_owned(),
                    ..typed("")
                },
                Field::Label,
            ),
            (
                TypedAccount {
                    issuer: "a\u{7}".to_owned(),
                    ..typed("")
                },
                Field::Issuer,
            ),
            (
                TypedAccount {
                    label: "x".repeat(257),
                    ..typed("")
                },
                Field::Label,
            ),
            (typed("motp"), Field::Kind),
            (
                TypedAccount {
                    algorithm: "MD5".to_owned(),
                    ..typed("")
                },
                Field::Algorithm,
            ),
            (
                TypedAccount {
                    digits: "9".to_owned(),
                    ..typed("")
                },
                Field::Digits,
            ),
            (
                TypedAccount {
                    period: "0".to_owned(),
                    ..typed("")
                },
                Field::Period,
            ),
            (
                TypedAccount {
                    counter: "-1".to_owned(),
                    ..typed("hotp")
                },
                Field::Counter,
            ),
            (
                TypedAccount {
                    secret: Zeroizing::new("JBSWY3DP".to_owned()),
                    ..typed("")
                },
                Field::Secret,
            ),
        ];
        for (account, field) in cases {
            let error = account.new_account().expect_err("refused");
            assert_eq!(error.field, field, "{error}");
        }
        let steam = TypedAccount {
            algorithm: "SHA256".to_owned(),
            ..typed("steam")
        };
        assert_eq!(
            steam.new_account().expect_err("steam is SHA1").field,
            Field::Algorithm
        );
    }

    #[test]
    fn fail_names_with_bidi_overrides_are_refused() {
        // "evil\u{202e}moc.elgoog" shows as "evilgoogle.com" in a right-to-left run.
        for bad in [
            "evil\u{202e}moc.elgoog",
            "a\u{2066}b",
            "\u{202a}x",
            "x\u{2069}",
        ] {
            let error = names("", bad).expect_err(bad);
            assert_eq!(error.field, Field::Label);
            assert!(matches!(error.problem, Problem::BidiControls(_)), "{error}");
            assert_eq!(names(bad, "x").expect_err(bad).field, Field::Issuer);
        }
        // Right-to-left text itself is a name like any other.
        assert!(names("בנק", "שלום").is_ok());
    }

    #[test]
    fn fail_messages_never_repeat_the_secret() {
        let error = TypedAccount {
            secret: Zeroizing::new("JBSWY3DPEHPK3PX!".to_owned()),
            ..typed("")
        }
        .new_account()
        .expect_err("bad base32");
        assert!(!error.to_string().contains("JBSWY3DP"), "{error}");
    }
}
