//! A request's inputs parsed and checked, as every request needs them, and the messages that
//! say what is wrong with them.

use std::time::Duration;

use migplan_core::hardware::catalog;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::problem::input::limits::TIME_LIMIT_S;
use migplan_core::problem::input::{parse_workload, InputError, ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::Refusal;

use crate::profile_files;
use crate::protocol::{PlanRequest, WorkerMessage};

/// A problem with a box of the page: no file or line, and the box's label, as the page
/// shows it, where a file's error names its column (`error_text::place` words it so).
pub(crate) fn box_error(label: &str, message: String, hint: &str) -> WorkerMessage {
    WorkerMessage::Failed {
        errors: vec![InputError {
            file: String::new(),
            line: None,
            column: Some(label.into()),
            character: None,
            message,
            hint: Some(hint.into()),
        }],
    }
}

pub(crate) fn failure(message: String, hint: &str) -> WorkerMessage {
    WorkerMessage::Failed {
        errors: vec![InputError {
            file: String::new(),
            line: None,
            column: None,
            character: None,
            message,
            hint: Some(hint.into()),
        }],
    }
}

/// A refusal as the page lists problems: located input errors as they are, anything else
/// as one message.
pub(crate) fn refused(refusal: Refusal) -> WorkerMessage {
    match refusal {
        Refusal::Inputs(errors) => WorkerMessage::Failed { errors: errors.0 },
        other => failure(other.to_string(), "nothing was planned: fix what the list says and try again"),
    }
}

pub(crate) struct Prepared {
    pub gpu: GpuSpec,
    pub profiles: Vec<ProfileRow>,
    pub workload: Vec<WorkloadRow>,
    pub options: RunOptions,
}

/// The parsed inputs and run options of a request, or the message that says what is wrong.
pub(crate) fn prepare(request: &PlanRequest) -> Result<Prepared, Box<WorkerMessage>> {
    let Some(gpu) = catalog::gpu(&request.gpu) else {
        return Err(Box::new(failure(format!("unknown GPU `{}`", request.gpu), "pick a GPU from the list")));
    };
    let Some(solver) = SolverKind::parse(&request.solver) else {
        return Err(Box::new(failure(format!("unknown solver `{}`", request.solver), "pick a solver from the list")));
    };
    let profiles = profile_files::import_all(&request.profiles, &request.gpu, request.latency).map(|(rows, _)| rows);
    let workload = parse_workload(&request.workload_name, &request.workload_text);
    let (profiles, workload) = match (profiles, workload) {
        (Ok(p), Ok(w)) => (p, w),
        (p, w) => {
            let mut errors = p.err().map(|e| e.0).unwrap_or_default();
            errors.extend(w.err().map(|e| e.0).unwrap_or_default());
            return Err(Box::new(WorkerMessage::Failed { errors }));
        }
    };
    let typed = request.time_limit_s.trim();
    let time_limit = typed
        .parse::<f64>()
        .map_err(|_| format!("`{typed}` is not a number"))
        .and_then(|s| TIME_LIMIT_S.check(s))
        .map_err(|e| Box::new(box_error("Time limit", e, &format!("give seconds, {}", TIME_LIMIT_S.describe()))))?;
    let typed = request.seed.trim();
    let seed = typed.parse::<u64>().map_err(|_| {
        Box::new(box_error(
            "Seed",
            format!("`{typed}` is not a whole number"),
            "give 0, 1, 2, ... (the same seed gives the same plan)",
        ))
    })?;
    let options = RunOptions {
        solver,
        budget: Budget { time_limit: Some(Duration::from_secs_f64(time_limit)), max_iterations: None },
        seed,
    };
    Ok(Prepared { gpu, profiles, workload, options })
}
