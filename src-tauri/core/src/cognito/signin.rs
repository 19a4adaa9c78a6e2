//! Signing in to a user pool, up to the point where a TOTP code or MFA setup is needed.
//!
//! USER_SRP_AUTH by default (the password never leaves the machine: `aws-cognito-srp` computes
//! the PASSWORD_VERIFIER answer), USER_PASSWORD_AUTH on request, and choice-based USER_AUTH
//! (asking for PASSWORD_SRP, or choosing it at SELECT_CHALLENGE) for app clients that allow
//! only that. SECRET_HASH goes with every call when the app client has a secret.
//! NEW_PASSWORD_REQUIRED (with the attributes the pool requires, asked again when Cognito's
//! password policy refuses one), SELECT_MFA_TYPE, SMS_MFA and EMAIL_OTP are answered through
//! [`Prompt`]; MFA_SETUP and SOFTWARE_TOKEN_MFA are returned to the caller, which owns the
//! TOTP secret. Tokens are checked to come from the configured pool.

use std::collections::HashMap;

use aws_cognito_srp::{SrpClient, User};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use zeroize::Zeroizing;

use super::client::{AuthStep, CognitoClient};
use super::{ClientSecret, CognitoError};

/// How to prove the password. Serialised as `"srp"` / `"password"` / `"user_auth"` (the
/// app's wizard form).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthFlow {
    /// USER_SRP_AUTH: a zero-knowledge proof; the password is not sent.
    #[default]
    Srp,
    /// USER_PASSWORD_AUTH: the password is sent over TLS (must be allowed on the app client).
    Password,
    /// USER_AUTH, choice-based sign-in, answered with PASSWORD_SRP (app clients created in
    /// the current console may allow only this).
    UserAuth,
}

impl AuthFlow {
    /// Cognito's name of the flow.
    pub fn cognito_name(self) -> &'static str {
        match self {
            AuthFlow::Srp => "USER_SRP_AUTH",
            AuthFlow::Password => "USER_PASSWORD_AUTH",
            AuthFlow::UserAuth => "USER_AUTH",
        }
    }
}

/// Something only the user can answer, asked in the middle of a sign-in or an enrolment.
///
/// A new challenge that needs the user adds a variant here; the adapters need no change: the
/// CLI reads the answer as the next stdin line, the app shows [`Question::text`] in a form
/// (hidden when [`Question::is_secret`]) and sends back what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// A new password, when Cognito requires one (NEW_PASSWORD_REQUIRED).
    NewPassword,
    /// Another new password: Cognito's password policy refused the last one.
    NewPasswordAgain {
        /// Cognito's reason, e.g. "Password must have uppercase characters".
        reason: String,
    },
    /// A user attribute the pool requires and the user lacks (NEW_PASSWORD_REQUIRED's
    /// `requiredAttributes`), by its Cognito name (`email`, `name`, `custom:team`).
    Attribute {
        /// The attribute's name.
        name: String,
    },
    /// The current code of the authenticator app the user has now, to move to CogAuth.
    OtherAppCode,
    /// The code Cognito sent for `challenge` (`SMS_MFA`, `EMAIL_OTP`).
    MfaCode {
        /// The challenge's name.
        challenge: String,
    },
    /// The app client's secret, for an account whose client has one (it is not stored).
    ClientSecret,
}

