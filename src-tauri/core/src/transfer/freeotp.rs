//! FreeOTP's token stores: FreeOTP 1.x's `tokens.xml` (plain) and FreeOTP 2's backup
//! (`externalBackup.xml`, encrypted with a password). One format, told apart by the first bytes.
//!
//! Follows FreeOTP's own code (freeotp-android: `Token`, `TokenPersistence`,
//! `encryptor/MasterKey`, `encryptor/EncryptedKey`) as Aegis's `FreeOtpImporter` reads it:
//! - `tokens.xml` is Android SharedPreferences XML: `<map>` of `<string name="id">` entries,
//!   each a token's JSON (the object FreeOTP+ exports, see [`token_account`]; the secret as
//!   Java's signed bytes), plus `tokenOrder`, a JSON array of the ids in display order. Read by
//!   a strict reader of exactly that shape: an XML declaration, `<map>`, `<string>` entries
//!   (or `<string name="…" />`), the entities `&quot; &amp; &lt; &gt; &apos; &#N; &#xN;`;
//!   anything else is refused. FreeOTP 1.x stores an HOTP counter one lower than the next
//!   code's (it keeps the URI's `counter - 1`), so 1 is added, as for FreeOTP+.
//! - The backup is a Java-serialized `HashMap<String, String>` (Java Object Serialization
//!   Stream Protocol, version 5; read by a bounded reader of exactly that object) holding
//!   `masterKey`, and per token `<uuid>` and `<uuid>-token`. `masterKey` is JSON:
//!   `mAlgorithm` (PBKDF2withHmacSHA1 or PBKDF2withHmacSHA512), `mIterations`, `mSalt` and
//!   `mEncryptedKey`; the key derived from the password (UTF-8) is as long as the salt (32
//!   bytes: AES-256) and opens `mEncryptedKey`, the 32-byte master key. An encrypted key is
//!   JSON: `mCipher` (AES/GCM/NoPadding), `mCipherText` (ciphertext and 16-byte tag, signed
//!   bytes), `mParameters` (Java's DER encoding of the GCM parameters: the 12-byte nonce as an
//!   OCTET STRING, alone or in a SEQUENCE with the tag length) and `mToken`, the additional
//!   authenticated data. `<uuid>` is `{"key": "<an encrypted key, as a JSON string>"}`, the
//!   token's secret under the master key; `<uuid>-token` is the token's JSON without its secret.
//!   FreeOTP 2 stores the next code's HOTP counter: it is taken as it is.
//!
//! Order: `tokenOrder` when the file has one (tokens it does not list follow, in file order);
//! otherwise file order, that of the `<string>` entries or of the `<uuid>` keys in the
//! serialized map (FreeOTP 2's backups have no `tokenOrder` and keep their tokens in a
//! HashMap, so that order is arbitrary but the same for the same file). A `<uuid>-token`
//! without its `<uuid>` has no secret and is skipped, as FreeOTP's own restore skips it.
//!
//! Drops: images, colours and the lock setting. No Steam, as for FreeOTP+: a TOTP token whose
//! issuer is "Steam" stays TOTP. The PBKDF2 work a file may ask for is bounded
//! ([`MAX_PBKDF2_ITERATIONS`]) and checked, with every other field of the file, before the
//! password is used.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{self, KEY_LEN, NONCE_LEN, TAG_LEN};
use super::error::{EntryProblem, ImportError, Position, shorten};
use super::json::Obj;
use super::{
    About, Decoded, Dropped, Format, Input, KindName, MAX_ENTRIES, account, check_count,
    entry_params, parse_json, unsupported_type,
};
use crate::otp::{MAX_SECRET_BYTES, OtpError, Secret};
use crate::uri::OtpAuthUri;

const NAME: &str = "freeotp";
/// The entry both stores may hold with the ids in display order.
const TOKEN_ORDER: &str = "tokenOrder";
/// The backup's entry holding the password-encrypted master key.
const MASTER_KEY: &str = "masterKey";
/// The suffix of a backup's token settings entries (`<uuid>-token`).
const SETTINGS_SUFFIX: &str = "-token";
/// The most PBKDF2 iterations a backup may ask for: ten times FreeOTP's 100 000. A million
/// rounds of HMAC-SHA512 take about a second on a desktop CPU, so a hostile file cannot make a
/// password attempt cost more than that.
const MAX_PBKDF2_ITERATIONS: u64 = 1_000_000;
/// The only GCM cipher name FreeOTP writes.
const GCM: &str = "AES/GCM/NoPadding";

/// FreeOTP's token store or backup.
pub(super) struct FreeOtp;

impl Format for FreeOtp {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static About {
        &About {
            app: "FreeOTP",
            files: "FreeOTP 2 encrypted backup (externalBackup.xml), or tokens.xml (FreeOTP 1, FreeOTP+)",
            drops: &[Dropped::Icons, Dropped::Colours],
        }
    }

    fn detect(&self, input: &Input<'_>) -> bool {
        is_backup(input.bytes()) || input.text().is_some_and(looks_like_tokens_xml)
    }

    fn needs_password(&self, input: &Input<'_>) -> bool {
        is_backup(input.bytes())
    }

    fn read(&self, input: &Input<'_>, password: Option<&[u8]>) -> Result<Decoded, ImportError> {
        let accounts = if is_backup(input.bytes()) {
            read_backup(input.bytes(), password)?
        } else {
            read_tokens_xml(input.text().ok_or(ImportError::UnknownFormat)?)?
        };
        Ok(Decoded::new(NAME, accounts))
    }
}

fn malformed(reason: impl Into<String>) -> ImportError {
    ImportError::malformed(NAME, reason)
}

// ---------------------------------------------------------------------------------------------
// The token object, shared with FreeOTP+'s JSON export.

/// How a token's JSON stores its HOTP counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StoredCounter {
    /// One lower than the next code's counter (FreeOTP 1.x, FreeOTP+): 1 is added.
    OneLower,
    /// The next code's counter (FreeOTP 2).
    Next,
}

