//! What the ES module offers, in plain Rust: inputs as CSV or JSON text or as rows (JSON
//! values converted from JS objects), options read through the core's settings table (its
//! defaults, its limits, its words), the checked plan, the GPUs and their layouts. Errors keep the core's file, line and field; rows given as objects are read
//! field by field ([`crate::value`]), each problem named by the row's index and its field.

use std::sync::atomic::AtomicBool;

use migplan_core::hardware::catalog;
use migplan_core::hardware::layouts::{maximal_layouts, plain_profiles};
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::Plan;
use migplan_core::problem::import::{self, ImportOptions, Report, Skipped};
use migplan_core::problem::input::{parse_workload, InputError, InputErrors, ProfileRow, WorkloadRow};
use migplan_core::workflow::settings::{self, Path};
use migplan_core::workflow::{self, Refusal, Request};
use serde::Serialize;

pub use crate::request::ApiError;
use crate::value;
pub use crate::value::Value;

/// Profiles or a workload as a page hands them over.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    /// CSV or JSON text, as in a file. Profiles may be in any format `migplan import`
    /// reads (perf_analyzer, Model Analyzer, MIGPerf, ParvaGPU), recognised by its header.
    Text(String),
    /// An array of row objects, or the JSON file's object (`{"profiles": [...]}`), as the
    /// page's values: a row's problems are named by its index and field.
    Values(Value),
    /// Profiles files, each `{name, text}`: read as [`Rows::Text`], with the name saying
    /// what a file does not (`MODEL@PROFILE@bBATCH.csv`, as `migplan import` reads it).
    Files(Vec<(String, String)>),
}

impl Rows {
    /// `value` as profiles files when it is a non-empty array of `{name, text}` objects.
    pub fn files_or_values(value: Value) -> Rows {
        let file = |item: &Value| {
            let Value::Object(fields) = item else { return None };
            let field = |key: &str| match fields.iter().find(|(k, _)| k == key) {
                Some((_, Value::Text(text))) => Some(text.clone()),
                _ => None,
            };
            (fields.len() == 2).then_some(())?;
            Some((field("name")?, field("text")?))
        };
        match &value {
            Value::List(items) if !items.is_empty() => match items.iter().map(file).collect::<Option<Vec<_>>>() {
                Some(files) => Rows::Files(files),
                None => Rows::Values(value),
            },
            _ => Rows::Values(value),
        }
    }
}

/// The core's errors of text the caller gave: file, line, field and character as they are.
fn located(errors: InputErrors) -> Vec<ApiError> {
    errors
        .0
        .into_iter()
        .map(|InputError { file, line, column, character, message, hint }| ApiError {
            file,
            row: None,
            line,
            column,
            character,
            message,
            hint,
        })
        .collect()
}

/// Every problem of both results, or both values.
fn both<A, B>(a: Result<A, Vec<ApiError>>, b: Result<B, Vec<ApiError>>) -> Result<(A, B), Vec<ApiError>> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(a.err().into_iter().chain(b.err()).flatten().collect()),
    }
}

pub fn gpus() -> Vec<GpuSpec> {
    catalog::all_gpus()
}

fn find_gpu(id: &str) -> Result<GpuSpec, Vec<ApiError>> {
    settings::gpu_type(id).map_err(|r| vec![ApiError::plain("gpu", r.message, &r.hint)])
}

/// One instance of a layout: its profile's name and first slice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slot {
    pub profile: String,
    pub start: u8,
}

/// The maximal layouts of the GPU's plain profiles, as `migplan layouts --format json`.
pub fn layouts(gpu: &str) -> Result<Vec<Vec<Slot>>, Vec<ApiError>> {
    let gpu = find_gpu(gpu)?;
    Ok(maximal_layouts(&gpu, &plain_profiles(&gpu))
        .iter()
        .map(|l| {
            l.placements
                .iter()
                .map(|p| Slot { profile: gpu.profiles[p.profile].name.to_string(), start: p.start })
                .collect()
        })
        .collect())
}

/// The profile and workload rows, or every problem of both.
/// The rows, and what each profiler's file gave up (its skipped rows), as `migplan import`
/// reports them.
fn read_rows(
    profiles: &Rows,
    workload: &Rows,
    request: &Request,
) -> Result<(Vec<ProfileRow>, Vec<WorkloadRow>, Vec<Report>), Vec<ApiError>> {
    let options = ImportOptions::for_plan(request.fleet.first(), request.latency);
    let profiles = match profiles {
        Rows::Text(text) => import::merge([import::import("profiles", text, &options)]).map_err(located),
        Rows::Files(files) => {
            import::merge(files.iter().map(|(name, text)| import::import(name, text, &options))).map_err(located)
        }
        Rows::Values(value) => value::profile_rows(value).map(|rows| (rows, Vec::new())),
    };
    let workload = match workload {
        Rows::Text(text) => parse_workload("workload", text).map_err(located),
        Rows::Values(value) => value::workload_rows(value),
        Rows::Files(_) => Err(vec![ApiError::plain(
            "workload",
            "files are for profiles".into(),
            "give the workload as CSV or JSON text, or rows",
        )]),
    };
    both(profiles, workload).map(|((profiles, reports), workload)| (profiles, workload, reports))
}

/// [`plan`] with its options as the page gave them, read through the settings table: the
/// options' problems and the rows' reported together.
pub fn plan_request(profiles: &Rows, workload: &Rows, options: &Value) -> Result<Planned, Vec<ApiError>> {
    let request = value::plan_options(options).and_then(|asked| Request::read(&asked, Path::Api).map_err(located));
    match request {
        Ok(request) => plan(profiles, workload, &request),
        Err(mut errors) => {
            errors.extend(read_rows(profiles, workload, &Request::defaults()).err().unwrap_or_default());
            Err(errors)
        }
    }
}

/// A checked plan, and the rows the profilers' files gave up, each with its file, line and
/// why (the JS module warns of them on the console).
#[derive(Debug)]
pub struct Planned {
    pub plan: Plan,
    pub skipped: Vec<Skipped>,
}

/// The checked plan of `workload` for `request`, or every problem found.
pub fn plan(profiles: &Rows, workload: &Rows, request: &Request) -> Result<Planned, Vec<ApiError>> {
    let (profile_rows, workload_rows, reports) = read_rows(profiles, workload, request)?;
    let planned = workflow::plan(request, &profile_rows, &workload_rows, &AtomicBool::new(false), None);
    let skipped = reports.into_iter().flat_map(|r| r.skipped).collect();
    planned.map(|(plan, _)| Planned { plan, skipped }).map_err(|refusal| match refusal {
        Refusal::Inputs(errors) => located(errors),
        other => vec![ApiError::plain("plan", other.to_string(), "nothing was planned")],
    })
}
