//! `cogauth import`: an adapter over `cogauth_core::transfer`. It reads the file (or stdin)
//! and the password (stdin), asks core for the plan, applies it unless `--dry-run`, and
//! renders the plan or the report. The rules (formats, duplicates, all or nothing) are core's.
//!
//! `cogauth import --clipboard` / `--screenshot`: the same, over the QR codes core's `capture`
//! reads from the clipboard or the screen.
//!
//! `cogauth export`: checks the confirmation flags, reads the password (stdin), and asks core
//! to write the export owner-only and atomically and record it as the latest backup
//! (`transfer::write_backup`: the password rule is core's too), or, for a confirmed otpauth
//! list or HTML page, for its bytes to print on stdout.
//!
//! `cogauth backup-status`: core's backup status, rendered.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use clap::{Args, ValueEnum};
use cogauth_core::transfer::{
    self, Dropped, Duplicate, DuplicateOf, DuplicateReason, ExportKind, ImportWarning, QrSource,
};
use cogauth_core::vault::now_unix;
use cogauth_core::{KeyringStore, OtpKind, OtpParams, Vault, backup, capture};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::error::CliError;
use crate::stdin::Stdin;

/// `cogauth import (<file> | --clipboard | --screenshot) [--password-stdin] [--dry-run]`.
#[derive(Args)]
pub struct ImportArgs {
    /// The export to import (--list-formats shows which), a PNG/JPEG/WebP/BMP/TIFF picture of
    /// QR codes, or '-' to read it from stdin
    #[arg(required_unless_present_any = ["clipboard", "screenshot", "list_formats"])]
    file: Option<String>,
    /// List the exports CogAuth reads, and what each leaves behind; imports nothing
    #[arg(long, conflicts_with_all = ["file", "clipboard", "screenshot", "password_stdin", "dry_run"])]
    list_formats: bool,
    /// Read the QR codes of the image on the clipboard (or the otpauth URIs copied as text)
    #[arg(long, conflicts_with_all = ["file", "screenshot", "password_stdin"])]
    clipboard: bool,
    /// Take a screenshot and read the QR codes on the screen
    #[arg(long, conflicts_with_all = ["file", "password_stdin"])]
    screenshot: bool,
    /// Read the export's password from stdin (first line), for encrypted exports
    #[arg(long)]
    password_stdin: bool,
    /// Show what would be imported and add nothing
    #[arg(long)]
    dry_run: bool,
}

pub fn import(vault: &Vault<KeyringStore>, args: ImportArgs, json: bool) -> Result<(), CliError> {
    if args.list_formats {
        return list_formats(json);
    }
    let plan = match (&args.file, args.clipboard, args.screenshot) {
        (_, true, _) => transfer::plan(
            vault,
            transfer::read_codes(QrSource::Clipboard, &capture::clipboard_image()?)?,
        )?,
        (_, _, true) => transfer::plan(
            vault,
            transfer::read_codes(QrSource::Screenshot, &capture::screenshot()?)?,
        )?,
        (Some(file), false, false) => {
            if file == "-" && args.password_stdin {
                return Err(CliError::usage(
                    "the export and its password cannot both come from stdin: give the export as a file",
                ));
            }
            let data = read_export(file)?;
            let password = if args.password_stdin {
                Some(Stdin::lock().line("password")?)
            } else {
                None
            };
            transfer::preview(vault, &data, password.as_ref().map(|p| p.as_bytes()))?
        }
        (None, false, false) => {
            return Err(CliError::usage(
                "import needs a file, --clipboard or --screenshot",
            ));
        }
    };
    if !json {
        for warning in &plan.warnings {
            eprintln!("cogauth: warning: {warning}");
        }
    }
    let summary = summary(plan.format, plan.new.len(), plan.duplicates.len());
    if args.dry_run {
        if json {
            let would_add: Vec<Value> = plan
                .new
                .iter()
                .map(|uri| {
                    let mut value = to_json(&uri.params);
                    value["issuer"] = json!(uri.issuer);
                    value["label"] = json!(uri.label);
                    value
                })
                .collect();
            return print_json(
                plan.format,
                true,
                would_add,
                &plan.duplicates,
                &plan.warnings,
            );
        }
        let mut lines = vec![format!("{summary} (dry run: nothing was added)")];
        lines.extend(plan.new.iter().map(|uri| {
            format!(
                "would add {} ({})",
                name(&uri.issuer, &uri.label),
                detail(&uri.params)
            )
        }));
        lines.extend(plan.duplicates.iter().map(skipped));
        return print(&lines.join("\n"));
    }
    let report = plan.apply(vault)?;
    if json {
        let added = report.added.iter().map(to_json).collect();
        return print_json(
            report.format,
            false,
            added,
            &report.duplicates,
            &report.warnings,
        );
    }
    let mut lines = vec![summary];
    lines.extend(
        report
            .added
            .iter()
            .map(|a| format!("added {} {}", a.id, a.display_name())),
    );
    lines.extend(report.duplicates.iter().map(skipped));
    print(&lines.join("\n"))
}