/// An account from a token object as FreeOTP's `Token` class serializes it: `type` (TOTP or
/// HOTP), `algo`, `digits`, `period`, `counter`, `label`, `issuerExt` (the URI's issuer),
/// `issuerInt` (the label's issuer prefix), optional user overrides `issuerAlt` and `labelAlt`,
/// and `secret` as an array of Java's signed bytes (-128..127), unless the caller gives the
/// `secret` (decrypted from a backup). The issuer is `issuerAlt`, else `issuerExt`, else
/// `issuerInt`; the label is `labelAlt`, else `label`, as FreeOTP shows them. FreeOTP has no
/// Steam type, but shows Steam Guard codes for a TOTP token whose `issuerExt` is `Steam` (as
/// FreeOTP+ and Aegis do): such a token is a Steam account, its digits and algorithm Steam's.
pub(super) fn token_account(
    token: Obj<'_>,
    secret: Option<Secret>,
    counter: StoredCounter,
) -> Result<OtpAuthUri, EntryProblem> {
    let kind = match token.str("type")?.to_ascii_lowercase().as_str() {
        "totp" if token.opt_str("issuerExt")? == Some("Steam") => KindName::Steam,
        "totp" => KindName::Totp,
        "hotp" => KindName::Hotp,
        // FreeOTP has no Steam type: "steam" here is as unknown as anything else.
        other => return Err(unsupported_type(other)),
    };
    let counter = match token.opt_i64("counter")? {
        Some(stored) => Some(
            match counter {
                StoredCounter::OneLower => stored.checked_add(1),
                StoredCounter::Next => Some(stored),
            }
            .and_then(|next| u64::try_from(next).ok())
            .ok_or(EntryProblem::BadValue {
                field: "counter",
                reason: "is out of range",
            })?,
        ),
        None => None,
    };
    let params = if kind == KindName::Steam {
        // FreeOTP writes 5 digits and SHA1 for these; Steam's own settings are the truth.
        entry_params(kind, None, None, token.opt_u32("period")?, None)?
    } else {
        entry_params(
            kind,
            token.opt_str("algo")?,
            token.opt_u32("digits")?,
            token.opt_u32("period")?,
            counter,
        )?
    };
    let secret = match secret {
        Some(secret) => secret,
        None => token_secret(&token)?,
    };
    let first = |keys: &[&'static str]| -> Result<&str, EntryProblem> {
        for key in keys {
            if let Some(text) = token.opt_str(key)?.filter(|t| !t.trim().is_empty()) {
                return Ok(text);
            }
        }
        Ok("")
    };
    let issuer = first(&["issuerAlt", "issuerExt", "issuerInt"])?;
    let label = first(&["labelAlt", "label"])?;
    account(issuer, label, params, secret)
}

/// The token's `secret`: Java's signed bytes (unsigned 0..255 accepted too).
fn token_secret(token: &Obj<'_>) -> Result<Secret, EntryProblem> {
    let items = token.array("secret")?;
    if items.len() > MAX_SECRET_BYTES {
        return Err(EntryProblem::Otp(OtpError::SecretTooLong {
            bytes: items.len(),
        }));
    }
    let mut bytes = java_bytes(items, "secret")?;
    Ok(Secret::from_bytes(std::mem::take(&mut *bytes))?)
}

/// A JSON array of Java's signed bytes (unsigned 0..255 accepted too).
fn java_bytes(items: &[Value], field: &'static str) -> Result<Zeroizing<Vec<u8>>, EntryProblem> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(items.len()));
    for item in items {
        let value =
            item.as_i64()
                .filter(|v| (-128..=255).contains(v))
                .ok_or(EntryProblem::WrongType {
                    field,
                    expected: "an array of bytes (-128 to 255)",
                })?;
        // Two's complement: -1 is 0xff.
        bytes.push(value as u8);
    }
    Ok(bytes)
}

/// `items` in the order of `order` (ids, first mention counts); the items it does not list
/// follow in their own order.
fn in_order<T>(items: Vec<T>, id: impl Fn(&T) -> &str, order: Option<&[String]>) -> Vec<T> {
    let Some(order) = order else {
        return items;
    };
    let mut rank: HashMap<&str, usize> = HashMap::with_capacity(order.len());
    for (i, listed) in order.iter().enumerate() {
        rank.entry(listed.as_str()).or_insert(i);
    }
    let mut ranked: Vec<(usize, T)> = items
        .into_iter()
        .map(|item| (rank.get(id(&item)).copied().unwrap_or(usize::MAX), item))
        .collect();
    // Stable: unlisted items keep their order.
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, item)| item).collect()
}

