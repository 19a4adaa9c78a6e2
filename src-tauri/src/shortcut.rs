//! The system-wide shortcut that opens the quick box ([`crate::quick`]).
//!
//! Where it comes from depends on the session:
//! - X11, macOS and Windows: Tauri's global-shortcut plugin grabs the keys. The plugin is added
//!   only once a shortcut is on, so a user who turned it off pays for nothing (on X11 the plugin
//!   keeps an X connection and a thread that looks for key events every 50 ms).
//! - Wayland: applications cannot grab keys. The XDG desktop portal's `GlobalShortcuts`
//!   interface binds them when the desktop offers it ([`crate::portal`]); otherwise Settings
//!   says why there is no shortcut and how to bind `cogauth-app --quick` in the desktop's own
//!   keyboard settings.
//!
//! The shortcut's text is checked here, once: Settings stores it as [`canonical`] writes it.

use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_global_shortcut::{Code, GlobalShortcutExt, Modifiers, Shortcut, ShortcutState};

use crate::settings::Settings;

/// The shortcut a new user gets.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Alt+C";

/// The command a desktop's own shortcut settings can run instead.
pub const QUICK_COMMAND: &str = "cogauth-app --quick";

/// Parses a shortcut such as `Ctrl+Alt+C`: modifiers first, one key last. At least Ctrl, Alt or
/// Super must be held, so that typing never triggers it. Returns the shortcut and its text as
/// Settings stores it, or why it was refused.
pub fn parse(text: &str) -> Result<(Shortcut, String), String> {
    let shortcut: Shortcut = text.trim().parse().map_err(|_| {
        format!(
            "'{}' is not a shortcut such as {DEFAULT_SHORTCUT}",
            text.trim()
        )
    })?;
    let holds = Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER;
    if !shortcut.mods.intersects(holds) {
        return Err(
            "a shortcut needs Ctrl, Alt or Super, so that typing cannot set it off".to_owned(),
        );
    }
    if is_modifier(shortcut.key) {
        return Err("a shortcut needs a key besides the modifiers".to_owned());
    }
    Ok((shortcut, canonical(&shortcut)))
}

/// The shortcut's text as shown and stored: `Ctrl+Alt+Shift+Super+Key`, keys named as on the
/// keyboard (`C`, `7`, `F5`, `Space`).
pub fn canonical(shortcut: &Shortcut) -> String {
    let mut parts: Vec<String> = [
        (Modifiers::CONTROL, "Ctrl"),
        (Modifiers::ALT, "Alt"),
        (Modifiers::SHIFT, "Shift"),
        (Modifiers::SUPER, "Super"),
    ]
    .into_iter()
    .filter(|(modifier, _)| shortcut.mods.contains(*modifier))
    .map(|(_, name)| name.to_owned())
    .collect();
    let key = shortcut.key.to_string();
    let key = key
        .strip_prefix("Key")
        .or_else(|| key.strip_prefix("Digit"))
        .unwrap_or(&key);
    parts.push(key.to_owned());
    parts.join("+")
}

fn is_modifier(code: Code) -> bool {
    matches!(
        code,
        Code::ControlLeft
            | Code::ControlRight
            | Code::AltLeft
            | Code::AltRight
            | Code::ShiftLeft
            | Code::ShiftRight
            | Code::MetaLeft
            | Code::MetaRight
    )
}

/// Where the shortcut comes from in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Tauri's global-shortcut plugin (X11, macOS, Windows).
    Plugin,
    /// A Wayland session: the desktop portal, if it offers global shortcuts.
    Wayland,
}

/// This session's backend, from the environment GTK reads: a Wayland display that GTK would
/// use (`GDK_BACKEND` not forcing X11).
pub fn backend() -> Backend {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    backend_for(&var("WAYLAND_DISPLAY"), &var("GDK_BACKEND"))
}

