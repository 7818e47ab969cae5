//! Reading import files: a fixed header, then rows of a fixed width, each with its line
//! number for error messages.

use std::io::Read;

/// A problem in an import file, with the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    pub line: u64,
    pub message: String,
}

impl LineError {
    pub fn new(line: u64, message: impl Into<String>) -> Self {
        LineError { line, message: message.into() }
    }
}

/// Checks the header and returns every row as trimmed fields with its 1-based line.
pub fn read_rows(input: impl Read, header: &[&str]) -> Result<Vec<(u64, Vec<String>)>, LineError> {
    read_rows_with_optional(input, header, &[])
}

/// As [`read_rows`], where the header may go on with the `optional` columns (all of them,
/// in order, or none): files written before a column was added still read. Rows of a
/// file without them get empty fields in their place.
pub fn read_rows_with_optional(
    input: impl Read,
    required: &[&str],
    optional: &[&str],
) -> Result<Vec<(u64, Vec<String>)>, LineError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(input);
    let found: Vec<String> = reader
        .headers()
        .map_err(|e| LineError::new(1, format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let full: Vec<&str> = required.iter().chain(optional).copied().collect();
    let header = if found == required {
        required
    } else if found == full {
        full.as_slice()
    } else if optional.is_empty() {
        return Err(LineError::new(1, format!("the header must be `{}`", required.join(","))));
    } else {
        return Err(LineError::new(1, format!("the header must be `{}` or `{}`", required.join(","), full.join(","))));
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            LineError::new(line, format!("unreadable row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            return Err(LineError::new(line, format!("expected {} columns, found {}", header.len(), record.len())));
        }
        let mut fields: Vec<String> = record.iter().map(|f| f.trim().to_owned()).collect();
        fields.resize(full.len(), String::new());
        rows.push((line, fields));
    }
    Ok(rows)
}
