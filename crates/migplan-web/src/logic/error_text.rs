//! How the page words an input error: where it is, then what. Native, so the wording is
//! unit-tested with the worker's answers.

use migplan_core::problem::input::InputError;

/// Where an error is, as "file, line 3, column rate: " (or "line 3, character 7" in JSON),
/// leaving out what it does not know. An error without a file is about a box of the page
/// (time limit, seed, spare GPUs, ...): its `column` is that box's label, shown as such
/// ("Time limit: "), since the box is no column of any file.
pub fn place(e: &InputError) -> String {
    if e.file.is_empty() && e.line.is_none() {
        return e.column.as_ref().map_or(String::new(), |label| format!("{label}: "));
    }
    let parts: Vec<String> = [
        (!e.file.is_empty()).then(|| e.file.clone()),
        e.line.map(|l| format!("line {l}")),
        e.character.map(|c| format!("character {c}")),
        e.column.as_ref().map(|c| format!("column {c}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}: ", parts.join(", "))
    }
}

/// The whole error on one line, for a panel that lists errors as plain text: where, what,
/// and what to do.
pub fn in_one_line(e: &InputError) -> String {
    match &e.hint {
        Some(hint) => format!("{}{}; {}", place(e), e.message, page_words(hint)),
        None => format!("{}{}", place(e), e.message),
    }
}

/// A hint in the page's words. The core words a hint for both front ends: what to give on
/// the command line, then what to do on the page, as "give --model (on the page: fill in the
/// model field of the file's row)". The page keeps the part after "on the page:" in place of
/// the flags.
pub fn page_words(hint: &str) -> String {
    const ON_THE_PAGE: &str = " (on the page: ";
    let mut out = hint.to_string();
    while let Some(open) = out.find(ON_THE_PAGE) {
        let inside = open + ON_THE_PAGE.len();
        let Some(close) = matching_paren(&out[inside..]).map(|c| inside + c) else { break };
        let page = out[inside..close].to_string();
        let start = out[..open].rfind("give ").unwrap_or(open);
        out.replace_range(start..=close, &page);
    }
    out
}

/// Where the parenthesis opened just before `text` closes.
fn matching_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(file: &str, line: Option<u64>, column: Option<&str>) -> InputError {
        InputError {
            file: file.into(),
            line,
            column: column.map(Into::into),
            character: None,
            message: "msg".into(),
            hint: Some("do this".into()),
        }
    }

    #[test]
    fn a_file_error_names_file_line_and_column_and_a_box_error_names_the_box() {
        assert_eq!(place(&error("w.csv", Some(3), Some("rate"))), "w.csv, line 3, column rate: ");
        assert_eq!(place(&error("w.csv", None, None)), "w.csv: ");
        assert_eq!(place(&error("", None, Some("Time limit"))), "Time limit: ");
        assert_eq!(place(&error("", None, None)), "");
        let json = InputError { character: Some(7), ..error("w.json", Some(3), None) };
        assert_eq!(place(&json), "w.json, line 3, character 7: ");
        assert_eq!(in_one_line(&error("", None, Some("Seed"))), "Seed: msg; do this");
    }
}
