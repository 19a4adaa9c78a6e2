//! Export: the vault as an otpauth URI list, or as an encrypted Aegis vault file.
//!
//! The encrypted export follows the Aegis vault format (beemdevelopment/Aegis, `docs/vault.md`)
//! as [`super::aegis`] reads it: `{version: 1, header: {slots, params}, db}` with one password
//! slot (type 1: scrypt N = 2^15, r = 8, p = 1 over a fresh 32-byte salt derives the key that
//! AES-256-GCM-encrypts a fresh 32-byte master key; hex `key`, `salt`, `key_params` nonce and
//! tag), `header.params` the nonce and tag of the database, and `db` the base64 of the
//! AES-256-GCM encryption under the master key of `{"version": 2, "entries": […], "groups": []}`.
//! Each entry has `type` (totp, hotp, steam), a random v4 `uuid`, `name` (the label),
//! `issuer`, `note` "", `favorite` false, `icon` null and `info` (base32 `secret`, `algo`,
//! `digits`, `period` or `counter`). The otpauth list is one [`OtpAuthUri::to_uri`] per line.
//!
//! Drops: CogAuth's account ids and creation times, the active/pending state (a pending
//! account is exported like any other, with its secret), and the Cognito binding (pool, client,
//! username, last used step). Every secret is read once, before anything is built; a keychain
//! failure fails the whole export. Plaintexts (the URI list, the database JSON) and keys live
//! in zeroizing buffers; the encrypted file holds no secret in the clear.

use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, NONCE_LEN};
use crate::otp::{OtpKind, Secret};
use crate::uri::OtpAuthUri;
use crate::vault::{Account, AccountId, SecretStore, Vault, VaultError};

/// scrypt's log2(N) in the password slot, as Aegis writes it (N = 2^15).
const SCRYPT_LOG_N: u8 = 15;
/// scrypt's r, as Aegis writes it.
const SCRYPT_R: u32 = 8;
/// scrypt's p, as Aegis writes it.
const SCRYPT_P: u32 = 1;
/// Bytes of the password slot's salt.
const SALT_LEN: usize = 32;
/// Aegis's slot type for a password slot.
const PASSWORD_SLOT: u64 = 1;

/// Why an export failed. Nothing was written; messages hold no secret.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The index or the keychain could not be read.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The system's random source failed.
    #[error("the system's random source failed: {0}")]
    Random(String),
    /// The encryption or the encoding failed (not expected to happen).
    #[error("the export could not be built: {0}")]
    Internal(&'static str),
}

impl ExportError {
    /// A stable machine-readable name: vault failures keep the vault's kinds
    /// (`keychain_locked`, `index`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            ExportError::Vault(error) => error.kind(),
            ExportError::Random(_) | ExportError::Internal(_) => "internal",
        }
    }
}

/// A source of random bytes: [`getrandom::fill`] in production, anything deterministic in tests.
pub type RandomSource<'a> = &'a mut dyn FnMut(&mut [u8]) -> Result<(), getrandom::Error>;

/// Every account with its secret, read from the keychain in one batch. One failure fails all.
fn accounts_with_secrets<S: SecretStore>(
    vault: &Vault<S>,
) -> Result<Vec<(Account, Secret)>, ExportError> {
    let accounts = vault.accounts()?;
    let ids: Vec<AccountId> = accounts.iter().map(|a| a.id.clone()).collect();
    let secrets = vault.store().get_many(&ids);
    if secrets.len() != accounts.len() {
        return Err(ExportError::Internal(
            "the keychain returned a different number of secrets",
        ));
    }
    accounts
        .into_iter()
        .zip(secrets)
        .map(|(account, secret)| match secret {
            Ok(secret) => Ok((account, secret)),
            Err(error) => Err(ExportError::Vault(VaultError::Keychain(error))),
        })
        .collect()
}

/// Every account as an otpauth URI, one per line (each line ends with `\n`), in the vault's
/// order. Pending accounts (an unfinished Cognito enrolment) are included too, with their
/// secret: the list is what the keychain holds. The text holds every secret in the clear.
pub fn export_otpauth<S: SecretStore>(vault: &Vault<S>) -> Result<Zeroizing<String>, ExportError> {
    let accounts = accounts_with_secrets(vault)?;
    let uris: Vec<Zeroizing<String>> = accounts
        .into_iter()
        .map(|(account, secret)| {
            OtpAuthUri {
                issuer: account.issuer,
                label: account.label,
                params: account.params,
                secret,
            }
            .to_uri()
        })
        .collect();
    // Sized up front so that growing never leaves copies of the secrets in freed memory.
    let mut text = Zeroizing::new(String::with_capacity(
        uris.iter().map(|u| u.len() + 1).sum::<usize>(),
    ));
    for uri in &uris {
        text.push_str(uri);
        text.push('\n');
    }
    Ok(text)
}

/// One entry of the Aegis database.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'static str,
    favorite: bool,
    icon: Option<()>,
    info: Info<'a>,
}

#[derive(Serialize)]
struct Info<'a> {
    secret: &'a str,
    algo: &'static str,
    digits: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

