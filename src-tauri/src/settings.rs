//! The app's own settings and the Cognito pools it remembers, in `settings.json` in the
//! platform config folder (`$XDG_CONFIG_HOME/cogauth` on Linux).
//!
//! Nothing secret is written here: a pool is remembered by region, pool id, client id and
//! endpoint, and only whether its app client has a secret (the wizard asks for it again). A file
//! that cannot be read is reported once on stderr and the defaults are used; it is not
//! overwritten until the user saves settings.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cogauth_core::{ListOrder, atomic_file};
use serde::{Deserialize, Serialize};

use crate::error::CommandError;

/// Seconds a copied code stays on the clipboard unless the user chose otherwise.
pub const DEFAULT_CLEAR_SECONDS: u32 = 30;
/// The clipboard timeout's bounds, in seconds.
pub const CLEAR_SECONDS_RANGE: std::ops::RangeInclusive<u32> = 5..=600;
/// Accounts listed in the tray menu unless the user chose otherwise.
pub const DEFAULT_TRAY_ACCOUNTS: u32 = 8;
/// The most accounts the tray menu lists (a longer menu stops being quick).
pub const MAX_TRAY_ACCOUNTS: u32 = 20;

/// What the user can change in the settings view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Seconds before a copied code is cleared from the clipboard.
    pub clipboard_clear_seconds: u32,
    /// Start in the tray without opening the window.
    pub start_hidden: bool,
    /// Start when the user logs in.
    pub autostart: bool,
    /// How many accounts the tray menu lists before "More…".
    pub tray_accounts: u32,
    /// Light, dark, or the system's preference.
    pub theme: Theme,
    /// Whether the system-wide shortcut opens the quick box.
    pub quick_shortcut_enabled: bool,
    /// The quick box's shortcut, as [`crate::shortcut::canonical`] spells it.
    pub quick_shortcut: String,
}

/// The window's appearance: the page gets it before its first paint (ui/theme.js), the
/// window's frame through Tauri.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// The desktop's preference (on Linux, GTK's dark-theme preference).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The setting's name, as stored and as the page reads it.
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The theme to ask Tauri for: `None` follows the system.
    pub fn window_theme(self) -> Option<tauri::Theme> {
        match self {
            Theme::System => None,
            Theme::Light => Some(tauri::Theme::Light),
            Theme::Dark => Some(tauri::Theme::Dark),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_seconds: DEFAULT_CLEAR_SECONDS,
            start_hidden: false,
            autostart: false,
            tray_accounts: DEFAULT_TRAY_ACCOUNTS,
            theme: Theme::System,
            quick_shortcut_enabled: true,
            quick_shortcut: crate::shortcut::DEFAULT_SHORTCUT.to_owned(),
        }
    }
}

impl Settings {
    /// Checks the values the user typed, naming the field of the first bad one.
    pub fn validate(&self) -> Result<(), CommandError> {
        if !CLEAR_SECONDS_RANGE.contains(&self.clipboard_clear_seconds) {
            return Err(CommandError::invalid(
                "clipboard_clear_seconds",
                format!(
                    "the clipboard is cleared after {} to {} seconds",
                    CLEAR_SECONDS_RANGE.start(),
                    CLEAR_SECONDS_RANGE.end()
                ),
            ));
        }
        if self.tray_accounts > MAX_TRAY_ACCOUNTS {
            return Err(CommandError::invalid(
                "tray_accounts",
                format!("the tray lists at most {MAX_TRAY_ACCOUNTS} accounts"),
            ));
        }
        crate::shortcut::parse(&self.quick_shortcut)
            .map_err(|reason| CommandError::invalid("quick_shortcut", reason))?;
        Ok(())
    }

    /// The settings checked, with the shortcut in its one spelling.
    pub fn normalized(mut self) -> Result<Self, CommandError> {
        self.validate()?;
        if let Ok((_, keys)) = crate::shortcut::parse(&self.quick_shortcut) {
            self.quick_shortcut = keys;
        }
        Ok(self)
    }
}

/// A user pool the wizard was used with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedPool {
    /// AWS region.
    pub region: String,
    /// User pool id.
    pub user_pool_id: String,
    /// App client id.
    pub client_id: String,
    /// Endpoint override, if any.
    pub endpoint: Option<String>,
    /// Whether the app client has a secret (not stored).
    pub has_client_secret: bool,
}

/// How the account list is shown: chosen in the list itself and remembered here, apart from
/// the settings form (which saves [`Settings`] whole and so never resets it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListView {
    /// The order the list is shown in; the stored (manual) order stays as it is.
    pub order: ListOrder,
    /// How tall the rows are.
    pub density: Density,
}

/// The account list's row height.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Density {
    /// Rows of about 3 rem: issuer and label on two lines.
    #[default]
    Comfortable,
    /// Rows of about 2.5 rem: issuer and label on one line.
    Compact,
}

