//! The vault against a real Secret Service: where the secret lives, and what happens when the
//! keychain is missing, locked, or lost an item (exit 4, one clear line, index unchanged).

use std::path::Path;

use crate::support::{Keychain, Sandbox, Session};

const SECRET_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SECRET_RAW: &[u8] = b"12345678901234567890";
/// Every secret as an otpauth list on stdout: the read of all accounts at once.
const EXPORT_TO_STDOUT: [&str; 6] = [
    "export",
    "--format",
    "otpauth",
    "--output",
    "-",
    "--i-understand-plaintext",
];

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
    sandbox.add(&[
        "--issuer", "Locked", "--label", "grace", "--secret", SECRET_B32,
    ]);
    session.lock_login_collection();
    let before = sandbox.index_text();

    // Reading both secrets at once (the batch search finds them locked) says so too.
    let run = sandbox.cogauth(&[&["--json"][..], &EXPORT_TO_STDOUT].concat());
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "keychain_locked");

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

/// A vault of many accounts is read in one Secret Service search (`get_many`, which the export,
/// the import's duplicate check and the app's screen of codes use): every secret comes back
/// right, and an item deleted behind our back is reported alone, by its own id. A private
/// session: hundreds of items would slow every other test's writes to the shared keyring
/// (gnome-keyring rewrites its file on each). 300 accounts keep the seeding to seconds;
/// `cargo bench -p cogauth-core --bench current_codes` checks the same at 1,000.
#[test]
fn many_accounts_come_back_from_one_search_and_a_lost_item_is_named_alone() {
    const MANY: usize = 300;
    let session = Session::start(Keychain::Unlocked);
    let sandbox = Sandbox::in_session(&session);
    let mut rng = crate::support::Rng::from_env("many_accounts");
    let secrets: Vec<String> = (0..MANY)
        .map(|_| crate::support::base32(&rng.bytes(20)))
        .collect();
    let list: String = secrets
        .iter()
        .enumerate()
        .map(|(i, secret)| format!("otpauth://totp/Many:user{i:04}?secret={secret}&issuer=Many\n"))
        .collect();
    let list_path = sandbox.data_dir().join("many.txt");
    std::fs::write(&list_path, list).unwrap();
    sandbox
        .cogauth(&["import", list_path.to_str().unwrap()])
        .success();
    std::fs::remove_file(&list_path).unwrap();

    let exported = sandbox.cogauth(&EXPORT_TO_STDOUT).success().stdout;
    let exported_secrets: Vec<&str> = exported
        .lines()
        .map(|line| {
            line.split(['?', '&'])
                .find_map(|part| part.strip_prefix("secret="))
                .unwrap()
        })
        .collect();
    assert_eq!(
        exported_secrets, secrets,
        "every secret, in the vault's order"
    );

    let ids: Vec<String> = sandbox
        .cogauth(&["list", "--json"])
        .success()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let (lost, kept) = (&ids[MANY / 2], &ids[MANY - 1]);
    let cleared = session.run(
        "secret-tool",
        &["clear", "service", &sandbox.service, "username", lost],
    );
    assert!(cleared.status.success());

    let run = sandbox.cogauth(&[&["--json"][..], &EXPORT_TO_STDOUT].concat());
    assert_eq!(run.code, 4, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "keychain_missing");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{}/{lost}", sandbox.service)),
        "{message}"
    );
    let named = ids
        .iter()
        .filter(|id| message.contains(id.as_str()))
        .count();
    assert_eq!(named, 1, "only the lost item is named: {message}");
    // The other accounts still give their codes, equal to oathtool's.
    let code = sandbox
        .cogauth(&["code", kept, "--at", "1700000000"])
        .success();
    let peer = session.run(
        "oathtool",
        &["-b", "--totp", "--now=@1700000000", &secrets[MANY - 1]],
    );
    assert_eq!(
        code.stdout.trim(),
        String::from_utf8_lossy(&peer.stdout).trim()
    );
}
