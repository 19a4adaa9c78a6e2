//! Cognito enrolment through the CLI binary against the strict local Cognito and the real
//! keychain; server state checked by an independent boto3 + pyotp client.

use serde_json::Value;

use crate::emulator::Pool;
use crate::support::{Run, Sandbox, run_with_stdin};

/// `cogauth enroll` for a seeded user, with `stdin` lines and extra flags.
pub(crate) fn enroll(
    sandbox: &Sandbox,
    pool: &Pool,
    user: &str,
    client: &str,
    extra: &[&str],
    stdin: &str,
) -> Run {
    let (pool_id, client_id) = (pool.get("user_pool_id"), pool.get(client));
    let mut args = enroll_args(&pool_id, &client_id, &pool.endpoint, user);
    args.push("--json");
    args.extend_from_slice(extra);
    sandbox.cogauth_stdin(&args, stdin)
}

/// `cogauth enroll` for `user` of a pool and client, password on stdin.
pub(crate) fn enroll_args<'a>(
    pool_id: &'a str,
    client_id: &'a str,
    endpoint: &'a str,
    user: &'a str,
) -> Vec<&'a str> {
    vec![
        "enroll",
        "--region",
        "us-east-1",
        "--user-pool-id",
        pool_id,
        "--client-id",
        client_id,
        "--endpoint",
        endpoint,
        "--username",
        user,
        "--password-stdin",
    ]
}

pub(crate) fn keychain_secret(sandbox: &Sandbox, id: &str) -> String {
    let out = sandbox.session.run(
        "secret-tool",
        &["lookup", "service", &sandbox.service, "username", id],
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub(crate) fn accounts(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .cogauth(&["list", "--json"])
        .success()
        .json()
        .as_array()
        .unwrap()
        .clone()
}

/// The server's view, by the independent peer: MFA enabled and preferred, and a TOTP sign-in
/// with the secret the keychain holds.
pub(crate) fn assert_server_enrolled(
    sandbox: &Sandbox,
    pool: &Pool,
    id: &str,
    user: &str,
    password: &str,
    client: &str,
    client_secret: Option<&str>,
) {
    let (pool_id, client_id) = (pool.get("user_pool_id"), pool.get(client));
    // The peer must use a later time step than any code CogAuth already sent.
    let account = accounts(sandbox)
        .into_iter()
        .find(|a| a["id"] == id)
        .expect("account");
    let last_used = account["cognito"]["last_used_step"]
        .as_u64()
        .expect("a step was used")
        .to_string();
    let mut args = vec![
        "check",
        &pool.endpoint,
        &pool_id,
        &client_id,
        user,
        password,
        &last_used,
    ];
    if let Some(secret) = client_secret {
        args.push(secret);
    }
    let result = pool
        .peer(&args, &keychain_secret(sandbox, id))
        .unwrap_or_else(|e| panic!("peer: {e}"));
    assert_eq!(result["signed_in"], true);
}

#[test]
fn enroll_srp_mfa_setup_path_then_an_independent_client_signs_in() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id",
        &["--no-verify-signin"],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for step in [
        "signin",
        "associate",
        "store",
        "verify",
        "respond",
        "preference",
        "activate",
    ] {
        assert!(
            run.stderr.contains(&format!("cogauth: {step}: ")),
            "{step} reported: {}",
            run.stderr
        );
    }
    let result = run.json();
    assert!(result.get("uri").is_none(), "no URI without --show-uri");
    let id = result["account"]["id"].as_str().unwrap();
    let listed = accounts(&sandbox);
    assert_eq!(listed[0]["state"], "active");
    assert_eq!(listed[0]["cognito"]["username"], "demo");
    assert_eq!(
        listed[0]["cognito"]["user_pool_id"],
        pool.get("user_pool_id").as_str()
    );
    assert_server_enrolled(&sandbox, &pool, id, "demo", &password, "client_id", None);
    assert!(
        !sandbox
            .index_text()
            .contains(&keychain_secret(&sandbox, id))
    );
}

#[test]
fn enroll_new_password_with_client_secret_and_password_flow_then_proves_it() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let client_secret = pool.get("client_secret");
    let stdin = format!(
        "{client_secret}\n{}\nBrand-new-pass-9\n",
        pool.password("newbie")
    );
    let qr = sandbox.data_dir().join("newbie.png");
    let run = enroll(
        &sandbox,
        &pool,
        "newbie",
        "client_id_with_secret",
        &[
            "--client-secret-stdin",
            "--new-password-stdin",
            "--auth-flow",
            "password",
            "--show-uri",
            "--qr",
            qr.to_str().unwrap(),
        ],
        &stdin,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let result = run.json();
    assert_eq!(result["proven"], true);
    assert!(run.stderr.contains("cogauth: signin-test: "));
    let id = result["account"]["id"].as_str().unwrap();
    let secret = keychain_secret(&sandbox, id);
    assert!(
        result["uri"]
            .as_str()
            .unwrap()
            .contains(&format!("secret={secret}"))
    );
    assert!(qr.exists());
    // signin-test: a fresh sign-in answered with a code from a step not used before.
    let run = sandbox.cogauth_stdin(
        &[
            "signin-test",
            "newbie",
            "--password-stdin",
            "--client-secret-stdin",
        ],
        &format!("{client_secret}\nBrand-new-pass-9\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_server_enrolled(
        &sandbox,
        &pool,
        id,
        "newbie",
        "Brand-new-pass-9",
        "client_id_with_secret",
        Some(&client_secret),
    );
}

#[test]
fn enroll_access_token_path_on_an_optional_mfa_pool() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let created = pool
        .peer(
            &["optional-pool", &pool.endpoint, "opti", "Optional-pass-1"],
            "",
        )
        .expect("pool");
    let (pool_id, client_id) = (
        created["user_pool_id"].as_str().unwrap(),
        created["client_id"].as_str().unwrap(),
    );
    let run = sandbox.cogauth_stdin(
        &[
            enroll_args(pool_id, client_id, &pool.endpoint, "opti"),
            vec!["--json"],
        ]
        .concat(),
        "Optional-pass-1\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("cogauth: respond: "),
        "no MFA_SETUP on this path"
    );
    assert_eq!(run.json()["proven"], true);
}

#[test]
fn fail_wrong_password_is_exit_5_and_stores_nothing() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id",
        &[],
        "not-the-password\n",
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "wrong_password");
    assert!(accounts(&sandbox).is_empty());
    assert!(sandbox.keychain_items().trim().is_empty());
}

