//! Aegis Authenticator vault exports and backups (`aegis-*.json`), plain and encrypted.
//!
//! Follows the vault format Aegis documents in its `docs/vault.md`: a file
//! `{version: 1, header: {slots, params}, db}`. `db` is the database object itself, or, when
//! `header.slots` is set, the base64 of its AES-256-GCM encryption under a random master key
//! (`header.params` holds that nonce and tag). Each password slot (type 1) holds the master key
//! encrypted with AES-256-GCM (`key_params` nonce and tag) under a key derived from the
//! password by scrypt (`n`, `r`, `p`, hex `salt`, 32-byte output). Databases of versions 1
//! to 3 hold `entries`, each with `type` (totp, hotp, steam), `name` (the label), `issuer`
//! and `info` (base32 `secret`, `algo`, `digits`, `period` or `counter`).
//!
//! Drops: icons, notes, favourites, groups, usage counts and uuids. Refuses MOTP and Yandex
//! entries (CogAuth cannot generate them) and vaults only a biometric slot opens. The scrypt
//! parameters come from the file, so they are bounded before any work: N at most 2^20,
//! r·p at most [`MAX_SCRYPT_RP`], 128·N·r at most [`MAX_SCRYPT_MEMORY`] (Aegis itself
//! uses N = 2^15, r = 8, p = 1: 32 MiB).

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, NONCE_LEN, TAG_LEN};
use super::error::{EntryProblem, ImportError};
use super::json::{self, Obj};
use super::{
    About, Decoded, Dropped, Format, Input, account, base32_secret, check_count, entry_params,
    kind_name,
};
use crate::uri::OtpAuthUri;

const NAME: &str = "aegis";
/// The largest scrypt N accepted.
pub(super) const MAX_SCRYPT_N: u64 = 1 << 20;
/// The largest scrypt r·p accepted (CPU time grows with it).
pub(super) const MAX_SCRYPT_RP: u64 = 64;
/// The most memory scrypt may use (128·N·r bytes).
pub(super) const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
/// Password slots tried at most: each costs one scrypt run.
const MAX_PASSWORD_SLOTS: usize = 4;
/// The most scrypt work (N·r·p summed over the slots tried) a file may ask for: 16 times
/// Aegis's own default (2^15·8·1), so a wrong password cannot cost minutes of CPU.
const MAX_TOTAL_SCRYPT_WORK: u64 = 1 << 22;
/// The longest scrypt salt accepted, in bytes (Aegis writes 32).
const MAX_SALT_BYTES: usize = 1024;
/// Aegis's slot type for a password slot (0 is a raw key, 2 biometric).
const PASSWORD_SLOT: u64 = 1;

/// An Aegis vault file.
pub(super) struct Aegis;

impl Format for Aegis {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "Aegis",
            files: "vault export, plain or encrypted",
            drops: &[
                Dropped::Icons,
                Dropped::Notes,
                Dropped::Favourites,
                Dropped::Groups,
                Dropped::UsageCounts,
            ],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        json::root(input.json()).is_some_and(|root| root.has("header") && root.has("db"))
    }

    fn needs_password(&self, input: &Input<'_>) -> bool {
        json::root(input.json())
            .is_some_and(|root| matches!(root.get("db"), Some(Value::String(_))))
    }

    fn read(&self, input: &Input<'_>, password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let root = json::root(input.json()).ok_or(ImportError::UnknownFormat)?;
        match root.opt_u64("version").map_err(malformed)? {
            Some(1) => {}
            _ => {
                return Err(ImportError::Unsupported {
                    format: NAME,
                    what: "Aegis vault files of a version other than 1",
                });
            }
        }
        let accounts = match root.get("db") {
            Some(db @ Value::Object(_)) => entries(db)?,
            Some(Value::String(encrypted)) => {
                let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
                let header = root.object("header").map_err(malformed)?;
                let plain = decrypt_db(header, encrypted, password)?;
                let db: Value = super::parse_decrypted(&plain).map_err(|e| {
                    ImportError::malformed(NAME, format!("the decrypted database is not JSON: {e}"))
                })?;
                entries(&db)?
            }
            _ => {
                return Err(ImportError::malformed(
                    NAME,
                    "'db' should be an object or a base64 string",
                ));
            }
        };
        Ok(Decoded::new(NAME, accounts))
    }
}

