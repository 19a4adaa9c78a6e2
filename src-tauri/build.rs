//! Build script: Tauri's code generation plus the app's ACL manifest.
//!
//! Declaring our commands here makes Tauri generate `allow-<command>`/`deny-<command>`
//! permissions for each of them and, because the app now has an ACL manifest, check every app
//! command against the capabilities of the calling window: a command that no capability file
//! allows is refused, so adding a command is always two edits (`src/command_names.rs` and a capability).

include!("src/command_names.rs");

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure through its exit status; cargo shows stderr.
        eprintln!("cogauth-app build script: {error:#}");
        std::process::exit(1);
    }
}
