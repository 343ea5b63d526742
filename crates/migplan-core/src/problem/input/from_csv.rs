//! The CSV forms of the profiles and the workload: header by name, every bad field reported
//! with its line and column.

use crate::hardware::catalog::{gpu, gpu_ids};
use crate::problem::input::limits::{check_width, Range, COUNT, MILLISECONDS, RATE, THROUGHPUT};
use crate::problem::input::lines::EditorLines;
use crate::problem::input::rows::{InputError, InputErrors, ProfileRow, SourceLoc, WorkloadRow};
use crate::sorting;
use crate::text::{name_problem, NAME_HINT};

/// The columns of each file, required first; the rest are read when present.
const PROFILE_COLUMNS: [&str; 7] = ["model", "profile", "batch", "latency_ms", "throughput", "processes", "gpu"];
const PROFILE_REQUIRED: usize = 5;
const WORKLOAD_COLUMNS: [&str; 3] = ["model", "rate", "slo_ms"];

// Each column by its place in the lists above, so that a row looks its fields up by index.
const MODEL: usize = 0;
const PROFILE: usize = 1;
const BATCH: usize = 2;
const LATENCY_MS: usize = 3;
const THROUGHPUT_: usize = 4;
const PROCESSES: usize = 5;
const GPU: usize = 6;
const RATE_: usize = 1;
const SLO_MS: usize = 2;

pub(super) fn profiles(file: &str, text: &str) -> Result<Vec<ProfileRow>, InputErrors> {
    let expected = "model,profile,batch,latency_ms,throughput[,processes]";
    let table = CsvTable::read(file, text, &PROFILE_COLUMNS, PROFILE_REQUIRED, expected)?;
    table.rows(|r| {
        Ok(ProfileRow {
            model: r.name(MODEL)?,
            profile: r.name(PROFILE)?,
            batch: r.count(BATCH)?,
            latency_ms: r.ranged(LATENCY_MS, &MILLISECONDS)?,
            throughput: r.ranged(THROUGHPUT_, &THROUGHPUT)?,
            processes: if r.field(PROCESSES).is_empty() { 1 } else { r.count(PROCESSES)? },
            gpu: if r.field(GPU).is_empty() { None } else { Some(r.gpu_id(GPU)?) },
            loc: r.loc(),
        })
    })
}

pub(super) fn workload(file: &str, text: &str) -> Result<Vec<WorkloadRow>, InputErrors> {
    let table = CsvTable::read(file, text, &WORKLOAD_COLUMNS, WORKLOAD_COLUMNS.len(), "model,rate,slo_ms")?;
    table.rows(|r| {
        Ok(WorkloadRow {
            model: r.name(MODEL)?,
            rate: r.ranged(RATE_, &RATE)?,
            slo_ms: r.ranged(SLO_MS, &MILLISECONDS)?,
            loc: r.loc(),
        })
    })
}

/// A CSV file being read: its header checked, its records converted one by one as they are
/// read (a large file is never held twice, as records and as rows).
struct CsvTable<'t> {
    file: String,
    expected: &'t str,
    /// The columns read, and where each is in the file (`None`: an optional one left out).
    names: &'t [&'t str],
    at: Vec<Option<usize>>,
    reader: csv::Reader<&'t [u8]>,
    lines: EditorLines<'t>,
}

impl<'t> CsvTable<'t> {
    /// `names[..required]` must be in the header.
    fn read(
        file: &str,
        text: &'t str,
        names: &'t [&'t str],
        required: usize,
        expected: &'t str,
    ) -> Result<CsvTable<'t>, InputErrors> {
        check_width(file, text)?;
        let mut reader =
            csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes());
        let lines = EditorLines::new(text);
        let header = reader.headers().map_err(|e| csv_error(file, expected, &lines, e))?;
        let header_line = header.position().map_or(1, |p| lines.of_record(p));
        let headers: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
        for (i, h) in headers.iter().enumerate() {
            let read = names.contains(&h.as_str());
            if let Some(first) = headers[..i].iter().position(|o| o == h && read) {
                return Err(InputError {
                    file: file.to_string(),
                    line: Some(header_line),
                    column: Some(h.clone()),
                    character: None,
                    message: format!("column `{h}` appears twice (columns {} and {})", first + 1, i + 1),
                    hint: Some("keep one of them: migplan would not know which to read".into()),
                }
                .into());
            }
        }
        let at: Vec<Option<usize>> = names.iter().map(|n| headers.iter().position(|h| h == n)).collect();
        let missing: Vec<&str> = (0..required).filter(|&k| at[k].is_none()).map(|k| names[k]).collect();
        if !missing.is_empty() {
            return Err(InputError {
                file: file.to_string(),
                line: Some(header_line),
                column: Some(missing[0].to_string()),
                character: None,
                message: format!(
                    "the header lacks column{} {}",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", ")
                ),
                hint: Some(format!("the first line must name the columns {expected} (any order, any case)")),
            }
            .into());
        }
        Ok(CsvTable { file: file.to_string(), expected, names, at, reader, lines })
    }

    /// Converts every record as it is read, collecting all the errors (rows the CSV reader
    /// refuses, a wrong number of fields, among them) rather than stopping at the first.
    fn rows<T>(mut self, convert: impl Fn(&CsvRow) -> Result<T, InputError>) -> Result<Vec<T>, InputErrors> {
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| self.lines.of_record(p));
                    match convert(&CsvRow { table: &self, record: &record, line }) {
                        Ok(row) => rows.push(row),
                        Err(e) => errors.push(e),
                    }
                }
                Err(e) => {
                    let stop = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. });
                    errors.push(csv_error(&self.file, self.expected, &self.lines, e));
                    if stop {
                        break;
                    }
                }
            }
        }
        if rows.is_empty() && errors.is_empty() {
            return Err(InputError {
                file: self.file.clone(),
                line: None,
                column: None,
                character: None,
                message: "no data rows".to_string(),
                hint: Some(format!("add rows under the header {}", self.expected)),
            }
            .into());
        }
        if !errors.is_empty() {
            sorting::sort_by_key(&mut errors, |e| e.line);
            return Err(InputErrors(errors));
        }
        Ok(rows)
    }
}

