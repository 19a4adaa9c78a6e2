//! What the shell keeps between commands: the vault (opened once at start-up), the settings,
//! the clipboard, deletions that can still be undone, HOTP codes shown in this run, a loaded
//! import file, and the running enrolment.
//!
//! The vault's location comes from core (`COGAUTH_DATA_DIR` / `COGAUTH_KEYRING_SERVICE`, else
//! the platform defaults), exactly as for the CLI, so both can share one test vault. If it
//! cannot be located the app still opens and every command reports why.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use cogauth_core::vault::now_unix;
use cogauth_core::{AccountId, Code, KeyringStore, Vault, VaultConfig, VaultError};
use tauri::{AppHandle, Manager};

use crate::clipboard::{Copier, SystemClipboard};
use crate::enrolment::EnrolmentSlot;
use crate::error::CommandError;
use crate::import_slot::ImportSlot;
use crate::settings::SettingsStore;
use crate::view::AccountList;

/// The demo pool `scripts/run --demo` starts (the JSON line the local emulator prints). Read
/// only by builds with the `dev-hooks` feature: the released app has no demo mode.
#[cfg(feature = "dev-hooks")]
pub const DEMO_POOL_ENV: &str = "COGAUTH_DEMO_POOL";
/// A file the app writes once the UI has painted its first codes (for the benchmark). Read
/// only by builds with the `dev-hooks` feature.
#[cfg(feature = "dev-hooks")]
pub const READY_FILE_ENV: &str = "COGAUTH_BENCH_READY_FILE";

/// The path a development hook's variable names; always `None` in a build without the
/// `dev-hooks` feature (the released app), whose binary does not even hold the names.
#[cfg(feature = "dev-hooks")]
fn dev_hook_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The shell's managed state.
pub struct AppState {
    /// The vault and its data folder (the backup record lives there too).
    vault: Result<(Vault<KeyringStore>, PathBuf), Arc<VaultError>>,
    /// The app's settings and remembered pools.
    pub settings: SettingsStore,
    /// The clipboard.
    pub copier: Copier,
    /// Accounts deleted in the UI whose undo window is still open: hidden, not yet removed.
    deleting: Deletions,
    /// The HOTP codes shown in this run, by account: copying one copies the shown code
    /// instead of using up another.
    revealed: Mutex<HashMap<AccountId, Code>>,
    /// What the user chose to import, until it is imported, cancelled or too old.
    pub import: ImportSlot,
    /// Accounts whose secret the user just agreed to show.
    pub shown: ShownSecrets,
    /// The Cognito enrolment in progress.
    pub enrolment: EnrolmentSlot,
    /// The demo pool's description file, when started in demo mode.
    pub demo_pool: Option<PathBuf>,
    /// Where to report that the first codes are painted, for the benchmark.
    pub ready_file: Option<PathBuf>,
    /// Set once the user chose Quit: the app then really exits.
    pub quitting: AtomicBool,
    /// When the shell's start-up steps ended (wall-clock milliseconds), for the benchmark.
    marks: Mutex<BTreeMap<String, f64>>,
    /// The list computed while a new window's webview starts, for the page's first ask.
    prefetched: Mutex<Option<(Instant, AccountList)>>,
    /// How many times the vault's folder changed on disk ([`crate::watch`]); the page waits
    /// for it to grow.
    vault_generation: tokio::sync::watch::Sender<u64>,
}

/// How long a prefetched list may wait for the page before it is computed again.
const PREFETCH_FRESH: Duration = Duration::from_secs(2);

/// Accounts whose secret the user agreed to show in the shell's own dialog (`reveal_account`),
/// for [`SHOWN_FOR`]: the reveal dialog's Copy button copies the link only then, so a script
/// in the page cannot copy any other account's.
#[derive(Default)]
pub struct ShownSecrets(Mutex<HashMap<AccountId, Instant>>);

/// How long after the user's yes the revealed link may be copied.
pub const SHOWN_FOR: Duration = Duration::from_secs(120);

impl ShownSecrets {
    /// The user agreed at `now` to show `id`'s secret.
    pub fn allow(&self, id: AccountId, now: Instant) {
        let mut shown = lock(&self.0);
        shown.retain(|_, at| now.saturating_duration_since(*at) < SHOWN_FOR);
        shown.insert(id, now);
    }

    /// Whether `id`'s secret was agreed to be shown less than [`SHOWN_FOR`] before `now`.
    pub fn is_shown(&self, id: &AccountId, now: Instant) -> bool {
        lock(&self.0)
            .get(id)
            .is_some_and(|at| now.saturating_duration_since(*at) < SHOWN_FOR)
    }
}

/// Accounts deleted in the UI whose undo window is open, each with the number of its deletion:
/// a timer left from a deletion that was undone never ends a later deletion of the same account
/// early.
#[derive(Default)]
pub struct Deletions {
    waiting: Mutex<HashMap<AccountId, u64>>,
    next: AtomicU64,
}

