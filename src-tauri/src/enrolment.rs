//! The Cognito enrolment wizard's engine: core's `enroll`/`resume` run on a thread of their own,
//! and the page follows them by long polling.
//!
//! Core asks its questions (a new password, an SMS or e-mail code, the client secret) through
//! the synchronous [`Prompt`] trait, in the middle of the flow. Here each question becomes an
//! event for the page and the flow's thread waits for the answer the page sends back with
//! `enroll_answer`; that is why the flow has a thread (and a small runtime) to itself instead of
//! an async task. The page reads events with `enroll_next_event`, which waits until the next one
//! exists: no polling, and no event system to subscribe to.

use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};

use cogauth_core::cognito::{
    self, AuthFlow, ClientSecret, CognitoError, EnrollRequest, PoolConfig, Progress, Prompt,
    Question, ResumeRequest, Step,
};
use cogauth_core::{Account, AccountId, AccountState};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};
use tokio::sync::{Mutex as AsyncMutex, Notify, mpsc};
use zeroize::Zeroizing;

use crate::error::CommandError;
use crate::state::{AppState, lock};
use crate::view::AccountRef;

/// What the page is told, in order.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EnrollEvent {
    /// A step completed.
    Step {
        /// Core's stable step name (`associate`, `verify`, …).
        step: &'static str,
        /// What happened, for the user.
        text: &'static str,
    },
    /// Something the user should know (clock skew, resuming an existing account).
    Warning {
        /// The message.
        text: String,
    },
    /// CogAuth already holds the user: the flow continues that account instead of starting over
    /// (core's `Progress::holds`).
    Held {
        /// The account.
        account: AccountRef,
        /// Whether it is active (enrolled) rather than pending.
        active: bool,
    },
    /// What the flow is doing while the user waits ("waiting 12 s for a fresh code").
    Note {
        /// The message.
        text: String,
    },
    /// Cognito asks for something only the user can give (core's [`Question`]). A page that
    /// does not know `prompt` shows `text` and sends what is typed.
    Prompt {
        /// Core's stable name: `new_password`, `mfa_code`, `client_secret`, …
        prompt: &'static str,
        /// The challenge name for `mfa_code` (`SMS_MFA`, `EMAIL_OTP`).
        challenge: Option<String>,
        /// The question, for the user.
        text: String,
        /// Whether the answer is typed hidden.
        secret: bool,
    },
    /// The enrolment (or the test sign-in, or turning MFA off) finished: the account is
    /// active (or, after turning MFA off, removed).
    Done {
        /// The account.
        account: AccountRef,
        /// Seconds this computer's clock was ahead of Cognito's when the last code was sent
        /// (negative: behind), when measured.
        #[serde(skip_serializing_if = "Option::is_none")]
        clock_ahead: Option<i64>,
    },
    /// The enrolment stopped.
    Failed {
        /// Why.
        error: CommandError,
        /// Whether an account was stored that `enroll_resume` can finish.
        resumable: bool,
        /// That account's id.
        account_id: Option<String>,
    },
}

/// The wizard's form for a new enrolment.
#[derive(Deserialize)]
pub struct StartRequest {
    /// AWS region.
    pub region: String,
    /// User pool id.
    pub user_pool_id: String,
    /// App client id.
    pub client_id: String,
    /// The app client's secret, if it has one (used for this flow only, never stored).
    pub client_secret: Option<Zeroizing<String>>,
    /// Endpoint override (the local emulator).
    pub endpoint: Option<String>,
    /// Sign-in name.
    pub username: String,
    /// Password.
    pub password: Zeroizing<String>,
    /// SRP or plain password.
    #[serde(default)]
    pub flow: AuthFlow,
    /// Issuer shown for the account; empty: core's default.
    #[serde(default)]
    pub issuer: String,
    /// Label shown for the account; empty: the username.
    #[serde(default)]
    pub label: String,
    /// Prove the enrolment with a test sign-in.
    pub prove: bool,
    /// Move a user who already has another authenticator app (its current code is asked).
    #[serde(default)]
    pub replace_existing: bool,
}

