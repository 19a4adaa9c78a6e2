//! andOTP's encrypted backups (`otp_accounts.json.aes`), both layouts andOTP has written.
//!
//! Follows andOTP's backup encryption as Aegis's `AndOtpImporter` reads it: the current layout
//! is a 4-byte big-endian PBKDF2-HMAC-SHA1 iteration count (andOTP picks one from 140 000 to
//! 160 000, its `PBKDF2_{MIN,MAX}_BACKUP_ITERATIONS`), a 12-byte salt, a 12-byte IV, then the
//! AES-256-GCM ciphertext with its 16-byte tag appended; the key is PBKDF2-HMAC-SHA1 of the
//! password over that salt, 32 bytes. The old layout (andOTP's first encrypted backups, before
//! it derived keys with PBKDF2) is a 12-byte IV and the ciphertext with its tag; the key is
//! SHA-256 of the password. The plaintext is the plain backup's JSON
//! array, read by `andotp`'s reader: the same fields, the same drops (thumbnails, tags, usage),
//! and the same split of old backups' `Issuer - Label` labels.
//!
//! Detection (this format is last in detection order, after every text, JSON and header-based
//! format): input that is not UTF-8, not a picture (the first bytes `scan` tells pictures by),
//! and none of a few other binary files someone may pick by mistake (SQLite, ZIP, PDF, UTF-16
//! text with a byte-order mark), and that is either a current-layout header (its iteration
//! count between [`MIN_PBKDF2_ITERATIONS`] and [`MAX_PBKDF2_ITERATIONS`], so that a file cut
//! short in its header still gets a clear error) or long enough for the old layout
//! ([`OLD_MIN_LEN`]). The old layout has no structure at all (random IV, ciphertext), so it
//! cannot be told from other binary data: any such file is taken for an old andOTP backup, and
//! its password is asked for.
//!
//! Reading tries the current layout when the iteration count is within the bounds, then the
//! old layout (one SHA-256, a negligible cost): an old backup whose random IV happens to start
//! like a plausible count still opens. A count above [`MAX_PBKDF2_ITERATIONS`] is never run: when
//! the old layout does not open either, a count below 2^24 (first byte zero, as every andOTP
//! header has) is reported as a refused iteration count, a larger one as a wrong password (it
//! is most likely an old backup's IV). GCM cannot tell a wrong password from a damaged file:
//! both are [`ImportError::WrongPassword`], as for Aegis.

use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, NONCE_LEN, TAG_LEN};
use super::error::ImportError;
use super::{About, Decoded, Dropped, Format, Input, andotp};
use crate::scan;

const NAME: &str = "andotp-encrypted";
/// Bytes of the iteration count that starts the current layout.
const COUNT_LEN: usize = 4;
/// Bytes of the PBKDF2 salt of the current layout.
const SALT_LEN: usize = 12;
/// Bytes of the current layout's header: count, salt, IV.
const HEADER_LEN: usize = COUNT_LEN + SALT_LEN + NONCE_LEN;
/// The shortest file of the old layout: IV, tag, and `[]`, the shortest JSON array.
const OLD_MIN_LEN: usize = NONCE_LEN + TAG_LEN + 2;
/// The iteration counts andOTP writes: a random one in this range for every backup.
const ANDOTP_ITERATIONS: (u32, u32) = (140_000, 160_000);
/// The fewest PBKDF2 iterations a current-layout header is taken to ask for: andOTP never wrote
/// fewer than 140 000; 1 000 (RFC 8018's minimum) leaves room for other tools writing the
/// layout with a low count, and fewer is taken for an old backup's IV.
const MIN_PBKDF2_ITERATIONS: u32 = 1_000;
/// The most PBKDF2 iterations run: about six times andOTP's highest count, so a real backup
/// always opens, while a hostile or misread header costs at most about a second of CPU (0.7 s
/// with SHA instructions in a release build; a 32-byte key is two PBKDF2 blocks). Aegis stops
/// at 10 000 000, on a phone, behind a progress dialog.
const MAX_PBKDF2_ITERATIONS: u32 = 1_000_000;
/// Counts below this (first byte zero) read as an andOTP header, larger ones as an old
/// backup's random IV: see the module header.
const HEADER_LIKE_COUNT: u32 = 1 << 24;

/// An encrypted andOTP backup, current or old layout.
pub(super) struct AndOtpEncrypted;

