//! FreeOTP's token store (`freeotp.xml`, FreeOTP 1.x's tokens.xml) and FreeOTP 2's encrypted
//! backups (`freeotp_v2_*.xml`, password `test`): Aegis's test exports
//! (tests/fixtures/interop/aegis-fixtures) detected, opened and read field for field against
//! plain.txt, with the same codes; and the hostile variants (no or a wrong password, a backup
//! cut short, an iteration count past the bound, a damaged token, broken XML), each one error
//! of one line.

use cogauth_core::transfer::ImportError;
use cogauth_core::{OtpAuthUri, OtpKind};

use crate::transfer::{
    AEGIS_PASSWORD, aegis_fixture, all_fields, assert_same_codes, detected, fields, plain, read,
    refused, vector_for,
};

/// FreeOTP 2's backups: the accounts of plain.txt each holds, in the order read (the order of
/// the `<uuid>` keys in the serialized HashMap, as no backup has a `tokenOrder`).
const BACKUPS: [(&str, &[&str]); 5] = [
    (
        "freeotp_v2_api23.xml",
        &["Airbnb", "WWE", "SPDX", "Air Canada", "Deno", "Issuu"],
    ),
    (
        "freeotp_v2_api25.xml",
        &["Air Canada", "Issuu", "Airbnb", "WWE", "SPDX", "Deno"],
    ),
    (
        "freeotp_v2_api27.xml",
        &["Deno", "Issuu", "SPDX", "Air Canada", "WWE", "Airbnb"],
    ),
    (
        "freeotp_v2_api34.xml",
        &["SPDX", "WWE", "Issuu", "Airbnb", "Air Canada", "Deno"],
    ),
    // One token whose settings name no algorithm, digits or period: the defaults.
    ("freeotp_v2_null_algo.xml", &["Deno"]),
];

/// Every account is its plain.txt vector field for field, and gives the same codes at a few
/// fixed times (HOTP: at its counter, whatever the time).
fn assert_vectors(accounts: &[OtpAuthUri]) {
    for uri in accounts {
        assert_eq!(fields(uri), fields(&vector_for(uri)), "{}", uri.label);
    }
    assert_same_codes(accounts);
}

fn issuers(accounts: &[OtpAuthUri]) -> Vec<&str> {
    accounts.iter().map(|a| a.issuer.as_str()).collect()
}

fn find(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{} not found", String::from_utf8_lossy(needle)))
}

/// A backup with the serialized string that starts with `start` edited (its two-byte length
/// before it rewritten): the first `from` in it replaced by `to`.
fn edit_string(data: &[u8], start: &str, from: &str, to: &str) -> Vec<u8> {
    let at = find(data, start.as_bytes());
    let len = usize::from(u16::from_be_bytes([data[at - 2], data[at - 1]]));
    let text = std::str::from_utf8(&data[at..at + len]).unwrap();
    assert!(text.contains(from), "{from} not in {start}…");
    let edited = text.replacen(from, to, 1);
    let mut out = data[..at - 2].to_vec();
    out.extend_from_slice(&u16::try_from(edited.len()).unwrap().to_be_bytes());
    out.extend_from_slice(edited.as_bytes());
    out.extend_from_slice(&data[at + len..]);
    out
}

/// A backup's masterKey entry edited.
fn edit_master_key(data: &[u8], from: &str, to: &str) -> Vec<u8> {
    edit_string(data, "{\"mAlgorithm\"", from, to)
}

// ---------------------------------------------------------------------------------------------
// FreeOTP 1.x: tokens.xml.

/// The four tokens of freeotp.xml, in its `tokenOrder`. FreeOTP 1.x stores each HOTP counter
/// one lower than the next code's (WWE: 10299 in the file, 10300 in plain.txt; Issuu: 0, 1),
/// so the reader adds one, as for FreeOTP+. Aegis's test (checkImportedFreeOtpEntriesV1)
/// instead lowers the vectors' counters by one, because Aegis imports the stored number as it
/// is; ours gives plain.txt's counters, and so the codes FreeOTP would show next.
#[test]
fn freeotp_tokens_xml_gives_four_accounts_in_token_order_with_counters_one_higher() {
    let data = aegis_fixture("freeotp.xml");
    assert_eq!(detected(&data), ("freeotp", false));
    let decoded = read(&data, None);
    assert_eq!(decoded.format, "freeotp");
    assert!(decoded.warnings.is_empty());
    assert_eq!(
        issuers(&decoded.accounts),
        ["WWE", "Issuu", "Airbnb", "Deno"]
    );
    assert_vectors(&decoded.accounts);
    let wwe = &decoded.accounts[0];
    assert_eq!(wwe.params.kind, OtpKind::Hotp { counter: 10300 });
    // The same with a password: it is not used.
    assert_eq!(
        all_fields(&read(&data, Some(b"unused")).accounts),
        all_fields(&decoded.accounts)
    );
}

