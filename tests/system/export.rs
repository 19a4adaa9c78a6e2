//! `cogauth export` against the real keychain: an encrypted export of a TOTP, an HOTP and a
//! Steam account, written owner-only, imported with its password into a second vault (another
//! data folder and keychain service) gives the same accounts and secrets; the plaintext export
//! needs its confirmation flag, and every refusal writes nothing.

use std::path::Path;

use serde_json::Value;

use crate::support::Sandbox;

const TOTP: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA256&digits=8&period=60";
const HOTP: &str =
    "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=5&digits=7";
const STEAM: &str = "otpauth://steam/Steam:gamer?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Steam";
const SECRETS: [&str; 3] = [
    "JBSWY3DPEHPK3PXP",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "4SJHB4GSD43FZBAI7C2HLRJGPQ",
];
const PASSWORD: &str = "pass phrase with spaces ";

/// A sandbox holding the three accounts.
fn three_accounts() -> Sandbox<'static> {
    let sandbox = Sandbox::new();
    for uri in [TOTP, HOTP, STEAM] {
        sandbox.cogauth_stdin(&["add", "-"], uri).success();
    }
    sandbox
}

/// `list --json` without what belongs to one vault (ids, creation times).
fn listed(sandbox: &Sandbox<'_>) -> Vec<Value> {
    let list = sandbox.cogauth(&["list", "--json"]).success().json();
    let mut accounts = list.as_array().unwrap().clone();
    for account in &mut accounts {
        let object = account.as_object_mut().unwrap();
        assert!(object.remove("id").is_some());
        assert!(object.remove("created_at").is_some());
    }
    accounts
}

fn uris(sandbox: &Sandbox<'_>) -> Vec<String> {
    ["ACME:alice", "Bank:me", "Steam:gamer"]
        .iter()
        .map(|name| sandbox.cogauth(&["uri", name]).success().stdout)
        .collect()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn encrypted_export_imports_into_a_second_vault_with_the_same_accounts() {
    let source = three_accounts();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.json");
    let file_arg = file.to_str().unwrap();
    let run = source
        .cogauth_stdin(
            &[
                "export",
                "--format",
                "encrypted",
                "--output",
                file_arg,
                "--password-stdin",
            ],
            &format!("{PASSWORD}\nignored second line\n"),
        )
        .success();
    assert_eq!(
        run.stdout.trim(),
        format!("exported 3 accounts to {file_arg} (aegis-encrypted)")
    );
    assert_eq!(mode(&file), 0o600);
    assert_eq!(entries(out.path()), ["backup.json"], "no temp file left");
    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} in the clear");
    }
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["header"]["slots"][0]["type"], 1);

    let target = Sandbox::new();
    assert_ne!(target.service, source.service);
    let wrong = target.cogauth_stdin(&["import", file_arg, "--password-stdin"], "pass phrase\n");
    assert!(
        wrong.fails_with(2).contains("wrong password"),
        "{}",
        wrong.stderr
    );
    let run = target
        .cogauth_stdin(
            &["import", file_arg, "--password-stdin"],
            &format!("{PASSWORD}\n"),
        )
        .success();
    assert!(
        run.stdout
            .starts_with("aegis: 3 new, 0 duplicates skipped\n"),
        "{}",
        run.stdout
    );
    let want = listed(&source);
    assert_eq!(want.len(), 3);
    assert_eq!(
        want.iter()
            .map(|a| a["kind"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["totp", "hotp", "steam"]
    );
    assert_eq!(listed(&target), want);
    assert_eq!(uris(&target), uris(&source));
    // The secrets are in the second vault's keychain service.
    let items = target.keychain_items();
    for secret in SECRETS {
        assert!(items.contains(&format!("secret = {secret}")), "{items}");
    }

    // --json reports the file and the count.
    let again = out.path().join("again.json");
    let json = source
        .cogauth_stdin(
            &[
                "--json",
                "export",
                "--format",
                "encrypted",
                "--output",
                again.to_str().unwrap(),
                "--password-stdin",
            ],
            "other\n",
        )
        .success()
        .json();
    assert_eq!(json["accounts"], 3);
    assert_eq!(json["format"], "aegis-encrypted");
    assert_ne!(std::fs::read(&again).unwrap(), text.as_bytes());
}

#[test]
fn fail_plaintext_export_without_its_flag_exits_1_and_writes_nothing() {
    let sandbox = three_accounts();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("plain.txt");
    let file_arg = file.to_str().unwrap();
    let before = sandbox.index_text();

    let run = sandbox.cogauth(&["export", "--format", "otpauth", "--output", file_arg]);
    let line = run.fails_with(1);
    assert!(line.contains("--i-understand-plaintext"), "{line}");
    assert!(line.contains("unencrypted"), "{line}");
    assert!(run.stdout.is_empty());
    let stdout = sandbox.cogauth(&["export", "--format", "otpauth", "--output", "-"]);
    stdout.fails_with(1);
    assert!(stdout.stdout.is_empty(), "no secret on stdout");
    let json = sandbox.cogauth(&[
        "--json", "export", "--format", "otpauth", "--output", file_arg,
    ]);
    assert_eq!(json.code, 1);
    assert_eq!(json.error_json()["error"]["kind"], "usage");

    // The encrypted export: a password is required, not empty, and never from a terminal '-'.
    let no_password = sandbox.cogauth(&["export", "--format", "encrypted", "--output", file_arg]);
    assert!(no_password.fails_with(1).contains("--password-stdin"));
    let empty = sandbox.cogauth_stdin(
        &[
            "export",
            "--format",
            "encrypted",
            "--output",
            file_arg,
            "--password-stdin",
        ],
        "\n",
    );
    assert!(empty.fails_with(2).contains("empty"), "{}", empty.stderr);
    let to_stdout = sandbox.cogauth_stdin(
        &[
            "export",
            "--format",
            "encrypted",
            "--output",
            "-",
            "--password-stdin",
        ],
        "pw\n",
    );
    to_stdout.fails_with(1);
    assert!(to_stdout.stdout.is_empty());
    assert!(entries(out.path()).is_empty(), "nothing written");
    assert_eq!(sandbox.index_text(), before);

    // With the flag: the list, owner-only, and the same on stdout.
    let run = sandbox
        .cogauth(&[
            "export",
            "--format",
            "otpauth",
            "--output",
            file_arg,
            "--i-understand-plaintext",
        ])
        .success();
    assert!(
        run.stdout.starts_with("exported 3 accounts"),
        "{}",
        run.stdout
    );
    assert_eq!(mode(&file), 0o600);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.lines().count(), 3);
    for secret in SECRETS {
        assert!(written.contains(&format!("secret={secret}")), "{written}");
    }
    let piped = sandbox
        .cogauth(&[
            "export",
            "--format",
            "otpauth",
            "--output",
            "-",
            "--i-understand-plaintext",
        ])
        .success();
    assert_eq!(piped.stdout, written);
    let target = Sandbox::new();
    target.cogauth_stdin(&["import", "-"], &written).success();
    assert_eq!(listed(&target), listed(&sandbox));
}
