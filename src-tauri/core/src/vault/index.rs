//! The account index: `accounts.json` in the data folder, metadata only, schema-versioned,
//! replaced atomically on every change and guarded by an advisory lock so that two processes
//! (the app and a CLI run) never lose each other's updates.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::account::Account;
use crate::atomic_file;
use crate::otp::OtpParams;

/// The index format written by this version.
pub const SCHEMA_VERSION: u32 = 1;
const INDEX_FILE: &str = "accounts.json";
const LOCK_FILE: &str = "accounts.lock";

/// Why the index could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The file or folder could not be read, written or locked.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// The file is not a valid index (hand-edited, truncated by another program…). It is
    /// left untouched.
    #[error("{path} is not a valid CogAuth index: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Written by a newer CogAuth; left untouched rather than downgraded.
    #[error("{path} has schema version {found}; this CogAuth understands up to {SCHEMA_VERSION}")]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: u32,
    },
}

#[derive(Deserialize)]
struct IndexFile {
    accounts: Vec<Account>,
}

/// The index of one data folder.
#[derive(Debug, Clone)]
pub struct Index {
    dir: PathBuf,
}

/// Held while the index is being changed; dropping it releases the lock.
pub struct IndexLock {
    _file: File,
}

impl Index {
    /// The index in `dir` (nothing is created until the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Index { dir: dir.into() }
    }

    /// The index file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(INDEX_FILE)
    }

    /// Reads the accounts; a missing file is an empty index. Needs no lock: the file is only
    /// ever replaced whole.
    pub fn load(&self) -> Result<Vec<Account>, IndexError> {
        let path = self.path();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(IndexError::Io {
                    action: "read",
                    path,
                    source,
                });
            }
        };
        #[derive(Deserialize)]
        struct Header {
            schema: u32,
        }
        let corrupt = |e: serde_json::Error| IndexError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        };
        let header: Header = serde_json::from_slice(&bytes).map_err(corrupt)?;
        if header.schema > SCHEMA_VERSION {
            return Err(IndexError::NewerSchema {
                path,
                found: header.schema,
            });
        }
        let file: IndexFile = serde_json::from_slice(&bytes).map_err(corrupt)?;
        // The OTP settings are re-checked as any input is: a hand-edited `digits` must not
        // reach code generation.
        for account in &file.accounts {
            let p = account.params;
            OtpParams::new(p.kind, p.algorithm, p.digits).map_err(|e| IndexError::Corrupt {
                path: path.clone(),
                reason: format!("account {}: {e}", account.id),
            })?;
        }
        Ok(file.accounts)
    }

    /// Takes the exclusive lock for a read-modify-write, creating the folder if needed.
    pub fn lock(&self) -> Result<IndexLock, IndexError> {
        let io_error = |action, path: &Path| {
            let path = path.to_path_buf();
            move |source| IndexError::Io {
                action,
                path,
                source,
            }
        };
        atomic_file::create_private_dir(&self.dir).map_err(io_error("create", &self.dir))?;
        let lock_path = self.dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_error("open", &lock_path))?;
        file.lock().map_err(io_error("lock", &lock_path))?;
        Ok(IndexLock { _file: file })
    }

    /// Replaces the index with `accounts`. Call with the lock held.
    pub fn save(&self, _lock: &IndexLock, accounts: &[Account]) -> Result<(), IndexError> {
        #[derive(Serialize)]
        struct IndexRef<'a> {
            schema: u32,
            accounts: &'a [Account],
        }
        let path = self.path();
        let json = serde_json::to_vec_pretty(&IndexRef {
            schema: SCHEMA_VERSION,
            accounts,
        })
        .map_err(|e| IndexError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        atomic_file::write_private(&path, &json).map_err(|source| IndexError::Io {
            action: "write",
            path,
            source,
        })
    }
}
