//! What a move's run does to the state: started, a report and a better move so far, the
//! move and its trade-off at the end, a point's move fetched, cancelled.

use std::rc::Rc;

use migplan_core::plan::Termination;
use migplan_core::solve::control::Phase;

use super::planned_move::PlannedMove;
use super::run::Run;
use super::State;
use crate::worker::move_view::{FrontPoint, MoveView};
use crate::worker::protocol::{MoveTimes, Status};

/// Said when the worker no longer holds the trade-off on screen.
const FRONT_GONE: &str = "The other points' moves are gone (the planner was restarted since): \
                              press Plan the move again to see them.";

impl State {
    pub(super) fn move_started(&mut self, at_ms: f64) {
        self.move_run = Run::started(at_ms);
        self.planned_move = None;
        self.move_picking = None;
        self.move_key = self.move_request_key();
        self.moving_from = self.move_inputs.deployed.as_ref().map(|d| d.plan.clone());
    }

    /// A report of the planning under way, and a better move so far when it found one (the
    /// worker sends only better ones; a worse one is not shown however it came).
    pub(super) fn move_progress(&mut self, status: Status, shown: Option<MoveView>) {
        // The status line's best so far is the move shown: the planner's own best GPUs go up
        // and down as it moves from one point of the trade-off to the next.
        self.move_run.heard(Status { best_gpus: None, ..status });
        let Some(shown) = shown else { return };
        let better = shown.improves_on(self.planned_move.as_ref().map(|m: &PlannedMove| &*m.shown));
        if let (true, Some(running)) = (better, &self.moving_from) {
            self.move_run.point(status.elapsed_ms, shown.target.gpu_count);
            self.planned_move = Some(PlannedMove {
                running: running.clone(),
                shown: Rc::new(shown),
                front: Rc::default(),
                front_id: None,
            });
        }
    }

    pub(super) fn move_done(&mut self, front_id: u64, shown: MoveView, front: Vec<FrontPoint>, times: MoveTimes) {
        self.move_run.running = false;
        self.move_run.phase = Some(Phase::Stopped(shown.target.solver.termination));
        self.move_run.move_times = Some(times);
        if let Some(running) = self.moving_from.take() {
            self.planned_move =
                Some(PlannedMove { running, shown: Rc::new(shown), front: Rc::new(front), front_id: Some(front_id) });
        }
    }

    /// The worker's answer to a point picked: its move, or that it no longer holds them.
    pub(super) fn move_shown(&mut self, front_id: u64, point: usize, shown: Option<MoveView>) {
        if self.move_picking != Some(point) {
            return;
        }
        self.move_picking = None;
        let Some(planned) = self.planned_move.as_mut().filter(|m| m.front_id == Some(front_id)) else { return };
        match shown {
            Some(shown) => planned.shown = Rc::new(shown),
            None => {
                planned.front_id = None;
                self.move_run.note = Some(FRONT_GONE.into());
            }
        }
    }

    pub(super) fn move_cancelled(&mut self, at_ms: f64) {
        self.move_run.elapsed_ms = self.move_run.elapsed_at(at_ms);
        self.move_run.running = false;
        self.move_run.phase = Some(Phase::Stopped(Termination::Cancelled));
        self.moving_from = None;
        self.move_run.note = Some(match &self.planned_move {
            Some(m) => format!("cancelled: kept the best move found, to {} GPUs", m.shown.target.gpu_count),
            None => "cancelled before a move was found".into(),
        });
    }
}

#[cfg(test)]
#[path = "moving_tests.rs"]
mod tests;
