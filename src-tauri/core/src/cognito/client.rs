//! The AWS SDK client behind domain-shaped methods.
//!
//! Built without credentials (every call here is an unsigned user-pool operation: a desktop
//! app has no AWS keys), with timeouts, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` honoured, and
//! the SDK's standard retry (backing off on throttling) for the calls that may be repeated.
//! Calls that spend something (a challenge session, a TOTP step) are sent once: if their
//! answer is lost, a retry would resend a spent session or code, so the error goes up and the
//! enrolment resumes from the server's state instead. Every SDK error becomes a
//! [`CognitoError`]. An interceptor records the server's `Date` header so the clock can be
//! compared with Cognito's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cognitoidentityprovider as sdk;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::{Connector, tls};
use hmac::{Hmac, Mac};
use sdk::config::interceptors::BeforeDeserializationInterceptorContextRef;
use sdk::config::retry::RetryConfig;
use sdk::config::timeout::TimeoutConfig;
use sdk::config::{ConfigBag, Intercept, Region, RuntimeComponents, SharedHttpClient};
use sdk::error::{BoxError, ProvideErrorMetadata, SdkError};
use sdk::primitives::{DateTime, DateTimeFormat};
use sdk::types::{AuthFlowType, ChallengeNameType, SoftwareTokenMfaSettingsType};
use zeroize::Zeroizing;

use super::CognitoError;
use super::config::PoolConfig;
use crate::otp::Secret;
use crate::vault::now_unix;

/// What Cognito answered to a sign-in step.
#[derive(Debug)]
pub enum AuthStep {
    /// Signed in.
    Tokens {
        /// The access token (kept in memory only, dropped after the flow).
        access_token: Zeroizing<String>,
    },
    /// Cognito wants another answer.
    Challenge {
        /// The challenge.
        name: ChallengeNameType,
        /// The session to answer in.
        session: Zeroizing<String>,
        /// Challenge parameters (SRP values, MFAS_CAN_SETUP, USER_ID_FOR_SRP, …).
        parameters: HashMap<String, String>,
    },
}

/// Who is asking: the sign-in session (MFA_SETUP path) or a signed-in user. Not `Debug`: it
/// holds a session or an access token.
#[derive(Clone, Copy)]
pub enum Caller<'a> {
    /// A session from an MFA_SETUP challenge.
    Session(&'a str),
    /// An access token.
    AccessToken(&'a str),
}

/// A Cognito user-pool client for one pool.
#[derive(Clone)]
pub struct CognitoClient {
    sdk: sdk::Client,
    pool: PoolConfig,
    clock: Arc<Mutex<Option<i64>>>,
}

#[derive(Debug)]
struct ServerClock(Arc<Mutex<Option<i64>>>);

impl Intercept for ServerClock {
    fn name(&self) -> &'static str {
        "CogAuthServerClock"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let date = context.response().headers().get("date");
        if let Some(server) =
            date.and_then(|d| DateTime::from_str(d, DateTimeFormat::HttpDate).ok())
        {
            let skew = server.secs() - i64::try_from(now_unix()).unwrap_or(i64::MAX);
            if let Ok(mut slot) = self.0.lock() {
                *slot = Some(skew);
            }
        }
        Ok(())
    }
}

type HmacSha256 = Hmac<sha2::Sha256>;

/// The SDK's default HTTPS client, but with rustls over ring rather than aws-lc (see the root
/// Cargo.toml; the trust roots are still the system's), and the proxy the environment names
/// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, as curl reads them), which the SDK ignores.
fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = Connector::builder()
            .proxy_config(ProxyConfig::from_env())
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.build()
    })
}

impl CognitoClient {
    /// A client for `pool`. Touches no network until a call is made.
    pub fn new(pool: PoolConfig) -> Self {
        Self::over(pool, https_client())
    }

