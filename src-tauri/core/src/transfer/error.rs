//! Why an import was refused or failed: one enum for the whole operation, with the entry and
//! the field at fault where there is one. Messages never hold a secret, a password or a
//! derived key; names of accounts are shown shortened and without control characters.

use std::fmt;

use crate::otp::OtpError;
use crate::uri::UriError;
use crate::vault::VaultError;

use super::{MAX_ENTRIES, MAX_INPUT_BYTES};
use crate::scan::{MAX_IMAGE_BYTES, ScanError};

/// Where in the file an entry sits, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The n-th entry (1-based) of a structured file.
    Entry(usize),
    /// A line (1-based) of a text file.
    Line(usize),
    /// The n-th entry (1-based) inside one line, for Google Authenticator exports that pack
    /// several accounts into one URI.
    LineEntry {
        /// 1-based line number.
        line: usize,
        /// 1-based entry within the line.
        entry: usize,
    },
    /// The n-th QR code (1-based, in reading order) of a picture.
    QrCode(usize),
    /// The n-th entry (1-based) of a Google Authenticator QR code.
    QrCodeEntry {
        /// 1-based QR code number.
        code: usize,
        /// 1-based entry within the code.
        entry: usize,
    },
}

/// What a list of URIs is made of: the lines of a text file, or the QR codes of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Line,
    QrCode,
}

impl Unit {
    /// The position of the `n`-th unit (1-based).
    pub(crate) fn at(self, n: usize) -> Position {
        match self {
            Unit::Line => Position::Line(n),
            Unit::QrCode => Position::QrCode(n),
        }
    }

    /// The position of an entry inside the `n`-th unit (both 1-based).
    pub(crate) fn entry(self, n: usize, entry: usize) -> Position {
        match self {
            Unit::Line => Position::LineEntry { line: n, entry },
            Unit::QrCode => Position::QrCodeEntry { code: n, entry },
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Entry(n) => write!(f, "entry {n}"),
            Position::Line(n) => write!(f, "line {n}"),
            Position::LineEntry { line, entry } => write!(f, "line {line}, entry {entry}"),
            Position::QrCode(n) => write!(f, "QR code {n}"),
            Position::QrCodeEntry { code, entry } => write!(f, "QR code {code}, entry {entry}"),
        }
    }
}

/// One entry of the file: its position and, when the file gives one, its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    /// Where it is.
    pub position: Position,
    /// `issuer:label` as far as it could be read, shortened; `None` when the entry has none.
    pub name: Option<String>,
}

/// The longest name shown in a message, in characters.
const NAME_IN_MESSAGE_CHARS: usize = 64;

impl EntryRef {
    /// An entry at `position` named after `issuer` and `label` (either may be empty).
    pub fn new(position: Position, issuer: &str, label: &str) -> Self {
        let (issuer, label) = (issuer.trim(), label.trim());
        let name = match (issuer.is_empty(), label.is_empty()) {
            (true, true) => None,
            (false, true) => Some(issuer.to_owned()),
            (true, false) => Some(label.to_owned()),
            (false, false) => Some(format!("{issuer}:{label}")),
        };
        EntryRef {
            position,
            name: name.map(|n| shorten(&n)),
        }
    }
}

impl fmt::Display for EntryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{} ('{name}')", self.position),
            None => write!(f, "{}", self.position),
        }
    }
}

/// A name made fit for a one-line message: control characters dropped, at most 64 characters.
pub(crate) fn shorten(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > NAME_IN_MESSAGE_CHARS {
        let mut short: String = clean.chars().take(NAME_IN_MESSAGE_CHARS - 1).collect();
        short.push('…');
        short
    } else {
        clean
    }
}

