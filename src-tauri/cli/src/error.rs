//! The CLI's one error type: a stable `kind`, a one-line message and the exit code of the
//! contract (0 ok, 1 usage, 2 input/format, 3 not found, 4 keychain, 5 Cognito/network).

use std::process::ExitCode;

use cogauth_core::backup::BackupError;
use cogauth_core::cognito::CognitoError;
use cogauth_core::qr::QrError;
use cogauth_core::scan::ScanError;
use cogauth_core::transfer::{ExportError, ImportError};
use cogauth_core::{FieldError, OtpError, UriError, VaultError};
use serde_json::json;

/// Exit code: a bad command line or configuration.
pub const EXIT_USAGE: u8 = 1;
/// Exit code: bad input (a URI, a file, a password, a format).
pub const EXIT_INPUT: u8 = 2;
/// Exit code: no account matches.
pub const EXIT_NOT_FOUND: u8 = 3;
/// Exit code: the keychain failed or is locked.
pub const EXIT_KEYCHAIN: u8 = 4;
/// Exit code: Cognito or the network failed.
pub const EXIT_COGNITO: u8 = 5;

/// The exit codes of the contract and what each means (the man page lists them from here).
pub const EXIT_CODES: [(u8, &str); 6] = [
    (0, "success"),
    (EXIT_USAGE, "usage: a bad command line or configuration"),
    (EXIT_INPUT, "bad input: a URI, a file or a password"),
    (EXIT_NOT_FOUND, "no account matches"),
    (EXIT_KEYCHAIN, "the keychain failed or is locked"),
    (EXIT_COGNITO, "Cognito or the network failed"),
];

/// A failure to report: one line on stderr, or `{"error":{"kind","message"}}` with `--json`.
#[derive(Debug)]
pub struct CliError {
    kind: &'static str,
    message: String,
    exit: u8,
}

impl CliError {
    /// Bad command line (exit 1).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            kind: "usage",
            message: message.into(),
            exit: EXIT_USAGE,
        }
    }

    /// Bad input or output file (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            kind: "invalid_input",
            message: message.into(),
            exit: EXIT_INPUT,
        }
    }

    /// The one-line message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prints the error and returns the exit code.
    pub fn report(self, json: bool) -> ExitCode {
        // clap's usage messages span lines; the contract is one line.
        let first = self.message.lines().find(|l| !l.trim().is_empty());
        let line = first.unwrap_or("error").trim_start_matches("error: ");
        if json {
            let body = json!({"error": {"kind": self.kind, "message": line}});
            eprintln!("{body}");
        } else {
            eprintln!("cogauth: {line}");
        }
        ExitCode::from(self.exit)
    }
}

/// The contract's exit code for a vault failure: 3 not found, 1 no data folder (a
/// configuration matter), 4 keychain, 2 anything else about the input or the index.
fn vault_exit(error: &VaultError) -> u8 {
    match error {
        VaultError::NotFound(_) => EXIT_NOT_FOUND,
        VaultError::NoDataDir => EXIT_USAGE,
        VaultError::Keychain(_) => EXIT_KEYCHAIN,
        _ => EXIT_INPUT,
    }
}

impl From<VaultError> for CliError {
    fn from(error: VaultError) -> Self {
        CliError {
            kind: error.kind(),
            exit: vault_exit(&error),
            message: error.to_string(),
        }
    }
}

impl From<FieldError> for CliError {
    fn from(error: FieldError) -> Self {
        CliError::input(format!("--{}: {error}", error.field))
    }
}

impl From<CognitoError> for CliError {
    fn from(error: CognitoError) -> Self {
        match error {
            CognitoError::Vault(vault) => vault.into(),
            CognitoError::InvalidConfig { .. } => CliError {
                kind: error.kind(),
                message: error.to_string(),
                exit: EXIT_USAGE,
            },
            CognitoError::Input(message) => CliError::input(message),
            CognitoError::NotCognito(_) => CliError {
                kind: error.kind(),
                message: error.to_string(),
                exit: EXIT_INPUT,
            },
            other => CliError {
                kind: other.kind(),
                message: match cli_hint(&other) {
                    Some(hint) => format!("{other} ({hint})"),
                    None => other.to_string(),
                },
                exit: EXIT_COGNITO,
            },
        }
    }
}

/// What to do about a Cognito error, in the CLI's own terms (core's messages name no flag).
fn cli_hint(error: &CognitoError) -> Option<&'static str> {
    Some(match error {
        CognitoError::AlreadyEnrolled => {
            "to move it, add --replace-existing and give that app's current code on the stdin line after the password"
        }
        CognitoError::FlowNotEnabled(_) => {
            "try another --auth-flow: srp, password or user-auth, whichever the app client allows"
        }
        CognitoError::ClientSecretRequired => "pass --client-secret-stdin",
        CognitoError::SessionExpired => "run the command again",
        CognitoError::SessionExpiredWhilePending => "cogauth enroll --resume ACCOUNT finishes it",
        CognitoError::ProofFailed(_) => "cogauth signin-test ACCOUNT tries again",
        _ => return None,
    })
}

impl From<UriError> for CliError {
    fn from(error: UriError) -> Self {
        CliError::input(format!("invalid otpauth URI: {error}"))
    }
}

impl From<OtpError> for CliError {
    fn from(error: OtpError) -> Self {
        CliError::input(error.to_string())
    }
}

impl From<QrError> for CliError {
    fn from(error: QrError) -> Self {
        CliError::input(error.to_string())
    }
}

impl From<ImportError> for CliError {
    fn from(error: ImportError) -> Self {
        let kind = error.kind();
        // Vault failures keep the vault's kinds and exit codes (keychain: 4).
        let exit = error.vault_error().map_or(EXIT_INPUT, vault_exit);
        let message = match &error {
            ImportError::PasswordRequired { .. } => {
                format!("cannot import: {error}: give it on stdin with --password-stdin")
            }
            ImportError::AddFailed { .. } => format!("cannot import: {error}"),
            _ if error.changed_nothing() => format!("cannot import: {error}; nothing was imported"),
            _ => format!("import failed: {error}"),
        };
        CliError {
            kind,
            message,
            exit,
        }
    }
}

impl From<BackupError> for CliError {
    fn from(error: BackupError) -> Self {
        match error {
            BackupError::Vault(vault) => vault.into(),
            other => CliError {
                kind: other.kind(),
                message: other.to_string(),
                exit: EXIT_INPUT,
            },
        }
    }
}

impl From<ScanError> for CliError {
    fn from(error: ScanError) -> Self {
        // Only imports read pictures, the clipboard or the screen.
        ImportError::Image(error).into()
    }
}

impl From<ExportError> for CliError {
    fn from(error: ExportError) -> Self {
        match error {
            ExportError::Vault(vault) => {
                let mut cli = CliError::from(vault);
                cli.message = format!("cannot export: {}; nothing was written", cli.message);
                cli
            }
            other => CliError {
                kind: other.kind(),
                message: format!("cannot export: {other}; nothing was written"),
                exit: EXIT_INPUT,
            },
        }
    }
}