impl Deletions {
    /// The accounts waiting.
    pub fn ids(&self) -> HashSet<AccountId> {
        lock(&self.waiting).keys().cloned().collect()
    }

    /// `id` waits from now; returns the number of this deletion.
    pub fn start(&self, id: AccountId) -> u64 {
        let number = self.next.fetch_add(1, Ordering::SeqCst);
        lock(&self.waiting).insert(id, number);
        number
    }

    /// Ends the wait without deleting: whether `id` was waiting.
    pub fn undo(&self, id: &AccountId) -> bool {
        lock(&self.waiting).remove(id).is_some()
    }

    /// Ends the wait to delete for real, if `id` is waiting for deletion `number` (any if
    /// `None`): whether it was. An undo from then on answers "too late".
    pub fn claim(&self, id: &AccountId, number: Option<u64>) -> bool {
        let mut waiting = lock(&self.waiting);
        match waiting.get(id) {
            Some(current) if number.is_none_or(|n| n == *current) => {
                waiting.remove(id);
                true
            }
            _ => false,
        }
    }
}

/// Milliseconds since the Unix epoch, as the page's `performance.timeOrigin` counts them.
fn wall_clock_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

impl AppState {
    /// The state for this process: the vault and settings the environment names, and the
    /// system clipboard. Touches neither the disk's vault nor the keychain: core does that
    /// lazily, on the first command.
    pub fn from_env() -> Self {
        #[cfg(feature = "dev-hooks")]
        let (demo_pool, ready_file) = (dev_hook_path(DEMO_POOL_ENV), dev_hook_path(READY_FILE_ENV));
        #[cfg(not(feature = "dev-hooks"))]
        let (demo_pool, ready_file) = (None, None);
        AppState {
            vault: VaultConfig::resolve(None, None)
                .map(|config| (config.open(), config.data_dir))
                .map_err(Arc::new),
            settings: SettingsStore::load(),
            copier: Copier::new(Box::<SystemClipboard>::default()),
            deleting: Deletions::default(),
            revealed: Mutex::default(),
            import: ImportSlot::default(),
            shown: ShownSecrets::default(),
            enrolment: EnrolmentSlot::default(),
            demo_pool,
            ready_file,
            quitting: AtomicBool::new(false),
            marks: Mutex::new(BTreeMap::from([(
                "shell_state".to_owned(),
                wall_clock_ms(),
            )])),
            prefetched: Mutex::default(),
            vault_generation: tokio::sync::watch::Sender::new(0),
        }
    }

    /// The vault's data folder, if the environment names one.
    pub fn data_dir(&self) -> Option<PathBuf> {
        self.vault.as_ref().ok().map(|(_, dir)| dir.clone())
    }

    /// The vault changed on disk: the pages waiting in [`Self::next_vault_change`] refresh.
    pub fn vault_changed(&self) {
        // A list computed before the change must not be handed out after it.
        lock(&self.prefetched).take();
        self.vault_generation
            .send_modify(|generation| *generation += 1);
    }

    /// The vault's generation once it differs from `seen` (at once without `seen`), or the
    /// current one after `patience`.
    pub async fn next_vault_change(&self, seen: Option<u64>, patience: Duration) -> u64 {
        let mut changes = self.vault_generation.subscribe();
        if let Some(seen) = seen {
            let _ = tokio::time::timeout(patience, changes.wait_for(|now| *now != seen)).await;
        }
        *changes.borrow()
    }

    /// Computes the account list ahead of the page's first ask (the keychain read then runs
    /// while WebKit starts). The slot stays locked meanwhile, so that ask waits for this
    /// result instead of reading the keychain a second time.
    pub fn prefetch(&self, compute: impl FnOnce(&Self) -> Result<AccountList, CommandError>) {
        let mut slot = lock(&self.prefetched);
        *slot = compute(self).ok().map(|list| (Instant::now(), list));
    }

    /// The prefetched list, if it is recent and every code in it still valid.
    pub fn take_prefetched(&self) -> Option<AccountList> {
        let (at, list) = lock(&self.prefetched).take()?;
        (at.elapsed() < PREFETCH_FRESH && list.still_current(now_unix())).then_some(list)
    }

    /// Notes that the start-up step `name` ended now (the first time only).
    pub fn mark(&self, name: &str) {
        lock(&self.marks)
            .entry(name.to_owned())
            .or_insert_with(wall_clock_ms);
    }

    /// The start-up steps noted so far.
    pub fn startup_marks(&self) -> BTreeMap<String, f64> {
        lock(&self.marks).clone()
    }

    /// The vault, or why there is none.
    pub fn vault(&self) -> Result<&Vault<KeyringStore>, CommandError> {
        self.vault_and_dir().map(|(vault, _)| vault)
    }

    /// The vault with its data folder, or why there is none.
    pub fn vault_and_dir(&self) -> Result<(&Vault<KeyringStore>, &Path), CommandError> {
        match &self.vault {
            Ok((vault, dir)) => Ok((vault, dir)),
            Err(error) => Err(CommandError::VaultUnavailable(Arc::clone(error))),
        }
    }