#[test]
fn freeotp_tokens_xml_without_a_token_order_keeps_file_order() {
    let text = String::from_utf8(aegis_fixture("freeotp.xml")).unwrap();
    let unordered: String = text
        .lines()
        .filter(|l| !l.contains("name=\"tokenOrder\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let decoded = read(unordered.as_bytes(), None);
    assert_eq!(
        issuers(&decoded.accounts),
        ["WWE", "Airbnb", "Deno", "Issuu"]
    );
    assert_vectors(&decoded.accounts);
}

#[test]
fn fail_broken_tokens_xml_is_one_clear_error() {
    let text = String::from_utf8(aegis_fixture("freeotp.xml")).unwrap();
    let cases = [
        (
            "unclosed tag",
            text.replacen("</string>", "", 1),
            "malformed",
            "the freeotp file is malformed: the XML is not valid at line 4: a <string> entry holds an element or is not closed",
        ),
        (
            "unknown entity",
            text.replacen("&quot;WWE&quot;", "&quot;WWE&nbsp;&quot;", 1),
            "malformed",
            "the freeotp file is malformed: the XML is not valid at line 3: an unknown entity",
        ),
        (
            "no </map>",
            text.replacen("</map>", "", 1),
            "malformed",
            "the freeotp file is malformed: the XML is not valid at line 9: the file ends before </map>",
        ),
        (
            "another element",
            text.replacen("</map>", "<int name=\"x\" value=\"1\" /></map>", 1),
            "malformed",
            "the freeotp file is malformed: the XML is not valid at line 8: an element other than <string> (only <string> entries are expected)",
        ),
        (
            "not JSON",
            text.replacen(
                "{&quot;algo&quot;:&quot;SHA1&quot;",
                "{algo:&quot;SHA1&quot;",
                1,
            ),
            "malformed",
            "the freeotp file is malformed: the entry 'Deno:Mason' is not JSON: key must be a string at line 1 column 2",
        ),
        (
            "a bad token order",
            text.replacen("[&quot;WWE:Mason&quot;,", "[1,", 1),
            "malformed",
            "the freeotp file is malformed: 'tokenOrder' is not a JSON array of token ids",
        ),
        (
            "an entry twice",
            text.replacen("name=\"Deno:Mason\"", "name=\"WWE:Mason\"", 1),
            "malformed",
            "the freeotp file is malformed: the entry 'WWE:Mason' appears twice",
        ),
        (
            "a Steam type",
            text.replacen(
                "&quot;type&quot;:&quot;TOTP&quot;",
                "&quot;type&quot;:&quot;STEAM&quot;",
                1,
            ),
            "invalid_entry",
            "entry 3 ('Airbnb:Elijah'): the OTP type 'steam' is not supported (CogAuth supports TOTP, HOTP and Steam)",
        ),
        (
            "a string secret",
            text.replacen(
                "&quot;secret&quot;:[-19,64",
                "&quot;secret&quot;:&quot;x&quot;,&quot;y&quot;:[-19,64",
                1,
            ),
            "invalid_entry",
            "entry 1 ('WWE:Mason'): the field 'secret' should be an array",
        ),
    ];
    for (what, data, kind, message) in cases {
        assert_ne!(data, text, "{what}: the edit did not apply");
        let error = refused(data.as_bytes(), None);
        assert_eq!(
            (error.kind(), error.to_string().as_str()),
            (kind, message),
            "{what}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// FreeOTP 2: the encrypted backup.

/// Aegis's tests (testImportFreeOtpV2Api23 … NullAlgo) compare each entry with its plain.txt
/// vector as it is: FreeOTP 2 stores the next code's HOTP counter (WWE: 10300), so nothing is
/// added, and ours gives the same. The four full backups hold every plain.txt account but the
/// Steam one (Boeing), which is in none of them.
#[test]
fn freeotp_backups_open_with_their_password_to_the_accounts_aegis_expects() {
    let mut all_but_steam: Vec<_> = plain()
        .iter()
        .filter(|p| !matches!(p.params.kind, OtpKind::Steam { .. }))
        .map(fields)
        .collect();
    all_but_steam.sort();
    for (file, want) in BACKUPS {
        let data = aegis_fixture(file);
        assert_eq!(detected(&data), ("freeotp", true), "{file}");
        let decoded = read(&data, Some(AEGIS_PASSWORD));
        assert_eq!(decoded.format, "freeotp", "{file}");
        assert!(decoded.warnings.is_empty(), "{file}");
        assert_eq!(issuers(&decoded.accounts), want, "{file}");
        assert_vectors(&decoded.accounts);
        if want.len() == 6 {
            let mut got = all_fields(&decoded.accounts);
            got.sort();
            assert_eq!(got, all_but_steam, "{file}");
        }
    }
}

/// A `tokenOrder` entry (FreeOTP 2 keeps it in its token store, not in its backups; a backup
/// that has one is read in its order, unlisted tokens after, in file order).
#[test]
fn freeotp_backup_with_a_token_order_is_read_in_that_order() {
    let data = aegis_fixture("freeotp_v2_api34.xml");
    // Deno (da7280b8) first, then Airbnb (a4785f42); the others follow in file order.
    let order =
        r#"["da7280b8-cb41-49cc-8331-3f85533169fa","x","a4785f42-8194-4d0f-a82b-10f0bddb06e7"]"#;
    let mut edited = data[..data.len() - 1].to_vec();
    for text in ["tokenOrder", order] {
        edited.push(0x74);
        edited.extend_from_slice(&u16::try_from(text.len()).unwrap().to_be_bytes());
        edited.extend_from_slice(text.as_bytes());
    }
    edited.push(0x78);
    // The map's size, after its block-data header (0x77, 8) and capacity.
    let size_at = find(&data, &[0x77, 0x08]) + 6;
    let size = u32::from_be_bytes(data[size_at..size_at + 4].try_into().unwrap());
    edited[size_at..size_at + 4].copy_from_slice(&(size + 1).to_be_bytes());
    let decoded = read(&edited, Some(AEGIS_PASSWORD));
    assert_eq!(
        issuers(&decoded.accounts),
        ["Deno", "Airbnb", "SPDX", "WWE", "Issuu", "Air Canada"]
    );
    assert_vectors(&decoded.accounts);
}

#[test]
fn fail_freeotp_backup_without_or_with_a_wrong_password_imports_nothing() {
    // PBKDF2-HMAC-SHA1 (API 23) and PBKDF2-HMAC-SHA512 (API 34).
    for file in ["freeotp_v2_api23.xml", "freeotp_v2_api34.xml"] {
        let data = aegis_fixture(file);
        let error = refused(&data, None);
        assert!(
            matches!(error, ImportError::PasswordRequired { format: "freeotp" }),
            "{file}: {error}"
        );
        let error = refused(&data, Some(b"tset"));
        assert!(
            matches!(error, ImportError::WrongPassword { format: "freeotp" }),
            "{file}: {error}"
        );
        assert_eq!(error.kind(), "wrong_password");
    }
}

#[test]
fn fail_freeotp_backup_cut_short_is_one_clear_error_at_every_cut() {
    let data = aegis_fixture("freeotp_v2_api34.xml");
    for cut in (4..data.len()).step_by(97).chain([data.len() - 1]) {
        let error = refused(&data[..cut], Some(AEGIS_PASSWORD));
        assert_eq!(
            (error.kind(), error.to_string().as_str()),
            (
                "malformed",
                "the freeotp file is malformed: the backup ends early (the file is cut short)"
            ),
            "cut at {cut}"
        );
    }
}

/// Refused while reading the file: no key is derived (the error is not "wrong password"), and
/// a test that derived a key from 10^9 iterations would not finish.
#[test]
fn fail_freeotp_backup_asking_for_too_many_iterations_is_refused_before_derivation() {
    let data = aegis_fixture("freeotp_v2_api34.xml");
    let costly = edit_master_key(
        &data,
        "\"mIterations\":100000",
        "\"mIterations\":1000000000",
    );
    let error = refused(&costly, Some(AEGIS_PASSWORD));
    assert_eq!(error.kind(), "kdf_too_costly", "{error}");
    assert_eq!(
        error.to_string(),
        "the freeotp file asks for 1000000000 PBKDF2 iterations, beyond the 1000000 CogAuth runs for it"
    );
    let cases = [
        (
            "\"mIterations\":100000",
            "\"mIterations\":0",
            "malformed",
            "the freeotp file is malformed: masterKey: the field 'mIterations' must be at least 1",
        ),
        (
            "\"mIterations\":100000",
            "\"mIterations\":-1",
            "malformed",
            "the freeotp file is malformed: masterKey: the field 'mIterations' should be a non-negative whole number",
        ),
        (
            "PBKDF2withHmacSHA512",
            "PBKDF2withHmacSHA256",
            "unsupported",
            "FreeOTP backups whose key is derived by another function than PBKDF2 with HMAC-SHA1 or HMAC-SHA512 are not supported",
        ),
        (
            "\"mSalt\":[-55,",
            "\"mSalt\":[",
            "unsupported",
            "FreeOTP backups whose salt is not 32 bytes long are not supported",
        ),
        (
            "AES/GCM/NoPadding",
            "AES/CBC/NoPadding",
            "malformed",
            "the freeotp file is malformed: masterKey.mEncryptedKey: the field 'mCipher' is not AES/GCM/NoPadding, the cipher FreeOTP uses",
        ),
        (
            "\"mParameters\":[48,17,4,12,46,",
            "\"mParameters\":[48,16,4,11,",
            "malformed",
            "the freeotp file is malformed: masterKey.mEncryptedKey: the field 'mParameters' holds a nonce that is not 12 bytes long",
        ),
        (
            "2,1,16]",
            "2,1,12]",
            "malformed",
            "the freeotp file is malformed: masterKey.mEncryptedKey: the field 'mParameters' asks for a GCM tag that is not 16 bytes long",
        ),
    ];
    for (from, to, kind, message) in cases {
        let error = refused(&edit_master_key(&data, from, to), Some(AEGIS_PASSWORD));
        assert_eq!(
            (error.kind(), error.to_string().as_str()),
            (kind, message),
            "{to}"
        );
    }
}

/// The first token key whose `mToken` (authenticated with the ciphertext) is `HmacSHA512` is
/// WWE's: with it changed, the master key opens but that token does not decrypt.
#[test]
fn fail_freeotp_backup_token_that_does_not_decrypt_is_named() {
    let data = aegis_fixture("freeotp_v2_api34.xml");
    let at = find(&data, br#"mToken\":\"HmacSHA512"#) + br#"mToken\":\""#.len();
    let mut damaged = data.clone();
    damaged[at..at + 10].copy_from_slice(b"HmacSHA256");
    let error = refused(&damaged, Some(AEGIS_PASSWORD));
    assert_eq!(error.kind(), "invalid_entry");
    assert_eq!(
        error.to_string(),
        "entry 2 ('WWE:Mason'): the field 'key' does not decrypt with the master key the password opened (the file is damaged)"
    );
}

#[test]
fn fail_freeotp_backup_of_another_shape_is_one_clear_error() {
    let data = aegis_fixture("freeotp_v2_null_algo.xml");
    let not_a_map = {
        let mut bytes = data.clone();
        let at = find(&bytes, b"java.util.HashMap");
        bytes[at + 10] = b'T';
        bytes
    };
    let no_master = edit_string(&data, "masterKey", "masterKey", "masterKez");
    let orphan_key = edit_string(
        &data,
        "f8cf4725-4972-4bb5-8dff-c9cb7a0d59ac-token",
        "-token",
        "-tokem",
    );
    let settings_not_json = edit_string(&data, "{\"issuerExt\"", "{", "[");
    let cases = [
        (
            not_a_map,
            "the freeotp file is malformed: the backup is not a Java-serialized HashMap of strings: the object is not a java.util.HashMap (byte 6)",
        ),
        (
            no_master,
            "the freeotp file is malformed: it has no 'masterKey' entry",
        ),
        (
            orphan_key,
            "the freeotp file is malformed: the token 'f8cf4725-4972-4bb5-8dff-c9cb7a0d59ac' has no '-token' entry with its settings",
        ),
        (
            settings_not_json,
            "the freeotp file is malformed: the settings entry of the token 'f8cf4725-4972-4bb5-8dff-c9cb7a0d59ac' is not JSON",
        ),
    ];
    for (bytes, message) in cases {
        let error = refused(&bytes, Some(AEGIS_PASSWORD));
        assert_eq!(error.to_string(), message);
    }
}

/// FreeOTP (and FreeOTP+) show Steam Guard codes for a TOTP token whose issuer is "Steam",
/// written with 5 digits: such a token is imported as a Steam account, with the codes of
/// plain.txt's Steam account, not refused for its digits.
#[test]
fn a_totp_token_of_issuer_steam_is_a_steam_account() {
    let boeing = plain()
        .into_iter()
        .find(|p| matches!(p.params.kind, OtpKind::Steam { .. }))
        .unwrap();
    let signed: Vec<String> = boeing
        .secret
        .expose()
        .iter()
        .map(|b| (*b as i8).to_string())
        .collect();
    let export = format!(
        r#"{{"tokenOrder":["Steam:Sophia"],"tokens":[{{"algo":"SHA1","counter":0,"digits":5,"issuerExt":"Steam","issuerInt":"Steam","label":"Sophia","period":30,"secret":[{}],"type":"TOTP"}}]}}"#,
        signed.join(",")
    );
    let decoded = read(export.as_bytes(), None);
    let account = &decoded.accounts[0];
    assert!(matches!(account.params.kind, OtpKind::Steam { period: 30 }));
    assert_eq!(
        (account.issuer.as_str(), account.label.as_str()),
        ("Steam", "Sophia")
    );
    for t in [0, 1_111_111_109, 2_000_000_000] {
        assert_eq!(
            account.params.generate(&account.secret, t).value,
            boeing.params.generate(&boeing.secret, t).value
        );
    }
}
