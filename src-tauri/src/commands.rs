//! The IPC commands: thin adapters, no rules. Each one takes the UI's input, calls core (through
//! [`crate::view`] when the answer needs shaping for the UI), and returns the result. Vault and
//! keychain work runs on the blocking pool ([`with_state`]).
//!
//! Adding a command: write it here, register it in `lib.rs` (`generate_handler!`), list it in
//! `command_names.rs`, allow it in `capabilities/main.json`, and give it one function in
//! `ui/ipc.js`. Only `reveal_account` returns a secret (as a URI and its QR), on the user's
//! explicit request.

use cogauth_core::backup;
use cogauth_core::capture;
use cogauth_core::transfer::{self, ImportError, Input, QrSource};
use cogauth_core::vault::now_unix;
use cogauth_core::{AccountId, Algorithm, NewAccount, OtpAuthUri, OtpKind, OtpParams, Secret};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_dialog::DialogExt as _;
use zeroize::Zeroizing;

use crate::codes::{self, Copied};
use crate::enrolment::{EnrollEvent, Job, ResumeForm, StartRequest};
use crate::error::CommandError;
use crate::settings::{RememberedPool, Settings};
use crate::state::{AppState, PendingImport, lock, with_state};
use crate::view::{AccountList, AccountRef, ImportPreview};

/// All accounts, each with its current and next code (none for HOTP: showing one uses it up).
#[tauri::command]
pub async fn list_accounts(app: AppHandle) -> Result<AccountList, CommandError> {
    let refresh = app.clone();
    let list = with_state(app, |state| {
        state.mark("shell_list_start");
        match state.take_prefetched() {
            Some(list) => Ok(list),
            None => account_list(state),
        }
    })
    .await?;
    // Accounts added with the CLI reach the tray menu too.
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    Ok(list)
}

/// The list `list_accounts` answers with, computed now.
pub(crate) fn account_list(state: &AppState) -> Result<AccountList, CommandError> {
    let (vault, data_dir) = state.vault_and_dir()?;
    let mut list = AccountList::at(vault, now_unix(), &state.deleting())?;
    state.mark("shell_codes_read");
    // The reminder is a hint: a damaged record must not hide the codes.
    list.backup = backup::status(data_dir, vault)
        .ok()
        .filter(|status| status.added_since > 0);
    Ok(list)
}

/// Shows the next code of an HOTP account, after saving the advanced counter.
#[tauri::command]
pub async fn next_hotp(app: AppHandle, id: String) -> Result<cogauth_core::Code, CommandError> {
    with_state(app, move |state| {
        let id = parse_id(&id)?;
        let account = state.vault()?.accounts()?.into_iter().find(|a| a.id == id);
        if !account.is_some_and(|a| matches!(a.params.kind, OtpKind::Hotp { .. })) {
            return Err(CommandError::invalid(
                "id",
                "not a counter-based (HOTP) account",
            ));
        }
        let mut revealed = state.revealed();
        let (_, code) = state.vault()?.code(id.as_str(), now_unix())?;
        revealed.insert(id, code.clone());
        Ok(code)
    })
    .await
}

/// Copies an account's code to the clipboard; it is cleared after the configured time.
#[tauri::command]
pub async fn copy_code(app: AppHandle, id: String) -> Result<Copied, CommandError> {
    let handle = app.clone();
    with_state(app, move |state| {
        codes::copy(&handle, state, &parse_id(&id)?)
    })
    .await
}

/// Adds an account from an `otpauth://` URI.
#[tauri::command]
pub async fn add_uri(app: AppHandle, uri: Zeroizing<String>) -> Result<AccountRef, CommandError> {
    let parsed = OtpAuthUri::parse(uri.trim()).map_err(|e| CommandError::invalid("uri", e))?;
    add(app, NewAccount::from(parsed)).await
}

