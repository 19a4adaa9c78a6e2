//! The webview's rights, checked as data: the CSP and globals in `tauri.conf.json`, the
//! capability files, and the UI files the CSP has to hold for.
//!
//! Tauri hashes inline scripts and styles it finds in the HTML and adds the hashes to the CSP,
//! so "no inline code" is only true if the files say so: that is checked here too.

#![allow(clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn config() -> Value {
    read_json(&crate_dir().join("tauri.conf.json"))
}

/// Every capability file, with its name for the failure messages.
fn capabilities() -> Vec<(String, Value)> {
    let dir = crate_dir().join("capabilities");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("the capabilities folder exists")
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no capability file in {}", dir.display());
    files
        .into_iter()
        .map(|path| (path.display().to_string(), read_json(&path)))
        .collect()
}

/// The CSP as `(directive, sources)` pairs.
fn directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words = d.split_whitespace().map(str::to_owned);
            let name = words.next().unwrap_or_default().to_ascii_lowercase();
            (name, words.collect())
        })
        .collect()
}

fn sources<'a>(csp: &'a [(String, Vec<String>)], name: &str) -> &'a [String] {
    csp.iter()
        .find(|(directive, _)| directive == name)
        .map(|(_, sources)| sources.as_slice())
        .unwrap_or_else(|| panic!("the CSP has no {name} directive"))
}

/// Both CSPs the app can run with: `csp`, and `devCsp` if set (used by debug builds).
fn csps() -> Vec<(&'static str, String)> {
    let security = &config()["app"]["security"];
    let mut csps = Vec::new();
    for key in ["csp", "devCsp"] {
        match &security[key] {
            Value::Null if key == "devCsp" => {}
            Value::String(csp) => csps.push((key, csp.clone())),
            other => panic!("app.security.{key} must be one policy string, found {other}"),
        }
    }
    csps
}

#[test]
fn csp_has_no_unsafe_keywords_wildcards_or_remote_hosts() {
    // The only non-'self' sources the app needs: data: images (QR codes, later) and Tauri's
    // IPC endpoints (`ipc://localhost` on Linux/macOS, `http://ipc.localhost` on Windows).
    let allowed_extra = [
        ("img-src", "data:"),
        ("connect-src", "ipc:"),
        ("connect-src", "http://ipc.localhost"),
    ];
    for (key, csp) in csps() {
        for (directive, sources) in directives(&csp) {
            for source in &sources {
                let lower = source.to_ascii_lowercase();
                assert!(
                    !lower.starts_with("'unsafe-") && lower != "'wasm-unsafe-eval'",
                    "{key}: {directive} allows {source}"
                );
                assert!(
                    !lower.contains('*'),
                    "{key}: {directive} has a wildcard: {source}"
                );
                let keyword = lower.starts_with('\'') && lower.ends_with('\'');
                let allowed = allowed_extra.contains(&(directive.as_str(), lower.as_str()));
                assert!(
                    keyword || allowed,
                    "{key}: {directive} allows a scheme or host: {source}"
                );
            }
        }
    }
}

#[test]
fn csp_locks_down_scripts_objects_and_framing() {
    for (key, csp) in csps() {
        let csp = directives(&csp);
        assert_eq!(sources(&csp, "default-src"), ["'self'"], "{key}");
        assert_eq!(sources(&csp, "script-src"), ["'self'"], "{key}");
        assert_eq!(sources(&csp, "style-src"), ["'self'"], "{key}");
        assert_eq!(sources(&csp, "object-src"), ["'none'"], "{key}");
        assert_eq!(sources(&csp, "base-uri"), ["'none'"], "{key}");
        assert_eq!(sources(&csp, "frame-ancestors"), ["'none'"], "{key}");
        // No form may post anywhere, not even to the app's own origin (the page posts none).
        assert_eq!(sources(&csp, "form-action"), ["'none'"], "{key}");
    }
}

