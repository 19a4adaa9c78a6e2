//! What the UI receives: core's types, shaped for one screen. No rules live here; this module
//! only decides what a screen shows and how it is serialized.
//!
//! The JSON keeps core's field names (the same ones `cogauth list --json` prints), so the UI,
//! the CLI and the tests speak one vocabulary. A secret is never part of a view.

use std::collections::HashSet;

use cogauth_core::backup::BackupStatus;
use cogauth_core::transfer::{self, ImportPlan};
use cogauth_core::{Account, AccountId, Code, CurrentCode, SecretStore, Vault, VaultError};
use serde::Serialize;

use crate::error::CommandError;
use crate::settings::ListView;

/// The answer of `list_accounts`.
#[derive(Debug, Serialize)]
pub struct AccountList {
    /// The Unix time (seconds) the codes were computed for.
    pub now: u64,
    /// Every account in the vault, except those being deleted: in stored order, or in the
    /// order `view` names.
    pub accounts: Vec<AccountRow>,
    /// When the last backup was made, if accounts were added since (the reminder).
    pub backup: Option<BackupStatus>,
    /// How the list is shown: `accounts` are in `view.order`.
    pub view: ListView,
}

/// One account with its current code.
#[derive(Debug, Serialize)]
pub struct AccountRow {
    /// The metadata core stores: id, issuer, label, kind, period or counter, algorithm,
    /// digits, state.
    #[serde(flatten)]
    pub account: Account,
    /// The current code with its validity window. `None` for HOTP accounts (revealing an
    /// HOTP code advances the counter, so it waits for an explicit action) and when the
    /// secret could not be read.
    pub code: Option<Code>,
    /// The code of the following period (time-based accounts), shown as the current one is
    /// about to expire.
    pub next: Option<Code>,
    /// Why `code` is missing, when the keychain failed for this account. One account's
    /// keychain problem does not hide the others.
    pub error: Option<CommandError>,
}

impl AccountList {
    /// The accounts of `vault` with their codes at `now` (Unix seconds), leaving out `hidden`.
    pub fn at<S: SecretStore>(
        vault: &Vault<S>,
        now: u64,
        hidden: &HashSet<AccountId>,
    ) -> Result<Self, CommandError> {
        let accounts = vault
            .current_codes(now)?
            .into_iter()
            .filter(|current| !hidden.contains(&current.account.id))
            .map(
                |CurrentCode {
                     account,
                     code,
                     next,
                 }| match code {
                    Ok(code) => AccountRow {
                        account,
                        code,
                        next,
                        error: None,
                    },
                    Err(error) => AccountRow {
                        account,
                        code: None,
                        next: None,
                        error: Some(VaultError::Keychain(error).into()),
                    },
                },
            )
            .collect();
        Ok(AccountList {
            now,
            accounts,
            backup: None,
            view: ListView::default(),
        })
    }

    /// The list in `view.order` (core's orders, a view over the stored one).
    pub fn arranged(mut self, view: ListView) -> Self {
        view.order.arrange(&mut self.accounts, |row| &row.account);
        self.view = view;
        self
    }

    /// Whether every current code in the list still has more than a second to live at `now`
    /// (Unix seconds).
    pub fn still_current(&self, now: u64) -> bool {
        self.accounts
            .iter()
            .filter_map(|row| row.code.as_ref()?.window)
            .all(|window| window.valid_until > now + 1)
    }
}

/// An account named in an answer: no code, no secret.
#[derive(Debug, Serialize)]
pub struct AccountRef {
    /// Its id.
    pub id: String,
    /// Its issuer.
    pub issuer: String,
    /// Its label.
    pub label: String,
}

impl From<&Account> for AccountRef {
    fn from(account: &Account) -> Self {
        AccountRef {
            id: account.id.to_string(),
            issuer: account.issuer.clone(),
            label: account.label.clone(),
        }
    }
}

/// One export format CogAuth reads, for the import view's list.
#[derive(Debug, Serialize)]
pub struct ImportFormat {
    /// Its machine name.
    pub name: &'static str,
    /// The application that writes it.
    pub app: &'static str,
    /// Which of its files.
    pub files: &'static str,
}

