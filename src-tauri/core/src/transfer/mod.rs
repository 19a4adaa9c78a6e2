//! Import of other authenticators' exports: one file per format behind the small [`Format`]
//! trait, detection of the format, and an all-or-nothing import into a [`Vault`].
//!
//! The flow, each step a function callers can stop after:
//! 1. [`read`]: bound the input ([`MAX_INPUT_BYTES`]), [`detect`] the format, and decode
//!    **every** entry into a validated [`OtpAuthUri`]. A bad entry, a missing or wrong
//!    password, a hostile file: one [`ImportError`] naming the entry and the reason, and
//!    nothing decoded.
//! 2. [`plan`] (or [`preview`] for 1+2): compare with the vault. A duplicate is an entry with
//!    the same token (secret, kind, algorithm, digits and period; an HOTP counter is state,
//!    not identity) as an existing account or an earlier entry of the file, or with the same
//!    `issuer:label` (the vault refuses two accounts with one name). Duplicates are skipped
//!    and reported, the rest is the [`ImportPlan`].
//! 3. [`ImportPlan::apply`] (or [`import_into`] for 1–3): add the new accounts through
//!    [`Vault::add`] (keychain first, index second). If one add fails, the accounts this
//!    import already added are removed again, so the vault ends as it was.
//!
//! Formats, one private module each, whose first comment names the spec followed and what the
//! conversion drops: `otpauth_list` (also Ente's export), `google_migration`, `aegis` (plain
//! and encrypted), `two_fas` (plain and encrypted), `bitwarden`, `andotp`, `freeotp_plus`,
//! `freeotp` (FreeOTP's tokens.xml, plain, and its backup, encrypted),
//! `stratum` (plain and encrypted), `andotp_encrypted` (last: it claims unrecognised binary files);
//! [`formats`] lists them in detection order. The trait holds no user-facing text: formats have a stable machine name,
//! and everything a person reads comes from [`ImportError`] and the caller's own rendering.
//!
//! Pictures (PNG, JPEG, WebP, BMP, TIFF, told by their first bytes) are read for QR codes by
//! [`crate::scan`], and the codes' texts ([`read_codes`], also fed by the clipboard and the
//! screen through [`crate::capture`]) go through the otpauth list reader: each code is one
//! `otpauth://` or `otpauth-migration://` URI, positions say "QR code n".
//!
//! Export, the other way ([`export_otpauth`], [`export_aegis_encrypted`]), is in `export`: an
//! otpauth list, or an encrypted Aegis vault file this module's Aegis reader opens.
//!
//! Secrets are held in zeroizing buffers where this module owns the memory (decrypted
//! plaintexts, derived keys, protobuf payloads, [`Secret`]s); the JSON formats' secrets also
//! pass through `serde_json` strings, which are freed without being wiped.

mod aegis;
mod andotp;
mod andotp_encrypted;
mod bitwarden;
mod crypto;
mod csv;
mod error;
mod export;
mod freeotp;
mod freeotp_plus;
mod google_migration;
mod json;
mod otpauth_list;
mod plan;
mod protobuf;
mod proton;
mod steam;
mod stratum;
mod two_fas;

use std::cell::OnceCell;
use std::fmt;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::fields::{self, KindName, ParamFields};
use crate::otp::{Algorithm, OtpParams, Secret};
use crate::scan;
use crate::uri::OtpAuthUri;
use crate::vault::{SecretStore, Vault};

use error::Unit;
pub use error::{EntryProblem, EntryRef, ImportError, Position};
pub use export::{
    ExportError, ExportKind, MIN_BACKUP_PASSWORD_CHARS, RandomSource, Written,
    check_backup_password, export_aegis_encrypted, export_bytes, export_html, export_otpauth,
    write_backup,
};
pub use plan::{Duplicate, DuplicateOf, DuplicateReason, ImportPlan, ImportReport, plan};

/// The largest text or JSON file imported, in bytes. Real exports are kilobytes; this bounds
/// what a hostile file can make us parse.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// The largest file of any kind imported: pictures of QR codes may be up to
/// [`scan::MAX_IMAGE_BYTES`], and are bounded by their pixel count too.
pub const MAX_FILE_BYTES: usize = if scan::MAX_IMAGE_BYTES > MAX_INPUT_BYTES {
    scan::MAX_IMAGE_BYTES
} else {
    MAX_INPUT_BYTES
};
/// The most entries imported from one file.
pub const MAX_ENTRIES: usize = 10_000;

