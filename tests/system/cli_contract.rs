//! The CLI contract of DESIGN.md: commands, account naming, output shapes, exit codes
//! (1 usage, 2 input, 3 not found), one-line errors and `--json` errors.

use std::process::Command;

use serde_json::json;

use crate::support::{Run, Sandbox, cogauth_bin};

const PLAIN: &str = include_str!("../fixtures/interop/aegis-fixtures/plain.txt");

#[test]
fn add_list_code_rename_remove_round() {
    let sandbox = Sandbox::new();
    let added = sandbox
        .cogauth(&[
            "add",
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
        ])
        .success();
    assert!(added.stdout.starts_with("added ") && added.stdout.contains("ACME:alice"));

    let list = sandbox.cogauth(&["list", "--json"]).success().json();
    let id = list[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        list,
        json!([{
            "id": id, "issuer": "ACME", "label": "alice", "kind": "totp", "period": 30,
            "algorithm": "SHA1", "digits": 6, "state": "active",
            "created_at": list[0]["created_at"],
        }])
    );
    assert!(sandbox.cogauth(&["list"]).success().stdout.contains("ACME"));

    // By id, by issuer:label in any case, by a prefix of either: the RFC 6238 key's code.
    for name in [id.as_str(), "acme:ALICE", "ac", &id[..4]] {
        let run = sandbox.cogauth(&["code", name, "--at", "59"]).success();
        assert_eq!(run.stdout, "996554\n", "{name}");
    }
    let code = sandbox
        .cogauth(&["code", "ACME:alice", "--at", "59", "--json"])
        .success()
        .json();
    assert_eq!(code["code"], "996554");
    assert_eq!(
        (code["valid_from"].as_u64(), code["valid_until"].as_u64()),
        (Some(30), Some(60))
    );

    sandbox
        .cogauth(&["rename", "acme", "Acme Corp:alice@example.com"])
        .success();
    sandbox.cogauth(&["rename", "acme", "alice2"]).success();
    let list = sandbox.cogauth(&["list", "--json"]).success().json();
    assert_eq!(
        (list[0]["issuer"].as_str(), list[0]["label"].as_str()),
        (Some("Acme Corp"), Some("alice2"))
    );

    let removed = sandbox
        .cogauth(&["remove", "Acme Corp:alice2", "--json"])
        .success()
        .json();
    assert_eq!(removed["removed"]["id"], id.as_str());
    assert!(
        sandbox
            .cogauth(&["list"])
            .success()
            .stdout
            .contains("no accounts yet")
    );
}

#[test]
fn uri_prints_back_what_was_added() {
    let sandbox = Sandbox::new();
    for line in PLAIN
        .lines()
        .filter(|l| !l.is_empty() && !l.contains("Air+Canada"))
    {
        let id = sandbox.add(&[line]);
        assert_eq!(sandbox.cogauth(&["uri", &id]).success().stdout.trim(), line);
    }
    // Form-encoded `+` in the issuer comes back percent-encoded, same account.
    let line = PLAIN.lines().find(|l| l.contains("Air+Canada")).unwrap();
    let id = sandbox.add(&[line]);
    let uri = sandbox.cogauth(&["uri", &id, "--json"]).success().json();
    assert_eq!(
        uri["uri"],
        line.replace("issuer=Air+Canada", "issuer=Air%20Canada")
    );
}

#[test]
fn secrets_and_uris_can_come_from_stdin() {
    let sandbox = Sandbox::new();
    sandbox
        .cogauth_stdin(
            &["add", "-"],
            "otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n",
        )
        .success();
    sandbox
        .cogauth_stdin(
            &["add", "--issuer", "C", "--label", "d", "--secret", "-"],
            "gezd gnbv gy3t qojq gezd gnbv gy3t qojq\n",
        )
        .success();
    for name in ["A:b", "C:d"] {
        assert_eq!(
            sandbox
                .cogauth(&["code", name, "--at", "59"])
                .success()
                .stdout,
            "287082\n"
        );
    }
}

#[test]
fn steam_codes_match_an_independent_reference() {
    // Reference computed with Python's hmac and the steam-totp algorithm.
    let sandbox = Sandbox::new();
    let line = PLAIN
        .lines()
        .find(|l| l.starts_with("otpauth://steam/"))
        .unwrap();
    let id = sandbox.add(&[line]);
    assert_eq!(
        sandbox
            .cogauth(&["code", &id, "--at", "1700000000"])
            .success()
            .stdout,
        "747JR\n"
    );
}

#[test]
fn qr_writes_owner_only_png_and_svg_that_scan_back() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let line = PLAIN.lines().next().unwrap();
    let id = sandbox.add(&[line]);
    for name in ["code.png", "code.svg"] {
        let path = sandbox.data_dir().join(name);
        sandbox
            .cogauth(&["qr", &id, "--output", path.to_str().unwrap()])
            .success();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
    // zbarimg (Debian zbar-tools) is the independent decoder.
    let png = sandbox.data_dir().join("code.png");
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw", png.to_str().unwrap()])
        .output()
        .expect("zbarimg (Debian package zbar-tools) must be installed");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), line);
    let svg = std::fs::read_to_string(sandbox.data_dir().join("code.svg")).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"));

    let run = sandbox.cogauth(&["qr", &id, "--output", "code.gif"]);
    assert!(run.fails_with(1).contains(".png or .svg"));
}

