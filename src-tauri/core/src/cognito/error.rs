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
    #[error("the Cognito session expired or was already used; sign in again (enroll --resume)")]
    SessionExpired,
    /// The pool does not allow TOTP (software token) MFA.
    #[error("this user pool does not have authenticator-app (TOTP) MFA enabled: {0}")]
    TotpNotEnabled(String),
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
    /// The user already has TOTP MFA and no local account to answer it.
    #[error(
        "this user already signs in with an authenticator app; use that app's code, or re-enrol from the account CogAuth holds"
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
            CognitoError::SessionExpired => "session_expired",
            CognitoError::TotpNotEnabled(_) => "totp_not_enabled",
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
                if message_lower.contains("software token") || message_lower.contains("mfa") =>
            {
                CognitoError::TotpNotEnabled(clip(message))
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
            ("InternalErrorException", "boom", "unexpected_answer"),
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