/// What is wrong with one entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    /// An otpauth URI that does not parse.
    #[error("invalid otpauth URI: {0}")]
    Uri(#[from] UriError),
    /// The secret or an OTP setting (digits, period, algorithm) is refused.
    #[error("{0}")]
    Otp(#[from] OtpError),
    /// A required field is absent (or null).
    #[error("the field '{0}' is missing")]
    Missing(&'static str),
    /// A field has the wrong JSON type. The value itself is not shown: it may be a secret.
    #[error("the field '{field}' should be {expected}")]
    WrongType {
        /// The field.
        field: &'static str,
        /// What it should be, e.g. "a string".
        expected: &'static str,
    },
    /// A field's value is out of range or badly encoded.
    #[error("the field '{field}' {reason}")]
    BadValue {
        /// The field.
        field: &'static str,
        /// What is wrong, e.g. "is not valid hex".
        reason: &'static str,
    },
    /// An OTP type CogAuth cannot generate (MOTP, Yandex, …), or an unknown one.
    #[error("the OTP type '{0}' is not supported (CogAuth supports TOTP, HOTP and Steam)")]
    UnsupportedType(String),
    /// An algorithm the format knows but CogAuth does not support (MD5).
    #[error("the algorithm {0} is not supported (CogAuth supports SHA1, SHA256 and SHA512)")]
    UnsupportedAlgorithm(&'static str),
    /// The issuer, the label or a setting was refused ([`crate::fields`]).
    #[error(transparent)]
    Field(#[from] crate::fields::FieldError),
    /// A line that is neither `otpauth://` nor `otpauth-migration://`.
    #[error("not an otpauth:// or otpauth-migration:// URI")]
    NotAnOtpUri,
    /// A Google Authenticator export whose payload is not what its format says.
    #[error("the Google Authenticator payload is invalid: {0}")]
    Migration(&'static str),
}

/// Why nothing was imported, or why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is larger than [`MAX_INPUT_BYTES`] (or, for a picture, than
    /// [`MAX_IMAGE_BYTES`]).
    #[error(
        "the file is {size} bytes long; imports are limited to {} MiB ({} MiB for pictures of QR codes)",
        MAX_INPUT_BYTES / (1024 * 1024),
        MAX_IMAGE_BYTES / (1024 * 1024)
    )]
    TooLarge {
        /// The size seen (at least this many bytes).
        size: u64,
    },
    /// The file is empty or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// The file is not UTF-8, and no binary format (an encrypted backup, a picture) claims it.
    #[error(
        "the file is not UTF-8 text, nor an encrypted backup or a picture of QR codes (PNG, JPEG, WebP, BMP, TIFF) CogAuth recognises"
    )]
    NotUtf8,
    /// A picture (or the clipboard, or the screen) gave no QR code to import: not an image,
    /// too large, damaged, no code found, none readable.
    #[error(transparent)]
    Image(#[from] ScanError),
    /// The file looks like JSON but does not parse.
    #[error("the file is not valid JSON: {0}")]
    InvalidJson(String),
    /// No format recognised the file. The formats are not listed here: [`super::formats`]
    /// is the list, and each adapter shows it its own way.
    #[error(
        "the file is not an export CogAuth can import, nor a picture of QR codes (the list of formats says which exports it reads)"
    )]
    UnknownFormat,
    /// The file has the right overall shape but its structure is broken.
    #[error("the {format} file is malformed: {reason}")]
    Malformed {
        /// The format's name.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// One entry could not be read.
    #[error("{entry}: {problem}")]
    Entry {
        /// Which entry.
        entry: EntryRef,
        /// Why.
        problem: EntryProblem,
    },
    /// More entries than [`MAX_ENTRIES`].
    #[error("the file holds {count} or more entries; at most {MAX_ENTRIES} are imported at once")]
    TooManyEntries {
        /// Entries seen before stopping.
        count: usize,
    },
    /// The file was read but holds no account.
    #[error("the {format} file holds no accounts")]
    NoAccounts {
        /// The format's name.
        format: &'static str,
    },
    /// The file is encrypted and no password was given.
    #[error("the {format} file is encrypted; its password is needed")]
    PasswordRequired {
        /// The format's name.
        format: &'static str,
    },
    /// The password does not open the file.
    #[error("wrong password for the {format} file (or the file is damaged)")]
    WrongPassword {
        /// The format's name.
        format: &'static str,
    },
    /// A variant of the format CogAuth does not read.
    #[error("{what} are not supported")]
    Unsupported {
        /// The format's name.
        format: &'static str,
        /// What is not supported, as a plural noun phrase.
        what: &'static str,
    },
    /// Key-derivation parameters that would take too much memory or time: a hostile or
    /// damaged file. Nothing was computed.
    #[error(
        "the file asks for scrypt parameters N={n}, r={r}, p={p}, beyond what CogAuth accepts (N at most 2^20, r*p at most {}, at most {} MiB of memory)",
        super::aegis::MAX_SCRYPT_RP,
        super::aegis::MAX_SCRYPT_MEMORY / (1024 * 1024)
    )]
    KdfTooCostly {
        /// scrypt N.
        n: u64,
        /// scrypt r.
        r: u64,
        /// scrypt p.
        p: u64,
    },
    /// A PBKDF2 iteration count beyond the format's bound: a hostile or damaged file. Nothing
    /// was computed.
    #[error(
        "the {format} file asks for {iterations} PBKDF2 iterations, beyond the {max} CogAuth runs for it"
    )]
    TooManyIterations {
        /// The format's name.
        format: &'static str,
        /// The count the file gives.
        iterations: u64,
        /// The format's bound.
        max: u64,
    },
    /// The vault could not be read to look for duplicates; nothing was added.
    #[error(transparent)]
    Vault(Box<VaultError>),
    /// Adding an account failed; the accounts this import had already added were removed
    /// again, so the vault is as before.
    #[error("adding '{name}' failed: {source}; {}", rolled_back(*.removed))]
    AddFailed {
        /// The account that could not be added.
        name: String,
        /// Why.
        source: Box<VaultError>,
        /// How many accounts were added and then removed again.
        removed: usize,
    },
    /// Adding an account failed, and removing the accounts added before it failed too: those
    /// are still in the vault, complete (secret and entry), and are listed.
    #[error(
        "adding '{name}' failed: {source}; removing the accounts added before it failed too ({cleanup}), so these stay in the vault: {}",
        .left.join(", ")
    )]
    RollbackIncomplete {
        /// The account that could not be added.
        name: String,
        /// Why.
        source: Box<VaultError>,
        /// Why the clean-up failed.
        cleanup: Box<VaultError>,
        /// `issuer:label` of the accounts still in the vault.
        left: Vec<String>,
    },
}

