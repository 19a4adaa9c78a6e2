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
//! 8. optionally, proof: a new sign-in answered with a code from a step not used before
//!    (Cognito accepts the current step and the one before, never a future one, and each step
//!    once: the proof waits for the step after the one Verify spent).
//!
//! A user who already has an authenticator app (SOFTWARE_TOKEN_MFA at sign-in) is moved to
//! CogAuth only when the request says so ([`EnrollRequest::replace_existing`]): the sign-in
//! is answered with the other app's current code, then the access-token path runs; Cognito
//! suspends the old token at Associate and drops it when ours is verified.
//!
//! A challenge session that expires (3 minutes by default) before the secret is stored
//! starts the sign-in over once; after it is stored, the enrolment resumes from the server's
//! state once. A code refused while the clock is far from Cognito's is reported as the
//! clock's fault ([`CognitoError::ClockSkew`]).
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
use crate::otp::OtpParams;
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
    /// What the enrolment is doing while the user waits ("waiting 12 s for a fresh code").
    fn note(&mut self, message: &str);
    /// CogAuth already holds the user being enrolled as `account`: the enrolment continues
    /// that account (finishes it when pending) instead of starting over. By default a warning
    /// naming the account and its id (the CLI's); a UI may say it in its own words.
    fn holds(&mut self, account: &Account) {
        self.warn(&format!(
            "CogAuth already holds this user as {} ({}); resuming that account",
            account.display_name(),
            account.id
        ));
    }
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
    /// Whether a user who already has another authenticator app may be moved to CogAuth
    /// (the other app's current code is asked; its codes stop working).
    pub replace_existing: bool,
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
            replace_existing: false,
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
        if question.kind() == Question::NewPassword.kind() {
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
        progress.holds(&existing);
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
    let stored = match store_new_secret(vault, &client, &request, &mut prompt, progress).await {
        // The challenge session expired before anything was stored: sign in once more.
        Err(CognitoError::SessionExpired) => {
            progress.note("the Cognito session expired; signing in again");
            store_new_secret(vault, &client, &request, &mut prompt, progress).await?
        }
        other => other?,
    };
    let stored_id = stored.account.id.clone();
    let account = match finish_stored(vault, &client, stored, &request, progress).await {
        Err(CognitoError::SessionExpired) => {
            // The secret is stored and the account pending: finish from the server's state.
            progress
                .note("the Cognito session expired after the secret was stored; signing in again");
            let account = vault.find_id(&stored_id)?;
            let password = current_password(&mut prompt, &request.password);
            let resumed = ResumeRequest {
                password: &password,
                flow: request.flow,
                device_name: &request.device_name,
                prove: request.prove,
            };
            return resume(vault, &account, resumed, &mut prompt, progress)
                .await
                .map_err(|error| match error {
                    CognitoError::SessionExpired => CognitoError::SessionExpiredWhilePending,
                    other => other,
                });
        }
        other => other?,
    };
    if request.prove {
        let password = current_password(&mut prompt, &request.password);
        return prove(
            vault,
            &account,
            &password,
            request.flow,
            &mut prompt,
            progress,
        )
        .await
        .map_err(|error| CognitoError::ProofFailed(Box::new(error)));
    }
    Ok(account)
}

/// The password to sign in with now: the new one if Cognito asked for one during this run.
fn current_password(prompt: &mut Remembering<'_>, given: &Zeroizing<String>) -> Zeroizing<String> {
    prompt.new_password.clone().unwrap_or_else(|| given.clone())
}

/// Where the enrolment stands once the secret is stored.
struct Stored {
    account: Account,
    /// The session to verify in (MFA_SETUP path), else none.
    session: Option<Zeroizing<String>>,
    /// The access token (access-token path), else none.
    access_token: Option<Zeroizing<String>>,
    /// The USERNAME Cognito uses in challenges.
    challenge_user: String,
}

