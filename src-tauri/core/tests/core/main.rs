//! Core integration tests: the otpauth corpus, the interop exports and their import, and the
//! vault's behaviour when the keychain fails (injected through keyring-core's mock store).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod import_andotp_stratum;
mod import_freeotp;
mod import_json_csv;
mod scan;
mod transfer;
mod uri_corpus;
mod vault_faults;
mod vault_order;

use std::path::PathBuf;

/// The repository root (this crate is at src-tauri/core).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the interop corpus, `tests/fixtures/interop` (see its README).
pub fn interop(path: &str) -> PathBuf {
    repo_root().join("tests/fixtures/interop").join(path)
}

/// Data lines of a corpus file: comments and blank lines skipped.
pub fn data_lines(path: PathBuf) -> Vec<String> {
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}
