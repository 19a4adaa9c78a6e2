//! The backup reminder: when the last export was written, and which accounts it held, so the
//! CLI and the app can say "3 accounts added since your last backup".
//!
//! The record is `backup.json` in the vault's data folder, written atomically and owner-only
//! after each export (any format; the caller records only once the export file is written):
//! `{"schema": 1, "last_backup": <unix seconds>, "format": "<format>", "accounts": [<ids>]}`.
//! It holds account ids, never a name or a secret. [`status`] compares it with the vault:
//! accounts whose id is not in the record were added since (with no record, every account).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic_file;
use crate::vault::{Account, SecretStore, Vault, VaultError};

/// The record's file name in the data folder.
pub const FILE_NAME: &str = "backup.json";
/// The record's schema version.
const SCHEMA: u32 = 1;
/// The largest record read: ids are short, and no vault holds a million accounts.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Why the record could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The vault's index could not be read.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// `backup.json` could not be read or written.
    #[error("cannot {action} the backup record {}: {source}", .path.display())]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `backup.json` is not a record this version understands (damaged, or from a newer one).
    #[error("the backup record {} is invalid: {reason}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl BackupError {
    /// A stable machine-readable name: vault failures keep the vault's kinds.
    pub fn kind(&self) -> &'static str {
        match self {
            BackupError::Vault(error) => error.kind(),
            BackupError::Io { .. } => "backup_record_io",
            BackupError::Invalid { .. } => "backup_record_invalid",
        }
    }
}

/// What `backup.json` holds.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    schema: u32,
    last_backup: u64,
    format: String,
    accounts: Vec<String>,
}

/// Where the last backup stands, as the CLI's `backup-status --json` and the app show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupStatus {
    /// When the last export was written (Unix seconds); `None` if never.
    pub last_backup: Option<u64>,
    /// Accounts not in the last export (every account if there was none).
    pub added_since: usize,
}

fn record_path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// Records that an export in `format` holding every account of `vault` was written at `at`
/// (Unix seconds). `data_dir` is the vault's data folder.
pub fn record<S: SecretStore>(
    data_dir: &Path,
    vault: &Vault<S>,
    format: &str,
    at: u64,
) -> Result<(), BackupError> {
    record_accounts(data_dir, &vault.accounts()?, format, at)
}