impl Format for AndOtpEncrypted {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "andOTP",
            files: "encrypted backup (.json.aes), current and old format",
            drops: &[Dropped::Icons, Dropped::Groups, Dropped::UsageCounts],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        let bytes = input.bytes();
        is_binary(input)
            && ((bytes.len() >= COUNT_LEN && runnable(iterations(bytes)))
                || bytes.len() >= OLD_MIN_LEN)
    }

    fn needs_password(&self, input: &Input<'_>) -> bool {
        layouts(input.bytes()).is_ok()
    }

    fn read(&self, input: &Input<'_>, password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let bytes = input.bytes();
        let (current, old) = layouts(bytes)?;
        let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
        let mut plain = current.and_then(|iterations| open_current(bytes, iterations, password));
        if plain.is_none() && old {
            plain = open_old(bytes, password);
        }
        let plain = plain.ok_or_else(|| not_opened(bytes))?;
        let value = super::parse_decrypted(&plain).map_err(|e| {
            ImportError::malformed(NAME, format!("the decrypted backup is not JSON: {e}"))
        })?;
        let items = value.as_array().ok_or_else(|| {
            ImportError::malformed(NAME, "the decrypted backup is not a JSON array of entries")
        })?;
        Ok(Decoded::new(NAME, andotp::accounts(items)?))
    }
}

/// Not UTF-8, and none of the binary files this format must not claim.
fn is_binary(input: &Input<'_>) -> bool {
    // Stratum's two headers differ in case only; `stratum` claims them before this format.
    const OTHER_FILES: [&[u8]; 4] = [
        b"SQLite format 3\0",
        b"PK\x03\x04",
        b"%PDF",
        b"AuthenticatorPro",
    ];
    let bytes = input.bytes();
    input.text().is_none()
        && scan::image_kind(bytes).is_none()
        && !OTHER_FILES.iter().any(|magic| {
            bytes
                .get(..magic.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(magic))
        })
        && !is_utf16_text(bytes)
}

/// A byte-order mark and four ASCII characters of UTF-16 text (a Notepad-saved URI list):
/// 48 bits that a random IV matches once in 2^48.
fn is_utf16_text(bytes: &[u8]) -> bool {
    let Some(head) = bytes.get(..10) else {
        return false;
    };
    let (zero_first, units) = match head.split_at(2) {
        ([0xff, 0xfe], units) => (false, units),
        ([0xfe, 0xff], units) => (true, units),
        _ => return false,
    };
    units.chunks_exact(2).all(|unit| {
        let (high, low) = if zero_first {
            (unit[0], unit[1])
        } else {
            (unit[1], unit[0])
        };
        high == 0 && low.is_ascii() && low != 0
    })
}

/// The iteration count the first four bytes give, read as a current-layout header.
fn iterations(bytes: &[u8]) -> u32 {
    bytes
        .first_chunk::<COUNT_LEN>()
        .map_or(0, |count| u32::from_be_bytes(*count))
}

/// Whether a count is within the bounds, so that the current layout is tried.
fn runnable(iterations: u32) -> bool {
    (MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS).contains(&iterations)
}

/// The layouts `bytes` can be: the current one (with its iteration count) when its header is
/// complete and its count within the bounds, the old one when the file is long enough. One of
/// them at least, or the error that says where the file is cut short.
fn layouts(bytes: &[u8]) -> Result<(Option<u32>, bool), ImportError> {
    let count = iterations(bytes);
    let current = (runnable(count) && bytes.len() >= HEADER_LEN + TAG_LEN).then_some(count);
    let old = bytes.len() >= OLD_MIN_LEN;
    if current.is_some() || old {
        return Ok((current, old));
    }
    Err(ImportError::malformed(
        NAME,
        if bytes.len() >= COUNT_LEN && runnable(count) {
            format!(
                "the file is {} bytes long, cut short before the end of its {HEADER_LEN}-byte header and {TAG_LEN}-byte tag",
                bytes.len()
            )
        } else {
            format!(
                "the file is {} bytes long, too short for an encrypted andOTP backup",
                bytes.len()
            )
        },
    ))
}

