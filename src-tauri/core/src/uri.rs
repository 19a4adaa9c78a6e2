//! `otpauth://` URIs: parse and format, round-trip exact.
//!
//! Follows Google Authenticator's Key Uri Format
//! (`otpauth://TYPE/LABEL?secret=…&issuer=…&algorithm=…&digits=…&period=…&counter=…`), with
//! the usual extensions: type `steam` (Aegis) or `encoder=steam` (andOTP, Ente) for Steam Guard,
//! case-insensitive algorithm names. The label is `Issuer:Account` or `Account`; the `issuer`
//! parameter wins when both are present (Google's spec says they should agree). Percent-encoding
//! is decoded in the label and the query; `+` means a space only in the query (form encoding),
//! as Aegis writes it. Unknown parameters (Ente's `codeDisplay`, `image`, …) are ignored.
//!
//! Formatting always writes every parameter explicitly, so a formatted URI parses back to the
//! same account on any app, whatever its defaults.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use zeroize::Zeroizing;

pub use crate::fields::MAX_NAME_CHARS;
use crate::fields::{self, FieldError, KindName, ParamFields};
use crate::otp::{OtpError, OtpKind, OtpParams, Secret};

/// The longest URI accepted, in bytes: far above any real one, low enough to bound hostile input.
pub const MAX_URI_LEN: usize = 8192;

/// Why an otpauth URI was refused. Messages name the problem and never include the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// Not `otpauth://`.
    #[error("not an otpauth URI (it must start with otpauth://)")]
    WrongScheme,
    /// The type is not totp, hotp or steam.
    #[error("unknown OTP type '{0}' (expected totp, hotp or steam)")]
    UnknownType(String),
    /// Longer than [`MAX_URI_LEN`].
    #[error("the URI is {0} bytes long; at most {MAX_URI_LEN} are accepted")]
    TooLong(usize),
    /// The issuer, the label or a setting was refused (see [`crate::fields`]).
    #[error("{0}")]
    Field(#[from] FieldError),
    /// A `%XX` sequence that does not decode to UTF-8 text, or a control character.
    #[error("the {0} is not valid percent-encoded UTF-8 text")]
    BadEncoding(&'static str),
    /// No `secret` parameter.
    #[error("the URI has no secret parameter")]
    MissingSecret,
    /// A parameter given twice.
    #[error("the parameter '{0}' appears more than once")]
    DuplicateParameter(String),
    /// A number that does not parse.
    #[error("the {name} parameter is not a valid number")]
    BadNumber {
        /// Parameter name.
        name: &'static str,
    },
    /// HOTP without `counter`.
    #[error("an HOTP URI needs a counter parameter")]
    MissingCounter,
    /// The secret or a parameter combination was refused.
    #[error("{0}")]
    Otp(#[from] OtpError),
}

/// A parsed otpauth URI: names, OTP parameters and the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAuthUri {
    /// Service name; empty when the URI names none.
    pub issuer: String,
    /// Account name within the service.
    pub label: String,
    /// Kind, algorithm, digits, period or counter.
    pub params: OtpParams,
    /// The shared secret.
    pub secret: Secret,
}

// Everything but unreserved characters (RFC 3986) is escaped, so `:` in a name survives.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn decode(raw: &str, what: &'static str, plus_is_space: bool) -> Result<String, UriError> {
    let raw = if plus_is_space {
        raw.replace('+', " ")
    } else {
        raw.to_owned()
    };
    let text = percent_decode_str(&raw)
        .decode_utf8()
        .map_err(|_| UriError::BadEncoding(what))?;
    if text.chars().any(char::is_control) {
        return Err(UriError::BadEncoding(what));
    }
    Ok(text.into_owned())
}

fn number<T: std::str::FromStr>(value: &str, name: &'static str) -> Result<T, UriError> {
    value.parse().map_err(|_| UriError::BadNumber { name })
}