#[test]
fn fail_bad_pool_settings_are_refused_before_any_call() {
    let sandbox = Sandbox::new();
    let run = sandbox.cogauth_stdin(
        &[
            "enroll",
            "--region",
            "us-east-1",
            "--user-pool-id",
            "eu-west-1_abc",
            "--client-id",
            "c",
            "--username",
            "u",
            "--password-stdin",
            "--endpoint",
            "http://127.0.0.1:9",
        ],
        "pw\n",
    );
    assert!(run.fails_with(1).contains("user pool id"), "{}", run.stderr);
}

#[test]
fn fail_server_faults_map_to_clear_errors() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = format!("{}\n", pool.password("demo"));
    for (fault, kind) in [
        (
            r#"{"faults":[{"action":"throttle","operation":"InitiateAuth"}]}"#,
            "throttled",
        ),
        (
            r#"{"faults":[{"action":"http500","operation":"InitiateAuth"}]}"#,
            "service_error",
        ),
        (
            r#"{"faults":[{"action":"drop","operation":"InitiateAuth"}]}"#,
            "network",
        ),
    ] {
        pool.faults(fault);
        let run = enroll(&sandbox, &pool, "demo", "client_id", &[], &password);
        assert_eq!(run.code, 5, "{fault}: {}", run.stderr);
        assert_eq!(run.error_json()["error"]["kind"], kind, "{fault}");
        assert!(accounts(&sandbox).is_empty());
    }
}

