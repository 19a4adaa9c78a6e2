//! Enrolment against the emulator as strict as Cognito's documentation (no code from a future
//! step, each step once, Associate suspending a verified token, lost answers, user-existence
//! errors, required attributes, password policy, pools without TOTP, flows an app client does
//! not allow, choice-based sign-in), through the CLI binary and the real keychain.

use crate::cognito::{accounts, assert_server_enrolled, enroll, enroll_args, keychain_secret};
use crate::emulator::Pool;
use crate::support::{Run, Sandbox};

/// The current TOTP code of a base32 secret, by the independent `oathtool`.
fn oathtool_code(secret: &str) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", secret])
        .output()
        .expect("oathtool");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn user_secret(pool: &Pool, user: &str) -> String {
    pool.info["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == user)
        .and_then(|u| u["totp_secret"].as_str())
        .expect("a seeded TOTP secret")
        .to_owned()
}

#[test]
fn the_proof_waits_for_a_fresh_step_instead_of_sending_an_early_code() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id",
        &[],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("s for a fresh code"), "{}", run.stderr);
    assert!(
        run.stderr.contains("cogauth: signin-test: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["proven"], true);
}

#[test]
fn fail_a_proof_that_fails_after_activation_says_enrolled() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    // The second InitiateAuth is the proof's (and the SDK's two retries of it).
    pool.faults(
        r#"{"faults":[{"action":"http500","operation":"InitiateAuth","nth":2},{"action":"http500","operation":"InitiateAuth","nth":3},{"action":"http500","operation":"InitiateAuth","nth":4}]}"#,
    );
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id",
        &[],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "proof_failed");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("enrolled; the test sign-in failed: Cognito had an internal error"),
        "{message}"
    );
    assert_eq!(accounts(&sandbox)[0]["state"], "active");
}

/// The server does the work and the answer never arrives. Calls that spend a session or a
/// code are not retried; the enrolment is left pending and `--resume` finishes it. The
/// idempotent SetUserMFAPreference is retried and the enrolment ends active at once.
#[test]
fn fail_lost_answers_leave_the_enrolment_resumable() {
    for (operation, nth, resumable) in [
        ("VerifySoftwareToken", 1, true),
        ("RespondToAuthChallenge", 2, true), // the MFA_SETUP answer (1: PASSWORD_VERIFIER)
        ("SetUserMFAPreference", 1, false),
    ] {
        let pool = Pool::fresh();
        let sandbox = Sandbox::new();
        let password = pool.password("demo");
        pool.faults(&format!(
            r#"{{"faults":[{{"action":"lose_reply","operation":"{operation}","nth":{nth}}}]}}"#
        ));
        let stdin = format!("{password}\n");
        let run = enroll(
            &sandbox,
            &pool,
            "demo",
            "client_id",
            &["--no-verify-signin"],
            &stdin,
        );
        let listed = accounts(&sandbox);
        let id = listed[0]["id"].as_str().unwrap().to_owned();
        if resumable {
            assert_eq!(run.code, 5, "{operation}: {}", run.stderr);
            assert_eq!(run.error_json()["error"]["kind"], "network", "{operation}");
            assert_eq!(listed[0]["state"], "pending", "{operation}");
            pool.faults(r#"{"faults":[]}"#);
            let run = sandbox.cogauth_stdin(
                &[
                    "enroll",
                    "--resume",
                    &id,
                    "--password-stdin",
                    "--no-verify-signin",
                    "--json",
                ],
                &stdin,
            );
            assert_eq!(run.code, 0, "{operation}: {}", run.stderr);
        } else {
            assert_eq!(run.code, 0, "{operation}: {}", run.stderr);
        }
        assert_eq!(accounts(&sandbox)[0]["state"], "active", "{operation}");
        assert_server_enrolled(&sandbox, &pool, &id, "demo", &password, "client_id", None);
    }
}

#[test]
fn fail_an_unknown_user_is_a_wrong_password_unless_the_client_reveals_users() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    for flow in ["srp", "password", "user-auth"] {
        let client = if flow == "user-auth" {
            "client_id_user_auth_only"
        } else {
            "client_id"
        };
        let run = enroll(
            &sandbox,
            &pool,
            "nobody",
            client,
            &["--auth-flow", flow],
            "Whatever-1\n",
        );
        assert_eq!(run.code, 5, "{flow}: {}", run.stderr);
        assert_eq!(
            run.error_json()["error"]["kind"],
            "wrong_password",
            "{flow}"
        );
    }
    let legacy = "client_id_legacy_errors";
    for flow in ["srp", "password"] {
        let run = enroll(
            &sandbox,
            &pool,
            "nobody",
            legacy,
            &["--auth-flow", flow],
            "Whatever-1\n",
        );
        assert_eq!(run.code, 5, "{flow}: {}", run.stderr);
        assert_eq!(
            run.error_json()["error"]["kind"],
            "user_not_found",
            "{flow}"
        );
    }
    assert!(accounts(&sandbox).is_empty());
}