#[test]
fn no_global_tauri_object_and_no_dangerous_switches() {
    let config = config();
    assert_eq!(config["app"]["withGlobalTauri"], Value::Bool(false));
    let security = &config["app"]["security"];
    for key in [
        "dangerousDisableAssetCspModification",
        "dangerousRemoteDomainIpcAccess",
    ] {
        let value = &security[key];
        assert!(
            value.is_null() || *value == Value::Bool(false),
            "app.security.{key} is set: {value}"
        );
    }
    assert_ne!(
        security["assetProtocol"]["enable"],
        Value::Bool(true),
        "the asset protocol would let the page read local files"
    );
    assert!(
        config["plugins"].as_object().is_none_or(|p| p.is_empty()),
        "plugins are configured"
    );
    assert!(
        config["build"]["devUrl"].is_null(),
        "a dev server URL would load remote content"
    );
    // A window opens the default page or another page of ui/, never a URL.
    for window in config["app"]["windows"].as_array().into_iter().flatten() {
        match &window["url"] {
            Value::Null => {}
            Value::String(page) => assert!(
                !page.contains(':')
                    && !page.starts_with('/')
                    && crate_dir().join("../ui").join(page).is_file(),
                "a window loads something other than a page of ui/: {window}"
            ),
            other => panic!("a window's url is not a page: {other}"),
        }
    }
}

/// The identifier of a permission entry, which is a string or `{identifier, allow, deny}`.
fn identifier(permission: &Value) -> &str {
    permission
        .as_str()
        .or_else(|| permission["identifier"].as_str())
        .unwrap_or_else(|| panic!("a permission without identifier: {permission}"))
}

