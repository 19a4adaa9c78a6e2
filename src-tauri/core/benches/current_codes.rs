//! A screen of codes read from a real keychain: [`Vault::current_codes`] for N accounts (1,000
//! unless told), against reading the same secrets item by item, which is what
//! `SecretStore::get_many` did before the one-search batch. Each is timed on a fresh store
//! (a new process: connection and session included) and on a store already in use (the app
//! refreshing its screen). The answers are checked too: every code right, and one deleted
//! keychain item reported on its own row only.
//!
//! It runs against a private gnome-keyring: started plainly, it runs itself again under
//! `dbus-run-session` with a temporary HOME and an unlocked keyring, so the developer's own
//! keyring is never touched.
//!
//! ```text
//! cargo bench -p cogauth-core --bench current_codes [-- ACCOUNTS [RUNS]]
//! ```
//!
//! Needs the Debian packages dbus and gnome-keyring. `scripts/bench` runs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    missing_docs
)]

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use cogauth_core::vault::Index;
use cogauth_core::{
    Account, AccountId, AccountState, Algorithm, CurrentCode, KeychainError, KeyringStore, OtpKind,
    OtpParams, Secret, SecretStore, Vault,
};

const INNER: &str = "COGAUTH_BENCH_CODES_INNER";
const SERVICE: &str = "cogauth-bench";
const KEYRING_PASSWORD: &str = "cogauth-bench-keyring";
/// A fixed time, so that every run computes the same codes.
const UNIX_TIME: u64 = 1_700_000_000;

fn main() -> ExitCode {
    // `cargo bench` adds `--bench`; the numbers are ours.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(|a| a.parse().expect("usage: current_codes [ACCOUNTS [RUNS]]"))
        .collect();
    let accounts = numbers.first().copied().unwrap_or(1000);
    let runs = numbers.get(1).copied().unwrap_or(5).max(1);
    if std::env::var_os(INNER).is_none() {
        return in_private_session();
    }
    run(accounts, runs);
    ExitCode::SUCCESS
}

/// Runs this binary again inside its own D-Bus session with an unlocked gnome-keyring.
fn in_private_session() -> ExitCode {
    let home = tempfile::tempdir().expect("temporary home");
    let run_dir = home.path().join("run");
    std::fs::create_dir_all(&run_dir).expect("runtime dir");
    let script = format!(
        "eval \"$(printf %s {KEYRING_PASSWORD} | gnome-keyring-daemon --unlock --components=secrets)\" >/dev/null; exec \"$0\" \"$@\""
    );
    let status = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .arg(std::env::current_exe().expect("own path"))
        .args(std::env::args().skip(1))
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_CACHE_HOME", home.path().join(".cache"))
        .env("XDG_RUNTIME_DIR", &run_dir)
        .env(INNER, "1")
        .status()
        .expect("dbus-run-session (Debian package dbus) must be installed");
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run(count: usize, runs: usize) {
    let home = std::env::var_os("HOME").expect("HOME");
    let data_dir = std::path::Path::new(&home).join("vault");
    let secrets = seed(&data_dir, count);
    let ids: Vec<AccountId> = Index::new(&data_dir)
        .load()
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();

    let fresh = || Vault::new(&data_dir, KeyringStore::platform(SERVICE));
    let one_by_one = |vault: &Vault<KeyringStore>| {
        for id in &ids {
            if let Err(error) = vault.store().get(id) {
                panic!("item by item, {id}: {error}");
            }
        }
    };
    let batch = |vault: &Vault<KeyringStore>| {
        for row in vault.current_codes(UNIX_TIME).unwrap() {
            if let Err(error) = row.code {
                panic!("one search, {}: {error}", row.account.id);
            }
        }
    };

    let mut report = Vec::new();
    for (name, read) in [
        ("item by item", &one_by_one as &dyn Fn(&Vault<KeyringStore>)),
        ("one search (current_codes)", &batch),
    ] {
        let cold = median(runs, || {
            let vault = fresh();
            let start = Instant::now();
            read(&vault);
            start.elapsed()
        });
        let vault = fresh();
        read(&vault);
        let warm = median(runs, || {
            let start = Instant::now();
            read(&vault);
            start.elapsed()
        });
        report.push((name, cold, warm));
    }
    println!("keychain read of {count} accounts, median of {runs} (gnome-keyring, private bus):");
    for (name, cold, warm) in &report {
        println!(
            "  {name:<28} fresh store {:>8.1} ms   store in use {:>8.1} ms",
            ms(*cold),
            ms(*warm)
        );
        let key = name.split(' ').next().unwrap_or(name);
        println!(
            "BENCH current_codes {key} accounts={count} fresh_ms={:.1} warm_ms={:.1}",
            ms(*cold),
            ms(*warm)
        );
    }

    check_answers(&fresh(), &secrets);
    println!("  answers checked: {count} codes right; one deleted item reported on its row alone");
}

/// `count` TOTP accounts with random secrets: each secret in the keychain, all metadata in one
/// index write (adding them one by one would rewrite the index `count` times).
fn seed(data_dir: &std::path::Path, count: usize) -> Vec<(AccountId, Secret)> {
    let start = Instant::now();
    let store = KeyringStore::platform(SERVICE);
    let params = OtpParams::new(OtpKind::Totp { period: 30 }, Algorithm::Sha1, 6).unwrap();
    let mut accounts = Vec::with_capacity(count);
    let mut secrets = Vec::with_capacity(count);
    for n in 0..count {
        let id = AccountId::generate().unwrap();
        let mut bytes = vec![0u8; 20];
        getrandom::fill(&mut bytes).unwrap();
        let secret = Secret::from_bytes(bytes).unwrap();
        store.put(&id, &secret).unwrap();
        accounts.push(Account {
            id: id.clone(),
            issuer: "Bench".into(),
            label: format!("account {n:04}"),
            params,
            state: AccountState::Active,
            created_at: UNIX_TIME,
            last_used: None,
            cognito: None,
        });
        secrets.push((id, secret));
    }
    let index = Index::new(data_dir);
    let lock = index.lock().unwrap();
    index.save(&lock, &accounts).unwrap();
    println!(
        "seeded {count} accounts in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    secrets
}

/// Every row's code equals the one computed from the secret we stored; after one item is
/// deleted from the keychain, that row alone says Missing.
fn check_answers(vault: &Vault<KeyringStore>, secrets: &[(AccountId, Secret)]) {
    let expected = |row: &CurrentCode| {
        let (_, secret) = secrets
            .iter()
            .find(|(id, _)| *id == row.account.id)
            .unwrap();
        row.account.params.generate(secret, UNIX_TIME)
    };
    let rows = vault.current_codes(UNIX_TIME).unwrap();
    assert_eq!(rows.len(), secrets.len());
    for row in &rows {
        let code = row.code.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(*code, expected(row), "code of {}", row.account.id);
    }

    let gone = &secrets[secrets.len() / 2].0;
    vault.store().delete(gone).unwrap();
    let rows = vault.current_codes(UNIX_TIME).unwrap();
    for row in &rows {
        if row.account.id == *gone {
            assert!(
                matches!(&row.code, Err(KeychainError::Missing { id, .. }) if id == gone.as_str()),
                "the deleted item's row: {:?}",
                row.code
            );
        } else {
            let code = row.code.as_ref().unwrap().as_ref().unwrap();
            assert_eq!(*code, expected(row), "code of {}", row.account.id);
        }
    }
}

fn median(runs: usize, mut once: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| once()).collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
