//! Proton Authenticator's export, Bitwarden's CSV and Steam Guard files (Aegis's importer test
//! resources, tests/fixtures/interop/aegis-fixtures): detected, read field for field against
//! plain.txt's vectors with the exceptions Aegis's `DatabaseImporterTest` documents, the same
//! codes as the vectors, and broken variants refused with one line.

use cogauth_core::transfer;

use crate::transfer::{
    aegis_fixture, all_fields, assert_same_codes, detected, fields, plain, read, vector_for,
};

fn detected_name(file: &str) -> &'static str {
    detected(&aegis_fixture(file)).0
}

#[test]
fn proton_export_gives_its_three_accounts_field_for_field() {
    assert_eq!(
        detected_name("proton_authenticator.json"),
        "proton-authenticator"
    );
    let decoded = read(&aegis_fixture("proton_authenticator.json"), None);
    assert_eq!(decoded.format, "proton-authenticator");
    assert_eq!(all_fields(&decoded.accounts), all_fields(&plain()[..3]));
    assert_same_codes(&decoded.accounts);
}

/// The app's name for an account (`content.name`) is the label, the issuer the URI's.
#[test]
fn proton_name_is_the_label() {
    let text = String::from_utf8(aegis_fixture("proton_authenticator.json"))
        .unwrap()
        .replacen("\"name\": \"Mason\"", "\"name\": \"Mason at work\"", 1);
    let decoded = read(text.as_bytes(), None);
    assert_eq!(
        (
            decoded.accounts[0].issuer.as_str(),
            decoded.accounts[0].label.as_str()
        ),
        ("Deno", "Mason at work")
    );
}

/// Bitwarden's CSV holds what its JSON does: three otpauth URIs and one `steam://` key, which
/// takes the item's name ("Test 4") as issuer, its username being empty.
#[test]
fn bitwarden_csv_gives_three_uris_and_a_steam_key_like_the_json() {
    assert_eq!(detected_name("bitwarden.csv"), "bitwarden");
    let decoded = read(&aegis_fixture("bitwarden.csv"), None);
    assert_eq!(decoded.format, "bitwarden");
    assert_eq!(decoded.accounts.len(), 4);
    assert_eq!(
        all_fields(&decoded.accounts[..3]),
        all_fields(&plain()[..3])
    );
    let steam = &decoded.accounts[3];
    assert_eq!(fields(steam)[2..], fields(&vector_for(steam))[2..]);
    assert_eq!(
        (steam.issuer.as_str(), steam.label.as_str()),
        ("Test 4", "")
    );
    assert_same_codes(&decoded.accounts);
}

/// A CSV Bitwarden writes as it does (quotes around fields with commas, line breaks in notes,
/// logins without a key, cards) gives the logins with keys, named by item and username.
#[test]
fn bitwarden_csv_with_quotes_notes_and_items_without_keys() {
    let csv = "\u{feff}folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n\
        Work,1,login,\"ACME, Inc.\",\"two\r\nlines, \"\"quoted\"\"\",,0,https://acme.example,alice@acme.example,\"p,a\"\"ss\",JBSWY3DPEHPK3PXP\r\n\
        ,,login,No key,,,0,,bob,secret,\r\n\
        ,,card,Visa,,,0,,,,\r\n\
        ,,login,Bank,,,0,,carol,pw,otpauth://totp/carol?secret=GEZDGNBVGY3TQOJQ&digits=8\r\n";
    let decoded = read(csv.as_bytes(), None);
    let names: Vec<(&str, &str, u32)> = decoded
        .accounts
        .iter()
        .map(|a| (a.issuer.as_str(), a.label.as_str(), a.params.digits))
        .collect();
    assert_eq!(
        names,
        [
            ("ACME, Inc.", "alice@acme.example", 6),
            ("Bank", "carol", 8)
        ]
    );
}

#[test]
fn fail_broken_bitwarden_csv_names_the_line_and_nothing_is_read() {
    let header = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n";
    let cases = [
        (
            format!("{header},,login,A,,,0,,a,pw,JBSWY3DPEHPK3PXP\n,,login,B,\"open,,0,,b,pw,X\n"),
            "malformed",
            "line 3: a quoted field never closes",
        ),
        (
            format!("{header},,login,A,,,0,,a,pw\n"),
            "malformed",
            "line 2 has 10 fields, the header 11",
        ),
        (
            format!(
                "{header},,login,A,,,0,,a,pw,JBSWY3DPEHPK3PXP\n,,login,B,,,0,,b,pw,not base32!\n"
            ),
            "invalid_entry",
            "line 3 ('B')",
        ),
        (
            format!("{header},,login,A,,,0,,a,pw,\n"),
            "no_accounts",
            "no accounts",
        ),
    ];
    for (text, kind, fragment) in cases {
        let error = transfer::read(text.as_bytes(), None).expect_err(fragment);
        let message = error.to_string();
        assert_eq!(error.kind(), kind, "{message}");
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
        assert!(!message.contains('\n'), "{message}");
        assert!(!message.contains("pw"), "a password in {message}");
    }
}

