//! The test harness: real parts, isolated.
//!
//! [`Session`] starts a private D-Bus session bus with gnome-keyring's Secret Service unlocked
//! by a known password, under a temporary HOME, so tests use the real keychain without ever
//! touching the developer's own. One session serves the whole test binary ([`shared_session`]);
//! tests that lock or remove the keychain start their own.
//!
//! [`Sandbox`] is one test's vault: its own data folder and keychain service name, and a
//! builder-ish `cogauth(...)` that runs the real binary against them.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

use tempfile::TempDir;

pub const KEYRING_PASSWORD: &str = "cogauth-test-keyring";

/// The `cogauth` binary under test.
pub fn cogauth_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_cogauth"))
}

/// What a private session should offer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keychain {
    /// gnome-keyring running, login collection unlocked.
    Unlocked,
    /// A bus with no Secret Service on it at all (and none to activate).
    NoSecretService,
}

/// A private D-Bus session (and gnome-keyring on it). Everything it started ends when it is
/// dropped, or when the test process exits: the bus runs under a shell that kills it as soon
/// as our end of its stdin closes.
pub struct Session {
    home: TempDir,
    bus_address: String,
    _bus_guard: Mutex<ChildStdin>,
    bus: Mutex<Child>,
}

impl Session {
    pub fn start(keychain: Keychain) -> Session {
        let home = tempfile::tempdir().expect("temp home");
        for dir in [".local/share", ".config", ".cache", "run"] {
            std::fs::create_dir_all(home.path().join(dir)).expect("home dirs");
        }
        set_private(&home.path().join("run"));
        let config = match keychain {
            // The standard session config: gnome-keyring is D-Bus activatable from it.
            Keychain::Unlocked => "--session".to_owned(),
            Keychain::NoSecretService => {
                let path = home.path().join("bare-bus.conf");
                std::fs::write(&path, BARE_BUS_CONFIG).expect("bus config");
                format!("--config-file={}", path.display())
            }
        };
        let script = format!(
            "dbus-daemon {config} --nofork --print-address=1 & pid=$!; read _ignored; kill $pid"
        );
        let (bus, guard, address) = start_guarded(
            &script,
            base_env(home.path()),
            "dbus-daemon (Debian package dbus)",
        );
        let session = Session {
            home,
            bus_address: address,
            _bus_guard: Mutex::new(guard),
            bus: Mutex::new(bus),
        };
        if keychain == Keychain::Unlocked {
            session.unlock_keyring();
        }
        session
    }

    /// Starts gnome-keyring's secrets component with the login keyring unlocked. It must run
    /// before anything asks for the Secret Service: a daemon started by D-Bus activation would
    /// come up locked.
    fn unlock_keyring(&self) {
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .envs(self.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (Debian package gnome-keyring) must be installed");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(KEYRING_PASSWORD.as_bytes())
            .expect("password");
        let out = child.wait_with_output().expect("gnome-keyring-daemon");
        assert!(out.status.success(), "gnome-keyring-daemon --unlock failed");
    }

    /// The environment that points a process at this session.
    pub fn env(&self) -> HashMap<String, String> {
        let mut env = base_env(self.home.path());
        env.insert("DBUS_SESSION_BUS_ADDRESS".into(), self.bus_address.clone());
        env
    }

    /// Runs a command (`secret-tool`, `gdbus`, …) in this session.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// Locks the login collection through the Secret Service API (what a screen lock does).
    pub fn lock_login_collection(&self) {
        let out = self.run(
            "gdbus",
            &[
                "call",
                "--session",
                "--dest",
                "org.freedesktop.secrets",
                "--object-path",
                "/org/freedesktop/secrets",
                "--method",
                "org.freedesktop.Secret.Service.Lock",
                "['/org/freedesktop/secrets/collection/login']",
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("collection/login"),
            "locking failed: {text}"
        );
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(mut bus) = self.bus.lock() {
            let _ = bus.kill();
            let _ = bus.wait();
        }
    }
}

/// Starts a server under `sh -c script` (the script ends the server when its stdin closes) and
/// returns the shell, our end of its stdin, and the first line the server printed (its
/// address).
fn start_guarded(
    script: &str,
    env: HashMap<String, String>,
    program: &str,
) -> (Child, ChildStdin, String) {
    let mut shell = Command::new("sh")
        .args(["-c", script])
        .envs(env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} must be installed: {e}"));
    let mut line = String::new();
    BufReader::new(shell.stdout.take().expect("server stdout"))
        .read_line(&mut line)
        .expect("server address");
    let line = line.trim().to_owned();
    assert!(!line.is_empty(), "{program} printed no address");
    let guard = shell.stdin.take().expect("server stdin");
    (shell, guard, line)
}

const BARE_BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

fn set_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
}

/// A clean environment under `home`: no variable of the developer's desktop leaks in.
fn base_env(home: &Path) -> HashMap<String, String> {
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into());
    let home_str = home.display().to_string();
    HashMap::from([
        ("PATH".into(), path),
        ("HOME".into(), home_str.clone()),
        ("XDG_DATA_HOME".into(), format!("{home_str}/.local/share")),
        ("XDG_CONFIG_HOME".into(), format!("{home_str}/.config")),
        ("XDG_CACHE_HOME".into(), format!("{home_str}/.cache")),
        ("XDG_RUNTIME_DIR".into(), format!("{home_str}/run")),
        ("LANG".into(), "C.UTF-8".into()),
    ])
}