/// The wizard's form to finish a pending account.
#[derive(Deserialize)]
pub struct ResumeForm {
    /// The pending account's id.
    pub id: String,
    /// The user's password.
    pub password: Zeroizing<String>,
    /// The app client's secret, if it has one.
    pub client_secret: Option<Zeroizing<String>>,
    /// SRP or plain password.
    #[serde(default)]
    pub flow: AuthFlow,
    /// Prove the enrolment with a test sign-in.
    pub prove: bool,
}

/// The form of an action on an enrolled account: the test sign-in, a new secret, or turning
/// MFA off.
#[derive(Deserialize)]
pub struct AccountForm {
    /// The account's id.
    pub id: String,
    /// The user's password.
    pub password: Zeroizing<String>,
    /// SRP or plain password.
    #[serde(default)]
    pub flow: AuthFlow,
}

/// What the flow's thread runs.
pub enum Job {
    /// A new enrolment.
    Start(EnrollRequest),
    /// Finishing a pending account.
    Resume {
        /// The pending account's id.
        id: AccountId,
        /// The form.
        form: ResumeForm,
    },
    /// A test sign-in answered with a code of the account (core's `prove`).
    Prove {
        /// The account's id.
        id: AccountId,
        /// The form.
        form: AccountForm,
    },
    /// A new secret for the account's user (core's `reenroll`), replacing the stored one once
    /// Cognito verified it, then proven with a test sign-in.
    Reenrol {
        /// The account's id.
        id: AccountId,
        /// The form.
        form: AccountForm,
    },
    /// Turning TOTP MFA off for the account's user (core's `disable_mfa`), then removing the
    /// account: Cognito no longer asks for its codes.
    DisableMfa {
        /// The account's id.
        id: AccountId,
        /// The form.
        form: AccountForm,
    },
}

impl Job {
    /// A new enrolment from the wizard's form: checks the pool settings before anything is
    /// sent.
    pub fn start(form: StartRequest) -> Result<Job, CommandError> {
        let client_secret = form
            .client_secret
            .as_deref()
            .map(|text| text.trim())
            .filter(|text| !text.is_empty())
            .map(ClientSecret::new)
            .transpose()?;
        let endpoint = form
            .endpoint
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let pool = PoolConfig::new(
            form.region.trim(),
            form.user_pool_id.trim(),
            form.client_id.trim(),
            client_secret,
            endpoint,
        )?;
        let mut request = EnrollRequest::new(
            pool,
            &form.username,
            form.password,
            form.flow,
            (&form.issuer, &form.label),
            form.prove,
        )?;
        request.replace_existing = form.replace_existing;
        Ok(Job::Start(request))
    }
}

/// An answer from the page to a prompt.
enum Answer {
    Value(Zeroizing<String>),
    Cancel,
}

/// The enrolment in progress, if any.
#[derive(Default)]
pub struct EnrolmentSlot {
    current: Mutex<Option<Running>>,
}

struct Running {
    events: Arc<AsyncMutex<mpsc::UnboundedReceiver<EnrollEvent>>>,
    answers: std_mpsc::Sender<Answer>,
    cancel: Arc<Notify>,
}

impl EnrolmentSlot {
    /// Starts `job` on its own thread. Refused while another enrolment runs.
    pub fn start(&self, app: AppHandle, job: Job) -> Result<(), CommandError> {
        let mut current = lock(&self.current);
        if current.is_some() {
            return Err(CommandError::Enrolment(
                "an enrolment is already running; finish or cancel it first",
            ));
        }
        let (event_tx, event_rx) = mpsc::unbounded_channel();
        let (answer_tx, answer_rx) = std_mpsc::channel();
        let cancel = Arc::new(Notify::new());
        let worker = Worker {
            app,
            events: event_tx,
            answers: answer_rx,
            cancel: Arc::clone(&cancel),
            client_secret_given: None,
            who: None,
        };
        std::thread::Builder::new()
            .name("cogauth-enrolment".to_owned())
            .spawn(move || worker.run(job))
            .map_err(|error| CommandError::Interrupted {
                reason: error.to_string(),
            })?;
        *current = Some(Running {
            events: Arc::new(AsyncMutex::new(event_rx)),
            answers: answer_tx,
            cancel,
        });
        Ok(())
    }