/// Lock-out safety: the process dies right after each step; the secret is never lost and
/// `enroll --resume` finishes the job.
#[test]
fn killed_after_any_step_loses_no_secret_and_resume_finishes() {
    for step in ["store", "verify", "respond", "preference"] {
        let pool = Pool::fresh();
        let sandbox = Sandbox::new();
        let password = pool.password("demo");
        let mut command = sandbox.command();
        command.env("COGAUTH_TEST_ABORT_AFTER", step);
        let (pool_id, client_id) = (pool.get("user_pool_id"), pool.get("client_id"));
        let args = enroll_args(&pool_id, &client_id, &pool.endpoint, "demo");
        let run = run_with_stdin(command, &args, &format!("{password}\n"));
        assert_ne!(run.code, 0, "{step}: the process died");

        let listed = accounts(&sandbox);
        assert_eq!(listed.len(), 1, "{step}: the account is listed");
        assert_eq!(listed[0]["state"], "pending", "{step}");
        let id = listed[0]["id"].as_str().unwrap();
        assert_eq!(
            keychain_secret(&sandbox, id).len(),
            32,
            "{step}: the secret is in the keychain"
        );
        // Its code is still shown: the server may already expect it.
        sandbox.cogauth(&["code", id]).success();

        let run = sandbox.cogauth_stdin(
            &["enroll", "--resume", id, "--password-stdin", "--json"],
            &format!("{password}\n"),
        );
        assert_eq!(run.code, 0, "{step}: resume: {}", run.stderr);
        assert_eq!(run.json()["account"]["state"], "active", "{step}");
        assert_eq!(run.json()["proven"], true, "{step}");
        assert_eq!(accounts(&sandbox).len(), 1, "{step}: resumed in place");
    }
}

/// Dying between Associate and the store leaves nothing locally and nothing verified on the
/// server: enrolling again simply works.
#[test]
fn killed_right_after_associate_leaves_nothing_and_enroll_again_works() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = format!("{}\n", pool.password("demo"));
    let mut command = sandbox.command();
    command.env("COGAUTH_TEST_ABORT_AFTER", "associate");
    let (pool_id, client_id) = (pool.get("user_pool_id"), pool.get("client_id"));
    let args = enroll_args(&pool_id, &client_id, &pool.endpoint, "demo");
    let run = run_with_stdin(command, &args, &password);
    assert_ne!(run.code, 0);
    assert!(accounts(&sandbox).is_empty());
    let run = enroll(&sandbox, &pool, "demo", "client_id", &[], &password);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn fail_expired_session_twice_is_reported_and_resume_finishes() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = format!("{}\n", pool.password("demo"));
    // Sessions live 5 s, and every Verify is delayed past that: the automatic second sign-in
    // expires too.
    pool.faults(r#"{"session_validity_seconds":5,"faults":[{"action":"delay","operation":"VerifySoftwareToken","delay_ms":5500}]}"#);
    let run = enroll(&sandbox, &pool, "demo", "client_id", &[], &password);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "session_expired");
    let listed = accounts(&sandbox);
    assert_eq!(listed[0]["state"], "pending");
    // Cognito's own validity again (3 minutes): on a busy machine the resume may take more
    // than 5 s.
    pool.faults(r#"{"session_validity_seconds":180,"faults":[]}"#);
    let id = listed[0]["id"].as_str().unwrap();
    let run = sandbox.cogauth_stdin(
        &["enroll", "--resume", id, "--password-stdin", "--json"],
        &password,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["account"]["state"], "active");
}

/// A clock two minutes fast (libfaketime): a warning names the difference with Cognito's
/// `Date`, Cognito refuses the code and the error blames the clock, the account stays
/// pending, and once the clock is right `enroll --resume` finishes.
#[test]
fn fail_skewed_clock_is_warned_about_and_resume_finishes() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = format!("{}\n", pool.password("demo"));
    let (pool_id, client_id) = (pool.get("user_pool_id"), pool.get("client_id"));
    let mut child = std::process::Command::new("faketime")
        .args(["-f", "+120s"])
        .arg(crate::support::cogauth_bin())
        .args(enroll_args(&pool_id, &client_id, &pool.endpoint, "demo"))
        .arg("--json")
        .env_clear()
        .envs(sandbox.session.env())
        .env("COGAUTH_DATA_DIR", sandbox.data_dir())
        .env("COGAUTH_KEYRING_SERVICE", &sandbox.service)
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("faketime (Debian package faketime) must be installed");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let run = Run::from(child.wait_with_output().unwrap());
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: this computer's clock is 12")
            && run.stderr.contains("s ahead of Cognito's"),
        "{}",
        run.stderr
    );
    assert_eq!(run.error_json()["error"]["kind"], "clock_skew");
    let listed = accounts(&sandbox);
    assert_eq!(listed[0]["state"], "pending");
    let id = listed[0]["id"].as_str().unwrap();
    let run = sandbox.cogauth_stdin(&["enroll", "--resume", id, "--password-stdin"], &password);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

