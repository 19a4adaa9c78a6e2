//! Copying codes to the system clipboard, and clearing them again.
//!
//! The copy is done in Rust (the page has no clipboard permission). After the user's timeout
//! the clipboard is cleared only if it still holds the code we put there: something the user
//! copied since is left alone. Each copy gets a generation number, so the timer of an older
//! copy never clears a newer one.

use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::error::CommandError;

/// The clipboard, as the copier needs it. The real one is the system clipboard
/// ([`SystemClipboard`]); tests use one in memory.
pub trait ClipboardSink: Send {
    /// Puts `text` on the clipboard.
    fn set_text(&mut self, text: &str) -> Result<(), String>;
    /// The clipboard's text, if it holds text.
    fn text(&mut self) -> Option<Zeroizing<String>>;
    /// Empties the clipboard.
    fn clear(&mut self) -> Result<(), String>;
}

/// The system clipboard through `arboard`, connected on first use (so a session without a
/// display only fails when the user copies). On X11 the connection must stay open for the
/// copied text to stay available, so it is kept for the life of the app.
#[derive(Default)]
pub struct SystemClipboard {
    inner: Option<arboard::Clipboard>,
}

impl SystemClipboard {
    fn get(&mut self) -> Result<&mut arboard::Clipboard, String> {
        if self.inner.is_none() {
            self.inner = Some(arboard::Clipboard::new().map_err(|error| error.to_string())?);
        }
        self.inner
            .as_mut()
            .ok_or_else(|| "the clipboard connection was lost".to_owned())
    }
}

impl ClipboardSink for SystemClipboard {
    fn set_text(&mut self, text: &str) -> Result<(), String> {
        kept_out_of_history(self.get()?.set())
            .text(text)
            .map_err(|error| error.to_string())
    }

    fn text(&mut self) -> Option<Zeroizing<String>> {
        self.get().ok()?.get_text().ok().map(Zeroizing::new)
    }

    fn clear(&mut self) -> Result<(), String> {
        self.get()?.clear().map_err(|error| error.to_string())
    }
}

/// Marks what is copied as a secret for clipboard managers, each platform by its convention:
/// KDE's `x-kde-passwordManagerHint` on Linux (Klipper, GPaste, CopyQ skip it), Windows'
/// history and cloud-clipboard exclusion formats, macOS's concealed type (nspasteboard.org).
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
))]
fn kept_out_of_history(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtLinux as _;
    set.exclude_from_history()
}

#[cfg(windows)]
fn kept_out_of_history(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtWindows as _;
    set.exclude_from_history().exclude_from_cloud()
}

#[cfg(target_os = "macos")]
fn kept_out_of_history(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtApple as _;
    set.exclude_from_history()
}

/// What we last put on the clipboard.
struct Copied {
    generation: u64,
    text: Zeroizing<String>,
}

/// Copies codes and clears them later.
pub struct Copier {
    sink: Mutex<Box<dyn ClipboardSink>>,
    last: Mutex<Option<Copied>>,
}

impl Copier {
    /// A copier over `sink`.
    pub fn new(sink: Box<dyn ClipboardSink>) -> Self {
        Copier {
            sink: Mutex::new(sink),
            last: Mutex::new(None),
        }
    }

    /// Puts `text` on the clipboard; returns the generation to pass to [`Copier::clear_if_ours`].
    pub fn copy(&self, text: &str) -> Result<u64, CommandError> {
        let mut last = lock(&self.last);
        lock(&self.sink)
            .set_text(text)
            .map_err(CommandError::Clipboard)?;
        let generation = last.as_ref().map_or(1, |copied| copied.generation + 1);
        *last = Some(Copied {
            generation,
            text: Zeroizing::new(text.to_owned()),
        });
        Ok(generation)
    }

    /// Clears the clipboard if `generation` is still our latest copy and the clipboard still
    /// holds it. Returns whether it cleared.
    pub fn clear_if_ours(&self, generation: u64) -> bool {
        let mut last = lock(&self.last);
        let Some(copied) = last.as_ref().filter(|c| c.generation == generation) else {
            return false;
        };
        let mut sink = lock(&self.sink);
        let ours = sink.text().is_some_and(|text| *text == *copied.text);
        let cleared = ours && sink.clear().is_ok();
        *last = None;
        cleared
    }

    /// Clears our latest copy now, if the clipboard still holds it (when the app quits).
    pub fn clear_now(&self) -> bool {
        let generation = lock(&self.last).as_ref().map(|copied| copied.generation);
        generation.is_some_and(|generation| self.clear_if_ours(generation))
    }
}

fn lock<T: ?Sized>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A clipboard in memory, shared with the test that inspects it.
    #[derive(Clone, Default)]
    pub(crate) struct MemoryClipboard(pub Arc<Mutex<Option<String>>>);

    impl ClipboardSink for MemoryClipboard {
        fn set_text(&mut self, text: &str) -> Result<(), String> {
            *lock(&self.0) = Some(text.to_owned());
            Ok(())
        }

        fn text(&mut self) -> Option<Zeroizing<String>> {
            lock(&self.0).clone().map(Zeroizing::new)
        }

        fn clear(&mut self) -> Result<(), String> {
            *lock(&self.0) = None;
            Ok(())
        }
    }

    #[test]
    fn clears_only_its_own_latest_copy() {
        let memory = MemoryClipboard::default();
        let copier = Copier::new(Box::new(memory.clone()));
        let first = copier.copy("111111").expect("copied");
        let second = copier.copy("222222").expect("copied");
        assert!(!copier.clear_if_ours(first), "an older timer does nothing");
        assert_eq!(lock(&memory.0).as_deref(), Some("222222"));
        assert!(copier.clear_if_ours(second));
        assert_eq!(*lock(&memory.0), None);
    }

    #[test]
    fn leaves_what_the_user_copied_since() {
        let memory = MemoryClipboard::default();
        let copier = Copier::new(Box::new(memory.clone()));
        let generation = copier.copy("333333").expect("copied");
        *lock(&memory.0) = Some("the user's own text".to_owned());
        assert!(!copier.clear_if_ours(generation));
        assert_eq!(lock(&memory.0).as_deref(), Some("the user's own text"));
        assert!(!copier.clear_now(), "nothing of ours is left to clear");
    }
}
