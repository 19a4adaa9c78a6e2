//! Comma-separated values as RFC 4180 defines them, for the CSV exports (Bitwarden's): records
//! end at a line break (LF or CRLF) outside quotes, fields are separated by commas, a quoted
//! field may hold commas, line breaks and `""` for a quote. A quote inside an unquoted field is
//! taken as it is, as most readers do; text after a closing quote is refused.
//!
//! Records are read one at a time and fields are slices of the input: a field is copied only
//! when a caller asks for its value, so the columns an import does not use (Bitwarden's
//! passwords) are never copied out of the caller's buffer. Blank lines are skipped.

use std::borrow::Cow;
use std::fmt;

/// The most fields one record may have: far above any export's columns, low enough that a
/// hostile line of commas cannot make a huge record.
pub(super) const MAX_FIELDS: usize = 1_000;

/// One field as it is in the file, quotes removed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field<'a> {
    raw: &'a str,
    /// Whether `raw` holds doubled quotes to undo.
    escaped: bool,
}

impl<'a> Field<'a> {
    /// The field's text.
    pub(super) fn value(&self) -> Cow<'a, str> {
        if self.escaped {
            Cow::Owned(self.raw.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(self.raw)
        }
    }
}

/// One record and the line (1-based) it starts on.
#[derive(Debug)]
pub(super) struct Record<'a> {
    pub(super) line: usize,
    pub(super) fields: Vec<Field<'a>>,
}

impl<'a> Record<'a> {
    /// The value of the field at `index`; empty when the record is shorter.
    pub(super) fn get(&self, index: usize) -> Cow<'a, str> {
        self.fields
            .get(index)
            .map_or(Cow::Borrowed(""), Field::value)
    }
}

/// Why the text is not CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CsvError {
    /// A quoted field that never closes.
    Unclosed { line: usize },
    /// Text between a closing quote and the next comma or line break.
    AfterQuote { line: usize },
    /// A record with more than [`MAX_FIELDS`] fields.
    TooManyFields { line: usize },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Unclosed { line } => write!(f, "line {line}: a quoted field never closes"),
            CsvError::AfterQuote { line } => {
                write!(f, "line {line}: text after a closing quote")
            }
            CsvError::TooManyFields { line } => {
                write!(f, "line {line}: more than {MAX_FIELDS} fields")
            }
        }
    }
}

/// The records of `text`, one at a time.
pub(super) fn records(text: &str) -> Records<'_> {
    Records {
        text,
        pos: 0,
        line: 1,
        failed: false,
    }
}

/// An iterator over the records of a text; stops after the first error.
pub(super) struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    failed: bool,
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let bytes = self.text.as_bytes();
        // Blank lines are not records.
        while let Some(end) = line_break_at(bytes, self.pos) {
            self.pos += end;
            self.line += 1;
        }
        if self.pos >= bytes.len() {
            return None;
        }
        let result = self.record();
        self.failed = result.is_err();
        Some(result)
    }
}

/// The length of the line break (LF or CRLF) at `pos`, if there is one.
fn line_break_at(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos..) {
        Some([b'\n', ..]) => Some(1),
        Some([b'\r', b'\n', ..]) => Some(2),
        _ => None,
    }
}

impl<'a> Records<'a> {
    /// Reads the record at `self.pos`, leaving `self.pos` after its line break.
    fn record(&mut self) -> Result<Record<'a>, CsvError> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let start_line = self.line;
        let mut fields = Vec::new();
        loop {
            if fields.len() == MAX_FIELDS {
                return Err(CsvError::TooManyFields { line: start_line });
            }
            let field = if bytes.get(self.pos) == Some(&b'"') {
                let open = self.pos + 1;
                let mut i = open;
                let mut escaped = false;
                loop {
                    match bytes.get(i) {
                        None => return Err(CsvError::Unclosed { line: start_line }),
                        Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                            escaped = true;
                            i += 2;
                        }
                        Some(b'"') => break,
                        Some(b'\n') => {
                            self.line += 1;
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
                self.pos = i + 1;
                Field {
                    raw: &text[open..i],
                    escaped,
                }
            } else {
                let start = self.pos;
                let mut i = start;
                while i < bytes.len() && bytes[i] != b',' && line_break_at(bytes, i).is_none() {
                    i += 1;
                }
                self.pos = i;
                Field {
                    raw: &text[start..i],
                    escaped: false,
                }
            };
            fields.push(field);
            if bytes.get(self.pos) == Some(&b',') {
                self.pos += 1;
                continue;
            }
            if let Some(end) = line_break_at(bytes, self.pos) {
                self.pos += end;
                self.line += 1;
            } else if self.pos < bytes.len() {
                return Err(CsvError::AfterQuote { line: start_line });
            }
            return Ok(Record {
                line: start_line,
                fields,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
        records(text)
            .map(|r| {
                r.map(|r| {
                    let line = r.line;
                    (
                        line,
                        r.fields.iter().map(|f| f.value().into_owned()).collect(),
                    )
                })
            })
            .collect()
    }

    fn row(line: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (line, fields.iter().map(|f| (*f).to_owned()).collect())
    }

    #[test]
    fn reads_rfc4180_records_with_quotes_commas_and_line_breaks() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\n,,\nlast";
        assert_eq!(
            values(text).unwrap(),
            vec![
                row(1, &["a", "b", "c"]),
                row(2, &["x, y", "say \"hi\"", "two\nlines"]),
                row(5, &["", "", ""]),
                row(6, &["last"]),
            ]
        );
        assert_eq!(values("").unwrap(), vec![]);
        assert_eq!(values("\n\r\n").unwrap(), vec![]);
        assert_eq!(values("a\"b,c").unwrap(), vec![row(1, &["a\"b", "c"])]);
        assert_eq!(values("x,\"\"").unwrap(), vec![row(1, &["x", ""])]);
    }

    #[test]
    fn fail_broken_quotes_and_huge_records_are_refused_with_their_line() {
        assert_eq!(
            values("a\n\"open,b\nc").unwrap_err(),
            CsvError::Unclosed { line: 2 }
        );
        assert_eq!(
            values("a\n\"q\"x,b").unwrap_err(),
            CsvError::AfterQuote { line: 2 }
        );
        let wide = ",".repeat(MAX_FIELDS);
        assert_eq!(
            values(&wide).unwrap_err(),
            CsvError::TooManyFields { line: 1 }
        );
        assert_eq!(
            values(&",".repeat(MAX_FIELDS - 1)).unwrap()[0].1.len(),
            MAX_FIELDS
        );
    }
}