/// The file's content.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
struct SettingsFile {
    settings: Settings,
    pools: Vec<RememberedPool>,
    list: ListView,
}

/// The settings in memory and where they are saved.
pub struct SettingsStore {
    path: Option<PathBuf>,
    file: Mutex<SettingsFile>,
}

impl SettingsStore {
    /// Loads `settings.json` from the platform config folder (or `COGAUTH_CONFIG_DIR`).
    pub fn load() -> Self {
        let dir = std::env::var_os("COGAUTH_CONFIG_DIR")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs::config_dir().map(|dir| dir.join("cogauth")));
        Self::at(dir.map(|dir| dir.join("settings.json")))
    }

    /// Loads the settings file at `path` (`None`: defaults, never saved).
    pub fn at(path: Option<PathBuf>) -> Self {
        let file = path.as_deref().map(read).unwrap_or_default();
        SettingsStore {
            path,
            file: Mutex::new(file),
        }
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.lock().settings.clone()
    }

    /// How the account list is shown.
    pub fn list_view(&self) -> ListView {
        self.lock().list
    }

    /// Saves how the account list is shown.
    pub fn set_list_view(&self, view: ListView) -> Result<ListView, CommandError> {
        let mut file = self.lock();
        let mut next = file.clone();
        next.list = view;
        self.save(&next)?;
        *file = next;
        Ok(view)
    }

    /// The remembered pools, most recent first.
    pub fn pools(&self) -> Vec<RememberedPool> {
        self.lock().pools.clone()
    }

    /// Validates and saves new settings.
    pub fn set(&self, settings: Settings) -> Result<Settings, CommandError> {
        let settings = settings.normalized()?;
        let mut file = self.lock();
        let mut next = file.clone();
        next.settings = settings.clone();
        self.save(&next)?;
        *file = next;
        Ok(settings)
    }

    /// Puts `pool` first in the remembered pools (once; at most ten are kept).
    pub fn remember(&self, pool: RememberedPool) -> Result<(), CommandError> {
        let mut file = self.lock();
        let mut next = file.clone();
        next.pools.retain(|p| {
            (&p.user_pool_id, &p.client_id, &p.endpoint)
                != (&pool.user_pool_id, &pool.client_id, &pool.endpoint)
        });
        next.pools.insert(0, pool);
        next.pools.truncate(10);
        self.save(&next)?;
        *file = next;
        Ok(())
    }

    fn save(&self, file: &SettingsFile) -> Result<(), CommandError> {
        let Some(path) = &self.path else {
            return Err(CommandError::Settings(
                "no config folder is known (no home directory)".to_owned(),
            ));
        };
        let json = serde_json::to_vec_pretty(file)
            .map_err(|error| CommandError::Settings(error.to_string()))?;
        if let Some(dir) = path.parent() {
            atomic_file::create_private_dir(dir)
                .map_err(|error| CommandError::Settings(format!("{}: {error}", dir.display())))?;
        }
        atomic_file::write_private(path, &json)
            .map_err(|error| CommandError::Settings(format!("{}: {error}", path.display())))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SettingsFile> {
        // A panic while holding the lock cannot leave the plain data half-changed.
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn read(path: &Path) -> SettingsFile {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return SettingsFile::default();
        }
        Err(error) => {
            eprintln!(
                "cogauth-app: {}: {error}; using default settings",
                path.display()
            );
            return SettingsFile::default();
        }
    };
    match serde_json::from_slice::<SettingsFile>(&bytes) {
        Ok(file) if file.settings.validate().is_ok() => file,
        Ok(_) => {
            eprintln!(
                "cogauth-app: {}: values out of range; using default settings",
                path.display()
            );
            SettingsFile::default()
        }
        Err(error) => {
            eprintln!(
                "cogauth-app: {}: {error}; using default settings",
                path.display()
            );
            SettingsFile::default()
        }
    }
}

