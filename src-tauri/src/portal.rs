//! The quick box's shortcut in a Wayland session, through the XDG desktop portal's
//! `org.freedesktop.portal.GlobalShortcuts` interface (version 1): a session is created, the
//! shortcut `quick` is bound with the user's keys as the preferred trigger (the desktop may ask
//! the user, or choose other keys, and says which), and each `Activated` signal for it opens
//! the box.
//!
//! Everything runs on one thread per binding, since the desktop may take as long as the user
//! takes to confirm: Settings shows "asking the desktop" until it answers. A new binding closes
//! the previous session; its thread then ignores the signals it still receives.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tauri::{AppHandle, Manager};
use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{ObjectPath, OwnedObjectPath, OwnedValue, Value};

use crate::shortcut::{ShortcutSlot, Status};

const DESTINATION: &str = "org.freedesktop.portal.Desktop";
const PATH: &str = "/org/freedesktop/portal/desktop";
const INTERFACE: &str = "org.freedesktop.portal.GlobalShortcuts";
/// The id of our one shortcut in the portal session.
pub const SHORTCUT_ID: &str = "quick";

/// The portal session in use, if any.
#[derive(Default)]
pub struct PortalSlot {
    /// Bumped by each binding and stop: a thread whose number is no longer current stops
    /// opening the box.
    generation: Arc<AtomicU64>,
    session: Mutex<Option<(Connection, OwnedObjectPath, String)>>,
}

impl PortalSlot {
    /// Asks the portal to bind `keys` to the quick box, on a thread of its own, and returns the
    /// status to show meanwhile. The thread updates the shortcut's status when the desktop
    /// answers.
    pub fn bind(&self, app: &AppHandle, keys: &str) -> Status {
        if let Some((_, _, bound)) = crate::state::lock(&self.session).as_ref()
            && bound == keys
        {
            return app.state::<ShortcutSlot>().status();
        }
        self.stop();
        let generation = self.generation.load(Ordering::SeqCst);
        let current = Arc::clone(&self.generation);
        let (app, keys) = (app.clone(), keys.to_owned());
        let spawned = std::thread::Builder::new()
            .name("cogauth-portal".to_owned())
            .spawn(move || {
                let slot = app.state::<ShortcutSlot>();
                match session(&keys) {
                    Ok((connection, handle, described)) => {
                        {
                            let mut held = crate::state::lock(&slot.portal().session);
                            // A later binding or a stop came first: this session is not wanted.
                            if current.load(Ordering::SeqCst) != generation {
                                close(&connection, handle);
                                return;
                            }
                            *held = Some((connection.clone(), handle.clone(), keys));
                        }
                        slot.set_status(Status::on(described, None));
                        follow(&app, &connection, &handle, &current, generation);
                    }
                    Err(why) if current.load(Ordering::SeqCst) == generation => {
                        let status = crate::shortcut::wayland_unavailable(&why);
                        if let Some(message) = &status.message {
                            eprintln!("cogauth-app: no quick-box shortcut: {message}");
                        }
                        slot.set_status(status);
                    }
                    Err(_) => {}
                }
            });
        match spawned {
            Ok(_) => Status::waiting(),
            Err(error) => crate::shortcut::wayland_unavailable(&format!(
                "no thread could ask the desktop ({error})"
            )),
        }
    }

    /// Closes the session, if any.
    pub fn stop(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some((connection, handle, _)) = crate::state::lock(&self.session).take() {
            close(&connection, handle);
        }
    }
}

/// Ends a portal session: the desktop releases its shortcut.
fn close(connection: &Connection, handle: OwnedObjectPath) {
    let closed = Proxy::new(
        connection,
        DESTINATION,
        handle,
        "org.freedesktop.portal.Session",
    )
    .and_then(|session| session.call::<_, _, ()>("Close", &()));
    if let Err(error) = closed {
        eprintln!("cogauth-app: the portal session was not closed: {error}");
    }
}

/// Creates a portal session and binds the shortcut: the connection, the session's handle and
/// the trigger as the desktop describes it. Errors are phrased to follow "and …".
fn session(keys: &str) -> Result<(Connection, OwnedObjectPath, String), String> {
    let connection = Connection::session()
        .map_err(|error| format!("the session bus is not reachable ({error})"))?;
    let shortcuts = Proxy::new(&connection, DESTINATION, PATH, INTERFACE)
        .map_err(|error| format!("the desktop portal is not reachable ({error})"))?;
    shortcuts
        .get_property::<u32>("version")
        .map_err(|_| "this desktop's portal offers no global shortcuts".to_owned())?;

    let token = token();
    let options = HashMap::from([
        ("handle_token", Value::from(format!("cogauth_{token}"))),
        (
            "session_handle_token",
            Value::from(format!("cogauth_{token}")),
        ),
    ]);
    let results = request(&connection, &format!("cogauth_{token}"), || {
        shortcuts.call::<_, _, OwnedObjectPath>("CreateSession", &(options,))
    })?;
    let handle = results
        .get("session_handle")
        .and_then(|value| String::try_from(value.clone()).ok())
        .and_then(|text| OwnedObjectPath::try_from(text).ok())
        .ok_or("the desktop's portal answered without a session")?;

    let bind_token = format!("cogauth_{}", self::token());
    let shortcut = (
        SHORTCUT_ID,
        HashMap::from([
            ("description", Value::from("Open CogAuth's quick box")),
            ("preferred_trigger", Value::from(preferred_trigger(keys))),
        ]),
    );
    let bind_options = HashMap::from([("handle_token", Value::from(bind_token.clone()))]);
    let results = request(&connection, &bind_token, || {
        shortcuts.call::<_, _, OwnedObjectPath>(
            "BindShortcuts",
            &(
                ObjectPath::from(&handle),
                vec![shortcut.clone()],
                "",
                bind_options.clone(),
            ),
        )
    })?;
    let described = described_trigger(&results).unwrap_or_else(|| keys.to_owned());
    Ok((connection, handle, described))
}