/// A `tokenOrder` value: a JSON array of ids.
fn token_order(text: &str) -> Result<Vec<String>, ImportError> {
    let wrong = || malformed("'tokenOrder' is not a JSON array of token ids");
    let value = parse_json(text).map_err(|_| wrong())?;
    value
        .as_array()
        .ok_or_else(wrong)?
        .iter()
        .map(|id| id.as_str().map(str::to_owned).ok_or_else(wrong))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// FreeOTP 1.x: tokens.xml.

/// Whether `text` is a SharedPreferences `<map>` whose first entry is a `<string>` holding JSON
/// (an object, or the `tokenOrder` array). Looks at the first entry only.
fn looks_like_tokens_xml(text: &str) -> bool {
    let mut cursor = Cursor::new(text);
    if prologue(&mut cursor).is_err() || !cursor.eat("<map>") {
        return false;
    }
    cursor.skip_space();
    if !cursor.eat("<string name=\"") {
        return false;
    }
    let Some((name, rest)) = cursor.rest().split_once('"') else {
        return false;
    };
    let Some(value) = rest.trim_start().strip_prefix('>') else {
        return false;
    };
    if name == TOKEN_ORDER {
        value.starts_with('[')
    } else {
        value.starts_with("{&quot;") || value.starts_with("{\"")
    }
}

fn read_tokens_xml(text: &str) -> Result<Vec<OtpAuthUri>, ImportError> {
    let prefs = prefs(text, MAX_ENTRIES + 1).map_err(|error| match error {
        XmlError::TooMany(count) => ImportError::TooManyEntries { count },
        XmlError::At { line, reason } => {
            malformed(format!("the XML is not valid at line {line}: {reason}"))
        }
    })?;
    let mut names = HashSet::with_capacity(prefs.len());
    let mut order = None;
    let mut tokens = Vec::with_capacity(prefs.len());
    for pref in &prefs {
        if !names.insert(pref.name.as_str()) {
            return Err(malformed(format!(
                "the entry '{}' appears twice",
                shorten(&pref.name)
            )));
        }
        if pref.name == TOKEN_ORDER {
            order = Some(token_order(&pref.value)?);
        } else {
            tokens.push(pref);
        }
    }
    check_count(tokens.len())?;
    in_order(tokens, |pref| pref.name.as_str(), order.as_deref())
        .into_iter()
        .enumerate()
        .map(|(i, pref)| {
            let position = Position::Entry(i + 1);
            let value = parse_json(&pref.value).map_err(|reason| {
                malformed(format!(
                    "the entry '{}' is not JSON: {reason}",
                    shorten(&pref.name)
                ))
            })?;
            let token = Obj::of(&value, "value").map_err(|problem| {
                ImportError::entry(position, (pref.name.as_str(), ""), problem)
            })?;
            token_account(token, None, StoredCounter::OneLower).map_err(|problem| {
                let names = (token.name_part("issuerExt"), token.name_part("label"));
                ImportError::entry(position, names, problem)
            })
        })
        .collect()
}

/// One `<string name="…">…</string>` of a SharedPreferences file, its text unescaped.
struct Pref {
    name: String,
    /// The token JSON, with its secret: wiped when dropped.
    value: Zeroizing<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum XmlError {
    /// Not the expected XML, at a (1-based) line.
    At { line: usize, reason: &'static str },
    /// More than the maximum of entries.
    TooMany(usize),
}

/// The text being read and the byte position in it.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
    }

    /// Steps over `literal` if the text continues with it.
    fn eat(&mut self, literal: &str) -> bool {
        let found = self.rest().starts_with(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    fn expect(&mut self, literal: &str, reason: &'static str) -> Result<(), XmlError> {
        if self.eat(literal) {
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    /// The text up to (not including) the next `stop`, which is not consumed.
    fn until(&mut self, stop: char, reason: &'static str) -> Result<&'a str, XmlError> {
        let rest = self.rest();
        let end = rest.find(stop).ok_or_else(|| self.error(reason))?;
        self.pos += end;
        Ok(rest.get(..end).unwrap_or_default())
    }

    fn error(&self, reason: &'static str) -> XmlError {
        let before = self.text.as_bytes().get(..self.pos).unwrap_or_default();
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        XmlError::At { line, reason }
    }
}

/// Space and an optional XML declaration before the root element.
fn prologue(cursor: &mut Cursor<'_>) -> Result<(), XmlError> {
    cursor.skip_space();
    if cursor.eat("<?xml") {
        cursor.until('?', "the XML declaration is not closed")?;
        cursor.expect("?>", "the XML declaration is not closed")?;
        cursor.skip_space();
    }
    Ok(())
}

/// The entries of a SharedPreferences file that holds only `<string>` entries, at most `max`.
fn prefs(text: &str, max: usize) -> Result<Vec<Pref>, XmlError> {
    let mut cursor = Cursor::new(text);
    prologue(&mut cursor)?;
    cursor.expect("<map", "the root element is not <map>")?;
    cursor.skip_space();
    let mut prefs = Vec::new();
    if !cursor.eat("/>") {
        cursor.expect(">", "the root element is not <map>")?;
        loop {
            cursor.skip_space();
            if cursor.eat("</map") {
                cursor.skip_space();
                cursor.expect(">", "the </map> tag is not closed")?;
                break;
            }
            if cursor.rest().is_empty() {
                return Err(cursor.error("the file ends before </map>"));
            }
            if prefs.len() == max {
                return Err(XmlError::TooMany(max + 1));
            }
            prefs.push(pref(&mut cursor)?);
        }
    }
    cursor.skip_space();
    if !cursor.rest().is_empty() {
        return Err(cursor.error("there is more after the <map> element"));
    }
    Ok(prefs)
}

/// One `<string name="…">text</string>` or `<string name="…" />`.
fn pref(cursor: &mut Cursor<'_>) -> Result<Pref, XmlError> {
    const OTHER: &str = "an element other than <string> (only <string> entries are expected)";
    cursor.expect("<string", OTHER)?;
    let spaced = cursor.rest().starts_with([' ', '\t', '\r', '\n']);
    cursor.skip_space();
    if !spaced || !cursor.eat("name") {
        return Err(cursor.error("a <string> entry without a name attribute first"));
    }
    cursor.skip_space();
    cursor.expect("=", "the name attribute has no value")?;
    cursor.skip_space();
    let quote = if cursor.eat("\"") {
        '"'
    } else if cursor.eat("'") {
        '\''
    } else {
        return Err(cursor.error("the name attribute's value is not quoted"));
    };
    let start = cursor.pos;
    let raw = cursor.until(quote, "the name attribute's value is not closed")?;
    if raw.contains('<') {
        return Err(cursor.error("a '<' in an attribute value"));
    }
    let mut name = String::with_capacity(raw.len());
    let at = |pos| Cursor {
        text: cursor.text,
        pos,
    };
    unescape(raw, &mut name).map_err(|reason| at(start).error(reason))?;
    cursor.pos += quote.len_utf8();
    cursor.skip_space();
    if cursor.eat("/>") {
        return Ok(Pref {
            name,
            value: Zeroizing::default(),
        });
    }
    cursor.expect(">", "a <string> tag is not closed")?;
    let start = cursor.pos;
    let raw = cursor.until('<', "a <string> entry is not closed")?;
    // Decoded text is never longer than its escaped form, so the buffer is never reallocated
    // (which would leave a copy of the secret in freed memory).
    let mut value = Zeroizing::new(String::with_capacity(raw.len()));
    unescape(raw, &mut value).map_err(|reason| at(start).error(reason))?;
    cursor.expect(
        "</string",
        "a <string> entry holds an element or is not closed",
    )?;
    cursor.skip_space();
    cursor.expect(">", "a </string> tag is not closed")?;
    Ok(Pref { name, value })
}

/// Appends `raw` to `out` with the XML entities replaced.
fn unescape(raw: &str, out: &mut String) -> Result<(), &'static str> {
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        // The longest reference is `&#x10FFFF;`, longer ones are not references.
        let semicolon = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i)
            .ok_or("an '&' that does not start an entity")?;
        let entity = after.get(..semicolon).unwrap_or_default();
        out.push(match entity {
            "quot" => '"',
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            _ => character_reference(entity)?,
        });
        rest = after.get(semicolon + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(())
}

/// The character of `#NN` or `#xNN`.
fn character_reference(entity: &str) -> Result<char, &'static str> {
    let number = entity.strip_prefix('#').ok_or("an unknown entity")?;
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err("a malformed character reference");
    }
    u32::from_str_radix(digits, radix)
        .ok()
        .and_then(char::from_u32)
        .filter(|c| *c != '\0')
        .ok_or("a character reference to an invalid character")
}

// ---------------------------------------------------------------------------------------------
// FreeOTP 2: the encrypted backup.

/// The Java serialization magic and version 5.
const JAVA_MAGIC: [u8; 4] = [0xac, 0xed, 0x00, 0x05];

fn is_backup(bytes: &[u8]) -> bool {
    bytes.starts_with(&JAVA_MAGIC)
}

fn read_backup(bytes: &[u8], password: Option<&[u8]>) -> Result<Vec<OtpAuthUri>, ImportError> {
    // Each token is two entries, plus the master key and an order.
    let map = java_string_map(bytes, 2 * MAX_ENTRIES + 2).map_err(|error| match error {
        JavaError::TooMany(size) => ImportError::TooManyEntries { count: size / 2 },
        JavaError::Truncated => malformed("the backup ends early (the file is cut short)"),
        JavaError::Refused { at, reason } => malformed(format!(
            "the backup is not a Java-serialized HashMap of strings: {reason} (byte {at})"
        )),
    })?;
    let mut master = None;
    let mut order = None;
    let mut settings: HashMap<&str, &str> = HashMap::new();
    let mut keys = Vec::new();
    let mut seen = HashSet::with_capacity(map.len());
    for (key, value) in &map {
        if !seen.insert(key.as_str()) {
            return Err(malformed(format!(
                "the key '{}' appears twice",
                shorten(key)
            )));
        }
        match key.as_str() {
            MASTER_KEY => master = Some(value.as_str()),
            TOKEN_ORDER => order = Some(token_order(value)?),
            _ => match key.strip_suffix(SETTINGS_SUFFIX) {
                Some(id) => {
                    settings.insert(id, value.as_str());
                }
                None => keys.push((key.as_str(), value.as_str())),
            },
        }
    }
    let master = master.ok_or_else(|| malformed("it has no 'masterKey' entry"))?;
    check_count(keys.len())?;
    // Everything is checked before the password is used.
    let master = MasterKey::parse(master)?;
    let tokens = in_order(keys, |entry| entry.0, order.as_deref())
        .into_iter()
        .enumerate()
        .map(|(i, (id, key))| {
            BackupToken::parse(Position::Entry(i + 1), id, key, settings.get(id).copied())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
    let master_key = master.open(password)?;
    tokens
        .iter()
        .map(|token| token.account(&master_key))
        .collect()
}

/// An AES-GCM encrypted key as FreeOTP's `EncryptedKey` stores it.
struct Sealed {
    /// The ciphertext with its 16-byte tag appended.
    sealed: Zeroizing<Vec<u8>>,
    nonce: Zeroizing<Vec<u8>>,
    /// `mToken`, authenticated with the ciphertext.
    aad: String,
}

impl Sealed {
    fn parse(key: Obj<'_>) -> Result<Self, EntryProblem> {
        if key.str("mCipher")? != GCM {
            return Err(EntryProblem::BadValue {
                field: "mCipher",
                reason: "is not AES/GCM/NoPadding, the cipher FreeOTP uses",
            });
        }
        let sealed = java_bytes(key.array("mCipherText")?, "mCipherText")?;
        if sealed.len() < TAG_LEN {
            return Err(EntryProblem::BadValue {
                field: "mCipherText",
                reason: "is shorter than its GCM tag",
            });
        }
        let parameters = java_bytes(key.array("mParameters")?, "mParameters")?;
        let bad = |reason| EntryProblem::BadValue {
            field: "mParameters",
            reason,
        };
        let (nonce, tag_len) = gcm_parameters(&parameters).map_err(bad)?;
        if nonce.len() != NONCE_LEN {
            return Err(bad("holds a nonce that is not 12 bytes long"));
        }
        if tag_len.is_some_and(|len| len != TAG_LEN as u32) {
            return Err(bad("asks for a GCM tag that is not 16 bytes long"));
        }
        Ok(Sealed {
            sealed,
            nonce: Zeroizing::new(nonce.to_vec()),
            aad: key.str("mToken")?.to_owned(),
        })
    }

    /// The plaintext, if `key` opens it.
    fn open(&self, key: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let split = self.sealed.len().checked_sub(TAG_LEN)?;
        let (ciphertext, tag) = self.sealed.split_at(split);
        crypto::aes256gcm_open_with(key, &self.nonce, self.aad.as_bytes(), ciphertext, tag)
    }
}

/// PBKDF2's HMAC hash.
#[derive(Debug, Clone, Copy)]
enum Kdf {
    Sha1,
    Sha512,
}

/// The backup's `masterKey`, checked and bounded.
struct MasterKey {
    kdf: Kdf,
    iterations: u32,
    salt: Zeroizing<Vec<u8>>,
    key: Sealed,
}

impl MasterKey {
    fn parse(text: &str) -> Result<Self, ImportError> {
        let problem = |problem: EntryProblem| malformed(format!("masterKey: {problem}"));
        let value = parse_json(text)
            .map_err(|reason| malformed(format!("'masterKey' is not JSON: {reason}")))?;
        let master = Obj::of(&value, "masterKey").map_err(problem)?;
        let kdf = match master.str("mAlgorithm").map_err(problem)? {
            name if name.eq_ignore_ascii_case("PBKDF2withHmacSHA1") => Kdf::Sha1,
            name if name.eq_ignore_ascii_case("PBKDF2withHmacSHA512") => Kdf::Sha512,
            _ => {
                return Err(ImportError::Unsupported {
                    format: NAME,
                    what: "FreeOTP backups whose key is derived by another function than PBKDF2 with HMAC-SHA1 or HMAC-SHA512",
                });
            }
        };
        let iterations = master
            .opt_u64("mIterations")
            .map_err(problem)?
            .ok_or(EntryProblem::Missing("mIterations"))
            .map_err(problem)?;
        if iterations > MAX_PBKDF2_ITERATIONS {
            return Err(ImportError::TooManyIterations {
                format: NAME,
                iterations,
                max: MAX_PBKDF2_ITERATIONS,
            });
        }
        let iterations = u32::try_from(iterations)
            .ok()
            .filter(|n| *n > 0)
            .ok_or(EntryProblem::BadValue {
                field: "mIterations",
                reason: "must be at least 1",
            })
            .map_err(problem)?;
        let salt = java_bytes(master.array("mSalt").map_err(problem)?, "mSalt").map_err(problem)?;
        // FreeOTP derives a key as long as the salt, and its keys are AES-256 keys.
        if salt.len() != KEY_LEN {
            return Err(ImportError::Unsupported {
                format: NAME,
                what: "FreeOTP backups whose salt is not 32 bytes long",
            });
        }
        let key = Sealed::parse(master.object("mEncryptedKey").map_err(problem)?)
            .map_err(|p| malformed(format!("masterKey.mEncryptedKey: {p}")))?;
        if key.sealed.len() != KEY_LEN + TAG_LEN {
            return Err(malformed(
                "masterKey.mEncryptedKey does not hold a 32-byte key",
            ));
        }
        Ok(MasterKey {
            kdf,
            iterations,
            salt,
            key,
        })
    }

    /// The master key, if `password` opens it.
    fn open(&self, password: &[u8]) -> Result<Zeroizing<Vec<u8>>, ImportError> {
        let mut derived = Zeroizing::new([0u8; KEY_LEN]);
        match self.kdf {
            Kdf::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(
                password,
                &self.salt,
                self.iterations,
                derived.as_mut_slice(),
            ),
            Kdf::Sha512 => pbkdf2::pbkdf2_hmac::<pbkdf2::sha2::Sha512>(
                password,
                &self.salt,
                self.iterations,
                derived.as_mut_slice(),
            ),
        }
        self.key
            .open(derived.as_slice())
            .filter(|key| key.len() == KEY_LEN)
            .ok_or(ImportError::WrongPassword { format: NAME })
    }
}

/// One token of a backup: its settings and its encrypted secret, checked.
struct BackupToken {
    position: Position,
    id: String,
    /// The settings, a JSON object.
    settings: Value,
    key: Sealed,
}

impl BackupToken {
    fn parse(
        position: Position,
        id: &str,
        key: &str,
        settings: Option<&str>,
    ) -> Result<Self, ImportError> {
        let not_json = |what: &str| {
            malformed(format!(
                "the {what} of the token '{}' is not JSON",
                shorten(id)
            ))
        };
        let settings = settings.ok_or_else(|| {
            malformed(format!(
                "the token '{}' has no '-token' entry with its settings",
                shorten(id)
            ))
        })?;
        let settings = parse_json(settings).map_err(|_| not_json("settings entry"))?;
        let fail = |problem| token_error(position, id, &settings, problem);
        Obj::of(&settings, "settings").map_err(fail)?;
        let wrapper = parse_json(key).map_err(|_| not_json("key entry"))?;
        let wrapper = Obj::of(&wrapper, "key entry").map_err(fail)?;
        let sealed =
            parse_json(wrapper.str("key").map_err(fail)?).map_err(|_| not_json("encrypted key"))?;
        let key = Sealed::parse(Obj::of(&sealed, "key").map_err(fail)?).map_err(fail)?;
        Ok(BackupToken {
            position,
            id: id.to_owned(),
            settings,
            key,
        })
    }

    fn account(&self, master_key: &[u8]) -> Result<OtpAuthUri, ImportError> {
        let fail = |problem| token_error(self.position, &self.id, &self.settings, problem);
        let mut plain = self.key.open(master_key).ok_or_else(|| {
            fail(EntryProblem::BadValue {
                field: "key",
                reason: "does not decrypt with the master key the password opened (the file is damaged)",
            })
        })?;
        let secret = Secret::from_bytes(std::mem::take(&mut *plain)).map_err(|e| fail(e.into()))?;
        let settings = Obj::of(&self.settings, "settings").map_err(fail)?;
        token_account(settings, Some(secret), StoredCounter::Next).map_err(fail)
    }
}

/// An error about a backup's token, named after its issuer and label, else its id.
fn token_error(
    position: Position,
    id: &str,
    settings: &Value,
    problem: EntryProblem,
) -> ImportError {
    let names = Obj::of(settings, "settings")
        .map(|o| (o.name_part("issuerExt"), o.name_part("label")))
        .ok()
        .filter(|(issuer, label)| !issuer.trim().is_empty() || !label.trim().is_empty())
        .unwrap_or((id, ""));
    ImportError::entry(position, names, problem)
}

// ---------------------------------------------------------------------------------------------
// Java serialization: exactly one HashMap<String, String>.

const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_LONGSTRING: u8 = 0x7c;
const SC_WRITE_METHOD: u8 = 0x01;
const SC_SERIALIZABLE: u8 = 0x02;
const HASH_MAP: &str = "java.util.HashMap";
/// `java.util.HashMap`'s serialVersionUID.
const HASH_MAP_UID: i64 = 362_498_820_763_181_265;
/// HashMap's serializable fields are `loadFactor` and (not on every Android) `threshold`.
const MAX_FIELDS: u16 = 8;
/// The fewest bytes one entry takes: two empty TC_STRINGs.
const MIN_ENTRY_BYTES: usize = 6;

#[derive(Debug, PartialEq, Eq)]
enum JavaError {
    /// The stream ends before the map does.
    Truncated,
    /// Something other than what a HashMap of strings holds, at a byte offset.
    Refused { at: usize, reason: &'static str },
    /// The map says it holds more entries than allowed.
    TooMany(usize),
}

/// The bytes being read and the position in them.
struct Stream<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Stream<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], JavaError> {
        let end = self.pos.checked_add(len).ok_or(JavaError::Truncated)?;
        let taken = self.bytes.get(self.pos..end).ok_or(JavaError::Truncated)?;
        self.pos = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], JavaError> {
        self.take(N)?.try_into().map_err(|_| JavaError::Truncated)
    }

    fn u8(&mut self) -> Result<u8, JavaError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, JavaError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn i32(&mut self) -> Result<i32, JavaError> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, JavaError> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Reads one byte that must be `byte`.
    fn expect(&mut self, byte: u8, reason: &'static str) -> Result<(), JavaError> {
        let at = self.pos;
        if self.u8()? == byte {
            Ok(())
        } else {
            Err(JavaError::Refused { at, reason })
        }
    }

    /// A string of `len` bytes of (modified) UTF-8.
    fn utf(&mut self, len: usize) -> Result<String, JavaError> {
        let at = self.pos;
        java_utf8(self.take(len)?).ok_or(JavaError::Refused {
            at,
            reason: "a string that is not valid UTF-8",
        })
    }

    /// A class or field name: a 2-byte length and its UTF-8.
    fn name(&mut self) -> Result<String, JavaError> {
        let len = self.u16()?;
        self.utf(usize::from(len))
    }

    /// A TC_STRING or TC_LONGSTRING object.
    fn string(&mut self) -> Result<String, JavaError> {
        let at = self.pos;
        let refused = |reason| JavaError::Refused { at, reason };
        let len = match self.u8()? {
            TC_STRING => usize::from(self.u16()?),
            // Longer than its 8-byte length allows means longer than the stream: truncated.
            TC_LONGSTRING => {
                usize::try_from(self.i64()?).map_err(|_| refused("a string of negative length"))?
            }
            TC_REFERENCE => return Err(refused("a back-reference to an earlier object")),
            TC_NULL => return Err(refused("a null key or value")),
            _ => return Err(refused("a key or value that is not a string")),
        };
        self.utf(len)
    }
}

/// Java's modified UTF-8 (NUL as `C0 80`, characters beyond the BMP as two 3-byte surrogates);
/// standard UTF-8 is taken as it is.
fn java_utf8(bytes: &[u8]) -> Option<String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_owned());
    }
    let mut units = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        let continuation = |i: usize| {
            tail.get(i)
                .filter(|b| *b & 0xc0 == 0x80)
                .map(|b| u16::from(b & 0x3f))
        };
        let (unit, len) = match first {
            0x01..=0x7f => (u16::from(first), 1),
            0xc0..=0xdf => ((u16::from(first & 0x1f) << 6) | continuation(0)?, 2),
            0xe0..=0xef => (
                (u16::from(first & 0x0f) << 12) | (continuation(0)? << 6) | continuation(1)?,
                3,
            ),
            _ => return None,
        };
        units.push(unit);
        rest = rest.get(len..)?;
    }
    String::from_utf16(&units).ok()
}