/// The manual-entry form.
#[derive(Deserialize)]
pub struct ManualEntry {
    issuer: String,
    label: String,
    secret: Zeroizing<String>,
    kind: String,
    algorithm: String,
    digits: u32,
    period: Option<u32>,
    counter: Option<u64>,
}

/// Adds an account typed in by hand; a bad value names its field.
#[tauri::command]
pub async fn add_manual(app: AppHandle, entry: ManualEntry) -> Result<AccountRef, CommandError> {
    let secret =
        Secret::from_base32(&entry.secret).map_err(|e| CommandError::invalid("secret", e))?;
    let algorithm: Algorithm = entry
        .algorithm
        .parse()
        .map_err(|e| CommandError::invalid("algorithm", e))?;
    let period = || match entry.period {
        Some(period) if period > 0 => Ok(period),
        _ => Err(CommandError::invalid(
            "period",
            "the period must be at least 1 second",
        )),
    };
    let kind = match entry.kind.as_str() {
        "totp" => OtpKind::Totp { period: period()? },
        "steam" => OtpKind::Steam { period: period()? },
        "hotp" => OtpKind::Hotp {
            counter: entry.counter.unwrap_or(0),
        },
        other => {
            return Err(CommandError::invalid(
                "kind",
                format!("unknown type '{other}'"),
            ));
        }
    };
    let params = OtpParams::new(kind, algorithm, entry.digits)
        .map_err(|e| CommandError::invalid("digits", e))?;
    let new = NewAccount::active(
        entry.issuer.trim().to_owned(),
        entry.label.trim().to_owned(),
        params,
        secret,
    );
    add(app, new).await
}

async fn add(app: AppHandle, new: NewAccount) -> Result<AccountRef, CommandError> {
    let refresh = app.clone();
    let added = with_state(app, |state| Ok(AccountRef::from(&state.vault()?.add(new)?))).await?;
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    Ok(added)
}

/// Renames an account.
#[tauri::command]
pub async fn rename_account(
    app: AppHandle,
    id: String,
    issuer: String,
    label: String,
) -> Result<AccountRef, CommandError> {
    let refresh = app.clone();
    let renamed = with_state(app, move |state| {
        let id = parse_id(&id)?;
        let account = state.vault()?.rename(
            id.as_str(),
            Some(issuer.trim().to_owned()),
            label.trim().to_owned(),
        )?;
        Ok(AccountRef::from(&account))
    })
    .await?;
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    Ok(renamed)
}

/// Seconds a deletion can be undone.
pub const UNDO_SECONDS: u64 = 8;

/// The answer of `delete_account`.
#[derive(Serialize)]
pub struct Deleting {
    undo_seconds: u64,
}

/// Hides an account at once and removes it from the vault after [`UNDO_SECONDS`] unless the
/// deletion is undone (or at once if the app quits first).
#[tauri::command]
pub async fn delete_account(app: AppHandle, id: String) -> Result<Deleting, CommandError> {
    let id = parse_id(&id)?;
    let handle = app.clone();
    let waiting = id.clone();
    let number = with_state(app, move |state| {
        state
            .vault()?
            .accounts()?
            .iter()
            .find(|a| a.id == waiting)
            .ok_or_else(|| cogauth_core::VaultError::NotFound(waiting.to_string()))?;
        Ok(state.start_delete(waiting))
    })
    .await?;
    let refresh = handle.clone();
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(UNDO_SECONDS)).await;
        let _ = tauri::async_runtime::spawn_blocking(move || {
            if let Err(error) = handle.state::<AppState>().finish_delete(&id, Some(number)) {
                eprintln!("cogauth-app: account {id} was not removed: {error}");
            }
            crate::tray::refresh(&handle);
        })
        .await;
    });
    Ok(Deleting {
        undo_seconds: UNDO_SECONDS,
    })
}