fn backend_for(wayland_display: &str, gdk_backend: &str) -> Backend {
    let wayland = cfg!(target_os = "linux")
        && !wayland_display.is_empty()
        && !gdk_backend.trim_start().starts_with("x11");
    if wayland {
        Backend::Wayland
    } else {
        Backend::Plugin
    }
}

/// What Settings shows about the shortcut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// `on`, `off` (the user's choice), `waiting` (for the desktop to confirm), or
    /// `unavailable` (this session cannot have it; see `message`).
    pub state: &'static str,
    /// The shortcut that works now, as the desktop knows it.
    pub keys: Option<String>,
    /// Why it is unavailable and what to do instead, or a note (e.g. the portal's own
    /// binding).
    pub message: Option<String>,
    /// The command that opens the quick box, for the desktop's own shortcut settings.
    pub command: &'static str,
}

impl Status {
    /// The shortcut works: `keys` open the quick box.
    pub fn on(keys: String, message: Option<String>) -> Self {
        Status {
            state: "on",
            keys: Some(keys),
            message,
            command: QUICK_COMMAND,
        }
    }

    fn off() -> Self {
        Status {
            state: "off",
            keys: None,
            message: None,
            command: QUICK_COMMAND,
        }
    }

    /// The desktop has been asked and has not answered yet.
    pub fn waiting() -> Self {
        Status {
            state: "waiting",
            keys: None,
            message: Some("Waiting for the desktop to confirm the shortcut.".to_owned()),
            command: QUICK_COMMAND,
        }
    }

    /// The shortcut cannot work in this session, for `why`.
    pub fn unavailable(why: impl Into<String>) -> Self {
        Status {
            state: "unavailable",
            keys: None,
            message: Some(why.into()),
            command: QUICK_COMMAND,
        }
    }
}

/// The shortcut as applied: what is registered with the plugin, and what Settings shows.
pub struct ShortcutSlot {
    registered: Mutex<Option<Shortcut>>,
    status: Mutex<Status>,
    #[cfg(target_os = "linux")]
    portal: crate::portal::PortalSlot,
}

impl Default for ShortcutSlot {
    fn default() -> Self {
        ShortcutSlot {
            registered: Mutex::default(),
            status: Mutex::new(Status::off()),
            #[cfg(target_os = "linux")]
            portal: crate::portal::PortalSlot::default(),
        }
    }
}

impl ShortcutSlot {
    /// What Settings shows.
    pub fn status(&self) -> Status {
        crate::state::lock(&self.status).clone()
    }

    /// The portal session (Wayland).
    #[cfg(target_os = "linux")]
    pub fn portal(&self) -> &crate::portal::PortalSlot {
        &self.portal
    }

    /// Records what Settings shows.
    pub fn set_status(&self, status: Status) {
        *crate::state::lock(&self.status) = status;
    }
}

/// Applies the shortcut settings: registers the chosen keys (replacing the previous ones) or
/// none. Runs on the main thread (macOS requires it of the plugin); a failure is kept in the
/// status for Settings and reported on stderr, never fatal.
pub fn apply(app: &AppHandle, settings: &Settings) {
    let slot = app.state::<ShortcutSlot>();
    let wanted = settings
        .quick_shortcut_enabled
        .then(|| parse(&settings.quick_shortcut).ok())
        .flatten();
    let status = match backend() {
        Backend::Plugin => apply_plugin(app, &slot, wanted),
        Backend::Wayland => apply_portal(app, &slot, wanted),
    };
    if let Some(message) = status
        .message
        .as_deref()
        .filter(|_| status.state == "unavailable")
    {
        eprintln!("cogauth-app: no quick-box shortcut: {message}");
    }
    slot.set_status(status);
}

#[cfg(target_os = "linux")]
fn apply_portal(
    app: &AppHandle,
    slot: &ShortcutSlot,
    wanted: Option<(Shortcut, String)>,
) -> Status {
    match wanted {
        None => {
            slot.portal.stop();
            Status::off()
        }
        Some((_, keys)) => slot.portal.bind(app, &keys),
    }
}

