//! System tests: the real `cogauth` binary against a real Secret Service (gnome-keyring on a
//! private D-Bus session) and independent peers (`oathtool`). One binary for all of them, so
//! the workspace links tests once.
//!
//! Needs the Debian packages dbus, gnome-keyring, libsecret-tools, oathtool, zbar-tools and
//! curl, and the Cognito emulator's venv (`scripts/test` installs them all).

// The real parts (D-Bus, gnome-keyring, Xvfb) are Linux's; scripts/wine-cli runs the CLI on
// Windows.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod cli_contract;
mod cognito;
mod cognito_strict;
mod crash_safety;
mod emulator;
mod export;
mod import;
mod keychain;
mod oathtool;
mod support;