/// Splits the decoded label into issuer and account name.
/// - With an `issuer` parameter, a label starting with exactly `issuer:` loses that prefix; an
///   empty parameter means "no issuer" and keeps the whole label (how [`OtpAuthUri::to_uri`]
///   writes a label that contains `:`); any other `prefix:` is dropped, the parameter winning.
/// - Without one, the label is `Issuer:Account` or `Account`.
fn split_label(label: String, issuer_param: Option<String>) -> (String, String) {
    match issuer_param {
        Some(issuer) if issuer.is_empty() => (issuer, label),
        Some(issuer) => {
            let account = match label.strip_prefix(&format!("{issuer}:")) {
                Some(account) => account.to_owned(),
                None => label
                    .split_once(':')
                    .map_or(label.clone(), |(_, account)| account.to_owned()),
            };
            (issuer, account)
        }
        None => match label.split_once(':') {
            Some((issuer, account)) => (issuer.to_owned(), account.to_owned()),
            None => (String::new(), label),
        },
    }
}

impl OtpAuthUri {
    /// Parses an `otpauth://` URI.
    pub fn parse(text: &str) -> Result<Self, UriError> {
        let text = text.trim();
        if text.len() > MAX_URI_LEN {
            return Err(UriError::TooLong(text.len()));
        }
        let scheme_end = text.find("://").ok_or(UriError::WrongScheme)?;
        if !text[..scheme_end].eq_ignore_ascii_case("otpauth") {
            return Err(UriError::WrongScheme);
        }
        let rest = &text[scheme_end + 3..];
        let (kind_name, rest) = rest.split_once('/').unwrap_or((rest, ""));
        let (raw_label, query) = rest.split_once('?').unwrap_or((rest, ""));
        let kind_name = kind_name.to_ascii_lowercase();
        if !matches!(kind_name.as_str(), "totp" | "hotp" | "steam") {
            return Err(UriError::UnknownType(
                kind_name
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(16)
                    .collect(),
            ));
        }

        let mut secret_text: Option<Zeroizing<String>> = None;
        let mut issuer_param = None;
        let mut algorithm = None;
        let mut digits = None;
        let mut period = None;
        let mut counter = None;
        let mut steam_encoder = false;
        let mut seen: Vec<&str> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key_lower = key.to_ascii_lowercase();
            let known = [
                "secret",
                "issuer",
                "algorithm",
                "digits",
                "period",
                "counter",
                "encoder",
            ];
            let Some(&name) = known.iter().find(|k| **k == key_lower) else {
                continue;
            };
            if seen.contains(&name) {
                return Err(UriError::DuplicateParameter(name.to_owned()));
            }
            seen.push(name);
            match name {
                "secret" => {
                    // Every intermediate copy of the secret is a zeroizing buffer.
                    let raw = Zeroizing::new(value.replace('+', " "));
                    let text = percent_decode_str(&raw)
                        .decode_utf8()
                        .map_err(|_| UriError::BadEncoding("secret"))?;
                    secret_text = Some(Zeroizing::new(text.into_owned()));
                }
                "issuer" => issuer_param = Some(decode(value, "issuer", true)?),
                "algorithm" => algorithm = Some(decode(value, "algorithm", true)?.parse()?),
                "digits" => digits = Some(number::<u32>(value, "digits")?),
                "period" => period = Some(number::<u32>(value, "period")?),
                "counter" => counter = Some(number::<u64>(value, "counter")?),
                _ => steam_encoder = value.eq_ignore_ascii_case("steam"),
            }
        }

        let secret_text = secret_text.ok_or(UriError::MissingSecret)?;
        let secret = Secret::from_base32(&secret_text)?;
        let label = decode(raw_label, "label", false)?;
        let (issuer, label) = split_label(label, issuer_param);
        let (issuer, label) = fields::names(&issuer, &label)?;