fn malformed(problem: EntryProblem) -> ImportError {
    ImportError::malformed(NAME, problem.to_string())
}

/// The accounts of a (decrypted) database object.
fn entries(db: &Value) -> Result<Vec<OtpAuthUri>, ImportError> {
    let db = Obj::of(db, "db").map_err(malformed)?;
    if db.opt_u64("version").map_err(malformed)?.unwrap_or(1) > 3 {
        return Err(ImportError::Unsupported {
            format: NAME,
            what: "Aegis databases newer than version 3",
        });
    }
    let items = db.array("entries").map_err(malformed)?;
    check_count(items.len())?;
    json::each_entry(items, entry, |o| {
        (o.name_part("issuer"), o.name_part("name"))
    })
}

fn entry(value: &Value) -> Result<OtpAuthUri, EntryProblem> {
    let entry = Obj::of(value, "entries[]")?;
    let kind = kind_name(entry.str("type")?)?;
    let info = entry.object("info")?;
    let params = entry_params(
        kind,
        info.opt_str("algo")?,
        info.opt_u32("digits")?,
        info.opt_u32("period")?,
        info.opt_u64("counter")?,
    )?;
    let secret = base32_secret(info.str("secret")?)?;
    account(
        entry.opt_str("issuer")?.unwrap_or_default(),
        entry.opt_str("name")?.unwrap_or_default(),
        params,
        secret,
    )
}

/// A password slot's parameters, checked and bounded.
struct PasswordSlot {
    log_n: u8,
    r: u32,
    p: u32,
    salt: Zeroizing<Vec<u8>>,
    key: Zeroizing<Vec<u8>>,
    nonce: Zeroizing<Vec<u8>>,
    tag: Zeroizing<Vec<u8>>,
}

impl PasswordSlot {
    fn parse(slot: Obj<'_>) -> Result<Self, SlotError> {
        let number = |field| {
            slot.opt_u64(field)?
                .ok_or(SlotError::Problem(EntryProblem::Missing(field)))
        };
        let (n, r, p) = (number("n")?, number("r")?, number("p")?);
        if n > MAX_SCRYPT_N
            || r.saturating_mul(p) > MAX_SCRYPT_RP
            || n.saturating_mul(128).saturating_mul(r) > MAX_SCRYPT_MEMORY
        {
            return Err(SlotError::TooCostly { n, r, p });
        }
        if n < 2 || !n.is_power_of_two() {
            return Err(bad("n", "is not a power of two of at least 2"));
        }
        if r == 0 {
            return Err(bad("r", "must be at least 1"));
        }
        if p == 0 {
            return Err(bad("p", "must be at least 1"));
        }
        let hex_field = |obj: Obj<'_>, field, len: Option<usize>| {
            let bytes = crypto::hex(obj.str(field)?).ok_or(bad(field, "is not valid hex"))?;
            match len {
                Some(len) if bytes.len() != len => Err(bad(field, "has the wrong length")),
                _ => Ok(bytes),
            }
        };
        let params = slot.object("key_params")?;
        let parsed = PasswordSlot {
            log_n: n.trailing_zeros() as u8,
            // Both fit: r·p ≤ 64.
            r: r as u32,
            p: p as u32,
            salt: hex_field(slot, "salt", None)?,
            key: hex_field(slot, "key", Some(KEY_LEN))?,
            nonce: hex_field(params, "nonce", Some(NONCE_LEN))?,
            tag: hex_field(params, "tag", Some(TAG_LEN))?,
        };
        if parsed.salt.len() > MAX_SALT_BYTES {
            return Err(bad("salt", "is longer than 1024 bytes"));
        }
        Ok(parsed)
    }

    /// The master key, if `password` opens this slot.
    fn open(&self, password: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, ImportError> {
        let params = scrypt::Params::new(self.log_n, self.r, self.p).map_err(|_| {
            ImportError::malformed(NAME, "a password slot's scrypt parameters are invalid")
        })?;
        let mut derived = Zeroizing::new([0u8; KEY_LEN]);
        scrypt::scrypt(password, &self.salt, &params, derived.as_mut_slice()).map_err(|_| {
            ImportError::malformed(NAME, "a password slot's scrypt parameters are invalid")
        })?;
        Ok(crypto::aes256gcm_open(
            derived.as_slice(),
            &self.nonce,
            &self.key,
            &self.tag,
        ))
    }
}