/// Brings back an account whose deletion is still waiting.
#[tauri::command]
pub async fn undo_delete(app: AppHandle, id: String) -> Result<(), CommandError> {
    let id = parse_id(&id)?;
    let state = app.state::<AppState>();
    if !state.undo_delete(&id) {
        return Err(CommandError::Invalid {
            field: None,
            message: "too late to undo: the account was already removed".to_owned(),
        });
    }
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&app));
    Ok(())
}

/// Moves an account to `to_index` in the list the page shows (which leaves out accounts whose
/// deletion can still be undone).
#[tauri::command]
pub async fn move_account(app: AppHandle, id: String, to_index: usize) -> Result<(), CommandError> {
    let refresh = app.clone();
    with_state(app, move |state| {
        let id = parse_id(&id)?;
        let vault = state.vault()?;
        let position = stored_position(&vault.accounts()?, &state.deleting(), &id, to_index);
        Ok(vault.move_to(&id, position)?)
    })
    .await?;
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    Ok(())
}

/// Sorts the stored order by issuer, then label.
#[tauri::command]
pub async fn sort_accounts(app: AppHandle) -> Result<(), CommandError> {
    let refresh = app.clone();
    with_state(app, |state| Ok(state.vault()?.sort_by_name()?)).await?;
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    Ok(())
}

/// The answer of `reveal_account`.
#[derive(Serialize)]
pub struct Revealed {
    uri: Zeroizing<String>,
    qr_svg: Zeroizing<String>,
}

/// The account's otpauth URI and its QR code, to set up another device: the one command that
/// returns a secret, on the user's explicit request.
#[tauri::command]
pub async fn reveal_account(app: AppHandle, id: String) -> Result<Revealed, CommandError> {
    with_state(app, move |state| {
        let uri = state
            .vault()?
            .otpauth_uri(parse_id(&id)?.as_str())?
            .to_uri();
        let qr_svg = cogauth_core::qr::to_svg(&uri).map_err(|error| CommandError::Invalid {
            field: None,
            message: error.to_string(),
        })?;
        Ok(Revealed { uri, qr_svg })
    })
    .await
}

/// The answer of `import_load`.
#[derive(Serialize)]
pub struct Loaded {
    format: &'static str,
    encrypted: bool,
}

/// Keeps the bytes of a file the user picked (sent as the raw request body) for
/// `import_preview` and `import_apply`, and says what it is.
#[tauri::command]
pub async fn import_load(app: AppHandle, request: Request<'_>) -> Result<Loaded, CommandError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::Invalid {
            field: None,
            message: "the file's bytes must be sent as the request body".to_owned(),
        });
    };
    let bytes = Zeroizing::new(bytes.clone());
    with_state(app, move |state| {
        let loaded = {
            let input = Input::new(&bytes)?;
            let format = transfer::detect(&input)?;
            Loaded {
                format: format.name(),
                encrypted: format.needs_password(&input),
            }
        };
        *lock(&state.import) = Some(PendingImport::File(bytes));
        Ok(loaded)
    })
    .await
}

/// Reads the QR codes of the clipboard's image (or the otpauth URIs copied as text) for
/// `import_preview` and `import_apply`.
#[tauri::command]
pub async fn import_clipboard(app: AppHandle) -> Result<Loaded, CommandError> {
    load_codes(app, QrSource::Clipboard, capture::clipboard_image).await
}

/// Takes a screenshot and reads the QR codes on the screen, like `import_clipboard`.
#[tauri::command]
pub async fn import_screenshot(app: AppHandle) -> Result<Loaded, CommandError> {
    load_codes(app, QrSource::Screenshot, capture::screenshot).await
}

/// Keeps the texts `read` finds once they are known to hold accounts.
async fn load_codes(
    app: AppHandle,
    source: QrSource,
    read: fn() -> Result<cogauth_core::scan::Codes, cogauth_core::scan::ScanError>,
) -> Result<Loaded, CommandError> {
    with_state(app, move |state| {
        let texts = read().map_err(ImportError::from)?;
        transfer::read_codes(source, &texts)?;
        *lock(&state.import) = Some(PendingImport::Codes(source, texts));
        Ok(Loaded {
            format: source.name(),
            encrypted: false,
        })
    })
    .await
}