impl Question {
    /// A stable machine name: `new_password`, `attribute`, `other_app_code`, `mfa_code`,
    /// `client_secret`.
    pub fn kind(&self) -> &'static str {
        match self {
            Question::NewPassword | Question::NewPasswordAgain { .. } => "new_password",
            Question::Attribute { .. } => "attribute",
            Question::OtherAppCode => "other_app_code",
            Question::MfaCode { .. } => "mfa_code",
            Question::ClientSecret => "client_secret",
        }
    }

    /// The question, for the user.
    pub fn text(&self) -> String {
        match self {
            Question::NewPassword => "Cognito asks for a new password for this user.".into(),
            Question::NewPasswordAgain { reason } => {
                format!("Cognito refused that password ({reason}). Choose another.")
            }
            Question::Attribute { name } => {
                format!("Cognito needs this user's {name} before the first sign-in.")
            }
            Question::OtherAppCode => "This user already has an authenticator app. Enter its current code to move to CogAuth; that app's codes stop working once CogAuth is set up.".into(),
            Question::MfaCode { challenge } if challenge == "SMS_MFA" => {
                "Cognito sent a code by SMS: enter it.".into()
            }
            Question::MfaCode { challenge } if challenge == "EMAIL_OTP" => {
                "Cognito sent a code by e-mail: enter it.".into()
            }
            Question::MfaCode { .. } => "Cognito sent a code: enter it.".into(),
            Question::ClientSecret => {
                "This app client has a secret, and Cognito needs it (it is not stored).".into()
            }
        }
    }

    /// Whether the answer is a secret to be typed hidden (a password, a client secret).
    pub fn is_secret(&self) -> bool {
        !matches!(
            self,
            Question::MfaCode { .. } | Question::Attribute { .. } | Question::OtherAppCode
        )
    }

    /// The Cognito challenge the question answers, when it is one.
    pub fn challenge(&self) -> Option<&str> {
        match self {
            Question::MfaCode { challenge } => Some(challenge),
            _ => None,
        }
    }
}

/// Answers the questions of the user. [`CognitoError::Cancelled`] when the user declined.
pub trait Prompt {
    /// The user's answer to `question`.
    fn ask(&mut self, question: &Question) -> Result<Zeroizing<String>, CognitoError>;
}

/// The code Cognito sent for `challenge`, asked of the user; spaces typed inside it (a code
/// read as "123 456") are dropped.
fn code_answer(prompt: &mut dyn Prompt, challenge: &str) -> Result<String, CognitoError> {
    let answer = prompt.ask(&Question::MfaCode {
        challenge: challenge.to_owned(),
    })?;
    Ok(answer.split_whitespace().collect())
}

/// The app client's secret, asked of the user.
pub(crate) fn ask_client_secret(prompt: &mut dyn Prompt) -> Result<ClientSecret, CognitoError> {
    ClientSecret::new(&prompt.ask(&Question::ClientSecret)?)
}

/// Where a sign-in stopped.
#[derive(Debug)]
pub enum SignedIn {
    /// Fully signed in.
    Tokens {
        /// The access token.
        access_token: Zeroizing<String>,
    },
    /// The user must set up TOTP first (MFA is required and none is configured).
    MfaSetup {
        /// The session to set it up in.
        session: Zeroizing<String>,
        /// The USERNAME to send in later answers.
        username: String,
    },
    /// The user already has TOTP; a code is needed.
    SoftwareTokenMfa {
        /// The session to answer in.
        session: Zeroizing<String>,
        /// The USERNAME to send in the answer.
        username: String,
    },
}