        let kind = match kind_name.as_str() {
            // The Key Uri Format requires the counter of an HOTP URI.
            "hotp" if counter.is_none() => return Err(UriError::MissingCounter),
            "hotp" => KindName::Hotp,
            "steam" => KindName::Steam,
            _ if steam_encoder => KindName::Steam,
            _ => KindName::Totp,
        };
        let params = ParamFields {
            kind,
            algorithm,
            digits,
            period,
            counter,
        }
        .params()?;
        Ok(OtpAuthUri {
            issuer,
            label,
            params,
            secret,
        })
    }

    /// Formats the URI with every parameter explicit. The result holds the secret, hence the
    /// zeroizing wrapper.
    pub fn to_uri(&self) -> Zeroizing<String> {
        let issuer = utf8_percent_encode(&self.issuer, COMPONENT);
        let label = utf8_percent_encode(&self.label, COMPONENT);
        let mut uri = Zeroizing::new(String::with_capacity(128));
        let _ = write!(uri, "otpauth://{}/", self.params.kind.name());
        if !self.issuer.is_empty() {
            let _ = write!(uri, "{issuer}:");
        }
        let _ = write!(uri, "{label}?secret={}", self.secret.to_base32().as_str());
        if !self.issuer.is_empty() || self.label.contains(':') {
            // An empty issuer parameter keeps a label with ':' from being split on reading.
            let _ = write!(uri, "&issuer={issuer}");
        }
        let _ = write!(
            uri,
            "&algorithm={}&digits={}",
            self.params.algorithm, self.params.digits
        );
        let _ = match self.params.kind {
            OtpKind::Hotp { counter } => write!(uri, "&counter={counter}"),
            OtpKind::Totp { period } | OtpKind::Steam { period } => {
                write!(uri, "&period={period}")
            }
        };
        uri
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Algorithm;

    #[test]
    fn parses_issuer_from_prefix_and_parameter() {
        let uri = OtpAuthUri::parse(
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60",
        )
        .expect("valid");
        assert_eq!(uri.issuer, "ACME Co");
        assert_eq!(uri.label, "john.doe@email.com");
        assert_eq!(uri.params.kind, OtpKind::Totp { period: 60 });
        assert_eq!(uri.params.algorithm, Algorithm::Sha256);
        assert_eq!(uri.params.digits, 8);
    }

    #[test]
    fn parameter_issuer_wins_and_defaults_apply() {
        let uri = OtpAuthUri::parse("otpauth://totp/Old:alice?secret=JBSWY3DPEHPK3PXP&issuer=New")
            .expect("valid");
        assert_eq!((uri.issuer.as_str(), uri.label.as_str()), ("New", "alice"));
        assert_eq!(uri.params, OtpParams::default_totp());
    }

    #[test]
    fn steam_by_type_or_encoder() {
        for text in [
            "otpauth://steam/Steam:bob?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/Steam:bob?secret=JBSWY3DPEHPK3PXP&encoder=steam",
        ] {
            let uri = OtpAuthUri::parse(text).expect(text);
            assert_eq!(uri.params.kind, OtpKind::Steam { period: 30 });
            assert_eq!(uri.params.digits, 5);
        }
    }

    #[test]
    fn format_round_trips_exactly() {
        let text = "otpauth://hotp/Air%20Canada:Benjamin%3A2?secret=KUVJJOM753IHTNDSZVCNKL7GII&issuer=Air%20Canada&algorithm=SHA256&digits=7&counter=50";
        let uri = OtpAuthUri::parse(text).expect("valid");
        assert_eq!(uri.label, "Benjamin:2");
        assert_eq!(uri.to_uri().as_str(), text);
        assert_eq!(OtpAuthUri::parse(&uri.to_uri()).expect("again"), uri);
    }

    #[test]
    fn colons_in_names_round_trip() {
        for (issuer, label) in [
            ("", "a:b"),
            ("x:y", "z"),
            ("Corp", "team:alice"),
            ("", "plain"),
        ] {
            let uri = OtpAuthUri {
                issuer: issuer.to_owned(),
                label: label.to_owned(),
                params: OtpParams::default_totp(),
                secret: Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid"),
            };
            let back = OtpAuthUri::parse(&uri.to_uri()).expect("parses");
            assert_eq!((back.issuer.as_str(), back.label.as_str()), (issuer, label));
        }
    }

    #[test]
    fn fail_errors_name_the_problem() {
        let cases: &[(&str, &str)] = &[
            ("https://example.com/?secret=JBSWY3DPEHPK3PXP", "otpauth://"),
            (
                "otpauth://xotp/a?secret=JBSWY3DPEHPK3PXP",
                "unknown OTP type",
            ),
            ("otpauth://totp/a?issuer=x", "no secret"),
            ("otpauth://totp/a?secret=JBSWY3DP", "bits"),
            ("otpauth://totp/a?secret=JBSWY3DPEHPK3PX!", "base32"),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=10",
                "digits",
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
                "algorithm",
            ),
            (
                "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
                "period",
            ),
            ("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP", "counter"),
        ];
        for (text, needle) in cases {
            let message = OtpAuthUri::parse(text).expect_err(text).to_string();
            assert!(message.contains(needle), "{text}: {message}");
            assert!(
                !message.contains("JBSWY3DP"),
                "{text} leaks the secret: {message}"
            );
        }
    }
}
