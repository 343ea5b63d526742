//! The JSON forms of the profiles and the workload (`{"profiles": [...], "workload": [...]}`).

use serde::{Deserialize, Deserializer};

use crate::problem::input::limits::{COUNT, MILLISECONDS, RATE, THROUGHPUT};
use crate::problem::input::rows::{InputError, InputErrors, ProfileRow, SourceLoc, WorkloadRow};

pub(super) fn profiles(file: &str, text: &str) -> Result<Vec<ProfileRow>, InputErrors> {
    parse_json_section(file, text, "profiles", |row: JsonProfile, loc| ProfileRow {
        model: row.model.0,
        profile: row.profile.0,
        batch: row.batch.0,
        latency_ms: row.latency_ms.0,
        throughput: row.throughput.0,
        processes: row.processes.map_or(1, |p| p.0),
        gpu: row.gpu.map(|g| g.0),
        loc,
    })
}

pub(super) fn workload(file: &str, text: &str) -> Result<Vec<WorkloadRow>, InputErrors> {
    let rows = parse_json_section(file, text, "workload", |row: JsonWorkload, loc| WorkloadRow {
        model: row.model.0,
        rate: row.rate.0,
        slo_ms: row.slo_ms.0,
        loc,
    })?;
    if rows.is_empty() {
        return Err(InputError {
            file: file.to_string(),
            line: Some(1),
            column: Some("workload".into()),
            character: None,
            message: "the workload is empty".into(),
            hint: Some("list at least one model with its rate and SLO".into()),
        }
        .into());
    }
    Ok(rows)
}

// JSON rows. Each field type checks its own value while it is read, so serde_json reports
// the line and column of a bad value itself.

struct Name(String);
struct Count(u32);
/// A catalog GPU id, as the catalog spells it.
struct GpuId(String);

impl<'de> Deserialize<'de> for GpuId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match crate::hardware::catalog::gpu(&s) {
            Some(g) => Ok(GpuId(g.id.to_string())),
            None => Err(serde::de::Error::custom(format!(
                "`gpu`: `{s}` is not a GPU migplan knows (one of {})",
                crate::hardware::catalog::gpu_ids().join(", ")
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() {
            return Err(serde::de::Error::custom("the name is empty"));
        }
        Ok(Name(s.trim().to_string()))
    }
}

/// A number of the given range, checked while it is read.
macro_rules! ranged {
    ($name:ident, $range:expr, $field:literal) => {
        struct $name(f64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let x = f64::deserialize(d)?;
                $range.check(x).map($name).map_err(|e| serde::de::Error::custom(format!("`{}`: {e}", $field)))
            }
        }
    };
}

ranged!(Rate, RATE, "rate");
ranged!(Throughput, THROUGHPUT, "throughput");
ranged!(LatencyMs, MILLISECONDS, "latency_ms");
ranged!(SloMs, MILLISECONDS, "slo_ms");

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u32::deserialize(d)?;
        COUNT.check(n as f64).map(|_| Count(n)).map_err(serde::de::Error::custom)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProfile {
    model: Name,
    profile: Name,
    batch: Count,
    latency_ms: LatencyMs,
    throughput: Throughput,
    processes: Option<Count>,
    gpu: Option<GpuId>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonWorkload {
    model: Name,
    rate: Rate,
    slo_ms: SloMs,
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
    let expected = format!("expected {{\"{section}\": [{{...}}, ...]}} with the fields README.md lists");
    let starts_like_json = text.trim_start().starts_with(['{', '[']);
    let json_error = |e: serde_json::Error| {
        let what = e.to_string().split(" at line ").next().unwrap_or_default().to_string();
        let (message, hint) = if !(e.is_syntax() || e.is_eof()) {
            (what, expected.clone())
        } else if starts_like_json {
            (format!("not valid JSON: {what}"), "mend the JSON there: a comma, quote or bracket missing or extra, or a key without double quotes is the usual cause".to_string())
        } else {
            // Only the name made it JSON: it may be a CSV file misnamed.
            (format!("not valid JSON: {what}"), format!("a file named .json is read as JSON: write {{\"{section}\": [{{...}}, ...]}}, or name a CSV file .csv"))
        };
        InputError {
            file: file.to_string(),
            line: Some(e.line() as u64),
            column: None,
            character: Some(u32::try_from(e.column()).unwrap_or(u32::MAX)),
            message,
            hint: Some(hint),
        }
    };
    if text.trim_start().starts_with('[') {
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(json_error)?;
        let leading = &text[..text.len() - text.trim_start().len()];
        return Err(InputError {
            file: file.to_string(),
            line: Some(leading.matches('\n').count() as u64 + 1),
            column: None,
            character: None,
            message: "the file is a JSON list, not an object".into(),
            hint: Some(format!("put the list under the key \"{section}\": {{\"{section}\": [{{...}}, ...]}}")),
        }
        .into());
    }
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
            character: None,
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