/// Checks `settings`, applies "start at login", saves them, then applies the appearance and
/// the tray's account count. If they cannot be saved, start at login goes back to what the
/// saved settings say, so the system and the file never disagree. Blocking (file I/O).
pub fn apply(app: &tauri::AppHandle, settings: Settings) -> Result<Settings, CommandError> {
    use tauri::Manager as _;
    use tauri_plugin_autostart::ManagerExt as _;

    let settings = settings.normalized()?;
    let store = &app.state::<crate::state::AppState>().settings;
    let was_autostart = store.settings().autostart;
    let wants_autostart = settings.autostart;
    // Acting outside the vault needs the user's own yes, which a script in the page cannot
    // give: nothing is saved if they say no.
    if wants_autostart && !was_autostart {
        crate::confirm::ask(
            app,
            "Start CogAuth when you log in?",
            "CogAuth will start in the tray each time you log in to this computer.",
            "Start at login",
        )?;
    }
    let set_autostart = |on: bool| {
        let autolaunch = app.autolaunch();
        if on {
            autolaunch.enable()
        } else {
            autolaunch.disable()
        }
    };
    // Disabling what was never enabled is not a failure.
    if let (true, Err(error)) = (wants_autostart, set_autostart(wants_autostart)) {
        return Err(CommandError::Settings(format!(
            "start at login could not be enabled: {error}"
        )));
    }
    let saved = store.set(settings);
    if saved.is_err() && was_autostart != wants_autostart {
        let _ = set_autostart(was_autostart);
    }
    let saved = saved?;
    crate::window::apply_theme(app);
    crate::tray::refresh(app);
    let handle = app.clone();
    let applied = saved.clone();
    // The plugin registers on the main thread (macOS requires it); Settings reads the status
    // it leaves.
    let (done, wait) = std::sync::mpsc::channel();
    let scheduled = app.run_on_main_thread(move || {
        crate::shortcut::apply(&handle, &applied);
        if applied.quick_shortcut_enabled {
            crate::quick::prepare(&handle);
        } else {
            crate::quick::release(&handle);
        }
        let _ = done.send(());
    });
    if scheduled.is_ok() {
        let _ = wait.recv();
    }
    Ok(saved)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_name_the_page_reads_is_the_stored_one() {
        for theme in [Theme::System, Theme::Light, Theme::Dark] {
            let stored = serde_json::to_value(theme).expect("serialises");
            assert_eq!(stored, serde_json::Value::from(theme.name()));
        }
    }

    fn pool(id: &str) -> RememberedPool {
        RememberedPool {
            region: "eu-west-1".to_owned(),
            user_pool_id: id.to_owned(),
            client_id: "client".to_owned(),
            endpoint: None,
            has_client_secret: true,
        }
    }

    #[test]
    fn the_list_view_is_remembered_and_saving_the_settings_form_keeps_it() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("settings.json");
        let store = SettingsStore::at(Some(path.clone()));
        assert_eq!(store.list_view(), ListView::default());
        let view = ListView {
            order: ListOrder::Recent,
            density: Density::Compact,
        };
        store.set_list_view(view).expect("saves");
        store.set(Settings::default()).expect("saves");
        assert_eq!(SettingsStore::at(Some(path)).list_view(), view);
        let json = serde_json::to_value(view).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({"order": "recent", "density": "compact"})
        );
    }

    #[test]
    fn settings_round_trip_and_out_of_range_values_are_refused() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("cfg").join("settings.json");
        let store = SettingsStore::at(Some(path.clone()));
        assert_eq!(store.settings(), Settings::default());
        let chosen = Settings {
            clipboard_clear_seconds: 5,
            start_hidden: true,
            autostart: false,
            tray_accounts: 3,
            theme: Theme::Dark,
            quick_shortcut_enabled: false,
            quick_shortcut: "Shift+Super+Q".to_owned(),
        };
        store.set(chosen.clone()).expect("valid settings save");
        assert_eq!(SettingsStore::at(Some(path.clone())).settings(), chosen);

        let too_short = Settings {
            clipboard_clear_seconds: 1,
            ..chosen.clone()
        };
        let error = store.set(too_short).expect_err("1 s is refused");
        assert_eq!(error.field(), Some("clipboard_clear_seconds"));
        let no_modifier = Settings {
            quick_shortcut: "Shift+Q".to_owned(),
            ..chosen.clone()
        };
        let error = store.set(no_modifier).expect_err("Shift+Q is refused");
        assert_eq!(error.field(), Some("quick_shortcut"));
        assert_eq!(SettingsStore::at(Some(path.clone())).settings(), chosen);

        let typed = Settings {
            quick_shortcut: "alt+ctrl+k".to_owned(),
            ..chosen
        };
        let saved = store.set(typed).expect("a shortcut in any spelling saves");
        assert_eq!(saved.quick_shortcut, "Ctrl+Alt+K");
        assert_eq!(
            SettingsStore::at(Some(path)).settings().quick_shortcut,
            "Ctrl+Alt+K"
        );
    }

    #[test]
    fn a_corrupt_file_gives_defaults_and_is_left_alone() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{not json").expect("write");
        let store = SettingsStore::at(Some(path.clone()));
        assert_eq!(store.settings(), Settings::default());
        assert_eq!(std::fs::read(&path).expect("read"), b"{not json");
    }

    #[test]
    fn pools_are_remembered_most_recent_first_without_secrets() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("settings.json");
        let store = SettingsStore::at(Some(path.clone()));
        store.remember(pool("eu-west-1_a")).expect("saved");
        store.remember(pool("eu-west-1_b")).expect("saved");
        store.remember(pool("eu-west-1_a")).expect("saved");
        let ids: Vec<String> = SettingsStore::at(Some(path.clone()))
            .pools()
            .into_iter()
            .map(|p| p.user_pool_id)
            .collect();
        assert_eq!(ids, ["eu-west-1_a", "eu-west-1_b"]);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            !text.contains("secret\":\""),
            "no secret value is written: {text}"
        );
    }
}
