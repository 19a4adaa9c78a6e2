//! Enrolment in Cognito TOTP MFA, as an explicit sequence of steps (DESIGN.md, "Enrolment"):
//!
//! 1. sign in: MFA_SETUP gives a Session, a full sign-in an AccessToken;
//! 2. AssociateSoftwareToken: a fresh secret;
//! 3. the secret goes to the keychain and the account to the index as *pending*, before any
//!    verification, so that no crash can leave the server expecting a secret nobody kept;
//! 4. a code generated from the stored secret (waiting for the next step when fewer than 3 s
//!    remain), VerifySoftwareToken;
//! 5. on the MFA_SETUP path, RespondToAuthChallenge(MFA_SETUP) for tokens;
//! 6. SetUserMFAPreference (TOTP enabled and preferred);
//! 7. the account becomes active; tokens are dropped, the password was never stored;
//! 8. optionally, proof: a new sign-in answered with a code from a step not used before.
//!
//! Every step is reported through [`Progress`], so the CLI prints it and tests can stop the
//! process right after a named step. `resume` finishes a pending account from whatever state
//! the server is in.

use std::time::Duration;

use zeroize::Zeroizing;

use super::CognitoError;
use super::client::{Caller, CognitoClient};
use super::config::{PoolConfig, check_username};
use super::signin::{
    AuthFlow, Prompt, Question, SignedIn, answer_totp, ask_client_secret, finish_mfa_setup, sign_in,
};
use crate::otp::{OtpParams, Secret};
use crate::vault::{Account, AccountState, NewAccount, SecretStore, Vault, now_unix};

/// Cognito's TOTP: SHA1, 6 digits, 30 s.
const STEP: u64 = 30;
/// Below this many seconds left in a step, wait for the next one before verifying.
const MIN_REMAINING: u64 = 3;
/// The server's clock may differ from ours by this much before the user is warned.
pub const MAX_CLOCK_SKEW: i64 = 15;

/// A step of the enrolment, reported as it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Signed in (the password was accepted).
    SignedIn,
    /// AssociateSoftwareToken returned a secret.
    Associated,
    /// The secret is in the keychain and the account in the index, pending.
    Stored,
    /// VerifySoftwareToken accepted our code.
    Verified,
    /// RespondToAuthChallenge(MFA_SETUP) returned tokens.
    MfaSetupAnswered,
    /// SetUserMFAPreference made TOTP enabled and preferred.
    PreferenceSet,
    /// The account is active.
    Activated,
    /// A fresh sign-in answered with a TOTP code succeeded.
    SignInProven,
}

impl Step {
    /// A stable name (`associate`, `verify`, …), used by tests to stop after a step.
    pub fn name(self) -> &'static str {
        match self {
            Step::SignedIn => "signin",
            Step::Associated => "associate",
            Step::Stored => "store",
            Step::Verified => "verify",
            Step::MfaSetupAnswered => "respond",
            Step::PreferenceSet => "preference",
            Step::Activated => "activate",
            Step::SignInProven => "signin-test",
        }
    }

    /// What happened, for a progress line.
    pub fn describe(self) -> &'static str {
        match self {
            Step::SignedIn => "signed in",
            Step::Associated => "Cognito issued a TOTP secret (AssociateSoftwareToken)",
            Step::Stored => "secret stored in the keychain; account saved as pending",
            Step::Verified => {
                "Cognito accepted a code from the stored secret (VerifySoftwareToken)"
            }
            Step::MfaSetupAnswered => "MFA setup challenge answered",
            Step::PreferenceSet => "TOTP is enabled and preferred (SetUserMFAPreference)",
            Step::Activated => "account active",
            Step::SignInProven => "test sign-in with a TOTP code succeeded",
        }
    }
}

/// Receives progress as the enrolment goes.
pub trait Progress {
    /// A step completed.
    fn step(&mut self, step: Step);
    /// Something the user should know (clock skew).
    fn warn(&mut self, message: &str);
}

