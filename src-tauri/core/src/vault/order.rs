//! The orders an account list can be shown in. The stored (manual) order is never changed by
//! them: each is a view over it, so the manual order is there again when the user goes back.

use serde::{Deserialize, Serialize};

use super::account::Account;

/// How a list of accounts is ordered for display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListOrder {
    /// The stored order, as the user arranged it.
    #[default]
    Manual,
    /// By label (the account name), then issuer, ignoring case.
    Name,
    /// By issuer, then label, ignoring case (accounts without an issuer sort by their label).
    Issuer,
    /// The account whose code was copied last first; never-used accounts after, in stored
    /// order.
    Recent,
}

impl ListOrder {
    /// Every order, in the order a menu offers them.
    pub const ALL: [ListOrder; 4] = [
        ListOrder::Manual,
        ListOrder::Name,
        ListOrder::Issuer,
        ListOrder::Recent,
    ];

    /// The order's stable name, as stored in settings and sent to the UI.
    pub fn name(self) -> &'static str {
        match self {
            ListOrder::Manual => "manual",
            ListOrder::Name => "name",
            ListOrder::Issuer => "issuer",
            ListOrder::Recent => "recent",
        }
    }

    /// Sorts `items` (in stored order) into this order; `account` finds each item's account.
    /// Stable: items that compare equal keep their stored order.
    pub fn arrange<T>(self, items: &mut [T], account: impl Fn(&T) -> &Account) {
        let folded = |text: &str| text.to_lowercase();
        match self {
            ListOrder::Manual => {}
            ListOrder::Name => items.sort_by_cached_key(|item| {
                let a = account(item);
                (folded(&a.label), folded(&a.issuer))
            }),
            ListOrder::Issuer => items.sort_by_cached_key(|item| {
                let a = account(item);
                let issuer = if a.issuer.is_empty() {
                    &a.label
                } else {
                    &a.issuer
                };
                (folded(issuer), folded(&a.label))
            }),
            ListOrder::Recent => {
                items.sort_by_key(|item| std::cmp::Reverse(account(item).last_used.unwrap_or(0)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, OtpKind, OtpParams};
    use crate::vault::{AccountId, AccountState};

    fn account(issuer: &str, label: &str, last_used: Option<u64>) -> Account {
        Account {
            id: AccountId::generate().expect("random"),
            issuer: issuer.into(),
            label: label.into(),
            params: OtpParams::new(OtpKind::Totp { period: 30 }, Algorithm::Sha1, 6)
                .expect("valid"),
            state: AccountState::Active,
            created_at: 0,
            last_used,
            cognito: None,
        }
    }

    fn names(order: ListOrder, accounts: &[Account]) -> Vec<String> {
        let mut sorted = accounts.to_vec();
        order.arrange(&mut sorted, |a| a);
        sorted.iter().map(Account::display_name).collect()
    }

    #[test]
    fn each_order_is_a_view_over_the_stored_one() {
        let stored = [
            account("Zulu", "bob", None),
            account("acme", "Carol", Some(50)),
            account("", "alice", Some(90)),
            account("Acme", "alice", None),
            account("bank", "dave", Some(10)),
        ];
        assert_eq!(
            names(ListOrder::Manual, &stored),
            ["Zulu:bob", "acme:Carol", "alice", "Acme:alice", "bank:dave"]
        );
        assert_eq!(
            names(ListOrder::Name, &stored),
            ["alice", "Acme:alice", "Zulu:bob", "acme:Carol", "bank:dave"]
        );
        assert_eq!(
            names(ListOrder::Issuer, &stored),
            ["Acme:alice", "acme:Carol", "alice", "bank:dave", "Zulu:bob"]
        );
        assert_eq!(
            names(ListOrder::Recent, &stored),
            ["alice", "acme:Carol", "bank:dave", "Zulu:bob", "Acme:alice"]
        );
    }

    #[test]
    fn names_round_trip_through_serde() {
        for order in ListOrder::ALL {
            let json = serde_json::to_string(&order).expect("serializes");
            assert_eq!(json, format!("\"{}\"", order.name()));
            assert_eq!(
                serde_json::from_str::<ListOrder>(&json).expect("parses"),
                order
            );
        }
    }
}