fn rolled_back(removed: usize) -> String {
    match removed {
        0 => "no account was added".to_owned(),
        1 => "the account added before it was removed again".to_owned(),
        n => format!("the {n} accounts added before it were removed again"),
    }
}

impl From<VaultError> for ImportError {
    fn from(error: VaultError) -> Self {
        ImportError::Vault(Box::new(error))
    }
}

impl ImportError {
    /// A stable machine-readable name for the error. Vault failures keep the vault's kinds
    /// (`keychain_locked`, `index`, …) so callers map them the same way everywhere.
    pub fn kind(&self) -> &'static str {
        match self {
            ImportError::TooLarge { .. } => "too_large",
            ImportError::Empty => "empty",
            ImportError::NotUtf8 => "not_utf8",
            ImportError::InvalidJson(_) => "invalid_json",
            ImportError::Image(error) => error.kind(),
            ImportError::UnknownFormat => "unknown_format",
            ImportError::Malformed { .. } => "malformed",
            ImportError::Entry { .. } => "invalid_entry",
            ImportError::TooManyEntries { .. } => "too_many_entries",
            ImportError::NoAccounts { .. } => "no_accounts",
            ImportError::PasswordRequired { .. } => "password_required",
            ImportError::WrongPassword { .. } => "wrong_password",
            ImportError::Unsupported { .. } => "unsupported",
            ImportError::KdfTooCostly { .. } | ImportError::TooManyIterations { .. } => {
                "kdf_too_costly"
            }
            ImportError::Vault(error) => error.kind(),
            ImportError::AddFailed { source, .. }
            | ImportError::RollbackIncomplete { source, .. } => source.kind(),
        }
    }

    /// The vault failure behind this error, if it is one (for mapping keychain failures).
    pub fn vault_error(&self) -> Option<&VaultError> {
        match self {
            ImportError::Vault(error)
            | ImportError::AddFailed { source: error, .. }
            | ImportError::RollbackIncomplete { source: error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether the vault is exactly as it was before the import. Only a failed clean-up
    /// leaves something behind.
    pub fn changed_nothing(&self) -> bool {
        !matches!(self, ImportError::RollbackIncomplete { .. })
    }

    pub(crate) fn entry(position: Position, name: (&str, &str), problem: EntryProblem) -> Self {
        ImportError::Entry {
            entry: EntryRef::new(position, name.0, name.1),
            problem,
        }
    }

    pub(crate) fn malformed(format: &'static str, reason: impl Into<String>) -> Self {
        ImportError::Malformed {
            format,
            reason: reason.into(),
        }
    }
}