/// The FriendlyDeviceName CogAuth registers its TOTP device under: "<host name> CogAuth".
pub fn device_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this computer".to_owned());
    // FriendlyDeviceName: at most 131 characters.
    format!("{} CogAuth", host.chars().take(100).collect::<String>())
}

/// What to enrol.
pub struct EnrollRequest {
    /// The pool.
    pub pool: PoolConfig,
    /// Sign-in name.
    pub username: String,
    /// Password (kept in memory for the flow only).
    pub password: Zeroizing<String>,
    /// SRP or plain password.
    pub flow: AuthFlow,
    /// Issuer shown for the account.
    pub issuer: String,
    /// Label shown for the account.
    pub label: String,
    /// FriendlyDeviceName sent with VerifySoftwareToken.
    pub device_name: String,
    /// Whether to prove the enrolment with a fresh sign-in.
    pub prove: bool,
}

/// The issuer a Cognito account gets when the user names none.
pub const DEFAULT_ISSUER: &str = "Cognito";

impl EnrollRequest {
    /// A new enrolment of `username`: the username is checked, an empty `issuer` becomes
    /// [`DEFAULT_ISSUER`] and an empty `label` the username, and the device is named by
    /// [`device_name`].
    pub fn new(
        pool: PoolConfig,
        username: &str,
        password: Zeroizing<String>,
        flow: AuthFlow,
        names: (&str, &str),
        prove: bool,
    ) -> Result<Self, CognitoError> {
        let username = check_username(username)?.to_owned();
        if password.is_empty() {
            return Err(CognitoError::InvalidConfig {
                field: "password",
                reason: "it is empty",
            });
        }
        let issuer = match names.0.trim() {
            "" => DEFAULT_ISSUER,
            issuer => issuer,
        };
        let label = match names.1.trim() {
            "" => username.as_str(),
            label => label,
        };
        Ok(EnrollRequest {
            issuer: issuer.to_owned(),
            label: label.to_owned(),
            pool,
            username,
            password,
            flow,
            device_name: device_name(),
            prove,
        })
    }
}

/// Remembers a new password given during sign-in: the proof sign-in must use it.
struct Remembering<'a> {
    inner: &'a mut dyn Prompt,
    new_password: Option<Zeroizing<String>>,
}

impl Prompt for Remembering<'_> {
    fn ask(&mut self, question: &Question) -> Result<Zeroizing<String>, CognitoError> {
        let answer = self.inner.ask(question)?;
        if *question == Question::NewPassword {
            self.new_password = Some(answer.clone());
        }
        Ok(answer)
    }
}

