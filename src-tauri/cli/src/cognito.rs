//! `enroll`, `signin-test` and `disable-mfa`: adapters over `cogauth_core::cognito`.
//!
//! Secrets the user types (password, new password, client secret, SMS/e-mail codes) come from
//! stdin, one per line, in the order the flags name them: client secret, password, new
//! password, then any code Cognito asks for. Each step is reported on stderr as it completes.

use std::io::BufRead;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cogauth_core::cognito::{
    self, AuthFlow, ClientSecret, CognitoError, EnrollRequest, PoolConfig, Progress, Prompt,
    ResumeRequest, Step,
};
use cogauth_core::{Account, KeyringStore, Vault};
use zeroize::Zeroizing;

use crate::error::CliError;
use crate::render;

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
}

impl From<Flow> for AuthFlow {
    fn from(flow: Flow) -> Self {
        match flow {
            Flow::Srp => AuthFlow::Srp,
            Flow::Password => AuthFlow::Password,
        }
    }
}

#[derive(Args)]
pub struct EnrollArgs {
    /// Finish or redo the enrolment of this (pending) account instead of a new one
    #[arg(long, value_name = "ACCOUNT", conflicts_with_all = ["region", "user_pool_id", "client_id", "username", "endpoint"])]
    resume: Option<String>,
    /// AWS region of the user pool, e.g. eu-west-1
    #[arg(long, required_unless_present = "resume")]
    region: Option<String>,
    /// User pool id, <region>_<id>
    #[arg(long, required_unless_present = "resume")]
    user_pool_id: Option<String>,
    /// App client id
    #[arg(long, required_unless_present = "resume")]
    client_id: Option<String>,
    /// The user's sign-in name
    #[arg(long, required_unless_present = "resume")]
    username: Option<String>,
    /// Endpoint URL instead of AWS's (local emulator, VPC endpoint)
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    #[command(flatten)]
    common: CommonArgs,
    /// Read a new password from stdin if Cognito requires one (NEW_PASSWORD_REQUIRED)
    #[arg(long)]
    new_password_stdin: bool,
    /// Issuer shown for the account (default: Cognito)
    #[arg(long)]
    issuer: Option<String>,
    /// Label shown for the account (default: username@user-pool-id)
    #[arg(long)]
    label: Option<String>,
    /// Skip the test sign-in at the end
    #[arg(long)]
    no_verify_signin: bool,
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
    /// How to prove the password
    #[arg(long, value_enum, default_value = "srp")]
    auth_flow: Flow,
}

/// Answers from stdin, line by line, as Cognito asks.
struct StdinPrompt {
    input: std::io::StdinLock<'static>,
    new_password_allowed: bool,
    client_secret: Option<ClientSecret>,
}

impl StdinPrompt {
    fn new(new_password_allowed: bool) -> Self {
        StdinPrompt {
            input: std::io::stdin().lock(),
            new_password_allowed,
            client_secret: None,
        }
    }

    fn line(&mut self, what: &str) -> Result<Zeroizing<String>, CognitoError> {
        // Read straight into a zeroizing buffer sized up front, so no copy is left behind.
        let mut line = Zeroizing::new(String::with_capacity(1024));
        self.input
            .read_line(&mut line)
            .map_err(|e| CognitoError::Input(format!("cannot read the {what} from stdin: {e}")))?;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return Err(CognitoError::Input(format!(
                "the {what} was expected on stdin"
            )));
        }
        Ok(Zeroizing::new(trimmed.to_owned()))
    }

    /// Reads the client secret (when flagged) and the password, in that order.
    fn start(&mut self, common: &CommonArgs) -> Result<Zeroizing<String>, CognitoError> {
        if common.client_secret_stdin {
            self.client_secret = Some(ClientSecret::new(&self.line("client secret")?)?);
        }
        self.line("password")
    }
}

impl Prompt for StdinPrompt {
    fn new_password(&mut self) -> Result<Zeroizing<String>, CognitoError> {
        if !self.new_password_allowed {
            return Err(CognitoError::Input(
                "Cognito requires a new password: pass --new-password-stdin and give it on the next stdin line".into(),
            ));
        }
        self.line("new password")
    }

    fn mfa_code(&mut self, challenge: &str) -> Result<Zeroizing<String>, CognitoError> {
        eprintln!("cogauth: Cognito sent a code ({challenge}); reading it from stdin");
        self.line("code")
    }

    fn client_secret(&mut self) -> Result<ClientSecret, CognitoError> {
        self.client_secret.clone().ok_or_else(|| {
            CognitoError::Input(
                "this account's app client has a secret: pass --client-secret-stdin".into(),
            )
        })
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
    let flow = AuthFlow::from(args.common.auth_flow);
    let prove = !args.no_verify_signin;
    let runtime = runtime()?;
    let account = match &args.resume {
        Some(name) => {
            let account = vault.find(name)?;
            runtime.block_on(cognito::resume(
                vault,
                &account,
                ResumeRequest {
                    password: &password,
                    flow,
                    device_name: &cognito::device_name(),
                    prove,
                },
                &mut prompt,
                &mut StderrProgress,
            ))?
        }
        None => {
            let missing = || {
                CliError::usage("enroll needs --region, --user-pool-id, --client-id and --username")
            };
            let pool = PoolConfig::new(
                args.region.as_deref().ok_or_else(missing)?,
                args.user_pool_id.as_deref().ok_or_else(missing)?,
                args.client_id.as_deref().ok_or_else(missing)?,
                prompt.client_secret.clone(),
                args.endpoint.as_deref(),
            )?;
            let username = args.username.clone().ok_or_else(missing)?;
            let request = EnrollRequest {
                label: args
                    .label
                    .clone()
                    .unwrap_or_else(|| format!("{username}@{}", pool.user_pool_id())),
                issuer: args.issuer.clone().unwrap_or_else(|| "Cognito".to_owned()),
                pool,
                username,
                password,
                flow,
                device_name: cognito::device_name(),
                prove,
            };
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
    let flow = AuthFlow::from(args.common.auth_flow);
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
    let flow = AuthFlow::from(args.common.auth_flow);
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
