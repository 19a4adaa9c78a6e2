//! The local Cognito (tests/cognito-emulator) for the system tests: started once per test
//! binary, reset and re-seeded for each test, stopped when the binary exits. Tests that use it
//! hold [`Pool`], which serializes them (they share one server).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};

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

static SERVER: OnceLock<Mutex<Server>> = OnceLock::new();

fn start() -> Mutex<Server> {
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
    Mutex::new(Server {
        endpoint: info["endpoint"].as_str().expect("endpoint").to_owned(),
        reset_url: info["reset_url"].as_str().expect("reset_url").to_owned(),
        _stop_when_dropped: child.stdin.take().expect("stdin"),
        _shell: child,
    })
}

/// A freshly reset and seeded demo pool, held exclusively by one test.
pub struct Pool {
    _exclusive: MutexGuard<'static, Server>,
    pub info: Value,
    pub endpoint: String,
}

impl Pool {
    pub fn fresh() -> Pool {
        let guard = SERVER
            .get_or_init(start)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        post(&guard.reset_url, "{}");
        let out = Command::new(python())
            .args(["run.py", "--seed-only", "--endpoint", &guard.endpoint])
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
            endpoint: guard.endpoint.clone(),
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