/// Enrols the user and returns the active account.
pub async fn enroll<S: SecretStore>(
    vault: &Vault<S>,
    request: EnrollRequest,
    prompt: &mut dyn Prompt,
    progress: &mut dyn Progress,
) -> Result<Account, CognitoError> {
    let username = check_username(&request.username)?.to_owned();
    // A user CogAuth already holds: finish or repair that account rather than start over (a
    // second account would clash by name, and the first may hold the secret the server has).
    let binding = request.pool.binding(&username);
    if let Some(existing) = vault.accounts()?.into_iter().find(|a| {
        a.cognito.as_ref().is_some_and(|b| {
            (&b.user_pool_id, &b.client_id, &b.username)
                == (&binding.user_pool_id, &binding.client_id, &binding.username)
        })
    }) {
        progress.warn(&format!(
            "CogAuth already holds this user as {} ({}); resuming that account",
            existing.display_name(),
            existing.id
        ));
        let request = ResumeRequest {
            password: &request.password,
            flow: request.flow,
            device_name: &request.device_name,
            prove: request.prove,
        };
        return resume(vault, &existing, request, prompt, progress).await;
    }
    let client = CognitoClient::new(request.pool.clone());
    let mut prompt = Remembering {
        inner: prompt,
        new_password: None,
    };
    let signed_in = sign_in(
        &client,
        &username,
        &request.password,
        request.flow,
        &mut prompt,
    )
    .await?;
    warn_on_skew(&client, progress);
    progress.step(Step::SignedIn);
    let (session, access_token, challenge_user) = match signed_in {
        SignedIn::MfaSetup { session, username } => (Some(session), None, username),
        SignedIn::Tokens { access_token } => (None, Some(access_token), username.clone()),
        SignedIn::SoftwareTokenMfa { .. } => return Err(CognitoError::AlreadyEnrolled),
    };
    let caller = match (&session, &access_token) {
        (Some(session), _) => Caller::Session(session),
        (None, Some(token)) => Caller::AccessToken(token),
        (None, None) => return Err(CognitoError::Unexpected("no session and no token".into())),
    };
    let (secret, session) = client.associate(caller).await?;
    progress.step(Step::Associated);

    let account = vault.add(NewAccount {
        issuer: request.issuer,
        label: request.label,
        params: OtpParams::default_totp(),
        secret,
        state: pending("secret issued; not verified with Cognito yet"),
        cognito: Some(request.pool.binding(&username)),
    })?;
    progress.step(Step::Stored);

    let caller = after_associate(session.as_ref().map(|s| s.as_str()), caller)?;
    let (session, account) =
        verify_with_stored_secret(vault, &client, &account, caller, &request.device_name).await?;
    progress.step(Step::Verified);

    let access_token = match access_token {
        Some(token) => token,
        None => {
            let session = session.ok_or_else(|| {
                CognitoError::Unexpected("VerifySoftwareToken returned no session".into())
            })?;
            let token = finish_mfa_setup(&client, &session, &challenge_user).await?;
            progress.step(Step::MfaSetupAnswered);
            token
        }
    };
    let account =
        set_preferred_and_activate(vault, &client, &account, &access_token, progress).await?;
    drop(access_token);
    if request.prove {
        let password = prompt.new_password.take().unwrap_or(request.password);
        return prove(
            vault,
            &account,
            &password,
            request.flow,
            &mut prompt,
            progress,
        )
        .await;
    }
    Ok(account)
}

fn pending(reason: &str) -> AccountState {
    AccountState::Pending {
        pending_reason: reason.to_owned(),
    }
}

fn warn_on_skew(client: &CognitoClient, progress: &mut dyn Progress) {
    if let Some(skew) = client.clock_skew().filter(|s| s.abs() > MAX_CLOCK_SKEW) {
        let direction = if skew > 0 { "behind" } else { "ahead of" };
        progress.warn(&format!(
            "this computer's clock is {} s {direction} Cognito's; codes may be refused until it is corrected",
            skew.abs()
        ));
    }
}

/// The time step to send a code for: the current one (or the next, near a step's end), and
/// never one already used. Returns the step and how long to wait before it is current enough
/// for Cognito, which accepts one step ahead when `allow_ahead` (the ±1 step window Cognito
/// documents for TOTP verification, which the emulator reproduces).
fn next_step(now: u64, last_used: Option<u64>, allow_ahead: bool) -> (u64, Duration) {
    let mut step = now / STEP;
    // Too close to the edge: the code might expire in flight.
    if STEP - now % STEP < MIN_REMAINING {
        step += 1;
    }
    if let Some(used) = last_used {
        step = step.max(used.saturating_add(1));
    }
    let earliest_current = if allow_ahead {
        step.saturating_sub(1)
    } else {
        step
    };
    let wait = earliest_current.saturating_mul(STEP).saturating_sub(now);
    (step, Duration::from_secs(wait))
}

/// The longest wait for a fresh time step: two steps. More means the recorded last step is in
/// the future (the clock was set back), which waiting would not fix.
const MAX_WAIT: Duration = Duration::from_secs(2 * STEP);

