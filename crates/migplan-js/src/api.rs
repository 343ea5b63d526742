//! What the ES module offers, in plain Rust: inputs as CSV or JSON text or as rows (JSON
//! values converted from JS objects), options with defaults, the checked plan, the GPUs and
//! their layouts. Errors keep the core's file, line and field; for rows given as objects the
//! line becomes the row's index in the array.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::hardware::catalog;
use migplan_core::hardware::layouts::{maximal_layouts, plain_profiles};
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::Plan;
use migplan_core::problem::input::limits::TIME_LIMIT_S;
use migplan_core::problem::input::{parse_profiles, parse_workload, InputError, InputErrors};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, Refusal};
use serde::{Deserialize, Serialize};

/// Profiles or a workload as a page hands them over.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    /// CSV or JSON text, as in a file.
    Text(String),
    /// An array of row objects, or the JSON file's object (`{"profiles": [...]}`).
    Values(serde_json::Value),
}

/// `plan`'s options; every one may be left out.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanOptions {
    #[serde(default = "default_gpu")]
    pub gpu: String,
    #[serde(default = "default_solver")]
    pub solver: String,
    /// Seconds; the solver returns its best plan when they are up.
    #[serde(default = "default_time_limit")]
    pub time_limit_s: f64,
    /// The fixed seed by default: the same inputs give the same plan.
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_gpu() -> String {
    "a100-40gb".into()
}
fn default_solver() -> String {
    "auto".into()
}
fn default_time_limit() -> f64 {
    10.0
}
fn default_seed() -> u64 {
    1
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            gpu: default_gpu(),
            solver: default_solver(),
            time_limit_s: default_time_limit(),
            seed: default_seed(),
        }
    }
}

/// One problem with the inputs, for JS: `row` is the index in an array of row objects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiError {
    pub file: String,
    pub row: Option<usize>,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl ApiError {
    fn plain(column: &str, message: String, hint: &str) -> ApiError {
        ApiError {
            file: String::new(),
            row: None,
            line: None,
            column: Some(column.into()),
            message,
            hint: Some(hint.into()),
        }
    }

    /// "profiles[2], character 14: ..." or "workload.csv, line 3, rate: ...".
    pub fn describe(&self) -> String {
        let mut place = self.file.clone();
        match (self.row, self.line) {
            (Some(row), _) => place.push_str(&format!("[{row}]")),
            (None, Some(line)) => place.push_str(&format!(", line {line}")),
            _ => {}
        }
        if let Some(column) = &self.column {
            place = if place.is_empty() { column.clone() } else { format!("{place}, {column}") };
        }
        format!("{place}: {}", self.message)
    }
}

/// The text the core reads for `rows`, and whether its lines are rows of an array (line
/// `i + 2` is row `i`: the first line opens the array).
fn as_text(section: &str, rows: &Rows) -> Result<(String, bool), Vec<ApiError>> {
    match rows {
        Rows::Text(text) => Ok((text.clone(), false)),
        Rows::Values(serde_json::Value::Array(items)) => {
            let lines: Vec<String> = items.iter().map(|item| item.to_string()).collect();
            Ok((format!("{{\"{section}\": [\n{}\n]}}\n", lines.join(",\n")), true))
        }
        Rows::Values(object @ serde_json::Value::Object(_)) => Ok((object.to_string(), false)),
        Rows::Values(other) => Err(vec![ApiError::plain(
            section,
            format!("{section} must be CSV text, an array of rows or an object with a `{section}` array, not {other}"),
            "pass the file's text, or [{model, ...}, ...]",
        )]),
    }
}

fn located(section: &str, by_row: bool, errors: InputErrors) -> Vec<ApiError> {
    errors
        .0
        .into_iter()
        .map(|InputError { file, line, column, character, message, hint }| {
            let row = line.filter(|&l| by_row && l >= 2).map(|l| (l - 2) as usize);
            let file = if by_row { section.to_string() } else { file };
            // The API's errors keep one place field: a JSON position reads "character 14".
            let column = column.or_else(|| character.map(|c| format!("character {c}")));
            ApiError { file, row, line: if row.is_some() { None } else { line }, column, message, hint }
        })
        .collect()
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

/// The checked plan of `workload`, or every problem found.
pub fn plan(profiles: &Rows, workload: &Rows, options: &PlanOptions) -> Result<Plan, Vec<ApiError>> {
    let gpu = find_gpu(&options.gpu)?;
    let solver = SolverKind::parse(&options.solver).ok_or_else(|| {
        let names: Vec<&str> = SolverKind::ALL.iter().map(|k| k.name()).collect();
        vec![ApiError::plain(
            "solver",
            format!("unknown solver `{}`", options.solver),
            &format!("one of: {}", names.join(", ")),
        )]
    })?;
    let time_limit = TIME_LIMIT_S
        .check(options.time_limit_s)
        .map_err(|e| vec![ApiError::plain("time_limit_s", e, &format!("give seconds, {}", TIME_LIMIT_S.describe()))])?;
    let (profile_text, profile_rows) = as_text("profiles", profiles)?;
    let (workload_text, workload_rows) = as_text("workload", workload)?;
    let profile_rows_read = parse_profiles("profiles", &profile_text).map_err(|e| located("profiles", profile_rows, e));
    let workload_rows_read =
        parse_workload("workload", &workload_text).map_err(|e| located("workload", workload_rows, e));
    let (profile_rows_read, workload_rows_read) = match (profile_rows_read, workload_rows_read) {
        (Ok(p), Ok(w)) => (p, w),
        (p, w) => return Err([p.err(), w.err()].into_iter().flatten().flatten().collect()),
    };
    let run = RunOptions {
        solver,
        budget: Budget { time_limit: Some(Duration::from_secs_f64(time_limit)), max_iterations: None },
        seed: options.seed,
    };
    workflow::plan(&gpu, &profile_rows_read, &workload_rows_read, &run, &AtomicBool::new(false), None).map_err(
        |refusal| match refusal {
            Refusal::Inputs(errors) => located("inputs", false, errors),
            other => vec![ApiError::plain("plan", other.to_string(), "nothing was planned")],
        },
    )
}