/// Steps 1–3: sign in (moving the user from another app if asked), Associate, store.
async fn store_new_secret<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    request: &EnrollRequest,
    prompt: &mut Remembering<'_>,
    progress: &mut dyn Progress,
) -> Result<Stored, CognitoError> {
    let username = &request.username;
    let password = current_password(prompt, &request.password);
    let signed_in = sign_in(client, username, &password, request.flow, prompt).await?;
    warn_on_skew(client, progress);
    progress.step(Step::SignedIn);
    // A step the other app's code spent (Cognito spends each step once per user, whichever
    // secret it came from): CogAuth's own codes must come from a later one.
    let mut spent_by_other_app = None;
    let (session, access_token, challenge_user) = match signed_in {
        SignedIn::MfaSetup { session, username } => (Some(session), None, username),
        SignedIn::Tokens { access_token } => (None, Some(access_token), username.clone()),
        SignedIn::SoftwareTokenMfa { .. } if !request.replace_existing => {
            return Err(CognitoError::AlreadyEnrolled);
        }
        SignedIn::SoftwareTokenMfa { session, username } => {
            progress.warn(
                "this user's other authenticator app stops giving valid codes once CogAuth's secret is verified",
            );
            let code = prompt.ask(&Question::OtherAppCode)?;
            let code: String = code.split_whitespace().collect();
            spent_by_other_app = Some(now_unix() / STEP);
            let token = answer_totp(client, &session, &username, &code).await?;
            (None, Some(token), username)
        }
    };
    let caller = match (&session, &access_token) {
        (Some(session), _) => Caller::Session(session),
        (None, Some(token)) => Caller::AccessToken(token),
        (None, None) => return Err(CognitoError::Unexpected("no session and no token".into())),
    };
    let (secret, new_session) = client.associate(caller).await?;
    progress.step(Step::Associated);
    // Sessions are single-use: the session path verifies in the one Associate returned.
    if session.is_some() && new_session.is_none() {
        return Err(CognitoError::Unexpected(
            "Associate returned no session".into(),
        ));
    }

    let mut binding = request.pool.binding(username);
    binding.unanswered_step = spent_by_other_app;
    let account = vault.add(NewAccount {
        issuer: request.issuer.clone(),
        label: request.label.clone(),
        params: OtpParams::default_totp(),
        secret,
        state: pending("secret issued; not verified with Cognito yet"),
        cognito: Some(binding),
    })?;
    progress.step(Step::Stored);
    Ok(Stored {
        account,
        session: new_session,
        access_token,
        challenge_user,
    })
}

/// Steps 4–7: Verify, answer MFA_SETUP (session path), set the preference, activate.
async fn finish_stored<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    stored: Stored,
    request: &EnrollRequest,
    progress: &mut dyn Progress,
) -> Result<Account, CognitoError> {
    let Stored {
        account,
        session,
        access_token,
        challenge_user,
    } = stored;
    let caller = match (&session, &access_token) {
        (Some(session), _) => Caller::Session(session),
        (None, Some(token)) => Caller::AccessToken(token),
        (None, None) => {
            return Err(CognitoError::Unexpected(
                "Associate returned no session".into(),
            ));
        }
    };
    let (session, account) = verify_with_stored_secret(
        vault,
        client,
        &account,
        caller,
        &request.device_name,
        progress,
    )
    .await?;
    progress.step(Step::Verified);

    let access_token = match access_token {
        Some(token) => token,
        None => {
            let session = session.ok_or_else(|| {
                CognitoError::Unexpected("VerifySoftwareToken returned no session".into())
            })?;
            let token = finish_mfa_setup(client, &session, &challenge_user).await?;
            progress.step(Step::MfaSetupAnswered);
            token
        }
    };
    set_preferred_and_activate(vault, client, &account, &access_token, progress).await
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

/// The time step to send a code for: the current one (or the next, near a step's end), never
/// one already spent, and never a future one: Cognito accepts the current step and the one
/// before, each once. Returns the step and how long to wait until it begins.
fn next_step(now: u64, spent: Option<u64>) -> (u64, Duration) {
    let mut step = now / STEP;
    // Too close to the edge: the code might expire in flight.
    if STEP - now % STEP < MIN_REMAINING {
        step += 1;
    }
    if let Some(spent) = spent {
        step = step.max(spent.saturating_add(1));
    }
    let wait = step.saturating_mul(STEP).saturating_sub(now);
    (step, Duration::from_secs(wait))
}

/// The longest wait for a fresh time step: two steps. More means the recorded last step is in
/// the future (the clock was set back), which waiting would not fix.
const MAX_WAIT: Duration = Duration::from_secs(2 * STEP);

/// A code from the account's stored secret for a step not spent before, waiting for that
/// step to begin if needed. The step is recorded as unanswered before the code is sent: a
/// lost answer may still have spent it.
async fn code_for<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
    progress: &mut dyn Progress,
) -> Result<(u64, String, Account), CognitoError> {
    // The code comes from the secret as the keychain holds it: proof that it was stored.
    let secret = vault.secret(account)?;
    code_from(vault, account, &secret, progress).await
}

