//! Rows given as objects of named fields: the rows of a JSON file, or the row objects a page
//! hands the JS API. Each field is checked by its name, and every problem of every row is
//! reported with the row's place and the field, never only the first.

use crate::hardware::catalog::{gpu, gpu_ids};
use crate::problem::input::limits::{Range, COUNT, MILLISECONDS, RATE, THROUGHPUT};
use crate::problem::input::rows::{InputError, InputErrors, ProfileRow, SourceLoc, WorkloadRow};
use crate::text::{name_problem, NAME_HINT};

/// A field's value as the caller gave it. Numbers keep what JSON cannot hold (NaN, infinity:
/// a page's arithmetic makes them), so that they are refused as what they are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Text(&'a str),
    List,
    Object,
}

/// One row: where it is, and its fields in the order given (a field given twice is kept
/// twice, to be refused).
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    pub loc: SourceLoc,
    pub fields: Vec<(&'a str, Field<'a>)>,
}

const PROFILE_FIELDS: [&str; 7] = ["model", "profile", "batch", "latency_ms", "throughput", "processes", "gpu"];
const WORKLOAD_FIELDS: [&str; 3] = ["model", "rate", "slo_ms"];

/// Profile rows of `records`, or every problem of every row.
pub fn profiles(records: &[Record]) -> Result<Vec<ProfileRow>, InputErrors> {
    convert(records, &PROFILE_FIELDS, |r| {
        let (model, profile) = (r.name("model"), r.name("profile"));
        let (batch, latency_ms, throughput) =
            (r.count("batch"), r.ranged("latency_ms", &MILLISECONDS), r.ranged("throughput", &THROUGHPUT));
        let processes = if r.given("processes") { r.count("processes").map(Some) } else { Ok(None) };
        let measured_on = if r.given("gpu") { r.gpu_id("gpu").map(Some) } else { Ok(None) };
        Ok(ProfileRow {
            model: model?,
            profile: profile?,
            batch: batch?,
            latency_ms: latency_ms?,
            throughput: throughput?,
            processes: processes?.unwrap_or(1),
            gpu: measured_on?,
            loc: r.record.loc.clone(),
        })
    })
}

/// Workload rows of `records`, or every problem of every row.
pub fn workload(records: &[Record]) -> Result<Vec<WorkloadRow>, InputErrors> {
    convert(records, &WORKLOAD_FIELDS, |r| {
        let (model, rate, slo_ms) = (r.name("model"), r.ranged("rate", &RATE), r.ranged("slo_ms", &MILLISECONDS));
        Ok(WorkloadRow { model: model?, rate: rate?, slo_ms: slo_ms?, loc: r.record.loc.clone() })
    })
}

/// Converts every record, each field's problem collected in `errors` as it is found.
fn convert<T>(
    records: &[Record],
    known: &[&str],
    row: impl Fn(&Checked) -> Result<T, ()>,
) -> Result<Vec<T>, InputErrors> {
    let mut rows = Vec::with_capacity(records.len());
    let mut errors = Vec::new();
    for record in records {
        let checked = Checked { record, errors: std::cell::RefCell::new(Vec::new()) };
        for (i, (name, _)) in record.fields.iter().enumerate() {
            if !known.contains(name) {
                checked.refuse(
                    name,
                    format!("`{name}` is not a field of a row"),
                    &format!("the fields are {}", known.join(", ")),
                );
            } else if record.fields[..i].iter().any(|(earlier, _)| earlier == name) {
                checked.refuse(name, format!("`{name}` is given twice"), "give each field once");
            }
        }
        let converted = row(&checked);
        let mut found = checked.errors.into_inner();
        match converted {
            Ok(row) if found.is_empty() => rows.push(row),
            _ => errors.append(&mut found),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(InputErrors(errors))
    }
}

/// A record being checked: each accessor records its field's problem and gives `None`.
struct Checked<'r, 'a> {
    record: &'r Record<'a>,
    errors: std::cell::RefCell<Vec<InputError>>,
}

impl Checked<'_, '_> {
    fn refuse(&self, field: &str, message: String, hint: &str) {
        self.errors.borrow_mut().push(InputError::at(&self.record.loc, Some(field), message).with_hint(hint));
    }

    fn value(&self, field: &str) -> Option<Field<'_>> {
        self.record.fields.iter().find(|(name, _)| *name == field).map(|(_, v)| *v)
    }

    /// True when an optional field is there (null counts as left out).
    fn given(&self, field: &str) -> bool {
        !matches!(self.value(field), None | Some(Field::Null))
    }

    fn missing(&self, field: &str, what: &str) -> Option<Field<'_>> {
        match self.value(field) {
            None => {
                self.refuse(field, format!("the row has no `{field}`"), &format!("every row needs {what}"));
                None
            }
            value => value,
        }
    }

    fn name(&self, field: &str) -> Result<String, ()> {
        match self.missing(field, "a name here").ok_or(())? {
            Field::Text(s) => match name_problem(s.trim()) {
                None => Ok(s.trim().to_string()),
                Some(problem) => {
                    self.refuse(field, problem, NAME_HINT);
                    Err(())
                }
            },
            other => {
                self.refuse(field, format!("{} is not a name", described(other)), "write the name as text");
                Err(())
            }
        }
    }

    fn number(&self, field: &str) -> Result<f64, ()> {
        match self.missing(field, "a number here").ok_or(())? {
            Field::Number(x) if x.is_nan() => {
                self.refuse(field, "NaN is not a number".to_string(), "give a plain number such as 12.5");
                Err(())
            }
            Field::Number(x) => Ok(x),
            other => {
                self.refuse(field, format!("{} is not a number", described(other)), "give a plain number such as 12.5");
                Err(())
            }
        }
    }

    fn ranged(&self, field: &str, range: &Range) -> Result<f64, ()> {
        let x = self.number(field)?;
        range.check(x).map_err(|message| {
            self.refuse(field, message, &format!("{field} must be {} (see Limits in the docs)", range.describe()))
        })
    }

    fn count(&self, field: &str) -> Result<u32, ()> {
        let x = self.number(field)?;
        if x.fract() == 0.0 && COUNT.check(x).is_ok() {
            return Ok(x as u32);
        }
        self.refuse(field, format!("{} is not a whole number {}", readable(x), COUNT.describe()), "give 1, 2, 3, ...");
        Err(())
    }

    fn gpu_id(&self, field: &str) -> Result<String, ()> {
        let hint = format!("give one of {} (migplan gpus lists them)", gpu_ids().join(", "));
        match self.value(field) {
            Some(Field::Text(s)) => gpu(s).map(|g| g.id.to_string()).ok_or_else(|| {
                self.refuse(field, format!("`{s}` is not a GPU migplan knows"), &hint);
            }),
            other => {
                self.refuse(field, format!("{} is not a GPU id", described(other.unwrap_or(Field::Null))), &hint);
                Err(())
            }
        }
    }
}