/// What the loaded import would add, with `password` for an encrypted file. Changes nothing.
#[tauri::command]
pub async fn import_preview(
    app: AppHandle,
    password: Option<Zeroizing<String>>,
) -> Result<ImportPreview, CommandError> {
    with_state(app, move |state| {
        let pending = lock(&state.import);
        let pending = pending.as_ref().ok_or(CommandError::NothingLoaded)?;
        let password = password.as_ref().map(|p| p.as_bytes());
        let plan = transfer::plan(state.vault()?, pending.decode(password)?)?;
        Ok(ImportPreview::from(&plan))
    })
    .await
}

/// The answer of `import_apply`.
#[derive(Serialize)]
pub struct Imported {
    added: usize,
    skipped: usize,
}

/// Imports what was loaded, all or nothing. A wrong password keeps it loaded for another try.
#[tauri::command]
pub async fn import_apply(
    app: AppHandle,
    password: Option<Zeroizing<String>>,
) -> Result<Imported, CommandError> {
    let refresh = app.clone();
    let imported = with_state(app, move |state| {
        let mut pending = lock(&state.import);
        let loaded = pending.as_ref().ok_or(CommandError::NothingLoaded)?;
        let password = password.as_ref().map(|p| p.as_bytes());
        let vault = state.vault()?;
        let report = transfer::plan(vault, loaded.decode(password)?)?.apply(vault)?;
        *pending = None;
        Ok(Imported {
            added: report.added.len(),
            skipped: report.duplicates.len(),
        })
    })
    .await?;
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    Ok(imported)
}

/// The answer of `export_backup`.
#[derive(Serialize)]
pub struct Exported {
    path: String,
    /// Set when the backup was written but could not be recorded for the reminder.
    warning: Option<String>,
}

/// Writes an encrypted backup (an Aegis vault) where the user chooses in a save dialog.
#[tauri::command]
pub async fn export_backup(
    app: AppHandle,
    password: Zeroizing<String>,
) -> Result<Exported, CommandError> {
    if password.chars().count() < 8 {
        return Err(CommandError::invalid(
            "password",
            "use a password of at least 8 characters",
        ));
    }
    let dialog = app.clone();
    with_state(app, move |state| {
        let name = format!("cogauth-backup-{}.json", now_unix());
        let chosen = dialog
            .dialog()
            .file()
            .set_title("Save the encrypted backup")
            .set_file_name(&name)
            .add_filter("Aegis vault", &["json"])
            .blocking_save_file()
            .ok_or(CommandError::Cancelled)?;
        let path = chosen.into_path().map_err(|error| CommandError::Invalid {
            field: None,
            message: format!("not a local file: {error}"),
        })?;
        let (vault, data_dir) = state.vault_and_dir()?;
        let accounts = vault.accounts()?;
        let bytes =
            transfer::export_aegis_encrypted(vault, password.as_bytes(), &mut getrandom::fill)?;
        cogauth_core::atomic_file::write_private(&path, &bytes).map_err(|error| {
            CommandError::Invalid {
                field: None,
                message: format!("{}: {error}", path.display()),
            }
        })?;
        // The backup is written: a failure to record it is a warning, not a failure.
        let warning = backup::record_accounts(data_dir, &accounts, "aegis-encrypted", now_unix())
            .err()
            .map(|error| format!("the backup was written but not recorded: {error}"));
        Ok(Exported {
            path: path.display().to_string(),
            warning,
        })
    })
    .await
}

/// The app's settings.
#[tauri::command]
pub fn get_settings(state: tauri::State<'_, AppState>) -> Settings {
    state.settings.settings()
}

