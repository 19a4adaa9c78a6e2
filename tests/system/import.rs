//! `cogauth import` against the real keychain: a format end to end (the secrets land in the
//! Secret Service and give the accounts of plain.txt back), duplicates on a second run, the
//! preview and `--json` shapes, all or nothing on a bad entry, an encrypted Aegis vault with
//! `--password-stdin`, stdin as the file, and the exit codes (1 usage, 2 input, 4 keychain).
//! QR codes: a picture file with two codes, the clipboard's image (xclip on Xvfb) and the
//! screen (a picture on the Xvfb root window), and pictures with no usable code.

use std::path::PathBuf;

use crate::support::{self, Keychain, Run, Sandbox, Session};

const PLAIN: &str = include_str!("../fixtures/interop/aegis-fixtures/plain.txt");

fn interop(path: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interop")
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
    assert_eq!(
        lines[0],
        "aegis: 7 new, 0 duplicates skipped; not imported: icons, notes, favourites, groups, usage counts"
    );
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
            .starts_with("aegis: 0 new, 7 duplicates skipped; not imported: icons"),
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
            .starts_with("aegis: 7 new, 0 duplicates skipped; not imported: icons")
    );
    assert_plain_accounts(&sandbox);
}

/// The TOTP code oathtool computes at `at` for plain.txt's account `issuer:label`, `None` for
/// the others (HOTP, Steam, names plain.txt does not have).
fn oathtool_code(issuer: &str, label: &str, at: u64) -> Option<String> {
    let uri = PLAIN.lines().find(|line| {
        line.starts_with("otpauth://totp/")
            && line.contains(&format!("issuer={}&", issuer.replace(' ', "+")))
            && line.contains(&format!(":{label}?"))
    })?;
    let param = |key: &str| {
        uri.split(['?', '&'])
            .find_map(|p| p.strip_prefix(&format!("{key}=")))
            .expect("plain.txt has every parameter")
    };
    let out = std::process::Command::new("oathtool")
        .arg(format!("--totp={}", param("algorithm").to_lowercase()))
        .arg(format!("--digits={}", param("digits")))
        .arg(format!("--time-step-size={}s", param("period")))
        .arg(format!("--now=@{at}"))
        .args(["--base32", param("secret")])
        .output()
        .expect("oathtool");
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap().trim().to_owned())
}

/// Every other authenticator's export in the corpus, through `cogauth import` into the real
/// keychain (a fresh vault each; the password by --password-stdin): the accounts each gives,
/// and their TOTP codes equal to oathtool's from plain.txt.
#[test]
fn every_export_of_the_corpus_imports_with_oathtools_codes() {
    let cases: [(&str, Option<&str>, &str, usize); 15] = [
        ("bitwarden.csv", None, "bitwarden", 4),
        ("proton_authenticator.json", None, "proton-authenticator", 3),
        ("steam.json", None, "steam", 1),
        ("steam_old.json", None, "steam", 1),
        ("andotp_encrypted.bin", Some("test"), "andotp-encrypted", 7),
        (
            "andotp_encrypted_old.bin",
            Some("test"),
            "andotp-encrypted",
            6,
        ),
        ("stratum_plain.json", None, "stratum", 7),
        ("stratum_encrypted.bin", Some("test"), "stratum", 7),
        ("stratum_encrypted_legacy.bin", Some("test"), "stratum", 7),
        ("freeotp.xml", None, "freeotp", 4),
        ("freeotp_v2_api23.xml", Some("test"), "freeotp", 6),
        ("freeotp_v2_api25.xml", Some("test"), "freeotp", 6),
        ("freeotp_v2_api27.xml", Some("test"), "freeotp", 6),
        ("freeotp_v2_api34.xml", Some("test"), "freeotp", 6),
        ("freeotp_v2_null_algo.xml", Some("test"), "freeotp", 1),
    ];
    const AT: u64 = 1_700_000_000;
    let mut compared = 0;
    for (file, password, format, count) in cases {
        let sandbox = Sandbox::new();
        let path = interop(&format!("aegis-fixtures/{file}"));
        let run = match password {
            Some(password) => sandbox.cogauth_stdin(
                &["import", &path, "--password-stdin"],
                &format!("{password}\n"),
            ),
            None => sandbox.cogauth(&["import", &path]),
        }
        .success();
        assert!(
            run.stdout
                .starts_with(&format!("{format}: {count} new, 0 duplicates skipped")),
            "{file}: {}",
            run.stdout
        );
        let list = sandbox.cogauth(&["list", "--json"]).success().json();
        let accounts = list.as_array().unwrap();
        assert_eq!(accounts.len(), count, "{file}");
        for account in accounts {
            let (issuer, label) = (
                account["issuer"].as_str().unwrap(),
                account["label"].as_str().unwrap(),
            );
            if account["kind"] != "totp" {
                continue;
            }
            let want = oathtool_code(issuer, label, AT).unwrap_or_else(|| {
                panic!("{file}: {issuer}:{label} is not a plain.txt TOTP account")
            });
            let id = account["id"].as_str().unwrap();
            let got = sandbox
                .cogauth(&["code", id, "--at", &AT.to_string()])
                .success();
            assert_eq!(got.stdout.trim(), want, "{file}: {issuer}:{label}");
            compared += 1;
        }
    }
    // The 3 TOTP accounts of plain.txt in each file but these: none in Steam's, 2 in
    // freeotp.xml, 1 in FreeOTP's null-algorithm backup.
    assert_eq!(compared, 3 * 11 + 2 + 1);
}