/// Steam's files hold one Steam Guard key (base64) for the login "Sophia": plain.txt's Steam
/// account, named Steam:Sophia as Aegis's test expects.
#[test]
fn steam_files_give_the_steam_account() {
    for file in ["steam.json", "steam_old.json"] {
        assert_eq!(detected_name(file), "steam", "{file}");
        let decoded = read(&aegis_fixture(file), None);
        assert_eq!(decoded.accounts.len(), 1, "{file}");
        let account = &decoded.accounts[0];
        let mut want = fields(&vector_for(account));
        want[0] = "Steam".to_owned();
        assert_eq!(fields(account), want, "{file}");
        assert_same_codes(std::slice::from_ref(account));
    }
}

#[test]
fn fail_broken_steam_files_are_refused_with_one_line() {
    let cases: [(&[u8], &str, &str); 4] = [
        (
            br#"{"shared_secret":"not base64!","account_name":"a"}"#,
            "invalid_entry",
            "'shared_secret' is not base64",
        ),
        (
            br#"{"shared_secret":"THIl8+Jl6ugxr8x0X6eRMg=="}"#,
            "invalid_entry",
            "'account_name' is missing",
        ),
        (
            br#"{"shared_secret":"","account_name":"a"}"#,
            "invalid_entry",
            "entry 1 ('Steam:a')",
        ),
        (
            br#"{"accounts":{"x":{"shared_secret":"THIl8+Jl6ugxr8x0X6eRMg=="}},"shared_secret":1}"#,
            "invalid_entry",
            "'account_name' is missing",
        ),
    ];
    for (data, kind, fragment) in cases {
        let error = transfer::read(data, None).expect_err(fragment);
        let message = error.to_string();
        assert_eq!(error.kind(), kind, "{message}");
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
        assert!(!message.contains("THIl8"), "a secret in {message}");
    }
}

/// Every format says what it leaves behind, and the registry names each once.
#[test]
fn every_format_is_described_once() {
    let mut names: Vec<&str> = transfer::formats().iter().map(|f| f.name()).collect();
    for format in transfer::formats() {
        let about = format.about();
        assert!(
            !about.app.is_empty() && !about.files.is_empty(),
            "{}",
            format.name()
        );
        assert!(std::ptr::eq(transfer::about(format.name()).unwrap(), about));
    }
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "a format name is used twice");
    assert!(transfer::about("qr-image").is_none());
}

const README_BEGIN: &str = "<!-- import-formats: begin";
const README_END: &str = "<!-- import-formats: end -->";

/// The README's table of formats, as the registry gives it.
fn readme_table() -> String {
    let mut table = String::from(
        "| `cogauth import` reads | files | name in reports | not imported |\n|---|---|---|---|\n",
    );
    for format in transfer::formats() {
        let about = format.about();
        let dropped: Vec<&str> = about.drops.iter().map(|d| d.words()).collect();
        let dropped = if dropped.is_empty() {
            "–".to_owned()
        } else {
            dropped.join(", ")
        };
        table.push_str(&format!(
            "| {} | {} | `{}` | {dropped} |\n",
            about.app,
            about.files,
            format.name()
        ));
    }
    table
}

/// The README lists exactly the registry's formats: the table between its markers is
/// generated here. `COGAUTH_BLESS=1 cargo test -p cogauth-core --test core readme` rewrites it.
#[test]
fn readme_lists_the_formats_of_the_registry() {
    let path = crate::repo_root().join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let begin = text
        .find(README_BEGIN)
        .expect("the README's format table marker");
    let start = begin
        + text[begin..]
            .find("-->\n")
            .expect("end of the begin marker")
        + 4;
    let end = start + text[start..].find(README_END).expect("the end marker");
    let want = readme_table();
    if std::env::var_os("COGAUTH_BLESS").is_some() {
        let updated = format!("{}{want}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        text[start..end],
        want,
        "README.md's format table differs from the registry: run COGAUTH_BLESS=1 cargo test -p cogauth-core --test core readme"
    );
}
