//! The index survives being killed mid-save: `cogauth rename` on a 1,000-account index is
//! SIGKILLed at random moments across its whole run, and after every kill the index parses and
//! holds either the old name or the new one, with every account present.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Rng, Sandbox};

const ACCOUNTS: usize = 1000;
const KILLS: usize = 150;

fn load(sandbox: &Sandbox) -> Value {
    serde_json::from_str(&sandbox.index_text()).expect("the index always parses")
}

#[test]
fn index_is_old_or_new_after_kill_9_during_save() {
    let sandbox = Sandbox::new();
    // Metadata only: rename never touches the keychain, so the index can be written directly.
    let accounts: Vec<Value> = (0..ACCOUNTS)
        .map(|i| {
            json!({"id": format!("{i:016x}"), "issuer": format!("Issuer {i}"), "label": "x".repeat(200),
                   "kind": "totp", "period": 30, "algorithm": "SHA1", "digits": 6,
                   "state": "active", "created_at": 0})
        })
        .collect();
    std::fs::write(
        sandbox.index_path(),
        serde_json::to_vec(&json!({"schema": 1, "accounts": accounts})).unwrap(),
    )
    .unwrap();
    let target = format!("{:016x}", ACCOUNTS / 2);

    // How long one uninterrupted rename takes, to spread the kills over it.
    let started = Instant::now();
    sandbox.cogauth(&["rename", &target, "warmup"]).success();
    let full_run = started.elapsed();

    let mut rng = Rng::from_env("index_is_old_or_new_after_kill_9_during_save");
    let mut current = "warmup".to_owned();
    let (mut kept_old, mut took_new) = (0, 0);
    for n in 0..KILLS {
        let new = format!("name-{n}");
        let mut child = sandbox
            .command()
            .args(["rename", &target, &new])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let delay = full_run.as_micros() as u64 * rng.range(0, 120) / 100;
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        let _ = child.wait();

        let index = load(&sandbox);
        let accounts = index["accounts"].as_array().expect("accounts");
        assert_eq!(accounts.len(), ACCOUNTS, "no account lost after kill {n}");
        let label = accounts
            .iter()
            .find(|a| a["id"] == target.as_str())
            .and_then(|a| a["label"].as_str())
            .expect("target present")
            .to_owned();
        if label == new {
            took_new += 1;
        } else {
            assert_eq!(label, current, "kill {n}: neither old nor new");
            kept_old += 1;
        }
        current = label;
    }
    eprintln!("{KILLS} kills over {full_run:?}: {kept_old} kept the old index, {took_new} the new");
    assert!(
        kept_old > 0 && took_new > 0,
        "kills landed both before and after the rename"
    );
}