/// `import --list-formats`: core's registry, one line per format with what it leaves behind
/// (`--json`: the same as objects); it imports nothing and needs no file.
#[test]
fn list_formats_prints_the_registry_and_imports_nothing() {
    let sandbox = Sandbox::new();
    let json = sandbox
        .cogauth(&["import", "--list-formats", "--json"])
        .success()
        .json();
    let formats = json.as_array().unwrap();
    let names: Vec<&str> = formats
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in [
        "aegis",
        "bitwarden",
        "andotp-encrypted",
        "stratum",
        "freeotp",
        "proton-authenticator",
        "steam",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let stratum = formats.iter().find(|f| f["name"] == "stratum").unwrap();
    assert_eq!(stratum["app"], "Stratum (Authenticator Pro)");
    assert_eq!(
        stratum["drops"],
        serde_json::json!(["icons", "groups", "order", "usage_counts"])
    );
    let text = sandbox.cogauth(&["import", "--list-formats"]).success();
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines.len(), formats.len());
    assert!(
        lines.iter().any(|l| l.starts_with("stratum ")
            && l.ends_with("(not imported: icons, groups, order, usage counts)")),
        "{}",
        text.stdout
    );
    assert!(!sandbox.index_path().exists(), "nothing imported");
    let both = sandbox.cogauth(&["import", "--list-formats", "x.json"]);
    assert_eq!(both.code, 1, "a file with --list-formats is a usage error");
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

// ---------------------------------------------------------------------------------------------
// QR codes: a picture file, the clipboard (xclip on Xvfb) and the screen (a picture on the
// Xvfb root window). The codes are written by `cogauth qr` from a first vault and imported
// into a second one, which must end with the same URIs.

const QR_TOTP: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
const QR_HOTP: &str =
    "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=5";
const QR_NAMES: [&str; 2] = ["ACME:alice", "Bank:me"];

/// The QR codes `cogauth qr` writes for the two accounts, side by side on white, and the URIs
/// they hold (as `cogauth uri` prints them).
fn two_codes() -> (image::GrayImage, Vec<String>) {
    let source = Sandbox::new();
    let mut codes = Vec::new();
    let mut uris = Vec::new();
    for (uri, name) in [QR_TOTP, QR_HOTP].into_iter().zip(QR_NAMES) {
        source.cogauth_stdin(&["add", "-"], uri).success();
        let png = source
            .data_dir()
            .join(format!("{}.png", name.replace(':', "-")));
        source
            .cogauth(&["qr", name, "--output", png.to_str().unwrap()])
            .success();
        codes.push(image::open(&png).unwrap().to_luma8());
        uris.push(source.cogauth(&["uri", name]).success().stdout);
    }
    let width = codes.iter().map(|c| c.width()).sum::<u32>() + 20;
    let height = codes.iter().map(|c| c.height()).max().unwrap() + 10;
    let mut picture = image::GrayImage::from_pixel(width, height, image::Luma([255]));
    let mut x = 0;
    for code in &codes {
        image::imageops::overlay(&mut picture, code, i64::from(x), 5);
        x += code.width() + 20;
    }
    (picture, uris)
}

/// The import's summary line says `format` added both, and the vault holds their URIs.
fn assert_imported_with(sandbox: &Sandbox<'_>, run: &Run, format: &str, uris: &[String]) {
    let summary = format!("{format}: 2 new, 0 duplicates skipped\n");
    assert!(run.stdout.starts_with(&summary), "{}", run.stdout);
    assert_imported(sandbox, uris);
}

fn assert_imported(sandbox: &Sandbox<'_>, uris: &[String]) {
    let got: Vec<String> = QR_NAMES
        .iter()
        .map(|name| sandbox.cogauth(&["uri", name]).success().stdout)
        .collect();
    assert_eq!(got, uris);
}

/// Rewrites a PNG's IHDR width and height (and the chunk's CRC), leaving its pixels alone.
fn set_png_size(png: &mut [u8], width: u32, height: u32) {
    assert_eq!(&png[12..16], b"IHDR");
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = png[12..29].iter().fold(!0u32, |mut crc, byte| {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
        crc
    });
    png[29..33].copy_from_slice(&(!crc).to_be_bytes());
}

fn png_file(sandbox: &Sandbox<'_>, name: &str, picture: &image::GrayImage) -> String {
    let path = sandbox.data_dir().join(name);
    picture.save(&path).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_picture_with_two_qr_codes_imports_both() {
    let (picture, uris) = two_codes();
    let sandbox = Sandbox::new();
    let file = png_file(&sandbox, "codes.png", &picture);
    let run = sandbox.cogauth(&["import", &file]).success();
    assert_imported_with(&sandbox, &run, "qr-image", &uris);
    let again = sandbox.cogauth(&["import", &file]).success();
    assert!(
        again
            .stdout
            .starts_with("qr-image: 0 new, 2 duplicates skipped")
    );
}

#[test]
fn fail_pictures_without_a_usable_code_import_nothing() {
    let sandbox = Sandbox::new();
    let blank = image::GrayImage::from_pixel(200, 100, image::Luma([255]));
    let file = png_file(&sandbox, "blank.png", &blank);
    let line = sandbox.cogauth(&["import", &file]).fails_with(2).to_owned();
    assert_eq!(
        line,
        "cogauth: cannot import: no QR code was found in the picture; nothing was imported"
    );
    let json = sandbox.cogauth(&["--json", "import", &file]);
    assert_eq!(json.error_json()["error"]["kind"], "no_qr_code");

    let (picture, _) = two_codes();
    let png = png_file(&sandbox, "codes.png", &picture);
    let bytes = std::fs::read(&png).unwrap();
    let cut = write_temp(&sandbox, "cut.png", &bytes[..bytes.len() / 2]);
    let run = sandbox.cogauth(&["--json", "import", &cut]);
    assert_eq!(run.code, 2);
    assert_eq!(run.error_json()["error"]["kind"], "invalid_image");
    let gif = write_temp(&sandbox, "codes.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00");
    assert!(
        sandbox
            .cogauth(&["import", &gif])
            .fails_with(2)
            .contains("GIF images are not supported")
    );
    assert!(!sandbox.index_path().exists());
}

#[test]
fn the_clipboard_image_or_copied_uris_import_under_xvfb() {
    let display = support::shared_display();
    let (picture, uris) = two_codes();
    let sandbox = Sandbox::new();
    let file = png_file(&sandbox, "clip.png", &picture);
    let xclip = ["-selection", "clipboard", "-t", "image/png", "-i", &file];
    assert!(display.run("xclip", &xclip).success(), "xclip failed");
    let run = sandbox
        .cogauth_on(display, &["import", "--clipboard"])
        .success();
    assert_imported_with(&sandbox, &run, "clipboard", &uris);

    // Copied text: otpauth URIs are taken, anything else is refused and adds nothing.
    let text = write_temp(
        &sandbox,
        "copied.txt",
        PLAIN.lines().next().unwrap().as_bytes(),
    );
    assert!(
        display
            .run("xclip", &["-selection", "clipboard", "-i", &text])
            .success()
    );
    let run = sandbox
        .cogauth_on(display, &["import", "--clipboard", "--dry-run"])
        .success();
    assert!(run.stdout.starts_with("clipboard: 1 new"), "{}", run.stdout);
    let hello = write_temp(&sandbox, "hello.txt", b"hello");
    assert!(
        display
            .run("xclip", &["-selection", "clipboard", "-i", &hello])
            .success()
    );
    let before = sandbox.index_text();
    let run = sandbox.cogauth_on(display, &["--json", "import", "--clipboard"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "clipboard_empty");
    assert_eq!(sandbox.index_text(), before);

    let copy_picture = |path: &str, kind: &str| {
        let xclip = ["-selection", "clipboard", "-t", kind, "-i", path];
        assert!(display.run("xclip", &xclip).success(), "xclip failed");
    };
    // Other picture types the owner offers are read too (arboard read only image/png).
    let jpeg = sandbox.data_dir().join("clip.jpg");
    picture.save(&jpeg).unwrap();
    let jpeg = jpeg.to_str().unwrap();
    copy_picture(jpeg, "image/jpeg");
    let run = sandbox
        .cogauth_on(display, &["import", "--clipboard", "--dry-run"])
        .success();
    assert!(run.stdout.starts_with("clipboard: 0 new"), "{}", run.stdout);

    // The picture is read as its file: a header claiming 50,000 x 50,000 pixels is refused
    // by the same limits as a file, before any pixel is decoded.
    let mut claims = std::fs::read(&file).unwrap();
    set_png_size(&mut claims, 50_000, 50_000);
    let bomb = write_temp(&sandbox, "bomb.png", &claims);
    copy_picture(&bomb, "image/png");
    let run = sandbox.cogauth_on(display, &["--json", "import", "--clipboard"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "image_too_large");
    assert_eq!(sandbox.index_text(), before);

    // Large pictures come in INCR chunks; more bytes than a file may have are refused unread.
    let mut padded = std::fs::read(&file).unwrap();
    padded.resize(padded.len() + 20 * 1024 * 1024, 0); // after IEND: ignored by decoders
    let padded = write_temp(&sandbox, "padded.png", &padded);
    copy_picture(&padded, "image/png");
    let run = sandbox
        .cogauth_on(display, &["import", "--clipboard", "--dry-run"])
        .success();
    assert!(run.stdout.starts_with("clipboard: 0 new"), "{}", run.stdout);
    let mut oversized = std::fs::read(&file).unwrap();
    oversized.resize(oversized.len() + 51 * 1024 * 1024, 0);
    let oversized = write_temp(&sandbox, "oversized.png", &oversized);
    let xclip = [
        "-selection",
        "clipboard",
        "-t",
        "image/png",
        "-i",
        &oversized,
    ];
    assert!(display.run("xclip", &xclip).success(), "xclip failed");
    let run = sandbox.cogauth_on(display, &["--json", "import", "--clipboard"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "image_too_large");
    assert_eq!(sandbox.index_text(), before);

    // No display at all: one clear line.
    let line = sandbox
        .cogauth(&["import", "--clipboard"])
        .fails_with(2)
        .to_owned();
    assert!(line.contains("cannot read the clipboard"), "{line}");
}

#[test]
fn the_codes_on_the_screen_import_with_screenshot() {
    let display = support::shared_display();
    let (picture, uris) = two_codes();
    let (width, height) = (picture.width() as u16, picture.height() as u16);
    let _shown = display.show_on_root(width, height, picture.as_raw());
    let sandbox = Sandbox::new();
    let run = sandbox
        .cogauth_on(display, &["--json", "import", "--screenshot"])
        .success()
        .json();
    assert_eq!(run["format"], "screenshot");
    assert_eq!(run["added"].as_array().unwrap().len(), 2);
    assert_imported(&sandbox, &uris);

    // Without a display only the portal is tried, and the private bus has none.
    let line = sandbox
        .cogauth(&["import", "--screenshot"])
        .fails_with(2)
        .to_owned();
    assert!(
        line.starts_with("cogauth: cannot import: cannot take a screenshot: no screenshot portal"),
        "{line}"
    );
}

#[test]
fn fail_import_sources_are_exclusive() {
    let sandbox = Sandbox::new();
    for args in [
        &["import", "file.png", "--clipboard"][..],
        &["import", "--clipboard", "--screenshot"],
        &["import", "--screenshot", "--password-stdin"],
        &["import"],
    ] {
        sandbox.cogauth(args).fails_with(1);
    }
}