/// The session all tests share unless they need their own.
pub fn shared_session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| Session::start(Keychain::Unlocked))
}

/// A private X display (Xvfb, 1280x1024, 24 bits), for the clipboard and screenshot tests. Like
/// the bus, it runs under a shell that ends it as soon as our end of its stdin closes, so it
/// never outlives the test process; Xvfb picks a free display number itself (`-displayfd`).
pub struct XDisplay {
    name: String,
    _guard: Mutex<ChildStdin>,
    _server: Mutex<Child>,
}

impl XDisplay {
    pub fn start() -> XDisplay {
        let script = "Xvfb -displayfd 1 -screen 0 1280x1024x24 -nolisten tcp & pid=$!; read _ignored; kill $pid";
        let (server, guard, number) =
            start_guarded(script, HashMap::new(), "Xvfb (Debian package xvfb)");
        XDisplay {
            name: format!(":{number}"),
            _guard: Mutex::new(guard),
            _server: Mutex::new(server),
        }
    }

    /// `:N`, for `DISPLAY`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs an X client (`xclip`, …) on this display with no stdio attached (xclip stays in
    /// the background to serve the selection) and returns its exit status.
    pub fn run(&self, program: &str, args: &[&str]) -> std::process::ExitStatus {
        Command::new(program)
            .args(args)
            .env("DISPLAY", &self.name)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    /// Makes a grey picture (`width * height` bytes, rows from the top) the root window's
    /// background, at the top left of a white screen, as `xsetroot -bitmap` would. The picture
    /// stays while the returned connection is open.
    pub fn show_on_root(&self, width: u16, height: u16, grey: &[u8]) -> RootPicture {
        use x11rb::connection::{Connection, RequestConnection};
        use x11rb::protocol::xproto::{
            ChangeWindowAttributesAux, ConnectionExt, CreateGCAux, ImageFormat,
        };

        let (connection, screen_number) = x11rb::connect(Some(&self.name)).expect("X connection");
        let screen = connection.setup().roots[screen_number].clone();
        let (screen_w, screen_h) = (screen.width_in_pixels, screen.height_in_pixels);
        assert!(
            width <= screen_w && height <= screen_h,
            "the picture is larger than the screen"
        );
        let pixmap = connection.generate_id().unwrap();
        connection
            .create_pixmap(screen.root_depth, pixmap, screen.root, screen_w, screen_h)
            .unwrap();
        let gc = connection.generate_id().unwrap();
        connection
            .create_gc(gc, pixmap, &CreateGCAux::new())
            .unwrap();
        // 32 bits per pixel, blue-green-red-unused (Xvfb on a little-endian machine), sent in
        // strips that fit in one request.
        let row_bytes = usize::from(screen_w) * 4;
        let rows_per_strip = (connection.maximum_request_bytes() - 1024) / row_bytes;
        for top in (0..usize::from(screen_h)).step_by(rows_per_strip) {
            let rows = rows_per_strip.min(usize::from(screen_h) - top);
            let mut data = Vec::with_capacity(rows * row_bytes);
            for y in top..top + rows {
                for x in 0..usize::from(screen_w) {
                    let inside = x < usize::from(width) && y < usize::from(height);
                    let v = if inside {
                        grey[y * usize::from(width) + x]
                    } else {
                        255
                    };
                    data.extend_from_slice(&[v, v, v, 0]);
                }
            }
            connection
                .put_image(
                    ImageFormat::Z_PIXMAP,
                    pixmap,
                    gc,
                    screen_w,
                    rows as u16,
                    0,
                    top as i16,
                    0,
                    screen.root_depth,
                    &data,
                )
                .unwrap();
        }
        connection
            .change_window_attributes(
                screen.root,
                &ChangeWindowAttributesAux::new().background_pixmap(pixmap),
            )
            .unwrap();
        connection
            .clear_area(false, screen.root, 0, 0, 0, 0)
            .unwrap();
        connection.get_input_focus().unwrap().reply().unwrap();
        RootPicture {
            _connection: connection,
        }
    }
}

/// The connection that set the root window's picture, kept open while the test needs it.
#[must_use]
pub struct RootPicture {
    _connection: x11rb::rust_connection::RustConnection,
}

/// The display all tests share.
pub fn shared_display() -> &'static XDisplay {
    static DISPLAY: OnceLock<XDisplay> = OnceLock::new();
    DISPLAY.get_or_init(XDisplay::start)
}

