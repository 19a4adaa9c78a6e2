//! The vault when things fail: keychain errors injected through keyring-core's mock store (its
//! `set_error` makes the next call on a credential fail), index write failures through the
//! real file system (a directory squatting on the temp file's name), and one wrapper for the
//! single fault the mock cannot arm in advance (a `put` for an id not yet chosen).

use std::cell::Cell;
use std::sync::Arc;

use cogauth_core::atomic_file::faults;
use cogauth_core::vault::IndexError;
use cogauth_core::{
    AccountId, KeychainError, KeyringStore, NewAccount, OtpKind, OtpParams, Secret, SecretStore,
    Vault, VaultError,
};
use keyring_core::{CredentialStore, Entry, Error as KeyringError, mock};

const SERVICE: &str = "cogauth-test";
const SECRET_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// A vault on a fresh mock keychain, in a temporary data folder.
struct Fixture {
    dir: tempfile::TempDir,
    store: Arc<CredentialStore>,
}

impl Fixture {
    fn new() -> Self {
        let store: Arc<CredentialStore> = mock::Store::new().unwrap();
        Fixture {
            dir: tempfile::tempdir().unwrap(),
            store,
        }
    }

    fn vault(&self) -> Vault<KeyringStore> {
        Vault::new(
            self.dir.path(),
            KeyringStore::with_store(SERVICE, self.store.clone()),
        )
    }

    fn flaky_vault(&self, fail_put: bool, fail_delete: bool) -> Vault<Flaky> {
        Vault::new(
            self.dir.path(),
            Flaky {
                inner: KeyringStore::with_store(SERVICE, self.store.clone()),
                fail_put: Cell::new(fail_put),
                fail_delete: Cell::new(fail_delete),
            },
        )
    }

    fn entry(&self, id: &AccountId) -> Entry {
        Entry::new_in_store(&self.store, SERVICE, id.as_str()).unwrap()
    }

    /// Makes the next keychain call for `id` fail with `error`.
    fn arm(&self, id: &AccountId, error: KeyringError) {
        let entry = self.entry(id);
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(error);
    }

    /// Ids of every credential in the mock keychain that holds a secret.
    fn stored_ids(&self) -> Vec<String> {
        let spec = std::collections::HashMap::from([("service", SERVICE)]);
        self.store
            .search(&spec)
            .unwrap()
            .into_iter()
            .filter(|e| e.get_secret().is_ok())
            .filter_map(|e| e.get_specifiers().map(|(_, user)| user))
            .collect()
    }

    fn index_text(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join("accounts.json")).ok()
    }

    /// Makes index writes fail (as a full or read-only disk would) until the guard is
    /// dropped.
    fn block_index_writes(&self) -> faults::Guard {
        faults::fail_writes_in(self.dir.path())
    }
}

/// The real keychain path, except that the next `put` or `delete` fails as a locked keychain.
struct Flaky {
    inner: KeyringStore,
    fail_put: Cell<bool>,
    fail_delete: Cell<bool>,
}

fn locked() -> KeychainError {
    KeychainError::Locked {
        detail: "injected".to_owned(),
    }
}

impl SecretStore for Flaky {
    fn put(&self, id: &AccountId, secret: &Secret) -> Result<(), KeychainError> {
        if self.fail_put.replace(false) {
            return Err(locked());
        }
        self.inner.put(id, secret)
    }
    fn get(&self, id: &AccountId) -> Result<Secret, KeychainError> {
        self.inner.get(id)
    }
    fn delete(&self, id: &AccountId) -> Result<(), KeychainError> {
        if self.fail_delete.replace(false) {
            return Err(locked());
        }
        self.inner.delete(id)
    }
}

fn new_account(label: &str) -> NewAccount {
    NewAccount::active(
        "Test".to_owned(),
        label.to_owned(),
        OtpParams::default_totp(),
        Secret::from_base32(SECRET_B32).unwrap(),
    )
}

#[test]
fn add_stores_secret_then_index_entry() {
    let fixture = Fixture::new();
    let account = fixture.vault().add(new_account("a")).unwrap();
    assert_eq!(fixture.stored_ids(), [account.id.to_string()]);
    assert!(fixture.index_text().unwrap().contains(account.id.as_str()));
    assert!(!fixture.index_text().unwrap().contains(SECRET_B32));
}

#[test]
fn fail_keychain_refusing_add_leaves_no_index_entry() {
    let fixture = Fixture::new();
    let error = fixture
        .flaky_vault(true, false)
        .add(new_account("a"))
        .unwrap_err();
    assert!(matches!(
        error,
        VaultError::Keychain(KeychainError::Locked { .. })
    ));
    assert_eq!(error.kind(), "keychain_locked");
    assert_eq!(fixture.index_text(), None);
    assert!(fixture.stored_ids().is_empty());
}

#[test]
fn fail_index_write_during_add_takes_the_secret_back_out() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let kept = vault.add(new_account("kept")).unwrap();
    let before = fixture.index_text();
    let blocked = fixture.block_index_writes();
    let error = vault.add(new_account("new")).unwrap_err();
    drop(blocked);
    assert!(
        matches!(error, VaultError::Index(IndexError::Io { .. })),
        "{error}"
    );
    assert_eq!(fixture.index_text(), before);
    assert_eq!(
        fixture.stored_ids(),
        [kept.id.to_string()],
        "no orphan secret"
    );
}

