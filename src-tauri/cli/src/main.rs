//! `cogauth`: the headless CLI over cogauth-core, for scripts and QA automation.
//!
//! Each subcommand is an adapter: parse, call core once, render. The contract (commands, exit
//! codes, `--json` shapes) is in DESIGN.md and the README; tests drive this binary directly.

#![forbid(unsafe_code)]

mod cognito;
mod error;
mod generate;
mod render;
mod stdin;
mod transfer;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use cogauth_core::vault::now_unix;
use cogauth_core::{
    KeyringStore, NewAccount, OtpAuthUri, TypedAccount, Vault, VaultConfig, atomic_file, qr,
};
use zeroize::Zeroizing;

use crate::error::CliError;

/// CogAuth: TOTP/HOTP codes from the OS keychain, for people and scripts.
#[derive(Parser)]
#[command(name = "cogauth", version, about, propagate_version = true)]
struct Cli {
    /// Data folder holding the account index [env: COGAUTH_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Keychain service name the secrets are stored under [env: COGAUTH_KEYRING_SERVICE]
    #[arg(long, global = true, value_name = "NAME")]
    keyring_service: Option<String>,
    /// Machine-readable output, and errors as {"error":{"kind","message"}}
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add an account from an otpauth URI ('-' reads it from stdin) or from its settings
    Add(AddArgs),
    /// List accounts (never secrets)
    List,
    /// Print an account's current code (HOTP: the next code; the counter advances)
    Code {
        /// Id, issuer:label, or an unambiguous prefix
        account: String,
        /// Compute the code at this time instead of now (Unix seconds)
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
    },
    /// Remove an account and its keychain secret
    Remove {
        /// Id, issuer:label, or an unambiguous prefix
        account: String,
    },
    /// Rename an account: NEW is 'Issuer:Label', or a label alone to keep the issuer
    Rename {
        /// Id, issuer:label, or an unambiguous prefix
        account: String,
        /// The new name
        new: String,
    },
    /// Print the account's otpauth URI (reveals the secret)
    Uri {
        /// Id, issuer:label, or an unambiguous prefix
        account: String,
    },
    /// Enrol a Cognito user in TOTP MFA (or finish a pending enrolment with --resume)
    Enroll(Box<cognito::EnrollArgs>),
    /// Prove an enrolled Cognito account: sign in answering with a TOTP code
    SigninTest(cognito::SigninArgs),
    /// Turn TOTP MFA off for a Cognito account's user (where the pool allows it)
    DisableMfa(cognito::SigninArgs),
    /// Import accounts from another authenticator's export (format detected), a picture of QR
    /// codes, the clipboard or the screen, all or nothing
    Import(transfer::ImportArgs),
    /// Export every account: an otpauth list or a printable HTML page of QR codes (both
    /// plaintext), or an encrypted Aegis vault file
    Export(transfer::ExportArgs),
    /// When the last export was written, and how many accounts were added since
    BackupStatus,
    /// Write the account's otpauth URI as a QR code (reveals the secret)
    Qr {
        /// Id, issuer:label, or an unambiguous prefix
        account: String,
        /// Output file, .png or .svg (written owner-only)
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish) on stdout
    Completions {
        /// bash, zsh, fish, powershell or elvish
        shell: clap_complete::Shell,
    },
    /// Write the man pages (cogauth.1, one per subcommand) into DIR (for packagers)
    #[command(hide = true)]
    Manpages {
        /// Folder to write them in (created if missing)
        dir: PathBuf,
    },
}

#[derive(Args)]
struct AddArgs {
    /// otpauth:// URI, or '-' to read it from stdin (keeps it out of the process list)
    #[arg(conflicts_with_all = ["issuer", "label", "secret"], required_unless_present = "secret")]
    uri: Option<String>,
    /// Service name
    #[arg(long)]
    issuer: Option<String>,
    /// Account name
    #[arg(long, requires = "secret")]
    label: Option<String>,
    /// Base32 secret, or '-' to read it from stdin (keeps it out of the process list)
    #[arg(long, requires = "label")]
    secret: Option<String>,
    /// Code length: 6 to 8 (Steam: 5) [default: 6, Steam 5]
    #[arg(long)]
    digits: Option<String>,
    /// Seconds per code for TOTP and Steam [default: 30]
    #[arg(long, conflicts_with = "hotp")]
    period: Option<String>,
    /// SHA1, SHA256 or SHA512 [default: SHA1]
    #[arg(long)]
    algorithm: Option<String>,
    /// Counter-based (HOTP) instead of time-based
    #[arg(long, conflicts_with = "steam")]
    hotp: bool,
    /// HOTP counter of the next code [default: 0]
    #[arg(long, requires = "hotp")]
    counter: Option<String>,
    /// Steam Guard (5 characters)
    #[arg(long)]
    steam: bool,
}