/// One export format.
///
/// `detect` must be cheap and must not fail; `read` decodes every entry or returns the first
/// error. Neither touches the vault.
pub trait Format: Sync {
    /// A stable machine name (`aegis`, `google-authenticator`, …), shown in reports.
    fn name(&self) -> &'static str;
    /// What people know the format by, for lists of what CogAuth reads and for summaries.
    fn about(&self) -> &'static About;
    /// Whether `input` is in this format.
    fn detect(&self, input: &Input<'_>) -> bool;
    /// Whether `input` is encrypted, so that [`Format::read`] needs a password.
    fn needs_password(&self, input: &Input<'_>) -> bool;
    /// Decodes every account of `input`, in file order.
    fn read(&self, input: &Input<'_>, password: Option<&[u8]>) -> Result<Decoded, ImportError>;
}

/// A format as people know it: the one description the README's list, the CLI's
/// `import --formats`, the app's import hint and the import summaries are made from.
#[derive(Debug, serde::Serialize)]
pub struct About {
    /// The application that writes the files (`andOTP`, `Bitwarden`).
    pub app: &'static str,
    /// Which of its files, in a few words (`plain or encrypted backup`).
    pub files: &'static str,
    /// What those files can hold that CogAuth does not import, besides the accounts.
    pub drops: &'static [Dropped],
}

/// Something an export can hold that an import leaves behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dropped {
    /// Icons, thumbnails, images.
    Icons,
    /// Colours chosen for accounts.
    Colours,
    /// Groups, tags, folders or categories.
    Groups,
    /// Notes.
    Notes,
    /// Favourites and pins.
    Favourites,
    /// Usage counts and last-used times.
    UsageCounts,
    /// The order the accounts were sorted in.
    Order,
    /// Everything of a password manager's logins that is not the TOTP key.
    LoginData,
    /// Steam's recovery codes and other Steam Guard data besides the code key.
    SteamGuardData,
}

impl Dropped {
    /// In a few words, for lists: "icons", "usage counts".
    pub fn words(self) -> &'static str {
        match self {
            Dropped::Icons => "icons",
            Dropped::Colours => "colours",
            Dropped::Groups => "groups",
            Dropped::Notes => "notes",
            Dropped::Favourites => "favourites",
            Dropped::UsageCounts => "usage counts",
            Dropped::Order => "order",
            Dropped::LoginData => "passwords and other login data",
            Dropped::SteamGuardData => "Steam recovery codes",
        }
    }
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// The description of the format named `name`, `None` for other names (`qr-image`, …).
pub fn about(name: &str) -> Option<&'static About> {
    FORMATS.iter().find(|f| f.name() == name).map(|f| f.about())
}

/// The formats, in the order detection tries them.
static FORMATS: &[&dyn Format] = &[
    &google_migration::GoogleMigration,
    &otpauth_list::OtpauthList,
    &aegis::Aegis,
    &two_fas::TwoFas,
    &bitwarden::Bitwarden,
    &freeotp_plus::FreeOtpPlus,
    &freeotp::FreeOtp,
    &proton::Proton,
    &steam::Steam,
    &andotp::AndOtp,
    &stratum::Stratum,
    // Last: the old andOTP layout has no structure (see its module).
    &andotp_encrypted::AndOtpEncrypted,
];

/// Every format CogAuth imports.
pub fn formats() -> &'static [&'static dyn Format] {
    FORMATS
}

/// The bytes of a file to import, size-checked, with its text and JSON views computed once
/// and shared by every format's `detect` and `read`.
pub struct Input<'a> {
    bytes: &'a [u8],
    json: OnceCell<Option<Result<Value, String>>>,
}

impl<'a> Input<'a> {
    /// Wraps `bytes`, refusing more than [`MAX_INPUT_BYTES`].
    pub fn new(bytes: &'a [u8]) -> Result<Self, ImportError> {
        if bytes.len() > MAX_INPUT_BYTES {
            return Err(ImportError::TooLarge {
                size: bytes.len() as u64,
            });
        }
        Ok(Input {
            bytes,
            json: OnceCell::new(),
        })
    }

    /// The raw bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The text, without a leading byte-order mark; `None` if it is not UTF-8.
    pub fn text(&self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes)
            .ok()
            .map(|t| t.strip_prefix('\u{feff}').unwrap_or(t))
    }

    /// The parsed JSON document, when the text starts like one and parses.
    pub(crate) fn json(&self) -> Option<&Value> {
        self.json_result().and_then(|r| r.as_ref().ok())
    }

    fn json_result(&self) -> Option<&Result<Value, String>> {
        self.json
            .get_or_init(|| {
                let text = self.text()?;
                let trimmed = text.trim_start();
                if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
                    return None;
                }
                Some(parse_json(text))
            })
            .as_ref()
    }
}

