//! Stratum (formerly Authenticator Pro) backups (`*.stratum`, `*.authpro`), plain and encrypted.
//!
//! Follows the backup format Stratum documents (its "Backup File Format" page) and Aegis's
//! `StratumImporter` reads. The plain backup is JSON: `Authenticators[]`, each with `Type`
//! (1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex), `Issuer`, `Username` (nullable), a base32
//! `Secret`, `Algorithm` (0 SHA1, 1 SHA256, 2 SHA512), `Digits`, `Period`, `Counter`, and `Icon`,
//! `Pin` (mOTP), `Ranking`, `CopyCount`; beside it `Categories`, `AuthenticatorCategories` and
//! `CustomIcons`. An encrypted backup is the header `AUTHENTICATORPRO`, a 16-byte salt, a 12-byte
//! IV, then the AES-256-GCM ciphertext of that JSON with its 16-byte tag appended; the key is
//! Argon2id of the password over the salt with Stratum's fixed parameters (64 MiB, 3 passes,
//! 4 lanes, version 0x13, 32 bytes): they are constants of the format, not read from the file,
//! so a file cannot ask for more. A legacy encrypted backup (before 2022) is the header
//! `AuthenticatorPro`, a 20-byte salt, a 16-byte IV and the AES-256-CBC (PKCS#7) ciphertext;
//! the key is PBKDF2-HMAC-SHA1, 64 000 iterations, 32 bytes. CBC has no tag: a wrong password
//! shows as bad padding or a plaintext that is not JSON, both reported as a wrong password
//! (or a damaged file), like GCM's failures.
//!
//! Drops: icons (`Icon`, `CustomIcons`), categories and their assignments, `Ranking` (the
//! order) and `CopyCount`. Refuses mOTP and Yandex entries (CogAuth cannot generate them) as
//! unsupported types, like other formats. `Period` is read for TOTP and Steam, `Counter` for
//! HOTP; `Algorithm` and `Digits` are ignored for Steam, as Stratum ignores them (SHA1, 5
//! characters).

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, NONCE_LEN, TAG_LEN};
use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{
    About, Decoded, Dropped, Format, Input, KindName, account, base32_secret, check_count,
    entry_params, unsupported_type,
};
use crate::uri::OtpAuthUri;

const NAME: &str = "stratum";
/// The header of an encrypted backup.
const HEADER: &[u8] = b"AUTHENTICATORPRO";
/// The header of a legacy encrypted backup.
const HEADER_LEGACY: &[u8] = b"AuthenticatorPro";
/// Bytes of the Argon2id salt.
const SALT_LEN: usize = 16;
/// Stratum's Argon2id memory, in KiB (2^16: 64 MiB).
const ARGON2_MEMORY_KIB: u32 = 1 << 16;
/// Stratum's Argon2id passes.
const ARGON2_PASSES: u32 = 3;
/// Stratum's Argon2id lanes.
const ARGON2_LANES: u32 = 4;
/// Bytes of the legacy PBKDF2 salt.
const LEGACY_SALT_LEN: usize = 20;
/// Bytes of the legacy CBC IV (one AES block).
const LEGACY_IV_LEN: usize = 16;
/// The legacy PBKDF2-HMAC-SHA1 iteration count.
const LEGACY_PBKDF2_ROUNDS: u32 = 64_000;
/// Bytes of an AES block.
const AES_BLOCK: usize = 16;

/// A Stratum backup.
pub(super) struct Stratum;

impl Format for Stratum {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "Stratum (Authenticator Pro)",
            files: "backup, plain, encrypted or legacy encrypted",
            drops: &[
                Dropped::Icons,
                Dropped::Groups,
                Dropped::Order,
                Dropped::UsageCounts,
            ],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        let bytes = input.bytes();
        bytes.starts_with(HEADER)
            || bytes.starts_with(HEADER_LEGACY)
            || json::root(input.json())
                .is_some_and(|root| matches!(root.get("Authenticators"), Some(Value::Array(_))))
    }

    fn needs_password(&self, input: &Input<'_>) -> bool {
        matches!(Sealed::parse(input.bytes()), Some(Ok(_)))
    }

    fn read(&self, input: &Input<'_>, password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let accounts = match Sealed::parse(input.bytes()) {
            Some(sealed) => {
                let sealed = sealed?;
                let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
                let root = sealed.open(password)?;
                entries(&root)?
            }
            None => entries(input.json().ok_or(ImportError::UnknownFormat)?)?,
        };
        Ok(Decoded::new(NAME, accounts))
    }
}

fn malformed(problem: EntryProblem) -> ImportError {
    ImportError::malformed(NAME, problem.to_string())
}

/// The accounts of a backup's (decrypted) JSON.
fn entries(root: &Value) -> Result<Vec<OtpAuthUri>, ImportError> {
    let root = json::root(Some(root))
        .ok_or_else(|| ImportError::malformed(NAME, "the backup is not a JSON object"))?;
    let items = root.array("Authenticators").map_err(malformed)?;
    check_count(items.len())?;
    json::each_entry(items, entry, |o| {
        (o.name_part("Issuer"), o.name_part("Username"))
    })
}