async fn code_for(
    secret: &Secret,
    last_used: Option<u64>,
    allow_ahead: bool,
) -> Result<(u64, String), CognitoError> {
    let (step, wait) = next_step(now_unix(), last_used, allow_ahead);
    if wait > MAX_WAIT {
        return Err(CognitoError::Input(format!(
            "this account last sent a code for a time {} s from now; is the clock right?",
            wait.as_secs()
        )));
    }
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    let code = OtpParams::default_totp().generate(secret, step.saturating_mul(STEP));
    Ok((step, code.value))
}

async fn verify_with_stored_secret<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    caller: Caller<'_>,
    device_name: &str,
) -> Result<(Option<Zeroizing<String>>, Account), CognitoError> {
    // The code comes from the secret as the keychain holds it: proof that it was stored.
    let secret = vault.secret(account)?;
    let last_used = account.cognito.as_ref().and_then(|c| c.last_used_step);
    let (step, code) = code_for(&secret, last_used, false).await?;
    let session = client.verify(caller, &code, device_name).await?;
    let account = vault.update(&account.id, |a| {
        a.state = pending("verified with Cognito; TOTP not yet set as preferred");
        if let Some(binding) = a.cognito.as_mut() {
            binding.last_used_step = Some(step);
        }
    })?;
    Ok((session, account))
}

async fn set_preferred_and_activate<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    access_token: &str,
    progress: &mut dyn Progress,
) -> Result<Account, CognitoError> {
    client.set_totp_preference(access_token, true).await?;
    progress.step(Step::PreferenceSet);
    let account = vault.update(&account.id, |a| a.state = AccountState::Active)?;
    progress.step(Step::Activated);
    Ok(account)
}

fn binding_of(account: &Account) -> Result<&super::CognitoBinding, CognitoError> {
    account
        .cognito
        .as_ref()
        .ok_or_else(|| CognitoError::NotCognito(account.display_name()))
}

/// Signs in with the password and a TOTP code from the account's stored secret, from a step
/// not used before. Records the step used.
pub async fn prove<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
    password: &str,
    flow: AuthFlow,
    prompt: &mut dyn Prompt,
    progress: &mut dyn Progress,
) -> Result<Account, CognitoError> {
    let (client, account, access_token) =
        sign_in_with_totp(vault, account, password, flow, prompt, progress).await?;
    drop((client, access_token));
    progress.step(Step::SignInProven);
    Ok(account)
}

/// A client for an existing account's pool; the client secret, when its app client has one,
/// is asked of the user (it is not stored).
fn client_for(account: &Account, prompt: &mut dyn Prompt) -> Result<CognitoClient, CognitoError> {
    let binding = binding_of(account)?;
    let client_secret = if binding.has_client_secret {
        Some(ask_client_secret(prompt)?)
    } else {
        None
    };
    Ok(CognitoClient::new(PoolConfig::from_binding(
        binding,
        client_secret,
    )?))
}

async fn sign_in_with_totp<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
    password: &str,
    flow: AuthFlow,
    prompt: &mut dyn Prompt,
    progress: &mut dyn Progress,
) -> Result<(CognitoClient, Account, Zeroizing<String>), CognitoError> {
    let binding = binding_of(account)?.clone();
    let client = client_for(account, prompt)?;
    match sign_in(&client, &binding.username, password, flow, prompt).await? {
        SignedIn::SoftwareTokenMfa { session, username } => {
            warn_on_skew(&client, progress);
            let (token, account) =
                answer_with_stored_secret(vault, &client, account, &session, &username).await?;
            Ok((client, account, token))
        }
        SignedIn::Tokens { .. } => Err(CognitoError::TotpNotActive),
        SignedIn::MfaSetup { .. } => Err(CognitoError::TotpNotActive),
    }
}

/// How to resume an enrolment.
pub struct ResumeRequest<'a> {
    /// The user's password.
    pub password: &'a Zeroizing<String>,
    /// SRP or plain password.
    pub flow: AuthFlow,
    /// FriendlyDeviceName sent with VerifySoftwareToken.
    pub device_name: &'a str,
    /// Whether to prove the enrolment with a fresh sign-in.
    pub prove: bool,
}

