//! `enroll`, `signin-test` and `disable-mfa`: adapters over `cogauth_core::cognito`.
//!
//! Secrets the user types (password, new password, client secret, SMS/e-mail codes) come from
//! stdin, one per line, in the order the flags name them: client secret, password, new
//! password, then any code Cognito asks for. Each step is reported on stderr as it completes.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cogauth_core::cognito::{
    self, AuthFlow, ClientSecret, CognitoError, EnrollRequest, PoolConfig, Progress, Prompt,
    Question, ResumeRequest, Step,
};
use cogauth_core::{Account, KeyringStore, Vault};
use zeroize::Zeroizing;

use crate::error::CliError;
use crate::render;
use crate::stdin::Stdin;

/// Environment variable that makes a debug build abort right after the named enrolment step
/// (for the lock-out tests: a crash at every point must lose nothing).
#[cfg(debug_assertions)]
const ABORT_AFTER_ENV: &str = "COGAUTH_TEST_ABORT_AFTER";

#[derive(Clone, Copy, ValueEnum)]
pub enum Flow {
    /// USER_SRP_AUTH: the password never leaves this machine
    Srp,
    /// USER_PASSWORD_AUTH: the password is sent over TLS
    Password,
    /// USER_AUTH (choice-based sign-in), answered with SRP
    UserAuth,
}

impl From<Flow> for AuthFlow {
    fn from(flow: Flow) -> Self {
        match flow {
            Flow::Srp => AuthFlow::Srp,
            Flow::Password => AuthFlow::Password,
            Flow::UserAuth => AuthFlow::UserAuth,
        }
    }
}

#[derive(Args)]
pub struct EnrollArgs {
    /// Finish or redo the enrolment of this (pending) account instead of a new one
    #[arg(long, value_name = "ACCOUNT", conflicts_with_all = ["region", "user_pool_id", "client_id", "username", "endpoint"])]
    resume: Option<String>,
    /// Give this enrolled (active) account a new secret: the stored one is replaced only
    /// once Cognito verified the new one
    #[arg(long, value_name = "ACCOUNT", conflicts_with_all = ["resume", "region", "user_pool_id", "client_id", "username", "endpoint", "replace_existing"])]
    new_secret: Option<String>,
    /// AWS region of the user pool, e.g. eu-west-1
    #[arg(long, required_unless_present_any = ["resume", "new_secret"])]
    region: Option<String>,
    /// User pool id, <region>_<id>
    #[arg(long, required_unless_present_any = ["resume", "new_secret"])]
    user_pool_id: Option<String>,
    /// App client id
    #[arg(long, required_unless_present_any = ["resume", "new_secret"])]
    client_id: Option<String>,
    /// The user's sign-in name
    #[arg(long, required_unless_present_any = ["resume", "new_secret"])]
    username: Option<String>,
    /// Endpoint URL instead of AWS's (local emulator, VPC endpoint)
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Use Amazon's FIPS endpoint for the region
    #[arg(long, conflicts_with_all = ["endpoint", "resume", "new_secret"])]
    fips: bool,
    /// Use Amazon's dual-stack (IPv6) endpoint for the region
    #[arg(long, conflicts_with_all = ["endpoint", "resume", "new_secret"])]
    dual_stack: bool,
    #[command(flatten)]
    common: CommonArgs,
    /// Read a new password from stdin if Cognito requires one (NEW_PASSWORD_REQUIRED)
    #[arg(long)]
    new_password_stdin: bool,
    /// Issuer shown for the account [default: Cognito]
    #[arg(long)]
    issuer: Option<String>,
    /// Label shown for the account [default: the username]
    #[arg(long)]
    label: Option<String>,
    /// Skip the test sign-in at the end
    #[arg(long)]
    no_verify_signin: bool,
    /// Move a user who already has another authenticator app to CogAuth: that app's current
    /// code is read from the next stdin line; its codes stop working
    #[arg(long, conflicts_with = "resume")]
    replace_existing: bool,
    /// Include the otpauth URI (with the secret) in the output
    #[arg(long)]
    show_uri: bool,
    /// Also write the otpauth URI as a QR code (.png or .svg)
    #[arg(long, value_name = "FILE")]
    qr: Option<PathBuf>,
}

