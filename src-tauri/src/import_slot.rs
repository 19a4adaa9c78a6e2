//! The import the user has chosen and not yet imported: kept for the preview and the import
//! itself (so a wrong password can be tried again without choosing the file again), and no
//! longer than that. A loaded export can be a whole password vault (a Bitwarden file), so it
//! is dropped when the import is done, when the user leaves the Add view (`import_cancel`),
//! when another is loaded, and at the latest [`KEPT_FOR`] after it was loaded.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use cogauth_core::transfer::Pending;

use crate::error::CommandError;
use crate::state::lock;

/// How long a loaded import is kept at the most.
pub const KEPT_FOR: Duration = Duration::from_secs(5 * 60);

/// At most one loaded import, with when it was loaded.
#[derive(Default)]
pub struct ImportSlot {
    loaded: Mutex<Option<(Instant, Pending)>>,
}

impl ImportSlot {
    /// Keeps `pending` from `now` on, dropping whatever was loaded before.
    pub fn keep(&self, pending: Pending, now: Instant) {
        *lock(&self.loaded) = Some((now, pending));
    }

    /// Runs `use_it` on the loaded import, if there is one younger than [`KEPT_FOR`] at
    /// `now` (an older one is dropped). With `done` set, the import is dropped after a
    /// successful `use_it`.
    pub fn with<T>(
        &self,
        now: Instant,
        done: bool,
        use_it: impl FnOnce(&Pending) -> Result<T, CommandError>,
    ) -> Result<T, CommandError> {
        let mut loaded = lock(&self.loaded);
        Self::drop_expired(&mut loaded, now);
        let (_, pending) = loaded.as_ref().ok_or(CommandError::NothingLoaded)?;
        let result = use_it(pending)?;
        if done {
            *loaded = None;
        }
        Ok(result)
    }

    /// Drops the loaded import.
    pub fn cancel(&self) {
        lock(&self.loaded).take();
    }

    /// Drops the loaded import if it is older than [`KEPT_FOR`] at `now` (the timer that
    /// [`crate::commands`] starts for each load calls this).
    pub fn expire(&self, now: Instant) {
        Self::drop_expired(&mut lock(&self.loaded), now);
    }

    fn drop_expired(loaded: &mut Option<(Instant, Pending)>, now: Instant) {
        if loaded
            .as_ref()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) >= KEPT_FOR)
        {
            *loaded = None;
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use cogauth_core::transfer::QrSource;
    use zeroize::Zeroizing;

    use super::*;

    fn pending() -> Pending {
        let uri = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
        Pending::codes(QrSource::Clipboard, vec![Zeroizing::new(uri.to_owned())])
            .expect("one account")
    }

    fn format(slot: &ImportSlot, now: Instant) -> Result<&'static str, CommandError> {
        slot.with(now, false, |p| Ok(p.format()))
    }

    #[test]
    fn fail_an_import_older_than_five_minutes_is_gone() {
        let slot = ImportSlot::default();
        let t0 = Instant::now();
        slot.keep(pending(), t0);
        assert_eq!(format(&slot, t0 + KEPT_FOR / 2).expect("kept"), "clipboard");
        assert!(matches!(
            format(&slot, t0 + KEPT_FOR),
            Err(CommandError::NothingLoaded)
        ));
    }

    #[test]
    fn fail_the_timer_drops_only_an_old_import() {
        let slot = ImportSlot::default();
        let t0 = Instant::now();
        slot.keep(pending(), t0);
        // Loaded again a minute later: the first load's timer leaves the new one alone.
        slot.keep(pending(), t0 + Duration::from_secs(60));
        slot.expire(t0 + KEPT_FOR);
        assert!(format(&slot, t0 + KEPT_FOR).is_ok());
        slot.expire(t0 + KEPT_FOR + Duration::from_secs(60));
        assert!(format(&slot, t0).is_err());
    }

    #[test]
    fn fail_cancel_and_a_finished_import_leave_nothing_loaded() {
        let slot = ImportSlot::default();
        let now = Instant::now();
        slot.keep(pending(), now);
        slot.cancel();
        assert!(format(&slot, now).is_err());
        slot.keep(pending(), now);
        // A failed use (a wrong password) keeps it for another try; a finished one does not.
        let failed: Result<(), _> = slot.with(now, true, |_| Err(CommandError::Cancelled));
        assert!(failed.is_err());
        assert!(format(&slot, now).is_ok());
        slot.with(now, true, |_| Ok(())).expect("imported");
        assert!(format(&slot, now).is_err());
    }
}