fn entry(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    let entry = Obj::of(value, "Authenticators[]")?;
    let kind = match entry
        .opt_u64("Type")?
        .ok_or(EntryProblem::Missing("Type"))?
    {
        1 => KindName::Hotp,
        2 => KindName::Totp,
        4 => KindName::Steam,
        3 => return Err(unsupported_type("mOTP")),
        5 => return Err(unsupported_type("Yandex")),
        other => return Err(unsupported_type(&other.to_string())),
    };
    // Stratum ignores Algorithm and Digits for Steam (SHA1, 5 characters): so does this.
    let steam = kind == KindName::Steam;
    let algorithm = match entry.opt_u64("Algorithm")? {
        _ if steam => None,
        None | Some(0) => Some("SHA1"),
        Some(1) => Some("SHA256"),
        Some(2) => Some("SHA512"),
        Some(_) => {
            return Err(EntryProblem::BadValue {
                field: "Algorithm",
                reason: "is not 0, 1 or 2 (SHA1, SHA256, SHA512)",
            });
        }
    };
    let digits = if steam {
        None
    } else {
        entry.opt_u32("Digits")?
    };
    let params = entry_params(
        kind,
        algorithm,
        digits,
        entry.opt_u32("Period")?,
        entry.opt_u64("Counter")?,
    )?;
    let secret = base32_secret(entry.str("Secret")?)?;
    account(
        entry.opt_str("Issuer")?.unwrap_or_default(),
        entry.opt_str("Username")?.unwrap_or_default(),
        params,
        secret,
    )
}

/// An encrypted backup, split into its parts.
enum Sealed<'a> {
    /// `AUTHENTICATORPRO`: Argon2id and AES-256-GCM.
    Current {
        salt: &'a [u8],
        iv: &'a [u8],
        ciphertext: &'a [u8],
        tag: &'a [u8],
    },
    /// `AuthenticatorPro`: PBKDF2-HMAC-SHA1 and AES-256-CBC.
    Legacy {
        salt: &'a [u8],
        iv: &'a [u8],
        ciphertext: &'a [u8],
    },
}

impl<'a> Sealed<'a> {
    /// `None` for a file without either header (a plain backup), else its parts, or where it
    /// is cut short.
    fn parse(bytes: &'a [u8]) -> Option<Result<Self, ImportError>> {
        if let Some(rest) = bytes.strip_prefix(HEADER) {
            return Some(Self::current(rest));
        }
        bytes.strip_prefix(HEADER_LEGACY).map(Self::legacy)
    }

    fn current(rest: &'a [u8]) -> Result<Self, ImportError> {
        let header = HEADER.len() + SALT_LEN + NONCE_LEN;
        let short = || {
            ImportError::malformed(
                NAME,
                format!(
                    "the file is {} bytes long, cut short before the end of its {header}-byte header and {TAG_LEN}-byte tag",
                    rest.len() + HEADER.len()
                ),
            )
        };
        let (salt, rest) = rest.split_at_checked(SALT_LEN).ok_or_else(short)?;
        let (iv, sealed) = rest.split_at_checked(NONCE_LEN).ok_or_else(short)?;
        let split = sealed.len().checked_sub(TAG_LEN).ok_or_else(short)?;
        let (ciphertext, tag) = sealed.split_at_checked(split).ok_or_else(short)?;
        Ok(Sealed::Current {
            salt,
            iv,
            ciphertext,
            tag,
        })
    }

    fn legacy(rest: &'a [u8]) -> Result<Self, ImportError> {
        let header = HEADER_LEGACY.len() + LEGACY_SALT_LEN + LEGACY_IV_LEN;
        let length = rest.len() + HEADER_LEGACY.len();
        let (salt, rest) = rest
            .split_at_checked(LEGACY_SALT_LEN)
            .ok_or_else(|| short_legacy(length, header))?;
        let (iv, ciphertext) = rest
            .split_at_checked(LEGACY_IV_LEN)
            .ok_or_else(|| short_legacy(length, header))?;
        if ciphertext.is_empty() {
            return Err(short_legacy(length, header));
        }
        if ciphertext.len() % AES_BLOCK != 0 {
            return Err(ImportError::malformed(
                NAME,
                format!(
                    "its encrypted data ({} bytes) is not a whole number of 16-byte AES blocks: the file is cut short or damaged",
                    ciphertext.len()
                ),
            ));
        }
        Ok(Sealed::Legacy {
            salt,
            iv,
            ciphertext,
        })
    }