/// NEW_PASSWORD_REQUIRED: stdin gives the password, the new password, then each attribute
/// the pool requires; a new password the policy refuses is followed by another.
#[test]
fn a_new_password_is_asked_again_when_refused_and_required_attributes_are_given() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let old = pool.password("newbie-attrs");
    let stdin = format!("{old}\nshort\nnewbie@example.com\nCogAuth-newbie-2\n");
    let run = enroll(
        &sandbox,
        &pool,
        "newbie-attrs",
        "client_id",
        &["--new-password-stdin", "--no-verify-signin"],
        &stdin,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Cognito needs this user's email")
            && run
                .stderr
                .contains("Cognito refused that password (Password does not conform to policy"),
        "{}",
        run.stderr
    );
    let id = run.json()["account"]["id"].as_str().unwrap().to_owned();
    let new = "CogAuth-newbie-2";
    assert_server_enrolled(&sandbox, &pool, &id, "newbie-attrs", new, "client_id", None);

    // No attribute given (stdin ends): one clear line, nothing stored.
    drop((pool, sandbox));
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let run = enroll(
        &sandbox,
        &pool,
        "newbie-attrs",
        "client_id",
        &["--new-password-stdin"],
        &format!("{old}\nCogAuth-newbie-2\n"),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(accounts(&sandbox).is_empty());
}

#[test]
fn fail_a_pool_without_totp_is_refused_before_anything_is_stored() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let no_totp = &pool.info["no_totp"];
    let (pool_id, client_id) = (
        no_totp["user_pool_id"].as_str().unwrap(),
        no_totp["client_id"].as_str().unwrap(),
    );
    let password = no_totp["users"][0]["password"].as_str().unwrap();
    let user = no_totp["users"][0]["name"].as_str().unwrap();
    let mut args = enroll_args(pool_id, client_id, &pool.endpoint, user);
    args.push("--json");
    let run = sandbox.cogauth_stdin(&args, &format!("{password}\n"));
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "totp_not_enabled");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("SMS_MFA"),
        "{error}"
    );
    assert!(accounts(&sandbox).is_empty());
}