/// The most JSON objects and arrays parsed from one file: far above any real export (a few per
/// account), low enough that a wide hostile file cannot take gigabytes to parse.
const MAX_JSON_CONTAINERS: usize = 100_000;

/// Parses a JSON document of an export, or of an encrypted export's decrypted payload.
/// serde_json bounds nesting (128 levels), so hostile depth is an error, not a stack overflow;
/// width is bounded here ([`MAX_JSON_CONTAINERS`]), before parsing, because each object or
/// array costs hundreds of bytes in memory. Messages give a position, never the content.
fn parse_json(text: &str) -> Result<Value, String> {
    if json_containers(text) > MAX_JSON_CONTAINERS {
        return Err(format!(
            "more than {MAX_JSON_CONTAINERS} JSON objects and arrays"
        ));
    }
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// [`parse_json`] for a decrypted payload's bytes.
fn parse_decrypted(plain: &[u8]) -> Result<Value, String> {
    parse_json(std::str::from_utf8(plain).map_err(|_| "not UTF-8 text".to_owned())?)
}

/// Counts `{` and `[` outside strings, without parsing.
fn json_containers(text: &str) -> usize {
    let (mut count, mut in_string, mut escaped) = (0usize, false, false);
    for byte in text.bytes() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_string = false,
            (false, _, b'"') => in_string = true,
            (false, _, b'{' | b'[') => count += 1,
            _ => {}
        }
    }
    count
}

/// A non-fatal finding about a file that was read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportWarning {
    /// A Google Authenticator export spread over several QR codes, of which only some are in
    /// the file: the accounts of the missing ones are not imported.
    IncompleteBatch {
        /// Parts of the batch in the file.
        present: u64,
        /// Parts the batch has.
        size: u64,
    },
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportWarning::IncompleteBatch { present, size } => write!(
                f,
                "this Google Authenticator export has {size} parts (QR codes) but the file holds only {present}; the accounts of the other parts are not imported"
            ),
        }
    }
}

/// What a format read from a file.
#[derive(Debug)]
pub struct Decoded {
    /// The format's name.
    pub format: &'static str,
    /// Every account, in file order.
    pub accounts: Vec<OtpAuthUri>,
    /// Findings that did not stop the import.
    pub warnings: Vec<ImportWarning>,
}

impl Decoded {
    fn new(format: &'static str, accounts: Vec<OtpAuthUri>) -> Self {
        Decoded {
            format,
            accounts,
            warnings: Vec::new(),
        }
    }
}

