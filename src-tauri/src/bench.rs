//! The benchmark's hook (`scripts/bench`): when `COGAUTH_BENCH_READY_FILE` names a file, the
//! moment the page has painted its first codes is written there, once, with when each start-up
//! step ended.

use std::collections::BTreeMap;

use crate::state::AppState;

/// Writes the ready file if the benchmark asked for one and it is not written yet: the Unix
/// time in nanoseconds, then a JSON line with the shell's and the page's start-up `marks`
/// (wall-clock milliseconds).
pub fn report_ready(state: &AppState, marks: BTreeMap<String, f64>) {
    let Some(path) = &state.ready_file else {
        return;
    };
    if path.exists() {
        return;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut all = state.startup_marks();
    all.extend(marks);
    let text = format!(
        "{nanos}\n{}\n",
        serde_json::Value::from(serde_json::Map::from_iter(
            all.into_iter()
                .map(|(name, ms)| (name, serde_json::Value::from(ms))),
        ))
    );
    // Atomically: the benchmark polls for the file.
    if let Err(error) = cogauth_core::atomic_file::write_private(path, text.as_bytes()) {
        eprintln!("cogauth-app: {}: {error}", path.display());
    }
}
