//! The IPC commands: thin adapters, no rules. Each one takes the UI's input, calls core (through
//! [`crate::view`] when the answer needs shaping for the UI), and returns the result. Vault and
//! keychain work runs on the blocking pool ([`with_state`]; [`changing_vault`] when it changes
//! the vault, so that the tray menu follows).
//!
//! Adding a command: write it here, register it in `lib.rs` (`generate_handler!`), list it in
//! `command_names.rs`, allow it in `capabilities/main.json`, and give it one function in
//! `ui/ipc.js`. Only `reveal_account` returns a secret (as a URI and its QR), on the user's
//! explicit request.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cogauth_core::backup;
use cogauth_core::capture;
use cogauth_core::cognito;
use cogauth_core::transfer::{self, ExportKind, ImportError, Pending, QrSource};
use cogauth_core::vault::now_unix;
use cogauth_core::{AccountId, NewAccount, OtpAuthUri, OtpKind, TypedAccount};

use serde::Serialize;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt as _;
use zeroize::Zeroizing;

use crate::codes::{self, Copied};
use crate::confirm;
use crate::demo::DemoPool;
use crate::enrolment::{AccountForm, EnrollEvent, Job, ResumeForm, StartRequest};
use crate::error::CommandError;
use crate::import_slot;
use crate::settings::{ListView, RememberedPool, Settings};
use crate::state::{AppState, changing_vault, with_state};
use crate::view::{self, AccountList, AccountRef, ImportPreview};

/// All accounts, each with its current and next code (none for HOTP: showing one uses it up).
#[tauri::command]
pub async fn list_accounts(app: AppHandle) -> Result<AccountList, CommandError> {
    // Accounts added with the CLI reach the tray menu too.
    changing_vault(app, |state| {
        state.mark("shell_list_start");
        match state.take_prefetched() {
            Some(list) => Ok(list),
            None => account_list(state),
        }
    })
    .await
}

/// The list `list_accounts` answers with, computed now.
pub(crate) fn account_list(state: &AppState) -> Result<AccountList, CommandError> {
    let (vault, data_dir) = state.vault_and_dir()?;
    let mut list =
        AccountList::at(vault, now_unix(), &state.deleting())?.arranged(state.settings.list_view());
    state.mark("shell_codes_read");
    // The reminder is a hint: a damaged record must not hide the codes.
    list.backup = backup::reminder(data_dir, vault, now_unix()).ok().flatten();
    Ok(list)
}

