//! One-time passwords: the [`Secret`] type and code generation.
//!
//! Follows RFC 4226 (HOTP: HMAC, dynamic truncation, decimal digits) and RFC 6238 (TOTP: the
//! HOTP counter is `floor(unix_time / period)`). Steam Guard codes are TOTP with SHA1 and a
//! 30 s period whose truncated value is written in Steam's 26-letter alphabet, five characters.
//!
//! Generation is pure: the time is always an argument, so callers own the clock and tests can
//! fix it. The codes themselves come from totp-rs (HMAC, truncation, digits, Steam letters);
//! this module keeps what totp-rs does not: the [`Secret`] type, base32 as people write it, and
//! the checks on settings. Every code, TOTP included, is totp-rs's TOTP evaluated with a 1 s
//! step at T = the counter, which is RFC 6238's definition read backwards (HOTP(K, C) =
//! TOTP(K, T = C, X = 1 s), the identity `oathtool --totp -s 1s` uses too): totp-rs has no
//! HOTP of its own, and this way one path serves HOTP, TOTP and Steam for any `u64` counter.
//! Its `build` refuses secrets under 128 bits, which many services issue (80 bits), so the
//! generator is made with `build_noncompliant` once [`Secret`] and [`OtpParams::new`] have done
//! the checking. Checked against the RFC vectors, `oathtool` and independently computed Steam
//! codes.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The shortest secret accepted: RFC 4226 requires 128 bits and recommends 160, but many real
/// services issue 80 bits, so 80 is the floor below which a secret is surely a mistake.
pub const MIN_SECRET_BITS: usize = 80;
/// The longest secret accepted, in bytes. HMAC takes any key length; this bounds hostile input.
pub const MAX_SECRET_BYTES: usize = 1024;

/// Why a secret or an OTP setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    /// The secret had no base32 characters at all.
    #[error("the secret is empty")]
    EmptySecret,
    /// A character that is not base32 (A–Z, 2–7; spaces, dashes and `=` padding are skipped).
    /// The character itself is not named: it is part of a secret.
    #[error("the secret is not valid base32: character {position} is not A-Z or 2-7")]
    InvalidBase32Character {
        /// 1-based position of the offending character in the input.
        position: usize,
    },
    /// `=` padding followed by more data.
    #[error("the secret is not valid base32: padding '=' in the middle")]
    MisplacedPadding,
    /// A base32 length that cannot come from whole bytes (1, 3 or 6 characters past a multiple of 8).
    #[error("the secret is not valid base32: {chars} characters cannot encode whole bytes")]
    InvalidBase32Length {
        /// Number of base32 characters seen.
        chars: usize,
    },
    /// Fewer than [`MIN_SECRET_BITS`] bits.
    #[error(
        "the secret is only {bits} bits long; at least {MIN_SECRET_BITS} bits (16 base32 characters) are required"
    )]
    SecretTooShort {
        /// Length of the decoded secret in bits.
        bits: usize,
    },
    /// More than [`MAX_SECRET_BYTES`] bytes.
    #[error("the secret is {bytes} bytes long; at most {MAX_SECRET_BYTES} bytes are accepted")]
    SecretTooLong {
        /// Length of the decoded secret in bytes.
        bytes: usize,
    },
    /// Digits outside what the kind allows (6–8 for TOTP/HOTP, 5 for Steam).
    #[error("{digits} digits is not supported for {kind} (allowed: {allowed})")]
    DigitsOutOfRange {
        /// The digits asked for.
        digits: u32,
        /// `totp`, `hotp` or `steam`.
        kind: &'static str,
        /// Human-readable allowed range.
        allowed: &'static str,
    },
    /// A TOTP or Steam period of 0 seconds.
    #[error("the period must be at least 1 second")]
    ZeroPeriod,
    /// A TOTP or Steam period longer than [`MAX_PERIOD`] (no service uses one; a code that
    /// lives for weeks is no second factor).
    #[error("the period is {0} seconds; at most {MAX_PERIOD} (one day) is accepted")]
    PeriodTooLong(u32),
    /// An algorithm name that is not SHA1, SHA256 or SHA512.
    #[error("unknown algorithm '{0}' (expected SHA1, SHA256 or SHA512)")]
    UnknownAlgorithm(String),
    /// Steam Guard codes are defined only for SHA1.
    #[error("Steam codes use SHA1 only, not {0}")]
    SteamNeedsSha1(Algorithm),
}

