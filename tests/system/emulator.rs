//! The local Cognito (tests/cognito-emulator) for the system tests: up to [`SERVERS`]
//! emulators, each started on first need, reset and re-seeded for each test, stopped when the
//! binary exits. A test holds one server exclusively through [`Pool`], so that up to
//! [`SERVERS`] Cognito tests run at once: most of their time is spent waiting for a fresh
//! TOTP step (a code is accepted once per step), and those waits overlap.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::Duration;

use serde_json::Value;

fn emulator_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cognito-emulator")
}

/// The emulator's Python: `COGAUTH_EMULATOR_PYTHON`, else the venv `setup.sh` makes.
pub fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Ok(python) = std::env::var("COGAUTH_EMULATOR_PYTHON") {
            return python;
        }
        let out = Command::new(emulator_dir().join("setup.sh"))
            .output()
            .expect("setup.sh");
        assert!(
            out.status.success(),
            "setup.sh: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let venv = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_owned();
        format!("{venv}/bin/python")
    })
}

struct Server {
    endpoint: String,
    reset_url: String,
    _stop_when_dropped: ChildStdin,
    /// Kept, not waited for: the shell exits with the test binary.
    _shell: Child,
}

/// How many emulators may run at once (each is one Python process of about 100 MB).
pub const SERVERS: usize = 4;

static SERVER_SLOTS: OnceLock<Vec<Mutex<Option<Server>>>> = OnceLock::new();

/// A free server, started if its slot has none yet; waits while all are taken.
fn take_server() -> MutexGuard<'static, Option<Server>> {
    let slots = SERVER_SLOTS.get_or_init(|| (0..SERVERS).map(|_| Mutex::new(None)).collect());
    loop {
        for slot in slots {
            let guard = match slot.try_lock() {
                Ok(guard) => guard,
                // A test failed while holding it: the server is reset for the next one anyway.
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => continue,
            };
            let mut guard = guard;
            if guard.is_none() {
                *guard = Some(start());
            }
            return guard;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn start() -> Server {
    // The shell kills the server as soon as our end of its stdin closes (test binary exit).
    let script = format!(
        "'{}' run.py --port 0 --no-seed --quiet & pid=$!; read _ignored; kill $pid",
        python()
    );
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .current_dir(emulator_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the Cognito emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("emulator line");
    let info: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    Server {
        endpoint: info["endpoint"].as_str().expect("endpoint").to_owned(),
        reset_url: info["reset_url"].as_str().expect("reset_url").to_owned(),
        _stop_when_dropped: child.stdin.take().expect("stdin"),
        _shell: child,
    }
}

/// A freshly reset and seeded demo pool on a server held exclusively by one test.
pub struct Pool {
    _exclusive: MutexGuard<'static, Option<Server>>,
    pub info: Value,
    pub endpoint: String,
}

impl Pool {
    pub fn fresh() -> Pool {
        let guard = take_server();
        let server = guard.as_ref().expect("a started server");
        post(&server.reset_url, "{}");
        let endpoint = server.endpoint.clone();
        let out = Command::new(python())
            .args(["run.py", "--seed-only", "--endpoint", &endpoint])
            .current_dir(emulator_dir())
            .output()
            .expect("seed");
        assert!(
            out.status.success(),
            "seed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let info: Value = serde_json::from_slice(&out.stdout).expect("seed JSON");
        Pool {
            endpoint,
            _exclusive: guard,
            info,
        }
    }

    pub fn get(&self, key: &str) -> String {
        self.info[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key}"))
            .to_owned()
    }

    pub fn password(&self, user: &str) -> String {
        self.info["users"]
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["name"] == user)
            .and_then(|u| u["password"].as_str())
            .expect("user")
            .to_owned()
    }

    /// Sets the emulator's fault switches (see tests/cognito-emulator/README.md).
    pub fn faults(&self, json: &str) {
        post(&format!("{}/cogauth-emulator/faults", self.endpoint), json);
    }

    /// Runs the independent boto3 + pyotp peer (tests/system/cognito_peer.py).
    pub fn peer(&self, args: &[&str], stdin: &str) -> Result<Value, String> {
        python_peer("cognito_peer.py", args, stdin)
    }
}

/// Runs `tests/system/<script>` with the emulator's Python, `args` and `stdin`: its JSON
/// output, or its stderr when it fails.
pub fn python_peer(script: &str, args: &[&str], stdin: &str) -> Result<Value, String> {
    use std::io::Write;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/system")
        .join(script);
    let mut child = Command::new(python())
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("peer");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin");
    let out = child.wait_with_output().expect("peer");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(serde_json::from_slice(&out.stdout).expect("peer JSON"))
}

fn post(url: &str, body: &str) {
    let out = Command::new("curl")
        .args([
            "-sf",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            body,
            url,
        ])
        .output()
        .expect("curl (Debian package curl) must be installed");
    assert!(out.status.success(), "POST {url} failed");
}
