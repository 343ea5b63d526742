//! What the worker does with a move: plan the trade-off through `workflow::plan_pareto`,
//! send the page a better move now and then while it runs, then the first point's move and
//! the trade-off summed up; keep the points' moves, so that the page asks for the one the user
//! picks instead of receiving them all. Plain Rust, tested natively.

use std::sync::atomic::AtomicBool;

use migplan_core::solve::control::Progress;
use migplan_core::workflow::{plan_pareto, Move, MoveRequest, Target};
use web_time::Instant;

use crate::worker::move_view::{rank, FrontPoint, MoveView};
use crate::worker::prepared::{failure, prepare, refused};
use crate::worker::protocol::{MoveTimes, ShowMoveRequest, Status, TransitionRequest, WorkerMessage};

/// The least time between two messages while planning, and between two moves sent, by the
/// planner's clock (ms). Every message costs the page's thread a new state and a render (tens
/// of ms at 1,000 models) and a move a few hundred KB more to read, while the planner reports
/// several times a second and the page ticks its clock on its own. A better move found sooner
/// waits for the next report past its time; the move shown at the end is the trade-off's
/// first point anyway.
const REPORT_EVERY_MS: u64 = 500;
const MOVE_EVERY_MS: u64 = 1000;

/// The moves of the last trade-off planned, for the page to pick from.
pub struct KeptFront {
    front_id: u64,
    spare_allowed: usize,
    moves: Vec<Move>,
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Plans the move of `request`, sending every message through `emit` (the last one `MoveDone`
/// or `Failed`), and keeps its trade-off's moves in `kept`.
pub fn plan_move(request: &TransitionRequest, kept: &mut Option<KeptFront>, emit: &mut dyn FnMut(WorkerMessage)) {
    let started = Instant::now();
    // The trade-off on the page is about to be replaced.
    *kept = None;
    let p = match prepare(&request.inputs, &request.settings) {
        Ok(prepared) => prepared,
        Err(message) => return emit(*message),
    };
    let spare_allowed = p.request.spare;
    let move_request = MoveRequest {
        request: &p.request,
        profiles: &p.profiles,
        running: &request.running,
        running_workload: None,
        target: Target::Workload(&p.workload),
    };
    let read_ms = ms(started);
    let mut streaming_ms = 0.0;
    // The best move found so far that the page has not been sent yet, and the rank of the best;
    // when the last message and the last move were sent.
    let (mut best, mut best_rank) = (None::<Move>, None);
    let (mut reported_at_ms, mut sent_at_ms) = (None::<u64>, None::<u64>);
    let mut watch = |progress: &Progress, found: Option<Move>| {
        let handling = Instant::now();
        if let Some(m) = found.filter(|m| m.transition.spare_used <= spare_allowed) {
            let better =
                rank(&m.target, &m.transition, m.disruption.as_ref()).filter(|r| best_rank.is_none_or(|b| *r < b));
            if better.is_some() {
                (best_rank, best) = (better, Some(m));
            }
        }
        let now = progress.elapsed_ms;
        let due = |at: Option<u64>, every| at.is_none_or(|at| now >= at + every);
        let shown = best.take_if(|_| due(sent_at_ms, MOVE_EVERY_MS)).map(|m| MoveView::of(&m, spare_allowed));
        if shown.is_some() {
            sent_at_ms = Some(now);
        }
        if shown.is_some() || due(reported_at_ms, REPORT_EVERY_MS) {
            reported_at_ms = Some(now);
            emit(WorkerMessage::MoveProgress { status: Status::of(progress), shown });
        }
        streaming_ms += ms(handling);
    };
    let planning = Instant::now();
    let planned = plan_pareto(&move_request, &AtomicBool::new(false), Some(&mut watch));
    let plan_ms = ms(planning);
    let answering = Instant::now();
    let moves = match planned {
        Ok(moves) if !moves.is_empty() => moves,
        Ok(_) => {
            return emit(failure("the planner returned no move (a bug)".into(), "please report it with your inputs"))
        }
        Err(refusal) => return emit(refused(refusal)),
    };
    let front = moves.iter().map(FrontPoint::of).collect();
    let shown = MoveView::of(&moves[0], spare_allowed);
    let front_id = request.front_id;
    *kept = Some(KeptFront { front_id, spare_allowed, moves });
    let times = MoveTimes { read_ms, plan_ms, streaming_ms, answer_ms: ms(answering) };
    emit(WorkerMessage::MoveDone { front_id, shown, front, times });
}

/// The move of the point asked for, if `kept` is that trade-off.
pub fn show_move(request: &ShowMoveRequest, kept: Option<&KeptFront>) -> WorkerMessage {
    let ShowMoveRequest { front_id, point } = *request;
    let shown = kept
        .filter(|k| k.front_id == front_id)
        .and_then(|k| k.moves.get(point).map(|m| MoveView::of(m, k.spare_allowed)));
    WorkerMessage::MoveShown { front_id, point, shown }
}

#[cfg(test)]
#[path = "move_planning_tests.rs"]
mod tests;
