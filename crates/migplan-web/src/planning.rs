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
    let fleet = match typed_fleet(&request.types) {
        Ok(fleet) => fleet,
        Err((message, hint)) => return box_error("GPU types", message, &hint),
    };
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

/// The capacity panel's "GPU types and costs" (`a100-40gb=1, h100-80gb=2.2`; a type without
/// a price costs 1), or what is wrong with one of them and what to write instead.
fn typed_fleet(types: &str) -> Result<Vec<GpuType>, (String, String)> {
    let known = || catalog::gpu_ids().join(", ");
    let mut fleet: Vec<GpuType> = Vec::new();
    for typed in types.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (id, price) = typed.split_once('=').map_or((typed, "1"), |(id, price)| (id.trim(), price.trim()));
        let Some(spec) = catalog::gpu(id) else {
            return Err((format!("`{id}` is not a GPU migplan knows"), format!("write one of {}", known())));
        };
        let Some(price) = price.parse::<f64>().ok().filter(|c| c.is_finite() && *c > 0.0) else {
            return Err((
                format!("`{price}` is not a price for {id}"),
                format!("write what one GPU costs as a number above 0, e.g. {id}=2.2"),
            ));
        };
        if fleet.iter().any(|t| t.spec.id == spec.id) {
            return Err((format!("{id} is given twice"), "give each GPU type once, with its price".into()));
        }
        fleet.push(GpuType { spec, price });
    }
    Ok(fleet)
}

#[cfg(test)]
#[path = "planning_tests.rs"]
pub(crate) mod tests;
