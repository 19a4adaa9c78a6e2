//! Export: the vault as an otpauth URI list, a printable HTML page of QR codes, or an
//! encrypted Aegis vault file.
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
//! The HTML page is one self-contained document (no script, no external resource, a CSP that
//! forbids loading any): a warning header, then per account an inline SVG QR code of its URI
//! ([`crate::qr::to_svg`]) with the issuer, the label and the settings under it, laid out for
//! A4/Letter paper with print CSS. Every name is HTML-escaped.
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
    /// An account's URI is too long for a QR code (only the HTML page has QR codes).
    #[error("the account '{name}' does not fit in a QR code")]
    QrTooLong {
        /// `issuer:label`, shortened.
        name: String,
    },
    /// The encryption or the encoding failed (not expected to happen).
    #[error("the export could not be built: {0}")]
    Internal(&'static str),
    /// The password of an encrypted backup is shorter than [`MIN_BACKUP_PASSWORD_CHARS`].
    #[error(
        "the backup password is too short: use at least {MIN_BACKUP_PASSWORD_CHARS} characters (a few words make a good one)"
    )]
    WeakPassword,
    /// The vault has no accounts: there is nothing to back up.
    #[error("the vault has no accounts")]
    NoAccounts,
    /// The file could not be written; nothing was left behind.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl ExportError {
    /// A stable machine-readable name: vault failures keep the vault's kinds
    /// (`keychain_locked`, `index`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            ExportError::Vault(error) => error.kind(),
            ExportError::QrTooLong { .. } => "qr_too_long",
            ExportError::WeakPassword => "weak_password",
            ExportError::NoAccounts => "no_accounts",
            ExportError::Write { .. } => "write_failed",
            ExportError::Random(_) | ExportError::Internal(_) => "internal",
        }
    }
}

/// The fewest characters a backup password may have: the one rule for the CLI and the app.
pub const MIN_BACKUP_PASSWORD_CHARS: usize = 12;

/// Checks a backup password against the one rule ([`MIN_BACKUP_PASSWORD_CHARS`]).
pub fn check_backup_password(password: &str) -> Result<(), ExportError> {
    if password.chars().count() < MIN_BACKUP_PASSWORD_CHARS {
        return Err(ExportError::WeakPassword);
    }
    Ok(())
}

/// What an export holds.
#[derive(Clone, Copy)]
pub enum ExportKind<'p> {
    /// One otpauth URI per line, every secret in the clear.
    Otpauth,
    /// A printable HTML page of QR codes, every secret in the clear, dated `generated_at`.
    Html {
        /// Unix seconds.
        generated_at: u64,
    },
    /// An Aegis vault file encrypted with `password`.
    Encrypted {
        /// The password (checked by [`check_backup_password`]).
        password: &'p str,
    },
}

impl ExportKind<'_> {
    /// The name in reports and in the backup record: `otpauth`, `html`, `aegis-encrypted`.
    pub fn name(&self) -> &'static str {
        match self {
            ExportKind::Otpauth => "otpauth",
            ExportKind::Html { .. } => "html",
            ExportKind::Encrypted { .. } => "aegis-encrypted",
        }
    }
}

/// The export's bytes. An encrypted export's password is checked first; an empty vault is
/// refused. Nothing is written.
pub fn export_bytes<S: SecretStore>(
    vault: &Vault<S>,
    kind: ExportKind<'_>,
    rng: RandomSource<'_>,
) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    checked_export(vault, kind, rng, &vault.accounts()?)
}

/// [`export_bytes`] of a vault whose `accounts` the caller has already read.
fn checked_export<S: SecretStore>(
    vault: &Vault<S>,
    kind: ExportKind<'_>,
    rng: RandomSource<'_>,
    accounts: &[Account],
) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    if let ExportKind::Encrypted { password } = kind {
        check_backup_password(password)?;
    }
    if accounts.is_empty() {
        return Err(ExportError::NoAccounts);
    }
    Ok(match kind {
        ExportKind::Encrypted { password } => {
            export_aegis_encrypted(vault, password.as_bytes(), rng)?
        }
        ExportKind::Html { generated_at } => {
            Zeroizing::new(export_html(vault, generated_at)?.as_bytes().to_vec())
        }
        ExportKind::Otpauth => Zeroizing::new(export_otpauth(vault)?.as_bytes().to_vec()),
    })
}

/// A written backup.
#[derive(Debug)]
pub struct Written {
    /// How many accounts it holds.
    pub accounts: usize,
    /// Set when the file was written but could not be recorded for the backup reminder: a
    /// warning, not a failure.
    pub not_recorded: Option<crate::backup::BackupError>,
}

/// Writes the export to `path` (owner-only, atomically: the old file or the new one, never
/// half of one), then records it as the latest backup in `data_dir` (see [`crate::backup`]).
pub fn write_backup<S: SecretStore>(
    vault: &Vault<S>,
    data_dir: &std::path::Path,
    path: &std::path::Path,
    kind: ExportKind<'_>,
    now: u64,
    rng: RandomSource<'_>,
) -> Result<Written, ExportError> {
    // The accounts the record names are the ones read before the export.
    let accounts = vault.accounts()?;
    let bytes = checked_export(vault, kind, rng, &accounts)?;
    crate::atomic_file::write_private(path, &bytes).map_err(|source| ExportError::Write {
        path: path.to_owned(),
        source,
    })?;
    drop(bytes);
    let not_recorded = crate::backup::record_accounts(data_dir, &accounts, kind.name(), now).err();
    Ok(Written {
        accounts: accounts.len(),
        not_recorded,
    })
}