/// As [`code_for`], from `secret` (a re-enrolment's next secret, as the keychain holds it).
async fn code_from<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
    secret: &crate::otp::Secret,
    progress: &mut dyn Progress,
) -> Result<(u64, String, Account), CognitoError> {
    let step = wait_for_fresh_step(account, progress).await?;
    let code = OtpParams::default_totp().generate(secret, step.saturating_mul(STEP));
    let account = vault.update(&account.id, |a| {
        if let Some(binding) = a.cognito.as_mut() {
            binding.unanswered_step = Some(step);
        }
    })?;
    Ok((step, code.value, account))
}

/// Waits until a step after every one this account spent has begun (saying so), and returns
/// that step.
async fn wait_for_fresh_step(
    account: &Account,
    progress: &mut dyn Progress,
) -> Result<u64, CognitoError> {
    let (step, wait) = next_step(now_unix(), binding_of(account)?.spent_step());
    if wait > MAX_WAIT {
        return Err(CognitoError::Input(format!(
            "this account last sent a code for a time {} s from now; is the clock right?",
            wait.as_secs()
        )));
    }
    if !wait.is_zero() {
        progress.note(&format!("waiting {} s for a fresh code", wait.as_secs()));
        tokio::time::sleep(wait).await;
    }
    Ok(step)
}