/// An error of the CSV reader itself, with its line and the columns expected.
fn csv_error(file: &str, expected: &str, lines: &EditorLines, e: csv::Error) -> InputError {
    let line = e.position().map(|p| lines.of_record(p));
    let mut hint = format!("expected CSV columns {expected}");
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            if len > expected_len {
                // The usual cause: a number such as 2,500 read as two fields.
                hint += "; a number with a thousands separator (2,500) splits into two fields: write 2500";
            }
            format!("this row has {len} fields but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    InputError { file: file.to_string(), line, column: None, character: None, message, hint: Some(hint) }
}

struct CsvRow<'a> {
    table: &'a CsvTable<'a>,
    record: &'a csv::StringRecord,
    line: u64,
}

impl CsvRow<'_> {
    fn loc(&self) -> SourceLoc {
        SourceLoc { file: self.table.file.clone(), line: self.line }
    }

    /// Column `k`'s text; empty for an optional column the file leaves out.
    fn field(&self, k: usize) -> &str {
        self.table.at[k].and_then(|i| self.record.get(i)).unwrap_or("")
    }

    fn error(&self, k: usize, message: String, hint: &str) -> InputError {
        InputError::at(&self.loc(), Some(self.table.names[k]), message).with_hint(hint)
    }

    fn name(&self, k: usize) -> Result<String, InputError> {
        let v = self.field(k);
        if v.is_empty() {
            let column = self.table.names[k];
            return Err(self.error(k, format!("`{column}` is empty"), "every row needs a value here"));
        }
        match name_problem(v) {
            None => Ok(v.to_string()),
            Some(problem) => Err(self.error(k, problem, NAME_HINT)),
        }
    }

    fn number(&self, k: usize) -> Result<f64, InputError> {
        let v = self.field(k);
        match v.parse::<f64>() {
            // Past f64's range (`1e400` reads as infinity): out of range, refused by `ranged`.
            Ok(x) if !x.is_nan() => Ok(x),
            // Refused rather than guessed: "2,500" is 2500 in one locale and 2.5 in another.
            _ if v.contains(',') && v.replace(',', "").parse::<f64>().is_ok() => Err(self.error(
                k,
                format!("`{v}` has a comma in it"),
                &format!("write numbers without thousands separators and with a decimal point: {}", v.replace(',', "")),
            )),
            _ => Err(self.error(k, format!("`{v}` is not a number"), "write a plain decimal number such as 12.5")),
        }
    }

    fn ranged(&self, k: usize, range: &Range) -> Result<f64, InputError> {
        let x = self.number(k)?;
        range.check(x).map_err(|message| {
            let message =
                if x.is_infinite() { format!("`{}` is not {}", self.field(k), range.describe()) } else { message };
            let column = self.table.names[k];
            self.error(k, message, &format!("{column} must be {} (see Limits in the docs)", range.describe()))
        })
    }

    /// A catalog GPU id, as the catalog spells it.
    fn gpu_id(&self, k: usize) -> Result<String, InputError> {
        let v = self.field(k);
        gpu(v).map(|g| g.id.to_string()).ok_or_else(|| {
            self.error(
                k,
                format!("`{v}` is not a GPU migplan knows"),
                &format!("write one of {} (migplan gpus lists them)", gpu_ids().join(", ")),
            )
        })
    }

    fn count(&self, k: usize) -> Result<u32, InputError> {
        let v = self.field(k);
        match v.parse::<u32>() {
            Ok(n) if COUNT.check(n as f64).is_ok() => Ok(n),
            _ => Err(self.error(k, format!("`{v}` is not a whole number {}", COUNT.describe()), "write 1, 2, 3, ...")),
        }
    }
}