/// Signs `username` in with `password`.
pub async fn sign_in(
    client: &CognitoClient,
    username: &str,
    password: &str,
    flow: AuthFlow,
    prompt: &mut dyn Prompt,
) -> Result<SignedIn, CognitoError> {
    let mut parameters = user_parameters(client, username);
    let srp = match flow {
        AuthFlow::Srp | AuthFlow::UserAuth => {
            let user = User::new(client.pool().user_pool_id(), username, password);
            let srp = SrpClient::new(user, client.pool().client_id(), None);
            parameters.insert("SRP_A".to_owned(), srp.get_auth_parameters().a);
            Some(srp)
        }
        AuthFlow::Password => {
            parameters.insert("PASSWORD".to_owned(), password.to_owned());
            None
        }
    };
    let auth_flow = match flow {
        AuthFlow::Srp => AuthFlowType::UserSrpAuth,
        AuthFlow::Password => AuthFlowType::UserPasswordAuth,
        AuthFlow::UserAuth => {
            parameters.insert("PREFERRED_CHALLENGE".to_owned(), "PASSWORD_SRP".to_owned());
            AuthFlowType::UserAuth
        }
    };
    let mut step = client.initiate(auth_flow, parameters).await?;
    // NEW_PASSWORD_REQUIRED answers refused by the password policy, asked again.
    let mut refused_passwords = 0;
    // Cognito may name the user differently in challenges (USER_ID_FOR_SRP, an alias's sub).
    let mut challenge_user = username.to_owned();
    let mut srp = srp;
    for _ in 0..MAX_CHALLENGES {
        let (name, session, parameters) = match step {
            AuthStep::Tokens { access_token } => {
                client.check_issuer(&access_token)?;
                return Ok(SignedIn::Tokens { access_token });
            }
            AuthStep::Challenge {
                name,
                session,
                parameters,
            } => (name, session, parameters),
        };
        if let Some(user) = parameters
            .get("USER_ID_FOR_SRP")
            .or_else(|| parameters.get("USERNAME"))
        {
            challenge_user.clone_from(user);
        }
        let mut responses = user_parameters(client, &challenge_user);
        match &name {
            ChallengeNameType::MfaSetup => {
                // MFAS_CAN_SETUP lists what the pool lets the user set up.
                if let Some(can) = parameters.get("MFAS_CAN_SETUP")
                    && !can.contains("SOFTWARE_TOKEN_MFA")
                {
                    return Err(CognitoError::TotpNotEnabled(format!(
                        "Cognito asks to set up MFA and offers only {}",
                        can.chars()
                            .filter(|c| !"[]\"".contains(*c))
                            .take(80)
                            .collect::<String>()
                    )));
                }
                return Ok(SignedIn::MfaSetup {
                    session,
                    username: challenge_user,
                });
            }
            ChallengeNameType::SoftwareTokenMfa => {
                return Ok(SignedIn::SoftwareTokenMfa {
                    session,
                    username: challenge_user,
                });
            }
            ChallengeNameType::PasswordVerifier => {
                let srp_client = srp.as_ref().ok_or_else(|| {
                    CognitoError::Unexpected("PASSWORD_VERIFIER without SRP".into())
                })?;
                let get = |key: &str| {
                    parameters.get(key).map(String::as_str).ok_or_else(|| {
                        CognitoError::Unexpected(format!("PASSWORD_VERIFIER without {key}"))
                    })
                };
                let proof = srp_client
                    .verify(
                        get("SECRET_BLOCK")?,
                        &challenge_user,
                        get("SALT")?,
                        get("SRP_B")?,
                    )
                    .map_err(|e| CognitoError::Unexpected(format!("SRP parameters: {e}")))?;
                responses.insert(
                    "PASSWORD_CLAIM_SECRET_BLOCK".into(),
                    proof.password_claim_secret_block,
                );
                responses.insert(
                    "PASSWORD_CLAIM_SIGNATURE".into(),
                    proof.password_claim_signature,
                );
                responses.insert("TIMESTAMP".into(), proof.timestamp);
                // The SRP client holds the password as a plain String: drop it now.
                srp = None;
            }
            ChallengeNameType::SelectChallenge => {
                if srp.is_none() {
                    return Err(CognitoError::UnsupportedChallenge(
                        "SELECT_CHALLENGE without SRP".into(),
                    ));
                }
                let srp_a = srp.as_ref().map(|c| c.get_auth_parameters().a);
                responses.insert("ANSWER".into(), "PASSWORD_SRP".into());
                responses.extend(srp_a.map(|a| ("SRP_A".to_owned(), a)));
            }
            ChallengeNameType::NewPasswordRequired => {
                // The password first, then the attributes the pool requires (the CLI's stdin
                // order); a password the policy refuses is asked again, the attributes kept.
                let mut new_password = prompt.ask(&Question::NewPassword)?;
                for name in required_attributes(&parameters) {
                    let value = prompt.ask(&Question::Attribute { name: name.clone() })?;
                    responses.insert(format!("userAttributes.{name}"), value.trim().to_owned());
                }
                loop {
                    let mut answer = responses.clone();
                    answer.insert("NEW_PASSWORD".into(), new_password.to_string());
                    let name = ChallengeNameType::NewPasswordRequired;
                    match client.respond(name, Some(&session), answer).await {
                        // Cognito keeps the session for another try (its policy refused it).
                        Err(CognitoError::WeakPassword(reason))
                            if refused_passwords < MAX_REFUSED_PASSWORDS =>
                        {
                            refused_passwords += 1;
                            new_password = prompt.ask(&Question::NewPasswordAgain { reason })?;
                        }
                        other => {
                            step = other?;
                            break;
                        }
                    }
                }
                continue;
            }
            ChallengeNameType::SelectMfaType => {
                let choices = parameters
                    .get("MFAS_CAN_CHOOSE")
                    .cloned()
                    .unwrap_or_default();
                let answer = ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SMS_MFA"]
                    .into_iter()
                    .find(|c| choices.contains(c))
                    .ok_or_else(|| {
                        CognitoError::UnsupportedChallenge(format!("SELECT_MFA_TYPE {choices}"))
                    })?;
                responses.insert("ANSWER".into(), answer.to_owned());
            }
            ChallengeNameType::SmsMfa => {
                responses.insert("SMS_MFA_CODE".into(), code_answer(prompt, "SMS_MFA")?);
            }
            ChallengeNameType::EmailOtp => {
                responses.insert("EMAIL_OTP_CODE".into(), code_answer(prompt, "EMAIL_OTP")?);
            }
            other => {
                return Err(CognitoError::UnsupportedChallenge(
                    other.as_str().to_owned(),
                ));
            }
        }
        step = client.respond(name, Some(&session), responses).await?;
    }
    Err(CognitoError::Unexpected(format!(
        "more than {MAX_CHALLENGES} challenges in one sign-in"
    )))
}