    /// The next event, once there is one. After `done` or `failed` the enrolment is over.
    pub async fn next_event(&self) -> Result<EnrollEvent, CommandError> {
        let events = lock(&self.current)
            .as_ref()
            .map(|running| Arc::clone(&running.events))
            .ok_or(CommandError::Enrolment("no enrolment is running"))?;
        let event = events.lock().await.recv().await;
        match event {
            Some(event @ (EnrollEvent::Done { .. } | EnrollEvent::Failed { .. })) => {
                lock(&self.current).take();
                Ok(event)
            }
            Some(event) => Ok(event),
            None => {
                lock(&self.current).take();
                Err(CommandError::Enrolment("the enrolment ended"))
            }
        }
    }

    /// Answers the pending prompt.
    pub fn answer(&self, value: Zeroizing<String>) -> Result<(), CommandError> {
        self.send(Answer::Value(value))
    }

    /// The page following the enrolment is gone (its window was closed): cancels the flow and
    /// frees the slot, so that the next window can start another. What the flow already did
    /// stays (a secret stored in the keychain leaves a pending account to finish later).
    pub fn abandon(&self) {
        if let Some(running) = lock(&self.current).take() {
            running.cancel.notify_one();
            // Dropping `running` also closes the answers channel a prompt may be waiting on.
            let _ = running.answers.send(Answer::Cancel);
        }
    }

    /// Cancels the enrolment; it reports `failed` with kind `cancelled`.
    pub fn cancel(&self) -> Result<(), CommandError> {
        if let Some(running) = lock(&self.current).as_ref() {
            running.cancel.notify_one();
        }
        self.send(Answer::Cancel)
    }

    fn send(&self, answer: Answer) -> Result<(), CommandError> {
        let current = lock(&self.current);
        let running = current
            .as_ref()
            .ok_or(CommandError::Enrolment("no enrolment is running"))?;
        // The flow may have ended between the prompt and the answer: nothing to answer then.
        let _ = running.answers.send(answer);
        Ok(())
    }
}

/// The flow's side: runs core and turns its questions and progress into events.
struct Worker {
    app: AppHandle,
    events: mpsc::UnboundedSender<EnrollEvent>,
    answers: std_mpsc::Receiver<Answer>,
    cancel: Arc<Notify>,
    /// A client secret the resume form already gave (core asks for it during the flow).
    client_secret_given: Option<Zeroizing<String>>,
    /// Pool id, client id and username of the user being enrolled, once known: after a
    /// failure they find the pending account a retry can resume.
    who: Option<(String, String, String)>,
}

impl Worker {
    fn run(mut self, job: Job) {
        let outcome = self.flow(job);
        let event = match outcome {
            Ok(account) => EnrollEvent::Done {
                account: AccountRef::from(&account),
                clock_ahead: account.cognito.as_ref().and_then(|b| b.clock_ahead),
            },
            // Enrolled, and only the test sign-in after it failed: done, with that said.
            Err(CommandError::Cognito(CognitoError::ProofFailed(error))) => {
                let account = self.held_account();
                let warning = CognitoError::ProofFailed(error).to_string();
                let _ = self.events.send(EnrollEvent::Warning { text: warning });
                match account {
                    Some(account) => EnrollEvent::Done {
                        account: AccountRef::from(&account),
                        clock_ahead: account.cognito.as_ref().and_then(|b| b.clock_ahead),
                    },
                    None => EnrollEvent::Failed {
                        error: CommandError::Enrolment("the enrolled account is gone"),
                        resumable: false,
                        account_id: None,
                    },
                }
            }
            Err(error) => {
                // Only a pending account can be resumed: an active one is enrolled already.
                let pending = self
                    .held_account()
                    .filter(|a| matches!(a.state, AccountState::Pending { .. }));
                EnrollEvent::Failed {
                    error,
                    resumable: pending.is_some(),
                    account_id: pending.map(|a| a.id.to_string()),
                }
            }
        };
        crate::tray::refresh(&self.app);
        let _ = self.events.send(event);
    }