#[test]
fn fail_settings_cognito_refuses_get_messages_that_say_what_to_fix() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = format!("{}\n", pool.password("demo"));
    // A flow the app client does not allow: the CLI names its flag.
    for flow in ["srp", "password"] {
        let run = enroll(
            &sandbox,
            &pool,
            "demo",
            "client_id_user_auth_only",
            &["--auth-flow", flow],
            &password,
        );
        assert_eq!(run.code, 5, "{}", run.stderr);
        let error = run.error_json();
        assert_eq!(error["error"]["kind"], "flow_not_enabled", "{flow}");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("--auth-flow")
        );
    }
    // An app client id the region does not know.
    let pool_id = pool.get("user_pool_id");
    let mut args = enroll_args(&pool_id, "0000nosuchclient0000", &pool.endpoint, "demo");
    args.push("--json");
    let run = sandbox.cogauth_stdin(&args, &password);
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "client_not_found");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("0000nosuchclient0000") && message.contains("us-east-1"),
        "{message}"
    );
    // A client with a secret, called without it.
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id_with_secret",
        &[],
        &password,
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "client_secret_required");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--client-secret-stdin")
    );
    // Cognito failing on its side.
    pool.faults(r#"{"faults":[{"action":"http500","operation":"InitiateAuth"}]}"#);
    let run = enroll(&sandbox, &pool, "demo", "client_id", &[], &password);
    assert_eq!(run.error_json()["error"]["kind"], "service_error");
    pool.faults(r#"{"faults":[]}"#);
    assert!(accounts(&sandbox).is_empty());
}

/// A user pool id typed wrong: SRP cannot tell (the proof fails as a wrong password), the
/// password flow's tokens name the real pool.
#[test]
fn fail_a_wrong_user_pool_id_is_caught_from_the_token_issuer() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let created = pool
        .peer(
            &["optional-pool", &pool.endpoint, "opti", "Optional-pass-1"],
            "",
        )
        .expect("pool");
    let client_id = created["client_id"].as_str().unwrap();
    let wrong = "us-east-1_wrongpool1";
    let mut args = enroll_args(wrong, client_id, &pool.endpoint, "opti");
    args.extend(["--auth-flow", "password", "--json"]);
    let run = sandbox.cogauth_stdin(&args, "Optional-pass-1\n");
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "pool_mismatch");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(wrong) && message.contains(created["user_pool_id"].as_str().unwrap()),
        "{message}"
    );
    assert!(accounts(&sandbox).is_empty());
}

/// Moving from another authenticator app: refused without the flag (which the message names);
/// with it, that app's current code signs in and CogAuth's secret replaces it (that the old
/// secret's codes stop working is the emulator's own test: `test_emulator.py`).
#[test]
fn a_user_with_another_authenticator_moves_to_cogauth_only_when_asked() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("enrolled");
    let old_secret = user_secret(&pool, "enrolled");
    let run = enroll(
        &sandbox,
        &pool,
        "enrolled",
        "client_id",
        &[],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "already_enrolled");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--replace-existing")
    );
    assert!(accounts(&sandbox).is_empty());

    let stdin = format!("{password}\n{}\n", oathtool_code(&old_secret));
    let run = enroll(
        &sandbox,
        &pool,
        "enrolled",
        "client_id",
        &["--replace-existing", "--no-verify-signin"],
        &stdin,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("stops giving valid codes"),
        "{}",
        run.stderr
    );
    let id = run.json()["account"]["id"].as_str().unwrap().to_owned();
    assert_ne!(keychain_secret(&sandbox, &id), old_secret);
    assert_server_enrolled(
        &sandbox,
        &pool,
        &id,
        "enrolled",
        &password,
        "client_id",
        None,
    );
}

#[test]
fn choice_based_sign_in_enrols_through_user_auth() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id_user_auth_only",
        &["--auth-flow", "user-auth", "--no-verify-signin"],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.json()["account"]["id"].as_str().unwrap().to_owned();
    let run = sandbox.cogauth_stdin(
        &[
            "signin-test",
            &id,
            "--password-stdin",
            "--auth-flow",
            "user-auth",
            "--json",
        ],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Cognito's clock 60 s behind ours: the refused code is blamed on the clock, with the offset;
/// the account is pending and resumes once the clocks agree.
#[test]
fn fail_a_code_refused_with_a_skewed_clock_names_the_offset() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = format!("{}\n", pool.password("demo"));
    pool.faults(r#"{"clock_offset_seconds":-60,"faults":[]}"#);
    let run = enroll(&sandbox, &pool, "demo", "client_id", &[], &password);
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "clock_skew");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("this computer's clock is 6") && message.contains("s ahead of Cognito's"),
        "{message}"
    );
    let listed = accounts(&sandbox);
    assert_eq!(listed[0]["state"], "pending");
    assert!(listed[0]["cognito"]["clock_ahead"].as_i64().unwrap() >= 59);
    pool.faults(r#"{"clock_offset_seconds":0,"faults":[]}"#);
    let id = listed[0]["id"].as_str().unwrap();
    let run = sandbox.cogauth_stdin(
        &[
            "enroll",
            "--resume",
            id,
            "--password-stdin",
            "--no-verify-signin",
        ],
        &password,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// `demo` enrolled (without the proof) in a fresh pool whose sessions live 5 s, with `faults`.
fn enroll_with_short_sessions(faults: &str) -> (Pool, Sandbox<'static>, Run) {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    pool.faults(&format!(
        r#"{{"session_validity_seconds":5,"faults":[{faults}]}}"#
    ));
    let password = format!("{}\n", pool.password("demo"));
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id",
        &["--no-verify-signin"],
        &password,
    );
    (pool, sandbox, run)
}