#[derive(Serialize)]
struct Database<'a> {
    version: u32,
    entries: Vec<Entry<'a>>,
    groups: [(); 0],
}

/// Fills a fresh buffer of `N` random bytes.
fn random<const N: usize>(rng: RandomSource<'_>) -> Result<Zeroizing<[u8; N]>, ExportError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    rng(bytes.as_mut_slice()).map_err(|e| ExportError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A random (version 4, RFC 9562) UUID in its usual text form.
fn uuid_v4(rng: RandomSource<'_>) -> Result<String, ExportError> {
    let mut bytes = random::<16>(rng)?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = data_encoding::HEXLOWER.encode(bytes.as_slice());
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// Every account as an Aegis vault file encrypted with `password` (see the module
/// documentation), pending accounts included. Salt, master key, nonces and uuids come from
/// `rng` (pass `&mut getrandom::fill`), so two exports of one vault never share them.
pub fn export_aegis_encrypted<S: SecretStore>(
    vault: &Vault<S>,
    password: &[u8],
    rng: RandomSource<'_>,
) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let accounts = accounts_with_secrets(vault)?;
    let secrets: Vec<Zeroizing<String>> = accounts.iter().map(|(_, s)| s.to_base32()).collect();
    let mut entries = Vec::with_capacity(accounts.len());
    for ((account, _), secret) in accounts.iter().zip(&secrets) {
        let params = account.params;
        let (kind, period, counter) = match params.kind {
            OtpKind::Totp { period } => ("totp", Some(period), None),
            OtpKind::Steam { period } => ("steam", Some(period), None),
            OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
        };
        entries.push(Entry {
            kind,
            uuid: uuid_v4(rng)?,
            name: &account.label,
            issuer: &account.issuer,
            note: "",
            favorite: false,
            icon: None,
            info: Info {
                secret: secret.as_str(),
                algo: params.algorithm.name(),
                digits: params.digits,
                period,
                counter,
            },
        });
    }
    let database = Database {
        version: 2,
        entries,
        groups: [],
    };
    // Sized generously up front so that serialising never reallocates and leaves copies of the
    // secrets behind.
    let estimate = 512
        + secrets.iter().map(|s| s.len()).sum::<usize>()
        + accounts
            .iter()
            .map(|(a, _)| 6 * (a.issuer.len() + a.label.len()) + 320)
            .sum::<usize>();
    let mut plain = Zeroizing::new(Vec::with_capacity(estimate));
    serde_json::to_writer(&mut *plain, &database)
        .map_err(|_| ExportError::Internal("the database could not be encoded"))?;
    drop(database);
    drop(secrets);
    drop(accounts);

    let master_key = random::<KEY_LEN>(rng)?;
    let db_nonce = random::<NONCE_LEN>(rng)?;
    let (db, db_tag) = crypto::aes256gcm_seal(master_key.as_slice(), db_nonce.as_slice(), &plain)
        .ok_or(ExportError::Internal("the database could not be encrypted"))?;
    drop(plain);

    let salt = random::<SALT_LEN>(rng)?;
    let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .map_err(|_| ExportError::Internal("invalid scrypt parameters"))?;
    let mut derived = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(password, salt.as_slice(), &params, derived.as_mut_slice())
        .map_err(|_| ExportError::Internal("invalid scrypt parameters"))?;
    let key_nonce = random::<NONCE_LEN>(rng)?;
    let (key, key_tag) = crypto::aes256gcm_seal(
        derived.as_slice(),
        key_nonce.as_slice(),
        master_key.as_slice(),
    )
    .ok_or(ExportError::Internal(
        "the master key could not be encrypted",
    ))?;

    let hex = |bytes: &[u8]| data_encoding::HEXLOWER.encode(bytes);
    let file = json!({
        "version": 1,
        "header": {
            "slots": [{
                "type": PASSWORD_SLOT,
                "uuid": uuid_v4(rng)?,
                "key": hex(&key),
                "key_params": {"nonce": hex(key_nonce.as_slice()), "tag": hex(&key_tag)},
                "n": 1u64 << SCRYPT_LOG_N,
                "r": SCRYPT_R,
                "p": SCRYPT_P,
                "salt": hex(salt.as_slice()),
                "repaired": true,
                "is_backup": false,
            }],
            "params": {"nonce": hex(db_nonce.as_slice()), "tag": hex(&db_tag)},
        },
        "db": data_encoding::BASE64.encode(&db),
    });
    let text = serde_json::to_vec_pretty(&file)
        .map_err(|_| ExportError::Internal("the file could not be encoded"))?;
    Ok(Zeroizing::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_in_the_usual_form() {
        let mut rng = |bytes: &mut [u8]| {
            bytes.fill(0xff);
            Ok(())
        };
        let uuid = uuid_v4(&mut rng).expect("uuid");
        assert_eq!(uuid, "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }

    #[test]
    fn fail_a_random_source_failure_is_an_error() {
        let mut rng = |_: &mut [u8]| Err(getrandom::Error::UNSUPPORTED);
        let error = uuid_v4(&mut rng).expect_err("no randomness");
        assert_eq!(error.kind(), "internal");
    }
}
