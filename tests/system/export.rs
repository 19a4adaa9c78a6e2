//! `cogauth export` against the real keychain: an encrypted export of a TOTP, an HOTP and a
//! Steam account, written owner-only, imported with its password into a second vault (another
//! data folder and keychain service) gives the same accounts and secrets, and opened by an
//! independent decryptor written from Aegis's own documentation (`aegis_peer.py`) gives the
//! entries Aegis would read; the plaintext export
//! needs its confirmation flag, and every refusal writes nothing. The HTML page's QR codes
//! each decode (librsvg, then ZBar) to their account's URI; every written export is recorded
//! for `backup-status`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Run, Sandbox, Session};

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

/// `cogauth export --format FORMAT --output OUTPUT` with its confirmation: a plaintext format
/// with `--i-understand-plaintext`, the encrypted one with `--password-stdin` and `password`.
fn export_to(sandbox: &Sandbox<'_>, format: &str, output: &str, password: Option<&str>) -> Run {
    let confirm = match password {
        Some(_) => "--password-stdin",
        None => "--i-understand-plaintext",
    };
    let args = ["export", "--format", format, "--output", output, confirm];
    match password {
        Some(input) => sandbox.cogauth_stdin(&args, input),
        None => sandbox.cogauth(&args),
    }
}

/// The export said it wrote `count` accounts to `file`, which is owner-only and alone in its
/// folder (no temp file left).
fn assert_written(run: &Run, file: &Path, count: usize, format: &str) {
    let expected = format!("exported {count} accounts to {} ({format})", file.display());
    assert_eq!(run.stdout.trim(), expected);
    assert_eq!(mode(file), 0o600);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(entries(file.parent().unwrap()), [name], "no temp file left");
}

fn export_plain(sandbox: &Sandbox<'_>, format: &str, output: &str) -> Run {
    export_to(sandbox, format, output, None)
}

fn export_encrypted(sandbox: &Sandbox<'_>, output: &str, password: &str) -> Run {
    export_to(sandbox, "encrypted", output, Some(password))
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

/// The entries `tests/system/aegis_peer.py` reads from an Aegis vault with `password`.
fn aegis_peer(vault: &Path, password: &str) -> Result<Value, String> {
    let vault = vault.to_str().unwrap();
    crate::emulator::python_peer("aegis_peer.py", &[vault], &format!("{password}\n"))
}

#[test]
fn encrypted_export_opens_with_an_independent_aegis_decryptor() {
    let source = three_accounts();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.json");
    export_encrypted(&source, file.to_str().unwrap(), &format!("{PASSWORD}\n")).success();
    let read = aegis_peer(&file, PASSWORD).unwrap();
    assert_eq!(
        read["entries"],
        serde_json::json!([
            {"type": "totp", "name": "alice", "issuer": "ACME", "secret": SECRETS[0],
             "algo": "SHA256", "digits": 8, "period": 60, "counter": null},
            {"type": "hotp", "name": "me", "issuer": "Bank", "secret": SECRETS[1],
             "algo": "SHA1", "digits": 7, "period": null, "counter": 5},
            {"type": "steam", "name": "gamer", "issuer": "Steam", "secret": SECRETS[2],
             "algo": "SHA1", "digits": 5, "period": 30, "counter": null},
        ])
    );
    // The peer is a real check: the wrong password does not open the vault.
    let wrong = aegis_peer(&file, "pass phrase").unwrap_err();
    assert!(wrong.contains("InvalidTag"), "{wrong}");
}

#[test]
fn encrypted_export_imports_into_a_second_vault_with_the_same_accounts() {
    let source = three_accounts();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.json");
    let file_arg = file.to_str().unwrap();
    let run = export_encrypted(
        &source,
        file_arg,
        &format!("{PASSWORD}\nignored second line\n"),
    )
    .success();
    assert_written(&run, &file, 3, "aegis-encrypted");
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
            .starts_with("aegis: 3 new, 0 duplicates skipped; not imported: icons"),
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
            "another pass phrase\n",
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
    let empty = export_encrypted(&sandbox, file_arg, "\n");
    assert!(empty.fails_with(2).contains("empty"), "{}", empty.stderr);
    // Core's one rule for backup passwords, the same as the app's.
    let short = export_encrypted(&sandbox, file_arg, "eleven char\n");
    assert!(
        short.fails_with(2).contains("at least 12"),
        "{}",
        short.stderr
    );
    let to_stdout = export_encrypted(&sandbox, "-", "a long pass phrase\n");
    to_stdout.fails_with(1);
    assert!(to_stdout.stdout.is_empty());
    assert!(entries(out.path()).is_empty(), "nothing written");
    assert_eq!(sandbox.index_text(), before);

    // With the flag: the list, owner-only, and the same on stdout.
    let run = export_plain(&sandbox, "otpauth", file_arg).success();
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
    let piped = export_plain(&sandbox, "otpauth", "-").success();
    assert_eq!(piped.stdout, written);
    let target = Sandbox::new();
    target.cogauth_stdin(&["import", "-"], &written).success();
    assert_eq!(listed(&target), listed(&sandbox));
}

/// Every `<svg>…</svg>` of a page, in order.
fn svgs(page: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + "</svg>".len();
        found.push(&rest[start..end]);
        rest = &rest[end..];
    }
    found
}