/// A shared OTP secret: the raw key bytes.
///
/// Zeroed when dropped, printed as `Secret(<redacted>)`, and deliberately neither `Serialize`
/// nor `Display`: the only ways out are [`Secret::to_base32`] and [`Secret::expose`], which
/// name what they do.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Takes raw key bytes, refusing lengths outside [`MIN_SECRET_BITS`]..=[`MAX_SECRET_BYTES`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, OtpError> {
        let secret = Secret(bytes);
        let len = secret.0.len();
        if len == 0 {
            return Err(OtpError::EmptySecret);
        }
        if len * 8 < MIN_SECRET_BITS {
            return Err(OtpError::SecretTooShort { bits: len * 8 });
        }
        if len > MAX_SECRET_BYTES {
            return Err(OtpError::SecretTooLong { bytes: len });
        }
        Ok(secret)
    }

    /// Parses base32 as people and services write it: any case, with spaces, dashes and `=`
    /// padding tolerated, and unused trailing bits ignored.
    pub fn from_base32(text: &str) -> Result<Self, OtpError> {
        Self::from_bytes(decode_base32(text)?)
    }

    /// The secret as unpadded upper-case base32, the form otpauth URIs and `oathtool -b` use.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(encode_base32(&self.0))
    }

    /// The raw key bytes, for code generation and encrypted export.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn decode_base32(text: &str) -> Result<Vec<u8>, OtpError> {
    // Sized once up front so the buffer never reallocates and leaves copies of key bytes behind.
    let mut out = Vec::with_capacity(text.len() * 5 / 8 + 1);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    let mut chars = 0usize;
    let mut padding_seen = false;
    for (index, c) in text.chars().enumerate() {
        let value = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            '=' => {
                padding_seen = true;
                continue;
            }
            upper @ 'A'..='Z' => upper as u16 - u16::from(b'A'),
            digit @ '2'..='7' => digit as u16 - u16::from(b'2') + 26,
            _ => {
                out.zeroize();
                return Err(OtpError::InvalidBase32Character {
                    position: index + 1,
                });
            }
        };
        if padding_seen {
            out.zeroize();
            return Err(OtpError::MisplacedPadding);
        }
        chars += 1;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    buffer.zeroize();
    if chars == 0 {
        return Err(OtpError::EmptySecret);
    }
    // Five or more bits left over means a whole character encoded nothing.
    if bits >= 5 {
        out.zeroize();
        return Err(OtpError::InvalidBase32Length { chars });
    }
    Ok(out)
}

fn encode_base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u16::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[usize::from((buffer >> bits) & 31)],
            ));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[usize::from((buffer << (5 - bits)) & 31)],
        ));
    }
    buffer.zeroize();
    out
}

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Algorithm {
    /// HMAC-SHA1, the default and by far the most common.
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA512.
    #[serde(rename = "SHA512")]
    Sha512,
}

impl Algorithm {
    /// The canonical name, as used in otpauth URIs.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = OtpError;

    /// Case-insensitive; `SHA-256` style names with a dash are accepted too.
    fn from_str(text: &str) -> Result<Self, OtpError> {
        match text.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpError::UnknownAlgorithm(
                text.chars().filter(|c| !c.is_control()).take(32).collect(),
            )),
        }
    }
}

/// What kind of code an account produces, with the one parameter that differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OtpKind {
    /// Time-based (RFC 6238).
    Totp {
        /// Seconds per code.
        period: u32,
    },
    /// Counter-based (RFC 4226). `counter` is the counter of the next code to show.
    Hotp {
        /// Counter of the next code.
        counter: u64,
    },
    /// Steam Guard: TOTP written in Steam's alphabet, five characters.
    Steam {
        /// Seconds per code (Steam uses 30).
        period: u32,
    },
}

impl OtpKind {
    /// `totp`, `hotp` or `steam`.
    pub fn name(&self) -> &'static str {
        match self {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
            OtpKind::Steam { .. } => "steam",
        }
    }
}