    /// The account the vault holds for the user this job enrols, if any.
    fn held_account(&mut self) -> Option<Account> {
        let (pool, client, user) = self.who.take()?;
        let state = self.app.state::<AppState>();
        state.vault().ok()?.accounts().ok()?.into_iter().find(|a| {
            a.cognito.as_ref().is_some_and(|b| {
                (&b.user_pool_id, &b.client_id, &b.username) == (&pool, &client, &user)
            })
        })
    }

    /// Runs the job, noting whom it enrols in [`Worker::who`].
    fn flow(&mut self, job: Job) -> Result<Account, CommandError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| CommandError::Interrupted {
                reason: error.to_string(),
            })?;
        let app = self.app.clone();
        let state = app.state::<AppState>();
        let vault = state.vault()?;
        let cancel = Arc::clone(&self.cancel);
        match job {
            Job::Start(request) => {
                self.who = Some((
                    request.pool.user_pool_id().to_owned(),
                    request.pool.client_id().to_owned(),
                    request.username.clone(),
                ));
                // A pre-filled address that is not Amazon's could be a phishing link's: the
                // user says yes to it in a dialog the page cannot answer.
                if let Some(host) = request.pool.unfamiliar_endpoint_host() {
                    crate::confirm::ask(
                        &app,
                        &format!("Sign in at {host}?"),
                        "This address is not Amazon Cognito's. Your sign-in and the new TOTP secret would go to it. Go on only if your organisation runs its user pool behind it.",
                        "Sign in there",
                    )?;
                }
                let pool = request.pool.clone();
                let mut progress = Events::new(self.events.clone());
                let flow = cognito::enroll(vault, request, self, &mut progress);
                let result = runtime.block_on(cancellable(flow, &cancel));
                // Remembered for next time only once Cognito accepted a sign-in there.
                if progress.signed_in {
                    remember(&state, &pool);
                }
                result
            }
            Job::Resume { id, form } => {
                let account = vault.find_id(&id)?;
                self.who = account.cognito.as_ref().map(|b| {
                    (
                        b.user_pool_id.clone(),
                        b.client_id.clone(),
                        b.username.clone(),
                    )
                });
                if let Some(secret) = form.client_secret.as_deref().filter(|s| !s.is_empty()) {
                    self.client_secret_given = Some(Zeroizing::new(secret.to_owned()));
                }
                let device_name = cognito::device_name();
                let request = ResumeRequest {
                    password: &form.password,
                    flow: form.flow,
                    device_name: &device_name,
                    prove: form.prove,
                };
                let mut progress = Events::new(self.events.clone());
                let flow = cognito::resume(vault, &account, request, self, &mut progress);
                runtime.block_on(cancellable(flow, &cancel))
            }
            Job::Prove { id, form } => {
                let account = vault.find_id(&id)?;
                let mut progress = Events::new(self.events.clone());
                let flow = cognito::prove(
                    vault,
                    &account,
                    &form.password,
                    form.flow,
                    self,
                    &mut progress,
                );
                runtime.block_on(cancellable(flow, &cancel))
            }
            Job::Reenrol { id, form } => {
                let account = vault.find_id(&id)?;
                let device_name = cognito::device_name();
                let request = ResumeRequest {
                    password: &form.password,
                    flow: form.flow,
                    device_name: &device_name,
                    prove: true,
                };
                let mut progress = Events::new(self.events.clone());
                let flow = cognito::reenroll(vault, &account, request, self, &mut progress);
                runtime.block_on(cancellable(flow, &cancel))
            }
            Job::DisableMfa { id, form } => {
                let account = vault.find_id(&id)?;
                let mut progress = Events::new(self.events.clone());
                let flow = cognito::disable_mfa(
                    vault,
                    &account,
                    &form.password,
                    form.flow,
                    self,
                    &mut progress,
                );
                let account = runtime.block_on(cancellable(flow, &cancel))?;
                // Cognito no longer asks for this account's codes: it goes from CogAuth too.
                Ok(vault.remove_id(&account.id)?)
            }
        }
    }
}