/// Calls a portal method that answers through a `Request` object's `Response` signal, and
/// returns the response's results. Subscribes before calling, so the answer cannot be missed.
fn request(
    connection: &Connection,
    token: &str,
    call: impl FnOnce() -> zbus::Result<OwnedObjectPath>,
) -> Result<HashMap<String, OwnedValue>, String> {
    let sender = connection
        .unique_name()
        .map(|name| name.trim_start_matches(':').replace('.', "_"))
        .ok_or("the session bus gave no name")?;
    let path = format!("{PATH}/request/{sender}/{token}");
    let request = Proxy::new(
        connection,
        DESTINATION,
        path,
        "org.freedesktop.portal.Request",
    )
    .map_err(|error| format!("the desktop's portal could not be asked ({error})"))?;
    let mut responses = request
        .receive_signal("Response")
        .map_err(|error| format!("the desktop's portal could not be asked ({error})"))?;
    call().map_err(|error| format!("the desktop's portal refused ({error})"))?;
    let message = responses
        .next()
        .ok_or("the desktop's portal did not answer")?;
    let (code, results): (u32, HashMap<String, OwnedValue>) =
        message.body().deserialize().map_err(|error| {
            format!("the desktop's portal answered in a form not understood ({error})")
        })?;
    match code {
        0 => Ok(results),
        1 => Err("the shortcut was declined on the desktop".to_owned()),
        _ => Err("the desktop's portal could not bind the shortcut".to_owned()),
    }
}

/// Opens the quick box on each activation of our shortcut in `handle`'s session, while
/// `generation` is current.
fn follow(
    app: &AppHandle,
    connection: &Connection,
    handle: &OwnedObjectPath,
    current: &AtomicU64,
    generation: u64,
) {
    let signals = Proxy::new(connection, DESTINATION, PATH, INTERFACE)
        .and_then(|proxy| proxy.receive_signal("Activated"));
    let signals = match signals {
        Ok(signals) => signals,
        Err(error) => {
            eprintln!("cogauth-app: the portal's shortcut cannot be followed: {error}");
            return;
        }
    };
    for message in signals {
        if current.load(Ordering::SeqCst) != generation {
            return;
        }
        let body = message.body();
        let Ok((session, id, _timestamp, _options)) =
            body.deserialize::<(OwnedObjectPath, String, u64, HashMap<String, OwnedValue>)>()
        else {
            continue;
        };
        if &session == handle && id == SHORTCUT_ID {
            crate::quick::show(app);
        }
    }
}

/// The trigger the desktop says it bound, from `BindShortcuts`' results.
fn described_trigger(results: &HashMap<String, OwnedValue>) -> Option<String> {
    let shortcuts: Vec<(String, HashMap<String, OwnedValue>)> = results
        .get("shortcuts")?
        .try_clone()
        .ok()?
        .try_into()
        .ok()?;
    shortcuts
        .into_iter()
        .find(|(id, _)| id == SHORTCUT_ID)
        .and_then(|(_, options)| {
            String::try_from(options.get("trigger_description")?.try_clone().ok()?).ok()
        })
        .filter(|text| !text.is_empty())
}

/// `Ctrl+Alt+C` in the XDG shortcuts specification's spelling: `CTRL+ALT+c`.
pub fn preferred_trigger(keys: &str) -> String {
    keys.split('+')
        .map(|part| match part {
            "Ctrl" => "CTRL".to_owned(),
            "Alt" => "ALT".to_owned(),
            "Shift" => "SHIFT".to_owned(),
            "Super" => "LOGO".to_owned(),
            key if key.len() == 1 => key.to_ascii_lowercase(),
            "Space" => "space".to_owned(),
            key => key.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// A fresh token for a request path (letters, digits and `_` only).
fn token() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        return format!(
            "n{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::preferred_trigger;

    #[test]
    fn triggers_are_spelled_as_the_xdg_shortcuts_specification_says() {
        assert_eq!(preferred_trigger("Ctrl+Alt+C"), "CTRL+ALT+c");
        assert_eq!(preferred_trigger("Shift+Super+7"), "SHIFT+LOGO+7");
        assert_eq!(preferred_trigger("Alt+Space"), "ALT+space");
        assert_eq!(preferred_trigger("Ctrl+F5"), "CTRL+F5");
    }
}
