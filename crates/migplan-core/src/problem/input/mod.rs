//! Profiles and workload, read from CSV or JSON text (contract.md).
//!
//! The caller hands over the text and a file name to quote; this module never touches the
//! file system. Every row keeps where it came from so that later checks (an unknown profile,
//! a model with no row within its SLO) can still point at the line.

mod from_csv;
mod from_json;
pub mod limits;
mod lines;
pub mod records;
mod rows;
mod to_csv;

pub use lines::EditorLines;
pub use rows::{InputError, InputErrors, ProfileRow, SourceLoc, WorkloadRow};
pub use to_csv::{profiles_csv, workload_csv};

/// Whether a file is read as JSON: by its name, else by its text. A file named `.json` is
/// JSON even when broken, so that its error says where the JSON breaks rather than that it
/// lacks a CSV header.
pub fn is_json(file: &str, text: &str) -> bool {
    // `get`, not indexing: the last five bytes of a name may cut a character in two.
    let named_json = file.get(file.len().saturating_sub(5)..).is_some_and(|end| end.eq_ignore_ascii_case(".json"));
    named_json || without_bom(text).trim_start().starts_with(['{', '['])
}

/// The text without a leading byte-order mark, which editors on Windows like to write.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A file's bytes as text: UTF-8 with or without a byte-order mark, else an error that names
/// the line of the first byte that is not UTF-8.
pub fn decode(file: &str, bytes: &[u8]) -> Result<String, InputError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(without_bom(text).to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Err(InputError {
                file: file.to_string(),
                line: Some(line),
                column: None,
                character: None,
                message: format!("byte {} is not UTF-8 text", e.valid_up_to() + 1),
                hint: Some("save the file as UTF-8 (CSV UTF-8 in a spreadsheet's Save As)".into()),
            })
        }
    }
}

/// Reads profile rows from CSV or JSON text (JSON as [`is_json`] says).
pub fn parse_profiles(file: &str, text: &str) -> Result<Vec<ProfileRow>, InputErrors> {
    let text = without_bom(text);
    if is_json(file, text) {
        from_json::profiles(file, text)
    } else {
        from_csv::profiles(file, text)
    }
}

/// Reads workload rows from CSV or JSON text (JSON as [`is_json`] says).
pub fn parse_workload(file: &str, text: &str) -> Result<Vec<WorkloadRow>, InputErrors> {
    let text = without_bom(text);
    if is_json(file, text) {
        from_json::workload(file, text)
    } else {
        from_csv::workload(file, text)
    }
}

#[cfg(test)]
mod tests;
