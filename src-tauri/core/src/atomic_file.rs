//! Crash-safe file writes: a sibling temp file, fsync, rename over the target, fsync the folder.
//!
//! A reader (or a process killed half way) sees either the old file or the new one, never a
//! mix. Files are created owner-only (0600 on Unix) because they hold account data or, for
//! exports the user asked for, secrets.
//!
//! The temp file gets a random name and is created exclusively (`O_CREAT | O_EXCL`, which does
//! not follow a symlink planted at the name): in a folder others can write to (an export to
//! /tmp), nobody can make us write the secret through their link or into their file. A name
//! that exists already is skipped for another.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically, readable by the owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_private_named(path, bytes, random_suffix)
}

/// How many temp names are tried before giving up (each is random: only an attacker racing
/// us, or a broken random source, makes one exist already).
const TEMP_NAME_TRIES: usize = 16;

fn random_suffix() -> io::Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|error| io::Error::other(error.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// [`write_private`] with the temp names' suffixes from `suffix`.
fn write_private_named(
    path: &Path,
    bytes: &[u8],
    mut suffix: impl FnMut() -> io::Result<String>,
) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    #[cfg(feature = "fault-injection")]
    faults::check(parent)?;
    let (tmp, mut file) = (|| {
        for _ in 0..TEMP_NAME_TRIES {
            let mut tmp_name = name.to_os_string();
            tmp_name.push(format!(".tmp-{}", suffix()?));
            let tmp = parent.join(tmp_name);
            match private_options().open(&tmp) {
                Ok(file) => return Ok((tmp, file)),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary file name next to the file",
        ))
    })()?;

    let written = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
        return written;
    }
    // The new file is in place from here on, so this must not report failure: a caller would
    // roll back work the file already records (the vault would delete a secret the index
    // names). Syncing the folder only makes the rename durable sooner.
    let _ = sync_dir(parent);
    Ok(())
}

/// Test builds only (the `fault-injection` feature, which core's own integration tests turn
/// on): a disk that fails writes, in one folder and on one thread, for the tests of what the
/// vault does when its index cannot be written. A real part cannot fail on cue there: the
/// temp file's name is random and the tests run as root, whom permissions do not stop.
#[cfg(feature = "fault-injection")]
pub mod faults {
    use std::cell::RefCell;
    use std::io;
    use std::path::{Path, PathBuf};

    thread_local! {
        static FAILING: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
    }

    /// Writes into `dir` on this thread fail until the guard is dropped.
    pub fn fail_writes_in(dir: &Path) -> Guard {
        FAILING.with(|f| f.borrow_mut().push(dir.to_owned()));
        Guard(dir.to_owned())
    }

    /// Ends a [`fail_writes_in`] when dropped.
    pub struct Guard(PathBuf);

    impl Drop for Guard {
        fn drop(&mut self) {
            FAILING.with(|f| f.borrow_mut().retain(|d| d != &self.0));
        }
    }

    pub(super) fn check(dir: &Path) -> io::Result<()> {
        if FAILING.with(|f| f.borrow().iter().any(|d| d == dir)) {
            return Err(io::Error::other("injected: the disk refused the write"));
        }
        Ok(())
    }
}

/// Creates `dir` (and parents) readable by the owner only, if it does not exist.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    // create_new: O_CREAT | O_EXCL, so an existing file or symlink at the name is an error.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; rename is durable via the file's own flush.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_owner_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.json");
        write_private(&path, b"one").expect("first write");
        write_private(&path, b"two").expect("second write");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(leftovers.len(), 1, "no temp file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn fail_a_symlink_planted_at_the_temp_name_is_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        fs::write(&victim, b"not yours").expect("victim");
        let path = dir.path().join("export.json");
        // Someone guessed the first temp name and planted a link there.
        std::os::unix::fs::symlink(&victim, dir.path().join("export.json.tmp-guessed"))
            .expect("symlink");
        let mut names = ["guessed", "fresh"].into_iter();
        write_private_named(&path, b"secret", || {
            Ok(names.next().expect("a name").to_owned())
        })
        .expect("written under the next name");
        assert_eq!(fs::read(&victim).expect("victim"), b"not yours");
        assert_eq!(fs::read(&path).expect("export"), b"secret");
        assert!(
            fs::symlink_metadata(dir.path().join("export.json.tmp-guessed"))
                .expect("still there")
                .file_type()
                .is_symlink()
        );
        assert!(!dir.path().join("export.json.tmp-fresh").exists());
    }

    #[test]
    fn fail_no_free_temp_name_gives_up_without_writing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.json");
        fs::write(dir.path().join("a.json.tmp-x"), b"taken").expect("taken");
        let error = write_private_named(&path, b"new", || Ok("x".to_owned())).expect_err("taken");
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert!(!path.exists());
    }

    #[test]
    fn temp_names_are_random() {
        assert_ne!(
            random_suffix().expect("random"),
            random_suffix().expect("random")
        );
    }
}
