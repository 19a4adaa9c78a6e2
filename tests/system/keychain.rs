//! The vault against a real Secret Service: where the secret lives, and what happens when the
//! keychain is missing, locked, or lost an item (exit 4, one clear line, index unchanged).

use std::path::Path;

use crate::support::{Keychain, Sandbox, Session};

const SECRET_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SECRET_RAW: &[u8] = b"12345678901234567890";

fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn secret_lives_in_the_keychain_and_nowhere_under_the_data_dir() {
    let sandbox = Sandbox::new();
    let id = sandbox.add(&[
        "--issuer", "Vault", "--label", "alice", "--secret", SECRET_B32,
    ]);
    sandbox.cogauth(&["rename", &id, "renamed"]).success();

    let items = sandbox.keychain_items();
    assert!(
        items.contains(&format!("attribute.username = {id}")),
        "{items}"
    );
    assert!(items.contains(&format!("attribute.service = {}", sandbox.service)));
    assert!(items.contains(&format!("secret = {SECRET_B32}")), "{items}");

    let files = files_under(sandbox.data_dir());
    assert!(!files.is_empty(), "the index was written");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_uppercase();
        assert!(
            !text.contains(SECRET_B32),
            "{} holds the base32 secret",
            file.display()
        );
        assert!(
            !bytes.windows(SECRET_RAW.len()).any(|w| w == SECRET_RAW),
            "{} holds the raw secret",
            file.display()
        );
    }
    assert!(!sandbox.index_text().contains("secret"));
}

#[test]
fn remove_deletes_the_keychain_item() {
    let sandbox = Sandbox::new();
    let id = sandbox.add(&[
        "--issuer", "Vault", "--label", "bob", "--secret", SECRET_B32,
    ]);
    assert!(sandbox.keychain_items().contains(&id));
    sandbox.cogauth(&["remove", &id]).success();
    assert!(!sandbox.keychain_items().contains(&id));
    assert_eq!(
        sandbox.cogauth(&["list", "--json"]).success().json(),
        serde_json::json!([])
    );
}

#[test]
fn fail_missing_keychain_item_is_exit_4_and_changes_nothing() {
    let sandbox = Sandbox::new();
    let id = sandbox.add(&[
        "--issuer", "Lost", "--label", "carol", "--secret", SECRET_B32,
    ]);
    let out = sandbox.session.run(
        "secret-tool",
        &["clear", "service", &sandbox.service, "username", &id],
    );
    assert!(out.status.success());
    let before = sandbox.index_text();

    let run = sandbox.cogauth(&["code", &id]);
    assert!(run.fails_with(4).contains("no secret for this account"));
    let run = sandbox.cogauth(&["--json", "uri", &id]);
    assert_eq!(run.code, 4);
    assert_eq!(run.error_json()["error"]["kind"], "keychain_missing");
    assert_eq!(sandbox.index_text(), before);
    // Removing an account whose secret is already gone still works.
    sandbox.cogauth(&["remove", &id]).success();
}

#[test]
fn fail_no_dbus_session_is_exit_4_and_changes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.add(&[
        "--issuer", "Kept", "--label", "dave", "--secret", SECRET_B32,
    ]);
    let before = sandbox.index_text();
    let missing_bus = format!("unix:path={}/no-bus-here", sandbox.data_dir().display());
    let run = crate::support::Run::from(
        sandbox
            .command()
            .env("DBUS_SESSION_BUS_ADDRESS", missing_bus)
            .args([
                "add", "--issuer", "New", "--label", "erin", "--secret", SECRET_B32,
            ])
            .output()
            .unwrap(),
    );
    assert!(
        run.fails_with(4).contains("D-Bus session bus"),
        "{}",
        run.stderr
    );
    assert_eq!(sandbox.index_text(), before);
}

#[test]
fn fail_no_secret_service_is_exit_4_and_changes_nothing() {
    let session = Session::start(Keychain::NoSecretService);
    let sandbox = Sandbox::in_session(&session);
    let run = sandbox.cogauth(&[
        "--json", "add", "--issuer", "X", "--label", "y", "--secret", SECRET_B32,
    ]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "keychain_unavailable");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Secret Service")
    );
    assert!(
        !sandbox.index_path().exists(),
        "no index entry without a stored secret"
    );
}

#[test]
fn fail_locked_collection_is_exit_4_and_changes_nothing() {
    let session = Session::start(Keychain::Unlocked);
    let sandbox = Sandbox::in_session(&session);
    let id = sandbox.add(&[
        "--issuer", "Locked", "--label", "frank", "--secret", SECRET_B32,
    ]);
    session.lock_login_collection();
    let before = sandbox.index_text();

    let run = sandbox.cogauth(&[
        "--json", "add", "--issuer", "X", "--label", "y", "--secret", SECRET_B32,
    ]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "keychain_locked");
    assert!(
        sandbox
            .cogauth(&["code", &id])
            .fails_with(4)
            .contains("locked")
    );
    // Remove takes the index entry out first; when the keychain refuses, it is put back.
    assert_eq!(sandbox.cogauth(&["remove", &id]).code, 4);
    assert_eq!(sandbox.index_text(), before);
    assert_eq!(
        sandbox.cogauth(&["list", "--json"]).success().json()[0]["id"],
        id.as_str()
    );
}