/// Wayland is a Linux session ([`backend_for`]).
#[cfg(not(target_os = "linux"))]
fn apply_portal(_: &AppHandle, _: &ShortcutSlot, _: Option<(Shortcut, String)>) -> Status {
    Status::off()
}

/// Why a Wayland session has no shortcut (`why` follows "and"), and what to do instead.
pub fn wayland_unavailable(why: &str) -> Status {
    Status::unavailable(format!(
        "In a Wayland session applications cannot listen for keys themselves, and {why}. \
         Bind the command {QUICK_COMMAND} to a key in your desktop's keyboard settings instead."
    ))
}

fn apply_plugin(
    app: &AppHandle,
    slot: &ShortcutSlot,
    wanted: Option<(Shortcut, String)>,
) -> Status {
    let mut registered = crate::state::lock(&slot.registered);
    if registered.as_ref() == wanted.as_ref().map(|(shortcut, _)| shortcut) {
        return slot.status();
    }
    if let Some(previous) = registered.take()
        && let Err(error) = app.global_shortcut().unregister(previous)
    {
        eprintln!("cogauth-app: the previous shortcut was not released: {error}");
    }
    let Some((shortcut, keys)) = wanted else {
        return Status::off();
    };
    if app
        .try_state::<tauri_plugin_global_shortcut::GlobalShortcut<tauri::Wry>>()
        .is_none()
    {
        let plugin = tauri_plugin_global_shortcut::Builder::new()
            .with_handler(|app, _shortcut, event| {
                if event.state() == ShortcutState::Pressed {
                    crate::quick::show(app);
                }
            })
            .build();
        if let Err(error) = app.plugin(plugin) {
            return Status::unavailable(format!(
                "system-wide shortcuts could not be set up: {error}"
            ));
        }
    }
    match app.global_shortcut().register(shortcut) {
        Ok(()) => {
            *registered = Some(shortcut);
            Status::on(keys, None)
        }
        Err(error) => Status::unavailable(format!(
            "{keys} could not be claimed ({error}); another program may use it. \
             Choose other keys, or bind the command {QUICK_COMMAND} in your desktop's keyboard settings."
        )),
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_stored_in_one_spelling() {
        for (typed, stored) in [
            ("Ctrl+Alt+C", "Ctrl+Alt+C"),
            ("ctrl+alt+c", "Ctrl+Alt+C"),
            (" alt+control+KeyC ", "Ctrl+Alt+C"),
            ("Super+Shift+7", "Shift+Super+7"),
            ("Ctrl+F5", "Ctrl+F5"),
            ("Alt+Space", "Alt+Space"),
        ] {
            let (_, text) = parse(typed).expect(typed);
            assert_eq!(text, stored, "{typed}");
            assert_eq!(parse(&text).expect("the stored text parses").1, text);
        }
    }

    #[test]
    fn fail_shortcuts_that_typing_could_set_off_or_that_are_not_shortcuts() {
        for typed in [
            "C",
            "Shift+C",
            "",
            "Ctrl+",
            "Ctrl+Alt",
            "Ctrl+Alt+C+D",
            "Ctrl+Nope",
            "Ctrl+Shift",
        ] {
            assert!(parse(typed).is_err(), "{typed:?} is refused");
        }
    }

    #[test]
    fn wayland_is_told_by_gtk_s_own_variables() {
        let on_linux = if cfg!(target_os = "linux") {
            Backend::Wayland
        } else {
            Backend::Plugin
        };
        assert_eq!(backend_for("wayland-0", ""), on_linux);
        assert_eq!(backend_for("wayland-0", "wayland,x11"), on_linux);
        assert_eq!(backend_for("wayland-0", "x11"), Backend::Plugin);
        assert_eq!(backend_for("", ""), Backend::Plugin);
    }
}
