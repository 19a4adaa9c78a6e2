// Every command registered with `tauri::generate_handler!` in `lib.rs`. Shared by the build
// script (which makes Tauri generate an `allow-<command>` permission for each and check every
// call against the window's capabilities) and the tests that hold the capabilities to it.
// Plain `//` comments: the build script `include!`s this file.

/// The app's IPC commands.
pub const COMMANDS: &[&str] = &[
    "list_accounts",
    "next_hotp",
    "copy_code",
    "add_uri",
    "add_manual",
    "rename_account",
    "delete_account",
    "undo_delete",
    "move_account",
    "set_list_view",
    "reveal_account",
    "copy_revealed_uri",
    "import_load",
    "import_pick",
    "import_cancel",
    "import_formats",
    "import_clipboard",
    "import_screenshot",
    "import_preview",
    "import_apply",
    "export_backup",
    "get_settings",
    "set_settings",
    "enroll_defaults",
    "enroll_start",
    "enroll_resume",
    "cognito_prove",
    "cognito_reenroll",
    "cognito_disable_mfa",
    "enroll_next_event",
    "enroll_answer",
    "enroll_cancel",
    "next_vault_change",
    "ui_ready",
    "quick_hide",
    "shortcut_status",
];

/// What the quick box may call (`capabilities/quick.json`): the list, a copy, hiding itself,
/// and the benchmark's "codes painted" report.
pub const QUICK_COMMANDS: &[&str] = &["list_accounts", "copy_code", "quick_hide", "ui_ready"];

/// Commands for the quick box alone: the main window is not granted them.
pub const QUICK_ONLY: &[&str] = &["quick_hide"];
