//! The JSON forms of the profiles and the workload (`{"profiles": [...], "workload": [...]}`):
//! the JSON read by serde_json (a syntax error located by line and character), each row's
//! fields checked by [`records`] (every problem of every row, by line and field).

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::problem::input::records::{self, Field, Record};
use crate::problem::input::rows::{InputError, InputErrors, ProfileRow, SourceLoc, WorkloadRow};

pub(super) fn profiles(file: &str, text: &str) -> Result<Vec<ProfileRow>, InputErrors> {
    records::profiles(&parse_json_section(file, text, "profiles")?.records())
}

pub(super) fn workload(file: &str, text: &str) -> Result<Vec<WorkloadRow>, InputErrors> {
    let rows = records::workload(&parse_json_section(file, text, "workload")?.records())?;
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

/// One row object with its fields in the order written, a field written twice kept twice
/// (serde_json's map would keep the last silently): each is checked by [`records`].
struct JsonRow(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for JsonRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = JsonRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a row object such as {{\"model\": \"bert\", ...}}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonRow, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    fields.push(entry);
                }
                Ok(JsonRow(fields))
            }
        }
        d.deserialize_map(Fields)
    }
}

#[derive(Deserialize)]
struct JsonDocument<P, W> {
    profiles: Option<Vec<P>>,
    workload: Option<Vec<W>>,
}

/// The rows of one section, each with its line.
struct Section {
    rows: Vec<JsonRow>,
    locs: Vec<SourceLoc>,
}

impl Section {
    fn records(&self) -> Vec<Record<'_>> {
        self.rows
            .iter()
            .zip(&self.locs)
            .map(|(row, loc)| Record {
                loc: loc.clone(),
                fields: row.0.iter().map(|(name, value)| (name.as_str(), field(value))).collect(),
            })
            .collect()
    }
}

fn field(value: &Value) -> Field<'_> {
    match value {
        Value::Null => Field::Null,
        Value::Bool(b) => Field::Bool(*b),
        Value::Number(n) => Field::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Field::Text(s),
        Value::Array(_) => Field::List,
        Value::Object(_) => Field::Object,
    }
}

fn parse_json_section(file: &str, text: &str, section: &str) -> Result<Section, InputErrors> {
    let expected =
        format!("expected {{\"{section}\": [{{...}}, ...]}} with the fields the docs list (The command line)");
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
        serde_json::from_str::<IgnoredAny>(text).map_err(json_error)?;
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
    let rows: Option<Vec<JsonRow>> = if section == "profiles" {
        serde_json::from_str::<JsonDocument<JsonRow, IgnoredAny>>(text).map_err(json_error)?.profiles
    } else {
        serde_json::from_str::<JsonDocument<IgnoredAny, JsonRow>>(text).map_err(json_error)?.workload
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
    let locs = (0..rows.len())
        .map(|i| SourceLoc { file: file.to_string(), line: lines.get(i).copied().unwrap_or(1) })
        .collect();
    Ok(Section { rows, locs })
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