    /// The decrypted backup's JSON.
    fn open(&self, password: &[u8]) -> Result<Value, ImportError> {
        match self {
            Sealed::Current {
                salt,
                iv,
                ciphertext,
                tag,
            } => {
                let key = argon2_key(password, salt)?;
                let plain = crypto::aes256gcm_open(key.as_slice(), iv, ciphertext, tag)
                    .ok_or(ImportError::WrongPassword { format: NAME })?;
                super::parse_decrypted(&plain).map_err(|e| {
                    ImportError::malformed(NAME, format!("the decrypted backup is not JSON: {e}"))
                })
            }
            Sealed::Legacy {
                salt,
                iv,
                ciphertext,
            } => {
                let mut key = Zeroizing::new([0u8; KEY_LEN]);
                pbkdf2::pbkdf2_hmac::<sha1::Sha1>(
                    password,
                    salt,
                    LEGACY_PBKDF2_ROUNDS,
                    key.as_mut_slice(),
                );
                let plain = aes256cbc_open(key.as_slice(), iv, ciphertext)
                    .ok_or(ImportError::WrongPassword { format: NAME })?;
                // Without a tag, a wrong key shows here at the latest: not JSON.
                super::parse_decrypted(&plain)
                    .map_err(|_| ImportError::WrongPassword { format: NAME })
            }
        }
    }
}

fn short_legacy(length: usize, header: usize) -> ImportError {
    ImportError::malformed(
        NAME,
        format!(
            "the file is {length} bytes long, cut short before the end of its {header}-byte header and its first {AES_BLOCK}-byte block"
        ),
    )
}

/// The key of an encrypted backup: Argon2id with Stratum's fixed parameters. Its 64 MiB of
/// working memory are ours (handed to the crate), and wiped after.
fn argon2_key(password: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>, ImportError> {
    use argon2::{Algorithm, Argon2, Block, Params, Version};
    let refused = |_| ImportError::malformed(NAME, "the password or salt is refused by Argon2");
    let params = Params::new(
        ARGON2_MEMORY_KIB,
        ARGON2_PASSES,
        ARGON2_LANES,
        Some(KEY_LEN),
    )
    .map_err(refused)?;
    let mut memory = Zeroizing::new(vec![Block::default(); params.block_count()]);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into_with_memory(password, salt, key.as_mut_slice(), memory.as_mut_slice())
        .map_err(refused)?;
    Ok(key)
}

/// AES-256-CBC decryption with PKCS#7 padding; `None` when the padding is wrong (or the
/// lengths are).
fn aes256cbc_open(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
    let decryptor = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let len = decryptor
        .decrypt_padded::<Pkcs7>(buffer.as_mut_slice())
        .ok()?
        .len();
    buffer.truncate(len);
    Some(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_types_are_named() {
        let entry = |kind: u64| {
            let value = serde_json::json!({
                "Type": kind, "Issuer": "ACME", "Username": null,
                "Secret": "JBSWY3DPEHPK3PXP", "Algorithm": 0, "Digits": 6, "Period": 30, "Counter": 0
            });
            super::entry(&value).map(|_| ()).map_err(|e| e.to_string())
        };
        assert_eq!(entry(2), Ok(()));
        // Steam: Algorithm and Digits ignored, as Stratum does.
        let steam = serde_json::json!({
            "Type": 4, "Issuer": "Steam", "Username": "me", "Secret": "JBSWY3DPEHPK3PXP",
            "Algorithm": 9, "Digits": 6, "Period": 30, "Counter": 0
        });
        let steam = super::entry(&steam).expect("read");
        assert_eq!(
            (steam.params.algorithm, steam.params.digits),
            (crate::otp::Algorithm::Sha1, 5)
        );
        assert!(entry(3).expect_err("mOTP").contains("'mOTP'"));
        assert!(entry(5).expect_err("Yandex").contains("'Yandex'"));
        assert!(entry(9).expect_err("unknown").contains("'9'"));
    }

    #[test]
    fn fail_cut_short_encrypted_files_say_so() {
        let error = |bytes: &[u8]| match Sealed::parse(bytes) {
            Some(Err(error)) => error.to_string(),
            _ => panic!("not refused"),
        };
        assert!(error(HEADER).contains("44-byte header"));
        assert!(error(HEADER_LEGACY).contains("52-byte header"));
        let mut legacy = HEADER_LEGACY.to_vec();
        legacy.resize(HEADER_LEGACY.len() + 36 + 17, 0);
        assert!(error(&legacy).contains("AES blocks"));
        assert!(Sealed::parse(b"{\"Authenticators\": []}").is_none());
    }

    #[test]
    fn cbc_opens_what_it_is_given_and_refuses_bad_padding() {
        use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
        let (key, iv) = ([7u8; 32], [9u8; 16]);
        let mut buffer = [0u8; 32];
        let sealed = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .expect("lengths")
            .encrypt_padded::<Pkcs7>(&mut buffer, 20)
            .expect("room")
            .to_vec();
        assert_eq!(sealed.len(), 32);
        let opened = aes256cbc_open(&key, &iv, &sealed).expect("opens");
        assert_eq!(opened.len(), 20);
        assert!(aes256cbc_open(&[8u8; 32], &iv, &sealed).is_none_or(|p| p.len() != 20));
    }
}
