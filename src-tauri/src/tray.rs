//! The tray icon and its menu: the first accounts (one click copies the current code), "More…",
//! "Show CogAuth" and "Quit".
//!
//! The menu is a plain model ([`model`]) turned into Tauri menu items by [`refresh`], and menu
//! ids are parsed back by [`action`]; both halves are pure and tested here, since a tray menu
//! cannot be clicked in a headless session.

use std::collections::HashSet;
use std::sync::Mutex;

use cogauth_core::{Account, AccountId, AccountState};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::state::{AppState, lock};

/// The tray icon's id.
const TRAY_ID: &str = "main";
const COPY_PREFIX: &str = "copy:";
const MORE_ID: &str = "more";
const SHOW_ID: &str = "show";
const QUIT_ID: &str = "quit";

/// One entry of the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayItem {
    /// Copies this account's current code.
    Copy {
        /// The account.
        id: AccountId,
        /// `Issuer — label`.
        text: String,
    },
    /// Opens the window (more accounts than the menu lists).
    More {
        /// How many accounts the menu leaves out.
        left_out: usize,
    },
    /// A separator line.
    Separator,
    /// Opens the window.
    Show,
    /// Quits the app.
    Quit,
}

/// What a click on a menu entry asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrayAction {
    /// Copy this account's code.
    Copy(AccountId),
    /// Show the window.
    Show,
    /// Quit.
    Quit,
}

impl TrayItem {
    /// The menu id Tauri reports when the entry is clicked.
    pub fn menu_id(&self) -> String {
        match self {
            TrayItem::Copy { id, .. } => format!("{COPY_PREFIX}{id}"),
            TrayItem::More { .. } => MORE_ID.to_owned(),
            TrayItem::Separator => String::new(),
            TrayItem::Show => SHOW_ID.to_owned(),
            TrayItem::Quit => QUIT_ID.to_owned(),
        }
    }

    /// The entry's text.
    pub fn text(&self) -> String {
        match self {
            TrayItem::Copy { text, .. } => text.clone(),
            TrayItem::More { left_out } => format!("More… ({left_out} more)"),
            TrayItem::Separator => String::new(),
            TrayItem::Show => "Show CogAuth".to_owned(),
            TrayItem::Quit => "Quit CogAuth".to_owned(),
        }
    }
}

/// The menu for `accounts` in stored order: the first `limit` active accounts that are not
/// being deleted, "More…" if some are left out, then "Show CogAuth" and "Quit".
pub fn model(accounts: &[Account], hidden: &HashSet<AccountId>, limit: usize) -> Vec<TrayItem> {
    let usable: Vec<&Account> = accounts
        .iter()
        .filter(|a| !hidden.contains(&a.id) && a.state == AccountState::Active)
        .collect();
    let mut items: Vec<TrayItem> = usable
        .iter()
        .take(limit)
        .map(|account| TrayItem::Copy {
            id: account.id.clone(),
            text: entry_text(account),
        })
        .collect();
    if usable.len() > limit {
        items.push(TrayItem::More {
            left_out: usable.len() - limit,
        });
    }
    if !items.is_empty() {
        items.push(TrayItem::Separator);
    }
    items.extend([TrayItem::Show, TrayItem::Quit]);
    items
}

/// What a click on the entry with `menu_id` asks for; `None` for ids that are not ours.
pub fn action(menu_id: &str) -> Option<TrayAction> {
    match menu_id {
        SHOW_ID | MORE_ID => Some(TrayAction::Show),
        QUIT_ID => Some(TrayAction::Quit),
        id => AccountId::parse(id.strip_prefix(COPY_PREFIX)?).map(TrayAction::Copy),
    }
}

/// `Issuer — label`, with `&` doubled (menus read a single `&` as a keyboard mnemonic).
fn entry_text(account: &Account) -> String {
    let text = if account.issuer.is_empty() {
        account.label.clone()
    } else {
        format!("{} — {}", account.issuer, account.label)
    };
    text.replace('&', "&&")
}

/// The menu last set on the tray, to skip rebuilding an unchanged one.
#[derive(Default)]
pub struct TrayState {
    shown: Mutex<Option<Vec<TrayItem>>>,
}

/// Creates the tray icon (with the menu of the current accounts).
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    app.manage(TrayState::default());
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(tray_icon()?)
        .icon_as_template(cfg!(target_os = "macos"))
        .tooltip("CogAuth")
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_click(app, event.id().as_ref()))
        .build(app)?;
    refresh(app);
    Ok(())
}

/// The icon each system draws well. Linux panels are mostly dark: the white silhouette. macOS
/// draws the same silhouette as a template image, in the menu bar's own colour (only its alpha
/// counts). Windows' notification area is light or dark with the taskbar's theme, where white
/// alone could vanish: the app's coloured icon.
fn tray_icon() -> tauri::Result<Image<'static>> {
    #[cfg(target_os = "windows")]
    let bytes = include_bytes!("../../icons/32x32.png");
    #[cfg(not(target_os = "windows"))]
    let bytes = include_bytes!("../../icons/tray.png");
    Image::from_bytes(bytes)
}

/// Rebuilds the tray menu if the accounts it lists changed. Reads the index: call it off the
/// UI thread.
pub fn refresh(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Ok(vault) = state.vault() else { return };
    let accounts = vault.accounts().unwrap_or_default();
    let limit = state.settings.settings().tray_accounts as usize;
    let items = model(&accounts, &state.deleting(), limit);
    // Menus are GTK objects: they are built and set on the main thread, which also puts
    // concurrent refreshes in order; no lock is held while waiting for that thread.
    let handle = app.clone();
    if let Err(error) = app.run_on_main_thread(move || show(&handle, items)) {
        eprintln!("cogauth-app: the tray menu was not updated: {error}");
    }
}

