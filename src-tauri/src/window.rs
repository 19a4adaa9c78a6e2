//! The main window's life: shown on demand, destroyed when closed (its webview's memory goes
//! with it while the app waits in the tray), and the app's exit.

use tauri::{AppHandle, Manager, WebviewWindowBuilder};

use crate::state::AppState;

/// The main window's label (the capabilities name it).
pub const MAIN: &str = "main";

/// Shows the main window, creating it from the configuration if it is not open.
pub fn show(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN) else {
        eprintln!("cogauth-app: tauri.conf.json has no '{MAIN}' window");
        return;
    };
    let theme = app.state::<AppState>().settings.settings().theme;
    // Runs before the page's own scripts: ui/theme.js reads it before the first paint.
    let tell_page = format!("window.__COGAUTH_THEME__ = \"{}\";", theme.name());
    let built = WebviewWindowBuilder::from_config(app, config).and_then(|b| {
        b.theme(theme.window_theme())
            .initialization_script(tell_page)
            .build()
    });
    match built {
        Ok(_) => {
            app.state::<AppState>().mark("shell_window_built");
            // The page's first ask for the list finds it ready (or being computed).
            let app = app.clone();
            tauri::async_runtime::spawn_blocking(move || {
                app.state::<AppState>()
                    .prefetch(crate::commands::account_list);
            });
        }
        Err(error) => eprintln!("cogauth-app: the window could not be opened: {error}"),
    }
}

/// Applies the appearance setting to the open window.
pub fn apply_theme(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let theme = app
            .state::<AppState>()
            .settings
            .settings()
            .theme
            .window_theme();
        if let Err(error) = window.set_theme(theme) {
            eprintln!("cogauth-app: the appearance was not applied: {error}");
        }
    }
}

/// Quits for real: removes accounts whose deletion was not undone, clears a code of ours from
/// the clipboard, and exits.
pub fn quit(app: &AppHandle) {
    let state = app.state::<AppState>();
    state
        .quitting
        .store(true, std::sync::atomic::Ordering::SeqCst);
    state.finish_all_deletes();
    state.copier.clear_now();
    app.exit(0);
}