/// Records the answer to a code: accepted (or refused as already used: spent either way), or
/// refused. A code refused while the clock is far from Cognito's is the clock's fault.
fn answered<S: SecretStore, T>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    step: u64,
    answer: Result<T, CognitoError>,
    state: Option<AccountState>,
) -> Result<(T, Account), CognitoError> {
    let spent = matches!(answer, Ok(_) | Err(CognitoError::CodeExpiredOrUsed));
    // No answer (the connection dropped): the step may be spent; it stays recorded as such.
    let unanswered = matches!(answer, Err(CognitoError::Network(_)));
    let account = vault.update(&account.id, |a| {
        if let Some(binding) = a.cognito.as_mut() {
            if !unanswered {
                binding.unanswered_step = None;
            }
            binding.clock_ahead = client
                .clock_skew()
                .map(|skew| -skew)
                .or(binding.clock_ahead);
            if spent {
                binding.last_used_step = Some(step);
            }
        }
        if let (true, Some(state)) = (answer.is_ok(), state.clone()) {
            a.state = state;
        }
    })?;
    match answer {
        Ok(value) => Ok((value, account)),
        Err(error @ (CognitoError::WrongCode | CognitoError::CodeExpiredOrUsed)) => {
            match client.clock_skew().filter(|s| s.abs() > MAX_CLOCK_SKEW) {
                Some(skew) => Err(CognitoError::ClockSkew { seconds: -skew }),
                None => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

async fn verify_with_stored_secret<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    caller: Caller<'_>,
    device_name: &str,
    progress: &mut dyn Progress,
) -> Result<(Option<Zeroizing<String>>, Account), CognitoError> {
    let (step, code, account) = code_for(vault, account, progress).await?;
    let answer = client.verify(caller, &code, device_name).await;
    let verified = pending("verified with Cognito; TOTP not yet set as preferred");
    answered(vault, client, &account, step, answer, Some(verified))
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
    let now = now_unix();
    let account = vault.update(&account.id, |a| {
        // An account already active (an enrolment run again for a user CogAuth holds) keeps
        // the time it was enrolled.
        if a.state != AccountState::Active
            && let Some(b) = a.cognito.as_mut()
        {
            b.enrolled_at = Some(now);
        }
        a.state = AccountState::Active;
    })?;
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
    let account = record_proof(vault, &account)?;
    progress.step(Step::SignInProven);
    Ok(account)
}

/// Records when a sign-in answered with a code of the account succeeded (`proven_at`).
fn record_proof<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
) -> Result<Account, CognitoError> {
    let now = now_unix();
    Ok(vault.update(&account.id, |a| {
        if let Some(b) = a.cognito.as_mut() {
            b.proven_at = Some(now);
        }
    })?)
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
    // Wait for a fresh step before signing in, so the challenge session does not age.
    wait_for_fresh_step(account, progress).await?;
    match sign_in(&client, &binding.username, password, flow, prompt).await? {
        SignedIn::SoftwareTokenMfa { session, username } => {
            warn_on_skew(&client, progress);
            let (token, account) =
                answer_with_stored_secret(vault, &client, account, &session, &username, progress)
                    .await?;
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

/// Answers SOFTWARE_TOKEN_MFA with a code from the stored secret, for a step not spent
/// before, and records the step. A step Cognito refuses as already used (another device sent
/// that code) is recorded too, so the next attempt moves on.
async fn answer_with_stored_secret<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    session: &str,
    username: &str,
    progress: &mut dyn Progress,
) -> Result<(Zeroizing<String>, Account), CognitoError> {
    let (step, code, account) = code_for(vault, account, progress).await?;
    let answer = answer_totp(client, session, username, &code).await;
    answered(vault, client, &account, step, answer, None)
}

/// Answers SOFTWARE_TOKEN_MFA with a code of the account's staged next secret (a re-enrolment
/// whose verification was not recorded): accepted, the server verified it, so it becomes the
/// account's secret; refused, the server never verified it, so it is dropped (the next resume
/// answers with the account's own).
async fn answer_with_next_secret<S: SecretStore>(
    vault: &Vault<S>,
    client: &CognitoClient,
    account: &Account,
    session: &str,
    username: &str,
    progress: &mut dyn Progress,
) -> Result<(Zeroizing<String>, Account), CognitoError> {
    let next = vault
        .next_secret(account)?
        .ok_or_else(|| CognitoError::Unexpected("the new secret was not kept".into()))?;
    let (step, code, account) = code_from(vault, account, &next, progress).await?;
    let answer = answer_totp(client, session, username, &code).await;
    let (token, account) = match answered(vault, client, &account, step, answer, None) {
        Ok(answered) => answered,
        Err(error @ CognitoError::WrongCode) => {
            vault.drop_next_secret(&account)?;
            return Err(error);
        }
        Err(error) => return Err(error),
    };
    let account = vault.verified_next_secret(&account)?;
    Ok((token, vault.move_next_secret(&account)?))
}

/// Re-enrols an active account: a new secret for the same user, which replaces the stored one
/// only once Cognito verified it.
///
/// 1. sign in with the password and a code of the current secret (an access token);
/// 2. AssociateSoftwareToken: the new secret (Cognito stops asking for the old one's codes);
/// 3. the new secret goes to a keychain item of its own and the account becomes pending:
///    the old secret stays where it was;
/// 4. VerifySoftwareToken with a code of the new secret, for a later step than the sign-in's;
/// 5. the index records it verified (from then on codes come from it), it is moved into the
///    account's item and its own item is deleted;
/// 6. TOTP stays the preferred MFA; the account is active again; optionally proven.
///
/// A crash at any point leaves in the keychain every secret the server may expect, and
/// [`resume`] finishes: a verified new secret is moved; one the server never verified is
/// dropped (the server then asks for a fresh enrolment, which resume does).
pub async fn reenroll<S: SecretStore>(
    vault: &Vault<S>,
    account: &Account,
    request: ResumeRequest<'_>,
    prompt: &mut dyn Prompt,
    progress: &mut dyn Progress,
) -> Result<Account, CognitoError> {
    if account.state != AccountState::Active {
        return Err(CognitoError::Input(format!(
            "{} is not active; finish its enrolment first (enroll --resume)",
            account.display_name()
        )));
    }
    let ResumeRequest {
        password,
        flow,
        device_name,
        prove: prove_after,
    } = request;
    let mut prompt = Remembering {
        inner: prompt,
        new_password: None,
    };
    let (client, account, token) =
        sign_in_with_totp(vault, account, password, flow, &mut prompt, progress).await?;
    progress.step(Step::SignedIn);
    let (secret, _) = client.associate(Caller::AccessToken(&token)).await?;
    progress.step(Step::Associated);
    let account = vault.stage_next_secret(
        &account,
        &secret,
        "a new secret was issued; not verified with Cognito yet (resume the enrolment)",
    )?;
    progress.step(Step::Stored);
    // The code comes from the new secret as the keychain holds it.
    let staged = vault
        .next_secret(&account)?
        .ok_or_else(|| CognitoError::Unexpected("the new secret was not kept".into()))?;
    let (step, code, account) = code_from(vault, &account, &staged, progress).await?;
    let answer = client
        .verify(Caller::AccessToken(&token), &code, device_name)
        .await;
    let (_, account) = answered(vault, &client, &account, step, answer, None)?;
    let account = vault.verified_next_secret(&account)?;
    progress.step(Step::Verified);
    let account = vault.move_next_secret(&account)?;
    let account = set_preferred_and_activate(vault, &client, &account, &token, progress).await?;
    if prove_after {
        let password = current_password(&mut prompt, password);
        return prove(vault, &account, &password, flow, &mut prompt, progress)
            .await
            .map_err(|error| CognitoError::ProofFailed(Box::new(error)));
    }
    Ok(account)
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
    // A re-enrolment's new secret Cognito verified: it is the account's secret now.
    let account = &vault.move_next_secret(account)?;
    let binding = binding_of(account)?.clone();
    let client = client_for(account, prompt)?;
    let mut prompt = Remembering {
        inner: prompt,
        new_password: None,
    };
    // Every path below sends a code (steps are spent per user, whichever the secret): wait
    // for a fresh step before signing in, so the challenge session does not age.
    wait_for_fresh_step(account, progress).await?;
    let signed_in = sign_in(&client, &binding.username, password, flow, &mut prompt).await?;
    warn_on_skew(&client, progress);
    progress.step(Step::SignedIn);
    // A re-enrolment's new secret whose verification is not recorded: only a sign-in that
    // asks for a code can mean the server has it (Cognito stops asking for the old secret's
    // codes when it issues a new one); otherwise the server has no verified secret, and the
    // new secret is dropped before a fresh one is issued below.
    let staged = binding
        .next_secret
        .as_ref()
        .is_some_and(|next| !next.verified);
    let account = &if staged && !matches!(signed_in, SignedIn::SoftwareTokenMfa { .. }) {
        vault.drop_next_secret(account)?
    } else {
        account.clone()
    };
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
            let (token, account) = if staged {
                answer_with_next_secret(vault, &client, account, &session, &username, progress)
                    .await?
            } else {
                answer_with_stored_secret(vault, &client, account, &session, &username, progress)
                    .await?
            };
            progress.step(Step::Verified);
            let account =
                set_preferred_and_activate(vault, &client, &account, &token, progress).await?;
            // This sign-in answered SOFTWARE_TOKEN_MFA with the stored secret: it is the proof.
            if !prove_after {
                return Ok(account);
            }
            let account = record_proof(vault, &account)?;
            progress.step(Step::SignInProven);
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
                Err(CognitoError::TotpNotVerified)
            };
            match attempt {
                Err(CognitoError::TotpNotVerified) => {
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
        return prove(vault, &account, &password, flow, &mut prompt, progress)
            .await
            .map_err(|error| CognitoError::ProofFailed(Box::new(error)));
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
            // Not verified any more; the steps already sent stay spent.
            b.unanswered_step = b.spent_step();
            b.last_used_step = None;
        }
    })?;
    progress.step(Step::Stored);
    let caller = after_associate(session.as_ref().map(|s| s.as_str()), caller)?;
    let result =
        verify_with_stored_secret(vault, client, &account, caller, device_name, progress).await?;
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
            "TOTP MFA is turned off for this user in Cognito; resuming the enrolment turns it on again",
        );
        if let Some(b) = a.cognito.as_mut() {
            b.unanswered_step = b.spent_step();
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
        assert_eq!(next_step(3010, None), (100, Duration::ZERO));
    }

    #[test]
    fn waits_for_the_next_step_near_the_edge() {
        // 2 s before step 101: verify with 101, once it has begun.
        assert_eq!(next_step(3028, None), (101, Duration::from_secs(2)));
    }

    #[test]
    fn never_reuses_a_step_and_never_sends_one_early() {
        // Step 100 was spent (verification): the sign-in waits for 101 to begin, since
        // Cognito accepts no code from the future.
        assert_eq!(next_step(3010, Some(100)), (101, Duration::from_secs(20)));
        // A step already begun is used at once.
        assert_eq!(next_step(3035, Some(100)), (101, Duration::ZERO));
        // 101 spent too: wait for 102.
        assert_eq!(next_step(3010, Some(101)), (102, Duration::from_secs(50)));
    }

    #[test]
    fn a_recorded_step_at_the_end_of_time_does_not_overflow() {
        let (step, wait) = next_step(3010, Some(u64::MAX));
        assert_eq!(step, u64::MAX);
        assert!(wait > MAX_WAIT, "refused by code_for, not waited for");
    }
}
