//! Import: every interop export in tests/fixtures/interop field for field against plain.txt, the
//! Google Authenticator example against its expected URIs, migration payloads and an encrypted
//! 2FAS backup built by independent encoders (tests/fixtures/migration, tests/fixtures/twofas),
//! the all-or-nothing rules and duplicates on a vault over keyring-core's mock store, the
//! rollback when the keychain fails midway, and hostile files, each refused with one clear
//! error and nothing added. Export: the encrypted and otpauth round trips, the HTML page, and
//! the backup record the reminder reads.

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cogauth_core::transfer::{
    self, Decoded, DuplicateOf, DuplicateReason, ImportError, ImportWarning, Input, MAX_ENTRIES,
};
use cogauth_core::{
    AccountId, AccountState, KeychainError, KeyringStore, NewAccount, OtpAuthUri, OtpKind, Secret,
    SecretStore, Vault, VaultError,
};
use keyring_core::{CredentialStore, mock};

use crate::{data_lines, interop, repo_root};

const SERVICE: &str = "cogauth-import-test";
pub(crate) const AEGIS_PASSWORD: &[u8] = b"test";

pub(crate) fn aegis_fixture(name: &str) -> Vec<u8> {
    let path = interop(&format!("aegis-fixtures/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

fn parse_lines(path: PathBuf) -> Vec<OtpAuthUri> {
    data_lines(path)
        .iter()
        .map(|l| OtpAuthUri::parse(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// The seven accounts every Aegis fixture is made of.
pub(crate) fn plain() -> Vec<OtpAuthUri> {
    parse_lines(interop("aegis-fixtures/plain.txt"))
}

/// An account as its fields: issuer, label, kind, algorithm, digits, period or counter, secret.
pub(crate) fn fields(uri: &OtpAuthUri) -> [String; 7] {
    let timing = match uri.params.kind {
        OtpKind::Totp { period } | OtpKind::Steam { period } => period.to_string(),
        OtpKind::Hotp { counter } => counter.to_string(),
    };
    [
        uri.issuer.clone(),
        uri.label.clone(),
        uri.params.kind.name().to_owned(),
        uri.params.algorithm.to_string(),
        uri.params.digits.to_string(),
        timing,
        uri.secret.to_base32().to_string(),
    ]
}

pub(crate) fn all_fields(uris: &[OtpAuthUri]) -> Vec<[String; 7]> {
    uris.iter().map(fields).collect()
}

pub(crate) fn read(data: &[u8], password: Option<&[u8]>) -> Decoded {
    transfer::read(data, password).unwrap_or_else(|e| panic!("{e}"))
}

/// The plain.txt account with the same secret.
pub(crate) fn vector_for(uri: &OtpAuthUri) -> OtpAuthUri {
    plain()
        .into_iter()
        .find(|p| p.secret == uri.secret)
        .unwrap_or_else(|| panic!("no plain.txt account has the secret of {}", uri.label))
}

/// The format `transfer::detect` finds, and whether it asks for a password.
pub(crate) fn detected(data: &[u8]) -> (&'static str, bool) {
    let input = Input::new(data).unwrap();
    let format = transfer::detect(&input).unwrap_or_else(|e| panic!("not detected: {e}"));
    (format.name(), format.needs_password(&input))
}

/// Every account gives the codes its plain.txt vector (same secret) gives, at a few fixed
/// times (HOTP: at its counter, whatever the time).
pub(crate) fn assert_same_codes(accounts: &[OtpAuthUri]) {
    for uri in accounts {
        let want = vector_for(uri);
        for time in [0, 59, 1_111_111_109, 1_700_000_000, 2_000_000_000] {
            assert_eq!(
                uri.params.generate(&uri.secret, time),
                want.params.generate(&want.secret, time),
                "{} at {time}",
                uri.label
            );
        }
    }
}

/// Reads `data`, expecting an error: it is returned after checking it is one line.
pub(crate) fn refused(data: &[u8], password: Option<&[u8]>) -> ImportError {
    let error = transfer::read(data, password).expect_err("refused");
    let message = error.to_string();
    assert!(!message.contains('\n'), "{message}");
    error
}

/// A vault on a fresh mock keychain, in a temporary data folder.
struct Fixture {
    dir: tempfile::TempDir,
    store: Arc<CredentialStore>,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
            store: mock::Store::new().unwrap(),
        }
    }

    fn keyring(&self) -> KeyringStore {
        KeyringStore::with_store(SERVICE, self.store.clone())
    }

    fn vault(&self) -> Vault<KeyringStore> {
        Vault::new(self.dir.path(), self.keyring())
    }

    /// A vault whose `fail_put_at`-th put (1-based) fails, and whose deletes fail when asked.
    fn flaky(&self, fail_put_at: usize, fail_deletes: bool) -> Vault<Flaky> {
        Vault::new(
            self.dir.path(),
            Flaky {
                inner: self.keyring(),
                puts: Cell::new(0),
                fail_put_at,
                fail_deletes,
            },
        )
    }

    /// Ids of every credential in the mock keychain that holds a secret.
    fn stored_ids(&self) -> Vec<String> {
        let spec = std::collections::HashMap::from([("service", SERVICE)]);
        let mut ids: Vec<String> = self
            .store
            .search(&spec)
            .unwrap()
            .into_iter()
            .filter(|e| e.get_secret().is_ok())
            .filter_map(|e| e.get_specifiers().map(|(_, user)| user))
            .collect();
        ids.sort();
        ids
    }

    fn index_text(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.path().join("accounts.json")).ok()
    }
}

/// The real (mock) keychain path with injected failures.
struct Flaky {
    inner: KeyringStore,
    puts: Cell<usize>,
    fail_put_at: usize,
    fail_deletes: bool,
}

fn locked() -> KeychainError {
    KeychainError::Locked {
        detail: "injected".to_owned(),
    }
}

impl SecretStore for Flaky {
    fn put(&self, id: &AccountId, secret: &Secret) -> Result<(), KeychainError> {
        self.puts.set(self.puts.get() + 1);
        if self.puts.get() == self.fail_put_at {
            return Err(locked());
        }
        self.inner.put(id, secret)
    }
    fn get(&self, id: &AccountId) -> Result<Secret, KeychainError> {
        self.inner.get(id)
    }
    fn delete(&self, id: &AccountId) -> Result<(), KeychainError> {
        if self.fail_deletes {
            return Err(locked());
        }
        self.inner.delete(id)
    }
}

// ---------------------------------------------------------------------------------------------
// The interop corpus: every file gives exactly the accounts its README says, field for field.

#[test]
fn every_interop_file_is_detected_and_holds_the_documented_count() {
    let cases = [
        ("plain.txt", "otpauth", 7),
        ("ente_auth.txt", "otpauth", 7),
        ("aegis_plain.json", "aegis", 7),
        ("aegis_encrypted.json", "aegis", 7),
        ("andotp_plain.json", "andotp", 7),
        ("freeotp_plus.json", "freeotp-plus", 6),
        ("2fas_authenticator_plain.2fas", "2fas", 4),
        ("bitwarden.json", "bitwarden", 4),
        ("bitwarden.csv", "bitwarden", 4),
        ("proton_authenticator.json", "proton-authenticator", 3),
        ("steam.json", "steam", 1),
        ("steam_old.json", "steam", 1),
        ("andotp_encrypted.bin", "andotp-encrypted", 7),
        ("andotp_encrypted_old.bin", "andotp-encrypted", 6),
        ("stratum_plain.json", "stratum", 7),
        ("stratum_encrypted.bin", "stratum", 7),
        ("stratum_encrypted_legacy.bin", "stratum", 7),
        ("freeotp.xml", "freeotp", 4),
        ("freeotp_plus_internal.xml", "freeotp", 6),
        ("freeotp_v2_api23.xml", "freeotp", 6),
        ("freeotp_v2_api25.xml", "freeotp", 6),
        ("freeotp_v2_api27.xml", "freeotp", 6),
        ("freeotp_v2_api34.xml", "freeotp", 6),
        ("freeotp_v2_null_algo.xml", "freeotp", 1),
    ];
    // Every file of the folder is in the table (its README documents each).
    let mut listed: Vec<&str> = cases.iter().map(|c| c.0).collect();
    listed.sort_unstable();
    let mut present: Vec<String> = std::fs::read_dir(interop("aegis-fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    present.sort_unstable();
    assert_eq!(listed, present);
    for (file, format, count) in cases {
        let data = aegis_fixture(file);
        let input = Input::new(&data).unwrap();
        assert_eq!(transfer::detect(&input).unwrap().name(), format, "{file}");
        let decoded = read(&data, Some(AEGIS_PASSWORD));
        assert_eq!(decoded.format, format, "{file}");
        assert_eq!(decoded.accounts.len(), count, "{file}");
        assert!(decoded.warnings.is_empty(), "{file}");
    }
}

#[test]
fn plain_txt_and_aegis_and_andotp_give_the_seven_accounts_in_order() {
    let want = all_fields(&plain());
    assert_eq!(want.len(), 7);
    for file in ["plain.txt", "aegis_plain.json", "andotp_plain.json"] {
        let decoded = read(&aegis_fixture(file), None);
        assert_eq!(all_fields(&decoded.accounts), want, "{file}");
    }
}

#[test]
fn aegis_encrypted_opens_with_its_password_to_the_seven_accounts() {
    let data = aegis_fixture("aegis_encrypted.json");
    let input = Input::new(&data).unwrap();
    let format = transfer::detect(&input).unwrap();
    assert!(format.needs_password(&input));
    assert!(!format.needs_password(&Input::new(&aegis_fixture("aegis_plain.json")).unwrap()));
    let decoded = read(&data, Some(AEGIS_PASSWORD));
    assert_eq!(all_fields(&decoded.accounts), all_fields(&plain()));
}

#[test]
fn fail_aegis_encrypted_without_or_with_a_wrong_password_imports_nothing() {
    let data = aegis_fixture("aegis_encrypted.json");
    assert!(matches!(
        transfer::read(&data, None),
        Err(ImportError::PasswordRequired { format: "aegis" })
    ));
    let fixture = Fixture::new();
    let error = transfer::import_into(&fixture.vault(), &data, Some(b"tset")).unwrap_err();
    assert!(matches!(
        error,
        ImportError::WrongPassword { format: "aegis" }
    ));
    assert_eq!(error.kind(), "wrong_password");
    assert!(error.to_string().contains("wrong password"), "{error}");
    assert_eq!(fixture.index_text(), None);
    assert!(fixture.stored_ids().is_empty());
}

#[test]
fn ente_export_gives_the_seven_accounts_ignoring_its_extra_parameters() {
    let decoded = read(&aegis_fixture("ente_auth.txt"), None);
    let mut got = all_fields(&decoded.accounts);
    let mut want = all_fields(&plain());
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

/// FreeOTP+ has no Steam, stores secrets as signed bytes and each HOTP counter one lower.
#[test]
fn freeotp_plus_gives_six_accounts_with_counters_one_higher_than_stored() {
    let decoded = read(&aegis_fixture("freeotp_plus.json"), None);
    assert_eq!(decoded.accounts.len(), 6);
    for uri in &decoded.accounts {
        assert_eq!(fields(uri), fields(&vector_for(uri)), "{}", uri.label);
    }
    assert!(
        decoded
            .accounts
            .iter()
            .all(|u| !matches!(u.params.kind, OtpKind::Steam { .. }))
    );
    // The file's WWE counter is 10299: the next code is 10300.
    let wwe = decoded.accounts.iter().find(|u| u.issuer == "WWE").unwrap();
    assert_eq!(wwe.params.kind, OtpKind::Hotp { counter: 10300 });
}

/// This 2FAS backup (schema 2) predates 2FAS's HOTP support: it has no tokenType and no
/// counter, so its two HOTP vectors come back as what the file says, TOTP with the default 30 s
/// period. Every other field is plain.txt's.
#[test]
fn twofas_plain_gives_four_accounts_as_the_file_records_them() {
    let decoded = read(&aegis_fixture("2fas_authenticator_plain.2fas"), None);
    let names: Vec<String> = decoded
        .accounts
        .iter()
        .map(|u| format!("{}:{}", u.issuer, u.label))
        .collect();
    assert_eq!(
        names,
        ["Deno:Mason", "Airbnb:Elijah", "Issuu:James", "WWE:Mason"]
    );
    for uri in &decoded.accounts {
        let mut want = fields(&vector_for(uri));
        if want[2] == "hotp" {
            want[2] = "totp".to_owned();
            want[5] = "30".to_owned();
        }
        assert_eq!(fields(uri), want, "{}", uri.label);
    }
}

#[test]
fn twofas_encrypted_opens_with_its_password_to_the_seven_accounts() {
    let data = std::fs::read(fixture("twofas/encrypted.2fas")).unwrap();
    let input = Input::new(&data).unwrap();
    let format = transfer::detect(&input).unwrap();
    assert_eq!(format.name(), "2fas");
    assert!(format.needs_password(&input));
    let decoded = read(&data, Some(b"test"));
    assert_eq!(all_fields(&decoded.accounts), all_fields(&plain()));
    assert!(matches!(
        transfer::read(&data, Some(b"Test")),
        Err(ImportError::WrongPassword { format: "2fas" })
    ));
    assert!(matches!(
        transfer::read(&data, None),
        Err(ImportError::PasswordRequired { format: "2fas" })
    ));
}

/// Bitwarden holds three otpauth URIs and one `steam://` key; a Steam key has no name of its
/// own, so it takes the item's name ("Test Steam") as issuer and its (empty) username.
#[test]
fn bitwarden_gives_three_uris_and_a_steam_key() {
    let decoded = read(&aegis_fixture("bitwarden.json"), None);
    let plain = plain();
    assert_eq!(
        all_fields(&decoded.accounts[..3]),
        all_fields(&plain[..3]),
        "Deno, SPDX, Airbnb"
    );
    let steam = &decoded.accounts[3];
    let boeing = vector_for(steam);
    assert_eq!(fields(steam)[2..], fields(&boeing)[2..]);
    assert_eq!(
        (steam.issuer.as_str(), steam.label.as_str()),
        ("Test Steam", "")
    );
}

// ---------------------------------------------------------------------------------------------
// Google Authenticator migration URIs.

#[test]
fn google_example_export_decodes_to_the_expected_uris_in_order() {
    let data = std::fs::read(interop("google-migration/example_export.txt")).unwrap();
    let decoded = read(&data, None);
    assert_eq!(decoded.format, "google-authenticator");
    let want = parse_lines(interop("google-migration/expected_uris.txt"));
    assert_eq!(want.len(), 6);
    assert_eq!(all_fields(&decoded.accounts), all_fields(&want));
    assert_eq!(
        decoded.accounts[0].secret.to_base32().as_str(),
        "7KSQL2JTUDIS5EF65KLMRQIIGY"
    );
}

/// All six share one secret. Entry 4 repeats entry 1 exactly (the duplicate the corpus
/// documents); entries 2, 3 and 6 are the same TOTP token under other names, so they give the
/// same codes and are duplicates too. The HOTP entry is another token.
#[test]
fn google_example_import_reports_its_duplicates() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let data = std::fs::read(interop("google-migration/example_export.txt")).unwrap();
    let report = transfer::import_into(&vault, &data, None).unwrap();
    let added: Vec<String> = report.added.iter().map(|a| a.display_name()).collect();
    assert_eq!(added, ["raspberrypi:pi@raspberrypi", "hotp demo"]);
    let skipped: Vec<(usize, DuplicateReason, DuplicateOf)> = report
        .duplicates
        .iter()
        .map(|d| (d.entry, d.reason, d.of.clone()))
        .collect();
    let entry_1 = DuplicateOf::Earlier {
        entry: 1,
        name: "raspberrypi:pi@raspberrypi".to_owned(),
    };
    assert_eq!(
        skipped,
        [
            (2, DuplicateReason::SameSecret, entry_1.clone()),
            (3, DuplicateReason::SameSecret, entry_1.clone()),
            (4, DuplicateReason::SameSecret, entry_1.clone()),
            (6, DuplicateReason::SameSecret, entry_1),
        ]
    );
    assert_eq!(vault.accounts().unwrap().len(), 2);
    assert_eq!(fixture.stored_ids().len(), 2);
}

#[test]
fn independent_migration_payloads_decode_to_their_expected_uris() {
    let data = std::fs::read(fixture("migration/payloads.txt")).unwrap();
    let decoded = read(&data, None);
    let want = parse_lines(fixture("migration/payloads_expected.txt"));
    assert_eq!(want.len(), 11);
    assert_eq!(all_fields(&decoded.accounts), all_fields(&want));
    // The three batches of one export are all there: no warning.
    assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
}

#[test]
fn a_batch_with_missing_parts_is_imported_with_a_warning() {
    let data = std::fs::read(fixture("migration/incomplete_batch.txt")).unwrap();
    let decoded = read(&data, None);
    assert_eq!(decoded.accounts.len(), 1);
    assert_eq!(
        decoded.warnings,
        [ImportWarning::IncompleteBatch {
            present: 1,
            size: 2
        }]
    );
    assert!(decoded.warnings[0].to_string().contains("2 parts"));
}

#[test]
fn fail_broken_migration_payloads_are_refused_naming_the_line() {
    let lines = data_lines(fixture("migration/fail_payloads.tsv"));
    assert!(lines.len() >= 9);
    for line in lines {
        let (fragment, uri) = line.split_once('\t').unwrap();
        // A comment and a blank line first, so the line number is checked too.
        let text = format!("# export\n\n{uri}\n");
        let error = transfer::read(text.as_bytes(), None).expect_err(uri);
        let message = error.to_string();
        assert!(message.contains(fragment), "{fragment}: {message}");
        assert!(message.starts_with("line 3"), "{message}");
        assert_eq!(error.kind(), "invalid_entry");
    }
}

#[test]
fn a_list_may_mix_otpauth_and_migration_lines() {
    let plain_text = String::from_utf8(aegis_fixture("plain.txt")).unwrap();
    let migration = data_lines(fixture("migration/payloads.txt"));
    let text = format!("{plain_text}\n# and a Google export\n{}\n", migration[0]);
    let decoded = read(text.as_bytes(), None);
    assert_eq!(decoded.format, "otpauth");
    assert_eq!(decoded.accounts.len(), 8);
    assert_eq!(decoded.accounts[7].issuer, "ACME Co");
}

// ---------------------------------------------------------------------------------------------
// Import semantics over the vault.

#[test]
fn otpauth_export_imports_back_to_the_same_accounts() {
    let source = Fixture::new();
    let vault = source.vault();
    transfer::import_into(&vault, &aegis_fixture("aegis_plain.json"), None).unwrap();
    let export: String = vault
        .accounts()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{}\n",
                vault.otpauth_uri(a.id.as_str()).unwrap().to_uri().as_str()
            )
        })
        .collect();

    let target = Fixture::new();
    let copy = target.vault();
    let report = transfer::import_into(&copy, export.as_bytes(), None).unwrap();
    assert_eq!(report.format, "otpauth");
    assert_eq!(report.added.len(), 7);
    let round_trip: Vec<OtpAuthUri> = copy
        .accounts()
        .unwrap()
        .iter()
        .map(|a| copy.otpauth_uri(a.id.as_str()).unwrap())
        .collect();
    assert_eq!(all_fields(&round_trip), all_fields(&plain()));

    // Importing the same file again adds nothing: every entry is the same token.
    let again = transfer::import_into(&copy, export.as_bytes(), None).unwrap();
    assert!(again.added.is_empty());
    assert_eq!(again.duplicates.len(), 7);
    assert!(
        again
            .duplicates
            .iter()
            .all(|d| d.reason == DuplicateReason::SameSecret
                && matches!(d.of, DuplicateOf::Existing { .. }))
    );
    assert_eq!(copy.accounts().unwrap().len(), 7);
}

#[test]
fn duplicates_are_the_same_token_or_the_same_name_and_are_skipped() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let deno = vault.add(NewAccount::from(plain().remove(0))).unwrap();
    // Same name as plain.txt's Airbnb account, another secret.
    let airbnb = vault
        .add(NewAccount::from(
            OtpAuthUri::parse(
                "otpauth://totp/Airbnb:Elijah?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            )
            .unwrap(),
        ))
        .unwrap();
    let text = [
        // 1: Deno's token under another name: the same token as an existing account.
        "otpauth://totp/Renamed:mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ",
        // 2: new.
        "otpauth://hotp/Issuu:James?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&counter=1",
        // 3: the same HOTP token with a later counter: the counter is not identity.
        "otpauth://hotp/Issuu:James2?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&counter=9",
        // 4: same secret, other digits: another token, new.
        "otpauth://hotp/Issuu:James8?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&counter=1&digits=8",
        // 5: the name of an existing account (any case), another secret.
        "otpauth://totp/AIRBNB:elijah?secret=7ELGJSGXNCCTV3O6LKJWYFV2RA",
        // 6: the name of entry 2, another secret.
        "otpauth://totp/issuu:JAMES?secret=KUVJJOM753IHTNDSZVCNKL7GII",
    ]
    .join("\n");
    let plan = transfer::preview(&vault, text.as_bytes(), None).unwrap();
    let new: Vec<String> = plan
        .new
        .iter()
        .map(|u| format!("{}:{}", u.issuer, u.label))
        .collect();
    assert_eq!(new, ["Issuu:James", "Issuu:James8"]);
    let skipped: Vec<(usize, DuplicateReason, DuplicateOf)> = plan
        .duplicates
        .iter()
        .map(|d| (d.entry, d.reason, d.of.clone()))
        .collect();
    let entry_2 = DuplicateOf::Earlier {
        entry: 2,
        name: "Issuu:James".to_owned(),
    };
    assert_eq!(
        skipped,
        [
            (
                1,
                DuplicateReason::SameSecret,
                DuplicateOf::Existing {
                    id: deno.id.clone(),
                    name: "Deno:Mason".to_owned()
                }
            ),
            (3, DuplicateReason::SameSecret, entry_2.clone()),
            (
                5,
                DuplicateReason::SameName,
                DuplicateOf::Existing {
                    id: airbnb.id.clone(),
                    name: "Airbnb:Elijah".to_owned()
                }
            ),
            (6, DuplicateReason::SameName, entry_2),
        ]
    );
    // A preview changes nothing; applying it adds exactly the new ones.
    assert_eq!(vault.accounts().unwrap().len(), 2);
    let report = plan.apply(&vault).unwrap();
    assert_eq!(report.added.len(), 2);
    assert_eq!(vault.accounts().unwrap().len(), 4);
    assert_eq!(fixture.stored_ids().len(), 4);
}

#[test]
fn fail_one_bad_entry_refuses_the_whole_file() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let kept = vault.add(NewAccount::from(plain().remove(0))).unwrap();
    let before = fixture.index_text();
    let lines = String::from_utf8(aegis_fixture("plain.txt")).unwrap();
    let mut lines: Vec<&str> = lines.lines().collect();
    // Line 4 of the file: a secret of 56 bits.
    lines[3] = "otpauth://totp/Short:secret?secret=JBSWY3DPEHPK";
    let error = transfer::import_into(&vault, lines.join("\n").as_bytes(), None).unwrap_err();
    let message = error.to_string();
    assert_eq!(error.kind(), "invalid_entry");
    assert!(message.starts_with("line 4 ('Short:secret')"), "{message}");
    assert!(message.contains("56 bits"), "{message}");
    assert!(!message.contains("JBSWY3DPEHPK"), "{message}");
    assert_eq!(fixture.index_text(), before, "nothing added");
    assert_eq!(fixture.stored_ids(), [kept.id.to_string()]);

    // In a JSON export: the entry's number, its name and the field.
    let aegis = String::from_utf8(aegis_fixture("aegis_plain.json"))
        .unwrap()
        .replacen(
            "\"digits\": 8,\n                    \"period\": 50",
            "\"digits\": \"eight\",\n                    \"period\": 50",
            1,
        );
    let error = transfer::import_into(&vault, aegis.as_bytes(), None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "entry 3 ('Airbnb:Elijah'): the field 'digits' should be a non-negative whole number"
    );
    let motp = String::from_utf8(aegis_fixture("aegis_plain.json"))
        .unwrap()
        .replacen("\"type\": \"steam\"", "\"type\": \"motp\"", 1);
    let error = transfer::import_into(&vault, motp.as_bytes(), None).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("entry 7 ('Boeing:Sophia'): the OTP type 'motp' is not supported"),
        "{error}"
    );
    assert_eq!(fixture.index_text(), before, "nothing added");
}