/// The format of `input`.
pub fn detect(input: &Input<'_>) -> Result<&'static dyn Format, ImportError> {
    if input.bytes().iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    if let Some(format) = FORMATS.iter().find(|f| f.detect(input)) {
        return Ok(*format);
    }
    Err(match (input.text(), input.json_result()) {
        (None, _) => ImportError::NotUtf8,
        (Some(_), Some(Err(reason))) => ImportError::InvalidJson(reason.clone()),
        _ => ImportError::UnknownFormat,
    })
}

/// Decodes every account of a file, detecting its format. `password` is used only by
/// encrypted files. A picture (PNG, JPEG, WebP, BMP, TIFF, told by its first bytes) is read for QR
/// codes, each of which must hold an `otpauth://` or `otpauth-migration://` URI.
pub fn read(data: &[u8], password: Option<&[u8]>) -> Result<Decoded, ImportError> {
    if scan::image_kind(data).is_some() {
        return read_codes(QrSource::Image, &scan::decode_qr_image(data)?);
    }
    let input = Input::new(data)?;
    read_as(detect(&input)?, &input, password)
}

/// [`read`] for a file that is not a picture, its format known.
fn read_as(
    format: &dyn Format,
    input: &Input<'_>,
    password: Option<&[u8]>,
) -> Result<Decoded, ImportError> {
    if password.is_none() && format.needs_password(input) {
        return Err(ImportError::PasswordRequired {
            format: format.name(),
        });
    }
    let decoded = format.read(input, password)?;
    if decoded.accounts.is_empty() {
        return Err(ImportError::NoAccounts {
            format: format.name(),
        });
    }
    check_count(decoded.accounts.len())?;
    Ok(decoded)
}

/// An import the user chose, checked once and kept for a preview and for the import itself,
/// so that a password can be tried again without choosing the file again. Pictures are read
/// for their QR codes when loaded; exports are detected then and decoded when asked.
pub enum Pending {
    /// Another authenticator's export, its format known.
    Export {
        /// The file's bytes.
        bytes: Zeroizing<Vec<u8>>,
        /// Its format.
        format: &'static dyn Format,
        /// Whether a password is needed.
        encrypted: bool,
    },
    /// The texts of the QR codes found in a picture, on the clipboard or on the screen, each
    /// already known to hold accounts.
    Codes(QrSource, scan::Codes),
}

impl Pending {
    /// A picked file: a picture of QR codes or an export. At most [`MAX_FILE_BYTES`].
    pub fn file(bytes: Zeroizing<Vec<u8>>) -> Result<Self, ImportError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge {
                size: bytes.len() as u64,
            });
        }
        if scan::image_kind(&bytes).is_some() {
            return Pending::codes(QrSource::Image, scan::decode_qr_image(&bytes)?);
        }
        let (format, encrypted) = {
            let input = Input::new(&bytes)?;
            let format = detect(&input)?;
            (format, format.needs_password(&input))
        };
        Ok(Pending::Export {
            bytes,
            format,
            encrypted,
        })
    }

    /// The texts of QR codes (or copied URIs), once they are known to hold accounts.
    pub fn codes(source: QrSource, texts: scan::Codes) -> Result<Self, ImportError> {
        read_codes(source, &texts)?;
        Ok(Pending::Codes(source, texts))
    }

    /// The format's machine name (`aegis`, `qr-image`, `clipboard`, …).
    pub fn format(&self) -> &'static str {
        match self {
            Pending::Export { format, .. } => format.name(),
            Pending::Codes(source, _) => source.name(),
        }
    }

    /// Whether [`Pending::decode`] needs a password.
    pub fn encrypted(&self) -> bool {
        matches!(
            self,
            Pending::Export {
                encrypted: true,
                ..
            }
        )
    }

    /// Every account it holds, all or nothing.
    pub fn decode(&self, password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        match self {
            Pending::Export { bytes, format, .. } => {
                read_as(*format, &Input::new(bytes)?, password)
            }
            Pending::Codes(source, texts) => read_codes(*source, texts),
        }
    }
}

/// Where the texts of [`read_codes`] came from; its name stands for the format in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrSource {
    /// The QR codes of an image file.
    Image,
    /// The clipboard: the QR codes of an image, or copied URIs (one per line).
    Clipboard,
    /// The QR codes on the screen.
    Screenshot,
}

impl QrSource {
    /// A stable machine name: `qr-image`, `clipboard`, `screenshot`.
    pub fn name(self) -> &'static str {
        match self {
            QrSource::Image => "qr-image",
            QrSource::Clipboard => "clipboard",
            QrSource::Screenshot => "screenshot",
        }
    }
}

/// Decodes every account of the texts of QR codes (as [`scan`] and [`crate::capture`] return
/// them), all or nothing: each text must be one `otpauth://` or `otpauth-migration://` URI;
/// errors name the code ("QR code 2"). Google Authenticator exports spread over several codes
/// are read like their text form.
pub fn read_codes<T: AsRef<str>>(source: QrSource, texts: &[T]) -> Result<Decoded, ImportError> {
    if texts.is_empty() {
        return Err(ImportError::Image(scan::ScanError::NoQrCode));
    }
    check_count(texts.len())?;
    let size: usize = texts.iter().map(|t| t.as_ref().len()).sum();
    if size > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge { size: size as u64 });
    }
    let numbered = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (i + 1, t.as_ref().trim()));
    let decoded = otpauth_list::read_uris(source.name(), Unit::QrCode, numbered)?;
    if decoded.accounts.is_empty() {
        return Err(ImportError::NoAccounts {
            format: decoded.format,
        });
    }
    check_count(decoded.accounts.len())?;
    Ok(decoded)
}

/// Reads a file and plans its import into `vault`: what would be added, what is a duplicate.
/// Changes nothing.
pub fn preview<S: SecretStore>(
    vault: &Vault<S>,
    data: &[u8],
    password: Option<&[u8]>,
) -> Result<ImportPlan, ImportError> {
    plan(vault, read(data, password)?)
}

/// Imports a file into `vault`, all or nothing: see the module documentation.
pub fn import_into<S: SecretStore>(
    vault: &Vault<S>,
    data: &[u8],
    password: Option<&[u8]>,
) -> Result<ImportReport, ImportError> {
    preview(vault, data, password)?.apply(vault)
}

