//! Shell completions and man pages, generated from the CLI's own definition (clap), so that
//! they can never list an option the binary does not have. The packages ship what these
//! write (scripts/package); `cogauth completions SHELL` is there for anyone else.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

use crate::Cli;
use crate::error::{CliError, EXIT_CODES};

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: Shell) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "cogauth", &mut script);
    write_stdout(&script)
}

/// Writes `cogauth.1` and one page a visible subcommand (`cogauth-add.1`, …) into `dir`,
/// and prints their paths.
pub fn manpages(dir: &Path) -> Result<(), CliError> {
    let failed = |e: std::io::Error| {
        CliError::input(format!(
            "cannot write the man pages in {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut written = Vec::new();
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let page = Man::new(sub.clone());
        written.push(page.generate_to(dir).map_err(failed)?);
    }
    // The main page, with the exit codes of the contract.
    let page = Man::new(command);
    let path = dir.join(page.get_filename());
    let mut text = Vec::new();
    page.render(&mut text).map_err(failed)?;
    text.extend_from_slice(exit_status_section().as_bytes());
    std::fs::write(&path, text).map_err(failed)?;
    written.push(path);
    let mut listing = String::new();
    for path in written {
        listing.push_str(&format!("{}\n", path.display()));
    }
    write_stdout(listing.as_bytes())
}

/// The EXIT STATUS section, from the one table of exit codes.
fn exit_status_section() -> String {
    let mut roff = Roff::default();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_CODES {
        roff.control("TP", []);
        roff.text([roman(code.to_string())]);
        roff.text([roman(meaning)]);
    }
    roff.to_roff()
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    std::io::stdout()
        .write_all(bytes)
        .map_err(|e| CliError::input(format!("cannot write to stdout: {e}")))
}