#[test]
fn fail_keychain_failure_midway_removes_what_the_import_added() {
    let fixture = Fixture::new();
    let kept = fixture
        .vault()
        .add(NewAccount::from(plain().remove(0)))
        .unwrap();
    let before = fixture.index_text();
    // Puts: 1 and 2 succeed (SPDX, Airbnb), the third (Issuu) finds the keychain locked.
    let vault = fixture.flaky(3, false);
    let error =
        transfer::import_into(&vault, &aegis_fixture("aegis_plain.json"), None).unwrap_err();
    assert!(
        matches!(&error, ImportError::AddFailed { name, removed: 2, .. } if name == "Issuu:James"),
        "{error:?}"
    );
    assert_eq!(error.kind(), "keychain_locked");
    assert!(error.changed_nothing());
    assert!(error.to_string().contains("removed again"), "{error}");
    assert_eq!(fixture.index_text(), before);
    assert_eq!(fixture.stored_ids(), [kept.id.to_string()]);
}

#[test]
fn fail_rollback_that_cannot_finish_says_which_accounts_stay() {
    let fixture = Fixture::new();
    let vault = fixture.flaky(3, true);
    let error =
        transfer::import_into(&vault, &aegis_fixture("aegis_plain.json"), None).unwrap_err();
    let ImportError::RollbackIncomplete { left, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(left, &["Deno:Mason", "SPDX:James"]);
    assert!(!error.changed_nothing());
    assert_eq!(error.kind(), "keychain_locked");
    // What stays is complete: both accounts have their secrets.
    let accounts = fixture.vault().accounts().unwrap();
    assert_eq!(accounts.len(), 2);
    for account in &accounts {
        assert!(fixture.vault().secret(account).is_ok());
    }
}

#[test]
fn fail_locked_keychain_while_comparing_secrets_changes_nothing() {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    let existing = vault.add(NewAccount::from(plain().remove(0))).unwrap();
    let entry =
        keyring_core::Entry::new_in_store(&fixture.store, SERVICE, existing.id.as_str()).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess(
        "locked by test".into(),
    ));
    let error = transfer::import_into(&vault, &aegis_fixture("plain.txt"), None).unwrap_err();
    assert!(matches!(&error, ImportError::Vault(e) if matches!(**e, VaultError::Keychain(_))));
    assert_eq!(error.kind(), "keychain_locked");
    assert_eq!(vault.accounts().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Hostile and broken files: one clear error, nothing added, no panic.

/// An Aegis file whose password slot asks for the given scrypt parameters.
fn aegis_with_scrypt(n: u64, r: u64, p: u64) -> Vec<u8> {
    let mut value: serde_json::Value =
        serde_json::from_slice(&aegis_fixture("aegis_encrypted.json")).unwrap();
    let slot = &mut value["header"]["slots"][0];
    slot["n"] = n.into();
    slot["r"] = r.into();
    slot["p"] = p.into();
    serde_json::to_vec(&value).unwrap()
}

fn many_andotp_entries(count: usize) -> Vec<u8> {
    let entry = r#"{"secret":"JBSWY3DPEHPK3PXP","issuer":"X","label":"y","digits":6,"type":"TOTP","algorithm":"SHA1","period":30}"#;
    format!("[{}]", vec![entry; count].join(",")).into_bytes()
}

/// A name, the file, the password, the error kind and a fragment of its message.
type HostileCase = (
    &'static str,
    Vec<u8>,
    Option<&'static [u8]>,
    &'static str,
    &'static str,
);

/// andOTP's encrypted fixture with its header's iteration count replaced.
fn andotp_with_iterations(count: u32) -> Vec<u8> {
    let mut data = aegis_fixture("andotp_encrypted.bin");
    data[..4].copy_from_slice(&count.to_be_bytes());
    data
}

#[test]
fn fail_hostile_inputs_are_refused_with_one_clear_error_and_nothing_added() {
    let aegis_plain = aegis_fixture("aegis_plain.json");
    let aegis_encrypted = String::from_utf8(aegis_fixture("aegis_encrypted.json")).unwrap();
    let truncated_db = {
        let start = aegis_encrypted.find("\"db\": \"").unwrap() + 7;
        let mut text = aegis_encrypted.clone();
        text.replace_range(start + 100..start + 200, "");
        text.into_bytes()
    };
    let freeotp_string_secret = String::from_utf8(aegis_fixture("freeotp_plus.json"))
        .unwrap()
        .replacen(
            "\"secret\":[-19,64,-59,-18,-5,-20,-50,34,6,-79,93,117,-63,24,42,118]",
            "\"secret\":\"5VAML3X35THCEBVRLV24CGBKOY\"",
            1,
        );
    let andotp_number_secret = String::from_utf8(aegis_fixture("andotp_plain.json"))
        .unwrap()
        .replacen("\"4SJHB4GSD43FZBAI7C2HLRJGPQ======\"", "12345", 1);
    let many_lines = "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n".repeat(MAX_ENTRIES + 1);
    let huge_length_payload = {
        // Field 1, length 2^35: far beyond the data.
        let bytes = [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00];
        format!(
            "otpauth-migration://offline?data={}",
            data_encoding::BASE64.encode(&bytes).replace('=', "%3D")
        )
    };
    let cases: Vec<HostileCase> = vec![
        ("empty", Vec::new(), None, "empty", "empty"),
        ("blank", b" \n\t\n".to_vec(), None, "empty", "empty"),
        ("20 MB of junk", vec![b'A'; 20 * 1024 * 1024], None, "too_large", "16 MiB"),
        ("not UTF-8", vec![0xff, 0xfe, 0x00, 0x41, 0x80], None, "not_utf8", "UTF-8"),
        ("invalid JSON", b"{\"header\": {\"slots\": ".to_vec(), None, "invalid_json", "EOF"),
        ("truncated JSON", aegis_plain[..aegis_plain.len() / 2].to_vec(), None, "invalid_json", "line"),
        ("deep nesting", "[".repeat(100_000).into_bytes(), None, "invalid_json", "recursion"),
        ("unknown JSON", b"{\"foo\": 1}".to_vec(), None, "unknown_format", "not an export"),
        ("empty array", b"[]".to_vec(), None, "unknown_format", "not an export"),
        ("prose", b"hello world".to_vec(), None, "unknown_format", "not an export"),
        ("truncated encrypted db", truncated_db, Some(AEGIS_PASSWORD), "malformed", "damaged"),
        ("scrypt N = 2^30", aegis_with_scrypt(1 << 30, 8, 1), Some(AEGIS_PASSWORD), "kdf_too_costly", "N=1073741824"),
        ("scrypt r*p", aegis_with_scrypt(1 << 15, 1 << 16, 1 << 16), Some(AEGIS_PASSWORD), "kdf_too_costly", "r=65536"),
        ("scrypt memory", aegis_with_scrypt(1 << 20, 8, 1), Some(AEGIS_PASSWORD), "kdf_too_costly", "256 MiB"),
        // Within every per-slot limit (r·p = 64, 256 MiB) but 64 times the total work allowed.
        ("scrypt total work", aegis_with_scrypt(1 << 20, 2, 32), Some(AEGIS_PASSWORD), "malformed", "key-derivation work"),
        ("wide JSON", format!("[{}{{}}]", "{},".repeat(100_000)).into_bytes(), None, "invalid_json", "JSON objects and arrays"),
        ("scrypt N not a power of two", aegis_with_scrypt(1000, 8, 1), Some(AEGIS_PASSWORD), "malformed", "power of two"),
        ("wrong type: string secret", freeotp_string_secret.into_bytes(), None, "invalid_entry", "entry 1 ('WWE:Mason'): the field 'secret' should be an array"),
        ("wrong type: number secret", andotp_number_secret.into_bytes(), None, "invalid_entry", "entry 1 ('Deno:Mason'): the field 'secret' should be a string"),
        ("wrong type: entries", br#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":{}}}"#.to_vec(), None, "malformed", "'entries' should be an array"),
        ("wrong type: items", br#"{"encrypted":false,"items":{}}"#.to_vec(), None, "malformed", "'items' should be an array"),
        ("wrong type: db", br#"{"version":1,"header":{},"db":42}"#.to_vec(), None, "malformed", "'db'"),
        ("no accounts", br#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[]}}"#.to_vec(), None, "no_accounts", "no accounts"),
        ("too many JSON entries", many_andotp_entries(MAX_ENTRIES + 1), None, "too_many_entries", "10000"),
        ("too many lines", many_lines.into_bytes(), None, "too_many_entries", "10000"),
        ("protobuf length beyond the data", huge_length_payload.into_bytes(), None, "invalid_entry", "truncated"),
        ("encrypted Bitwarden", br#"{"encrypted":true,"passwordProtected":true,"data":"x"}"#.to_vec(), None, "unsupported", "encrypted Bitwarden"),
        ("biometric-only Aegis", aegis_encrypted.replace("\"type\": 1,", "\"type\": 2,").into_bytes(), Some(AEGIS_PASSWORD), "unsupported", "password slot"),
        // The exports of issue 18: a wrong password, a cut file, a hostile cost, broken text.
        ("Stratum, wrong password", aegis_fixture("stratum_encrypted.bin"), Some(b"tset"), "wrong_password", "wrong password"),
        ("Stratum, cut short", aegis_fixture("stratum_encrypted.bin")[..30].to_vec(), Some(AEGIS_PASSWORD), "malformed", "stratum"),
        ("andOTP, 10^7 iterations", andotp_with_iterations(10_000_000), Some(AEGIS_PASSWORD), "malformed", "10000000 PBKDF2 iterations"),
        ("FreeOTP 2, cut short", { let b = aegis_fixture("freeotp_v2_api34.xml"); b[..b.len() / 2].to_vec() }, Some(AEGIS_PASSWORD), "malformed", "freeotp"),
        ("FreeOTP 2, no password", aegis_fixture("freeotp_v2_api34.xml"), None, "password_required", "password"),
        ("Bitwarden CSV, open quote", b"name,login_username,login_totp\nA,\"a,JBSWY3DPEHPK3PXP\n".to_vec(), None, "malformed", "never closes"),
        ("Steam, not base64", br#"{"shared_secret":"%%%","account_name":"a"}"#.to_vec(), None, "invalid_entry", "not base64"),
    ];
    for (name, data, password, kind, fragment) in cases {
        let fixture = Fixture::new();
        let started = Instant::now();
        let error = transfer::import_into(&fixture.vault(), &data, password).expect_err(name);
        let message = error.to_string();
        assert_eq!(error.kind(), kind, "{name}: {message}");
        assert!(
            message.contains(fragment),
            "{name}: {message:?} lacks {fragment:?}"
        );
        assert!(
            !message.contains('\n') && message.len() < 300,
            "{name}: one short line: {message}"
        );
        assert!(
            !message.contains("5VAML3X35THC") && !message.contains("4SJHB4GSD43F"),
            "{name} leaks a secret: {message}"
        );
        assert!(error.changed_nothing(), "{name}");
        assert_eq!(fixture.index_text(), None, "{name}: nothing added");
        assert!(fixture.stored_ids().is_empty(), "{name}: nothing stored");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name} took {:?}",
            started.elapsed()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Export: what the exporter writes, the importer reads back field for field.

/// A vault holding the seven plain.txt accounts (TOTP, HOTP and Steam) plus a pending one.
fn export_source() -> Fixture {
    let fixture = Fixture::new();
    let vault = fixture.vault();
    transfer::import_into(&vault, &aegis_fixture("aegis_plain.json"), None).unwrap();
    vault
        .add(NewAccount {
            state: AccountState::Pending {
                pending_reason: "enrolment not finished".to_owned(),
            },
            ..NewAccount::from(
                OtpAuthUri::parse(
                    "otpauth://totp/Cognito:pending?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&period=60&algorithm=SHA256",
                )
                .unwrap(),
            )
        })
        .unwrap();
    fixture
}

/// Every account of a vault with its secret, in the vault's order.
fn vault_fields<S: SecretStore>(vault: &Vault<S>) -> Vec<[String; 7]> {
    vault
        .accounts()
        .unwrap()
        .iter()
        .map(|a| fields(&vault.otpauth_uri(a.id.as_str()).unwrap()))
        .collect()
}

const EXPORT_PASSWORD: &[u8] = b"correct horse battery staple";

fn encrypted_export(fixture: &Fixture) -> Vec<u8> {
    transfer::export_aegis_encrypted(&fixture.vault(), EXPORT_PASSWORD, &mut getrandom::fill)
        .unwrap()
        .to_vec()
}

#[test]
fn encrypted_export_imports_into_an_empty_vault_field_for_field() {
    let source = export_source();
    let want = vault_fields(&source.vault());
    assert_eq!(want.len(), 8);
    let file = encrypted_export(&source);

    // The shape Aegis writes: one password slot with Aegis's scrypt settings.
    let json: serde_json::Value = serde_json::from_slice(&file).unwrap();
    assert_eq!(json["version"], 1);
    let slots = json["header"]["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 1);
    assert_eq!(slots[0]["type"], 1);
    assert_eq!(
        (
            slots[0]["n"].clone(),
            slots[0]["r"].clone(),
            slots[0]["p"].clone()
        ),
        (32768.into(), 8.into(), 1.into())
    );
    assert_eq!(slots[0]["salt"].as_str().unwrap().len(), 64);
    assert_eq!(slots[0]["key"].as_str().unwrap().len(), 64);
    assert_eq!(slots[0]["key_params"]["nonce"].as_str().unwrap().len(), 24);
    assert_eq!(slots[0]["key_params"]["tag"].as_str().unwrap().len(), 32);
    assert_eq!(
        json["header"]["params"]["nonce"].as_str().unwrap().len(),
        24
    );
    assert_eq!(json["header"]["params"]["tag"].as_str().unwrap().len(), 32);
    assert!(json["db"].is_string());

    let target = Fixture::new();
    let copy = target.vault();
    assert!(copy.accounts().unwrap().is_empty());
    let report = transfer::import_into(&copy, &file, Some(EXPORT_PASSWORD)).unwrap();
    assert_eq!(report.format, "aegis");
    assert_eq!(report.added.len(), 8);
    assert!(report.duplicates.is_empty());
    assert_eq!(vault_fields(&copy), want);
    // The pending account comes back as an ordinary one; kinds survive.
    let accounts = copy.accounts().unwrap();
    let kinds: Vec<&str> = accounts.iter().map(|a| a.params.kind.name()).collect();
    assert!(kinds.contains(&"hotp") && kinds.contains(&"steam") && kinds.contains(&"totp"));
}

#[test]
fn fail_encrypted_export_with_a_wrong_or_no_password_imports_nothing() {
    let source = export_source();
    let file = encrypted_export(&source);
    let target = Fixture::new();
    let error = transfer::import_into(
        &target.vault(),
        &file,
        Some(b"correct horse battery stapler"),
    )
    .unwrap_err();
    assert_eq!(error.kind(), "wrong_password", "{error}");
    let error = transfer::import_into(&target.vault(), &file, None).unwrap_err();
    assert_eq!(error.kind(), "password_required", "{error}");
    assert_eq!(target.index_text(), None);
    assert!(target.stored_ids().is_empty());
}

#[test]
fn otpauth_export_includes_pending_accounts_and_imports_back_field_for_field() {
    let source = export_source();
    let want = vault_fields(&source.vault());
    let text = transfer::export_otpauth(&source.vault()).unwrap();
    assert_eq!(text.lines().count(), 8);
    assert!(text.ends_with('\n'));
    assert!(
        text.contains("otpauth://totp/Cognito:pending?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    );

    let target = Fixture::new();
    let copy = target.vault();
    let report = transfer::import_into(&copy, text.as_bytes(), None).unwrap();
    assert_eq!(report.format, "otpauth");
    assert_eq!(report.added.len(), 8);
    assert_eq!(vault_fields(&copy), want);
}

#[test]
fn encrypted_export_holds_no_secret_in_the_clear() {
    let source = export_source();
    let vault = source.vault();
    let file = encrypted_export(&source);
    let original = String::from_utf8(file.clone()).unwrap();
    let text = original.to_uppercase();
    let accounts = vault.accounts().unwrap();
    assert_eq!(accounts.len(), 8);
    for account in &accounts {
        let secret = vault.secret(account).unwrap();
        let base32 = secret.to_base32();
        assert!(
            !text.contains(base32.as_str()),
            "{} in base32",
            account.label
        );
        assert!(
            !file
                .windows(secret.expose().len())
                .any(|w| w == secret.expose()),
            "{} raw",
            account.label
        );
        let hex = data_encoding::HEXUPPER.encode(secret.expose());
        assert!(!text.contains(&hex), "{} in hex", account.label);
        // Names are inside the encrypted database too.
        assert!(!original.contains(&account.label), "{}", account.label);
    }
    assert!(
        !file
            .windows(EXPORT_PASSWORD.len())
            .any(|w| w == EXPORT_PASSWORD)
    );
}

#[test]
fn two_encrypted_exports_of_one_vault_share_no_salt_key_or_nonce() {
    let source = export_source();
    let (one, two) = (encrypted_export(&source), encrypted_export(&source));
    assert_ne!(one, two);
    let one: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let two: serde_json::Value = serde_json::from_slice(&two).unwrap();
    let slot = |v: &serde_json::Value, field: &str| v["header"]["slots"][0][field].clone();
    for field in ["salt", "key", "uuid"] {
        assert_ne!(slot(&one, field), slot(&two, field), "{field}");
    }
    assert_ne!(
        one["header"]["slots"][0]["key_params"]["nonce"],
        two["header"]["slots"][0]["key_params"]["nonce"]
    );
    assert_ne!(
        one["header"]["params"]["nonce"],
        two["header"]["params"]["nonce"]
    );
    assert_ne!(one["db"], two["db"]);
}

#[test]
fn fail_keychain_failure_aborts_the_export() {
    let source = export_source();
    let vault = source.vault();
    let victim = vault.accounts().unwrap()[3].clone();
    let entry =
        keyring_core::Entry::new_in_store(&source.store, SERVICE, victim.id.as_str()).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess(
        "locked by test".into(),
    ));
    let error = transfer::export_otpauth(&vault).unwrap_err();
    assert_eq!(error.kind(), "keychain_locked", "{error}");
    cred.set_error(keyring_core::Error::NoStorageAccess(
        "locked by test".into(),
    ));
    let error = transfer::export_aegis_encrypted(&vault, EXPORT_PASSWORD, &mut getrandom::fill)
        .unwrap_err();
    assert_eq!(error.kind(), "keychain_locked", "{error}");
    assert!(!error.to_string().contains("4SJHB4GSD43F"), "{error}");
    cred.set_error(keyring_core::Error::NoStorageAccess(
        "locked by test".into(),
    ));
    let error = transfer::export_html(&vault, 0).unwrap_err();
    assert_eq!(error.kind(), "keychain_locked", "{error}");
}

#[test]
fn fail_random_source_failure_aborts_the_encrypted_export() {
    let source = export_source();
    let mut broken = |_: &mut [u8]| Err(getrandom::Error::UNSUPPORTED);
    let error = transfer::export_aegis_encrypted(&source.vault(), EXPORT_PASSWORD, &mut broken)
        .unwrap_err();
    assert_eq!(error.kind(), "internal", "{error}");
}

// ---------------------------------------------------------------------------------------------
// The printable HTML page and the backup record.

#[test]
fn html_export_has_one_code_per_account_with_escaped_names_and_nothing_external() {
    let fixture = export_source();
    let vault = fixture.vault();
    vault
        .add(NewAccount::from(
            OtpAuthUri::parse(
                "otpauth://totp/%3Cscript%3E:a%26b%22c'd?secret=KRUGS4ZANFZSA5DIMUQGC3DUNFWWC5DF&issuer=%3Cscript%3E",
            )
            .unwrap(),
        ))
        .unwrap();
    let page = transfer::export_html(&vault, 1_700_000_000).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.ends_with("</html>\n"));
    assert!(page.contains("<title>CogAuth backup: 9 accounts</title>"));
    assert!(page.contains("made 2023-11-14 22:13 UTC"));
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert_eq!(page.matches("<svg").count(), 9);
    assert_eq!(page.matches("</svg>").count(), 9);
    assert_eq!(page.matches("<figure>").count(), 9);
    assert!(
        !page.contains("<?xml"),
        "the SVGs are inline, without XML declarations"
    );
    assert!(page.contains(
        "<strong>&lt;script&gt;</strong><span class=\"label\">a&amp;b&quot;c&#39;d</span>"
    ));
    assert!(!page.contains("<script"));
    // Every account, pending included, by name and settings.
    for uri in plain() {
        assert!(
            page.contains(&format!("<strong>{}</strong>", uri.issuer)),
            "{}",
            uri.issuer
        );
    }
    assert!(page.contains("<strong>Cognito</strong><span class=\"label\">pending</span><small>TOTP · SHA256 · 8 digits · 60 s</small>"));
    assert!(page.contains("HOTP · SHA1 · 6 digits · counter "));
    assert!(page.contains("<small>Steam · 30 s</small>"));
}

mod backup_record {
    use cogauth_core::backup::{self, BackupStatus, FILE_NAME};

    use super::*;

    #[test]
    fn status_counts_accounts_added_since_the_last_recorded_export() {
        let fixture = export_source();
        let vault = fixture.vault();
        let dir = fixture.dir.path();
        assert_eq!(
            backup::status(dir, &vault).unwrap(),
            BackupStatus {
                last_backup: None,
                added_since: 8
            }
        );
        backup::record(dir, &vault, "aegis-encrypted", 1_700_000_000).unwrap();
        assert_eq!(
            backup::status(dir, &vault).unwrap(),
            BackupStatus {
                last_backup: Some(1_700_000_000),
                added_since: 0
            }
        );
        let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
        let record: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(record["schema"], 1);
        assert_eq!(record["last_backup"], 1_700_000_000u64);
        assert_eq!(record["format"], "aegis-encrypted");
        let ids: Vec<String> = vault
            .accounts()
            .unwrap()
            .iter()
            .map(|a| a.id.to_string())
            .collect();
        assert_eq!(record["accounts"], serde_json::json!(ids));
        // Ids only: no name, no secret.
        assert!(!text.contains("Deno") && !text.contains("4SJHB4GSD43FZBAI7C2HLRJGPQ"));

        let added = vault
            .add(NewAccount::from(
                OtpAuthUri::parse("otpauth://totp/New:one?secret=KRUGS4ZANFZSA5DIMUQGC3DUNFWWC5DF")
                    .unwrap(),
            ))
            .unwrap();
        vault.remove_id(&vault.accounts().unwrap()[0].id).unwrap();
        let status = backup::status(dir, &vault).unwrap();
        assert_eq!(status.added_since, 1, "a removed account is not 'added'");
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({"last_backup": 1_700_000_000u64, "added_since": 1})
        );
        vault.remove_id(&added.id).unwrap();
        assert_eq!(backup::status(dir, &vault).unwrap().added_since, 0);
    }

    #[test]
    fn fail_a_damaged_or_newer_record_is_one_clear_error() {
        let fixture = export_source();
        let vault = fixture.vault();
        let dir = fixture.dir.path();
        for (text, reason) in [
            ("{", "EOF while parsing"),
            (
                "{\"schema\": 2, \"last_backup\": 1, \"format\": \"x\", \"accounts\": []}",
                "schema 2",
            ),
            ("{\"last_backup\": 1}", "no schema"),
            (
                "{\"schema\": 1, \"last_backup\": \"yesterday\", \"format\": \"x\", \"accounts\": []}",
                "invalid type",
            ),
        ] {
            std::fs::write(dir.join(FILE_NAME), text).unwrap();
            let error = backup::status(dir, &vault).unwrap_err();
            assert_eq!(error.kind(), "backup_record_invalid", "{text}");
            let message = error.to_string();
            assert!(message.contains(reason), "{message}");
            assert_eq!(message.lines().count(), 1);
        }
    }

    #[test]
    fn fail_an_unwritable_data_folder_is_an_io_error() {
        let fixture = export_source();
        let vault = fixture.vault();
        let file = fixture.dir.path().join("not-a-folder");
        std::fs::write(&file, "x").unwrap();
        let error = backup::record(&file, &vault, "otpauth", 1).unwrap_err();
        assert_eq!(error.kind(), "backup_record_io");
    }
}
