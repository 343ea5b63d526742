//! Line numbers as an editor shows them, for the records the csv crate reads.
//!
//! The csv crate stamps a record with the place its reader was when it began the record:
//! before the blank and `#` comment lines it skipped on the way, and, in a CRLF file, before
//! the `\n` that ended the previous line. It also counts only `\n`. So its line is too early
//! after a blank line and on every row of a CRLF file; this finds the line the record's
//! first field is on instead.

/// Where each line of a text starts, to number the records read from it.
pub struct EditorLines<'t> {
    text: &'t [u8],
    /// The byte offset of each line's first byte; the first line starts at 0.
    starts: Vec<usize>,
}

impl<'t> EditorLines<'t> {
    /// `text` must be the very text the csv reader read, so that its byte offsets match.
    pub fn new(text: &'t str) -> Self {
        let text = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in text.iter().enumerate() {
            // CRLF is one line end; a lone CR (old Mac files) is one too, as editors show it.
            if b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        EditorLines { text, starts }
    }

    /// The 1-based line of the record (or header) the reader began at `position`.
    pub fn of_record(&self, position: &csv::Position) -> u64 {
        let mut at = usize::try_from(position.byte()).unwrap_or(usize::MAX).min(self.text.len());
        // Step over what the reader skips before a record, as csv-core does: line ends
        // (blank lines) and, at a record's start, a comment running to the next `\n`.
        while let Some(&b) = self.text.get(at) {
            match b {
                b'\r' | b'\n' => at += 1,
                b'#' => {
                    at = self.text[at..].iter().position(|&c| c == b'\n').map_or(self.text.len(), |end| at + end + 1)
                }
                _ => break,
            }
        }
        self.line_at(at)
    }

    /// The 1-based line holding byte `offset` (the last line for the end of the text).
    fn line_at(&self, offset: usize) -> u64 {
        self.starts.partition_point(|&start| start <= offset) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_lines(text: &str) -> Vec<u64> {
        let lines = EditorLines::new(text);
        let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).flexible(true).from_reader(text.as_bytes());
        let header = lines.of_record(reader.headers().unwrap().position().unwrap());
        let mut found = vec![header];
        found.extend(reader.records().map(|r| lines.of_record(r.unwrap().position().unwrap())));
        found
    }

    #[test]
    fn records_get_the_line_their_first_field_is_on() {
        assert_eq!(record_lines("h\na\nb\n"), [1, 2, 3]);
        assert_eq!(record_lines("h\n\na\n\n\n\nb"), [1, 3, 7]);
        assert_eq!(record_lines("h\r\na\r\n\r\nb\r\n"), [1, 2, 4]);
        assert_eq!(record_lines("h\ra\r\rb\r"), [1, 2, 4]);
        assert_eq!(record_lines("#c\n\nh\n#x\n\"a\nstill a\"\nb\n"), [3, 5, 7]);
        // A `#` inside a record is data, not a comment.
        assert_eq!(record_lines("h,i\na,#1\nb,2\n"), [1, 2, 3]);
    }
}