/// Everything needed besides the secret to produce codes: a validated combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpParams {
    /// Kind with its period or counter.
    #[serde(flatten)]
    pub kind: OtpKind,
    /// HMAC hash.
    pub algorithm: Algorithm,
    /// Code length.
    pub digits: u32,
}

/// Digits of a Steam Guard code.
pub const STEAM_DIGITS: u32 = 5;
/// The longest TOTP or Steam period accepted, in seconds: one day.
pub const MAX_PERIOD: u32 = 86_400;

impl OtpParams {
    /// Checks the combination: digits 6–8 (Steam: 5), a period of 1 s to [`MAX_PERIOD`],
    /// Steam only with SHA1.
    pub fn new(kind: OtpKind, algorithm: Algorithm, digits: u32) -> Result<Self, OtpError> {
        match kind {
            OtpKind::Totp { period: 0 } | OtpKind::Steam { period: 0 } => {
                return Err(OtpError::ZeroPeriod);
            }
            OtpKind::Totp { period } | OtpKind::Steam { period } if period > MAX_PERIOD => {
                return Err(OtpError::PeriodTooLong(period));
            }
            OtpKind::Steam { .. } if digits != STEAM_DIGITS => {
                return Err(OtpError::DigitsOutOfRange {
                    digits,
                    kind: "steam",
                    allowed: "5",
                });
            }
            OtpKind::Steam { .. } if algorithm != Algorithm::Sha1 => {
                return Err(OtpError::SteamNeedsSha1(algorithm));
            }
            OtpKind::Totp { .. } | OtpKind::Hotp { .. } if !(6..=8).contains(&digits) => {
                return Err(OtpError::DigitsOutOfRange {
                    digits,
                    kind: kind.name(),
                    allowed: "6 to 8",
                });
            }
            _ => {}
        }
        Ok(OtpParams {
            kind,
            algorithm,
            digits,
        })
    }

    /// The usual TOTP: SHA1, 6 digits, 30 s.
    pub fn default_totp() -> Self {
        OtpParams {
            kind: OtpKind::Totp {
                period: crate::fields::DEFAULT_PERIOD,
            },
            algorithm: Algorithm::default(),
            digits: crate::fields::DEFAULT_DIGITS,
        }
    }

    /// The code at `unix_time` (seconds). For HOTP the time is ignored and the stored counter
    /// is used; advancing it is the caller's business (see `Vault::next_hotp_code`).
    pub fn generate(&self, secret: &Secret, unix_time: u64) -> Code {
        match self.kind {
            OtpKind::Hotp { counter } => Code {
                value: hotp(secret, self.algorithm, counter, self.digits),
                counter,
                window: None,
            },
            OtpKind::Totp { period } | OtpKind::Steam { period } => {
                let period = u64::from(period.max(1));
                let counter = unix_time / period;
                let value = if matches!(self.kind, OtpKind::Steam { .. }) {
                    steam(secret, counter)
                } else {
                    hotp(secret, self.algorithm, counter, self.digits)
                };
                let valid_from = counter * period;
                Code {
                    value,
                    counter,
                    window: Some(Window {
                        valid_from,
                        valid_until: valid_from.saturating_add(period),
                    }),
                }
            }
        }
    }
}

/// A generated code and when it is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Code {
    /// The code as shown to the user (digits, or Steam letters).
    pub value: String,
    /// The HOTP counter, or the TOTP time step, it was computed for.
    pub counter: u64,
    /// For time-based codes, the seconds it is valid in.
    #[serde(flatten)]
    pub window: Option<Window>,
}

/// The validity of a time-based code: `[valid_from, valid_until)` in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// First second the code is valid.
    pub valid_from: u64,
    /// First second it is no longer valid.
    pub valid_until: u64,
}

