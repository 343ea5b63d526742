//! What the worker does with a request: parse, plan or plan the move through migplan-core's
//! checked workflow, and report. Plain Rust, so it is tested natively; the worker binary only
//! wires it to messages.

use std::sync::atomic::AtomicBool;

use migplan_core::hardware::fleet::Fleet;
use migplan_core::solve::control::Progress;
use migplan_core::solve::registry::SolverKind;
use migplan_core::workflow;
use migplan_core::workflow::capacity::{compare, growth};
use migplan_core::workflow::request::Asked;

use crate::worker::move_planning::{plan_move, show_move, KeptFront};
use crate::worker::prepared::{failure, prepare, refused};
use crate::worker::protocol::{CapacityRequest, PlanRequest, Request, Status, WorkerMessage};

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
    let p = match prepare(request, &Asked::new()) {
        Ok(prepared) => prepared,
        Err(message) => return emit(*message),
    };
    let mut watch = |progress: &Progress, plan| emit(WorkerMessage::Progress { status: Status::of(progress), plan });
    let planned = workflow::plan(&p.request, &p.profiles, &p.workload, &AtomicBool::new(false), Some(&mut watch));
    emit(match planned {
        Ok((plan, phases)) => WorkerMessage::Done { plan, phases },
        Err(refusal) => refused(refusal),
    });
}

/// Compares the typed GPU types (the inputs' GPU alone when none are typed) and sweeps the
/// demand multiplier for the inputs' GPU.
fn handle_capacity(request: &CapacityRequest) -> WorkerMessage {
    let p = match prepare(&request.inputs, &request.settings) {
        Ok(prepared) => prepared,
        Err(message) => return *message,
    };
    let cancel = AtomicBool::new(false);
    // As `migplan compare` and `sweep` do: capacity is planned exactly, with bounds.
    let mut mixed = p.request;
    mixed.run.solver = SolverKind::Exact;
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
