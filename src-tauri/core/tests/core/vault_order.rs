//! The stored order (manual moves), the sorted views over it, and the next code listed with the current one.

use std::collections::HashSet;
use std::sync::Arc;

use cogauth_core::{
    Account, AccountId, Algorithm, KeyringStore, ListOrder, NewAccount, OtpKind, OtpParams, Secret,
    Vault,
};
use keyring_core::{CredentialStore, mock};

/// RFC 6238 appendix B's SHA1 key.
const RFC_SECRET: &[u8] = b"12345678901234567890";

fn vault(dir: &tempfile::TempDir) -> Vault<KeyringStore> {
    let store: Arc<CredentialStore> = mock::Store::new().unwrap();
    Vault::new(dir.path(), KeyringStore::with_store("cogauth-test", store))
}

fn add(vault: &Vault<KeyringStore>, issuer: &str, label: &str, kind: OtpKind) -> Account {
    let params = OtpParams::new(kind, Algorithm::Sha1, 8).unwrap();
    let secret = Secret::from_bytes(RFC_SECRET.to_vec()).unwrap();
    vault
        .add(NewAccount::active(
            issuer.into(),
            label.into(),
            params,
            secret,
        ))
        .unwrap()
}

fn names(vault: &Vault<KeyringStore>) -> Vec<String> {
    vault
        .accounts()
        .unwrap()
        .iter()
        .map(Account::display_name)
        .collect()
}

#[test]
fn move_to_reorders_and_clamps_past_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(&dir);
    let totp = OtpKind::Totp { period: 30 };
    let a = add(&vault, "A", "a", totp);
    add(&vault, "B", "b", totp);
    let c = add(&vault, "C", "c", totp);
    vault.move_to(&c.id, 0, &HashSet::new()).unwrap();
    assert_eq!(names(&vault), ["C:c", "A:a", "B:b"]);
    vault.move_to(&a.id, 99, &HashSet::new()).unwrap();
    assert_eq!(names(&vault), ["C:c", "B:b", "A:a"]);
    let unknown = AccountId::parse("00000000000000ff").unwrap();
    assert_eq!(
        vault
            .move_to(&unknown, 0, &HashSet::new())
            .unwrap_err()
            .kind(),
        "not_found"
    );
    assert_eq!(names(&vault), ["C:c", "B:b", "A:a"]);
}

#[test]
fn move_to_counts_only_the_shown_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(&dir);
    let totp = OtpKind::Totp { period: 30 };
    let a = add(&vault, "", "a", totp);
    let b = add(&vault, "", "b", totp);
    add(&vault, "", "c", totp);
    let d = add(&vault, "", "d", totp);
    let hidden = HashSet::from([b.id.clone()]);
    // Shown: a, c, d. Moving d to shown place 1 puts it before c: stored a, b, d, c.
    vault.move_to(&d.id, 1, &hidden).unwrap();
    assert_eq!(names(&vault), ["a", "b", "d", "c"]);
    // Moving a to the last shown place: after c.
    vault.move_to(&a.id, 2, &hidden).unwrap();
    assert_eq!(names(&vault), ["b", "d", "c", "a"]);
}

#[test]
fn sorted_views_leave_the_stored_order_and_recent_follows_copies() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(&dir);
    let totp = OtpKind::Totp { period: 30 };
    let mut ids = Vec::new();
    for (issuer, label) in [("beta", "x"), ("Alpha", "z"), ("alpha", "b"), ("", "solo")] {
        ids.push(add(&vault, issuer, label, totp).id);
    }
    let view = |order: ListOrder| {
        let mut accounts = vault.accounts().unwrap();
        order.arrange(&mut accounts, |a| a);
        accounts
            .iter()
            .map(Account::display_name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        view(ListOrder::Issuer),
        ["alpha:b", "Alpha:z", "beta:x", "solo"]
    );
    assert_eq!(
        view(ListOrder::Name),
        ["alpha:b", "solo", "beta:x", "Alpha:z"]
    );
    vault.mark_used(&ids[2], 100).unwrap();
    vault.mark_used(&ids[0], 200).unwrap();
    assert_eq!(
        view(ListOrder::Recent),
        ["beta:x", "alpha:b", "Alpha:z", "solo"]
    );
    // The stored (manual) order is untouched by any of it.
    assert_eq!(names(&vault), ["beta:x", "Alpha:z", "alpha:b", "solo"]);
    assert_eq!(vault.find_id(&ids[0]).unwrap().last_used, Some(200));
}

#[test]
fn current_codes_carry_the_next_period_code_for_totp_only() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(&dir);
    add(&vault, "T", "totp", OtpKind::Totp { period: 30 });
    add(&vault, "H", "hotp", OtpKind::Hotp { counter: 0 });
    let listed = vault.current_codes(59).unwrap();
    // RFC 6238 appendix B, SHA1: T = 59 s gives 94287082; the next step (T = 89 s) is the
    // step of T = 60..89, computed independently with `oathtool --totp -d 8 -N @60`.
    let code = listed[0].code.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(code.value, "94287082");
    assert_eq!(listed[0].next.as_ref().unwrap().value, "37359152");
    assert!(listed[1].next.is_none());
}

#[test]
fn fail_an_hotp_counter_at_its_maximum_gives_no_code_and_never_repeats_one() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(&dir);
    let account = add(
        &vault,
        "H",
        "last",
        OtpKind::Hotp {
            counter: u64::MAX - 1,
        },
    );
    let (after, code) = vault.code(account.id.as_str(), 0).unwrap();
    assert_eq!(code.counter, u64::MAX - 1);
    assert_eq!(after.params.kind, OtpKind::Hotp { counter: u64::MAX });
    // The next code would need a counter past 2^64 - 1: refused, and nothing changes.
    let error = vault.code(account.id.as_str(), 0).unwrap_err();
    assert_eq!(error.kind(), "counter_exhausted");
    let stored = vault.find_id(&account.id).unwrap();
    assert_eq!(stored.params.kind, OtpKind::Hotp { counter: u64::MAX });
}