/// Saves the settings and applies "start at login".
#[tauri::command]
pub async fn set_settings(app: AppHandle, settings: Settings) -> Result<Settings, CommandError> {
    settings.validate()?;
    let was_autostart = app.state::<AppState>().settings.settings().autostart;
    let wants_autostart = settings.autostart;
    let autolaunch = app.autolaunch();
    let applied = if settings.autostart {
        autolaunch.enable()
    } else {
        autolaunch.disable()
    };
    // Disabling what was never enabled is not a failure.
    if let (true, Err(error)) = (settings.autostart, applied) {
        return Err(CommandError::Settings(format!(
            "start at login could not be enabled: {error}"
        )));
    }
    let refresh = app.clone();
    let saved = with_state(app, move |state| state.settings.set(settings)).await;
    if saved.is_err() && was_autostart != wants_autostart {
        // Not saved: start at login goes back to what the saved settings say.
        let autolaunch = refresh.autolaunch();
        let _ = if was_autostart {
            autolaunch.enable()
        } else {
            autolaunch.disable()
        };
    }
    let saved = saved?;
    crate::window::apply_theme(&refresh);
    tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&refresh));
    Ok(saved)
}

/// The demo pool and user, when the app runs in demo mode.
#[derive(Serialize)]
pub struct DemoPool {
    region: String,
    user_pool_id: String,
    client_id: String,
    endpoint: String,
    username: String,
    password: String,
}

/// The answer of `enroll_defaults`.
#[derive(Serialize)]
pub struct EnrollDefaults {
    pools: Vec<RememberedPool>,
    demo: Option<DemoPool>,
}

/// What the wizard pre-fills: the remembered pools, and the demo pool in demo mode.
#[tauri::command]
pub async fn enroll_defaults(app: AppHandle) -> Result<EnrollDefaults, CommandError> {
    with_state(app, |state| {
        Ok(EnrollDefaults {
            pools: state.settings.pools(),
            demo: state.demo_pool.as_deref().and_then(read_demo_pool),
        })
    })
    .await
}

/// The demo pool from the emulator's description (`tests/cognito-emulator/run.py` prints it),
/// with its first user.
fn read_demo_pool(path: &std::path::Path) -> Option<DemoPool> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| eprintln!("cogauth-app: {}: {error}", path.display()))
        .ok()?;
    let value: serde_json::Value = serde_json::from_str(text.lines().last()?.trim())
        .map_err(|error| eprintln!("cogauth-app: {}: {error}", path.display()))
        .ok()?;
    let text_of = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    let user = value["users"].get(0)?;
    Some(DemoPool {
        region: text_of(&value["region"])?,
        user_pool_id: text_of(&value["user_pool_id"])?,
        client_id: text_of(&value["client_id"])?,
        endpoint: text_of(&value["endpoint"])?,
        username: text_of(&user["name"])?,
        password: text_of(&user["password"])?,
    })
}

/// Starts a new enrolment; follow it with `enroll_next_event`.
#[tauri::command]
pub fn enroll_start(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    request: StartRequest,
) -> Result<(), CommandError> {
    state.enrolment.start(app.clone(), Job::start(request)?)
}

/// Finishes (or redoes) the enrolment of a pending account.
#[tauri::command]
pub fn enroll_resume(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    request: ResumeForm,
) -> Result<(), CommandError> {
    let id = parse_id(&request.id)?.to_string();
    state
        .enrolment
        .start(app.clone(), Job::Resume { id, form: request })
}

/// The enrolment's next event, once there is one.
#[tauri::command]
pub async fn enroll_next_event(app: AppHandle) -> Result<EnrollEvent, CommandError> {
    app.state::<AppState>().enrolment.next_event().await
}

/// Answers the enrolment's pending question.
#[tauri::command]
pub fn enroll_answer(
    state: tauri::State<'_, AppState>,
    value: Zeroizing<String>,
) -> Result<(), CommandError> {
    state.enrolment.answer(value)
}

