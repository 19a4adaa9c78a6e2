//! CogAuth's desktop shell: Tauri v2 over `cogauth-core`.
//!
//! The shell owns the window, the tray, the clipboard, the IPC surface and how answers look to
//! the UI; every rule about accounts, codes, imports, Cognito and the keychain lives in core.
//! Modules:
//!
//! - [`commands`]: the IPC commands, thin adapters over core;
//! - [`view`]: core's answers shaped for the UI's screens;
//! - [`state`]: what lives between commands (vault, settings, clipboard, undo, enrolment);
//! - [`codes`] and [`clipboard`]: copying a code and clearing it again;
//! - [`tray`]: the tray icon and its menu; [`window`]: the main window's life;
//! - [`quick`]: the quick box; [`shortcut`] and [`portal`]: the system-wide key that opens it;
//! - [`enrolment`]: the Cognito wizard's engine; [`settings`]: the app's settings file;
//! - [`error`]: the `{kind, message, field?}` error every command returns.
//!
//! The webview's rights are set outside the code: `tauri.conf.json` (CSP, no global Tauri
//! object), `capabilities/` (which window may call which command) and `build.rs` (the command
//! list that makes the capabilities binding).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod clipboard;
pub mod codes;
/// The names of the IPC commands (shared with `build.rs`).
pub mod command_names;
pub mod commands;
pub mod confirm;
pub mod demo;
pub mod enrolment;
pub mod error;
pub mod import_slot;
#[cfg(target_os = "linux")]
pub mod portal;
pub mod quick;
pub mod settings;
pub mod shortcut;
pub mod state;
pub mod tray;
pub mod view;
pub mod watch;
pub mod window;

#[cfg(test)]
mod security_tests;

use tauri::{Manager, RunEvent, WindowEvent};
use tauri_plugin_autostart::MacosLauncher;

use state::AppState;

/// The argument that starts the app in the tray without its window (used by "start at login").
pub const HIDDEN_ARG: &str = "--hidden";

/// Builds and runs the app until the user quits. Returns an error only if Tauri cannot start
/// (no display, no WebKit, a broken bundled config).
pub fn run() -> tauri::Result<()> {
    let start_quick = std::env::args_os().any(|arg| arg == quick::QUICK_ARG);
    let start_hidden = start_quick || std::env::args_os().any(|arg| arg == HIDDEN_ARG);
    let app = tauri::Builder::default()
        // First: a second launch focuses this instance instead of starting another.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            if argv.iter().any(|arg| arg == quick::QUICK_ARG) {
                quick::show(app);
            } else {
                window::show(app);
            }
        }))
        .plugin(tauri_plugin_autostart::init(
            MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN_ARG]),
        ))
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::from_env())
        .manage(shortcut::ShortcutSlot::default())
        .manage(quick::QuickBox::default())
        .invoke_handler(tauri::generate_handler![
            commands::list_accounts,
            commands::next_hotp,
            commands::copy_code,
            commands::add_uri,
            commands::add_manual,
            commands::rename_account,
            commands::delete_account,
            commands::undo_delete,
            commands::move_account,
            commands::set_list_view,
            commands::reveal_account,
            commands::copy_revealed_uri,
            commands::import_load,
            commands::import_pick,
            commands::import_cancel,
            commands::import_formats,
            commands::import_clipboard,
            commands::import_screenshot,
            commands::import_preview,
            commands::import_apply,
            commands::export_backup,
            commands::get_settings,
            commands::set_settings,
            commands::enroll_defaults,
            commands::enroll_start,
            commands::enroll_resume,
            commands::cognito_prove,
            commands::cognito_reenroll,
            commands::cognito_disable_mfa,
            commands::enroll_next_event,
            commands::enroll_answer,
            commands::enroll_cancel,
            commands::next_vault_change,
            commands::ui_ready,
            commands::quick_hide,
            commands::shortcut_status,
        ])
        // The window's page followed the enrolment: without it nobody would read its events.
        .on_window_event(|window, event| match event {
            WindowEvent::Destroyed if window.label() == window::MAIN => {
                window.state::<AppState>().enrolment.abandon();
                window::in_dock(window.app_handle(), false);
            }
            WindowEvent::Focused(focused) if window.label() == quick::QUICK => {
                quick::focus_changed(window.app_handle(), *focused);
            }
            // Closing the quick box (Alt+F4) hides it: it stays prepared.
            WindowEvent::CloseRequested { api, .. } if window.label() == quick::QUICK => {
                api.prevent_close();
                quick::hide(window.app_handle());
            }
            _ => {}
        })
        .setup(move |app| {
            // The window first: the tray (a D-Bus registration) can wait a few milliseconds.
            let hidden = start_hidden || app.state::<AppState>().settings.settings().start_hidden;
            if hidden {
                window::in_dock(app.handle(), false);
            } else {
                window::show(app.handle());
            }
            tray::create(app.handle())?;
            watch::start(app.handle());
            let settings = app.state::<AppState>().settings.settings();
            shortcut::apply(app.handle(), &settings);
            if start_quick {
                quick::show(app.handle());
            } else if hidden && settings.quick_shortcut_enabled {
                // No window to paint first; with one, the box waits for its first codes
                // (`ui_ready`), so that its webview does not compete with them.
                quick::prepare(app.handle());
            }
            Ok(())
        })
        .build(tauri::generate_context!())?;
    app.run(|app, event| match event {
        // The last window closed: stay in the tray (its webview is gone, and its memory with
        // it). Only Quit, or a signal, ends the app.
        RunEvent::ExitRequested {
            code: None, api, ..
        } if !app.state::<AppState>().is_quitting() => {
            api.prevent_exit();
        }
        RunEvent::Exit => {
            let state = app.state::<AppState>();
            state.finish_all_deletes();
            state.copier.clear_now();
        }
        _ => {}
    });
    Ok(())
}
