//! The main window's life: shown on demand, destroyed when closed (its webview's memory goes
//! with it while the app waits in the tray), and the app's exit.

use tauri::{AppHandle, Manager, WebviewWindow, WebviewWindowBuilder};

use crate::state::AppState;

/// The main window's label (the capabilities name it).
pub const MAIN: &str = "main";

/// Shows the main window, creating it from the configuration if it is not open.
pub fn show(app: &AppHandle) {
    in_dock(app, true);
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    match build(app, MAIN) {
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

/// Builds the window `label` of `tauri.conf.json`, with the page told the appearance before
/// its first paint and held to the app's own origin. Used for the main window and the quick
/// box.
pub fn build(app: &AppHandle, label: &str) -> tauri::Result<WebviewWindow> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == label) else {
        return Err(tauri::Error::WindowNotFound);
    };
    let theme = app.state::<AppState>().settings.settings().theme;
    // Runs before the page's own scripts: ui/theme.js reads it before the first paint.
    let tell_page = format!("window.__COGAUTH_THEME__ = \"{}\";", theme.name());
    WebviewWindowBuilder::from_config(app, config)?
        .theme(theme.window_theme())
        .initialization_script(tell_page)
        // The page never leaves the app, and opens no window: a script that got into it
        // cannot take the user (or the IPC) to another origin.
        .on_navigation(|url| {
            let allowed = is_app_url(url);
            if !allowed {
                eprintln!("cogauth-app: navigation to another origin refused");
            }
            allowed
        })
        .on_new_window(|_, _| tauri::webview::NewWindowResponse::Deny)
        .build()
}

/// macOS: a Dock icon and the app menu while the window is open, the menu-bar icon alone
/// while the app waits there (what `LSUIElement` in Info.plist would make permanent: a
/// window without a Dock icon cannot be found with Cmd+Tab). Elsewhere the tray icon is all
/// there is to switch.
#[cfg(target_os = "macos")]
pub fn in_dock(app: &AppHandle, visible: bool) {
    let policy = if visible {
        tauri::ActivationPolicy::Regular
    } else {
        tauri::ActivationPolicy::Accessory
    };
    if let Err(error) = app.set_activation_policy(policy) {
        eprintln!("cogauth-app: the Dock icon could not be switched: {error}");
    }
}

/// macOS only (see there).
#[cfg(not(target_os = "macos"))]
pub fn in_dock(_app: &AppHandle, _visible: bool) {}

/// Whether `url` is the app's own page: `tauri://localhost/…` (Linux, macOS) or
/// `http(s)://tauri.localhost/…` (Windows), where Tauri serves `ui/`.
pub fn is_app_url(url: &tauri::Url) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => url.port().is_none(),
        _ => false,
    }
}

/// Applies the appearance setting to the open windows.
pub fn apply_theme(app: &AppHandle) {
    for window in [MAIN, crate::quick::QUICK]
        .into_iter()
        .filter_map(|label| app.get_webview_window(label))
    {
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

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::is_app_url;

    fn allowed(text: &str) -> bool {
        is_app_url(&tauri::Url::parse(text).expect("a URL"))
    }

    #[test]
    fn only_the_apps_own_pages_may_be_navigated_to() {
        assert!(allowed("tauri://localhost/"));
        assert!(allowed("tauri://localhost/index.html#add"));
        assert!(allowed("http://tauri.localhost/index.html"));
        assert!(allowed("https://tauri.localhost/"));
    }

    #[test]
    fn fail_any_other_origin_is_refused() {
        for url in [
            "https://example.com/",
            "http://localhost:8080/",
            "tauri://evil.example/",
            "http://tauri.localhost:8080/",
            "https://tauri.localhost.evil.example/",
            "file:///etc/passwd",
            "data:text/html,<script>1</script>",
            "javascript:alert(1)",
            "about:blank",
        ] {
            assert!(!allowed(url), "{url}");
        }
    }
}
