//! andOTP's encrypted backups (current and old layout) and Stratum's backups (plain, encrypted,
//! legacy encrypted): Aegis's test exports (tests/fixtures/interop/aegis-fixtures, password
//! `test`) detected, opened and read field for field against plain.txt, with the same codes;
//! and the hostile variants (no or a wrong password, files cut short, an iteration count past
//! the bound, an unsupported entry type), each one error of one line.

use cogauth_core::OtpKind;
use cogauth_core::transfer::ImportError;

use crate::transfer::{
    AEGIS_PASSWORD, aegis_fixture, all_fields, assert_same_codes, detected, fields, plain, read,
    refused, vector_for,
};

/// The encrypted fixtures, their format, and the accounts they hold.
const ENCRYPTED: [(&str, &str, usize); 4] = [
    ("andotp_encrypted.bin", "andotp-encrypted", 7),
    ("andotp_encrypted_old.bin", "andotp-encrypted", 6),
    ("stratum_encrypted.bin", "stratum", 7),
    ("stratum_encrypted_legacy.bin", "stratum", 7),
];

/// `data` with its first four bytes (andOTP's iteration count) replaced.
fn with_iterations(data: &[u8], count: u32) -> Vec<u8> {
    let mut data = data.to_vec();
    data[..4].copy_from_slice(&count.to_be_bytes());
    data
}

#[test]
fn andotp_encrypted_opens_with_its_password_to_the_seven_accounts_in_order() {
    let data = aegis_fixture("andotp_encrypted.bin");
    assert_eq!(detected(&data), ("andotp-encrypted", true));
    let decoded = read(&data, Some(AEGIS_PASSWORD));
    assert_eq!(decoded.format, "andotp-encrypted");
    assert_eq!(all_fields(&decoded.accounts), all_fields(&plain()));
    assert!(decoded.warnings.is_empty());
    assert_same_codes(&decoded.accounts);
}

/// The old layout (key = SHA-256 of the password). andOTP of that time had no Steam (six
/// accounts) and no issuer field: its labels read `Deno - Deno:Mason`. Aegis splits at ` - `
/// only, and its test expects the name `Deno:Mason` ("old versions of andOTP have a bug");
/// CogAuth's andOTP reader also drops the repeated `Deno:`, so every field is plain.txt's.
#[test]
fn andotp_encrypted_old_gives_six_accounts_with_the_names_of_plain_txt() {
    let data = aegis_fixture("andotp_encrypted_old.bin");
    assert_eq!(detected(&data), ("andotp-encrypted", true));
    let decoded = read(&data, Some(AEGIS_PASSWORD));
    assert_eq!(decoded.format, "andotp-encrypted");
    assert_eq!(decoded.accounts.len(), 6);
    for uri in &decoded.accounts {
        assert_eq!(fields(uri), fields(&vector_for(uri)), "{}", uri.label);
    }
    let names: Vec<String> = decoded
        .accounts
        .iter()
        .map(|u| format!("{}|{}", u.issuer, u.label))
        .collect();
    assert_eq!(
        names,
        [
            "Deno|Mason",
            "SPDX|James",
            "Airbnb|Elijah",
            "Issuu|James",
            "Air Canada|Benjamin",
            "WWE|Mason"
        ]
    );
    assert!(
        decoded
            .accounts
            .iter()
            .all(|u| !matches!(u.params.kind, OtpKind::Steam { .. }))
    );
    assert_same_codes(&decoded.accounts);
}

/// Stratum's plain, encrypted (Argon2id + GCM) and legacy encrypted (PBKDF2 + CBC) backups.
#[test]
fn stratum_backups_give_the_seven_accounts_in_order() {
    for (file, encrypted) in [
        ("stratum_plain.json", false),
        ("stratum_encrypted.bin", true),
        ("stratum_encrypted_legacy.bin", true),
    ] {
        let data = aegis_fixture(file);
        assert_eq!(detected(&data), ("stratum", encrypted), "{file}");
        let decoded = read(&data, encrypted.then_some(AEGIS_PASSWORD));
        assert_eq!(decoded.format, "stratum");
        assert_eq!(
            all_fields(&decoded.accounts),
            all_fields(&plain()),
            "{file}"
        );
        assert_same_codes(&decoded.accounts);
    }
}

/// Three codes computed independently (Python's hmac) from plain.txt's secrets, so that the
/// comparisons above do not rest on core's generator alone.
#[test]
fn imported_accounts_give_independently_computed_codes() {
    let decoded = read(
        &aegis_fixture("stratum_encrypted_legacy.bin"),
        Some(AEGIS_PASSWORD),
    );
    let code = |issuer: &str| {
        let uri = decoded
            .accounts
            .iter()
            .find(|u| u.issuer == issuer)
            .unwrap();
        uri.params.generate(&uri.secret, 1_700_000_000).value
    };
    assert_eq!(code("Deno"), "790195");
    assert_eq!(code("SPDX"), "9993814");
    assert_eq!(code("WWE"), "24622277");
}

// ---------------------------------------------------------------------------------------------
// Hostile and damaged files.

#[test]
fn fail_encrypted_fixtures_without_a_password_ask_for_it() {
    for (file, format, _) in ENCRYPTED {
        let error = refused(&aegis_fixture(file), None);
        assert!(
            matches!(error, ImportError::PasswordRequired { format: f } if f == format),
            "{file}: {error}"
        );
    }
}