/// Shows the next code of an HOTP account, after saving the advanced counter.
#[tauri::command]
pub async fn next_hotp(app: AppHandle, id: String) -> Result<cogauth_core::Code, CommandError> {
    with_state(app, move |state| {
        let id = parse_id(&id)?;
        let account = state.vault()?.find_id(&id)?;
        if !matches!(account.params.kind, OtpKind::Hotp { .. }) {
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
    let parsed = OtpAuthUri::parse(&uri).map_err(|e| CommandError::invalid("uri", e))?;
    add(app, NewAccount::from(parsed)).await
}

/// Adds an account typed in by hand; core's one set of defaults and checks, a refusal naming
/// its field.
#[tauri::command]
pub async fn add_manual(app: AppHandle, entry: TypedAccount) -> Result<AccountRef, CommandError> {
    add(app, entry.new_account()?).await
}

async fn add(app: AppHandle, new: NewAccount) -> Result<AccountRef, CommandError> {
    changing_vault(app, |state| Ok(AccountRef::from(&state.vault()?.add(new)?))).await
}

/// Renames an account.
#[tauri::command]
pub async fn rename_account(
    app: AppHandle,
    id: String,
    issuer: String,
    label: String,
) -> Result<AccountRef, CommandError> {
    changing_vault(app, move |state| {
        let id = parse_id(&id)?;
        let account = state.vault()?.rename(id.as_str(), Some(issuer), label)?;
        Ok(AccountRef::from(&account))
    })
    .await
}

/// Seconds a deletion can be undone.
pub const UNDO_SECONDS: u64 = 10;

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
    let number = changing_vault(app, move |state| {
        state.vault()?.find_id(&waiting)?;
        Ok(state.start_delete(waiting))
    })
    .await?;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(UNDO_SECONDS)).await;
        let _ = changing_vault(handle, move |state| {
            if let Err(error) = state.finish_delete(&id, Some(number)) {
                eprintln!("cogauth-app: account {id} was not removed: {error}");
            }
            Ok(())
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
    changing_vault(app, move |state| match state.undo_delete(&id) {
        true => Ok(()),
        false => Err(CommandError::Invalid {
            field: None,
            message: "too late to undo: the account was already removed".to_owned(),
        }),
    })
    .await
}

/// Moves an account to `to_index` in the list the page shows (which leaves out accounts whose
/// deletion can still be undone).
#[tauri::command]
pub async fn move_account(app: AppHandle, id: String, to_index: usize) -> Result<(), CommandError> {
    changing_vault(app, move |state| {
        let id = parse_id(&id)?;
        Ok(state.vault()?.move_to(&id, to_index, &state.deleting())?)
    })
    .await
}

/// Remembers how the list is shown (its order, a view over the stored one, and its density).
#[tauri::command]
pub async fn set_list_view(app: AppHandle, view: ListView) -> Result<ListView, CommandError> {
    with_state(app, move |state| state.settings.set_list_view(view)).await
}

/// The answer of `reveal_account`.
#[derive(Serialize)]
pub struct Revealed {
    uri: Zeroizing<String>,
    qr_svg: Zeroizing<String>,
}

/// The account's otpauth URI and its QR code, to set up another device: the one command that
/// returns a secret, after the user said yes in a native dialog naming the account (one
/// account per yes).
#[tauri::command]
pub async fn reveal_account(app: AppHandle, id: String) -> Result<Revealed, CommandError> {
    let asker = app.clone();
    with_state(app, move |state| {
        let vault = state.vault()?;
        let account = vault.find_id(&parse_id(&id)?)?;
        confirm::ask(
            &asker,
            &format!("Show the secret of {}?", account.display_name()),
            "Its QR code and link let anyone who sees them make this account's codes. Show them only to set up another device of yours.",
            "Show the secret",
        )?;
        state.shown.allow(account.id.clone(), Instant::now());
        let uri = vault.otpauth_uri(account.id.as_str())?.to_uri();
        let qr_svg = cogauth_core::qr::to_svg(&uri).map_err(|error| CommandError::Invalid {
            field: None,
            message: error.to_string(),
        })?;
        Ok(Revealed { uri, qr_svg })
    })
    .await
}

/// The answer of `copy_revealed_uri`.
#[derive(Serialize)]
pub struct CopiedUri {
    clear_after_seconds: u32,
}

/// Copies the otpauth link of the account whose secret the user just agreed to show (the
/// reveal dialog's Copy button): marked as a password for clipboard managers and cleared
/// like a code. Refused for any other account.
#[tauri::command]
pub async fn copy_revealed_uri(app: AppHandle, id: String) -> Result<CopiedUri, CommandError> {
    let handle = app.clone();
    with_state(app, move |state| {
        let id = parse_id(&id)?;
        if !state.shown.is_shown(&id, Instant::now()) {
            return Err(CommandError::Invalid {
                field: None,
                message: "show the account's secret first".to_owned(),
            });
        }
        let uri = state.vault()?.otpauth_uri(id.as_str())?.to_uri();
        let clear_after_seconds = codes::copy_text(&handle, state, &uri)?;
        Ok(CopiedUri {
            clear_after_seconds,
        })
    })
    .await
}

/// The answer of `import_load`, `import_clipboard` and `import_screenshot`.
#[derive(Serialize)]
pub struct Loaded {
    format: &'static str,
    encrypted: bool,
}

/// Keeps what the user chose to import for `import_preview` and `import_apply` (at most
/// [`import_slot::KEPT_FOR`]), and says what it is.
fn keep(app: &AppHandle, state: &AppState, pending: Pending) -> Loaded {
    let loaded = Loaded {
        format: pending.format(),
        encrypted: pending.encrypted(),
    };
    state.import.keep(pending, Instant::now());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(import_slot::KEPT_FOR).await;
        app.state::<AppState>().import.expire(Instant::now());
    });
    loaded
}

/// The exports core reads, for the import view's hint.
#[tauri::command]
pub fn import_formats() -> Vec<view::ImportFormat> {
    view::import_formats()
}

/// Drops the loaded import (the page calls it when the Add view closes).
#[tauri::command]
pub fn import_cancel(state: tauri::State<'_, AppState>) {
    state.import.cancel();
}

/// Loads a file the user picked (sent as the raw request body): an export, or a picture of
/// QR codes.
#[tauri::command]
pub async fn import_load(app: AppHandle, request: Request<'_>) -> Result<Loaded, CommandError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::Invalid {
            field: None,
            message: "the file's bytes must be sent as the request body".to_owned(),
        });
    };
    let bytes = Zeroizing::new(bytes.clone());
    let handle = app.clone();
    with_state(app, move |state| {
        Ok(keep(&handle, state, Pending::file(bytes)?))
    })
    .await
}