/// The plaintext of the current layout, if `password` opens it. The caller checked the count
/// ([`runnable`]) and the length.
fn open_current(bytes: &[u8], iterations: u32, password: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let (header, sealed) = bytes.split_at_checked(HEADER_LEN)?;
    let (salt, iv) = header.get(COUNT_LEN..)?.split_at_checked(SALT_LEN)?;
    let (ciphertext, tag) = sealed.split_at_checked(sealed.len().checked_sub(TAG_LEN)?)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, key.as_mut_slice());
    crypto::aes256gcm_open(key.as_slice(), iv, ciphertext, tag)
}

/// The plaintext of the old layout, if `password` opens it.
fn open_old(bytes: &[u8], password: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use pbkdf2::sha2::{Digest, Sha256};
    let (iv, sealed) = bytes.split_at_checked(NONCE_LEN)?;
    let (ciphertext, tag) = sealed.split_at_checked(sealed.len().checked_sub(TAG_LEN)?)?;
    let key: Zeroizing<[u8; KEY_LEN]> = Zeroizing::new(Sha256::digest(password).into());
    crypto::aes256gcm_open(key.as_slice(), iv, ciphertext, tag)
}

/// Why neither layout opened: see the module header.
fn not_opened(bytes: &[u8]) -> ImportError {
    let count = iterations(bytes);
    if count > MAX_PBKDF2_ITERATIONS && count < HEADER_LIKE_COUNT {
        let (low, high) = ANDOTP_ITERATIONS;
        return ImportError::malformed(
            NAME,
            format!(
                "its header asks for {count} PBKDF2 iterations, more than the {MAX_PBKDF2_ITERATIONS} CogAuth runs (andOTP writes {low} to {high}); if it is an old-format andOTP backup, the password is wrong"
            ),
        );
    }
    ImportError::WrongPassword { format: NAME }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(bytes: &[u8]) -> Input<'_> {
        Input::new(bytes).expect("small")
    }

    /// A current-layout file of `len` bytes asking for `count` iterations.
    fn with_count(count: u32, len: usize) -> Vec<u8> {
        let mut bytes = vec![0x80u8; len];
        bytes[..4].copy_from_slice(&count.to_be_bytes());
        bytes
    }

    #[test]
    fn detection_takes_plausible_headers_and_long_binary_only() {
        let format = AndOtpEncrypted;
        assert!(format.detect(&input(&with_count(150_000, 100))));
        // Cut short in the header, still andOTP's: read says so.
        assert!(format.detect(&input(&with_count(150_000, 10))));
        // No plausible header, but long enough for the old layout.
        assert!(format.detect(&input(&with_count(u32::MAX, OLD_MIN_LEN))));
        assert!(!format.detect(&input(&with_count(u32::MAX, OLD_MIN_LEN - 1))));
        assert!(!format.detect(&input(
            b"[{\"secret\": \"A\", \"type\": \"TOTP\"}] padding..."
        )));
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(100, 0x80);
        assert!(!format.detect(&input(&png)));
        let mut sqlite = b"SQLite format 3\0".to_vec();
        sqlite.resize(100, 0x80);
        assert!(!format.detect(&input(&sqlite)));
        let mut utf16: Vec<u8> = vec![0xff, 0xfe];
        utf16.extend(
            "otpauth://totp/A?secret=B"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        utf16.push(0x80);
        assert!(!format.detect(&input(&utf16)));
    }

    #[test]
    fn fail_short_files_name_where_they_end() {
        let message = |bytes: &[u8]| {
            AndOtpEncrypted
                .read(&input(bytes), Some(b"test"))
                .expect_err("too short")
                .to_string()
        };
        assert!(message(&with_count(150_000, HEADER_LEN)).contains("28-byte header"));
        assert!(message(&with_count(0, 20)).contains("too short"));
    }

    #[test]
    fn fail_counts_above_the_bound_are_never_run() {
        // Only the old layout (one SHA-256) is tried; both return at once.
        let error = AndOtpEncrypted
            .read(
                &input(&with_count(MAX_PBKDF2_ITERATIONS + 1, 200)),
                Some(b"test"),
            )
            .expect_err("refused");
        assert_eq!(error.kind(), "malformed");
        assert!(
            error.to_string().contains("1000001 PBKDF2 iterations"),
            "{error}"
        );
        let error = AndOtpEncrypted
            .read(&input(&with_count(u32::MAX, 200)), Some(b"test"))
            .expect_err("refused");
        assert_eq!(error.kind(), "wrong_password");
    }
}