fn main() -> ExitCode {
    let json_requested = std::env::args_os().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return CliError::usage(e.to_string()).report(json_requested),
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(json),
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    // These two describe the CLI itself: no vault, no data folder needed.
    match &cli.command {
        Command::Completions { shell } => return generate::completions(*shell),
        Command::Manpages { dir } => return generate::manpages(dir),
        _ => {}
    }
    let config = VaultConfig::resolve(cli.data_dir, cli.keyring_service)?;
    let vault = config.open();
    let json = cli.json;
    match cli.command {
        Command::Add(args) => {
            let account = vault.add(new_account(args, &mut stdin::Stdin::lock())?)?;
            render::account_added(&account, json)
        }
        Command::List => {
            let accounts = vault.accounts()?;
            if !json {
                backup_hint(&config.data_dir, &vault);
            }
            render::accounts(&accounts, json)
        }
        Command::Code { account, at } => {
            let (account, code) = vault.code(&account, at.unwrap_or_else(now_unix))?;
            render::code(&account, &code, json)
        }
        Command::Remove { account } => {
            let removed = vault.remove(&account)?;
            if let Some(binding) = removed
                .cognito
                .as_ref()
                .filter(|_| removed.cognito_expects_codes())
            {
                eprintln!(
                    "cogauth: warning: Cognito may still expect TOTP codes from user {} of pool {}; keep another authenticator or run disable-mfa before removing",
                    binding.username, binding.user_pool_id
                );
            }
            render::account_removed(&removed, json)
        }
        Command::Enroll(args) => cognito::enroll(&vault, *args, json),
        Command::SigninTest(args) => cognito::signin_test(&vault, args, json),
        Command::DisableMfa(args) => cognito::disable_mfa(&vault, args, json),
        Command::Rename { account, new } => {
            let (issuer, label) = match new.split_once(':') {
                Some((issuer, label)) => (Some(issuer.to_owned()), label.to_owned()),
                None => (None, new),
            };
            render::account_renamed(&vault.rename(&account, issuer, label)?, json)
        }
        Command::Uri { account } => render::uri(&vault.otpauth_uri(&account)?.to_uri(), json),
        Command::Qr { account, output } => write_qr(&vault, &account, output, json),
        Command::Import(args) => transfer::import(&vault, args, json),
        Command::Export(args) => transfer::export(&vault, &config.data_dir, args, json),
        Command::BackupStatus => transfer::backup_status(&vault, &config.data_dir, json),
        Command::Completions { .. } | Command::Manpages { .. } => Ok(()),
    }
}

/// The backup reminder of `list`: one line on stderr when core's rule says one is due (a few
/// accounts, or a week, without a backup; the app's banner follows the same rule), and only
/// for a person at a terminal (scripts read `backup-status`).
fn backup_hint(data_dir: &std::path::Path, vault: &Vault<KeyringStore>) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    if let Ok(Some(status)) =
        cogauth_core::backup::reminder(data_dir, vault, cogauth_core::vault::now_unix())
    {
        eprintln!("cogauth: {}", transfer::backup_line(&status));
    }
}

fn new_account(args: AddArgs, stdin: &mut stdin::Stdin) -> Result<NewAccount, CliError> {
    if let Some(uri) = args.uri {
        let uri = if uri == "-" {
            stdin.line("URI")?
        } else {
            Zeroizing::new(uri)
        };
        return Ok(OtpAuthUri::parse(&uri)?.into());
    }
    let secret = match args.secret.as_deref() {
        Some("-") => stdin.line("secret")?,
        Some(text) => Zeroizing::new(text.to_owned()),
        None => return Err(CliError::usage("add needs a URI or --label and --secret")),
    };
    let kind = match (args.hotp, args.steam) {
        (true, _) => "hotp",
        (false, true) => "steam",
        (false, false) => "",
    };
    let typed = TypedAccount {
        issuer: args.issuer.unwrap_or_default(),
        label: args.label.unwrap_or_default(),
        secret,
        kind: kind.to_owned(),
        algorithm: args.algorithm.unwrap_or_default(),
        digits: args.digits.unwrap_or_default(),
        period: args.period.unwrap_or_default(),
        counter: args.counter.unwrap_or_default(),
    };
    Ok(typed.new_account()?)
}

fn write_qr(
    vault: &Vault<KeyringStore>,
    account: &str,
    output: PathBuf,
    json: bool,
) -> Result<(), CliError> {
    // The format is checked before the secret is read.
    let format = QrFormat::of(&output)?;
    write_qr_file(&output, format, &vault.otpauth_uri(account)?.to_uri())?;
    render::written(&output, json)
}

/// A QR output format, chosen by the file's extension.
#[derive(Clone, Copy)]
pub(crate) enum QrFormat {
    Png,
    Svg,
}

impl QrFormat {
    pub(crate) fn of(path: &std::path::Path) -> Result<Self, CliError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("png") => Ok(QrFormat::Png),
            Some("svg") => Ok(QrFormat::Svg),
            _ => Err(CliError::usage("the QR output must end in .png or .svg")),
        }
    }
}

/// Writes `uri` as a QR code, owner-only and atomically.
pub(crate) fn write_qr_file(
    output: &std::path::Path,
    format: QrFormat,
    uri: &str,
) -> Result<(), CliError> {
    let bytes = match format {
        QrFormat::Svg => Zeroizing::new(qr::to_svg(uri)?.as_bytes().to_vec()),
        QrFormat::Png => qr::to_png(uri)?,
    };
    atomic_file::write_private(output, &bytes)
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", output.display())))
}
