//! Where a problem of a cluster's files is, for every reader of them.

use crate::problem::input::InputError;

/// A problem of a cluster's file: where it is, what is wrong, what to do.
pub fn file_error(file: &str, line: Option<u64>, field: Option<&str>, message: String, hint: &str) -> InputError {
    InputError {
        file: file.to_string(),
        line,
        column: field.map(str::to_string),
        character: None,
        message,
        hint: Some(hint.to_string()),
    }
}