/// The entries, in stream order, of a serialized `java.util.HashMap` whose keys and values are
/// strings, refusing anything else; at most `max_entries`.
fn java_string_map(bytes: &[u8], max_entries: usize) -> Result<Vec<(String, String)>, JavaError> {
    let mut stream = Stream { bytes, pos: 0 };
    let refused = |at, reason| JavaError::Refused { at, reason };
    if stream.array::<4>()? != JAVA_MAGIC {
        return Err(refused(0, "not a Java serialization stream of version 5"));
    }
    stream.expect(TC_OBJECT, "the stream does not start with an object")?;
    stream.expect(TC_CLASSDESC, "the object's class is not described")?;
    let at = stream.pos;
    if stream.name()? != HASH_MAP {
        return Err(refused(at, "the object is not a java.util.HashMap"));
    }
    let at = stream.pos;
    if stream.i64()? != HASH_MAP_UID {
        return Err(refused(
            at,
            "the serialVersionUID is not java.util.HashMap's",
        ));
    }
    stream.expect(
        SC_SERIALIZABLE | SC_WRITE_METHOD,
        "the class flags are not java.util.HashMap's",
    )?;
    let at = stream.pos;
    let fields = stream.u16()?;
    if fields > MAX_FIELDS {
        return Err(refused(
            at,
            "the class has more fields than java.util.HashMap",
        ));
    }
    let mut field_bytes = 0;
    for _ in 0..fields {
        let at = stream.pos;
        field_bytes += match stream.u8()? {
            b'B' | b'Z' => 1,
            b'C' | b'S' => 2,
            b'F' | b'I' => 4,
            b'D' | b'J' => 8,
            _ => return Err(refused(at, "a field that is not of a primitive type")),
        };
        stream.name()?;
    }
    stream.expect(TC_ENDBLOCKDATA, "the class has annotations")?;
    stream.expect(TC_NULL, "the class has a serializable superclass")?;
    // loadFactor and threshold: not needed.
    stream.take(field_bytes)?;
    stream.expect(TC_BLOCKDATA, "the map's capacity and size are missing")?;
    stream.expect(8, "the map's capacity and size are not 8 bytes")?;
    let _capacity = stream.i32()?;
    let at = stream.pos;
    let size = usize::try_from(stream.i32()?).map_err(|_| refused(at, "a negative size"))?;
    if size > max_entries {
        return Err(JavaError::TooMany(size));
    }
    let mut entries = Vec::with_capacity(size.min(stream.remaining() / MIN_ENTRY_BYTES));
    for _ in 0..size {
        let key = stream.string()?;
        let value = stream.string()?;
        entries.push((key, value));
    }
    stream.expect(TC_ENDBLOCKDATA, "the map does not end after its entries")?;
    if stream.remaining() > 0 {
        return Err(refused(stream.pos, "there are bytes after the map"));
    }
    Ok(entries)
}

