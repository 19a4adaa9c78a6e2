//! Typed access to the fields of a parsed JSON export.
//!
//! The JSON formats walk `serde_json::Value`s through these helpers instead of deriving
//! `Deserialize`: serde's messages quote the offending value, which may be a secret, and do
//! not say which entry of the file failed. Here a wrong type is reported by field name only,
//! and `null` counts as absent (exports write both).

use serde_json::{Map, Value};

use super::error::{EntryProblem, ImportError, Position};

/// Reads every entry of an export's array with `read`, all or nothing (the per-entry loop of
/// every JSON format). The first failure names the entry by its 1-based position and, where
/// `names` finds them in an entry that is an object, its issuer and label.
pub(super) fn each_entry<T>(
    items: &[Value],
    read: impl Fn(&Value) -> Result<T, EntryProblem>,
    names: impl for<'v> Fn(Obj<'v>) -> (&'v str, &'v str),
) -> Result<Vec<T>, ImportError> {
    items
        .iter()
        .enumerate()
        .map(|(i, value)| {
            read(value).map_err(|problem| {
                let names = value.as_object().map_or(("", ""), |o| names(Obj(o)));
                ImportError::entry(Position::Entry(i + 1), names, problem)
            })
        })
        .collect()
}

/// A JSON object of an export.
#[derive(Clone, Copy)]
pub(super) struct Obj<'a>(&'a Map<String, Value>);

impl<'a> Obj<'a> {
    /// `value` as an object, or a wrong-type problem naming `field`.
    pub(super) fn of(value: &'a Value, field: &'static str) -> Result<Self, EntryProblem> {
        value.as_object().map(Obj).ok_or(EntryProblem::WrongType {
            field,
            expected: "an object",
        })
    }

    /// The field, `None` when absent or null.
    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// Whether the field is present and not null.
    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(super) fn str(&self, key: &'static str) -> Result<&'a str, EntryProblem> {
        self.opt_str(key)?.ok_or(EntryProblem::Missing(key))
    }

    pub(super) fn opt_str(&self, key: &'static str) -> Result<Option<&'a str>, EntryProblem> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(EntryProblem::WrongType {
                field: key,
                expected: "a string",
            }),
        }
    }

    /// A string field for naming an entry in messages: never fails, empty when unusable.
    pub(super) fn name_part(&self, key: &str) -> &'a str {
        self.get(key).and_then(Value::as_str).unwrap_or_default()
    }

    /// A non-negative integer, written as a JSON number or as a string of digits.
    pub(super) fn opt_u64(&self, key: &'static str) -> Result<Option<u64>, EntryProblem> {
        let wrong = EntryProblem::WrongType {
            field: key,
            expected: "a non-negative whole number",
        };
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(wrong),
            Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse().map(Some).map_err(|_| wrong)
            }
            Some(_) => Err(wrong),
        }
    }

    /// Like [`Obj::opt_u64`], for fields that fit 32 bits (digits, period).
    pub(super) fn opt_u32(&self, key: &'static str) -> Result<Option<u32>, EntryProblem> {
        match self.opt_u64(key)? {
            None => Ok(None),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| EntryProblem::BadValue {
                    field: key,
                    reason: "is out of range",
                }),
        }
    }

    /// A whole number that may be negative.
    pub(super) fn opt_i64(&self, key: &'static str) -> Result<Option<i64>, EntryProblem> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(EntryProblem::WrongType {
                field: key,
                expected: "a whole number",
            }),
            Some(_) => Err(EntryProblem::WrongType {
                field: key,
                expected: "a whole number",
            }),
        }
    }

    pub(super) fn object(&self, key: &'static str) -> Result<Obj<'a>, EntryProblem> {
        Obj::of(self.get(key).ok_or(EntryProblem::Missing(key))?, key)
    }

    pub(super) fn array(&self, key: &'static str) -> Result<&'a [Value], EntryProblem> {
        match self.get(key) {
            None => Err(EntryProblem::Missing(key)),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(EntryProblem::WrongType {
                field: key,
                expected: "an array",
            }),
        }
    }
}

/// The top-level object of a file, if it is one.
pub(super) fn root(value: Option<&Value>) -> Option<Obj<'_>> {
    value.and_then(Value::as_object).map(Obj)
}
