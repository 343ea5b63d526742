//! Profiles and workload, read from CSV or JSON text (contract.md).
//!
//! The caller hands over the text and a file name to quote; this module never touches the
//! file system. Every row keeps where it came from so that later checks (an unknown profile,
//! a model with no row within its SLO) can still point at the line.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Where a row came from: the file name as the user gave it and the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceLoc {
    pub file: String,
    pub line: u64,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One measurement: `model` on `profile` at `batch` (with `processes` MPS processes) has
/// this latency and total throughput.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    pub model: String,
    /// The profile as written: a full name (`3g.20gb`) or a short form (`3g`).
    pub profile: String,
    pub batch: u32,
    pub latency_ms: f64,
    pub throughput: f64,
    pub processes: u32,
    pub loc: SourceLoc,
}

/// One service to plan for.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadRow {
    pub model: String,
    pub rate: f64,
    pub slo_ms: f64,
    pub loc: SourceLoc,
}

/// A problem with the input, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl InputError {
    pub fn at(loc: &SourceLoc, column: Option<&str>, message: impl Into<String>) -> Self {
        InputError {
            file: loc.file.clone(),
            line: Some(loc.line),
            column: column.map(str::to_string),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column `{column}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// All the problems found in one input, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<InputError> for InputErrors {
    fn from(e: InputError) -> Self {
        InputErrors(vec![e])
    }
}

const PROFILE_COLUMNS: [&str; 5] = ["model", "profile", "batch", "latency_ms", "throughput"];
const WORKLOAD_COLUMNS: [&str; 3] = ["model", "rate", "slo_ms"];

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Reads profile rows from CSV or JSON text (JSON when the text starts with `{`).
pub fn parse_profiles(file: &str, text: &str) -> Result<Vec<ProfileRow>, InputErrors> {
    if looks_like_json(text) {
        return parse_json_section(file, text, "profiles", |row: JsonProfile, loc| ProfileRow {
            model: row.model.0,
            profile: row.profile.0,
            batch: row.batch.0,
            latency_ms: row.latency_ms.0,
            throughput: row.throughput.0,
            processes: row.processes.map_or(1, |p| p.0),
            loc,
        });
    }
    let table = CsvTable::read(file, text, &PROFILE_COLUMNS, "model,profile,batch,latency_ms,throughput[,processes]")?;
    let processes = table.optional_column("processes");
    table.rows(|r| {
        Ok(ProfileRow {
            model: r.name("model")?,
            profile: r.name("profile")?,
            batch: r.count("batch")?,
            latency_ms: r.positive("latency_ms")?,
            throughput: r.positive("throughput")?,
            processes: match processes {
                Some(_) if r.field("processes").is_empty() => 1,
                Some(_) => r.count("processes")?,
                None => 1,
            },
            loc: r.loc(),
        })
    })
}

/// Reads workload rows from CSV or JSON text (JSON when the text starts with `{`).
pub fn parse_workload(file: &str, text: &str) -> Result<Vec<WorkloadRow>, InputErrors> {
    if looks_like_json(text) {
        return parse_json_section(file, text, "workload", |row: JsonWorkload, loc| WorkloadRow {
            model: row.model.0,
            rate: row.rate.0,
            slo_ms: row.slo_ms.0,
            loc,
        });
    }
    let table = CsvTable::read(file, text, &WORKLOAD_COLUMNS, "model,rate,slo_ms")?;
    table.rows(|r| {
        Ok(WorkloadRow {
            model: r.name("model")?,
            rate: r.non_negative("rate")?,
            slo_ms: r.positive("slo_ms")?,
            loc: r.loc(),
        })
    })
}

struct CsvTable {
    file: String,
    /// Lower-cased header names, by column index.
    headers: Vec<String>,
    records: Vec<csv::StringRecord>,
}

impl CsvTable {
    fn read(file: &str, text: &str, required: &[&str], expected: &str) -> Result<CsvTable, InputErrors> {
        let mut reader =
            csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes());
        let csv_error = |e: csv::Error| {
            let line = e.position().map(|p| p.line());
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    format!("this row has {len} fields but the header has {expected_len}")
                }
                csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8".to_string(),
                _ => e.to_string(),
            };
            InputError {
                file: file.to_string(),
                line,
                column: None,
                message,
                hint: Some(format!("expected CSV columns {expected}")),
            }
        };
        let headers: Vec<String> =
            reader.headers().map_err(csv_error)?.iter().map(|h| h.to_ascii_lowercase()).collect();
        let missing: Vec<&str> = required.iter().copied().filter(|c| !headers.iter().any(|h| h == c)).collect();
        if !missing.is_empty() {
            return Err(InputError {
                file: file.to_string(),
                line: Some(1),
                column: Some(missing[0].to_string()),
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
                Ok(r) => records.push(r),
                Err(e) => errors.push(csv_error(e)),
            }
        }
        if !errors.is_empty() {
            return Err(InputErrors(errors));
        }
        if records.is_empty() {
            return Err(InputError {
                file: file.to_string(),
                line: None,
                column: None,
                message: "no data rows".to_string(),
                hint: Some(format!("add rows under the header {expected}")),
            }
            .into());
        }
        Ok(CsvTable { file: file.to_string(), headers, records })
    }

    /// Converts every record, collecting all the errors rather than stopping at the first.
    fn rows<T>(&self, convert: impl Fn(&CsvRow) -> Result<T, InputError>) -> Result<Vec<T>, InputErrors> {
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for record in &self.records {
            match convert(&CsvRow { table: self, record }) {
                Ok(row) => rows.push(row),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
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
}

impl CsvRow<'_> {
    fn loc(&self) -> SourceLoc {
        SourceLoc { file: self.table.file.clone(), line: self.record.position().map_or(0, |p| p.line()) }
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
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(self.error(column, format!("`{v}` is not a number"), "write a plain decimal number such as 12.5")),
        }
    }

    fn positive(&self, column: &str) -> Result<f64, InputError> {
        let x = self.number(column)?;
        if x <= 0.0 {
            return Err(self.error(column, format!("{x} is not above zero"), "this must be a positive number"));
        }
        Ok(x)
    }

    fn non_negative(&self, column: &str) -> Result<f64, InputError> {
        let x = self.number(column)?;
        if x < 0.0 {
            return Err(self.error(column, format!("{x} is negative"), "use 0 or more"));
        }
        Ok(x)
    }

    fn count(&self, column: &str) -> Result<u32, InputError> {
        let v = self.field(column);
        match v.parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(self.error(column, format!("`{v}` is not a whole number above zero"), "write 1, 2, 3, ...")),
        }
    }
}

// JSON rows. Each field type checks its own value while it is read, so serde_json reports
// the line and column of a bad value itself.

struct Name(String);
struct Positive(f64);
struct NonNegative(f64);
struct Count(u32);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() {
            return Err(serde::de::Error::custom("the name is empty"));
        }
        Ok(Name(s.trim().to_string()))
    }
}

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        if !(x.is_finite() && x > 0.0) {
            return Err(serde::de::Error::custom(format!("{x} is not a positive number")));
        }
        Ok(Positive(x))
    }
}

impl<'de> Deserialize<'de> for NonNegative {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        if !(x.is_finite() && x >= 0.0) {
            return Err(serde::de::Error::custom(format!("{x} is negative")));
        }
        Ok(NonNegative(x))
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u32::deserialize(d)?;
        if n == 0 {
            return Err(serde::de::Error::custom("0 is not a whole number above zero"));
        }
        Ok(Count(n))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProfile {
    model: Name,
    profile: Name,
    batch: Count,
    latency_ms: Positive,
    throughput: Positive,
    processes: Option<Count>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonWorkload {
    model: Name,
    rate: NonNegative,
    slo_ms: Positive,
}

#[derive(Deserialize)]
struct JsonDocument<P, W> {
    profiles: Option<Vec<P>>,
    workload: Option<Vec<W>>,
}

fn parse_json_section<R, T>(
    file: &str,
    text: &str,
    section: &str,
    to_row: impl Fn(R, SourceLoc) -> T,
) -> Result<Vec<T>, InputErrors>
where
    R: for<'de> Deserialize<'de>,
{
    let json_error = |e: serde_json::Error| InputError {
        file: file.to_string(),
        line: Some(e.line() as u64),
        column: Some(format!("character {}", e.column())),
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
        hint: Some(format!("expected {{\"{section}\": [{{...}}, ...]}} with the fields of contract.md")),
    };
    let rows: Option<Vec<R>> = if section == "profiles" {
        serde_json::from_str::<JsonDocument<R, serde::de::IgnoredAny>>(text).map_err(json_error)?.profiles
    } else {
        serde_json::from_str::<JsonDocument<serde::de::IgnoredAny, R>>(text).map_err(json_error)?.workload
    };
    let Some(rows) = rows else {
        return Err(InputError {
            file: file.to_string(),
            line: Some(1),
            column: None,
            message: format!("the document has no \"{section}\" array"),
            hint: Some(format!("put the rows under the key \"{section}\"")),
        }
        .into());
    };
    let lines = json_array_item_lines(text, section);
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| to_row(r, SourceLoc { file: file.to_string(), line: lines.get(i).copied().unwrap_or(1) }))
        .collect())
}

/// The line on which each element of the top-level array `key` starts. Only called on text
/// serde_json has already accepted, so a simple scan that honours strings is enough.
fn json_array_item_lines(text: &str, key: &str) -> Vec<u64> {
    let mut lines = Vec::new();
    let mut line = 1u64;
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut last_string = String::new();
    let mut current = String::new();
    let mut pending_key: Option<String> = None;
    let mut in_target = false;
    let mut expect_item = false;
    for ch in text.chars() {
        if ch == '\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
                current.push(ch);
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
                last_string = std::mem::take(&mut current);
            } else {
                current.push(ch);
            }
            continue;
        }
        if in_target && depth == 2 && expect_item && !ch.is_whitespace() && ch != ']' {
            lines.push(line);
            expect_item = false;
        }
        match ch {
            '"' => in_string = true,
            ':' if depth == 1 => pending_key = Some(std::mem::take(&mut last_string)),
            '[' | '{' => {
                depth += 1;
                if depth == 2 && ch == '[' && pending_key.as_deref() == Some(key) {
                    in_target = true;
                    expect_item = true;
                }
            }
            ']' | '}' => {
                if depth == 2 && in_target {
                    in_target = false;
                }
                depth -= 1;
            }
            ',' if depth == 2 && in_target => expect_item = true,
            ',' if depth == 1 => pending_key = None,
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_error<T: fmt::Debug>(r: Result<T, InputErrors>) -> InputError {
        r.expect_err("expected an input error").0.into_iter().next().unwrap()
    }

    #[test]
    fn reads_profiles_in_any_column_order_and_case() {
        let text = "Throughput,MODEL,profile,batch,latency_ms\n1350,bert,2g,16,12.5\n";
        let rows = parse_profiles("p.csv", text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].model, "bert");
        assert_eq!(rows[0].profile, "2g");
        assert_eq!(rows[0].batch, 16);
        assert_eq!(rows[0].processes, 1);
        assert_eq!(rows[0].throughput, 1350.0);
        assert_eq!(rows[0].loc, SourceLoc { file: "p.csv".into(), line: 2 });
    }

    #[test]
    fn reads_processes_column() {
        let text = "model,profile,batch,latency_ms,throughput,processes\nbert,3g,8,20,900,3\nbert,3g,8,20,900,\n";
        let rows = parse_profiles("p.csv", text).unwrap();
        assert_eq!(rows[0].processes, 3);
        assert_eq!(rows[1].processes, 1);
    }

    #[test]
    fn missing_column_is_named() {
        let e = first_error(parse_profiles("p.csv", "model,profile,batch,throughput\nbert,1g,1,10\n"));
        assert_eq!(e.line, Some(1));
        assert_eq!(e.column.as_deref(), Some("latency_ms"));
        assert!(e.to_string().contains("latency_ms"), "{e}");
    }

    #[test]
    fn bad_number_names_line_and_column() {
        let text = "model,profile,batch,latency_ms,throughput\nbert,1g,1,10,100\nbert,2g,1,fast,100\n";
        let e = first_error(parse_profiles("p.csv", text));
        assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("latency_ms")));
        assert!(e.message.contains("fast"));
    }

    #[test]
    fn zero_batch_negative_rate_and_empty_model_are_rejected() {
        let e = first_error(parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput\nbert,1g,0,10,100\n"));
        assert_eq!(e.column.as_deref(), Some("batch"));
        let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,-3,100\n"));
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("rate")));
        let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\n,3,100\n"));
        assert_eq!(e.column.as_deref(), Some("model"));
        let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,3,0\n"));
        assert_eq!(e.column.as_deref(), Some("slo_ms"));
    }

    #[test]
    fn ragged_row_names_its_line() {
        let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,3,100\nresnet,5\n"));
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("fields"), "{e}");
    }

    #[test]
    fn every_bad_row_is_reported() {
        let errs = parse_workload("w.csv", "model,rate,slo_ms\na,x,1\nb,1,1\nc,1,y\n").unwrap_err();
        assert_eq!(errs.0.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(2), Some(4)]);
    }

    #[test]
    fn empty_table_is_an_error() {
        let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\n"));
        assert!(e.message.contains("no data rows"));
    }

    #[test]
    fn json_rows_keep_their_lines() {
        let text = "{\n \"workload\": [\n  {\"model\": \"bert\", \"rate\": 10, \"slo_ms\": 100},\n\n  {\"model\": \"r,[\\\"x\", \"rate\": 5, \"slo_ms\": 50}\n ],\n \"profiles\": []\n}\n";
        let rows = parse_workload("w.json", text).unwrap();
        assert_eq!(rows.iter().map(|r| r.loc.line).collect::<Vec<_>>(), [3, 5]);
        assert_eq!(rows[1].model, "r,[\"x");
        assert!(parse_profiles("w.json", text).unwrap().is_empty());
    }

    #[test]
    fn json_bad_value_names_line() {
        let text = "{\"profiles\": [\n {\"model\": \"bert\", \"profile\": \"1g\", \"batch\": 1, \"latency_ms\": -2, \"throughput\": 5}\n]}";
        let e = first_error(parse_profiles("p.json", text));
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("not a positive number"), "{e}");
    }

    #[test]
    fn json_without_section_is_an_error() {
        let e = first_error(parse_workload("w.json", "{\"profiles\": []}"));
        assert!(e.message.contains("\"workload\""));
    }

    #[test]
    fn json_unknown_field_is_an_error() {
        let e = first_error(parse_workload("w.json", "{\"workload\": [{\"model\": \"a\", \"rate\": 1, \"slo\": 2}]}"));
        assert!(e.message.contains("slo"), "{e}");
    }
}