#[test]
fn fail_usage_errors_exit_1_with_one_line() {
    let sandbox = Sandbox::new();
    for args in [
        &[][..],
        &["frobnicate"],
        &["add"],
        &["code"],
        &["code", "x", "--at", "-5"],
        &["add", "--issuer", "a", "--label", "b"],
    ] {
        let run = sandbox.cogauth(args);
        run.fails_with(1);
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    let run = sandbox.cogauth(&["frobnicate", "--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.error_json()["error"]["kind"], "usage");
    assert!(
        !run.error_json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains('\n')
    );
    assert_eq!(run.stderr.lines().count(), 1);
    let help = sandbox.cogauth(&["--help"]).success();
    assert!(help.stdout.contains("Usage: cogauth"));
}

#[test]
fn fail_bad_input_exits_2_and_adds_nothing() {
    let sandbox = Sandbox::new();
    let cases: &[(&[&str], &str)] = &[
        (&["add", "https://example.com"], "otpauth://"),
        (&["add", "otpauth://totp/a?secret=JBSWY3DP"], "bits"),
        (
            &["add", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=12"],
            "digits",
        ),
        (
            &[
                "add",
                "--issuer",
                "a",
                "--label",
                "b",
                "--secret",
                "JBSWY3DPEHPK3PX1",
            ],
            "base32",
        ),
        (
            &[
                "add",
                "--issuer",
                "a",
                "--label",
                "b",
                "--secret",
                "JBSWY3DPEHPK3PXP",
                "--algorithm",
                "MD5",
            ],
            "algorithm",
        ),
        (
            &[
                "add",
                "--issuer",
                "a",
                "--label",
                "b",
                "--secret",
                "JBSWY3DPEHPK3PXP",
                "--period",
                "0",
            ],
            "period",
        ),
    ];
    for (args, needle) in cases {
        let run = sandbox.cogauth(args);
        assert!(
            run.fails_with(2).contains(needle),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("JBSWY3DP"), "the secret is not echoed");
    }
    let run = sandbox.cogauth(&["--json", "add", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP"]);
    assert_eq!(run.code, 2);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "invalid_input");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("counter")
    );
    assert!(!sandbox.index_path().exists());
    assert!(sandbox.keychain_items().trim().is_empty());
}

#[test]
fn fail_unknown_ambiguous_and_duplicate_names() {
    let sandbox = Sandbox::new();
    sandbox.add(&[
        "--issuer",
        "Shop",
        "--label",
        "one",
        "--secret",
        "JBSWY3DPEHPK3PXP",
    ]);
    sandbox.add(&[
        "--issuer",
        "Shop",
        "--label",
        "two",
        "--secret",
        "JBSWY3DPEHPK3PXP",
    ]);
    let before = sandbox.index_text();

    assert!(
        sandbox
            .cogauth(&["code", "nothing"])
            .fails_with(3)
            .contains("no account matches")
    );
    let run = sandbox.cogauth(&["remove", "nothing", "--json"]);
    assert_eq!(
        (run.code, run.error_json()["error"]["kind"].as_str()),
        (3, Some("not_found"))
    );
    assert!(
        sandbox
            .cogauth(&["remove", "shop"])
            .fails_with(2)
            .contains("matches 2 accounts")
    );
    assert!(
        sandbox
            .cogauth(&[
                "add",
                "--issuer",
                "shop",
                "--label",
                "ONE",
                "--secret",
                "JBSWY3DPEHPK3PXP"
            ])
            .fails_with(2)
            .contains("already exists")
    );
    assert!(
        sandbox
            .cogauth(&["rename", "Shop:one", "two"])
            .fails_with(2)
            .contains("already exists")
    );
    assert_eq!(sandbox.index_text(), before);
}

/// Completions and man pages come from the CLI's definition: every subcommand `--help` lists
/// is completed by bash and has its page; neither needs a vault (no HOME, no data folder).
#[test]
fn completions_and_man_pages_follow_the_definition_without_a_vault() {
    let bare = || {
        let mut command = Command::new(cogauth_bin());
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap());
        command
    };
    let help = Run::from(bare().arg("--help").output().unwrap()).success();
    let subcommands: Vec<&str> = help
        .stdout
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert!(
        subcommands.len() >= 14 && subcommands.contains(&"enroll"),
        "{subcommands:?}"
    );

    // bash: the script loads, and completing each subcommand's name offers it.
    let script = Run::from(bare().args(["completions", "bash"]).output().unwrap()).success();
    for name in &subcommands {
        let probe = format!(
            "{}\nCOMP_WORDS=(cogauth {name}); COMP_CWORD=1; _cogauth cogauth {name} cogauth; echo \"${{COMPREPLY[@]}}\"",
            script.stdout
        );
        let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
        let offered = String::from_utf8_lossy(&out.stdout);
        assert!(
            offered.split_whitespace().any(|word| word == *name),
            "bash does not complete {name}: {offered:?}"
        );
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = Run::from(bare().args(["completions", shell]).output().unwrap()).success();
        assert!(script.stdout.contains("rename"), "{shell}");
    }
    let wrong = Run::from(bare().args(["completions", "tcsh"]).output().unwrap());
    wrong.fails_with(1);

    // Man pages: one per subcommand and the main one, whose EXIT STATUS is the contract's.
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    Run::from(bare().arg("manpages").arg(&pages).output().unwrap()).success();
    for name in &subcommands {
        let page = std::fs::read_to_string(pages.join(format!("cogauth-{name}.1"))).unwrap();
        assert!(page.starts_with(".ie") || page.contains(".TH"), "{name}");
    }
    let main = std::fs::read_to_string(pages.join("cogauth.1")).unwrap();
    assert!(main.contains(".SH \"EXIT STATUS\"") || main.contains(".SH EXIT STATUS"));
    for meaning in ["no account matches", "the keychain failed or is locked"] {
        assert!(main.contains(meaning), "{meaning}");
    }
    assert!(
        !pages.join("cogauth-manpages.1").exists(),
        "the packagers' command is hidden"
    );
}