/// disable-mfa: signs in with a code, turns TOTP off; on a pool that requires MFA, Cognito's
/// refusal is the answer.
#[test]
fn disable_mfa_turns_totp_off_where_the_pool_allows_it() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let created = pool
        .peer(
            &["optional-pool", &pool.endpoint, "opti", "Optional-pass-1"],
            "",
        )
        .expect("pool");
    let (pool_id, client_id) = (
        created["user_pool_id"].as_str().unwrap(),
        created["client_id"].as_str().unwrap(),
    );
    let run = sandbox.cogauth_stdin(
        &[
            enroll_args(pool_id, client_id, &pool.endpoint, "opti"),
            vec!["--json", "--no-verify-signin"],
        ]
        .concat(),
        "Optional-pass-1\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = sandbox.cogauth_stdin(
        &["disable-mfa", "opti", "--password-stdin", "--json"],
        "Optional-pass-1\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["mfa_disabled"], true);
    assert_eq!(accounts(&sandbox)[0]["state"], "pending");
    // Now a sign-in is not asked for a code: the proof says so. (Through USER_PASSWORD_AUTH:
    // moto's SRP path still asks for TOTP after it is disabled; see the emulator's README.)
    let run = sandbox.cogauth_stdin(
        &[
            "signin-test",
            "opti",
            "--password-stdin",
            "--json",
            "--auth-flow",
            "password",
        ],
        "Optional-pass-1\n",
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "totp_not_active");
}

#[test]
fn removing_an_enrolled_account_warns_that_cognito_still_expects_codes() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id",
        &["--no-verify-signin"],
        &format!("{}\n", pool.password("demo")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = sandbox.cogauth(&["remove", "demo"]).success();
    assert!(
        run.stderr
            .contains("Cognito may still expect TOTP codes from user demo"),
        "{}",
        run.stderr
    );
}

#[test]
fn fail_account_states_map_to_their_error_kinds() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let (endpoint, pool_id, client_id) = (
        pool.endpoint.clone(),
        pool.get("user_pool_id"),
        pool.get("client_id"),
    );
    pool.peer(
        &[
            "signup",
            &endpoint,
            &client_id,
            "unconfirmed",
            "Unconfirmed-pass-1",
        ],
        "",
    )
    .expect("signup");
    pool.peer(&["disable", &endpoint, &pool_id, "demo"], "")
        .expect("disable");
    for (user, password, kind) in [
        ("nobody", "Whatever-pass-1", "user_not_found"),
        ("unconfirmed", "Unconfirmed-pass-1", "user_not_confirmed"),
        ("demo", pool.password("demo").as_str(), "not_authorized"),
    ] {
        for flow in ["srp", "password"] {
            // The client that reveals whether a user exists (PreventUserExistenceErrors
            // LEGACY); the console's default hides it (cognito_strict.rs).
            let run = enroll(
                &sandbox,
                &pool,
                user,
                "client_id_legacy_errors",
                &["--auth-flow", flow],
                &format!("{password}\n"),
            );
            assert_eq!(run.code, 5, "{user} {flow}: {}", run.stderr);
            assert_eq!(run.error_json()["error"]["kind"], kind, "{user} {flow}");
        }
    }
    assert!(accounts(&sandbox).is_empty());
}

#[test]
fn srp_with_a_client_secret_sends_secret_hash() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let client_secret = pool.get("client_secret");
    let stdin = format!("{client_secret}\n{}\n", pool.password("demo"));
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id_with_secret",
        &["--client-secret-stdin"],
        &stdin,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["proven"], true);
    // Without the secret, Cognito refuses the client.
    let run = enroll(
        &Sandbox::new(),
        &pool,
        "demo",
        "client_id_with_secret",
        &[],
        &format!("{}\n", pool.password("demo")),
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
}