/// Lets the user pick a file to import in the native open dialog, then loads it like
/// `import_load` (at most core's `MAX_FILE_BYTES` is read). Rejects with kind "cancelled" when
/// the dialog is closed.
#[tauri::command]
pub async fn import_pick(app: AppHandle) -> Result<Loaded, CommandError> {
    use std::io::Read as _;
    let handle = app.clone();
    with_state(app, move |state| {
        let chosen = handle
            .dialog()
            .file()
            .set_title("Import a QR picture or an export")
            .blocking_pick_file()
            .ok_or(CommandError::Cancelled)?;
        let path = chosen.into_path().map_err(|error| CommandError::Invalid {
            field: None,
            message: format!("not a local file: {error}"),
        })?;
        let cannot = |error: std::io::Error| CommandError::Invalid {
            field: None,
            message: format!("cannot read {}: {error}", path.display()),
        };
        let mut bytes = Zeroizing::new(Vec::new());
        std::fs::File::open(&path)
            .map_err(cannot)?
            .take(transfer::MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
        Ok(keep(&handle, state, Pending::file(bytes)?))
    })
    .await
}

/// Reads the QR codes of the clipboard's image (or the otpauth URIs copied as text).
#[tauri::command]
pub async fn import_clipboard(app: AppHandle) -> Result<Loaded, CommandError> {
    load_codes(app, QrSource::Clipboard, capture::clipboard_image).await
}

/// Takes a screenshot and reads the QR codes on the screen, like `import_clipboard`, once the
/// user said yes in a native dialog.
#[tauri::command]
pub async fn import_screenshot(app: AppHandle) -> Result<Loaded, CommandError> {
    let asker = app.clone();
    with_state(app.clone(), move |_| {
        confirm::ask(
            &asker,
            "Read the QR codes on your screen?",
            "CogAuth takes one screenshot and keeps nothing of it but the QR codes it finds.",
            "Take the screenshot",
        )
    })
    .await?;
    load_codes(app, QrSource::Screenshot, capture::screenshot).await
}

async fn load_codes(
    app: AppHandle,
    source: QrSource,
    read: fn() -> Result<cogauth_core::scan::Codes, cogauth_core::scan::ScanError>,
) -> Result<Loaded, CommandError> {
    let handle = app.clone();
    with_state(app, move |state| {
        let texts = read().map_err(ImportError::from)?;
        Ok(keep(&handle, state, Pending::codes(source, texts)?))
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
        state.import.with(Instant::now(), false, |pending| {
            let password = password.as_ref().map(|p| p.as_bytes());
            let plan = transfer::plan(state.vault()?, pending.decode(password)?)?;
            Ok(ImportPreview::from(&plan))
        })
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
    changing_vault(app, move |state| {
        state.import.with(Instant::now(), true, |pending| {
            let password = password.as_ref().map(|p| p.as_bytes());
            let vault = state.vault()?;
            let report = transfer::plan(vault, pending.decode(password)?)?.apply(vault)?;
            Ok(Imported {
                added: report.added.len(),
                skipped: report.duplicates.len(),
            })
        })
    })
    .await
}

/// The answer of `export_backup`.
#[derive(Serialize)]
pub struct Exported {
    path: String,
    /// Set when the backup was written but could not be recorded for the reminder.
    warning: Option<String>,
}

/// Writes an encrypted backup (an Aegis vault) where the user chooses in a save dialog, and
/// records it for the backup reminder (core's `write_backup`).
#[tauri::command]
pub async fn export_backup(
    app: AppHandle,
    password: Zeroizing<String>,
) -> Result<Exported, CommandError> {
    // Before the dialog: a password core would refuse is said at once.
    transfer::check_backup_password(&password)?;
    let dialog = app.clone();
    with_state(app, move |state| {
        // Named by today's date in UTC, the calendar core writes backup times in; offered in
        // Documents (else the home folder), not in the app's working directory.
        let name = format!("cogauth-backup-{}.json", backup::utc_date(now_unix()));
        let paths = dialog.path();
        let folder = paths.document_dir().or_else(|_| paths.home_dir()).ok();
        let mut picker = dialog
            .dialog()
            .file()
            .set_title("Save the encrypted backup")
            .set_file_name(&name);
        if let Some(folder) = folder.filter(|f| f.is_dir()) {
            picker = picker.set_directory(folder);
        }
        let chosen = picker
            .add_filter("Aegis vault", &["json"])
            .blocking_save_file()
            .ok_or(CommandError::Cancelled)?;
        let path = chosen.into_path().map_err(|error| CommandError::Invalid {
            field: None,
            message: format!("not a local file: {error}"),
        })?;
        let (vault, data_dir) = state.vault_and_dir()?;
        let kind = ExportKind::Encrypted {
            password: &password,
        };
        let written = transfer::write_backup(
            vault,
            data_dir,
            &path,
            kind,
            now_unix(),
            &mut getrandom::fill,
        )?;
        Ok(Exported {
            path: path.display().to_string(),
            warning: written
                .not_recorded
                .map(|error| format!("the backup was written but not recorded: {error}")),
        })
    })
    .await
}

/// The app's settings.
#[tauri::command]
pub fn get_settings(state: tauri::State<'_, AppState>) -> Settings {
    state.settings.settings()
}

/// Saves the settings and applies them (start at login, appearance, the tray).
#[tauri::command]
pub async fn set_settings(app: AppHandle, settings: Settings) -> Result<Settings, CommandError> {
    let handle = app.clone();
    with_state(app, move |_| crate::settings::apply(&handle, settings)).await
}

/// The answer of `enroll_defaults`.
#[derive(Serialize)]
pub struct EnrollDefaults {
    pools: Vec<RememberedPool>,
    demo: Option<DemoPool>,
    default_issuer: &'static str,
}

/// What the wizard pre-fills: the remembered pools, core's default issuer, and the demo pool
/// in demo mode.
#[tauri::command]
pub async fn enroll_defaults(app: AppHandle) -> Result<EnrollDefaults, CommandError> {
    with_state(app, |state| {
        Ok(EnrollDefaults {
            pools: state.settings.pools(),
            demo: state.demo_pool.as_deref().and_then(crate::demo::read_pool),
            default_issuer: cognito::DEFAULT_ISSUER,
        })
    })
    .await
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
    let id = parse_id(&request.id)?;
    state
        .enrolment
        .start(app.clone(), Job::Resume { id, form: request })
}

/// Starts a test sign-in of an enrolled Cognito account; follow it with `enroll_next_event`.
#[tauri::command]
pub fn cognito_prove(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    request: AccountForm,
) -> Result<(), CommandError> {
    let id = parse_id(&request.id)?;
    state
        .enrolment
        .start(app.clone(), Job::Prove { id, form: request })
}

/// Gives a Cognito account's user a new secret, replacing the stored one once Cognito verified
/// it (re-enrolment); follow it with `enroll_next_event`.
#[tauri::command]
pub fn cognito_reenroll(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    request: AccountForm,
) -> Result<(), CommandError> {
    let id = parse_id(&request.id)?;
    state
        .enrolment
        .start(app.clone(), Job::Reenrol { id, form: request })
}

/// Turns TOTP MFA off for a Cognito account's user and removes the account; follow it with
/// `enroll_next_event`.
#[tauri::command]
pub fn cognito_disable_mfa(
    app: AppHandle,
    state: tauri::State<'_, AppState>,
    request: AccountForm,
) -> Result<(), CommandError> {
    let id = parse_id(&request.id)?;
    state
        .enrolment
        .start(app.clone(), Job::DisableMfa { id, form: request })
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

/// The vault's generation once another program changed the vault since `seen` (the page's
/// last; none: at once), or after a minute: the page refreshes its list when it grew.
#[tauri::command]
pub async fn next_vault_change(app: AppHandle, seen: Option<u64>) -> u64 {
    let state = app.state::<AppState>();
    state.next_vault_change(seen, Duration::from_secs(60)).await
}

/// Hides the quick box (after a copy, or Esc).
#[tauri::command]
pub fn quick_hide(app: AppHandle) {
    crate::quick::hide(&app);
}

/// Whether the quick box's shortcut works in this session, for Settings.
#[tauri::command]
pub fn shortcut_status(app: AppHandle) -> crate::shortcut::Status {
    app.state::<crate::shortcut::ShortcutSlot>().status()
}

/// The page has painted its first codes, with when each start-up step ended (wall-clock
/// milliseconds): reported to the benchmark when it asked ([`crate::bench`]). Then the quick
/// box is prepared, if its shortcut is on and it is not yet.
#[tauri::command]
pub fn ui_ready(app: AppHandle, marks: BTreeMap<String, f64>) {
    let state = app.state::<AppState>();
    crate::bench::report_ready(&state, marks);
    if state.settings.settings().quick_shortcut_enabled {
        // Not in this synchronous command: building a webview there deadlocks on Windows.
        let app = app.clone();
        tauri::async_runtime::spawn(async move { crate::quick::prepare(&app) });
    }
}

fn parse_id(id: &str) -> Result<AccountId, CommandError> {
    AccountId::parse(id)
        .ok_or_else(|| CommandError::invalid("id", format!("'{id}' is not an account id")))
}
