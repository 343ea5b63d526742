//! What the worker does with a request: parse, plan or plan the move through migplan-core's
//! checked workflow, and report. Plain Rust, so it is tested natively; the worker binary only
//! wires it to messages.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::hardware::catalog;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::problem::fleet::PricedGpu;
use migplan_core::problem::input::limits::TIME_LIMIT_S;
use migplan_core::problem::input::{parse_workload, InputError, ProfileRow, WorkloadRow};
use migplan_core::solve::control::{Budget, Progress};
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::capacity::{compare, factors, growth};
use migplan_core::workflow::{self, plan_pareto, MoveRequest, Refusal, Target};

use crate::profile_files;
use crate::protocol::{
    CapacityRequest, FrontPoint, PlanRequest, PlannedMove, Request, Status, TransitionRequest, WorkerMessage,
};

/// A problem with a box of the page: no file or line, and the box's label, as the page
/// shows it, where a file's error names its column (`error_text::place` words it so).
fn box_error(label: &str, message: String, hint: &str) -> WorkerMessage {
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

fn failure(message: String, hint: &str) -> WorkerMessage {
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
fn refused(refusal: Refusal) -> WorkerMessage {
    match refusal {
        Refusal::Inputs(errors) => WorkerMessage::Failed { errors: errors.0 },
        other => failure(other.to_string(), "nothing was planned: fix what the list says and try again"),
    }
}

fn status(p: &Progress) -> Status {
    Status { best_gpus: p.best_gpus, lower_bound: p.lower_bound, elapsed_ms: p.elapsed_ms, phase: p.phase }
}

/// Answers a request as the page posts it, JSON text.
pub fn handle_text(text: &str, emit: &mut dyn FnMut(WorkerMessage)) {
    match serde_json::from_str::<Request>(text) {
        Ok(request) => handle(&request, emit),
        Err(e) => emit(failure(
            format!("the planner received a request it cannot read: {e}"),
            "reload the page: it and the planner may come from different versions",
        )),
    }
}

/// Answers `request`, sending every message through `emit`; the last one is `Done`,
/// `MoveDone` or `Failed`.
pub fn handle(request: &Request, emit: &mut dyn FnMut(WorkerMessage)) {
    match request {
        Request::Plan(r) => handle_plan(r, emit),
        Request::Transition(r) => handle_transition(r, emit),
        Request::Capacity(r) => emit(handle_capacity(r)),
    }
}

struct Prepared {
    gpu: GpuSpec,
    profiles: Vec<ProfileRow>,
    workload: Vec<WorkloadRow>,
    options: RunOptions,
}

/// The parsed inputs and run options of a request, or the message that says what is wrong.
fn prepare(request: &PlanRequest) -> Result<Prepared, Box<WorkerMessage>> {
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

fn handle_plan(request: &PlanRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let p = match prepare(request) {
        Ok(prepared) => prepared,
        Err(message) => return emit(*message),
    };
    let mut watch = |progress: &Progress, plan| emit(WorkerMessage::Progress { status: status(progress), plan });
    let planned =
        workflow::plan_timed(&p.gpu, &p.profiles, &p.workload, &p.options, &AtomicBool::new(false), Some(&mut watch));
    emit(match planned {
        Ok((plan, phases)) => WorkerMessage::Done { plan, phases },
        Err(refusal) => refused(refusal),
    });
}

fn handle_transition(request: &TransitionRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let p = match prepare(&request.inputs) {
        Ok(prepared) => prepared,
        Err(message) => return emit(*message),
    };
    let typed = request.spare.trim();
    let Ok(spare_allowed) = typed.parse::<usize>() else {
        return emit(box_error(
            "Spare GPUs",
            format!("`{typed}` is not a whole number of GPUs"),
            "give 0, 1, 2, ...: how many spare GPUs the move may borrow",
        ));
    };
    let move_request = MoveRequest {
        gpu: &p.gpu,
        profiles: &p.profiles,
        running: &request.running,
        running_workload: None,
        target: Target::Workload(&p.workload),
        options: p.options,
        extra_gpus: 0,
        spare: spare_allowed,
    };
    let mut watch = |progress: &Progress, planned: Option<_>| {
        let planned = planned.map(|planned| PlannedMove { planned, spare_allowed, front: Vec::new() });
        emit(WorkerMessage::MoveProgress { status: status(progress), planned })
    };
    let front = plan_pareto(&move_request, &AtomicBool::new(false), Some(&mut watch));
    emit(match front {
        Ok(moves) => {
            let front = moves
                .iter()
                .map(|m| FrontPoint {
                    extra_gpus: m.disruption.as_ref().map_or(0, |d| d.extra_gpus),
                    touched_lower_bound: m.disruption.as_ref().map_or(0, |d| d.touched_lower_bound),
                    target: m.target.clone(),
                    transition: m.transition.clone(),
                })
                .collect();
            let planned = moves.into_iter().next().expect("a front has its first point");
            WorkerMessage::MoveDone { planned: PlannedMove { planned, spare_allowed, front } }
        }
        Err(refusal) => refused(refusal),
    });
}

/// Compares the typed GPU types (the inputs' GPU alone when none are typed) and sweeps the
/// demand multiplier for the inputs' GPU.
fn handle_capacity(request: &CapacityRequest) -> WorkerMessage {
    let p = match prepare(&request.inputs) {
        Ok(prepared) => prepared,
        Err(message) => return *message,
    };
    let mut fleet = Vec::new();
    for typed in request.types.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (id, price) = typed.split_once('=').unwrap_or((typed, "1"));
        let price = price.trim().parse::<f64>().ok().filter(|c| c.is_finite() && *c > 0.0);
        match (catalog::gpu(id), price) {
            (Some(spec), Some(cost)) if !fleet.iter().any(|t: &PricedGpu| t.spec.id == spec.id) => {
                fleet.push(PricedGpu { spec, cost })
            }
            _ => {
                return box_error("GPU types", format!("`{typed}` is not GPU=PRICE"), "e.g. a100-40gb=1, h100-80gb=2.2")
            }
        }
    }
    if fleet.is_empty() {
        fleet.push(PricedGpu::unit(p.gpu.clone()));
    }
    let number = |typed: &str| typed.trim().parse::<f64>().ok().filter(|x| x.is_finite() && *x > 0.0 && *x <= 1000.0);
    let (Some(from), Some(to)) = (number(&request.from), number(&request.to)) else {
        return box_error("Multipliers", "the multipliers must be numbers above 0".into(), "e.g. from 0.5 to 4");
    };
    let steps = match request.steps.trim().parse::<usize>() {
        Ok(n) if (2..=64).contains(&n) && from < to => n,
        _ => {
            return box_error(
                "Multipliers",
                "give 2 to 64 steps from a smaller to a larger multiplier".into(),
                "e.g. 8",
            )
        }
    };
    let cancel = AtomicBool::new(false);
    let own = [PricedGpu::unit(p.gpu.clone())];
    // As `migplan compare` and `sweep` do: capacity is planned exactly, with bounds.
    let options = RunOptions { solver: SolverKind::Exact, ..p.options };
    let answered = compare(&fleet, &p.profiles, &p.workload, &options, &cancel).and_then(|compare| {
        let growth = growth(&own, &p.profiles, &p.workload, &factors(from, to, steps), &options, &cancel)?;
        Ok(WorkerMessage::Capacity { compare, growth })
    });
    answered.unwrap_or_else(refused)
}

#[cfg(test)]
#[path = "planning_tests.rs"]
mod tests;
