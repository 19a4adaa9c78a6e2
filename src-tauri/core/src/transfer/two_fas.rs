//! 2FAS Authenticator backups (`*.2fas`), plain and encrypted.
//!
//! Follows the backup JSON 2FAS writes, schema versions 1 to 4 (as real exports show it, and as
//! Aegis's importer reads it): `services[]`, each with a base32 `secret`, the service `name`,
//! and `otp` with `account`, `issuer`, `label`, `digits`, `period`, `algorithm`, `counter` and
//! `tokenType` (TOTP, HOTP, STEAM). An encrypted backup holds `servicesEncrypted` instead:
//! three base64 parts joined by `:` (the ciphertext with its 16-byte GCM tag appended, the
//! salt, the 12-byte IV); the key is PBKDF2-HMAC-SHA256 of the password over that salt,
//! 10 000 iterations, 32 bytes, and the plaintext is the JSON array `services` would hold.
//!
//! Drops: icons, groups, order, badges, update times, and `reference` (a known plaintext 2FAS
//! uses to check a password; the GCM tag does that here). Backups before schema 3 have no
//! `tokenType`: 2FAS then knew only TOTP, so their entries are TOTP, 30 s unless a period is
//! given, even for accounts that are HOTP in other apps. The service name is the issuer (it is
//! what 2FAS shows and lets people edit), the `otp.issuer` of the original URI is the fallback.

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, NONCE_LEN, TAG_LEN};
use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{
    About, Decoded, Dropped, Format, Input, KindName, account, base32_secret, check_count,
    entry_params, kind_name, split_name,
};
use crate::uri::OtpAuthUri;

const NAME: &str = "2fas";
/// 2FAS's PBKDF2 iteration count.
const PBKDF2_ROUNDS: u32 = 10_000;
/// The longest salt accepted, in bytes (2FAS writes 256).
const MAX_SALT_BYTES: usize = 1024;
/// The newest schema this reader knows.
const MAX_SCHEMA: u64 = 4;

/// A 2FAS backup.
pub(super) struct TwoFas;

impl Format for TwoFas {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "2FAS",
            files: ".2fas backup, plain or encrypted",
            drops: &[Dropped::Icons, Dropped::Groups, Dropped::Order],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        json::root(input.json()).is_some_and(|root| {
            root.has("schemaVersion") && (root.has("services") || root.has("servicesEncrypted"))
        })
    }

    fn needs_password(&self, input: &Input<'_>) -> bool {
        json::root(input.json()).is_some_and(|root| root.has("servicesEncrypted"))
    }

    fn read(&self, input: &Input<'_>, password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let root = json::root(input.json()).ok_or(ImportError::UnknownFormat)?;
        let malformed = |problem: EntryProblem| ImportError::malformed(NAME, problem.to_string());
        let schema = root.opt_u64("schemaVersion").map_err(malformed)?;
        if schema.is_some_and(|v| v > MAX_SCHEMA) {
            return Err(ImportError::Unsupported {
                format: NAME,
                what: "2FAS backups newer than schema version 4",
            });
        }
        let accounts = match root.opt_str("servicesEncrypted").map_err(malformed)? {
            Some(encrypted) => {
                let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
                let plain = decrypt(encrypted, password)?;
                let services: Value = super::parse_decrypted(&plain).map_err(|e| {
                    ImportError::malformed(
                        NAME,
                        format!("the decrypted services are not JSON: {e}"),
                    )
                })?;
                let services = services.as_array().ok_or_else(|| {
                    ImportError::malformed(NAME, "the decrypted services are not an array")
                })?;
                services_to_accounts(services)?
            }
            None => services_to_accounts(root.array("services").map_err(malformed)?)?,
        };
        Ok(Decoded::new(NAME, accounts))
    }
}

fn services_to_accounts(services: &[Value]) -> Result<Vec<OtpAuthUri>, ImportError> {
    check_count(services.len())?;
    json::each_entry(services, service, |s| {
        let account = s.object("otp").ok().map_or("", |o| o.name_part("account"));
        (s.name_part("name"), account)
    })
}

fn service(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    let service = Obj::of(value, "services[]")?;
    let otp = service.object("otp")?;
    let kind = match otp.opt_str("tokenType")? {
        Some(name) => kind_name(name)?,
        None => KindName::Totp,
    };
    let params = entry_params(
        kind,
        otp.opt_str("algorithm")?,
        otp.opt_u32("digits")?,
        otp.opt_u32("period")?,
        otp.opt_u64("counter")?,
    )?;
    let secret = base32_secret(service.str("secret")?)?;
    let issuer = non_empty(service.opt_str("name")?)
        .or(non_empty(otp.opt_str("issuer")?))
        .unwrap_or_default();
    let label = match non_empty(otp.opt_str("account")?) {
        Some(account) => account,
        None => split_name(issuer, otp.opt_str("label")?.unwrap_or_default()).1,
    };
    account(issuer, label, params, secret)
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}

/// The plaintext of `servicesEncrypted`.
fn decrypt(encrypted: &str, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let mut parts = encrypted.split(':');
    let mut part = |what: &str| {
        parts.next().and_then(crypto::base64).ok_or_else(|| {
            ImportError::malformed(
                NAME,
                format!("the {what} of 'servicesEncrypted' is missing or not base64"),
            )
        })
    };
    let (sealed, salt, iv) = (part("ciphertext")?, part("salt")?, part("IV")?);
    if iv.len() != NONCE_LEN {
        return Err(ImportError::malformed(NAME, "the IV is not 12 bytes long"));
    }
    if salt.len() > MAX_SALT_BYTES {
        return Err(ImportError::malformed(
            NAME,
            "the salt is longer than 1024 bytes",
        ));
    }
    let Some(split) = sealed.len().checked_sub(TAG_LEN) else {
        return Err(ImportError::malformed(
            NAME,
            "the ciphertext is shorter than its tag",
        ));
    };
    let (ciphertext, tag) = sealed.split_at(split);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<pbkdf2::sha2::Sha256>(password, &salt, PBKDF2_ROUNDS, key.as_mut_slice());
    crypto::aes256gcm_open(key.as_slice(), &iv, ciphertext, tag)
        .ok_or(ImportError::WrongPassword { format: NAME })
}