/// Every format of core's registry, in its order.
pub fn import_formats() -> Vec<ImportFormat> {
    transfer::formats()
        .iter()
        .map(|f| {
            let about = f.about();
            ImportFormat {
                name: f.name(),
                app: about.app,
                files: about.files,
            }
        })
        .collect()
}

/// One account an import would add.
#[derive(Debug, Serialize)]
pub struct PreviewEntry {
    /// Its issuer.
    pub issuer: String,
    /// Its label.
    pub label: String,
    /// `totp`, `hotp` or `steam`.
    pub kind: &'static str,
}

/// The answer of `import_preview`: what an import would do, without secrets.
#[derive(Debug, Serialize)]
pub struct ImportPreview {
    /// The file's format.
    pub format: &'static str,
    /// The application that wrote it, as core names it; `None` for QR codes and copied links.
    pub app: Option<&'static str>,
    /// What the format holds that is not imported (icons, groups, …), in words.
    pub not_imported: Vec<&'static str>,
    /// The accounts to add, in file order.
    pub new: Vec<PreviewEntry>,
    /// How many entries are skipped as duplicates.
    pub duplicates: usize,
    /// Findings that do not stop the import, as sentences.
    pub warnings: Vec<String>,
}

impl From<&ImportPlan> for ImportPreview {
    fn from(plan: &ImportPlan) -> Self {
        let about = transfer::about(plan.format);
        ImportPreview {
            format: plan.format,
            app: about.map(|a| a.app),
            not_imported: about.map_or(Vec::new(), |a| a.drops.iter().map(|d| d.words()).collect()),
            new: plan
                .new
                .iter()
                .map(|uri| PreviewEntry {
                    issuer: uri.issuer.clone(),
                    label: uri.label.clone(),
                    kind: uri.params.kind.name(),
                })
                .collect(),
            duplicates: plan.duplicates.len(),
            warnings: plan.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
pub(crate) mod tests {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use cogauth_core::{
        AccountId, Algorithm, KeychainError, NewAccount, OtpKind, OtpParams, Secret, Vault,
    };
    use serde_json::{Value, json};

    use super::*;

    /// A keychain in memory; `get` of an id in `refuse` fails as a locked keychain would.
    #[derive(Default)]
    pub(crate) struct MemoryStore {
        secrets: RefCell<HashMap<AccountId, Vec<u8>>>,
        refuse: RefCell<Vec<AccountId>>,
    }

    impl SecretStore for MemoryStore {
        fn put(&self, id: &AccountId, secret: &Secret) -> Result<(), KeychainError> {
            self.secrets
                .borrow_mut()
                .insert(id.clone(), secret.expose().to_vec());
            Ok(())
        }

        fn get(&self, id: &AccountId) -> Result<Secret, KeychainError> {
            if self.refuse.borrow().contains(id) {
                return Err(KeychainError::Locked {
                    detail: "refused by the test".to_owned(),
                });
            }
            let bytes = self.secrets.borrow().get(id).cloned();
            let missing = || KeychainError::Missing {
                service: "test".to_owned(),
                id: id.to_string(),
            };
            Secret::from_bytes(bytes.ok_or_else(missing)?).map_err(|_| missing())
        }

        fn delete(&self, id: &AccountId) -> Result<(), KeychainError> {
            self.secrets.borrow_mut().remove(id);
            Ok(())
        }
    }

    /// RFC 6238 appendix B's SHA1 key.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    fn add(vault: &Vault<MemoryStore>, label: &str, kind: OtpKind) -> Account {
        let new = NewAccount::active(
            "Example".to_owned(),
            label.to_owned(),
            OtpParams::new(kind, Algorithm::Sha1, 6).expect("valid parameters"),
            Secret::from_bytes(RFC_SECRET.to_vec()).expect("valid secret"),
        );
        vault.add(new).expect("the account is added")
    }

    fn vault() -> (tempfile::TempDir, Vault<MemoryStore>) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let vault = Vault::new(dir.path(), MemoryStore::default());
        (dir, vault)
    }

    fn listed(vault: &Vault<MemoryStore>, now: u64) -> Value {
        let list = AccountList::at(vault, now, &HashSet::new()).expect("the vault lists");
        serde_json::to_value(list).expect("the list serializes")
    }

    #[test]
    fn totp_rows_carry_the_code_and_its_window() {
        let (_dir, vault) = vault();
        add(&vault, "alice", OtpKind::Totp { period: 30 });
        let list = listed(&vault, 59);
        assert_eq!(list["now"], json!(59));
        let row = &list["accounts"][0];
        assert_eq!(row["issuer"], json!("Example"));
        assert_eq!(row["label"], json!("alice"));
        assert_eq!(row["kind"], json!("totp"));
        assert_eq!(row["period"], json!(30));
        assert_eq!(row["digits"], json!(6));
        // RFC 6238 appendix B, T = 59 s: 94287082, of which the last six digits.
        assert_eq!(row["code"]["value"], json!("287082"));
        assert_eq!(row["code"]["valid_from"], json!(30));
        assert_eq!(row["code"]["valid_until"], json!(60));
        assert_eq!(row["error"], Value::Null);
    }

    #[test]
    fn hotp_rows_have_no_code_and_listing_does_not_use_one_up() {
        let (_dir, vault) = vault();
        add(&vault, "counter", OtpKind::Hotp { counter: 7 });
        let first = listed(&vault, 1_000);
        let second = listed(&vault, 2_000);
        assert_eq!(first["accounts"][0]["code"], Value::Null);
        assert_eq!(first["accounts"][0]["counter"], json!(7));
        assert_eq!(second["accounts"][0]["counter"], json!(7));
    }

    #[test]
    fn one_unreadable_secret_does_not_hide_the_other_accounts() {
        let (_dir, vault) = vault();
        let locked = add(&vault, "locked", OtpKind::Totp { period: 30 });
        add(&vault, "fine", OtpKind::Totp { period: 30 });
        vault.store().refuse.borrow_mut().push(locked.id);
        let list = listed(&vault, 59);
        assert_eq!(list["accounts"][0]["code"], Value::Null);
        assert_eq!(
            list["accounts"][0]["error"]["kind"],
            json!("keychain_locked")
        );
        assert_eq!(list["accounts"][1]["code"]["value"], json!("287082"));
    }

    #[test]
    fn rows_carry_the_next_code_and_leave_out_accounts_being_deleted() {
        let (_dir, vault) = vault();
        let gone = add(&vault, "deleting", OtpKind::Totp { period: 30 });
        add(&vault, "kept", OtpKind::Totp { period: 30 });
        let hidden = HashSet::from([gone.id]);
        let list = AccountList::at(&vault, 59, &hidden).expect("the vault lists");
        let list = serde_json::to_value(list).expect("the list serializes");
        let rows = list["accounts"].as_array().expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["label"], json!("kept"));
        // RFC 6238's SHA1 key at T = 60..89 s: 37359152 (`oathtool --totp -d 8 -N @60`).
        assert_eq!(rows[0]["next"]["value"], json!("359152"));
        assert_eq!(rows[0]["next"]["valid_from"], json!(60));
    }

    #[test]
    fn a_list_is_current_until_a_second_before_its_first_code_expires() {
        let (_dir, vault) = vault();
        add(&vault, "alice", OtpKind::Totp { period: 30 });
        add(&vault, "counter", OtpKind::Hotp { counter: 0 });
        let list = AccountList::at(&vault, 40, &HashSet::new()).expect("the vault lists");
        assert!(list.still_current(40));
        assert!(list.still_current(58));
        assert!(!list.still_current(59));
        assert!(!list.still_current(61));
    }

    #[test]
    fn no_row_holds_the_secret() {
        let (_dir, vault) = vault();
        add(&vault, "alice", OtpKind::Totp { period: 30 });
        let text = listed(&vault, 59).to_string();
        // The secret as raw text and as base32 ("GEZDGNBVGY3TQOJQ...").
        assert!(!text.contains("1234567890"));
        assert!(!text.to_ascii_uppercase().contains("GEZDGNBVGY3TQOJQ"));
    }
}