/// `cogauth export --format otpauth|html|encrypted --output FILE [--password-stdin]
/// [--i-understand-plaintext]`.
#[derive(Args)]
pub struct ExportArgs {
    /// otpauth: one otpauth URI per line, every secret in plain text; html: a printable page
    /// of QR codes, every secret in plain sight; encrypted: an Aegis vault file encrypted with
    /// the password read by --password-stdin
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// The file to write (owner-only, replaced atomically); '-' writes an otpauth list or the
    /// HTML page to stdout
    #[arg(long, short, value_name = "FILE")]
    output: String,
    /// Read the password of the encrypted export from stdin (first line)
    #[arg(long)]
    password_stdin: bool,
    /// Confirm that the otpauth or html export holds every secret unencrypted
    #[arg(long)]
    i_understand_plaintext: bool,
}

/// What `cogauth export` writes.
#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// One otpauth URI per line (plaintext)
    Otpauth,
    /// A printable HTML page of QR codes (plaintext)
    Html,
    /// An Aegis vault file, password-encrypted
    Encrypted,
}

pub fn export(
    vault: &Vault<KeyringStore>,
    data_dir: &Path,
    args: ExportArgs,
    json: bool,
) -> Result<(), CliError> {
    let to_stdout = args.output == "-";
    // Every refusal of the command line comes before stdin and the keychain are touched.
    match args.format {
        ExportFormat::Otpauth | ExportFormat::Html => {
            let name = args.format.name();
            if !args.i_understand_plaintext {
                return Err(CliError::usage(format!(
                    "an {name} export holds every secret unencrypted: add --i-understand-plaintext to confirm, or use --format encrypted"
                )));
            }
            if args.password_stdin {
                return Err(CliError::usage(format!(
                    "--password-stdin is for --format encrypted; an {name} export has no password"
                )));
            }
        }
        ExportFormat::Encrypted if to_stdout => {
            return Err(CliError::usage(
                "the encrypted export is written to a file: give --output FILE ('-' is for --format otpauth or html)",
            ));
        }
        ExportFormat::Encrypted if !args.password_stdin => {
            return Err(CliError::usage(
                "the encrypted export needs a password: give it on stdin with --password-stdin",
            ));
        }
        ExportFormat::Encrypted => {}
    }
    let password = match args.format {
        ExportFormat::Encrypted => Some(Stdin::lock().line("password")?),
        _ => None,
    };
    let kind = match (&password, args.format) {
        (Some(password), _) => ExportKind::Encrypted { password },
        (None, ExportFormat::Html) => ExportKind::Html {
            generated_at: now_unix(),
        },
        (None, _) => ExportKind::Otpauth,
    };
    let format = kind.name();
    if to_stdout {
        let bytes = transfer::export_bytes(vault, kind, &mut getrandom::fill)?;
        let mut out = std::io::stdout().lock();
        return out
            .write_all(&bytes)
            .and_then(|()| out.flush())
            .map_err(|e| CliError::input(format!("cannot write to stdout: {e}")));
    }
    let written = transfer::write_backup(
        vault,
        data_dir,
        Path::new(&args.output),
        kind,
        now_unix(),
        &mut getrandom::fill,
    )?;
    drop(password);
    if let Some(error) = written.not_recorded {
        eprintln!("cogauth: warning: the export was written but not recorded as a backup: {error}");
    }
    let count = written.accounts;
    if json {
        return print(
            &json!({"format": format, "output": args.output, "accounts": count}).to_string(),
        );
    }
    let accounts = if count == 1 { "account" } else { "accounts" };
    print(&format!(
        "exported {count} {accounts} to {} ({format})",
        args.output
    ))
}

impl ExportFormat {
    /// The format's name in messages.
    fn name(self) -> &'static str {
        match self {
            ExportFormat::Otpauth => "otpauth",
            ExportFormat::Html => "html",
            ExportFormat::Encrypted => "encrypted",
        }
    }
}

/// The export's bytes, at most one byte more than core accepts (so that core can say it is
/// too large without the whole of a huge file being read).
fn read_export(path: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let limit = transfer::MAX_FILE_BYTES as u64 + 1;
    let cannot = |e: std::io::Error| CliError::input(format!("cannot read {path}: {e}"));
    let mut data;
    if path == "-" {
        // The size is unknown: reserve the bound, so growing never leaves copies behind
        // (untouched reserved pages cost no memory).
        data = Zeroizing::new(Vec::with_capacity(limit as usize));
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut data)
            .map_err(cannot)?;
    } else {
        let file = File::open(path).map_err(cannot)?;
        let size = file.metadata().map_err(cannot)?.len();
        if size > transfer::MAX_FILE_BYTES as u64 {
            return Err(transfer::ImportError::TooLarge { size }.into());
        }
        // Sized up front so that growing never leaves copies of the export in freed memory.
        data = Zeroizing::new(Vec::with_capacity(size.min(limit) as usize + 1));
        file.take(limit).read_to_end(&mut data).map_err(cannot)?;
    }
    Ok(data)
}

