//! Bitwarden's unencrypted exports, JSON (`bitwarden_export_*.json`) and CSV
//! (`bitwarden_export_*.csv`): the TOTP keys of its logins.
//!
//! Follows the export formats Bitwarden documents ("Condition a Bitwarden .json file",
//! "Condition a Bitwarden .csv file"). JSON: an object with `encrypted: false`, `folders` and
//! `items[]`; a login item has `name` and `login` {`username`, `totp`}. CSV (RFC 4180, see
//! `csv`): a header row naming the columns (`folder,favorite,type,name,notes,fields,reprompt,
//! login_uri,login_username,login_password,login_totp`), detected by its `login_totp` column,
//! then one row per item; a row must have as many fields as the header. The `totp` field holds
//! what the user pasted: an otpauth URI, a bare base32 secret (TOTP, SHA1, 6 digits, 30 s), or
//! `steam://SECRET` (Steam Guard). For a bare secret or a Steam key, the item's name is the
//! issuer and its username the label; an otpauth URI without an issuer takes the item's name
//! as issuer.
//!
//! Drops: everything that is not the TOTP key (passwords, URLs, notes, folders, custom fields
//! stay in Bitwarden; the CSV reader never copies the columns it does not use). Items without a
//! TOTP key are skipped, not refused: most logins have none. Encrypted exports (account- or
//! password-protected) are refused: export again as unencrypted JSON or CSV, or through the
//! otpauth list.

use serde_json::Value;

use super::csv::{self, Record};
use super::error::{EntryProblem, ImportError, Position};
use super::json::{self, Obj};
use super::{
    About, Decoded, Dropped, Format, Input, KindName, account, base32_secret, check_count, checked,
    entry_params,
};
use crate::uri::OtpAuthUri;

const NAME: &str = "bitwarden";

/// A Bitwarden JSON or CSV export.
pub(super) struct Bitwarden;

impl Format for Bitwarden {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "Bitwarden",
            files: "unencrypted JSON or CSV export",
            drops: &[Dropped::LoginData],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        // Every Bitwarden JSON export has `encrypted`; `items` alone is accepted from other
        // tools.
        json::root(input.json()).is_some_and(|root| {
            matches!(root.get("items"), Some(Value::Array(_))) || root.has("encrypted")
        }) || csv_header(input).is_some()
    }

    fn needs_password(&self, _input: &Input<'_>) -> bool {
        // Encrypted exports are refused in `read` whatever the password.
        false
    }

    fn read(&self, input: &Input<'_>, _password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        if let Some(header) = csv_header(input) {
            return read_csv(input, &header);
        }
        let root = json::root(input.json()).ok_or(ImportError::UnknownFormat)?;
        if matches!(root.get("encrypted"), Some(Value::Bool(true))) {
            return Err(ImportError::Unsupported {
                format: NAME,
                what: "encrypted Bitwarden exports (export as unencrypted JSON)",
            });
        }
        let items = root
            .array("items")
            .map_err(|problem| ImportError::malformed(NAME, problem.to_string()))?;
        let accounts: Vec<OtpAuthUri> =
            json::each_entry(items, item, |o| (o.name_part("name"), ""))?
                .into_iter()
                .flatten()
                .collect();
        // Counted by TOTP key, not by item: large vaults have many logins without one.
        check_count(accounts.len())?;
        Ok(Decoded::new(NAME, accounts))
    }
}

/// The columns of a Bitwarden CSV export this reader uses.
struct Columns {
    /// How many fields every row has.
    width: usize,
    name: Option<usize>,
    username: Option<usize>,
    totp: usize,
}

/// The header row, when the text is CSV whose first row names a `login_totp` column.
fn csv_header(input: &Input<'_>) -> Option<Columns> {
    let text = input.text()?;
    let header = csv::records(text).next()?.ok()?;
    let column = |name: &str| header.fields.iter().position(|f| f.value().trim() == name);
    Some(Columns {
        width: header.fields.len(),
        name: column("name"),
        username: column("login_username"),
        totp: column("login_totp")?,
    })
}

fn read_csv(input: &Input<'_>, columns: &Columns) -> Result<Decoded, ImportError> {
    let text = input.text().ok_or(ImportError::NotUtf8)?;
    let mut accounts = Vec::new();
    for record in csv::records(text).skip(1) {
        let record = record.map_err(|e| ImportError::malformed(NAME, e.to_string()))?;
        if let Some(uri) = row(&record, columns)? {
            accounts.push(uri);
            check_count(accounts.len())?;
        }
    }
    Ok(Decoded::new(NAME, accounts))
}

/// The account of one CSV row, `None` for a row without a TOTP key.
fn row(record: &Record<'_>, columns: &Columns) -> Result<Option<OtpAuthUri>, ImportError> {
    let field = |column: Option<usize>| column.map(|c| record.get(c)).unwrap_or_default();
    let name = field(columns.name);
    if record.fields.len() != columns.width {
        return Err(ImportError::malformed(
            NAME,
            format!(
                "line {} has {} fields, the header {}",
                record.line,
                record.fields.len(),
                columns.width
            ),
        ));
    }
    login_account(&name, &field(columns.username), &record.get(columns.totp))
        .map_err(|problem| ImportError::entry(Position::Line(record.line), (&name, ""), problem))
}

/// The account of one JSON item, `None` for items without a TOTP key.
fn item(value: &Value) -> Result<Option<OtpAuthUri>, EntryProblem> {
    let item = Obj::of(value, "items[]")?;
    let Some(login) = item.get("login") else {
        return Ok(None);
    };
    let login = Obj::of(login, "login")?;
    login_account(
        item.opt_str("name")?.unwrap_or_default(),
        login.opt_str("username")?.unwrap_or_default(),
        login.opt_str("totp")?.unwrap_or_default(),
    )
}

/// The account of a login's TOTP field, `None` when it is empty.
fn login_account(
    name: &str,
    username: &str,
    totp: &str,
) -> Result<Option<OtpAuthUri>, EntryProblem> {
    let totp = totp.trim();
    if totp.is_empty() {
        return Ok(None);
    }
    let scheme = |s: &str| {
        totp.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    };
    let uri = if scheme("otpauth://") {
        let mut uri = OtpAuthUri::parse(totp)?;
        if uri.issuer.trim().is_empty() {
            uri.issuer = name.to_owned();
        }
        checked(uri)?
    } else if scheme("steam://") {
        // A steam:// key carries no settings: Steam's own.
        let params = entry_params(KindName::Steam, None, None, None, None)?;
        account(
            name,
            username,
            params,
            base32_secret(&totp["steam://".len()..])?,
        )?
    } else {
        account(
            name,
            username,
            crate::otp::OtpParams::default_totp(),
            base32_secret(totp)?,
        )?
    };
    Ok(Some(uri))
}
