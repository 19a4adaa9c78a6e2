//! The `cogauth-app` binary: starts the desktop shell.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    match cogauth_app_lib::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cogauth-app: {error}");
            ExitCode::FAILURE
        }
    }
}