#[derive(Args)]
pub struct CommonArgs {
    /// Read the password from stdin (required: passwords are never arguments)
    #[arg(long, required = true)]
    password_stdin: bool,
    /// Read the app client's secret from stdin (first line)
    #[arg(long)]
    client_secret_stdin: bool,
    /// How to prove the password [default: srp]
    #[arg(long, value_enum)]
    auth_flow: Option<Flow>,
}

/// Answers from stdin, line by line ([`crate::stdin`]'s one rule), as Cognito asks.
struct StdinPrompt {
    input: Stdin,
    new_password_allowed: bool,
    client_secret: Option<Zeroizing<String>>,
}

impl StdinPrompt {
    fn new(new_password_allowed: bool) -> Self {
        StdinPrompt {
            input: Stdin::lock(),
            new_password_allowed,
            client_secret: None,
        }
    }

    /// Reads the client secret (when flagged) and the password, in that order.
    fn start(&mut self, common: &CommonArgs) -> Result<Zeroizing<String>, CliError> {
        if common.client_secret_stdin {
            let text = self.input.line("client secret")?;
            ClientSecret::new(&text)?;
            self.client_secret = Some(text);
        }
        self.input.line("password")
    }

    /// The client secret read by [`StdinPrompt::start`], if any.
    fn client_secret(&self) -> Result<Option<ClientSecret>, CognitoError> {
        self.client_secret
            .as_deref()
            .map(|text| ClientSecret::new(text))
            .transpose()
    }
}

impl Prompt for StdinPrompt {
    fn ask(&mut self, question: &Question) -> Result<Zeroizing<String>, CognitoError> {
        let line = match question {
            Question::NewPassword if !self.new_password_allowed => {
                return Err(CognitoError::Input(
                    "Cognito requires a new password: pass --new-password-stdin and give it on the next stdin line".into(),
                ));
            }
            Question::ClientSecret => {
                return self.client_secret.clone().ok_or_else(|| {
                    CognitoError::Input(
                        "this account's app client has a secret: pass --client-secret-stdin".into(),
                    )
                });
            }
            Question::NewPassword => self.input.line("new password"),
            // Any other question (a code Cognito sent, a challenge added later): said on
            // stderr, answered by the next stdin line.
            other => {
                eprintln!("cogauth: {} Reading it from stdin.", other.text());
                self.input.line(&other.kind().replace('_', " "))
            }
        };
        line.map_err(|error| CognitoError::Input(error.message().to_owned()))
    }
}

/// Progress lines on stderr, and the test hook.
struct StderrProgress;

impl Progress for StderrProgress {
    fn step(&mut self, step: Step) {
        eprintln!("cogauth: {}: {}", step.name(), step.describe());
        // Test builds only: release builds carry no way to make them crash on purpose.
        #[cfg(debug_assertions)]
        if std::env::var(ABORT_AFTER_ENV).is_ok_and(|name| name == step.name()) {
            std::process::abort();
        }
    }

    fn warn(&mut self, message: &str) {
        eprintln!("cogauth: warning: {message}");
    }

    fn note(&mut self, message: &str) {
        eprintln!("cogauth: {message}");
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))
}