#[test]
fn fail_index_write_and_cleanup_both_failing_is_reported_and_adds_nothing() {
    let fixture = Fixture::new();
    let blocked = fixture.block_index_writes();
    let error = fixture
        .flaky_vault(false, true)
        .add(new_account("a"))
        .unwrap_err();
    drop(blocked);
    assert!(
        matches!(error, VaultError::AddRolledBackPartly { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("no account was added"));
    assert_eq!(fixture.index_text(), None);
    // The unused secret stays behind: harmless, and nothing the user can see claims it.
    assert_eq!(fixture.stored_ids().len(), 1);
}

#[test]
fn fail_keychain_refusing_remove_puts_the_account_back() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let first = vault.add(new_account("first")).unwrap();
    vault.add(new_account("second")).unwrap();
    let before = fixture.index_text();
    fixture.arm(
        &first.id,
        KeyringError::NoStorageAccess("locked by test".into()),
    );
    let error = vault.remove(first.id.as_str()).unwrap_err();
    assert_eq!(error.kind(), "keychain_locked");
    assert_eq!(fixture.index_text(), before, "same accounts, same order");
    assert!(vault.secret(&first).is_ok(), "the secret is still there");
}

#[test]
fn fail_index_write_during_remove_keeps_account_and_secret() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let account = vault.add(new_account("a")).unwrap();
    let blocked = fixture.block_index_writes();
    assert!(matches!(vault.remove("Test:a"), Err(VaultError::Index(_))));
    drop(blocked);
    assert_eq!(vault.accounts().unwrap(), std::slice::from_ref(&account));
    assert!(vault.secret(&account).is_ok());
}

#[test]
fn remove_succeeds_when_the_secret_is_already_gone() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let account = vault.add(new_account("a")).unwrap();
    fixture.entry(&account.id).delete_credential().unwrap();
    assert_eq!(vault.remove("Test:a").unwrap().id, account.id);
    assert!(vault.accounts().unwrap().is_empty());
}

#[test]
fn hotp_counter_advances_only_when_a_code_is_produced() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let mut new = new_account("h");
    new.params = OtpParams::new(OtpKind::Hotp { counter: 0 }, Default::default(), 6).unwrap();
    new.secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
    let account = vault.add(new).unwrap();
    let (_, code) = vault.code("Test:h", 0).unwrap();
    assert_eq!((code.value.as_str(), code.counter), ("755224", 0));
    let (after, code) = vault.code("Test:h", 0).unwrap();
    assert_eq!(
        (code.value.as_str(), after.params.kind),
        ("287082", OtpKind::Hotp { counter: 2 })
    );

    fixture.arm(
        &account.id,
        KeyringError::NoStorageAccess("locked by test".into()),
    );
    assert!(vault.code("Test:h", 0).is_err());
    assert_eq!(
        vault.find("Test:h").unwrap().params.kind,
        OtpKind::Hotp { counter: 2 }
    );
}

#[test]
fn fail_corrupt_keychain_value_never_shows_the_bytes() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let account = vault.add(new_account("a")).unwrap();
    fixture.arm(
        &account.id,
        KeyringError::BadEncoding(SECRET_B32.as_bytes().to_vec()),
    );
    let error = vault.code("Test:a", 0).unwrap_err();
    assert_eq!(error.kind(), "keychain_corrupt");
    assert!(!format!("{error} {error:?}").contains(SECRET_B32));
}

#[test]
fn current_codes_reports_one_failing_account_without_hiding_others() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let broken = vault.add(new_account("broken")).unwrap();
    vault.add(new_account("fine")).unwrap();
    fixture.arm(
        &broken.id,
        KeyringError::NoStorageAccess("locked by test".into()),
    );
    let rows = vault.current_codes(59).unwrap();
    assert!(matches!(rows[0].code, Err(KeychainError::Locked { .. })));
    assert_eq!(
        rows[1].code.as_ref().unwrap().as_ref().unwrap().value,
        "287082"
    );
}

#[test]
fn fail_unreadable_index_is_reported_and_never_overwritten() {
    for (content, kind) in [
        ("{\"schema\": 1, \"accounts\": [", "Corrupt"),
        (
            "{\"schema\": 1, \"accounts\": [{\"id\": \"../../etc\"}]}",
            "Corrupt",
        ),
        ("{\"schema\": 99, \"accounts\": []}", "NewerSchema"),
        ("\u{0}\u{1}binary", "Corrupt"),
    ] {
        let fixture = Fixture::new();
        let path = fixture.dir.path().join("accounts.json");
        std::fs::write(&path, content).unwrap();
        let vault = fixture.vault();
        let error = vault.add(new_account("a")).unwrap_err();
        assert!(format!("{error:?}").contains(kind), "{content}: {error:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
        assert!(
            fixture.stored_ids().is_empty(),
            "nothing stored for a refused add"
        );
        assert!(vault.accounts().is_err());
    }
}