enum SlotError {
    Problem(EntryProblem),
    TooCostly { n: u64, r: u64, p: u64 },
}

impl From<EntryProblem> for SlotError {
    fn from(problem: EntryProblem) -> Self {
        SlotError::Problem(problem)
    }
}

fn bad(field: &'static str, reason: &'static str) -> SlotError {
    SlotError::Problem(EntryProblem::BadValue { field, reason })
}

/// The plaintext database, opened with the first password slot `password` opens.
fn decrypt_db(
    header: Obj<'_>,
    encrypted: &str,
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let slots = header.array("slots").map_err(malformed)?;
    let password_slots: Vec<Obj<'_>> = slots
        .iter()
        .filter_map(|s| Obj::of(s, "slots[]").ok())
        .filter(|s| s.opt_u64("type").ok().flatten() == Some(PASSWORD_SLOT))
        .collect();
    if password_slots.is_empty() {
        return Err(ImportError::Unsupported {
            format: NAME,
            what: "Aegis vaults without a password slot (biometric unlock only)",
        });
    }
    if password_slots.len() > MAX_PASSWORD_SLOTS {
        return Err(ImportError::malformed(
            NAME,
            "it has too many password slots",
        ));
    }
    // Every slot is checked before any scrypt run, so a hostile slot is refused outright.
    let parsed = password_slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            PasswordSlot::parse(slot).map_err(|error| match error {
                SlotError::TooCostly { n, r, p } => ImportError::KdfTooCostly { n, r, p },
                SlotError::Problem(problem) => {
                    ImportError::malformed(NAME, format!("password slot {}: {problem}", i + 1))
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total_work = parsed.iter().fold(0u64, |sum, slot| {
        let work = (1u64 << slot.log_n)
            .saturating_mul(u64::from(slot.r))
            .saturating_mul(u64::from(slot.p));
        sum.saturating_add(work)
    });
    if total_work > MAX_TOTAL_SCRYPT_WORK {
        return Err(ImportError::malformed(
            NAME,
            "its password slots together ask for far more key-derivation work than Aegis uses",
        ));
    }
    let params = header.object("params").map_err(malformed)?;
    let field = |name| {
        crypto::hex(params.str(name).map_err(malformed)?).ok_or_else(|| {
            ImportError::malformed(NAME, format!("header.params.{name} is not valid hex"))
        })
    };
    let (nonce, tag) = (field("nonce")?, field("tag")?);
    let ciphertext = crypto::base64(encrypted)
        .ok_or_else(|| ImportError::malformed(NAME, "'db' is not valid base64"))?;
    for slot in &parsed {
        if let Some(master_key) = slot.open(password)? {
            return crypto::aes256gcm_open(&master_key, &nonce, &ciphertext, &tag).ok_or_else(
                || {
                    ImportError::malformed(
                        NAME,
                        "the database does not decrypt with the key the password opened (the file is damaged)",
                    )
                },
            );
        }
    }
    Err(ImportError::WrongPassword { format: NAME })
}