/// What an independent decoder reads from an SVG: rasterised by rsvg-convert (librsvg), read
/// by zbarimg (ZBar).
fn decode_svg(session: &Session, dir: &Path, index: usize, svg: &str) -> String {
    let svg_path = dir.join(format!("code-{index}.svg"));
    let png_path = dir.join(format!("code-{index}.png"));
    std::fs::write(&svg_path, svg).unwrap();
    let (svg_arg, png_arg) = (svg_path.to_str().unwrap(), png_path.to_str().unwrap());
    // rsvg-convert: Debian package librsvg2-bin; zbarimg: zbar-tools.
    let out = session.run("rsvg-convert", &["-o", png_arg, svg_arg]);
    assert!(out.status.success(), "rsvg-convert failed on code {index}");
    let out = session.run("zbarimg", &["--raw", "-q", png_arg]);
    assert!(
        out.status.success(),
        "zbarimg read nothing from code {index}"
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

#[test]
fn html_export_is_a_page_whose_every_qr_code_decodes_to_its_account() {
    let sandbox = three_accounts();
    // A name that needs escaping.
    sandbox
        .cogauth_stdin(
            &["add", "-"],
            "otpauth://totp/%3Cb%3E%26Co:x%22y'z?secret=KRUGS4ZANFZSA5DIMUQGC3DUNFWWC5DF&issuer=%3Cb%3E%26Co",
        )
        .success();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("codes.html");
    let file_arg = file.to_str().unwrap();

    let refused = sandbox.cogauth(&["export", "--format", "html", "--output", file_arg]);
    assert!(refused.fails_with(1).contains("--i-understand-plaintext"));
    assert!(!file.exists());

    let run = export_plain(&sandbox, "html", file_arg).success();
    assert_written(&run, &file, 4, "html");
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("keep this page secret"));
    assert!(page.contains("&lt;b&gt;&amp;Co") && page.contains("x&quot;y&#39;z"));
    assert!(!page.contains("<b>&Co"));
    // Self-contained: nothing to fetch, nothing to run.
    for needle in [
        "<script", "<img", "<link", "src=", "href=", "url(", "@import",
    ] {
        assert!(!page.contains(needle), "{needle} in the page");
    }

    let codes = svgs(&page);
    let names = ["ACME:alice", "Bank:me", "Steam:gamer", "<b>&Co:x\"y'z"];
    assert_eq!(codes.len(), names.len());
    for (i, (svg, name)) in codes.iter().zip(names).enumerate() {
        let uri = sandbox.cogauth(&["uri", name]).success().stdout;
        assert_eq!(
            decode_svg(sandbox.session, out.path(), i, svg),
            uri.trim_end(),
            "{name}"
        );
    }
}

#[test]
fn exports_are_recorded_for_the_backup_reminder() {
    let sandbox = three_accounts();
    let status = sandbox
        .cogauth(&["backup-status", "--json"])
        .success()
        .json();
    assert_eq!(
        status,
        serde_json::json!({"last_backup": null, "added_since": 3})
    );
    let line = sandbox.cogauth(&["backup-status"]).success().stdout;
    assert!(
        line.starts_with("no backup yet: 3 accounts not in any backup"),
        "{line}"
    );

    // A refused export records nothing.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.json");
    let file_arg = file.to_str().unwrap();
    sandbox
        .cogauth(&["export", "--format", "encrypted", "--output", file_arg])
        .fails_with(1);
    assert!(!sandbox.data_dir().join("backup.json").exists());

    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    export_encrypted(&sandbox, file_arg, "a long pass phrase\n").success();
    let record = sandbox.data_dir().join("backup.json");
    assert_eq!(mode(&record), 0o600);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["schema"], 1);
    assert_eq!(saved["format"], "aegis-encrypted");
    assert_eq!(saved["accounts"].as_array().unwrap().len(), 3);
    let status = sandbox
        .cogauth(&["backup-status", "--json"])
        .success()
        .json();
    assert!(status["last_backup"].as_u64().unwrap() >= before);
    assert_eq!(status["added_since"], 0);
    let line = sandbox.cogauth(&["backup-status"]).success().stdout;
    assert!(line.contains("every account is in it"), "{line}");

    sandbox
        .cogauth_stdin(
            &["add", "-"],
            "otpauth://totp/New:one?secret=KRUGS4ZANFZSA5DIMUQGC3DUNFWWC5DF",
        )
        .success();
    let status = sandbox
        .cogauth(&["backup-status", "--json"])
        .success()
        .json();
    assert_eq!(status["added_since"], 1);
    let line = sandbox.cogauth(&["backup-status"]).success().stdout;
    assert!(line.ends_with("; 1 account added since\n"), "{line}");

    // A damaged record is one clear error, not a wrong answer.
    std::fs::write(&record, "{").unwrap();
    let run = sandbox.cogauth(&["--json", "backup-status"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.error_json()["error"]["kind"], "backup_record_invalid");
}

/// A password typed at a terminal (stdin is one) is asked for by name and read with the
/// terminal's echo off: it never shows on the screen. Driven through a pseudo-terminal by
/// tests/system/tty_peer.py, which types only once the prompt is shown.
#[test]
fn a_password_typed_at_a_terminal_is_not_echoed() {
    let sandbox = Sandbox::new();
    sandbox.add(&["otpauth://totp/Tty:echo?secret=JBSWY3DPEHPK3PXP&issuer=Tty"]);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("backup.json");
    let password = "typed-not-shown-42";
    let cogauth = sandbox.command();
    let mut peer = std::process::Command::new("python3");
    peer.env_clear()
        .envs(cogauth.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/system/tty_peer.py"))
        .args(["password: ", password])
        .arg(cogauth.get_program())
        .args([
            "export",
            "--format",
            "encrypted",
            "--password-stdin",
            "--output",
        ])
        .arg(&file);
    let result = peer.output().unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let report: Value = serde_json::from_slice(&result.stdout).unwrap();
    let screen = report["screen"].as_str().unwrap();
    assert_eq!(report["typed"], true, "the prompt was shown: {screen}");
    assert_eq!(report["exit"], 0, "{screen}");
    assert!(screen.contains("cogauth: password: "), "{screen}");
    assert!(
        !screen.contains(password),
        "the password was echoed: {screen}"
    );
    // What was typed is the password: the backup opens with it.
    let target = Sandbox::new();
    target
        .cogauth_stdin(
            &["import", file.to_str().unwrap(), "--password-stdin"],
            &format!("{password}\n"),
        )
        .success();
    assert_eq!(
        target
            .cogauth(&["list", "--json"])
            .success()
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