/// Another device used the code of the step CogAuth would send: Cognito refuses it as used,
/// CogAuth says so, remembers the step, and the next attempt succeeds.
#[test]
fn fail_code_used_elsewhere_is_reported_and_the_next_attempt_moves_on() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    let run = enroll(
        &sandbox,
        &pool,
        "demo",
        "client_id",
        &["--no-verify-signin"],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.json()["account"]["id"].as_str().unwrap().to_owned();
    assert_server_enrolled(&sandbox, &pool, &id, "demo", &password, "client_id", None);

    let run = sandbox.cogauth_stdin(
        &["signin-test", &id, "--password-stdin", "--json"],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "code_expired");
    let run = sandbox.cogauth_stdin(
        &["signin-test", &id, "--password-stdin"],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Running `enroll` again for a user CogAuth holds as pending finishes that account.
#[test]
fn enroll_again_finishes_the_pending_account_instead_of_adding_one() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = format!("{}\n", pool.password("demo"));
    pool.faults(r#"{"faults":[{"action":"drop","operation":"SetUserMFAPreference"}]}"#);
    let run = enroll(&sandbox, &pool, "demo", "client_id", &[], &password);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "network");
    assert_eq!(accounts(&sandbox)[0]["state"], "pending");
    pool.faults(r#"{"faults":[]}"#);
    let run = enroll(&sandbox, &pool, "demo", "client_id", &[], &password);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("resuming that account"),
        "{}",
        run.stderr
    );
    let listed = accounts(&sandbox);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["state"], "active");
}

/// `enroll --new-secret ACCOUNT` for a seeded, enrolled user; password on stdin.
fn new_secret(sandbox: &Sandbox, id: &str, password: &str, extra: &[&str]) -> Run {
    let mut args = vec!["enroll", "--new-secret", id, "--password-stdin", "--json"];
    args.extend_from_slice(extra);
    sandbox.cogauth_stdin(&args, &format!("{password}\n"))
}

/// The enrolled account of a fresh sandbox: its id and the secret the keychain holds.
fn enrolled(sandbox: &Sandbox, pool: &Pool, password: &str) -> (String, String) {
    let run = enroll(
        sandbox,
        pool,
        "demo",
        "client_id",
        &["--no-verify-signin"],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = accounts(sandbox)[0]["id"].as_str().unwrap().to_owned();
    let secret = keychain_secret(sandbox, &id);
    (id, secret)
}

/// Re-enrolment: a new secret for the same user replaces the stored one once Cognito verified
/// it; the server then takes the new secret's codes and not the old one's.
#[test]
fn new_secret_replaces_the_stored_one_once_verified() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    let (id, old) = enrolled(&sandbox, &pool, &password);

    let run = new_secret(&sandbox, &id, &password, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["account"]["state"], "active");
    assert_eq!(run.json()["proven"], true);
    let listed = accounts(&sandbox);
    assert_eq!(listed.len(), 1, "the same account, not a second one");
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[0]["cognito"].get("next_secret").is_none());
    let new = keychain_secret(&sandbox, &id);
    assert_eq!(new.len(), 32);
    assert_ne!(new, old, "a new secret");
    assert_server_enrolled(&sandbox, &pool, &id, "demo", &password, "client_id", None);

    // The old secret's codes are refused (the independent peer signs in with them).
    let account = &accounts(&sandbox)[0];
    let last_used = account["cognito"]["last_used_step"]
        .as_u64()
        .unwrap()
        .to_string();
    let (pool_id, client_id) = (pool.get("user_pool_id"), pool.get("client_id"));
    let old_answer = pool.peer(
        &[
            "check",
            &pool.endpoint,
            &pool_id,
            &client_id,
            "demo",
            &password,
            &last_used,
        ],
        &old,
    );
    assert!(
        old_answer.is_err() || old_answer.as_ref().is_ok_and(|r| r["signed_in"] != true),
        "the old secret still signs in: {old_answer:?}"
    );
}

