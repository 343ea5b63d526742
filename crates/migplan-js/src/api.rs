//! What the ES module offers, in plain Rust: inputs as CSV or JSON text or as rows (JSON
//! values converted from JS objects), options with defaults, the checked plan, the GPUs and
//! their layouts. Errors keep the core's file, line and field; rows given as objects are read
//! field by field ([`crate::value`]), each problem named by the row's index and its field.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::hardware::catalog;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::hardware::layouts::{maximal_layouts, plain_profiles};
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::Plan;
use migplan_core::problem::input::limits::TIME_LIMIT_S;
use migplan_core::problem::input::{parse_profiles, parse_workload, InputError, InputErrors, ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, Refusal, Request};
use serde::Serialize;

pub use crate::request::{ApiError, PlanOptions};
use crate::value;
pub use crate::value::Value;

/// Profiles or a workload as a page hands them over.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    /// CSV or JSON text, as in a file.
    Text(String),
    /// An array of row objects, or the JSON file's object (`{"profiles": [...]}`), as the
    /// page's values: a row's problems are named by its index and field.
    Values(Value),
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
    catalog::gpu(id).ok_or_else(|| {
        vec![ApiError::plain(
            "gpu",
            format!("unknown GPU `{id}`"),
            &format!("one of: {}", catalog::gpu_ids().join(", ")),
        )]
    })
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
fn read_rows(profiles: &Rows, workload: &Rows) -> Result<(Vec<ProfileRow>, Vec<WorkloadRow>), Vec<ApiError>> {
    let profiles = match profiles {
        Rows::Text(text) => parse_profiles("profiles", text).map_err(located),
        Rows::Values(value) => value::profile_rows(value),
    };
    let workload = match workload {
        Rows::Text(text) => parse_workload("workload", text).map_err(located),
        Rows::Values(value) => value::workload_rows(value),
    };
    both(profiles, workload)
}

/// [`plan`] with its options as the page gave them: the options' problems and the rows'
/// reported together.
pub fn plan_request(profiles: &Rows, workload: &Rows, options: &Value) -> Result<Plan, Vec<ApiError>> {
    match value::plan_options(options) {
        Ok(options) => plan(profiles, workload, &options),
        Err(mut errors) => {
            errors.extend(read_rows(profiles, workload).err().unwrap_or_default());
            Err(errors)
        }
    }
}

/// The checked plan of `workload`, or every problem found.
pub fn plan(profiles: &Rows, workload: &Rows, options: &PlanOptions) -> Result<Plan, Vec<ApiError>> {
    let gpu = find_gpu(&options.gpu);
    let solver = SolverKind::parse(&options.solver).ok_or_else(|| {
        let names: Vec<&str> = SolverKind::ALL.iter().map(|k| k.name()).collect();
        vec![ApiError::plain(
            "solver",
            format!("unknown solver `{}`", options.solver),
            &format!("one of: {}", names.join(", ")),
        )]
    });
    let time_limit = TIME_LIMIT_S
        .check(options.time_limit_s)
        .map_err(|e| vec![ApiError::plain("time_limit_s", e, &format!("give seconds, {}", TIME_LIMIT_S.describe()))]);
    let ((gpu, solver), (time_limit, (profile_rows, workload_rows))) =
        both(both(gpu, solver), both(time_limit, read_rows(profiles, workload)))?;
    let run = RunOptions {
        solver,
        budget: Budget { time_limit: Some(Duration::from_secs_f64(time_limit)), max_iterations: None },
        seed: options.seed,
    };
    let request = Request { run, ..Request::on(Fleet::one(gpu)) };
    let planned = workflow::plan(&request, &profile_rows, &workload_rows, &AtomicBool::new(false), None);
    planned.map(|(plan, _)| plan).map_err(|refusal| match refusal {
        Refusal::Inputs(errors) => located(errors),
        other => vec![ApiError::plain("plan", other.to_string(), "nothing was planned")],
    })
}
