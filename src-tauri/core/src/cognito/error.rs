//! What can go wrong talking to Cognito, in the terms a user acts on. Each variant has one
//! message and a stable `kind`; the CLI maps every one to exit code 5, except invalid
//! configuration (1) and vault failures (their own codes).

use crate::vault::VaultError;

/// A Cognito sign-in or enrolment failure.
#[derive(Debug, thiserror::Error)]
pub enum CognitoError {
    /// A configuration value is malformed; nothing was sent.
    #[error("invalid {}: {reason}", field.replace('_', " "))]
    InvalidConfig {
        /// Which value, by its machine name (`region`, `user_pool_id`, `client_id`,
        /// `client_secret`, `endpoint`, `username`, `password`).
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The username or password is wrong (NotAuthorizedException on sign-in).
    #[error("incorrect username or password")]
    WrongPassword,
    /// No such user in the pool.
    #[error("the user does not exist in this user pool")]
    UserNotFound,
    /// The user has not confirmed their sign-up.
    #[error("the user has not confirmed their account yet")]
    UserNotConfirmed,
    /// The user must reset their password first.
    #[error("the user must reset their password before signing in")]
    PasswordResetRequired,
    /// The user is disabled, or sign-in was refused for another stated reason.
    #[error("Cognito refused the sign-in: {0}")]
    NotAuthorized(String),
    /// A TOTP or SMS/email code was wrong (CodeMismatch, EnableSoftwareTokenMFA).
    #[error("Cognito did not accept the code (wrong code, or the clock is off)")]
    WrongCode,
    /// The code was already used or has expired.
    #[error("the code was already used or has expired; wait for the next one")]
    CodeExpiredOrUsed,
    /// The sign-in session expired (3 minutes by default) or was already used.
    #[error("the Cognito sign-in session expired or was already used")]
    SessionExpired,
    /// The session expired again after the secret was stored and one fresh sign-in: the
    /// account is pending, and resuming it finishes the enrolment.
    #[error(
        "the Cognito session expired after the secret was stored; the account is pending and resuming it finishes the enrolment"
    )]
    SessionExpiredWhilePending,
    /// The pool does not allow TOTP (software token) MFA.
    #[error("this user pool does not have authenticator-app (TOTP) MFA enabled: {0}")]
    TotpNotEnabled(String),
    /// The pool allows TOTP, but this user has no verified authenticator-app secret.
    #[error("this user has not set up an authenticator app (TOTP) in Cognito yet")]
    TotpNotVerified,
    /// A code was refused and this computer's clock is far from Cognito's: codes come from
    /// the local clock, so the clock is the thing to fix.
    #[error(
        "Cognito refused the code: this computer's clock is {} s {} Cognito's; fix the system time",
        seconds.unsigned_abs(),
        if *seconds > 0 { "ahead of" } else { "behind" }
    )]
    ClockSkew {
        /// How far this computer's clock is ahead of Cognito's (negative: behind).
        seconds: i64,
    },
    /// The app client does not allow the sign-in flow used.
    #[error("this app client does not allow the {0} sign-in flow")]
    FlowNotEnabled(&'static str),
    /// No such app client in this region.
    #[error(
        "Cognito has no app client {client_id} in {region}: check the app client id and the region"
    )]
    ClientNotFound {
        /// The app client id used.
        client_id: String,
        /// The region used.
        region: String,
    },
    /// The app client belongs to another user pool than the one configured.
    #[error(
        "the app client signs users in to user pool {actual}, not {configured}: check the user pool id"
    )]
    PoolMismatch {
        /// The user pool id configured.
        configured: String,
        /// The user pool that issued the tokens.
        actual: String,
    },
    /// The app client has a secret, and none was given.
    #[error("this app client has a secret, and Cognito needs it")]
    ClientSecretRequired,
    /// Cognito refused a new password (its password policy); the message is Cognito's.
    #[error("Cognito refused the new password: {0}")]
    WeakPassword(String),
    /// Cognito failed on its side (InternalErrorException, HTTP 5xx).
    #[error("Cognito had an internal error; try again in a few minutes")]
    ServiceFault,
    /// The enrolment succeeded (the account is active), and the test sign-in after it failed.
    #[error("enrolled; the test sign-in failed: {0}")]
    ProofFailed(Box<CognitoError>),
    /// Too many requests or attempts.
    #[error("Cognito is throttling requests; wait a moment and try again")]
    Throttled,
    /// Cognito could not be reached, or did not answer in time.
    #[error("cannot reach Cognito: {0}")]
    Network(String),
    /// Cognito answered something this client does not understand.
    #[error("unexpected answer from Cognito: {0}")]
    Unexpected(String),
    /// The pool asks for something CogAuth cannot answer here (e.g. a custom challenge).
    #[error("Cognito asked for {0}, which CogAuth cannot answer")]
    UnsupportedChallenge(String),
    /// The user already has TOTP MFA in another app, and replacing it was not asked for.
    #[error(
        "this user already signs in with another authenticator app; moving to CogAuth replaces it (its codes stop working) and needs its current code"
    )]
    AlreadyEnrolled,
    /// A sign-in that should have asked for a TOTP code did not: MFA is not active.
    #[error(
        "Cognito did not ask for a TOTP code: authenticator-app MFA is not active for this user"
    )]
    TotpNotActive,
    /// A prompt for a password or code had no usable answer.
    #[error("{0}")]
    Input(String),
    /// The user declined to answer a question (closed the wizard, pressed Cancel).
    #[error("cancelled")]
    Cancelled,
    /// The account named is not a Cognito account.
    #[error("'{0}' is not a Cognito account")]
    NotCognito(String),
    /// The local vault failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl CognitoError {
    /// A stable machine-readable name, shared with the CLI's `--json` errors and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            CognitoError::InvalidConfig { .. } => "invalid_config",
            CognitoError::WrongPassword => "wrong_password",
            CognitoError::UserNotFound => "user_not_found",
            CognitoError::UserNotConfirmed => "user_not_confirmed",
            CognitoError::PasswordResetRequired => "password_reset_required",
            CognitoError::NotAuthorized(_) => "not_authorized",
            CognitoError::WrongCode => "wrong_code",
            CognitoError::CodeExpiredOrUsed => "code_expired",
            CognitoError::SessionExpired | CognitoError::SessionExpiredWhilePending => {
                "session_expired"
            }
            CognitoError::TotpNotEnabled(_) => "totp_not_enabled",
            CognitoError::TotpNotVerified => "totp_not_verified",
            CognitoError::ClockSkew { .. } => "clock_skew",
            CognitoError::FlowNotEnabled(_) => "flow_not_enabled",
            CognitoError::ClientNotFound { .. } => "client_not_found",
            CognitoError::PoolMismatch { .. } => "pool_mismatch",
            CognitoError::ClientSecretRequired => "client_secret_required",
            CognitoError::WeakPassword(_) => "weak_password",
            CognitoError::ServiceFault => "service_error",
            CognitoError::ProofFailed(_) => "proof_failed",
            CognitoError::Throttled => "throttled",
            CognitoError::Network(_) => "network",
            CognitoError::Unexpected(_) => "unexpected_answer",
            CognitoError::UnsupportedChallenge(_) => "unsupported_challenge",
            CognitoError::AlreadyEnrolled => "already_enrolled",
            CognitoError::TotpNotActive => "totp_not_active",
            CognitoError::Input(_) => "invalid_input",
            CognitoError::Cancelled => "cancelled",
            CognitoError::NotCognito(_) => "not_cognito",
            CognitoError::Vault(error) => error.kind(),
        }
    }

    /// Maps a Cognito error code (the exception name) and message to a variant.
    pub(crate) fn from_service(code: &str, message: &str) -> Self {
        let message_lower = message.to_ascii_lowercase();
        match code {
            "NotAuthorizedException" if message_lower.contains("secret_hash") => {
                CognitoError::ClientSecretRequired
            }
            "NotAuthorizedException" if message_lower.contains("session") => {
                CognitoError::SessionExpired
            }
            "NotAuthorizedException" if message_lower.contains("attempts exceeded") => {
                CognitoError::Throttled
            }
            "NotAuthorizedException"
                if message_lower.contains("incorrect username or password") =>
            {
                CognitoError::WrongPassword
            }
            "NotAuthorizedException" => CognitoError::NotAuthorized(clip(message)),
            "UserNotFoundException" => CognitoError::UserNotFound,
            "UserNotConfirmedException" => CognitoError::UserNotConfirmed,
            "PasswordResetRequiredException" => CognitoError::PasswordResetRequired,
            "CodeMismatchException" | "EnableSoftwareTokenMFAException" => CognitoError::WrongCode,
            "ExpiredCodeException" => CognitoError::CodeExpiredOrUsed,
            "TooManyRequestsException"
            | "LimitExceededException"
            | "TooManyFailedAttemptsException"
            | "ThrottlingException" => CognitoError::Throttled,
            "SoftwareTokenMFANotFoundException" | "MFAMethodNotFoundException" => {
                CognitoError::TotpNotEnabled(clip(message))
            }
            "InvalidParameterException"
                if message_lower.contains("not verified")
                    || message_lower.contains("not set up") =>
            {
                CognitoError::TotpNotVerified
            }
            "InvalidParameterException" if message_lower.contains("flow not enabled") => {
                let flow = ["USER_SRP_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH"]
                    .into_iter()
                    .find(|flow| message.contains(flow))
                    .unwrap_or("requested");
                CognitoError::FlowNotEnabled(flow)
            }
            "InvalidParameterException"
                if message_lower.contains("software token") || message_lower.contains("mfa") =>
            {
                CognitoError::TotpNotEnabled(clip(message))
            }
            "InvalidPasswordException" => CognitoError::WeakPassword(clip(message)),
            "InternalErrorException" => CognitoError::ServiceFault,
            "ResourceNotFoundException" if message_lower.contains("client") => {
                CognitoError::ClientNotFound {
                    client_id: String::new(),
                    region: String::new(),
                }
            }
            "ResourceNotFoundException" if message_lower.contains("session") => {
                CognitoError::SessionExpired
            }
            _ => CognitoError::Unexpected(format!("{code}: {}", clip(message))),
        }
    }
}