pub fn enroll(vault: &Vault<KeyringStore>, args: EnrollArgs, json: bool) -> Result<(), CliError> {
    // Checked before anything is sent: a bad --qr must not fail a finished enrolment.
    let qr = args
        .qr
        .as_ref()
        .map(|path| crate::QrFormat::of(path).map(|format| (path, format)))
        .transpose()?;
    let mut prompt = StdinPrompt::new(args.new_password_stdin);
    let password = prompt.start(&args.common)?;
    let flow = args
        .common
        .auth_flow
        .map(AuthFlow::from)
        .unwrap_or_default();
    let prove = !args.no_verify_signin;
    let runtime = runtime()?;
    let device_name = cognito::device_name();
    let held = |password| ResumeRequest {
        password,
        flow,
        device_name: &device_name,
        prove,
    };
    let account = match (&args.resume, &args.new_secret) {
        (Some(name), _) => {
            let account = vault.find(name)?;
            runtime.block_on(cognito::resume(
                vault,
                &account,
                held(&password),
                &mut prompt,
                &mut StderrProgress,
            ))?
        }
        (None, Some(name)) => {
            let account = vault.find(name)?;
            runtime.block_on(cognito::reenroll(
                vault,
                &account,
                held(&password),
                &mut prompt,
                &mut StderrProgress,
            ))?
        }
        (None, None) => {
            let missing = || {
                CliError::usage("enroll needs --region, --user-pool-id, --client-id and --username")
            };
            let pool = PoolConfig::new(
                args.region.as_deref().ok_or_else(missing)?,
                args.user_pool_id.as_deref().ok_or_else(missing)?,
                args.client_id.as_deref().ok_or_else(missing)?,
                prompt.client_secret()?,
                args.endpoint.as_deref(),
            )?
            .with_endpoint_variants(args.fips, args.dual_stack)?;
            let mut request = EnrollRequest::new(
                pool,
                args.username.as_deref().ok_or_else(missing)?,
                password,
                flow,
                (
                    args.issuer.as_deref().unwrap_or_default(),
                    args.label.as_deref().unwrap_or_default(),
                ),
                prove,
            )?;
            request.replace_existing = args.replace_existing;
            runtime.block_on(cognito::enroll(
                vault,
                request,
                &mut prompt,
                &mut StderrProgress,
            ))?
        }
    };
    let uri = if args.show_uri || qr.is_some() {
        Some(vault.otpauth_uri(account.id.as_str())?.to_uri())
    } else {
        None
    };
    if let (Some((path, format)), Some(uri)) = (qr, &uri) {
        crate::write_qr_file(path, format, uri)?;
    }
    render::enrolled(
        &account,
        prove,
        uri.as_ref().map(|u| u.as_str()).filter(|_| args.show_uri),
        json,
    )
}

#[derive(Args)]
pub struct SigninArgs {
    /// Id, issuer:label, or an unambiguous prefix of a Cognito account
    account: String,
    #[command(flatten)]
    common: CommonArgs,
}

fn signin_account(
    vault: &Vault<KeyringStore>,
    args: &SigninArgs,
) -> Result<(Account, StdinPrompt, Zeroizing<String>), CliError> {
    let account = vault.find(&args.account)?;
    let mut prompt = StdinPrompt::new(false);
    let password = prompt.start(&args.common)?;
    Ok((account, prompt, password))
}

pub fn signin_test(
    vault: &Vault<KeyringStore>,
    args: SigninArgs,
    json: bool,
) -> Result<(), CliError> {
    let (account, mut prompt, password) = signin_account(vault, &args)?;
    let flow = args
        .common
        .auth_flow
        .map(AuthFlow::from)
        .unwrap_or_default();
    let account = runtime()?.block_on(cognito::prove(
        vault,
        &account,
        &password,
        flow,
        &mut prompt,
        &mut StderrProgress,
    ))?;
    render::signin_ok(&account, json)
}

pub fn disable_mfa(
    vault: &Vault<KeyringStore>,
    args: SigninArgs,
    json: bool,
) -> Result<(), CliError> {
    let (account, mut prompt, password) = signin_account(vault, &args)?;
    let flow = args
        .common
        .auth_flow
        .map(AuthFlow::from)
        .unwrap_or_default();
    let account = runtime()?.block_on(cognito::disable_mfa(
        vault,
        &account,
        &password,
        flow,
        &mut prompt,
        &mut StderrProgress,
    ))?;
    render::mfa_disabled(&account, json)
}