fn readable(x: f64) -> String {
    crate::problem::input::limits::readable(x)
}

/// What a value of the wrong type is, for a message.
fn described(value: Field) -> String {
    match value {
        Field::Null => "null".into(),
        Field::Bool(b) => format!("{b}"),
        Field::Number(x) => readable(x),
        Field::Text(s) => format!("the text \"{s}\""),
        Field::List => "a list".into(),
        Field::Object => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: u64, fields: Vec<(&'static str, Field<'static>)>) -> Record<'static> {
        Record { loc: SourceLoc { file: "w".into(), line }, fields }
    }

    #[test]
    fn every_problem_of_every_row_is_named_with_its_field() {
        let records = [
            record(
                1,
                vec![("model", Field::Text("a")), ("rate", Field::Number(f64::NAN)), ("slo_ms", Field::Number(5.0))],
            ),
            record(2, vec![("model", Field::Text("b")), ("rate", Field::Number(1.0)), ("slo_ms", Field::Number(5.0))]),
            record(
                3,
                vec![("model", Field::Null), ("rate", Field::Number(f64::INFINITY)), ("slo", Field::Number(5.0))],
            ),
            record(
                4,
                vec![
                    ("model", Field::Text("c")),
                    ("rate", Field::Text("10")),
                    ("slo_ms", Field::Number(5.0)),
                    ("rate", Field::Number(1.0)),
                ],
            ),
        ];
        let errors = workload(&records).unwrap_err().0;
        let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line.unwrap(), e.column.as_deref().unwrap())).collect();
        assert_eq!(
            found,
            [(1, "rate"), (3, "slo"), (3, "model"), (3, "rate"), (3, "slo_ms"), (4, "rate"), (4, "rate")],
            "{errors:?}"
        );
        assert!(errors[0].message.contains("NaN"), "{}", errors[0]);
        assert!(errors[3].message.contains("inf"), "{}", errors[3]);
        assert!(errors[5].message.contains("twice"), "{}", errors[5]);
        assert!(errors[6].message.contains("the text \"10\""), "{}", errors[6]);
    }

    #[test]
    fn names_follow_the_rule_every_reader_keeps() {
        let bad = record(
            1,
            vec![("model", Field::Text("=cmd")), ("rate", Field::Number(1.0)), ("slo_ms", Field::Number(5.0))],
        );
        let e = &workload(&[bad]).unwrap_err().0[0];
        assert_eq!(e.column.as_deref(), Some("model"));
        assert!(e.message.contains("formula"), "{e}");
    }

    #[test]
    fn optional_profile_fields_may_be_left_out_or_null() {
        let mut fields = vec![
            ("model", Field::Text("bert")),
            ("profile", Field::Text("1g")),
            ("batch", Field::Number(2.0)),
            ("latency_ms", Field::Number(10.0)),
            ("throughput", Field::Number(100.0)),
        ];
        let rows = profiles(&[record(1, fields.clone())]).unwrap();
        assert_eq!((rows[0].processes, rows[0].gpu.as_deref()), (1, None));
        fields.push(("processes", Field::Null));
        fields.push(("gpu", Field::Text("A30-24GB")));
        let rows = profiles(&[record(1, fields.clone())]).unwrap();
        assert_eq!(rows[0].gpu.as_deref(), Some("a30-24gb"));
        fields[2] = ("batch", Field::Number(2.5));
        assert_eq!(profiles(&[record(1, fields)]).unwrap_err().0[0].column.as_deref(), Some("batch"));
    }
}