/// One test's vault: a data folder and a keychain service of its own, in a session.
pub struct Sandbox<'s> {
    pub session: &'s Session,
    pub data: TempDir,
    pub service: String,
}

impl Sandbox<'static> {
    /// A vault on the shared, unlocked keychain.
    pub fn new() -> Self {
        Sandbox::in_session(shared_session())
    }
}

impl<'s> Sandbox<'s> {
    pub fn in_session(session: &'s Session) -> Self {
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).expect("random");
        let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Sandbox {
            session,
            data: tempfile::tempdir().expect("data dir"),
            service: format!("cogauth-test-{suffix}"),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    pub fn index_path(&self) -> PathBuf {
        self.data.path().join("accounts.json")
    }

    /// A `cogauth` command against this sandbox (vault chosen through the environment
    /// variables, as scripts do).
    pub fn command(&self) -> Command {
        let mut command = Command::new(cogauth_bin());
        command
            .env_clear()
            .envs(self.session.env())
            .env("COGAUTH_DATA_DIR", self.data.path())
            .env("COGAUTH_KEYRING_SERVICE", &self.service)
            .stdin(Stdio::null());
        command
    }

    /// Runs `cogauth args…` on an X display (for the clipboard and the screen).
    pub fn cogauth_on(&self, display: &XDisplay, args: &[&str]) -> Run {
        let mut command = self.command();
        command.env("DISPLAY", display.name());
        Run::from(command.args(args).output().expect("run cogauth"))
    }

    /// Runs `cogauth args…`.
    pub fn cogauth(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().expect("run cogauth"))
    }

    /// Runs `cogauth args…` with `input` on stdin.
    pub fn cogauth_stdin(&self, args: &[&str], input: &str) -> Run {
        run_with_stdin(self.command(), args, input)
    }

    /// Adds an account and returns its id.
    pub fn add(&self, args: &[&str]) -> String {
        let mut all = vec!["add", "--json"];
        all.extend_from_slice(args);
        let run = self.cogauth(&all).success();
        run.json()["id"].as_str().expect("id").to_owned()
    }

    /// The index file's text ("" when there is none).
    pub fn index_text(&self) -> String {
        std::fs::read_to_string(self.index_path()).unwrap_or_default()
    }

    /// `secret-tool search --all service <ours>` in the sandbox's session.
    pub fn keychain_items(&self) -> String {
        let out = self.session.run(
            "secret-tool",
            &["search", "--all", "service", &self.service],
        );
        // secret-tool prints attributes on stderr and the secret on stdout.
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

/// Runs `command args…` with `input` on stdin (for commands that need more set up than
/// [`Sandbox::cogauth_stdin`] does, such as an extra environment variable).
pub fn run_with_stdin(mut command: Command, args: &[&str], input: &str) -> Run {
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cogauth");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    Run::from(child.wait_with_output().expect("wait cogauth"))
}

/// The outcome of one `cogauth` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(self.code, 0, "cogauth failed: {}", self.stderr);
        self
    }

    /// Asserts the exit code and that stderr is one line; returns that line.
    #[track_caller]
    pub fn fails_with(&self, code: i32) -> &str {
        assert_eq!(
            self.code, code,
            "expected exit {code}; stdout {:?} stderr {:?}",
            self.stdout, self.stderr
        );
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line: {:?}",
            self.stderr
        );
        self.stderr.trim()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {:?}", self.stdout))
    }

    /// The `--json` error: the last line of stderr (progress lines may come before it).
    pub fn error_json(&self) -> serde_json::Value {
        let last = self.stderr.lines().last().unwrap_or_default();
        serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {:?}", self.stderr))
    }
}

/// A small deterministic generator (SplitMix64) so random cases can be replayed from a seed.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `COGAUTH_TEST_SEED` when set, else from the system; the seed is printed so a
    /// failure can be replayed.
    pub fn from_env(name: &str) -> Self {
        let seed = std::env::var("COGAUTH_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).expect("random");
                u64::from_le_bytes(bytes)
            });
        eprintln!("{name}: COGAUTH_TEST_SEED={seed}");
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

/// Unpadded upper-case base32 (RFC 4648), written independently of the code under test.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let n = block.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(ALPHABET[((n >> (35 - 5 * i)) & 31) as usize] as char);
        }
    }
    out
}