    fn over(pool: PoolConfig, http_client: SharedHttpClient) -> Self {
        let clock = Arc::new(Mutex::new(None));
        let mut config = sdk::Config::builder()
            .behavior_version(sdk::config::BehaviorVersion::latest())
            .region(Region::new(pool.region().to_owned()))
            .use_fips(pool.fips())
            .use_dual_stack(pool.dual_stack())
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(15))
                    .operation_timeout(Duration::from_secs(40))
                    .build(),
            )
            .interceptor(ServerClock(clock.clone()))
            .http_client(http_client);
        if let Some(endpoint) = pool.endpoint() {
            config = config.endpoint_url(endpoint);
        }
        CognitoClient {
            sdk: sdk::Client::from_conf(config.build()),
            pool,
            clock,
        }
    }

    /// A client over an SDK client built elsewhere (tests: `aws-smithy-mocks`).
    #[cfg(test)]
    pub(crate) fn with_sdk(sdk: sdk::Client, pool: PoolConfig) -> Self {
        CognitoClient {
            sdk,
            pool,
            clock: Arc::new(Mutex::new(None)),
        }
    }

    /// The pool this client talks to.
    pub fn pool(&self) -> &PoolConfig {
        &self.pool
    }

    /// Seconds the server's clock is ahead of ours (negative: behind), from the last answer.
    pub fn clock_skew(&self) -> Option<i64> {
        self.clock.lock().ok().and_then(|slot| *slot)
    }

    /// SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id)), when the app
    /// client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        let secret = self.pool.client_secret()?;
        let Ok(mut mac) = <HmacSha256 as Mac>::new_from_slice(secret.expose().as_bytes()) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(username.as_bytes());
        mac.update(self.pool.client_id().as_bytes());
        Some(data_encoding::BASE64.encode(&mac.finalize().into_bytes()))
    }

    /// InitiateAuth.
    pub async fn initiate(
        &self,
        flow: AuthFlowType,
        parameters: HashMap<String, String>,
    ) -> Result<AuthStep, CognitoError> {
        let out = self
            .sdk
            .initiate_auth()
            .auth_flow(flow)
            .client_id(self.pool.client_id())
            .set_auth_parameters(Some(parameters))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        step(
            out.authentication_result().and_then(|r| r.access_token()),
            out.challenge_name(),
            out.session(),
            out.challenge_parameters(),
        )
    }

    /// RespondToAuthChallenge.
    pub async fn respond(
        &self,
        challenge: ChallengeNameType,
        session: Option<&str>,
        responses: HashMap<String, String>,
    ) -> Result<AuthStep, CognitoError> {
        let out = self
            .sdk
            .respond_to_auth_challenge()
            .client_id(self.pool.client_id())
            .challenge_name(challenge)
            .set_session(session.filter(|s| !s.is_empty()).map(str::to_owned))
            .set_challenge_responses(Some(responses))
            .customize()
            .config_override(once())
            .send()
            .await
            .map_err(|e| self.error(e))?;
        step(
            out.authentication_result().and_then(|r| r.access_token()),
            out.challenge_name(),
            out.session(),
            out.challenge_parameters(),
        )
    }

    /// AssociateSoftwareToken: a fresh TOTP secret, and the new session on the session path.
    pub async fn associate(
        &self,
        caller: Caller<'_>,
    ) -> Result<(Secret, Option<Zeroizing<String>>), CognitoError> {
        let request = self.sdk.associate_software_token();
        let out = match caller {
            // The session is spent by the first attempt.
            Caller::Session(session) => {
                let request = request.session(session).customize();
                request.config_override(once()).send().await
            }
            Caller::AccessToken(token) => request.access_token(token).send().await,
        }
        .map_err(|e| self.error(e))?;
        let code = Zeroizing::new(
            out.secret_code()
                .ok_or_else(|| CognitoError::Unexpected("no SecretCode in the answer".into()))?
                .to_owned(),
        );
        let secret = Secret::from_base32(&code)
            .map_err(|e| CognitoError::Unexpected(format!("the SecretCode is unusable: {e}")))?;
        Ok((secret, out.session().map(|s| Zeroizing::new(s.to_owned()))))
    }

    /// VerifySoftwareToken with a code we generated; returns the new session on that path.
    pub async fn verify(
        &self,
        caller: Caller<'_>,
        code: &str,
        device_name: &str,
    ) -> Result<Option<Zeroizing<String>>, CognitoError> {
        let request = self
            .sdk
            .verify_software_token()
            .user_code(code)
            .friendly_device_name(device_name);
        let request = match caller {
            Caller::Session(session) => request.session(session),
            Caller::AccessToken(token) => request.access_token(token),
        };
        // The code's time step is spent by the first attempt (and the session with it).
        let out = request
            .customize()
            .config_override(once())
            .send()
            .await
            .map_err(|e| self.error(e))?;
        match out.status() {
            Some(sdk::types::VerifySoftwareTokenResponseType::Success) => {
                Ok(out.session().map(|s| Zeroizing::new(s.to_owned())))
            }
            _ => Err(CognitoError::WrongCode),
        }
    }

    /// SetUserMFAPreference for the software token: `enabled` and preferred, or off.
    pub async fn set_totp_preference(
        &self,
        access_token: &str,
        enabled: bool,
    ) -> Result<(), CognitoError> {
        let settings = SoftwareTokenMfaSettingsType::builder()
            .enabled(enabled)
            .preferred_mfa(enabled)
            .build();
        self.sdk
            .set_user_mfa_preference()
            .access_token(access_token)
            .software_token_mfa_settings(settings)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Checks that an access token was issued by the configured user pool (its `iss` claim
    /// ends with the pool id). The token's signature is not checked: it came from the
    /// endpoint over TLS, and this only catches a pool id typed wrong, which SRP cannot.
    pub fn check_issuer(&self, access_token: &str) -> Result<(), CognitoError> {
        let Some(issuer) = token_issuer(access_token) else {
            return Ok(());
        };
        let actual = issuer.rsplit('/').next().unwrap_or_default();
        let configured = self.pool.user_pool_id();
        if actual == configured {
            return Ok(());
        }
        Err(CognitoError::PoolMismatch {
            configured: configured.to_owned(),
            actual: actual.chars().take(60).collect(),
        })
    }

    /// An SDK error as a [`CognitoError`], naming this client's settings where they are the
    /// likely cause.
    fn error<E>(&self, error: SdkError<E>) -> CognitoError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match from_sdk(error) {
            CognitoError::ClientNotFound { .. } => CognitoError::ClientNotFound {
                client_id: self.pool.client_id().to_owned(),
                region: self.pool.region().to_owned(),
            },
            other => other,
        }
    }
}