/// Answers SOFTWARE_TOKEN_MFA with a code from the stored secret, for a step not used before,
/// and records the step. A step Cognito refuses as already used (another device sent that
/// code) is recorded too, so the next attempt moves on.
async fn answer_with_stored_secret<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    session: &str,
    username: &str,
) -> Result<(Zeroizing<String>, Account), CognitoError> {
    let secret = vault.secret(account)?;
    let last_used = binding_of(account)?.last_used_step;
    let (step, code) = code_for(&secret, last_used, true).await?;
    let answer = answer_totp(client, session, username, &code).await;
    let account = if matches!(answer, Ok(_) | Err(CognitoError::CodeExpiredOrUsed)) {
        vault.update(&account.id, |a| {
            if let Some(b) = a.cognito.as_mut() {
                b.last_used_step = Some(step);
            }
        })?
    } else {
        account.clone()
    };
    Ok((answer?, account))
}

/// Finishes (or redoes) the enrolment of an account, from whatever state the server is in:
/// - MFA_SETUP: the server never verified a secret, so a fresh one replaces the stored one and
///   the enrolment runs from Associate;
/// - SOFTWARE_TOKEN_MFA: the server already has the stored secret; answer with it, then make
///   sure TOTP is preferred;
/// - signed in without MFA (optional-MFA pool): set the preference, or enrol again if the
///   server has no verified secret.
pub async fn resume<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
    request: ResumeRequest<'_>,
    prompt: &mut dyn Prompt,
    progress: &mut dyn Progress,
) -> Result<Account, CognitoError> {
    let ResumeRequest {
        password,
        flow,
        device_name,
        prove: prove_after,
    } = request;
    let binding = binding_of(account)?.clone();
    let client = client_for(account, prompt)?;
    let mut prompt = Remembering {
        inner: prompt,
        new_password: None,
    };
    let signed_in = sign_in(&client, &binding.username, password, flow, &mut prompt).await?;
    warn_on_skew(&client, progress);
    progress.step(Step::SignedIn);
    let account = match signed_in {
        SignedIn::MfaSetup { session, username } => {
            let account = reissue(
                vault,
                &client,
                account,
                Caller::Session(&session),
                device_name,
                progress,
            )
            .await?;
            let (session, account) = account;
            let session = session.ok_or_else(|| {
                CognitoError::Unexpected("VerifySoftwareToken returned no session".into())
            })?;
            let token = finish_mfa_setup(&client, &session, &username).await?;
            progress.step(Step::MfaSetupAnswered);
            set_preferred_and_activate(vault, &client, &account, &token, progress).await?
        }
        SignedIn::SoftwareTokenMfa { session, username } => {
            let (token, account) =
                answer_with_stored_secret(vault, &client, account, &session, &username).await?;
            progress.step(Step::Verified);
            let account =
                set_preferred_and_activate(vault, &client, &account, &token, progress).await?;
            // This sign-in answered SOFTWARE_TOKEN_MFA with the stored secret: it is the proof.
            if prove_after {
                progress.step(Step::SignInProven);
            }
            return Ok(account);
        }
        SignedIn::Tokens { access_token } => {
            // Only a secret Cognito has accepted a code from may be made the preferred MFA;
            // otherwise the server may hold another app's verified secret and the user would
            // be locked out. Anything else is enrolled again from Associate.
            let verified = binding.last_used_step.is_some();
            let attempt = if verified {
                set_preferred_and_activate(vault, &client, account, &access_token, progress).await
            } else {
                Err(CognitoError::TotpNotEnabled("not verified yet".into()))
            };
            match attempt {
                Err(CognitoError::TotpNotEnabled(_)) => {
                    let caller = Caller::AccessToken(&access_token);
                    let (_, account) =
                        reissue(vault, &client, account, caller, device_name, progress).await?;
                    set_preferred_and_activate(vault, &client, &account, &access_token, progress)
                        .await?
                }
                other => other?,
            }
        }
    };
    if prove_after {
        let password = prompt
            .new_password
            .take()
            .unwrap_or_else(|| password.clone());
        return prove(vault, &account, &password, flow, &mut prompt, progress).await;
    }
    Ok(account)
}

