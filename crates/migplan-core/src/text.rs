//! Text at migplan's edges, one rule each for every reader and writer: which names a reader
//! accepts, how every CSV migplan writes is quoted, and how a message is made safe for a
//! terminal. Beneath everything, so the readers, the checker, the exports, the command line
//! and the page share the same rule rather than each its own.

use std::borrow::Cow;

/// The first characters a spreadsheet takes for a formula when it opens a CSV file.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// Why `name` cannot name a model or a profile, if it cannot: it is empty, holds a control
/// character (an escape drives the terminal it is printed on; most are not allowed in XML
/// at all, so the SVG would not open), or starts like a spreadsheet formula (`=`, `+`, `-`,
/// `@`: a CSV export opened in a spreadsheet would run it). Refused where names are read,
/// so every output can write them as they are.
pub fn name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("the name is empty".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Some(format!("the name holds the control character U+{:04X}", c as u32));
    }
    let first = name.chars().next().expect("not empty");
    if FORMULA_STARTS.contains(&first) {
        return Some(format!("the name starts with `{first}`, which a spreadsheet opening the CSV runs as a formula"));
    }
    None
}

/// The hint for a name [`name_problem`] refuses.
pub const NAME_HINT: &str = "rename it: a name is printable text not starting with =, +, - or @";

/// `rows` as CSV, the first row the header. Fields are quoted where a reader needs it: a
/// comma, a quote or a line break, and a leading `#`, which migplan's readers (and most
/// others) take for a comment line.
pub fn csv<R, F>(rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut writer = ::csv::WriterBuilder::new().comment(Some(b'#')).from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).expect("writing to memory cannot fail");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory cannot fail")).expect("the fields are UTF-8")
}

/// `text` as a terminal may show it: every control character but the line feed and the tab
/// written out as `\u{1b}`, so what a file holds can never move the cursor, recolour the
/// screen or ring the bell when a message quotes it.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(
                |c| {
                    if c.is_control() && c != '\n' && c != '\t' {
                        c.escape_unicode().to_string()
                    } else {
                        c.to_string()
                    }
                },
            )
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_control_characters_or_formula_starts_are_refused() {
        assert_eq!(name_problem("bert-base"), None);
        assert_eq!(name_problem("#bert"), None);
        assert_eq!(name_problem("résnet 50"), None);
        assert!(name_problem("").is_some());
        assert!(name_problem("  ").is_some());
        assert!(name_problem("a\u{1b}[31mred").unwrap().contains("U+001B"));
        assert!(name_problem("bell\u{7}").is_some());
        assert!(name_problem("c1\u{9b}").is_some());
        for start in ["=cmd", "+1", "-x", "@SUM(A1)"] {
            assert!(name_problem(start).unwrap().contains("formula"), "{start}");
        }
    }

    #[test]
    fn csv_quotes_what_a_reader_would_misread() {
        let text = csv([vec!["model", "rate"], vec!["#bert", "1"], vec!["a,b", "2"], vec!["say \"hi\"", "3"]]);
        assert_eq!(text, "model,rate\n\"#bert\",1\n\"a,b\",2\n\"say \"\"hi\"\"\",3\n");
        let mut reader = ::csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(text.as_bytes());
        let models: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
        assert_eq!(models, ["#bert", "a,b", "say \"hi\""]);
    }

    #[test]
    fn terminal_escapes_are_written_out() {
        assert_eq!(terminal_safe("plain\n\ttext"), "plain\n\ttext");
        assert_eq!(terminal_safe("a\u{1b}[2Jb\u{7}"), "a\\u{1b}[2Jb\\u{7}");
        assert_eq!(terminal_safe("\u{9b}31m"), "\\u{9b}31m");
    }
}