/// A real sign-in has a handful of challenges; a server that keeps asking is not followed.
const MAX_CHALLENGES: usize = 10;
/// New passwords the policy may refuse before the sign-in gives up.
const MAX_REFUSED_PASSWORDS: usize = 5;

/// The attribute names NEW_PASSWORD_REQUIRED's `requiredAttributes` lists (a JSON array of
/// `userAttributes.<name>`).
fn required_attributes(parameters: &HashMap<String, String>) -> Vec<String> {
    let Some(listed) = parameters.get("requiredAttributes") else {
        return Vec::new();
    };
    serde_json::from_str::<Vec<String>>(listed)
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.strip_prefix("userAttributes.").unwrap_or(&a).to_owned())
        .filter(|a| !a.is_empty() && a.len() <= 64)
        .take(20)
        .collect()
}

/// USERNAME, and SECRET_HASH when the app client has a secret: what every sign-in call and
/// challenge answer carries.
fn user_parameters(client: &CognitoClient, username: &str) -> HashMap<String, String> {
    let mut parameters = HashMap::from([("USERNAME".to_owned(), username.to_owned())]);
    if let Some(hash) = client.secret_hash(username) {
        parameters.insert("SECRET_HASH".to_owned(), hash);
    }
    parameters
}

/// Answers SOFTWARE_TOKEN_MFA with `code`.
pub async fn answer_totp(
    client: &CognitoClient,
    session: &str,
    username: &str,
    code: &str,
) -> Result<Zeroizing<String>, CognitoError> {
    let mut responses = user_parameters(client, username);
    responses.insert("SOFTWARE_TOKEN_MFA_CODE".to_owned(), code.to_owned());
    tokens(
        client,
        client
            .respond(
                ChallengeNameType::SoftwareTokenMfa,
                Some(session),
                responses,
            )
            .await?,
    )
}

/// Answers MFA_SETUP after VerifySoftwareToken succeeded in `session`.
pub async fn finish_mfa_setup(
    client: &CognitoClient,
    session: &str,
    username: &str,
) -> Result<Zeroizing<String>, CognitoError> {
    let responses = user_parameters(client, username);
    tokens(
        client,
        client
            .respond(ChallengeNameType::MfaSetup, Some(session), responses)
            .await?,
    )
}

fn tokens(client: &CognitoClient, step: AuthStep) -> Result<Zeroizing<String>, CognitoError> {
    match step {
        AuthStep::Tokens { access_token } => {
            client.check_issuer(&access_token)?;
            Ok(access_token)
        }
        AuthStep::Challenge { name, .. } => {
            Err(CognitoError::UnsupportedChallenge(name.as_str().to_owned()))
        }
    }
}