/// The code for one HOTP counter (or TOTP time step), from totp-rs.
///
/// totp-rs is asked for its TOTP at T = `counter` with a 1 s step: T / 1 = `counter`, the only
/// arithmetic it does on the time, so every `u64` works. Its copy of the key is wiped when the
/// generator is dropped (the crate's `zeroize` feature).
fn code(secret: &Secret, algorithm: totp_rs::Algorithm, digits: u8, counter: u64) -> String {
    totp_rs::Builder::new()
        .with_algorithm(algorithm)
        .with_digits(digits)
        .with_skew(0)
        .with_step_duration(1)
        .with_secret(secret.expose())
        .build_noncompliant()
        .generate(counter)
        .to_string()
}

/// An HOTP code: `digits` decimal digits, zero-padded.
pub fn hotp(secret: &Secret, algorithm: Algorithm, counter: u64, digits: u32) -> String {
    // Callers pass validated settings (6–8); the clamp keeps a stray value from asking totp-rs
    // for 10^10 or more, which does not fit its u32 and panics.
    let digits = digits.clamp(1, 9) as u8;
    let algorithm = match algorithm {
        Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
        Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
        Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
    };
    code(secret, algorithm, digits, counter)
}

/// A Steam Guard code for the given time step.
pub fn steam(secret: &Secret, counter: u64) -> String {
    let digits = STEAM_DIGITS as u8;
    code(secret, totp_rs::Algorithm::Steam, digits, counter)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC4226_KEY: &[u8] = b"12345678901234567890";
    const RFC6238_SHA256_KEY: &[u8] = b"12345678901234567890123456789012";
    const RFC6238_SHA512_KEY: &[u8] =
        b"1234567890123456789012345678901234567890123456789012345678901234";

    fn secret(bytes: &[u8]) -> Secret {
        Secret::from_bytes(bytes.to_vec()).expect("test secret is valid")
    }

    #[test]
    fn rfc4226_appendix_d_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, want) in expected.iter().enumerate() {
            let got = hotp(&secret(RFC4226_KEY), Algorithm::Sha1, counter as u64, 6);
            assert_eq!(&got, want, "counter {counter}");
        }
    }

    #[test]
    fn rfc6238_appendix_b_vectors_all_algorithms() {
        let rows: &[(u64, &str, &str, &str)] = &[
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for &(time, sha1, sha256, sha512) in rows {
            for (algorithm, key, want) in [
                (Algorithm::Sha1, RFC4226_KEY, sha1),
                (Algorithm::Sha256, RFC6238_SHA256_KEY, sha256),
                (Algorithm::Sha512, RFC6238_SHA512_KEY, sha512),
            ] {
                let params =
                    OtpParams::new(OtpKind::Totp { period: 30 }, algorithm, 8).expect("valid");
                let code = params.generate(&secret(key), time);
                assert_eq!(code.value, want, "{algorithm} at {time}");
                let window = code.window.expect("totp has a window");
                assert!(window.valid_from <= time && time < window.valid_until);
            }
        }
    }

    #[test]
    fn steam_vectors() {
        // Computed independently (Python hmac + the steam-totp algorithm: HMAC-SHA1 over the
        // 30 s step, RFC 4226 truncation, five base-26 digits least significant first).
        let secret = Secret::from_base32("JRZCL47CMXVOQMNPZR2F7J4RGI").expect("valid");
        let params = OtpParams::new(OtpKind::Steam { period: 30 }, Algorithm::Sha1, 5).expect("ok");
        for (time, want) in [
            (0, "C2F47"),
            (1_700_000_000, "747JR"),
            (2_000_000_000, "G7879"),
        ] {
            assert_eq!(params.generate(&secret, time).value, want, "at {time}");
        }
    }

    #[test]
    fn base32_is_lenient_on_case_spacing_and_padding() {
        let canonical = Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid");
        for variant in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(Secret::from_base32(variant).expect(variant), canonical);
        }
        assert_eq!(canonical.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn base32_round_trips_every_length() {
        for len in 10..=70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let s = secret(&bytes);
            assert_eq!(
                Secret::from_base32(&s.to_base32()).expect("round trip"),
                s,
                "{len}"
            );
        }
    }

    #[test]
    fn fail_short_secret_names_its_length() {
        // 12 characters: moto's constant `asdfasdfasdf` decodes to 7 bytes and 4 spare bits.
        let err = Secret::from_base32("JBSWY3DPEHPK").expect_err("too short");
        assert_eq!(err, OtpError::SecretTooShort { bits: 56 });
        assert!(err.to_string().contains("80 bits"));
    }

    #[test]
    fn fail_bad_base32_does_not_echo_the_character() {
        let err = Secret::from_base32("JBSWY3DPEHPK3PX1").expect_err("1 is not base32");
        assert_eq!(err, OtpError::InvalidBase32Character { position: 16 });
        assert!(!err.to_string().contains('1') || err.to_string().contains("16"));
        assert_eq!(
            Secret::from_base32("JBSWY3DPEHPK3PXPA").expect_err("17 chars"),
            OtpError::InvalidBase32Length { chars: 17 }
        );
        assert_eq!(
            Secret::from_base32(" - ").expect_err("empty"),
            OtpError::EmptySecret
        );
        assert_eq!(
            Secret::from_base32("JBSWY3DP=EHPK3PXP").expect_err("padding"),
            OtpError::MisplacedPadding
        );
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    }

    #[test]
    fn fail_invalid_params() {
        let totp = OtpKind::Totp { period: 30 };
        assert!(matches!(
            OtpParams::new(totp, Algorithm::Sha1, 5),
            Err(OtpError::DigitsOutOfRange { digits: 5, .. })
        ));
        assert!(OtpParams::new(totp, Algorithm::Sha1, 9).is_err());
        assert_eq!(
            OtpParams::new(OtpKind::Totp { period: 0 }, Algorithm::Sha1, 6),
            Err(OtpError::ZeroPeriod)
        );
        assert!(OtpParams::new(OtpKind::Steam { period: 30 }, Algorithm::Sha256, 5).is_err());
        assert!(OtpParams::new(OtpKind::Hotp { counter: 0 }, Algorithm::Sha512, 8).is_ok());
        let day = OtpKind::Totp { period: MAX_PERIOD };
        assert!(OtpParams::new(day, Algorithm::Sha1, 6).is_ok());
        assert_eq!(
            OtpParams::new(
                OtpKind::Steam {
                    period: MAX_PERIOD + 1
                },
                Algorithm::Sha1,
                5
            ),
            Err(OtpError::PeriodTooLong(MAX_PERIOD + 1))
        );
        assert!("sha-256".parse::<Algorithm>().is_ok());
        assert!("MD5".parse::<Algorithm>().is_err());
    }

    #[test]
    fn one_second_period_and_far_future_times_work() {
        let params = OtpParams::new(OtpKind::Totp { period: 1 }, Algorithm::Sha1, 6).expect("ok");
        let code = params.generate(&secret(RFC4226_KEY), u64::MAX);
        assert_eq!(code.counter, u64::MAX);
        assert_eq!(code.window.map(|w| w.valid_until), Some(u64::MAX));
    }

    // The edge cases of generating through totp-rs. Expected values from `oathtool` (the
    // command in each comment) and, where it cannot go, Python's hmac with the RFC truncation.

    #[test]
    fn hotp_counter_extremes() {
        let key = secret(RFC4226_KEY);
        // oathtool --hotp -c 0 / -c 18446744073709551614 / -c 18446744073709551615
        assert_eq!(hotp(&key, Algorithm::Sha1, 0, 6), "755224");
        assert_eq!(hotp(&key, Algorithm::Sha1, u64::MAX - 1, 6), "488204");
        assert_eq!(hotp(&key, Algorithm::Sha1, u64::MAX, 6), "094451");
        // oathtool --totp=sha512 -s 1s --now=@9223372036854775807 (its time is an i64)
        assert_eq!(hotp(&key, Algorithm::Sha512, i64::MAX as u64, 6), "447857");
        // Beyond oathtool's i64 time: Python.
        assert_eq!(hotp(&key, Algorithm::Sha256, u64::MAX, 8), "27790413");
        assert_eq!(hotp(&key, Algorithm::Sha512, u64::MAX, 8), "11381515");
        let params =
            OtpParams::new(OtpKind::Hotp { counter: u64::MAX }, Algorithm::Sha1, 6).expect("valid");
        let code = params.generate(&key, 0);
        assert_eq!((code.value.as_str(), code.counter), ("094451", u64::MAX));
        assert_eq!(code.window, None);
    }

    #[test]
    fn eighty_bit_secret_and_every_digit_count() {
        // 10 bytes: below totp-rs's own 128-bit floor, accepted here.
        let key = Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid");
        assert_eq!(key.expose().len() * 8, MIN_SECRET_BITS);
        // oathtool -b --totp --now=@1700000000
        let totp = OtpParams::default_totp();
        assert_eq!(totp.generate(&key, 1_700_000_000).value, "324550");
        // oathtool -b --hotp -c 0; oathtool -b --totp=sha256 -s 1s --now=@1 --digits=7
        assert_eq!(hotp(&key, Algorithm::Sha1, 0, 6), "282760");
        let seven = OtpParams::new(OtpKind::Hotp { counter: 1 }, Algorithm::Sha256, 7).expect("ok");
        assert_eq!(seven.generate(&key, 0).value, "6344551");
        // Widths OtpParams refuses still come out right from `hotp` (oathtool does only 6-8:
        // Python), and out-of-range widths are clamped to 1..=9 instead of panicking in totp-rs.
        assert_eq!(hotp(&key, Algorithm::Sha1, 0, 5), "82760");
        assert_eq!(hotp(&key, Algorithm::Sha1, 0, 9), "363282760");
        assert_eq!(hotp(&key, Algorithm::Sha1, 0, 0), "0");
        assert_eq!(hotp(&key, Algorithm::Sha1, 0, 12), "363282760");
    }

    #[test]
    fn one_second_and_longest_periods() {
        let key = Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid");
        // Period 1 s: the counter is the time. oathtool -b --totp=sha256 -s 1s --now=@1 --digits=7
        let one = OtpParams::new(OtpKind::Totp { period: 1 }, Algorithm::Sha256, 7).expect("ok");
        let code = one.generate(&key, 1);
        assert_eq!((code.value.as_str(), code.counter), ("6344551", 1));
        // Period u32::MAX at u64::MAX: step 4294967297.
        // oathtool -b --totp=sha512 -s 1s --now=@4294967297 --digits=8
        // Past what OtpParams::new accepts (MAX_PERIOD), to pin the arithmetic at its limit.
        let long = OtpParams {
            kind: OtpKind::Totp { period: u32::MAX },
            algorithm: Algorithm::Sha512,
            digits: 8,
        };
        let code = long.generate(&key, u64::MAX);
        assert_eq!(
            (code.value.as_str(), code.counter),
            ("80804340", 4_294_967_297)
        );
        // oathtool -b --totp=sha512 -s 4294967295s --now=@9223372036854775807 --digits=8
        assert_eq!(long.generate(&key, i64::MAX as u64).value, "29874262");
        assert_eq!(
            code.window,
            Some(Window {
                valid_from: 4_294_967_297 * u64::from(u32::MAX),
                valid_until: u64::MAX,
            })
        );
    }

    #[test]
    fn longest_secret() {
        let bytes: Vec<u8> = (0..MAX_SECRET_BYTES).map(|i| (i * 37 + 11) as u8).collect();
        let key = secret(&bytes);
        // oathtool --hotp -c 7 <hex>; oathtool --totp=sha512 -s 1s --now=@7 --digits=8 <hex>
        assert_eq!(hotp(&key, Algorithm::Sha1, 7, 6), "140630");
        assert_eq!(hotp(&key, Algorithm::Sha512, 7, 8), "97455540");
    }

    #[test]
    fn steam_at_the_counter_extremes() {
        // Python, as in steam_vectors.
        let key = Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid");
        assert_eq!(steam(&key, 0), "VH8YJ");
        assert_eq!(steam(&key, u64::MAX), "8P6C8");
        let params = OtpParams::new(OtpKind::Steam { period: 1 }, Algorithm::Sha1, 5).expect("ok");
        assert_eq!(params.generate(&key, u64::MAX).value, "8P6C8");
        // `steam` takes the 30 s step: steam_vectors' code at 1_700_000_000.
        let steam_key = Secret::from_base32("JRZCL47CMXVOQMNPZR2F7J4RGI").expect("valid");
        assert_eq!(steam(&steam_key, 1_700_000_000 / 30), "747JR");
    }
}
