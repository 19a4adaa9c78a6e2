//! The window and the tray follow the vault: when another program (the CLI, a second tool)
//! adds, renames or removes an account while the app runs, the app shows it within a second
//! instead of at its next refresh. One watcher on the data folder (inotify, FSEvents or
//! ReadDirectoryChangesW through `notify`); the page waits on the generation it bumps
//! ([`crate::commands::next_vault_change`]) and the tray rebuilds its menu.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{EventKind, ModifyKind};
use notify::{RecursiveMode, Watcher};
use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// How long the folder must stay quiet before a change is told: one atomic write of the index
/// is several events (a temporary file written, then renamed over the index).
const QUIET: Duration = Duration::from_millis(150);

/// Starts watching the vault's data folder on a thread of its own. Without a data folder, or
/// where the system refuses a watch, the app runs as before (changes show at the next refresh).
pub fn start(app: &AppHandle) {
    let Some(dir) = app.state::<AppState>().data_dir() else {
        return;
    };
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("vault-watch".into())
        .spawn(move || {
            if let Err(error) = watch(&app, &dir) {
                eprintln!(
                    "cogauth-app: changes made by other programs show at the next refresh only: {error}"
                );
            }
        });
    if let Err(error) = spawned {
        eprintln!("cogauth-app: the vault watcher did not start: {error}");
    }
}

fn watch(app: &AppHandle, dir: &Path) -> notify::Result<()> {
    // The folder exists from the first account on; a fresh vault's is made now, as core
    // makes it (owner-only), so that it can be watched.
    cogauth_core::atomic_file::create_private_dir(dir).map_err(notify::Error::io)?;
    let (events, changes) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(events)?;
    watcher.watch(dir, RecursiveMode::NonRecursive)?;
    while let Ok(first) = changes.recv() {
        let mut changed = is_change(&first);
        while let Ok(next) = changes.recv_timeout(QUIET) {
            changed |= is_change(&next);
        }
        if changed {
            app.state::<AppState>().vault_changed();
            crate::tray::refresh(app);
        }
    }
    Ok(())
}

/// Whether an event changed the folder's files. Reads are not changes: the app's own refresh
/// reads the index, and counting those would make every refresh cause the next.
fn is_change(event: &notify::Result<notify::Event>) -> bool {
    match event {
        Ok(event) => match event.kind {
            EventKind::Create(_) | EventKind::Remove(_) => true,
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            EventKind::Modify(_) => true,
            EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
        },
        // A lost event (the queue overflowed): refreshing costs less than missing a change.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, RenameMode};

    use super::*;

    fn event(kind: EventKind) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind))
    }

    #[test]
    fn writes_renames_and_removals_are_changes_and_reads_are_not() {
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Remove(notify::event::RemoveKind::File),
        ] {
            assert!(is_change(&event(kind)), "{kind:?}");
        }
        for kind in [
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
        ] {
            assert!(!is_change(&event(kind)), "{kind:?}");
        }
    }
}