/// A source of random bytes: [`getrandom::fill`] in production, anything deterministic in tests.
pub type RandomSource<'a> = &'a mut dyn FnMut(&mut [u8]) -> Result<(), getrandom::Error>;

/// Every account with its secret, read from the keychain in one batch. One failure fails all.
fn accounts_with_secrets<S: SecretStore>(
    vault: &Vault<S>,
) -> Result<Vec<(Account, Secret)>, ExportError> {
    let accounts = vault.accounts()?;
    let ids: Vec<AccountId> = accounts.iter().map(|a| a.secret_item().clone()).collect();
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

/// Every account as a printable HTML page of QR codes (see the module documentation), pending
/// accounts included, dated `generated_at` (Unix seconds, UTC). The page holds every secret in
/// the clear, in its QR codes.
pub fn export_html<S: SecretStore>(
    vault: &Vault<S>,
    generated_at: u64,
) -> Result<Zeroizing<String>, ExportError> {
    let accounts = accounts_with_secrets(vault)?;
    let mut figures = Vec::with_capacity(accounts.len());
    for (account, secret) in accounts {
        let name = account.display_name();
        let uri = OtpAuthUri {
            issuer: account.issuer,
            label: account.label,
            params: account.params,
            secret,
        };
        let svg = crate::qr::to_svg(&uri.to_uri()).map_err(|_| ExportError::QrTooLong {
            name: super::error::shorten(&name),
        })?;
        figures.push((uri, svg));
    }
    let count = figures.len();
    let plural = if count == 1 { "" } else { "s" };
    let date = crate::backup::utc_date_time(generated_at);
    // Sized up front so that growing never leaves copies of the secrets in freed memory.
    let capacity = 8192
        + figures
            .iter()
            .map(|(uri, svg)| svg.len() + 6 * (uri.issuer.len() + uri.label.len()) + 512)
            .sum::<usize>();
    let mut page = Zeroizing::new(String::with_capacity(capacity));
    page.push_str(HTML_HEAD);
    page.push_str(&format!(
        "<title>CogAuth backup: {count} account{plural}</title>\n</head>\n<body>\n\
         <header class=\"warning\">\n<h1>CogAuth backup: keep this page secret</h1>\n\
         <p>Each QR code below holds an account's <strong>secret key</strong>. Anyone who sees \
         this page, a photo of it or a copy of this file can make your sign-in codes. Print it, \
         keep the paper somewhere safe, and delete the file.</p>\n\
         <p>{count} account{plural}, made {date} UTC. To restore, scan a code with any \
         authenticator app, or photograph the page and run <code>cogauth import photo.jpg</code>.\
         </p>\n</header>\n<main class=\"codes\">\n"
    ));
    for (uri, svg) in &figures {
        let svg = svg.find("<svg").map_or(svg.as_str(), |start| &svg[start..]);
        page.push_str("<figure>\n");
        page.push_str(svg);
        page.push_str("\n<figcaption><strong>");
        page.push_str(&escape_html(&uri.issuer));
        page.push_str("</strong><span class=\"label\">");
        page.push_str(&escape_html(&uri.label));
        page.push_str("</span><small>");
        page.push_str(&settings(&uri.params));
        page.push_str("</small></figcaption>\n</figure>\n");
    }
    page.push_str("</main>\n</body>\n</html>\n");
    Ok(page)
}

/// The page up to the title: a CSP that loads nothing (inline styles only, no script) and
/// the print layout (a grid of codes that never splits a code across pages).
const HTML_HEAD: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"robots\" content=\"noindex\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>\n\
body { font-family: system-ui, sans-serif; margin: 2rem; color: #000; background: #fff; }\n\
.warning { border: 3px solid #b00; padding: 0.5rem 1rem; margin-bottom: 1.5rem; }\n\
.warning h1 { color: #b00; font-size: 1.4rem; margin: 0.3rem 0; }\n\
.codes { display: grid; grid-template-columns: repeat(auto-fill, minmax(60mm, 1fr)); gap: 8mm; }\n\
figure { margin: 0; text-align: center; break-inside: avoid; page-break-inside: avoid; }\n\
figure svg { width: 50mm; height: 50mm; }\n\
figcaption { display: flex; flex-direction: column; overflow-wrap: anywhere; }\n\
figcaption small { color: #444; }\n\
@page { margin: 12mm; }\n\
@media print { body { margin: 0; } .warning { border-width: 2px; } }\n\
</style>\n";

/// Escapes text for HTML element content and attribute values.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// "TOTP · SHA1 · 6 digits · 30 s" and the like.
fn settings(params: &crate::otp::OtpParams) -> String {
    let algorithm = params.algorithm.name();
    match params.kind {
        OtpKind::Totp { period } => {
            format!("TOTP · {algorithm} · {} digits · {period} s", params.digits)
        }
        OtpKind::Steam { period } => format!("Steam · {period} s"),
        OtpKind::Hotp { counter } => format!(
            "HOTP · {algorithm} · {} digits · counter {counter}",
            params.digits
        ),
    }
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
    fn html_escapes_every_special_character() {
        assert_eq!(
            escape_html(r#"<b>"A" & 'B'</b>"#),
            "&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn fail_a_random_source_failure_is_an_error() {
        let mut rng = |_: &mut [u8]| Err(getrandom::Error::UNSUPPORTED);
        let error = uuid_v4(&mut rng).expect_err("no randomness");
        assert_eq!(error.kind(), "internal");
    }
}