/// [`record`] for the accounts an export was made of.
pub fn record_accounts(
    data_dir: &Path,
    accounts: &[Account],
    format: &str,
    at: u64,
) -> Result<(), BackupError> {
    let path = record_path(data_dir);
    let record = Record {
        schema: SCHEMA,
        last_backup: at,
        format: format.to_owned(),
        accounts: accounts.iter().map(|a| a.id.to_string()).collect(),
    };
    let text = serde_json::to_vec_pretty(&record).map_err(|e| BackupError::Invalid {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let io = |source| BackupError::Io {
        action: "write",
        path: path.clone(),
        source,
    };
    atomic_file::create_private_dir(data_dir).map_err(io)?;
    atomic_file::write_private(&path, &text).map_err(io)
}

/// When the last backup was made and how many accounts of `vault` it lacks.
pub fn status<S: SecretStore>(
    data_dir: &Path,
    vault: &Vault<S>,
) -> Result<BackupStatus, BackupError> {
    let accounts = vault.accounts()?;
    let Some(record) = read(data_dir)? else {
        return Ok(BackupStatus {
            last_backup: None,
            added_since: accounts.len(),
        });
    };
    let saved: std::collections::HashSet<&str> =
        record.accounts.iter().map(String::as_str).collect();
    Ok(BackupStatus {
        last_backup: Some(record.last_backup),
        added_since: accounts
            .iter()
            .filter(|a| !saved.contains(a.id.to_string().as_str()))
            .count(),
    })
}

/// The reminder is due once this many accounts were added since the last backup…
pub const REMIND_AFTER_ACCOUNTS: usize = 3;
/// …or once an account has gone this many days without a backup (one new account is not
/// worth a banner on the day it is added).
pub const REMIND_AFTER_DAYS: u64 = 7;

/// The backup reminder the app shows over its list: the status when a reminder is due
/// ([`reminder_due`]), else `None`.
pub fn reminder<S: SecretStore>(
    data_dir: &Path,
    vault: &Vault<S>,
    now: u64,
) -> Result<Option<BackupStatus>, BackupError> {
    let accounts = vault.accounts()?;
    let record = read(data_dir)?;
    let saved: std::collections::HashSet<&str> = record
        .as_ref()
        .map(|r| r.accounts.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let unsaved: Vec<&Account> = accounts
        .iter()
        .filter(|a| !saved.contains(a.id.to_string().as_str()))
        .collect();
    let oldest = unsaved.iter().map(|a| a.created_at).min();
    let status = BackupStatus {
        last_backup: record.map(|r| r.last_backup),
        added_since: unsaved.len(),
    };
    Ok(reminder_due(status.added_since, oldest, now).then_some(status))
}

/// Whether to remind of a backup: [`REMIND_AFTER_ACCOUNTS`] accounts added since the last one,
/// or any added account older than [`REMIND_AFTER_DAYS`] (`oldest_unsaved`: the creation time
/// of the oldest account the last backup lacks).
pub fn reminder_due(added_since: usize, oldest_unsaved: Option<u64>, now: u64) -> bool {
    added_since >= REMIND_AFTER_ACCOUNTS
        || oldest_unsaved
            .is_some_and(|created| now.saturating_sub(created) >= REMIND_AFTER_DAYS * 86_400)
}

/// `YYYY-MM-DD` of a Unix time, in UTC (the backup file's suggested name).
pub fn utc_date(unix: u64) -> String {
    let mut text = utc_date_time(unix);
    text.truncate(10);
    text
}

/// `YYYY-MM-DD HH:MM` of a Unix time, in UTC, as the reminder and the HTML export show it (the civil-from-days algorithm of Howard
/// Hinnant's date library).
pub fn utc_date_time(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let seconds = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60
    )
}

/// The record, or `None` when no export was ever recorded.
fn read(data_dir: &Path) -> Result<Option<Record>, BackupError> {
    use std::io::Read;
    let path = record_path(data_dir);
    let io = |source| BackupError::Io {
        action: "read",
        path: path.clone(),
        source,
    };
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io(error)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let invalid = |reason: String| BackupError::Invalid {
        path: path.clone(),
        reason,
    };
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        return Err(invalid("it is larger than 16 MiB".to_owned()));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    match value.get("schema").and_then(serde_json::Value::as_u64) {
        Some(1) => {}
        Some(other) => {
            return Err(invalid(format!(
                "its schema {other} is not one this version of CogAuth reads"
            )));
        }
        None => return Err(invalid("it has no schema number".to_owned())),
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00");
        assert_eq!(utc_date_time(951_782_400), "2000-02-29 00:00");
        assert_eq!(utc_date_time(1_700_000_000), "2023-11-14 22:13");
        assert_eq!(utc_date(1_700_000_000), "2023-11-14");
    }

    #[test]
    fn the_reminder_waits_for_a_few_accounts_or_a_week() {
        let day = 86_400;
        let now = 100 * day;
        // Nothing to back up: never.
        assert!(!reminder_due(0, None, now));
        // The first account, just added: not yet.
        assert!(!reminder_due(1, Some(now - 60), now));
        assert!(!reminder_due(2, Some(now - 6 * day), now));
        // A few accounts: at once.
        assert!(reminder_due(3, Some(now - 60), now));
        // One account a week without a backup: now.
        assert!(reminder_due(1, Some(now - 7 * day), now));
        // A clock set back does not remind early.
        assert!(!reminder_due(1, Some(now + day), now));
    }
}