/// Server messages are shown to the user: one line, bounded.
fn clip(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    line.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_map_to_what_the_user_can_do() {
        let cases = [
            (
                "NotAuthorizedException",
                "Incorrect username or password.",
                "wrong_password",
            ),
            (
                "NotAuthorizedException",
                "Invalid session for the user.",
                "session_expired",
            ),
            (
                "NotAuthorizedException",
                "Password attempts exceeded",
                "throttled",
            ),
            (
                "NotAuthorizedException",
                "User is disabled.",
                "not_authorized",
            ),
            (
                "UserNotFoundException",
                "User does not exist.",
                "user_not_found",
            ),
            ("UserNotConfirmedException", "", "user_not_confirmed"),
            (
                "PasswordResetRequiredException",
                "",
                "password_reset_required",
            ),
            (
                "CodeMismatchException",
                "Invalid code received",
                "wrong_code",
            ),
            (
                "EnableSoftwareTokenMFAException",
                "Code mismatch",
                "wrong_code",
            ),
            ("ExpiredCodeException", "", "code_expired"),
            ("TooManyRequestsException", "", "throttled"),
            (
                "InvalidParameterException",
                "Software token MFA is not enabled",
                "totp_not_enabled",
            ),
            ("InternalErrorException", "boom", "service_error"),
            (
                "NotAuthorizedException",
                "Client abc is configured with secret but SECRET_HASH was not received",
                "client_secret_required",
            ),
            (
                "InvalidParameterException",
                "USER_PASSWORD_AUTH flow not enabled for this client",
                "flow_not_enabled",
            ),
            (
                "InvalidParameterException",
                "User has not verified software token mfa",
                "totp_not_verified",
            ),
            (
                "InvalidPasswordException",
                "Password does not conform to policy: Password not long enough",
                "weak_password",
            ),
            (
                "ResourceNotFoundException",
                "User pool client abc does not exist.",
                "client_not_found",
            ),
        ];
        for (code, message, kind) in cases {
            assert_eq!(
                CognitoError::from_service(code, message).kind(),
                kind,
                "{code}"
            );
        }
    }
}