    /// Accounts hidden because their deletion can still be undone.
    pub fn deleting(&self) -> HashSet<AccountId> {
        self.deleting.ids()
    }

    /// Hides `id` until [`AppState::finish_delete`] or [`AppState::undo_delete`]; returns the
    /// number of this deletion, for `finish_delete`.
    pub fn start_delete(&self, id: AccountId) -> u64 {
        self.deleting.start(id)
    }

    /// Whether `id` was still waiting for deletion (and no longer is).
    pub fn undo_delete(&self, id: &AccountId) -> bool {
        self.deleting.undo(id)
    }

    /// Removes `id` from the vault if it is still waiting for deletion number `number` (any
    /// deletion if `None`). If the removal fails the account stays and is shown again.
    pub fn finish_delete(&self, id: &AccountId, number: Option<u64>) -> Result<(), CommandError> {
        if !self.deleting.claim(id, number) {
            return Ok(());
        }
        match self.vault()?.remove_id(id) {
            Ok(_) | Err(VaultError::NotFound(_)) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Removes every account still waiting for deletion (the app is quitting).
    pub fn finish_all_deletes(&self) {
        for id in self.deleting() {
            if let Err(error) = self.finish_delete(&id, None) {
                eprintln!("cogauth-app: account {id} was not removed: {error}");
            }
        }
    }

    /// The HOTP codes shown in this run, by account. Hold the guard while a counter is used
    /// up, so that two copies at once (a double click, the tray and the window) use one code.
    pub fn revealed(&self) -> MutexGuard<'_, HashMap<AccountId, Code>> {
        lock(&self.revealed)
    }

    /// Whether the user chose Quit.
    pub fn is_quitting(&self) -> bool {
        self.quitting.load(Ordering::SeqCst)
    }
}

/// Locks a mutex whose data stays consistent even if a holder panicked (every critical section
/// here is a single insert, remove or replace).
pub fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `job` on the blocking thread pool with the managed [`AppState`]: the index and the
/// keychain are blocking I/O (a keychain may even wait for the user), and must stay off both
/// the UI thread and the async workers.
pub async fn with_state<T, F>(app: AppHandle, job: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, CommandError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || job(&app.state::<AppState>()))
        .await
        .map_err(|error| CommandError::Interrupted {
            reason: error.to_string(),
        })?
}

/// [`with_state`] for a job that changes the vault: the tray menu follows once it has run,
/// whether it succeeded or not (a failed change may have changed something before failing).
/// The menu is rebuilt after the answer, not before it: the page (whose list refresh goes
/// through here too) does not wait for the tray.
pub async fn changing_vault<T, F>(app: AppHandle, job: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, CommandError> + Send + 'static,
{
    let refresh = app.clone();
    let result = with_state(app, job).await;
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    result
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn id(text: &str) -> AccountId {
        AccountId::parse(text).expect("a valid id")
    }

    #[test]
    fn a_timer_from_an_undone_deletion_does_not_end_a_later_one() {
        let deletions = Deletions::default();
        let first = deletions.start(id("0123456789abcdef"));
        assert!(deletions.undo(&id("0123456789abcdef")));
        let second = deletions.start(id("0123456789abcdef"));
        // The first deletion's timer fires: the second one still waits.
        assert!(!deletions.claim(&id("0123456789abcdef"), Some(first)));
        assert_eq!(deletions.ids().len(), 1);
        // Its own timer ends it; an undo after that is too late.
        assert!(deletions.claim(&id("0123456789abcdef"), Some(second)));
        assert!(!deletions.undo(&id("0123456789abcdef")));
        assert!(deletions.ids().is_empty());
    }

    #[test]
    fn fail_a_secret_is_copyable_only_for_the_account_shown_and_only_for_a_while() {
        let shown = ShownSecrets::default();
        let t0 = Instant::now();
        assert!(!shown.is_shown(&id("0123456789abcdef"), t0));
        shown.allow(id("0123456789abcdef"), t0);
        assert!(shown.is_shown(&id("0123456789abcdef"), t0 + SHOWN_FOR / 2));
        assert!(
            !shown.is_shown(&id("fedcba9876543210"), t0),
            "another account"
        );
        assert!(
            !shown.is_shown(&id("0123456789abcdef"), t0 + SHOWN_FOR),
            "too late"
        );
    }

    #[test]
    fn quitting_ends_every_wait_and_an_undone_deletion_is_not_claimed() {
        let deletions = Deletions::default();
        deletions.start(id("0123456789abcdef"));
        deletions.start(id("fedcba9876543210"));
        assert!(deletions.undo(&id("fedcba9876543210")));
        assert!(deletions.claim(&id("0123456789abcdef"), None));
        assert!(!deletions.claim(&id("fedcba9876543210"), None));
    }
}