// ---------------------------------------------------------------------------------------------
// DER: the GCM parameters.

const DER_INTEGER: u8 = 0x02;
const DER_OCTET_STRING: u8 = 0x04;
const DER_SEQUENCE: u8 = 0x30;

/// One DER element: its tag, its content and what follows it. Lengths of up to two bytes
/// (64 KiB); longer ones and indefinite lengths are refused.
fn der_element(input: &[u8]) -> Result<(u8, &[u8], &[u8]), &'static str> {
    const SHORT: &str = "is not valid DER (it is cut short)";
    let (&tag, rest) = input.split_first().ok_or(SHORT)?;
    if tag & 0x1f == 0x1f {
        return Err("is not the DER expected (a multi-byte tag)");
    }
    let (&first, rest) = rest.split_first().ok_or(SHORT)?;
    let (len, rest) = match first {
        0x00..=0x7f => (usize::from(first), rest),
        0x81 | 0x82 => {
            let (len, rest) = rest
                .split_at_checked(usize::from(first & 0x7f))
                .ok_or(SHORT)?;
            let len = len.iter().fold(0, |len, b| (len << 8) | usize::from(*b));
            (len, rest)
        }
        _ => return Err("is not the DER expected (an indefinite or too long length)"),
    };
    let (content, rest) = rest.split_at_checked(len).ok_or(SHORT)?;
    Ok((tag, content, rest))
}