/// The challenges and errors moto cannot produce, against mocked SDK answers.
#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use aws_sdk_cognitoidentityprovider::Client;
    use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
    use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
    use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
    use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    use super::*;
    use crate::cognito::PoolConfig;

    /// Answers from fixed lists, and records what was asked.
    #[derive(Default)]
    struct Answers {
        codes: RefCell<Vec<&'static str>>,
        asked: RefCell<Vec<String>>,
    }

    impl Prompt for &Answers {
        fn ask(&mut self, question: &Question) -> Result<Zeroizing<String>, CognitoError> {
            let Some(challenge) = question.challenge() else {
                return Err(CognitoError::Input(format!(
                    "no {} in this test",
                    question.kind()
                )));
            };
            self.asked.borrow_mut().push(challenge.to_owned());
            let code = self.codes.borrow_mut().pop().unwrap_or("000000");
            Ok(Zeroizing::new(code.to_owned()))
        }
    }

    fn pool(secret: Option<&str>) -> PoolConfig {
        let secret = secret.map(|s| ClientSecret::new(s).expect("valid"));
        PoolConfig::new("us-east-1", "us-east-1_Test", "client123", secret, None).expect("valid")
    }

    fn challenge(name: ChallengeNameType, params: &[(&str, &str)]) -> InitiateAuthOutput {
        let mut out = InitiateAuthOutput::builder()
            .challenge_name(name)
            .session("session-1");
        for (k, v) in params {
            out = out.challenge_parameters(*k, *v);
        }
        out.build()
    }

    fn tokens() -> RespondToAuthChallengeOutput {
        RespondToAuthChallengeOutput::builder()
            .authentication_result(
                AuthenticationResultType::builder()
                    .access_token("at")
                    .build(),
            )
            .build()
    }

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    fn response(
        req: &aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeInput,
        key: &str,
    ) -> Option<String> {
        req.challenge_responses().and_then(|r| r.get(key)).cloned()
    }

    #[test]
    fn select_mfa_type_prefers_totp_and_returns_its_challenge() {
        let initiate = mock!(Client::initiate_auth).then_output(|| {
            challenge(
                ChallengeNameType::SelectMfaType,
                &[("MFAS_CAN_CHOOSE", r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#)],
            )
        });
        let respond = mock!(Client::respond_to_auth_challenge)
            .match_requests(|req| response(req, "ANSWER").as_deref() == Some("SOFTWARE_TOKEN_MFA"))
            .then_output(|| {
                RespondToAuthChallengeOutput::builder()
                    .challenge_name(ChallengeNameType::SoftwareTokenMfa)
                    .session("session-2")
                    .build()
            });
        let sdk = mock_client!(
            aws_sdk_cognitoidentityprovider,
            RuleMode::MatchAny,
            [&initiate, &respond]
        );
        let client = CognitoClient::with_sdk(sdk, pool(None));
        let answers = Answers::default();
        let result = run(sign_in(
            &client,
            "alice",
            "pw",
            AuthFlow::Password,
            &mut &answers,
        ));
        assert!(
            matches!(result, Ok(SignedIn::SoftwareTokenMfa { .. })),
            "{result:?}"
        );
        assert_eq!(respond.num_calls(), 1);
    }

    #[test]
    fn sms_and_email_codes_are_asked_for_and_sent_with_secret_hash() {
        for (name, key) in [
            (ChallengeNameType::SmsMfa, "SMS_MFA_CODE"),
            (ChallengeNameType::EmailOtp, "EMAIL_OTP_CODE"),
        ] {
            let initiate =
                mock!(Client::initiate_auth).then_output(move || challenge(name.clone(), &[]));
            let respond = mock!(Client::respond_to_auth_challenge)
                .match_requests(move |req| {
                    response(req, key).as_deref() == Some("424242")
                        && response(req, "SECRET_HASH").as_deref()
                            == Some("Purj9beTcAsJSCrB7eBXda0wlviSY0EOFwj5EehPOpM=")
                })
                .then_output(tokens);
            let sdk = mock_client!(
                aws_sdk_cognitoidentityprovider,
                RuleMode::MatchAny,
                [&initiate, &respond]
            );
            let client = CognitoClient::with_sdk(sdk, pool(Some("client-secret-value")));
            let answers = Answers {
                codes: RefCell::new(vec!["424242"]),
                ..Answers::default()
            };
            let result = run(sign_in(
                &client,
                "alice",
                "pw",
                AuthFlow::Password,
                &mut &answers,
            ));
            assert!(
                matches!(result, Ok(SignedIn::Tokens { .. })),
                "{key}: {result:?}"
            );
            assert_eq!(answers.asked.borrow().len(), 1, "{key}");
        }
    }

    #[test]
    fn fail_custom_challenge_is_named() {
        let initiate = mock!(Client::initiate_auth)
            .then_output(|| challenge(ChallengeNameType::CustomChallenge, &[]));
        let sdk = mock_client!(aws_sdk_cognitoidentityprovider, [&initiate]);
        let client = CognitoClient::with_sdk(sdk, pool(None));
        let error = run(sign_in(
            &client,
            "alice",
            "pw",
            AuthFlow::Password,
            &mut &Answers::default(),
        ))
        .expect_err("unsupported");
        assert_eq!(error.kind(), "unsupported_challenge");
        assert!(error.to_string().contains("CUSTOM_CHALLENGE"));
    }

    #[test]
    fn fail_new_password_without_one_says_how_to_give_it() {
        let initiate = mock!(Client::initiate_auth)
            .then_output(|| challenge(ChallengeNameType::NewPasswordRequired, &[]));
        let sdk = mock_client!(aws_sdk_cognitoidentityprovider, [&initiate]);
        let client = CognitoClient::with_sdk(sdk, pool(None));
        let error = run(sign_in(
            &client,
            "alice",
            "pw",
            AuthFlow::Password,
            &mut &Answers::default(),
        ))
        .expect_err("no new password");
        assert_eq!(error.kind(), "invalid_input");
    }

    #[test]
    fn fail_sdk_errors_the_emulator_cannot_produce_keep_their_kind() {
        // Raw HTTP answers as Cognito sends them, so the SDK's own deserializer runs.
        let cases = [
            (
                "PasswordResetRequiredException",
                "Password reset required for the user",
                "password_reset_required",
            ),
            (
                "UserNotConfirmedException",
                "User is not confirmed.",
                "user_not_confirmed",
            ),
            (
                "SoftwareTokenMFANotFoundException",
                "Software Token MFA is not enabled",
                "totp_not_enabled",
            ),
            (
                "LimitExceededException",
                "Attempt limit exceeded",
                "throttled",
            ),
        ];
        for (code, message, kind) in cases {
            let body = format!(r#"{{"__type":"{code}","message":"{message}"}}"#);
            let initiate = mock!(Client::initiate_auth).then_http_response(move || {
                HttpResponse::new(
                    StatusCode::try_from(400).expect("status"),
                    SdkBody::from(body.clone()),
                )
            });
            let sdk = mock_client!(aws_sdk_cognitoidentityprovider, [&initiate]);
            let client = CognitoClient::with_sdk(sdk, pool(None));
            let answers = Answers::default();
            let result = run(sign_in(
                &client,
                "alice",
                "pw",
                AuthFlow::Password,
                &mut &answers,
            ));
            assert_eq!(result.expect_err(kind).kind(), kind, "{code}");
        }
    }

    #[test]
    fn secret_hash_matches_an_independent_computation() {
        // Python: base64(hmac.new(b"client-secret-value", b"alice" + b"client123", sha256))
        let client = CognitoClient::new(pool(Some("client-secret-value")));
        assert_eq!(
            client.secret_hash("alice").as_deref(),
            Some("Purj9beTcAsJSCrB7eBXda0wlviSY0EOFwj5EehPOpM=")
        );
        assert_eq!(CognitoClient::new(pool(None)).secret_hash("alice"), None);
    }
}
