//! Demo mode (`scripts/run --demo`): the app runs against the local Cognito emulator, and the
//! enrolment wizard is pre-filled with the emulator's demo pool and first user.

use serde::Serialize;

/// The demo pool and user, when the app runs in demo mode.
#[derive(Serialize)]
pub struct DemoPool {
    region: String,
    user_pool_id: String,
    client_id: String,
    endpoint: String,
    username: String,
    password: String,
}

/// The demo pool from the emulator's description (`tests/cognito-emulator/run.py` prints it
/// as a JSON line: region, user_pool_id, client_id, endpoint, users[{name, password}]).
pub fn read_pool(path: &std::path::Path) -> Option<DemoPool> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| eprintln!("cogauth-app: {}: {error}", path.display()))
        .ok()?;
    let value: serde_json::Value = serde_json::from_str(text.lines().last()?.trim())
        .map_err(|error| eprintln!("cogauth-app: {}: {error}", path.display()))
        .ok()?;
    let text_of = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    let user = value["users"].get(0)?;
    Some(DemoPool {
        region: text_of(&value["region"])?,
        user_pool_id: text_of(&value["user_pool_id"])?,
        client_id: text_of(&value["client_id"])?,
        endpoint: text_of(&value["endpoint"])?,
        username: text_of(&user["name"])?,
        password: text_of(&user["password"])?,
    })
}
