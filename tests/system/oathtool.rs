//! Codes from `cogauth code --at` equal `oathtool`'s for random accounts: secrets of 10–64
//! bytes, SHA1/SHA256/SHA512, 6–8 digits, periods 15–120 s, times across 0..2^32, and HOTP
//! with random counters. Every account goes through `cogauth add` into the real keychain.

use std::process::Command;

use crate::support::{Rng, Sandbox, base32};

const CASES: usize = 520;

struct Case {
    id: String,
    secret: String,
    algorithm: &'static str,
    digits: u64,
    /// TOTP: (period, time). HOTP: counter.
    timing: Timing,
}

enum Timing {
    Totp { period: u64, at: u64 },
    Hotp { counter: u64 },
}

fn oathtool(case: &Case) -> String {
    let digits = format!("--digits={}", case.digits);
    let args: Vec<String> = match case.timing {
        Timing::Totp { period, at } => vec![
            format!("--totp={}", case.algorithm.to_lowercase()),
            digits,
            format!("--time-step-size={period}s"),
            format!("--now=@{at}"),
        ],
        // oathtool's --hotp is SHA1 only; for SHA256/512 HOTP use the RFC 6238 identity
        // HOTP(K, C) = TOTP(K, T = C, step = 1 s).
        Timing::Hotp { counter } if case.algorithm == "SHA1" => {
            vec!["--hotp".into(), digits, format!("--counter={counter}")]
        }
        Timing::Hotp { counter } => vec![
            format!("--totp={}", case.algorithm.to_lowercase()),
            digits,
            "--time-step-size=1s".into(),
            format!("--now=@{counter}"),
        ],
    };
    let out = Command::new("oathtool")
        .args(&args)
        .args(["--base32", &case.secret])
        .output()
        .expect("oathtool (Debian package oathtool) must be installed");
    assert!(
        out.status.success(),
        "oathtool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn codes_match_oathtool_on_random_accounts() {
    let sandbox = Sandbox::new();
    let mut rng = Rng::from_env("codes_match_oathtool_on_random_accounts");
    let mut cases = Vec::with_capacity(CASES);
    for n in 0..CASES {
        let len = rng.range(10, 64) as usize;
        let secret = base32(&rng.bytes(len));
        let algorithm = *rng.pick(&["SHA1", "SHA256", "SHA512"]);
        let digits = rng.range(6, 8);
        let label = format!("case-{n}");
        let hotp = n % 4 == 3;
        let timing = if hotp {
            Timing::Hotp {
                counter: rng.range(0, (1 << 31) - 1),
            }
        } else {
            Timing::Totp {
                period: rng.range(15, 120),
                at: rng.range(0, u64::from(u32::MAX)),
            }
        };
        let mut args = vec![
            "--issuer".to_owned(),
            "Random".to_owned(),
            "--label".to_owned(),
            label,
            "--secret".to_owned(),
            secret.clone(),
            "--algorithm".to_owned(),
            algorithm.to_owned(),
            "--digits".to_owned(),
            digits.to_string(),
        ];
        match timing {
            Timing::Totp { period, .. } => args.extend(["--period".into(), period.to_string()]),
            Timing::Hotp { counter } => {
                args.extend(["--hotp".into(), "--counter".into(), counter.to_string()]);
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let id = sandbox.add(&args);
        cases.push(Case {
            id,
            secret,
            algorithm,
            digits,
            timing,
        });
    }

    let mut checked_hotp = 0;
    for case in &cases {
        let run = match case.timing {
            Timing::Totp { at, .. } => {
                sandbox.cogauth(&["code", &case.id, "--at", &at.to_string()])
            }
            Timing::Hotp { .. } => {
                checked_hotp += 1;
                sandbox.cogauth(&["code", &case.id])
            }
        }
        .success();
        assert_eq!(
            run.stdout.trim(),
            oathtool(case),
            "{} {} digits, {:?}",
            case.algorithm,
            case.digits,
            match case.timing {
                Timing::Totp { period, at } => format!("period {period} at {at}"),
                Timing::Hotp { counter } => format!("counter {counter}"),
            }
        );
    }
    assert!(checked_hotp >= CASES / 5, "HOTP cases were checked");

    // Each HOTP code advanced its counter by exactly one, persisted.
    let listed = sandbox.cogauth(&["list", "--json"]).success().json();
    for case in &cases {
        if let Timing::Hotp { counter } = case.timing {
            let account = listed
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["id"] == case.id.as_str())
                .unwrap();
            assert_eq!(account["counter"], counter + 1);
        }
    }
}
