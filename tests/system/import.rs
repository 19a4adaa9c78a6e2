//! `cogauth import` against the real keychain: a format end to end (the secrets land in the
//! Secret Service and give the accounts of plain.txt back), duplicates on a second run, the
//! preview and `--json` shapes, all or nothing on a bad entry, an encrypted Aegis vault with
//! `--password-stdin`, stdin as the file, and the exit codes (1 usage, 2 input, 4 keychain).

use std::path::PathBuf;

use crate::support::{Keychain, Sandbox, Session};

const PLAIN: &str = include_str!("../../../shared/interop/aegis-fixtures/plain.txt");

fn interop(path: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/interop")
        .join(path);
    path.to_str().expect("UTF-8 path").to_owned()
}

/// `issuer:label` of each plain.txt account, in order.
const NAMES: [&str; 7] = [
    "Deno:Mason",
    "SPDX:James",
    "Airbnb:Elijah",
    "Issuu:James",
    "Air Canada:Benjamin",
    "WWE:Mason",
    "Boeing:Sophia",
];

/// Writes a file into the sandbox's data folder (removed with it) and returns its path.
fn write_temp(sandbox: &Sandbox<'_>, name: &str, content: &[u8]) -> String {
    let path = sandbox.data_dir().join(name);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_owned()
}

fn assert_plain_accounts(sandbox: &Sandbox<'_>) {
    let list = sandbox.cogauth(&["list", "--json"]).success().json();
    let names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{}:{}",
                a["issuer"].as_str().unwrap(),
                a["label"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(names, NAMES);
    // Each URI comes back from the keychain's secret, as plain.txt has it (the form-encoded
    // `+` of Air+Canada is written percent-encoded).
    for (line, name) in PLAIN.lines().filter(|l| !l.is_empty()).zip(NAMES) {
        let uri = sandbox.cogauth(&["uri", name]).success();
        assert_eq!(
            uri.stdout.trim(),
            line.replace("issuer=Air+Canada", "issuer=Air%20Canada"),
            "{name}"
        );
    }
}

#[test]
fn import_aegis_end_to_end_and_a_second_run_adds_nothing() {
    let sandbox = Sandbox::new();
    let file = interop("aegis-fixtures/aegis_plain.json");
    let run = sandbox.cogauth(&["import", &file]).success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "aegis: 7 new, 0 duplicates skipped");
    for (line, name) in lines[1..].iter().zip(NAMES) {
        assert!(line.starts_with("added ") && line.ends_with(name), "{line}");
    }
    assert_plain_accounts(&sandbox);
    let items = sandbox.keychain_items();
    assert!(
        items.contains("secret = 4SJHB4GSD43FZBAI7C2HLRJGPQ"),
        "{items}"
    );

    let before = sandbox.index_text();
    let again = sandbox.cogauth(&["import", &file]).success();
    assert!(
        again
            .stdout
            .starts_with("aegis: 0 new, 7 duplicates skipped\n"),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stdout
            .contains("skipped Deno:Mason (entry 1): same secret as account")
    );
    assert_eq!(sandbox.index_text(), before);
}