/// Associate again and verify: the new secret replaces the stored one (which the server
/// never verified) before verification, as in a first enrolment.
async fn reissue<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    caller: Caller<'_>,
    device_name: &str,
    progress: &mut dyn Progress,
) -> Result<(Option<Zeroizing<String>>, Account), CognitoError> {
    let (secret, session) = client.associate(caller).await?;
    progress.step(Step::Associated);
    vault.replace_secret(account, &secret)?;
    let account = vault.update(&account.id, |a| {
        a.state = pending("secret re-issued; not verified with Cognito yet");
        if let Some(b) = a.cognito.as_mut() {
            b.last_used_step = None;
        }
    })?;
    progress.step(Step::Stored);
    let caller = after_associate(session.as_ref().map(|s| s.as_str()), caller)?;
    let result = verify_with_stored_secret(vault, client, &account, caller, device_name).await?;
    progress.step(Step::Verified);
    Ok(result)
}

/// Who calls VerifySoftwareToken: the session AssociateSoftwareToken returned on the session
/// path (sessions are single-use), the same access token otherwise.
fn after_associate<'a>(
    new_session: Option<&'a str>,
    before: Caller<'a>,
) -> Result<Caller<'a>, CognitoError> {
    match (new_session, before) {
        (Some(session), _) => Ok(Caller::Session(session)),
        (None, Caller::AccessToken(token)) => Ok(Caller::AccessToken(token)),
        (None, Caller::Session(_)) => Err(CognitoError::Unexpected(
            "Associate returned no session".into(),
        )),
    }
}

/// Turns TOTP MFA off for the account's user (signing in with a code first). Pools that
/// require MFA refuse; their answer is returned as the error. The account stays in the vault,
/// pending, with the reason.
pub async fn disable_mfa<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
    password: &str,
    flow: AuthFlow,
    prompt: &mut dyn Prompt,
    progress: &mut dyn Progress,
) -> Result<Account, CognitoError> {
    let (client, account, token) =
        sign_in_with_totp(vault, account, password, flow, prompt, progress).await?;
    client.set_totp_preference(&token, false).await?;
    // Cognito no longer asks for these codes: say so in the list, and forget the used step so
    // that `enroll --resume` enrols afresh.
    Ok(vault.update(&account.id, |a| {
        a.state = pending(
            "TOTP MFA is turned off for this user in Cognito; enroll --resume turns it on again",
        );
        if let Some(b) = a.cognito.as_mut() {
            b.last_used_step = None;
        }
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_the_current_step_with_time_to_spare() {
        // 10 s into step 100: use it, no wait.
        assert_eq!(next_step(3010, None, false), (100, Duration::ZERO));
    }

    #[test]
    fn waits_for_the_next_step_near_the_edge() {
        // 2 s before step 101: verify with 101, once it has begun.
        assert_eq!(next_step(3028, None, false), (101, Duration::from_secs(2)));
    }

    #[test]
    fn never_reuses_a_step_and_may_send_one_ahead() {
        // Step 100 was used (verification); a sign-in may send 101 right away, since Cognito
        // accepts one step ahead.
        assert_eq!(next_step(3010, Some(100), true), (101, Duration::ZERO));
        // 101 used too: 102 is two ahead, so wait until 101 begins.
        assert_eq!(
            next_step(3010, Some(101), true),
            (102, Duration::from_secs(20))
        );
        // Without the allowance, wait until the step itself begins.
        assert_eq!(
            next_step(3010, Some(100), false),
            (101, Duration::from_secs(20))
        );
    }

    #[test]
    fn a_recorded_step_at_the_end_of_time_does_not_overflow() {
        let (step, wait) = next_step(3010, Some(u64::MAX), true);
        assert_eq!(step, u64::MAX);
        assert!(wait > MAX_WAIT, "refused by code_for, not waited for");
    }
}
