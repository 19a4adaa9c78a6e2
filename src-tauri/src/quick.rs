//! The quick box: a small search box at the front of the screen that copies one code and goes
//! away. The system-wide shortcut ([`crate::shortcut`]) and `cogauth-app --quick` open it, with
//! or without the main window.
//!
//! Its window is built hidden while the shortcut is on (kept prepared, so that it appears
//! without a webview's start-up; after the main window's first codes, or at start in the
//! tray), hidden again, not destroyed, after each use, and let go
//! when the shortcut is turned off. The page (`ui/quick.html`) is told it was opened through
//! [`OPENED_SCRIPT`]; it may call only the commands `capabilities/quick.json` lists.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager};

/// The quick box's window label (the capabilities name it).
pub const QUICK: &str = "quick";

/// The argument that opens the quick box (in the running instance, if there is one).
pub const QUICK_ARG: &str = "--quick";

/// What the page runs when the box is opened: it empties the search, fetches the accounts and
/// paints them.
const OPENED_SCRIPT: &str = "window.cogauthQuickOpened?.()";

/// What the shell remembers about the quick box between events.
#[derive(Default)]
pub struct QuickBox {
    /// When the box last got the keyboard since it was shown.
    focused_at: Mutex<Option<Instant>>,
}

/// How long the box must have held the keyboard before losing it hides it. Focus can flicker
/// while a window is mapped (without a window manager, X gives it back to the window under the
/// pointer at once); a person turning to another window takes longer.
const SETTLED: Duration = Duration::from_millis(300);

/// The quick box gained or lost the keyboard: it goes away when the user turns to another
/// window, as a menu does, once it had held the keyboard for [`SETTLED`].
pub fn focus_changed(app: &AppHandle, focused: bool) {
    let state = app.state::<QuickBox>();
    let since = {
        let mut focused_at = crate::state::lock(&state.focused_at);
        if focused {
            *focused_at = Some(Instant::now());
            return;
        }
        focused_at.take()
    };
    if since.is_some_and(|at| at.elapsed() >= SETTLED) {
        hide(app);
    }
}

/// Builds the quick box's window, hidden, if it is not built yet.
pub fn prepare(app: &AppHandle) {
    if app.get_webview_window(QUICK).is_none()
        && let Err(error) = crate::window::build(app, QUICK)
    {
        eprintln!("cogauth-app: the quick box could not be prepared: {error}");
    }
}

/// Lets the prepared box go (the shortcut was turned off): its webview's memory goes with it.
/// `--quick` builds it again when asked.
pub fn release(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(QUICK)
        && !window.is_visible().unwrap_or(true)
        && let Err(error) = window.destroy()
    {
        eprintln!("cogauth-app: the quick box was not released: {error}");
    }
}

/// Shows the quick box at the front, with focus in its search field.
pub fn show(app: &AppHandle) {
    prepare(app);
    let Some(window) = app.get_webview_window(QUICK) else {
        return;
    };
    let _ = window.center();
    *crate::state::lock(&app.state::<QuickBox>().focused_at) = None;
    let _ = window.show();
    let _ = window.set_focus();
    if let Err(error) = window.eval(OPENED_SCRIPT) {
        eprintln!("cogauth-app: the quick box was not told it opened: {error}");
    }
}

/// Hides the quick box (it stays prepared).
pub fn hide(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(QUICK) {
        let _ = window.hide();
    }
}