#[test]
fn dry_run_and_json_show_new_accounts_and_duplicates() {
    let sandbox = Sandbox::new();
    let file = interop("google-migration/example_export.txt");
    let preview = sandbox
        .cogauth(&["import", &file, "--dry-run", "--json"])
        .success()
        .json();
    assert_eq!(preview["format"], "google-authenticator");
    assert_eq!(preview["dry_run"], true);
    assert_eq!(preview["added"].as_array().unwrap().len(), 2);
    assert_eq!(preview["added"][1]["kind"], "hotp");
    assert_eq!(preview["added"][1]["counter"], 4);
    assert!(preview["added"][0].get("id").is_none());
    assert_eq!(preview["duplicates"].as_array().unwrap().len(), 4);
    assert_eq!(preview["duplicates"][2]["entry"], 4);
    assert_eq!(preview["duplicates"][2]["reason"], "same_secret");
    assert_eq!(
        preview["duplicates"][2]["duplicate_of"]["earlier"]["entry"],
        1
    );
    assert!(!sandbox.index_path().exists(), "a dry run adds nothing");
    let text = sandbox.cogauth(&["import", &file, "--dry-run"]).success();
    assert!(
        text.stdout
            .starts_with("google-authenticator: 2 new, 4 duplicates skipped (dry run"),
        "{}",
        text.stdout
    );

    let report = sandbox
        .cogauth(&["import", &file, "--json"])
        .success()
        .json();
    assert_eq!(report["dry_run"], false);
    let added = report["added"].as_array().unwrap();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0]["issuer"], "raspberrypi");
    assert_eq!(added[0]["state"], "active");
    let list = sandbox.cogauth(&["list", "--json"]).success().json();
    assert_eq!(list[0]["id"], added[0]["id"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn fail_one_bad_entry_imports_nothing_and_exits_2() {
    let sandbox = Sandbox::new();
    let mut lines: Vec<&str> = PLAIN.lines().filter(|l| !l.is_empty()).collect();
    lines.insert(2, "otpauth://totp/Broken:entry?secret=JBSWY3DPEHPK3PX1");
    let file = write_temp(&sandbox, "broken.txt", lines.join("\n").as_bytes());
    let run = sandbox.cogauth(&["import", &file]);
    let line = run.fails_with(2);
    assert!(line.contains("line 3 ('Broken:entry')"), "{line}");
    assert!(line.contains("not valid base32"), "{line}");
    assert!(line.ends_with("nothing was imported"), "{line}");
    assert!(!line.contains("JBSWY3DP"), "{line}");
    assert!(!sandbox.index_path().exists());
    assert!(!sandbox.keychain_items().contains("secret ="));

    let json = sandbox.cogauth(&["--json", "import", &file]);
    assert_eq!(json.code, 2);
    assert_eq!(json.error_json()["error"]["kind"], "invalid_entry");
}

#[test]
fn encrypted_aegis_imports_with_password_stdin_only() {
    let sandbox = Sandbox::new();
    let file = interop("aegis-fixtures/aegis_encrypted.json");
    let missing = sandbox.cogauth(&["import", &file]);
    assert!(
        missing.fails_with(2).contains("--password-stdin"),
        "{}",
        missing.stderr
    );
    let wrong = sandbox.cogauth_stdin(&["import", &file, "--password-stdin"], "tset\n");
    assert!(
        wrong.fails_with(2).contains("wrong password"),
        "{}",
        wrong.stderr
    );
    assert!(!sandbox.index_path().exists());

    let run = sandbox
        .cogauth_stdin(&["import", &file, "--password-stdin"], "test\n")
        .success();
    assert!(
        run.stdout
            .starts_with("aegis: 7 new, 0 duplicates skipped\n")
    );
    assert_plain_accounts(&sandbox);
}

#[test]
fn import_reads_the_export_from_stdin() {
    let sandbox = Sandbox::new();
    let run = sandbox.cogauth_stdin(&["import", "-"], PLAIN).success();
    assert!(run.stdout.starts_with("otpauth: 7 new"), "{}", run.stdout);
    assert_plain_accounts(&sandbox);
}

#[test]
fn fail_usage_and_input_errors_have_their_exit_codes() {
    let sandbox = Sandbox::new();
    let both = sandbox.cogauth(&["import", "-", "--password-stdin"]);
    assert!(both.fails_with(1).contains("stdin"));
    assert!(
        sandbox
            .cogauth(&["import", "/nonexistent/export.json"])
            .fails_with(2)
            .contains("cannot read")
    );
    let junk = write_temp(&sandbox, "junk.bin", &vec![b'x'; 17 * 1024 * 1024]);
    assert!(
        sandbox
            .cogauth(&["import", &junk])
            .fails_with(2)
            .contains("16 MiB")
    );
    let unknown = write_temp(&sandbox, "unknown.json", b"{\"hello\": \"world\"}");
    let run = sandbox.cogauth(&["--json", "import", &unknown]);
    assert_eq!(run.code, 2);
    assert_eq!(run.error_json()["error"]["kind"], "unknown_format");
    assert!(!sandbox.index_path().exists());
}

#[test]
fn fail_locked_keychain_is_exit_4_and_changes_nothing() {
    let session = Session::start(Keychain::Unlocked);
    // An empty vault: the first secret cannot be stored.
    let empty = Sandbox::in_session(&session);
    // A vault with an account: its secret cannot be read to look for duplicates.
    let holding = Sandbox::in_session(&session);
    holding
        .cogauth_stdin(&["add", "-"], PLAIN.lines().next().unwrap())
        .success();
    session.lock_login_collection();
    let before = holding.index_text();

    let file = interop("aegis-fixtures/aegis_plain.json");
    for sandbox in [&empty, &holding] {
        let run = sandbox.cogauth(&["--json", "import", &file]);
        assert_eq!(run.code, 4, "{}", run.stderr);
        assert_eq!(run.error_json()["error"]["kind"], "keychain_locked");
        assert!(
            sandbox
                .cogauth(&["import", &file])
                .fails_with(4)
                .contains("locked")
        );
    }
    assert!(!empty.index_text().contains("\"id\""));
    assert_eq!(holding.index_text(), before);
}
