//! What the worker does with a request: parse, plan or plan the move through migplan-core's
//! checked workflow, and report. Plain Rust, so it is tested natively; the worker binary only
//! wires it to messages.

use std::sync::atomic::AtomicBool;

use migplan_core::hardware::catalog;
use migplan_core::hardware::fleet::{Fleet, GpuType};
use migplan_core::solve::control::Progress;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow;
use migplan_core::workflow::capacity::{compare, growth};
use migplan_core::workflow::request::Sweep;

use crate::move_planning::{plan_move, show_move, KeptFront};
use crate::prepared::{box_error, failure, prepare, refused};
use crate::protocol::{CapacityRequest, PlanRequest, Request, Status, WorkerMessage};

/// The worker's side of the protocol: answers requests, and keeps the last move's trade-off
/// between them for the page to pick points from.
#[derive(Default)]
pub struct Planner {
    front: Option<KeptFront>,
}

impl Planner {
    /// Answers a request as the page posts it, JSON text.
    pub fn handle_text(&mut self, text: &str, emit: &mut dyn FnMut(WorkerMessage)) {
        match serde_json::from_str::<Request>(text) {
            Ok(request) => self.handle(&request, emit),
            Err(e) => emit(failure(
                format!("the planner received a request it cannot read: {e}"),
                "reload the page: it and the planner may come from different versions",
            )),
        }
    }

    /// Answers `request`, sending every message through `emit`; the last one is `Done`,
    /// `MoveDone`, `MoveShown`, `Capacity` or `Failed`.
    pub fn handle(&mut self, request: &Request, emit: &mut dyn FnMut(WorkerMessage)) {
        match request {
            Request::Plan(r) => handle_plan(r, emit),
            Request::Transition(r) => plan_move(r, &mut self.front, emit),
            Request::ShowMove(r) => emit(show_move(r, self.front.as_ref())),
            Request::Capacity(r) => emit(handle_capacity(r)),
        }
    }
}

fn handle_plan(request: &PlanRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let p = match prepare(request) {
        Ok(prepared) => prepared,
        Err(message) => return emit(*message),
    };
    let mut watch = |progress: &Progress, plan| emit(WorkerMessage::Progress { status: Status::of(progress), plan });
    let request = workflow::Request { run: p.options, ..workflow::Request::on(Fleet::one(p.gpu.clone())) };
    let planned = workflow::plan(&request, &p.profiles, &p.workload, &AtomicBool::new(false), Some(&mut watch));
    emit(match planned {
        Ok((plan, phases)) => WorkerMessage::Done { plan, phases },
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
            (Some(spec), Some(price)) if !fleet.iter().any(|t: &GpuType| t.spec.id == spec.id) => {
                fleet.push(GpuType { spec, price })
            }
            _ => {
                return box_error("GPU types", format!("`{typed}` is not GPU=PRICE"), "e.g. a100-40gb=1, h100-80gb=2.2")
            }
        }
    }
    let fleet = Fleet::new(fleet).unwrap_or_else(|_| Fleet::one(p.gpu.clone()));
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
    // As `migplan compare` and `sweep` do: capacity is planned exactly, with bounds.
    let run = RunOptions { solver: SolverKind::Exact, ..p.options };
    let sweep = Sweep { from, to, steps };
    let mixed = workflow::Request { run, sweep, ..workflow::Request::on(fleet) };
    let own = workflow::Request { fleet: Fleet::one(p.gpu.clone()), ..mixed.clone() };
    let answered = compare(&mixed, &p.profiles, &p.workload, &cancel).and_then(|compare| {
        let growth = growth(&own, &p.profiles, &p.workload, &cancel)?;
        Ok(WorkerMessage::Capacity { compare, growth })
    });
    answered.unwrap_or_else(refused)
}

#[cfg(test)]
#[path = "planning_tests.rs"]
pub(crate) mod tests;
