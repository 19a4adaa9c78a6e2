//! Turns results into output: plain text for people, JSON with `--json` for scripts.

use std::io::Write;
use std::path::Path;

use cogauth_core::{Account, AccountState, Code, OtpKind};
use serde_json::json;

use crate::error::CliError;

fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::input(format!("cannot write to stdout: {e}")))
}

fn print_json(value: &serde_json::Value) -> Result<(), CliError> {
    print(&value.to_string())
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

pub fn account_added(account: &Account, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&to_json(account));
    }
    print(&format!("added {} {}", account.id, account.display_name()))
}

pub fn account_removed(account: &Account, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&json!({ "removed": account }));
    }
    print(&format!(
        "removed {} {}",
        account.id,
        account.display_name()
    ))
}

pub fn account_renamed(account: &Account, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&to_json(account));
    }
    print(&format!(
        "renamed {} to {}",
        account.id,
        account.display_name()
    ))
}

pub fn accounts(accounts: &[Account], json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&to_json(&accounts));
    }
    if accounts.is_empty() {
        return print("no accounts yet: add one with `cogauth add <otpauth-uri>`");
    }
    let rows: Vec<[String; 5]> = accounts
        .iter()
        .map(|a| {
            let detail = match a.params.kind {
                OtpKind::Totp { period } => format!("totp {}/{}s", a.params.algorithm, period),
                OtpKind::Steam { period } => format!("steam {period}s"),
                OtpKind::Hotp { counter } => format!("hotp {} #{}", a.params.algorithm, counter),
            };
            let state = match &a.state {
                AccountState::Active => "active".to_owned(),
                AccountState::Pending { pending_reason } => format!("pending: {pending_reason}"),
            };
            [
                a.id.to_string(),
                a.issuer.clone(),
                a.label.clone(),
                detail,
                state,
            ]
        })
        .collect();
    let header = ["ID", "ISSUER", "LABEL", "KIND", "STATE"].map(str::to_owned);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    print(text.trim_end())
}

pub fn code(account: &Account, code: &Code, json: bool) -> Result<(), CliError> {
    if json {
        let mut value = json!({
            "id": account.id,
            "name": account.display_name(),
            "code": code.value,
            "counter": code.counter,
        });
        if let Some(window) = code.window {
            value["valid_from"] = json!(window.valid_from);
            value["valid_until"] = json!(window.valid_until);
        }
        return print_json(&value);
    }
    print(&code.value)
}

pub fn uri(uri: &str, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&json!({ "uri": uri }));
    }
    print(uri)
}

pub fn written(path: &Path, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&json!({ "output": path }));
    }
    print(&format!("wrote {}", path.display()))
}

pub fn enrolled(
    account: &Account,
    proven: bool,
    uri: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    if json {
        let mut value = json!({ "account": account, "proven": proven });
        if let Some(uri) = uri {
            value["uri"] = json!(uri);
        }
        return print_json(&value);
    }
    let mut text = format!("enrolled {} {}", account.id, account.display_name());
    if proven {
        text.push_str(" (test sign-in passed)");
    }
    if let Some(uri) = uri {
        text.push('\n');
        text.push_str(uri);
    }
    print(&text)
}

pub fn signin_ok(account: &Account, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&json!({ "account": account, "signed_in": true }));
    }
    print(&format!(
        "signed in to {} with a TOTP code",
        account.display_name()
    ))
}

pub fn mfa_disabled(account: &Account, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&json!({ "account": account, "mfa_disabled": true }));
    }
    print(&format!(
        "TOTP MFA is off for {}; the account stays in CogAuth until you remove it",
        account.display_name()
    ))
}
