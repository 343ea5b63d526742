//! The CSV forms of the profiles and the workload: header by name, every bad field reported
//! with its line and column.

use crate::hardware::catalog::{gpu, gpu_ids};
use crate::problem::input::limits::{Range, COUNT, MILLISECONDS, RATE, THROUGHPUT};
use crate::problem::input::lines::EditorLines;
use crate::problem::input::rows::{InputError, InputErrors, ProfileRow, SourceLoc, WorkloadRow};
use crate::sorting;

const PROFILE_COLUMNS: [&str; 5] = ["model", "profile", "batch", "latency_ms", "throughput"];
const WORKLOAD_COLUMNS: [&str; 3] = ["model", "rate", "slo_ms"];
/// Columns read when present.
const OPTIONAL_COLUMNS: [&str; 2] = ["processes", "gpu"];

pub(super) fn profiles(file: &str, text: &str) -> Result<Vec<ProfileRow>, InputErrors> {
    let table = CsvTable::read(file, text, &PROFILE_COLUMNS, "model,profile,batch,latency_ms,throughput[,processes]")?;
    let processes = table.optional_column("processes");
    let measured_on = table.optional_column("gpu");
    table.rows(|r| {
        Ok(ProfileRow {
            model: r.name("model")?,
            profile: r.name("profile")?,
            batch: r.count("batch")?,
            latency_ms: r.ranged("latency_ms", &MILLISECONDS)?,
            throughput: r.ranged("throughput", &THROUGHPUT)?,
            processes: match processes {
                Some(_) if r.field("processes").is_empty() => 1,
                Some(_) => r.count("processes")?,
                None => 1,
            },
            gpu: match measured_on {
                Some(_) if r.field("gpu").is_empty() => None,
                Some(_) => Some(r.gpu_id("gpu")?),
                None => None,
            },
            loc: r.loc(),
        })
    })
}

pub(super) fn workload(file: &str, text: &str) -> Result<Vec<WorkloadRow>, InputErrors> {
    let table = CsvTable::read(file, text, &WORKLOAD_COLUMNS, "model,rate,slo_ms")?;
    table.rows(|r| {
        Ok(WorkloadRow {
            model: r.name("model")?,
            rate: r.ranged("rate", &RATE)?,
            slo_ms: r.ranged("slo_ms", &MILLISECONDS)?,
            loc: r.loc(),
        })
    })
}

struct CsvTable {
    file: String,
    /// Lower-cased header names, by column index.
    headers: Vec<String>,
    /// Each record with the line it starts on.
    records: Vec<(csv::StringRecord, u64)>,
    /// Rows the CSV reader itself refused (a wrong number of fields): reported with the
    /// conversion errors of the other rows, so a file's every problem shows at once.
    refused: Vec<InputError>,
}

impl CsvTable {
    fn read(file: &str, text: &str, required: &[&str], expected: &str) -> Result<CsvTable, InputErrors> {
        let mut reader =
            csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes());
        let lines = EditorLines::new(text);
        let csv_error = |e: csv::Error| {
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
        };
        let header = reader.headers().map_err(csv_error)?;
        let header_line = header.position().map_or(1, |p| lines.of_record(p));
        let headers: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
        for (i, h) in headers.iter().enumerate() {
            let read = required.contains(&h.as_str()) || OPTIONAL_COLUMNS.contains(&h.as_str());
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
        let missing: Vec<&str> = required.iter().copied().filter(|c| !headers.iter().any(|h| h == c)).collect();
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
        let mut records = Vec::new();
        let mut errors = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| lines.of_record(p));
                    records.push((r, line));
                }
                Err(e) => errors.push(csv_error(e)),
            }
        }
        if records.is_empty() && errors.is_empty() {
            return Err(InputError {
                file: file.to_string(),
                line: None,
                column: None,
                character: None,
                message: "no data rows".to_string(),
                hint: Some(format!("add rows under the header {expected}")),
            }
            .into());
        }
        Ok(CsvTable { file: file.to_string(), headers, records, refused: errors })
    }

    /// Converts every record, collecting all the errors rather than stopping at the first.
    fn rows<T>(&self, convert: impl Fn(&CsvRow) -> Result<T, InputError>) -> Result<Vec<T>, InputErrors> {
        let mut rows = Vec::new();
        let mut errors = self.refused.clone();
        for (record, line) in &self.records {
            match convert(&CsvRow { table: self, record, line: *line }) {
                Ok(row) => rows.push(row),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            sorting::sort_by_key(&mut errors, |e| e.line);
            return Err(InputErrors(errors));
        }
        Ok(rows)
    }

    fn optional_column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

struct CsvRow<'a> {
    table: &'a CsvTable,
    record: &'a csv::StringRecord,
    line: u64,
}

impl CsvRow<'_> {
    fn loc(&self) -> SourceLoc {
        SourceLoc { file: self.table.file.clone(), line: self.line }
    }

    fn field(&self, column: &str) -> &str {
        let i = self.table.optional_column(column).expect("required columns are checked on read");
        self.record.get(i).unwrap_or("")
    }

    fn error(&self, column: &str, message: String, hint: &str) -> InputError {
        InputError::at(&self.loc(), Some(column), message).with_hint(hint)
    }

    fn name(&self, column: &str) -> Result<String, InputError> {
        let v = self.field(column);
        if v.is_empty() {
            return Err(self.error(column, format!("`{column}` is empty"), "every row needs a value here"));
        }
        Ok(v.to_string())
    }

    fn number(&self, column: &str) -> Result<f64, InputError> {
        let v = self.field(column);
        match v.parse::<f64>() {
            // Past f64's range (`1e400` reads as infinity): out of range, refused by `ranged`.
            Ok(x) if !x.is_nan() => Ok(x),
            // Refused rather than guessed: "2,500" is 2500 in one locale and 2.5 in another.
            _ if v.contains(',') && v.replace(',', "").parse::<f64>().is_ok() => Err(self.error(
                column,
                format!("`{v}` has a comma in it"),
                &format!("write numbers without thousands separators and with a decimal point: {}", v.replace(',', "")),
            )),
            _ => Err(self.error(column, format!("`{v}` is not a number"), "write a plain decimal number such as 12.5")),
        }
    }

    fn ranged(&self, column: &str, range: &Range) -> Result<f64, InputError> {
        let x = self.number(column)?;
        range.check(x).map_err(|message| {
            let message =
                if x.is_infinite() { format!("`{}` is not {}", self.field(column), range.describe()) } else { message };
            self.error(column, message, &format!("{column} must be {} (README.md, Limits)", range.describe()))
        })
    }

    /// A catalog GPU id, as the catalog spells it.
    fn gpu_id(&self, column: &str) -> Result<String, InputError> {
        let v = self.field(column);
        gpu(v).map(|g| g.id.to_string()).ok_or_else(|| {
            self.error(
                column,
                format!("`{v}` is not a GPU migplan knows"),
                &format!("write one of {} (migplan gpus lists them)", gpu_ids().join(", ")),
            )
        })
    }

    fn count(&self, column: &str) -> Result<u32, InputError> {
        let v = self.field(column);
        match v.parse::<u32>() {
            Ok(n) if COUNT.check(n as f64).is_ok() => Ok(n),
            _ => Err(self.error(
                column,
                format!("`{v}` is not a whole number {}", COUNT.describe()),
                "write 1, 2, 3, ...",
            )),
        }
    }
}