/// The nonce and, when given, the tag length in bytes of Java's DER encoding of GCM
/// parameters: `GCMParameters ::= SEQUENCE { nonce OCTET STRING, icvLen INTEGER OPTIONAL }`
/// (RFC 5084), or the bare OCTET STRING of older Android versions.
fn gcm_parameters(der: &[u8]) -> Result<(&[u8], Option<u32>), &'static str> {
    let (tag, content, rest) = der_element(der)?;
    if !rest.is_empty() {
        return Err("has bytes after its DER value");
    }
    match tag {
        DER_OCTET_STRING => Ok((content, None)),
        DER_SEQUENCE => {
            let (tag, nonce, rest) = der_element(content)?;
            if tag != DER_OCTET_STRING {
                return Err("does not start with the nonce (an OCTET STRING)");
            }
            if rest.is_empty() {
                return Ok((nonce, None));
            }
            let (tag, integer, rest) = der_element(rest)?;
            if tag != DER_INTEGER || !rest.is_empty() {
                return Err("holds more than the nonce and the tag length");
            }
            let tag_len = match integer {
                [byte] if *byte < 0x80 => u32::from(*byte),
                [0, byte] if *byte >= 0x80 => u32::from(*byte),
                _ => return Err("holds a tag length out of range"),
            };
            Ok((nonce, Some(tag_len)))
        }
        _ => Err("is neither an OCTET STRING nor a SEQUENCE"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A serialized HashMap as Android API 25 and later write it (fields loadFactor and
    /// threshold), with the given strings as TC_STRINGs.
    fn java_map(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut out = vec![0xac, 0xed, 0x00, 0x05, TC_OBJECT, TC_CLASSDESC];
        out.extend_from_slice(&(HASH_MAP.len() as u16).to_be_bytes());
        out.extend_from_slice(HASH_MAP.as_bytes());
        out.extend_from_slice(&HASH_MAP_UID.to_be_bytes());
        out.push(SC_SERIALIZABLE | SC_WRITE_METHOD);
        out.extend_from_slice(&2u16.to_be_bytes());
        for (code, name) in [(b'F', "loadFactor"), (b'I', "threshold")] {
            out.push(code);
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name.as_bytes());
        }
        out.extend_from_slice(&[TC_ENDBLOCKDATA, TC_NULL]);
        out.extend_from_slice(&0.75f32.to_be_bytes());
        out.extend_from_slice(&12i32.to_be_bytes());
        out.extend_from_slice(&[TC_BLOCKDATA, 8]);
        out.extend_from_slice(&16i32.to_be_bytes());
        out.extend_from_slice(&(entries.len() as i32).to_be_bytes());
        for (key, value) in entries {
            for text in [key, value] {
                out.push(TC_STRING);
                out.extend_from_slice(&(text.len() as u16).to_be_bytes());
                out.extend_from_slice(text.as_bytes());
            }
        }
        out.push(TC_ENDBLOCKDATA);
        out
    }

    fn pairs(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn refused_at(result: Result<Vec<(String, String)>, JavaError>) -> (usize, &'static str) {
        match result {
            Err(JavaError::Refused { at, reason }) => (at, reason),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn java_map_reads_the_entries_in_stream_order() {
        let entries = [("masterKey", "{}"), ("b", ""), ("a", "é ☃")];
        let bytes = java_map(&entries);
        assert_eq!(java_string_map(&bytes, 10), Ok(pairs(&entries)));
        assert_eq!(java_string_map(&java_map(&[]), 10), Ok(vec![]));
    }

    #[test]
    fn java_map_reads_long_strings_and_modified_utf8() {
        let mut bytes = java_map(&[("k", "v")]);
        let end = bytes.len() - 1;
        // Replace the value "v" (TC_STRING, 0, 1, 'v') by a TC_LONGSTRING holding a NUL
        // (C0 80) and U+1F600 as two surrogates (ED A0 BD, ED B8 80).
        let value = [0xc0, 0x80, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80];
        bytes.truncate(end - 4);
        bytes.push(TC_LONGSTRING);
        bytes.extend_from_slice(&(value.len() as i64).to_be_bytes());
        bytes.extend_from_slice(&value);
        bytes.push(TC_ENDBLOCKDATA);
        assert_eq!(
            java_string_map(&bytes, 10),
            Ok(vec![("k".to_owned(), "\0\u{1f600}".to_owned())])
        );
        assert_eq!(java_utf8(&[0xed, 0xa0, 0xbd]), None, "a lone surrogate");
        assert_eq!(java_utf8(&[0xc3]), None, "cut short");
        assert_eq!(java_utf8(&[0xf8, 0x80]), None);
    }

    #[test]
    fn fail_java_map_refuses_other_objects_and_values() {
        let good = java_map(&[("k", "v")]);
        let header = good.len() - 1 - 2 * 4;
        let with = |at: usize, byte: u8| {
            let mut bytes = good.clone();
            bytes[at] = byte;
            bytes
        };
        assert_eq!(refused_at(java_string_map(&with(3, 4), 10)).0, 0);
        assert_eq!(refused_at(java_string_map(&with(4, TC_STRING), 10)).0, 4);
        assert_eq!(refused_at(java_string_map(&with(8, b'X'), 10)).0, 6);
        let uid = 8 + HASH_MAP.len();
        assert_eq!(refused_at(java_string_map(&with(uid, 0), 10)).0, uid);
        assert_eq!(
            refused_at(java_string_map(&with(uid + 8, 2), 10)).0,
            uid + 8
        );
        // The first field's type code.
        let field = uid + 11;
        let (at, reason) = refused_at(java_string_map(&with(field, b'L'), 10));
        assert_eq!(
            (at, reason),
            (field, "a field that is not of a primitive type")
        );
        // The key's type code: a reference, a null, something else.
        for (byte, reason) in [
            (TC_REFERENCE, "a back-reference to an earlier object"),
            (TC_NULL, "a null key or value"),
            (TC_OBJECT, "a key or value that is not a string"),
        ] {
            let (at, why) = refused_at(java_string_map(&with(header, byte), 10));
            assert_eq!((at, why), (header, reason));
        }
        // A negative size, bytes after the map, a missing end.
        let size = header - 4;
        assert_eq!(
            refused_at(java_string_map(&with(size, 0xff), 10)),
            (size, "a negative size")
        );
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(
            refused_at(java_string_map(&trailing, 10)),
            (good.len(), "there are bytes after the map")
        );
        let last = good.len() - 1;
        assert_eq!(
            refused_at(java_string_map(&with(last, TC_NULL), 10)).1,
            "the map does not end after its entries"
        );
    }

    #[test]
    fn fail_java_map_bounds_entries_and_lengths() {
        let bytes = java_map(&[("a", "1"), ("b", "2"), ("c", "3")]);
        assert_eq!(java_string_map(&bytes, 2), Err(JavaError::TooMany(3)));
        // A size of 2^31 - 1 in a short stream: no huge allocation, truncated.
        let mut huge = java_map(&[]);
        let size = huge.len() - 5;
        huge[size..size + 4].copy_from_slice(&i32::MAX.to_be_bytes());
        huge.pop();
        assert_eq!(
            java_string_map(&huge, usize::MAX),
            Err(JavaError::Truncated)
        );
        // A long string longer than the stream.
        let mut long = java_map(&[]);
        long.truncate(long.len() - 5);
        long.extend_from_slice(&1i32.to_be_bytes());
        long.push(TC_LONGSTRING);
        long.extend_from_slice(&i64::MAX.to_be_bytes());
        assert_eq!(java_string_map(&long, 10), Err(JavaError::Truncated));
        // Every cut is truncated.
        for cut in 4..bytes.len() {
            assert_eq!(
                java_string_map(&bytes[..cut], 10),
                Err(JavaError::Truncated),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn der_reads_both_gcm_parameter_encodings() {
        let nonce = [7u8; 12];
        let mut bare = vec![DER_OCTET_STRING, 12];
        bare.extend_from_slice(&nonce);
        assert_eq!(gcm_parameters(&bare), Ok((&nonce[..], None)));
        let mut sequence = vec![DER_SEQUENCE, 17, DER_OCTET_STRING, 12];
        sequence.extend_from_slice(&nonce);
        sequence.extend_from_slice(&[DER_INTEGER, 1, 16]);
        assert_eq!(gcm_parameters(&sequence), Ok((&nonce[..], Some(16))));
        let mut long_form = vec![DER_SEQUENCE, 0x81, 16, DER_OCTET_STRING, 0x82, 0, 12];
        long_form.extend_from_slice(&nonce);
        assert_eq!(gcm_parameters(&long_form), Ok((&nonce[..], None)));
        assert_eq!(
            gcm_parameters(&[
                DER_SEQUENCE,
                6,
                DER_OCTET_STRING,
                0,
                DER_INTEGER,
                2,
                0,
                0x80
            ]),
            Ok((&[][..], Some(128)))
        );
    }

    #[test]
    fn fail_der_refuses_other_shapes_without_panicking() {
        let cases: [&[u8]; 10] = [
            &[],
            &[DER_OCTET_STRING],
            &[DER_OCTET_STRING, 3, 1, 2],
            &[DER_OCTET_STRING, 1, 1, 0],
            &[DER_OCTET_STRING, 0x80, 1, 0, 0],
            &[DER_OCTET_STRING, 0x83, 0, 0, 1, 1],
            &[DER_INTEGER, 1, 1],
            &[DER_SEQUENCE, 3, DER_INTEGER, 1, 16],
            &[DER_SEQUENCE, 5, DER_OCTET_STRING, 0, DER_INTEGER, 1, 0x90],
            &[0x1f, 1, 0],
        ];
        for der in cases {
            assert!(gcm_parameters(der).is_err(), "{der:?}");
        }
        let with_more = [
            DER_SEQUENCE,
            7,
            DER_OCTET_STRING,
            0,
            DER_INTEGER,
            1,
            16,
            5,
            0,
        ];
        assert_eq!(
            gcm_parameters(&with_more),
            Err("holds more than the nonce and the tag length")
        );
        // Every prefix of a valid encoding is refused.
        let mut sequence = vec![DER_SEQUENCE, 17, DER_OCTET_STRING, 12];
        sequence.extend_from_slice(&[1; 12]);
        sequence.extend_from_slice(&[DER_INTEGER, 1, 16]);
        for cut in 0..sequence.len() {
            assert!(gcm_parameters(&sequence[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn xml_reads_string_entries_and_entities() {
        let text = concat!(
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n",
            "  <string name=\"a&amp;b\">{&quot;x&quot;:&#60;&#x3e;&apos;&lt;&gt;}</string>\n",
            "  <string name='empty' />\n  <string name=\"e2\"></string >\n</map>\n",
        );
        let entries = prefs(text, 10).expect("valid");
        let read: Vec<(&str, &str)> = entries
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(read, [("a&b", "{\"x\":<>'<>}"), ("empty", ""), ("e2", "")]);
        assert!(prefs(" <map/> ", 10).expect("empty").is_empty());
    }

    #[test]
    fn fail_xml_refuses_other_shapes_naming_the_line() {
        let at = |text: &str| match prefs(text, 10) {
            Err(XmlError::At { line, reason }) => (line, reason),
            other => panic!("not refused: {:?}", other.map(|p| p.len())),
        };
        assert_eq!(at("<map>\n<string name=\"a\">x").0, 2);
        assert_eq!(
            at("<map>\n\n<string name=\"a\">&bogus;</string></map>"),
            (3, "an unknown entity")
        );
        assert_eq!(
            at("<map><string name=\"a\">a & b</string></map>").1,
            "an '&' that does not start an entity"
        );
        assert_eq!(
            at("<map><string name=\"a\">&#0;</string></map>").1,
            "a character reference to an invalid character"
        );
        assert_eq!(
            at("<map><string name=\"a\">&#xD800;</string></map>").1,
            "a character reference to an invalid character"
        );
        assert_eq!(
            at("<map><string name=\"a\">&#+1;</string></map>").1,
            "a malformed character reference"
        );
        assert_eq!(
            at("<map><int name=\"a\" value=\"1\" /></map>").1,
            "an element other than <string> (only <string> entries are expected)"
        );
        assert_eq!(
            at("<map><string name=\"a\"><b/></string></map>").1,
            "a <string> entry holds an element or is not closed"
        );
        assert_eq!(
            at("<map></map><map></map>").1,
            "there is more after the <map> element"
        );
        assert_eq!(at("<set></set>").1, "the root element is not <map>");
        assert_eq!(at("<map>").1, "the file ends before </map>");
        assert_eq!(
            at("<?xml version='1.0'").1,
            "the XML declaration is not closed"
        );
        assert_eq!(
            at("<map><string>x</string></map>").1,
            "a <string> entry without a name attribute first"
        );
        assert_eq!(
            at("<map><string name=\"a<\">x</string></map>").1,
            "a '<' in an attribute value"
        );
        assert_eq!(
            prefs("<map><string name='a'/><string name='b'/></map>", 1).map(|p| p.len()),
            Err(XmlError::TooMany(2))
        );
    }

    #[test]
    fn tokens_xml_detection_looks_at_the_first_entry() {
        assert!(looks_like_tokens_xml(
            "<?xml version='1.0' ?>\n<map>\n <string name=\"A:b\">{&quot;algo&quot;:1}</string></map>"
        ));
        assert!(looks_like_tokens_xml(
            "<map><string name=\"tokenOrder\">[&quot;A:b&quot;]</string></map>"
        ));
        assert!(!looks_like_tokens_xml(
            "<map><string name=\"x\">hello</string></map>"
        ));
        assert!(!looks_like_tokens_xml(
            "<map><int name=\"x\" value=\"1\" /></map>"
        ));
        assert!(!looks_like_tokens_xml("{\"tokens\": []}"));
        assert!(!looks_like_tokens_xml("<map><string name=\"x"));
        assert!(!looks_like_tokens_xml(""));
    }

    #[test]
    fn in_order_follows_the_order_then_the_file() {
        let items = vec!["a", "b", "c", "d"];
        let order = [
            "c".to_owned(),
            "x".to_owned(),
            "a".to_owned(),
            "c".to_owned(),
        ];
        assert_eq!(
            in_order(items.clone(), |s| s, Some(&order)),
            ["c", "a", "b", "d"]
        );
        assert_eq!(in_order(items.clone(), |s| s, None), items);
    }

    #[test]
    fn the_iteration_message_states_the_bound() {
        let master = r#"{"mAlgorithm":"PBKDF2withHmacSHA1","mIterations":1000001}"#;
        let error = MasterKey::parse(master).err().expect("refused");
        assert_eq!(error.kind(), "kdf_too_costly");
        let message = error.to_string();
        assert!(
            message.contains(&format!(
                "1000001 PBKDF2 iterations, beyond the {MAX_PBKDF2_ITERATIONS}"
            )),
            "{message}"
        );
        let at_bound = r#"{"mAlgorithm":"PBKDF2withHmacSHA1","mIterations":1000000}"#;
        let error = MasterKey::parse(at_bound).err().expect("no salt");
        assert_eq!(error.kind(), "malformed", "{error}");
    }
}