impl Prompt for Worker {
    fn ask(&mut self, question: &Question) -> Result<Zeroizing<String>, CognitoError> {
        if *question == Question::ClientSecret
            && let Some(given) = self.client_secret_given.take()
        {
            return Ok(given);
        }
        let event = EnrollEvent::Prompt {
            prompt: question.kind(),
            challenge: question.challenge().map(str::to_owned),
            text: question.text(),
            secret: question.is_secret(),
        };
        if self.events.send(event).is_err() {
            return Err(CognitoError::Cancelled);
        }
        match self.answers.recv() {
            Ok(Answer::Value(value)) => Ok(value),
            Ok(Answer::Cancel) | Err(_) => Err(CognitoError::Cancelled),
        }
    }
}

/// Progress as events.
struct Events {
    events: mpsc::UnboundedSender<EnrollEvent>,
    /// Whether Cognito accepted a sign-in (then the pool is worth remembering).
    signed_in: bool,
}

impl Events {
    fn new(events: mpsc::UnboundedSender<EnrollEvent>) -> Self {
        Events {
            events,
            signed_in: false,
        }
    }
}

impl Progress for Events {
    fn step(&mut self, step: Step) {
        self.signed_in |= step == Step::SignedIn;
        let _ = self.events.send(EnrollEvent::Step {
            step: step.name(),
            text: step.describe(),
        });
    }

    fn warn(&mut self, message: &str) {
        let _ = self.events.send(EnrollEvent::Warning {
            text: message.to_owned(),
        });
    }

    fn note(&mut self, message: &str) {
        let _ = self.events.send(EnrollEvent::Note {
            text: message.to_owned(),
        });
    }

    fn holds(&mut self, account: &Account) {
        let _ = self.events.send(EnrollEvent::Held {
            account: AccountRef::from(account),
            active: account.state == AccountState::Active,
        });
    }
}

/// Runs `flow` until it ends or the user cancels. Core keeps the vault consistent at every
/// await point (the crash tests kill the CLI after each step), so dropping the flow is safe.
async fn cancellable<T>(
    flow: impl std::future::Future<Output = Result<T, CognitoError>>,
    cancel: &Notify,
) -> Result<T, CommandError> {
    tokio::select! {
        result = flow => result.map_err(|error| match error {
            CognitoError::Cancelled => CommandError::Cancelled,
            error => error.into(),
        }),
        () = cancel.notified() => Err(CommandError::Cancelled),
    }
}

fn remember(state: &AppState, pool: &PoolConfig) {
    let remembered = crate::settings::RememberedPool {
        region: pool.region().to_owned(),
        user_pool_id: pool.user_pool_id().to_owned(),
        client_id: pool.client_id().to_owned(),
        endpoint: pool.endpoint().map(str::to_owned),
        has_client_secret: pool.client_secret().is_some(),
    };
    if let Err(error) = state.settings.remember(remembered) {
        eprintln!("cogauth-app: the pool was not remembered: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(clock_ahead: Option<i64>) -> serde_json::Value {
        let event = EnrollEvent::Done {
            account: AccountRef {
                id: "0123456789abcdef".to_owned(),
                issuer: "Cognito".to_owned(),
                label: "alice".to_owned(),
            },
            clock_ahead,
        };
        serde_json::to_value(event).expect("serialises")
    }

    #[test]
    fn done_carries_the_clock_offset_only_when_measured() {
        assert_eq!(done(Some(-2))["clock_ahead"], -2);
        assert_eq!(done(Some(-2))["type"], "done");
        assert!(done(None).get("clock_ahead").is_none());
    }

    #[test]
    fn an_account_action_form_takes_srp_by_default_and_refuses_a_missing_password() {
        let form: AccountForm =
            serde_json::from_str(r#"{"id": "0123456789abcdef", "password": "pw"}"#)
                .expect("parses");
        assert_eq!(form.flow, AuthFlow::default());
        assert_eq!(form.password.as_str(), "pw");
        assert!(serde_json::from_str::<AccountForm>(r#"{"id": "0123456789abcdef"}"#).is_err());
    }
}