/// Sets the menu to `items` unless it shows them already. On the main thread.
fn show(app: &AppHandle, items: Vec<TrayItem>) {
    let Some(tray_state) = app.try_state::<TrayState>() else {
        return;
    };
    let mut shown = lock(&tray_state.shown);
    if shown.as_ref() == Some(&items) {
        return;
    }
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    match build_menu(app, &items).and_then(|menu| tray.set_menu(Some(menu))) {
        Ok(()) => *shown = Some(items),
        Err(error) => eprintln!("cogauth-app: the tray menu was not updated: {error}"),
    }
}

fn build_menu(app: &AppHandle, items: &[TrayItem]) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    for item in items {
        match item {
            TrayItem::Separator => menu.append(&PredefinedMenuItem::separator(app)?)?,
            item => menu.append(&MenuItem::with_id(
                app,
                item.menu_id(),
                item.text(),
                true,
                None::<&str>,
            )?)?,
        }
    }
    Ok(menu)
}

fn on_click(app: &AppHandle, menu_id: &str) {
    match action(menu_id) {
        Some(TrayAction::Copy(id)) => {
            let app = app.clone();
            // The keychain and the index are blocking I/O: off the UI thread.
            tauri::async_runtime::spawn_blocking(move || {
                let state = app.state::<AppState>();
                if let Err(error) = crate::codes::copy(&app, &state, &id) {
                    eprintln!("cogauth-app: the code was not copied: {error}");
                }
            });
        }
        Some(TrayAction::Show) => crate::window::show(app),
        Some(TrayAction::Quit) => crate::window::quit(app),
        None => {}
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use cogauth_core::{Algorithm, NewAccount, OtpKind, OtpParams, Secret, Vault};

    use super::*;
    use crate::clipboard::Copier;
    use crate::clipboard::tests::MemoryClipboard;
    use crate::codes;
    use crate::view::tests::MemoryStore;

    fn vault_with(names: &[(&str, &str)]) -> (tempfile::TempDir, Vault<MemoryStore>) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let vault = Vault::new(dir.path(), MemoryStore::default());
        for (issuer, label) in names {
            let params = OtpParams::new(OtpKind::Totp { period: 30 }, Algorithm::Sha1, 6)
                .expect("valid parameters");
            let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).expect("secret");
            vault
                .add(NewAccount::active(
                    (*issuer).to_owned(),
                    (*label).to_owned(),
                    params,
                    secret,
                ))
                .expect("added");
        }
        (dir, vault)
    }

    #[test]
    fn lists_the_first_accounts_then_more_show_and_quit() {
        let (_dir, vault) = vault_with(&[("A", "a"), ("B&Co", "b"), ("", "c")]);
        let accounts = vault.accounts().expect("listed");
        let items = model(&accounts, &HashSet::new(), 2);
        let texts: Vec<String> = items.iter().map(TrayItem::text).collect();
        assert_eq!(
            texts,
            [
                "A — a",
                "B&&Co — b",
                "More… (1 more)",
                "",
                "Show CogAuth",
                "Quit CogAuth"
            ]
        );
        assert_eq!(items[0].menu_id(), format!("copy:{}", accounts[0].id));
    }

    #[test]
    fn hides_accounts_being_deleted_and_pending_ones() {
        let (_dir, vault) = vault_with(&[("A", "a"), ("B", "b")]);
        let accounts = vault.accounts().expect("listed");
        let pending = vault
            .update(&accounts[1].id, |a| {
                a.state = AccountState::Pending {
                    pending_reason: "test".to_owned(),
                }
            })
            .expect("updated");
        let hidden = HashSet::from([accounts[0].id.clone()]);
        let items = model(&vault.accounts().expect("listed"), &hidden, 8);
        assert_eq!(items, [TrayItem::Show, TrayItem::Quit]);
        assert_eq!(pending.id, accounts[1].id);
    }

    #[test]
    fn menu_ids_map_back_to_actions() {
        assert_eq!(action("show"), Some(TrayAction::Show));
        assert_eq!(action("more"), Some(TrayAction::Show));
        assert_eq!(action("quit"), Some(TrayAction::Quit));
        assert_eq!(action("copy:not-an-id"), None);
        assert_eq!(action("something-else"), None);
    }

    #[test]
    fn clicking_an_account_copies_its_current_code() {
        let (_dir, vault) = vault_with(&[("A", "a"), ("B", "b")]);
        let accounts = vault.accounts().expect("listed");
        let items = model(&accounts, &HashSet::new(), 8);
        let Some(TrayAction::Copy(id)) = action(&items[1].menu_id()) else {
            panic!("the second entry copies");
        };
        assert_eq!(id, accounts[1].id);
        let memory = MemoryClipboard::default();
        let copier = Copier::new(Box::new(memory.clone()));
        // RFC 6238 appendix B, T = 59 s: 94287082, of which the last six digits.
        let (code, revealed) = codes::code_to_copy(&vault, &id, None, 59).expect("a code");
        copier.copy(&code.value).expect("copied");
        assert!(!revealed);
        assert_eq!(memory.0.lock().expect("lock").as_deref(), Some("287082"));
    }
}