/// A per-call override: no retry.
fn once() -> sdk::config::Builder {
    sdk::config::Builder::default().retry_config(RetryConfig::disabled())
}

/// The `iss` claim of a JWT, read without verifying it.
fn token_issuer(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(payload.trim_end_matches('=').as_bytes())
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}

fn step(
    access_token: Option<&str>,
    challenge: Option<&ChallengeNameType>,
    session: Option<&str>,
    parameters: Option<&HashMap<String, String>>,
) -> Result<AuthStep, CognitoError> {
    if let Some(token) = access_token {
        return Ok(AuthStep::Tokens {
            access_token: Zeroizing::new(token.to_owned()),
        });
    }
    match (challenge, session) {
        (Some(name), Some(session)) => Ok(AuthStep::Challenge {
            name: name.clone(),
            session: Zeroizing::new(session.to_owned()),
            parameters: parameters.cloned().unwrap_or_default(),
        }),
        (Some(name), None) if *name == ChallengeNameType::PasswordVerifier => {
            Ok(AuthStep::Challenge {
                name: name.clone(),
                session: Zeroizing::new(String::new()),
                parameters: parameters.cloned().unwrap_or_default(),
            })
        }
        _ => Err(CognitoError::Unexpected(
            "neither tokens nor a challenge in the answer".into(),
        )),
    }
}