/// `import --list-formats`: core's registry of formats, one per line (`--json`: an array).
fn list_formats(json: bool) -> Result<(), CliError> {
    if json {
        let formats: Vec<Value> = transfer::formats()
            .iter()
            .map(|f| {
                let mut value = to_json(f.about());
                value["name"] = json!(f.name());
                value
            })
            .collect();
        return print(&Value::Array(formats).to_string());
    }
    let width = transfer::formats()
        .iter()
        .map(|f| f.name().len())
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = transfer::formats()
        .iter()
        .map(|f| {
            let about = f.about();
            let line = format!("{:width$}  {}: {}", f.name(), about.app, about.files);
            match not_imported(about.drops) {
                Some(dropped) => format!("{line} (not imported: {dropped})"),
                None => line,
            }
        })
        .collect();
    print(&lines.join("\n"))
}

/// What a format leaves behind, in words; `None` when nothing.
fn not_imported(drops: &[Dropped]) -> Option<String> {
    (!drops.is_empty()).then(|| {
        drops
            .iter()
            .map(|d| d.words())
            .collect::<Vec<_>>()
            .join(", ")
    })
}

fn summary(format: &str, new: usize, duplicates: usize) -> String {
    let skipped = if duplicates == 1 {
        "duplicate"
    } else {
        "duplicates"
    };
    let line = format!("{format}: {new} new, {duplicates} {skipped} skipped");
    match transfer::about(format).and_then(|about| not_imported(about.drops)) {
        Some(dropped) => format!("{line}; not imported: {dropped}"),
        None => line,
    }
}

fn name(issuer: &str, label: &str) -> String {
    if issuer.is_empty() {
        label.to_owned()
    } else {
        format!("{issuer}:{label}")
    }
}

fn detail(params: &OtpParams) -> String {
    match params.kind {
        OtpKind::Totp { period } => format!(
            "totp {}/{}s, {} digits",
            params.algorithm, period, params.digits
        ),
        OtpKind::Steam { period } => format!("steam {period}s"),
        OtpKind::Hotp { counter } => format!(
            "hotp {} #{}, {} digits",
            params.algorithm, counter, params.digits
        ),
    }
}

fn skipped(duplicate: &Duplicate) -> String {
    let why = match duplicate.reason {
        DuplicateReason::SameSecret => "same secret as",
        DuplicateReason::SameName => "same name as",
    };
    let of = match &duplicate.of {
        DuplicateOf::Existing { id, name } => format!("account {id} {name}"),
        DuplicateOf::Earlier { entry, name } => format!("entry {entry} {name}"),
    };
    format!(
        "skipped {} (entry {}): {why} {of}",
        duplicate.name, duplicate.entry
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn print_json(
    format: &str,
    dry_run: bool,
    added: Vec<Value>,
    duplicates: &[Duplicate],
    warnings: &[ImportWarning],
) -> Result<(), CliError> {
    let warnings: Vec<Value> = warnings
        .iter()
        .map(|w| {
            let mut value = to_json(w);
            value["message"] = json!(w.to_string());
            value
        })
        .collect();
    let not_imported = transfer::about(format).map_or(&[][..], |about| about.drops);
    let body = json!({
        "format": format,
        "not_imported": not_imported,
        "dry_run": dry_run,
        "added": added,
        "duplicates": duplicates,
        "warnings": warnings,
    });
    print(&body.to_string())
}

fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::input(format!("cannot write to stdout: {e}")))
}

/// `cogauth backup-status`: when the last export was written and how many accounts it lacks.
pub fn backup_status(
    vault: &Vault<KeyringStore>,
    data_dir: &Path,
    json: bool,
) -> Result<(), CliError> {
    let status = backup::status(data_dir, vault)?;
    if json {
        return print(&to_json(&status).to_string());
    }
    print(&backup_line(&status))
}

/// The status as one sentence.
pub fn backup_line(status: &backup::BackupStatus) -> String {
    let accounts = |n: usize| {
        if n == 1 {
            "1 account".to_owned()
        } else {
            format!("{n} accounts")
        }
    };
    match status.last_backup {
        None if status.added_since == 0 => "no backup yet, and no accounts to back up".to_owned(),
        None => format!(
            "no backup yet: {} not in any backup (cogauth export --format encrypted)",
            accounts(status.added_since)
        ),
        Some(at) => {
            let added = match status.added_since {
                0 => "every account is in it".to_owned(),
                n => format!("{} added since", accounts(n)),
            };
            format!("last backup: {} UTC; {added}", backup::utc_date_time(at))
        }
    }
}