#[test]
fn capabilities_grant_no_wildcards_defaults_or_dangerous_plugins() {
    let dangerous = ["fs:", "shell:", "http:", "opener:", "process:", "updater:"];
    for (file, capability) in capabilities() {
        assert!(capability["remote"].is_null(), "{file}: grants remote URLs");
        assert!(
            capability["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{file}: no description"
        );
        for key in ["windows", "webviews"] {
            for label in capability[key].as_array().into_iter().flatten() {
                let label = label.as_str().unwrap_or_default();
                assert!(
                    !label.contains('*') && !label.is_empty(),
                    "{file}: {key} pattern {label:?}"
                );
            }
        }
        let permissions = capability["permissions"]
            .as_array()
            .expect("a permissions list");
        for permission in permissions {
            let id = identifier(permission);
            assert!(!id.contains('*'), "{file}: wildcard permission {id}");
            assert!(
                id != "default" && !id.ends_with(":default"),
                "{file}: {id} is a bundle; list the permissions the UI uses"
            );
            assert!(
                !id.starts_with("allow-all") && !id.contains(":allow-all"),
                "{file}: {id}"
            );
            assert!(
                !dangerous.iter().any(|prefix| id.starts_with(prefix)),
                "{file}: {id} gives the page a plugin it must not have"
            );
            for scope in ["allow", "deny"] {
                let text = permission[scope].to_string();
                assert!(
                    !text.contains('*'),
                    "{file}: {id} has a wildcard scope: {text}"
                );
            }
        }
    }
}

/// Every file of the UI, with its contents.
fn ui_files() -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut folders = vec![crate_dir().join("../ui")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("the ui folder exists") {
            let path = entry.expect("a readable folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .extension()
                .is_some_and(|e| ["html", "js", "css"].iter().any(|x| e == *x))
            {
                let text = fs::read_to_string(&path).expect("a readable UI file");
                found.push((path, text));
            }
        }
    }
    assert!(!found.is_empty(), "no UI files");
    found
}

/// Whether `text` (lower case) loads something from the network: an http(s) or
/// protocol-relative URL in a place that fetches it (an attribute, a CSS `url()`, an import, a
/// fetch). A URL in a message or a placeholder is only text.
fn loads_remote_content(text: &str) -> bool {
    const LOADERS: [&str; 8] = [
        "src=", "href=", "action=", "url(", "from", "import(", "fetch(", "srcset=",
    ];
    ["http://", "https://", "//"].iter().any(|scheme| {
        text.match_indices(scheme).any(|(at, _)| {
            let before: String = text[..at]
                .chars()
                .rev()
                .skip_while(|c| matches!(c, '"' | '\'' | '`' | ' '))
                .take(8)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            LOADERS.iter().any(|loader| before.ends_with(loader))
        })
    })
}

#[test]
fn the_remote_content_check_tells_loading_from_mentioning() {
    assert!(loads_remote_content(
        r#"<script src="https://cdn.example/x.js">"#
    ));
    assert!(loads_remote_content(r#"<img src=//cdn.example/x.png>"#));
    assert!(loads_remote_content(
        "background: url('http://example.com/a.png')"
    ));
    assert!(loads_remote_content("import x from 'https://esm.sh/x';"));
    assert!(loads_remote_content("fetch(`https://api.example`)"));
    assert!(!loads_remote_content(
        r#"placeholder="https://cognito-idp.eu-west-1.amazonaws.com""#
    ));
    assert!(!loads_remote_content(
        "'enter a full http:// or https:// address'"
    ));
}

#[test]
fn ui_has_no_inline_code_no_remote_content_and_one_ipc_gateway() {
    for (path, text) in ui_files() {
        let name = path.display();
        let lower = text.to_ascii_lowercase();
        assert!(
            !loads_remote_content(&lower),
            "{name}: refers to remote content"
        );
        if path.extension().is_some_and(|e| e == "html") {
            for tag in lower.split("<script").skip(1) {
                let head = tag.split('>').next().unwrap_or_default();
                assert!(head.contains("src="), "{name}: inline <script>");
            }
            assert!(!lower.contains("<style"), "{name}: inline <style>");
            assert!(!lower.contains(" style="), "{name}: style attribute");
            assert!(!lower.contains("javascript:"), "{name}: javascript: URL");
            for word in lower.split_whitespace() {
                assert!(
                    !(word.starts_with("on") && word.contains('=')),
                    "{name}: inline event handler {word}"
                );
            }
        }
        if path.file_name().is_some_and(|f| f != "ipc.js") {
            assert!(
                !text.contains("__TAURI_INTERNALS__") && !text.contains("__TAURI__"),
                "{name}: only ipc.js may talk to Tauri"
            );
        }
    }
}

#[test]
fn each_window_may_call_exactly_its_commands_and_no_plugin() {
    use crate::command_names::{COMMANDS, QUICK_COMMANDS, QUICK_ONLY};
    let allow = |names: &[&str]| -> Vec<String> {
        let mut ids: Vec<String> = names
            .iter()
            .map(|name| format!("allow-{}", name.replace('_', "-")))
            .collect();
        ids.sort();
        ids
    };
    let main: Vec<&str> = COMMANDS
        .iter()
        .copied()
        .filter(|name| !QUICK_ONLY.contains(name))
        .collect();
    let mut seen = Vec::new();
    for (file, capability) in capabilities() {
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("a permissions list")
            .iter()
            .map(|permission| identifier(permission).to_owned())
            .collect();
        assert!(
            granted.iter().all(|id| !id.contains(':')),
            "{file}: grants a plugin or core permission: {granted:?}"
        );
        granted.sort();
        let window = capability["identifier"].as_str().expect("an identifier");
        assert_eq!(
            capability["windows"],
            serde_json::json!([window]),
            "{file}: one window, named as the capability"
        );
        let expected = match window {
            "main" => allow(&main),
            "quick" => allow(QUICK_COMMANDS),
            other => panic!("{file}: a capability for an unknown window '{other}'"),
        };
        assert_eq!(
            granted, expected,
            "{file}: not exactly the window's commands"
        );
        seen.push(window.to_owned());
    }
    seen.sort();
    assert_eq!(seen, ["main", "quick"], "a capability file per window");
    for name in QUICK_COMMANDS {
        assert!(COMMANDS.contains(name), "{name} is not a command");
    }
}

#[test]
fn every_command_is_registered_with_the_handler() {
    let lib = fs::read_to_string(crate_dir().join("src/lib.rs")).expect("lib.rs");
    for name in crate::command_names::COMMANDS {
        assert!(
            lib.contains(&format!("commands::{name},")),
            "{name} is listed in command_names.rs but not in generate_handler!"
        );
    }
    assert_eq!(
        lib.matches("            commands::").count(),
        crate::command_names::COMMANDS.len(),
        "generate_handler! registers a command command_names.rs does not list"
    );
}
