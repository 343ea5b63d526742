//! What a page hands the API, as it handed it: JS values (JSON's, and the numbers JSON cannot
//! hold, NaN and the infinities, which a page's arithmetic makes) read without a detour
//! through JSON text, so that every problem names the caller's own row and field.

use std::fmt;

use migplan_core::problem::input::records::{self, Field, Record};
use migplan_core::problem::input::{InputErrors, ProfileRow, SourceLoc, WorkloadRow};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::Key;

use crate::request::{options_hint, ApiError, OPTIONS};

/// A JS value. Objects keep their keys in order, a key given twice kept twice.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a JSON-like value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
                Ok(Value::Number(x))
            }
            fn visit_i64<E>(self, x: i64) -> Result<Value, E> {
                Ok(Value::Number(x as f64))
            }
            fn visit_u64<E>(self, x: u64) -> Result<Value, E> {
                Ok(Value::Number(x as f64))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Text(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::Text(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    fields.push(entry);
                }
                Ok(Value::Object(fields))
            }
        }
        d.deserialize_any(Any)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::Text(s),
            serde_json::Value::Array(items) => Value::List(items.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

impl Value {
    fn field(&self) -> Field<'_> {
        match self {
            Value::Null => Field::Null,
            Value::Bool(b) => Field::Bool(*b),
            Value::Number(x) => Field::Number(*x),
            Value::Text(s) => Field::Text(s),
            Value::List(_) => Field::List,
            Value::Object(_) => Field::Object,
        }
    }

    /// What the value is, for a message.
    fn kind(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(x) => x.to_string(),
            Value::Text(s) => format!("the text \"{s}\""),
            Value::List(_) => "a list".into(),
            Value::Object(_) => "an object".into(),
        }
    }
}

/// The rows of an array (or of the object `{section: [...]}`): each item's fields checked by
/// the core's readers, every problem named by its index in the array and its field.
fn rows_of<T>(
    section: &str,
    value: &Value,
    read: impl Fn(&[Record]) -> Result<Vec<T>, InputErrors>,
) -> Result<Vec<T>, Vec<ApiError>> {
    let items = match value {
        Value::List(items) => items,
        Value::Object(fields) => match fields.iter().find(|(k, _)| k == section) {
            Some((_, Value::List(items))) => items,
            _ => return Err(vec![not_rows(section, value)]),
        },
        other => return Err(vec![not_rows(section, other)]),
    };
    let mut errors = Vec::new();
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        // Line i + 1 of the section stands for row i.
        let loc = SourceLoc { file: section.to_string(), line: i as u64 + 1 };
        match item {
            Value::Object(fields) => {
                records.push(Record { loc, fields: fields.iter().map(|(k, v)| (k.as_str(), v.field())).collect() })
            }
            other => errors.push(ApiError {
                file: section.to_string(),
                row: Some(i),
                message: format!("the row is {}, not an object", other.kind()),
                hint: Some("give each row as an object: {model, ...}".into()),
                ..ApiError::default()
            }),
        }
    }
    match read(&records) {
        Ok(rows) if errors.is_empty() => Ok(rows),
        Ok(_) => Err(errors),
        Err(found) => {
            errors.extend(found.0.into_iter().map(|e| ApiError {
                file: section.to_string(),
                row: e.line.map(|l| l as usize - 1),
                column: e.column,
                message: e.message,
                hint: e.hint,
                ..ApiError::default()
            }));
            errors.sort_by_key(|e| e.row);
            Err(errors)
        }
    }
}

fn not_rows(section: &str, value: &Value) -> ApiError {
    ApiError {
        file: section.to_string(),
        message: format!("{section} is {}: give CSV text, an array of rows or {{{section}: [...]}}", value.kind()),
        hint: Some("pass the file's text, or [{model, ...}, ...]".into()),
        ..ApiError::default()
    }
}

pub fn profile_rows(value: &Value) -> Result<Vec<ProfileRow>, Vec<ApiError>> {
    rows_of("profiles", value, records::profiles)
}

pub fn workload_rows(value: &Value) -> Result<Vec<WorkloadRow>, Vec<ApiError>> {
    let rows = rows_of("workload", value, records::workload)?;
    if rows.is_empty() {
        return Err(vec![ApiError {
            file: "workload".into(),
            message: "the workload is empty".into(),
            hint: Some("list at least one model with its rate and SLO".into()),
            ..ApiError::default()
        }]);
    }
    Ok(rows)
}

/// `plan`'s options from what the page gave (nothing, null or an object), as the settings
/// table reads them: text as written, a number as its text, a list as its items
/// comma-separated. Every option's problem is named by the option, all of them at once.
pub fn plan_options(value: &Value) -> Result<Asked, Vec<ApiError>> {
    let fields = match value {
        Value::Null => return Ok(Asked::new()),
        Value::Object(fields) => fields,
        other => {
            return Err(vec![ApiError::plain(
                "options",
                format!("the options are {}, not an object", other.kind()),
                &options_hint(),
            )])
        }
    };
    let mut asked = Asked::new();
    let mut errors = Vec::new();
    let mut refuse = |field: &str, message: String, hint: &str| errors.push(ApiError::plain(field, message, hint));
    for (i, (name, value)) in fields.iter().enumerate() {
        if fields[..i].iter().any(|(earlier, _)| earlier == name) {
            refuse(name, format!("`{name}` is given twice"), "give each option once");
            continue;
        }
        let Some(key) = Key::of_option(name).filter(|k| OPTIONS.contains(k)) else {
            refuse(name, format!("`{name}` is not an option"), &options_hint());
            continue;
        };
        match as_text(value) {
            Some(text) => {
                asked.insert(key, text);
            }
            // Null: the default.
            None if *value == Value::Null => {}
            None => refuse(name, format!("{} is not text or a number", value.kind()), "give the option as text"),
        }
    }
    if errors.is_empty() {
        Ok(asked)
    } else {
        Err(errors)
    }
}

/// An option's value as the table reads it.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(s) => Some(s.clone()),
        // Rust writes every f64 back as the same number, NaN and the infinities as words the
        // table's reader refuses as what they are.
        Value::Number(x) => Some(x.to_string()),
        Value::List(items) => items.iter().map(as_text).collect::<Option<Vec<_>>>().map(|t| t.join(",")),
        _ => None,
    }
}
