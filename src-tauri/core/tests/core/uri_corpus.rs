//! The URI corpus (tests/fixtures/uri) and the interop exports in tests/fixtures/interop.

use cogauth_core::{OtpAuthUri, OtpKind};

use crate::{data_lines, interop, repo_root};

/// The account a URI parsed to, in the corpus's column order.
fn columns(uri: &OtpAuthUri) -> Vec<String> {
    let issuer = if uri.issuer.is_empty() {
        "(none)".to_owned()
    } else {
        uri.issuer.clone()
    };
    let timing = match uri.params.kind {
        OtpKind::Totp { period } | OtpKind::Steam { period } => period.to_string(),
        OtpKind::Hotp { counter } => counter.to_string(),
    };
    vec![
        issuer,
        uri.label.clone(),
        uri.params.kind.name().to_owned(),
        uri.params.algorithm.to_string(),
        uri.params.digits.to_string(),
        timing,
        uri.secret.to_base32().to_string(),
    ]
}

#[test]
fn valid_corpus_parses_to_the_listed_accounts_and_round_trips() {
    let lines = data_lines(repo_root().join("tests/fixtures/uri/valid.tsv"));
    assert!(lines.len() >= 10);
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let uri = OtpAuthUri::parse(fields[0]).unwrap_or_else(|e| panic!("{}: {e}", fields[0]));
        assert_eq!(columns(&uri), fields[1..], "{}", fields[0]);
        let formatted = uri.to_uri();
        assert_eq!(
            OtpAuthUri::parse(&formatted).unwrap(),
            uri,
            "round trip of {}",
            fields[0]
        );
        assert_eq!(
            OtpAuthUri::parse(&formatted).unwrap().to_uri(),
            formatted,
            "stable format"
        );
    }
}

#[test]
fn fail_corpus_is_refused_with_a_message_naming_the_problem() {
    let lines = data_lines(repo_root().join("tests/fixtures/uri/fail_uris.tsv"));
    assert!(lines.len() >= 30);
    for line in lines {
        let (fragment, uri) = line.split_once('\t').unwrap();
        let error = OtpAuthUri::parse(uri).expect_err(uri).to_string();
        assert!(
            error.contains(fragment),
            "{uri:.80}: {error:?} lacks {fragment:?}"
        );
        assert!(error.len() < 200, "one short line: {error}");
    }
}

/// plain.txt: 3 TOTP, 3 HOTP, 1 Steam, with the parameters its README lists.
#[test]
fn aegis_plain_txt_parses_to_the_seven_accounts() {
    let uris: Vec<OtpAuthUri> = data_lines(interop("aegis-fixtures/plain.txt"))
        .iter()
        .map(|l| OtpAuthUri::parse(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let summary: Vec<String> = uris.iter().map(|u| columns(u)[..6].join("|")).collect();
    assert_eq!(
        summary,
        [
            "Deno|Mason|totp|SHA1|6|30",
            "SPDX|James|totp|SHA256|7|20",
            "Airbnb|Elijah|totp|SHA512|8|50",
            "Issuu|James|hotp|SHA1|6|1",
            "Air Canada|Benjamin|hotp|SHA256|7|50",
            "WWE|Mason|hotp|SHA512|8|10300",
            "Boeing|Sophia|steam|SHA1|5|30",
        ]
    );
}

/// Ente's export: the same seven accounts in another order, with extra parameters to ignore.
#[test]
fn ente_export_parses_to_the_plain_txt_accounts() {
    let plain: Vec<OtpAuthUri> = data_lines(interop("aegis-fixtures/plain.txt"))
        .iter()
        .map(|l| OtpAuthUri::parse(l).unwrap())
        .collect();
    let ente = data_lines(interop("aegis-fixtures/ente_auth.txt"));
    assert_eq!(ente.len(), plain.len());
    for line in ente {
        let uri = OtpAuthUri::parse(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(plain.contains(&uri), "{line} matches no plain.txt account");
    }
}