/// Turns any SDK error into a [`CognitoError`].
fn from_sdk<E>(error: SdkError<E>) -> CognitoError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &error {
        SdkError::TimeoutError(_) => CognitoError::Network("no answer in time".into()),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            CognitoError::Network("no answer in time".into())
        }
        SdkError::DispatchFailure(failure) => {
            CognitoError::Network(match failure.as_connector_error() {
                Some(connector) => sdk::error::DisplayErrorContext(connector)
                    .to_string()
                    .chars()
                    .take(200)
                    .collect(),
                None => "the request could not be sent".into(),
            })
        }
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            match service.err().code() {
                Some(code) => {
                    CognitoError::from_service(code, service.err().message().unwrap_or(""))
                }
                None if status >= 500 => CognitoError::ServiceFault,
                None => CognitoError::Unexpected(format!("HTTP {status} without an error code")),
            }
        }
        SdkError::ResponseError(_) => {
            CognitoError::Unexpected("an answer that does not parse".into())
        }
        _ => CognitoError::Unexpected(
            sdk::error::DisplayErrorContext(&error)
                .to_string()
                .chars()
                .take(200)
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use aws_smithy_http_client::test_util::capture_request;

    use super::*;

    /// The URL the client sends a call to, captured before it leaves.
    fn sent_to(pool: PoolConfig) -> String {
        let (http, requests) = capture_request(None);
        let client = CognitoClient::over(pool, SharedHttpClient::new(http));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let _ = runtime.block_on(client.initiate(AuthFlowType::UserSrpAuth, HashMap::new()));
        requests.expect_request().uri().to_owned()
    }

    fn pool(endpoint: Option<&str>) -> PoolConfig {
        PoolConfig::new("eu-west-1", "eu-west-1_AbC123", "client1", None, endpoint).expect("pool")
    }

    #[test]
    fn fips_and_dual_stack_pick_amazons_endpoints() {
        // As the SDK's endpoint rules resolve them: Cognito's standard endpoints in the aws
        // partition answer over IPv6 too, so dual-stack alone keeps the host there.
        let cases = [
            (
                ("eu-west-1", false, false),
                "https://cognito-idp.eu-west-1.amazonaws.com/",
            ),
            (
                ("eu-west-1", true, false),
                "https://cognito-idp-fips.eu-west-1.amazonaws.com/",
            ),
            (
                ("eu-west-1", false, true),
                "https://cognito-idp.eu-west-1.amazonaws.com/",
            ),
            (
                ("eu-west-1", true, true),
                "https://cognito-idp-fips.eu-west-1.api.aws/",
            ),
            (
                ("cn-north-1", false, true),
                "https://cognito-idp.cn-north-1.api.amazonwebservices.com.cn/",
            ),
            (
                ("us-gov-east-1", true, true),
                "https://cognito-idp-fips.us-gov-east-1.api.aws/",
            ),
        ];
        for ((region, fips, dual_stack), url) in cases {
            let pool = PoolConfig::new(region, &format!("{region}_AbC123"), "client1", None, None)
                .and_then(|pool| pool.with_endpoint_variants(fips, dual_stack))
                .expect("pool");
            assert_eq!(
                sent_to(pool),
                url,
                "{region}, fips {fips}, dual-stack {dual_stack}"
            );
        }
        assert_eq!(
            sent_to(pool(Some("http://127.0.0.1:9229"))),
            "http://127.0.0.1:9229/"
        );
    }

    #[test]
    fn fail_the_variants_do_not_combine_with_an_endpoint_url() {
        let error = pool(Some("http://127.0.0.1:9229"))
            .with_endpoint_variants(true, false)
            .expect_err("refused");
        assert_eq!(error.kind(), "invalid_config");
    }

    #[test]
    fn the_issuer_of_a_token_is_read_without_its_signature() {
        let claims = data_encoding::BASE64URL_NOPAD
            .encode(br#"{"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other9"}"#);
        let token = format!("header.{claims}.signature");
        let client = CognitoClient::new(pool(None));
        match client.check_issuer(&token) {
            Err(CognitoError::PoolMismatch { configured, actual }) => {
                assert_eq!(
                    (configured.as_str(), actual.as_str()),
                    ("eu-west-1_AbC123", "eu-west-1_Other9")
                );
            }
            other => panic!("{other:?}"),
        }
        let same = data_encoding::BASE64URL_NOPAD
            .encode(br#"{"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"}"#);
        assert!(client.check_issuer(&format!("h.{same}.s")).is_ok());
        assert!(
            client.check_issuer("not a token").is_ok(),
            "unreadable: not ours to judge"
        );
    }
}