#[test]
fn fail_new_secret_with_a_wrong_password_changes_nothing() {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    let (id, old) = enrolled(&sandbox, &pool, &password);
    let before = accounts(&sandbox);
    let run = new_secret(&sandbox, &id, "not-the-password", &[]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.error_json()["error"]["kind"], "wrong_password");
    assert_eq!(keychain_secret(&sandbox, &id), old);
    assert_eq!(accounts(&sandbox)[0]["state"], before[0]["state"]);
    assert!(
        accounts(&sandbox)[0]["cognito"]
            .get("next_secret")
            .is_none()
    );
}

#[test]
fn killed_right_after_a_new_secret_was_issued_resume_finishes() {
    killed_during_a_new_secret_then_resumed("associate");
}

#[test]
fn killed_with_a_new_secret_staged_resume_finishes() {
    killed_during_a_new_secret_then_resumed("store");
}

#[test]
fn killed_with_a_new_secret_verified_but_not_moved_resume_finishes() {
    killed_during_a_new_secret_then_resumed("verify");
}

/// Lock-out safety of re-enrolment: the process dies right after `step`; every secret the
/// server may expect is in the keychain, the stored one is replaced only once the new one was
/// verified, and `enroll --resume` finishes. (One test per step, so that they run at once.)
fn killed_during_a_new_secret_then_resumed(step: &str) {
    let pool = Pool::fresh();
    let sandbox = Sandbox::new();
    let password = pool.password("demo");
    let (id, old) = enrolled(&sandbox, &pool, &password);

    let mut command = sandbox.command();
    command.env("COGAUTH_TEST_ABORT_AFTER", step);
    let run = run_with_stdin(
        command,
        &[
            "enroll",
            "--new-secret",
            &id,
            "--password-stdin",
            "--no-verify-signin",
        ],
        &format!("{password}\n"),
    );
    assert_ne!(run.code, 0, "{step}: the process died");
    let listed = accounts(&sandbox);
    assert_eq!(listed.len(), 1, "{step}");
    assert_eq!(
        keychain_secret(&sandbox, &id),
        old,
        "{step}: the stored secret is replaced only after verification"
    );
    let next = listed[0]["cognito"].get("next_secret").cloned();
    let staged_item = match step {
        "associate" => {
            assert!(next.is_none(), "{step}: nothing staged yet");
            None
        }
        _ => {
            let next = next.unwrap_or_else(|| panic!("{step}: the new secret is staged"));
            assert_eq!(listed[0]["state"], "pending", "{step}");
            assert_eq!(next["verified"] == true, step == "verify", "{step}: {next}");
            let item = next["item"].as_str().unwrap().to_owned();
            let staged = keychain_secret(&sandbox, &item);
            assert_eq!(
                staged.len(),
                32,
                "{step}: the new secret is in the keychain"
            );
            assert_ne!(staged, old, "{step}");
            // Once verified, codes come from the new secret.
            if step == "verify" {
                let shown = sandbox
                    .cogauth(&["code", &id])
                    .success()
                    .stdout
                    .trim()
                    .to_owned();
                let expected = sandbox.session.run("oathtool", &["--totp", "-b", &staged]);
                assert_eq!(
                    shown,
                    String::from_utf8_lossy(&expected.stdout).trim(),
                    "{step}"
                );
            }
            Some((item, staged))
        }
    };

    let run = sandbox.cogauth_stdin(
        &["enroll", "--resume", &id, "--password-stdin", "--json"],
        &format!("{password}\n"),
    );
    assert_eq!(run.code, 0, "{step}: resume: {}", run.stderr);
    assert_eq!(run.json()["account"]["state"], "active", "{step}");
    assert_eq!(run.json()["proven"], true, "{step}");
    let listed = accounts(&sandbox);
    assert_eq!(listed.len(), 1, "{step}: resumed in place");
    assert!(listed[0]["cognito"].get("next_secret").is_none(), "{step}");
    if let Some((item, staged)) = staged_item {
        assert_eq!(
            keychain_secret(&sandbox, &item),
            "",
            "{step}: the staging item is gone"
        );
        if step == "verify" {
            assert_eq!(
                keychain_secret(&sandbox, &id),
                staged,
                "{step}: the verified secret moved"
            );
        }
    }
    assert_server_enrolled(&sandbox, &pool, &id, "demo", &password, "client_id", None);
}
