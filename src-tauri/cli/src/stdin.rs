//! The one reader of what the CLI takes on stdin: URIs, secrets, passwords, client secrets and
//! the codes Cognito asks for, one per line, in the order the command documents.
//!
//! The rule, the same for every value: a value is one line; its line end (`\n` or `\r\n`) is
//! removed and nothing else, so spaces are part of a password. An empty line, or the end of
//! stdin, where a value is expected is an error naming the value. A line is at most
//! [`MAX_LINE`] bytes. Lines are read into a zeroizing buffer reserved up front, so that no
//! copy of a secret is left behind in freed memory.
//!
//! When stdin is a terminal, a person is typing: each value is asked for by name
//! (`cogauth: password: `) and read from the terminal with its echo off (rpassword, which
//! wipes its own buffer), so what is typed never shows on the screen or in a scrollback.

use std::io::{BufRead, IsTerminal, Read};

use zeroize::Zeroizing;

use crate::error::CliError;

/// The longest line read, in bytes (a value, not a file: files are read by `import`).
pub const MAX_LINE: usize = 64 * 1024;

/// Standard input, read a line at a time.
pub struct Stdin {
    input: std::io::StdinLock<'static>,
}

impl Stdin {
    /// Locks stdin for this command.
    pub fn lock() -> Self {
        Stdin {
            input: std::io::stdin().lock(),
        }
    }

    /// The next line, without its line end; `what` names it in prompts and errors
    /// ("password").
    pub fn line(&mut self, what: &str) -> Result<Zeroizing<String>, CliError> {
        if std::io::stdin().is_terminal() {
            return typed(what);
        }
        let mut line = Zeroizing::new(String::with_capacity(MAX_LINE + 2));
        let read = (&mut self.input)
            .take(MAX_LINE as u64 + 2)
            .read_line(&mut line)
            .map_err(|e| CliError::input(format!("cannot read the {what} from stdin: {e}")))?;
        if line.len() > MAX_LINE && !line.ends_with('\n') {
            return Err(CliError::input(format!(
                "the {what} on stdin is longer than {} KiB",
                MAX_LINE / 1024
            )));
        }
        if read == 0 {
            return Err(CliError::input(format!(
                "the {what} was expected on stdin (one line)"
            )));
        }
        let end = line.trim_end_matches('\n').trim_end_matches('\r').len();
        line.truncate(end);
        if line.is_empty() {
            return Err(CliError::input(format!("the {what} on stdin is empty")));
        }
        Ok(line)
    }
}

/// A value typed at the terminal, asked for by name, with the terminal's echo off.
fn typed(what: &str) -> Result<Zeroizing<String>, CliError> {
    let line = rpassword::prompt_password(format!("cogauth: {what}: "))
        .map(Zeroizing::new)
        .map_err(|e| CliError::input(format!("cannot read the {what} from the terminal: {e}")))?;
    if line.is_empty() {
        return Err(CliError::input(format!("the {what} typed is empty")));
    }
    Ok(line)
}