/// A session that expires before the secret is stored starts the sign-in over; after it is
/// stored, the enrolment resumes by itself, once; twice is reported with the phase.
#[test]
fn expired_sessions_sign_in_again_once_and_name_the_phase() {
    let delayed = |operation: &str, nth: &str| {
        format!(r#"{{"action":"delay","operation":"{operation}","delay_ms":5500{nth}}}"#)
    };
    let (pool, sandbox, run) =
        enroll_with_short_sessions(&delayed("AssociateSoftwareToken", r#","nth":1"#));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = "cogauth: the Cognito session expired; signing in again";
    assert!(run.stderr.contains(again), "{}", run.stderr);
    drop((pool, sandbox));

    let (pool, sandbox, run) =
        enroll_with_short_sessions(&delayed("VerifySoftwareToken", r#","nth":1"#));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = "expired after the secret was stored; signing in again";
    assert!(run.stderr.contains(again), "{}", run.stderr);
    assert_eq!(accounts(&sandbox)[0]["state"], "active");
    drop((pool, sandbox));

    // Every Verify delayed: the second sign-in's session expires too.
    let (_pool, sandbox, run) = enroll_with_short_sessions(&delayed("VerifySoftwareToken", ""));
    assert_eq!(run.code, 5, "{}", run.stderr);
    let error = run.error_json();
    assert_eq!(error["error"]["kind"], "session_expired");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("after the secret was stored"), "{message}");
    assert_eq!(accounts(&sandbox)[0]["state"], "pending");
}

/// Corporate networks: the proxy the environment names carries every call; `NO_PROXY` lets
/// a host bypass it.
#[test]
fn calls_go_through_the_proxy_the_environment_names() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let log = sandbox.data_dir().join("proxy.log");
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/system/http_proxy.py");
    let mut proxy = Command::new("python3")
        .arg(script)
        .arg(&log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut port = String::new();
    BufReader::new(proxy.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", port.trim());
    let (pool_id, client_id) = (pool.get("user_pool_id"), pool.get("client_id"));
    let args = enroll_args(&pool_id, &client_id, &pool.endpoint, "demo");
    let password = format!("{}\n", pool.password("demo"));
    let mut command = sandbox.command();
    command.env("HTTP_PROXY", &proxy_url);
    let mut all = args.clone();
    all.push("--no-verify-signin");
    let run = crate::support::run_with_stdin(command, &all, &password);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen = std::fs::read_to_string(&log).expect("the proxy saw calls");
    for operation in [
        "InitiateAuth",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
    ] {
        assert!(seen.contains(operation), "{operation}: {seen}");
    }
    // Bypassed: nothing more reaches the proxy (the user is enrolled now: a sign-in test).
    let before = seen.lines().count();
    let id = accounts(&sandbox)[0]["id"].as_str().unwrap().to_owned();
    let mut command = sandbox.command();
    command
        .env("HTTP_PROXY", &proxy_url)
        .env("NO_PROXY", "127.0.0.1");
    let run = crate::support::run_with_stdin(
        command,
        &["signin-test", &id, "--password-stdin"],
        &password,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().lines().count(),
        before
    );
    drop(proxy.stdin.take());
    let _ = proxy.wait();
}