/// Cancels the enrolment.
#[tauri::command]
pub fn enroll_cancel(state: tauri::State<'_, AppState>) -> Result<(), CommandError> {
    state.enrolment.cancel()
}

/// The page has painted its first codes: written to `COGAUTH_BENCH_READY_FILE` when the
/// benchmark set it, once: the Unix time in nanoseconds, then a JSON line with when each
/// start-up step ended (wall-clock milliseconds: the shell's and the page's `marks`).
#[tauri::command]
pub fn ui_ready(state: tauri::State<'_, AppState>, marks: BTreeMap<String, f64>) {
    let Some(path) = &state.ready_file else {
        return;
    };
    if path.exists() {
        return;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut all = state.startup_marks();
    all.extend(marks);
    let text = format!(
        "{nanos}\n{}\n",
        serde_json::Value::from(serde_json::Map::from_iter(
            all.into_iter()
                .map(|(name, ms)| (name, serde_json::Value::from(ms))),
        ))
    );
    // Atomically: the benchmark polls for the file.
    if let Err(error) = cogauth_core::atomic_file::write_private(path, text.as_bytes()) {
        eprintln!("cogauth-app: {}: {error}", path.display());
    }
}

/// Where in the stored order (without `id` itself) `id` goes to end up at `shown_index` among
/// the accounts that are not `hidden`: just before the shown account now at that place.
fn stored_position(
    accounts: &[cogauth_core::Account],
    hidden: &std::collections::HashSet<AccountId>,
    id: &AccountId,
    shown_index: usize,
) -> usize {
    let others: Vec<&cogauth_core::Account> = accounts.iter().filter(|a| &a.id != id).collect();
    others
        .iter()
        .filter(|a| !hidden.contains(&a.id))
        .nth(shown_index)
        .and_then(|anchor| others.iter().position(|a| a.id == anchor.id))
        .unwrap_or(others.len())
}

fn parse_id(id: &str) -> Result<AccountId, CommandError> {
    AccountId::parse(id)
        .ok_or_else(|| CommandError::invalid("id", format!("'{id}' is not an account id")))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use std::collections::HashSet;

    use cogauth_core::{
        Account, AccountId, Algorithm, NewAccount, OtpKind, OtpParams, Secret, Vault,
    };

    use super::stored_position;
    use crate::view::tests::MemoryStore;

    fn accounts(labels: &[&str]) -> (tempfile::TempDir, Vec<Account>) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let vault = Vault::new(dir.path(), MemoryStore::default());
        for label in labels {
            let params =
                OtpParams::new(OtpKind::Totp { period: 30 }, Algorithm::Sha1, 6).expect("params");
            let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).expect("secret");
            vault
                .add(NewAccount::active(
                    String::new(),
                    (*label).to_owned(),
                    params,
                    secret,
                ))
                .expect("added");
        }
        (dir, vault.accounts().expect("listed"))
    }

    fn id(accounts: &[Account], label: &str) -> AccountId {
        accounts
            .iter()
            .find(|a| a.label == label)
            .map(|a| a.id.clone())
            .expect("present")
    }

    #[test]
    fn shown_positions_skip_accounts_being_deleted() {
        let (_dir, all) = accounts(&["a", "b", "c", "d"]);
        let hidden = HashSet::from([id(&all, "b")]);
        // Shown: a, c, d. Moving d to shown place 1 puts it before c: stored a, b, d, c.
        assert_eq!(stored_position(&all, &hidden, &id(&all, "d"), 1), 2);
        // Moving a to the last shown place: after d.
        assert_eq!(stored_position(&all, &hidden, &id(&all, "a"), 2), 3);
        // Past the end: the end.
        assert_eq!(stored_position(&all, &hidden, &id(&all, "a"), 99), 3);
        // Nothing hidden: the shown place is the stored place.
        assert_eq!(stored_position(&all, &HashSet::new(), &id(&all, "d"), 0), 0);
    }
}