fn check_count(count: usize) -> Result<(), ImportError> {
    if count > MAX_ENTRIES {
        return Err(ImportError::TooManyEntries { count });
    }
    Ok(())
}

/// An account from a format's fields: names trimmed and checked as the vault will check them
/// ([`fields::names`]), so that a bad name is refused while reading and not halfway through
/// adding.
fn account(
    issuer: &str,
    label: &str,
    params: OtpParams,
    secret: Secret,
) -> Result<OtpAuthUri, EntryProblem> {
    let (issuer, label) = fields::names(issuer, label)?;
    Ok(OtpAuthUri {
        issuer,
        label,
        params,
        secret,
    })
}

/// [`account`]'s name checks for an already built URI.
fn checked(uri: OtpAuthUri) -> Result<OtpAuthUri, EntryProblem> {
    account(&uri.issuer, &uri.label, uri.params, uri.secret)
}

/// `Issuer:Label` in one name, as otpauth labels and several exports write it: split at the
/// first colon when no separate issuer is given, and a repeated `issuer:` prefix dropped.
fn split_name<'n>(issuer: &'n str, name: &'n str) -> (&'n str, &'n str) {
    let issuer = issuer.trim();
    if issuer.is_empty() {
        return match name.split_once(':') {
            Some((issuer, label)) => (issuer, label),
            None => ("", name),
        };
    }
    let label = name
        .strip_prefix(issuer)
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or(name);
    (issuer, label)
}

/// A kind the formats name (`totp`, `hotp`, `steam`, any case); another is unsupported.
fn kind_name(text: &str) -> Result<KindName, EntryProblem> {
    text.parse().map_err(|_| unsupported_type(text))
}

/// An entry's settings, read through core's one set of defaults ([`ParamFields`]): missing
/// settings are SHA1, 6 digits (Steam: 5), 30 s, counter 0.
fn entry_params(
    kind: KindName,
    algorithm: Option<&str>,
    digits: Option<u32>,
    period: Option<u32>,
    counter: Option<u64>,
) -> Result<OtpParams, EntryProblem> {
    let algorithm: Option<Algorithm> = algorithm
        .map(str::parse)
        .transpose()
        .map_err(EntryProblem::Otp)?;
    Ok(ParamFields {
        kind,
        algorithm,
        digits,
        period,
        counter,
    }
    .params()?)
}

/// An OTP type name no format here reads, shortened for the message.
fn unsupported_type(text: &str) -> EntryProblem {
    EntryProblem::UnsupportedType(error::shorten(&text.chars().take(16).collect::<String>()))
}

/// A base32 secret from a JSON field.
fn base32_secret(text: &str) -> Result<Secret, EntryProblem> {
    Secret::from_base32(text).map_err(EntryProblem::Otp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Field;

    #[test]
    fn split_name_follows_the_otpauth_label_rule() {
        assert_eq!(split_name("", "ACME:alice"), ("ACME", "alice"));
        assert_eq!(split_name("", "alice"), ("", "alice"));
        assert_eq!(split_name("ACME", "ACME:alice"), ("ACME", "alice"));
        assert_eq!(split_name("ACME", "Other:alice"), ("ACME", "Other:alice"));
    }

    #[test]
    fn fail_names_the_vault_would_refuse_are_refused_while_reading() {
        let secret = || Secret::from_base32("JBSWY3DPEHPK3PXP").expect("valid");
        let params = OtpParams::default_totp();
        let field = |error: EntryProblem| match error {
            EntryProblem::Field(error) => error.field,
            other => panic!("not a name error: {other}"),
        };
        assert_eq!(
            field(account(" ", "", params, secret()).expect_err("no name")),
            Field::Label
        );
        assert_eq!(
            field(account("a\u{7}", "b", params, secret()).expect_err("bell")),
            Field::Issuer
        );
        assert_eq!(
            field(account("", &"x".repeat(257), params, secret()).expect_err("long")),
            Field::Label
        );
        let ok = account(" ACME ", " alice ", params, secret()).expect("trimmed");
        assert_eq!((ok.issuer.as_str(), ok.label.as_str()), ("ACME", "alice"));
    }

    #[test]
    fn fail_oversized_input_is_refused_before_parsing() {
        let big = vec![b'x'; MAX_INPUT_BYTES + 1];
        assert!(matches!(
            Input::new(&big),
            Err(ImportError::TooLarge { size }) if size == MAX_INPUT_BYTES as u64 + 1
        ));
    }
}