#[test]
fn fail_encrypted_fixtures_with_a_wrong_password_say_so() {
    for (file, format, count) in ENCRYPTED {
        let data = aegis_fixture(file);
        let error = refused(&data, Some(b"tset"));
        assert!(
            matches!(error, ImportError::WrongPassword { format: f } if f == format),
            "{file}: {error}"
        );
        assert!(error.to_string().contains("wrong password"), "{error}");
        // The right one still opens it: nothing was cached or changed.
        assert_eq!(read(&data, Some(AEGIS_PASSWORD)).accounts.len(), count);
    }
}

/// Cut at the end of the fixed header (salt and IV included), one byte before it, and one byte
/// before the end of the file: one error each, never a panic or a partial import.
#[test]
fn fail_cut_short_files_are_one_clear_error() {
    // (file, header length, kind of the error for the header and one byte less, for the file
    // less its last byte)
    let cases = [
        (
            "andotp_encrypted.bin",
            4 + 12 + 12,
            "malformed",
            "wrong_password",
        ),
        (
            "stratum_encrypted.bin",
            16 + 16 + 12,
            "malformed",
            "wrong_password",
        ),
        (
            "stratum_encrypted_legacy.bin",
            16 + 20 + 16,
            "malformed",
            "malformed",
        ),
        // The old andOTP layout has no header: its 12-byte IV alone is too short to be taken
        // for any format.
        ("andotp_encrypted_old.bin", 12, "not_utf8", "wrong_password"),
    ];
    for (file, header, cut_kind, last_byte_kind) in cases {
        let data = aegis_fixture(file);
        for cut in [header, header - 1] {
            let error = refused(&data[..cut], Some(AEGIS_PASSWORD));
            assert_eq!(error.kind(), cut_kind, "{file} cut at {cut}: {error}");
            if cut_kind == "malformed" {
                assert!(
                    error.to_string().contains("cut short"),
                    "{file} cut at {cut}: {error}"
                );
                // A file cut short in its header is refused before a password is asked for.
                assert_eq!(refused(&data[..cut], None).kind(), "malformed", "{file}");
            }
        }
        let error = refused(&data[..data.len() - 1], Some(AEGIS_PASSWORD));
        assert_eq!(error.kind(), last_byte_kind, "{file} less a byte: {error}");
    }
    let error = refused(
        &aegis_fixture("stratum_encrypted_legacy.bin")[..1331],
        Some(AEGIS_PASSWORD),
    );
    assert!(error.to_string().contains("16-byte AES blocks"), "{error}");
}

/// A header asking for more PBKDF2 iterations than the bound (1 000 000) is refused without
/// running them: the andOTP reader then tries only the old layout (one SHA-256). Counts past
/// 2^24 cannot be told from an old backup's random IV, and are a wrong password.
#[test]
fn fail_andotp_iteration_counts_above_the_bound_are_refused_before_any_derivation() {
    let data = aegis_fixture("andotp_encrypted.bin");
    for count in [1_000_001, 10_000_000, (1 << 24) - 1] {
        let hostile = with_iterations(&data, count);
        assert_eq!(detected(&hostile), ("andotp-encrypted", true));
        let error = refused(&hostile, Some(AEGIS_PASSWORD));
        assert_eq!(error.kind(), "malformed", "{count}: {error}");
        let message = error.to_string();
        assert!(
            message.contains(&format!("{count} PBKDF2 iterations")),
            "{message}"
        );
        assert!(message.contains("1000000"), "{message}");
    }
    for count in [1 << 24, u32::MAX] {
        let error = refused(&with_iterations(&data, count), Some(AEGIS_PASSWORD));
        assert_eq!(error.kind(), "wrong_password", "{count}: {error}");
    }
    // Within the bounds, the count is used as written: andOTP's own count opens the file, a
    // changed one derives another key.
    let error = refused(&with_iterations(&data, 145_777), Some(AEGIS_PASSWORD));
    assert_eq!(error.kind(), "wrong_password", "{error}");
}

#[test]
fn fail_a_stratum_entry_of_an_unsupported_type_is_named() {
    let text = String::from_utf8(aegis_fixture("stratum_plain.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (kind, name) in [(3, "mOTP"), (5, "Yandex"), (7, "7")] {
        let mut json = json.clone();
        json["Authenticators"][1]["Type"] = kind.into();
        let data = serde_json::to_vec(&json).unwrap();
        let error = refused(&data, None);
        assert_eq!(error.kind(), "invalid_entry", "{error}");
        assert_eq!(
            error.to_string(),
            format!(
                "entry 2 ('SPDX:James'): the OTP type '{name}' is not supported (CogAuth supports TOTP, HOTP and Steam)"
            )
        );
    }
    let mut json = json.clone();
    json["Authenticators"][0]["Algorithm"] = 3.into();
    let error = refused(&serde_json::to_vec(&json).unwrap(), None);
    assert_eq!(
        error.to_string(),
        "entry 1 ('Deno:Mason'): the field 'Algorithm' is not 0, 1 or 2 (SHA1, SHA256, SHA512)"
    );
}

#[test]
fn fail_stratum_json_without_authenticators_is_not_stratum() {
    let error = refused(b"{\"Authenticators\": {}}", None);
    assert_eq!(error.kind(), "unknown_format", "{error}");
    let error = refused(b"{\"Authenticators\": []}", None);
    assert_eq!(error.kind(), "no_accounts", "{error}");
}
