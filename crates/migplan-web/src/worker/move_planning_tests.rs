//! The worker's answers to a move, natively: what it streams, what it sends at the end, and
//! the points' moves it keeps.

use migplan_core::plan::Plan;
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::Key;

use super::*;
use crate::worker::planning::tests::{plan_for_example, request};
use crate::worker::planning::Planner;
use crate::worker::protocol::{Request, ShowMoveRequest, TransitionRequest, WorkerMessage};

/// The example's plan running, and a workload with more demand: a move with a trade-off.
fn higher_demand(running: &Plan, spare: &str) -> TransitionRequest {
    let higher = crate::logic::examples::A100_WORKLOAD.replace(",900,", ",1900,");
    let settings = Asked::from([(Key::Spare, spare.into())]);
    TransitionRequest { inputs: request(&higher), running: running.clone().into(), settings, front_id: 7 }
}

#[test]
fn a_move_streams_only_better_moves_then_the_first_point_and_the_trade_off_summed_up() {
    let running = plan_for_example();
    let mut planner = Planner::default();
    let mut messages = Vec::new();
    planner.handle(&Request::Transition(higher_demand(&running, "0")), &mut |m| messages.push(m));
    let Some(WorkerMessage::MoveDone { front_id, shown, front, times }) = messages.last() else {
        panic!("{messages:?}")
    };
    assert_eq!((*front_id, shown.spare_allowed), (7, 0));
    assert!(times.plan_ms > 0.0 && times.streaming_ms <= times.plan_ms, "{times:?}");
    // The trade-off: more extra GPUs never touch more running GPUs; the move shown is its
    // first point's.
    let touched: Vec<usize> = front.iter().map(|p| p.running_touched).collect();
    assert!(front.len() >= 2 && touched.windows(2).all(|w| w[1] <= w[0]), "{touched:?}");
    assert_eq!(front[0], shown.point());
    assert!(shown.target.gpu_count >= running.gpu_count && !shown.transition.steps.is_empty());
    assert_eq!(shown.steps.len(), shown.transition.steps.len());
    let bert = shown.steps.iter().flat_map(|s| &s.serves).find(|s| s.model == "bert-base-multilingual-cased");
    assert_eq!(bert.map(|s| s.floor), Some(900.0));
    // Streamed while planning: at least one move, each better than the one before and
    // within the spares allowed.
    let streamed: Vec<&MoveView> = messages
        .iter()
        .filter_map(|m| match m {
            WorkerMessage::MoveProgress { shown: Some(v), .. } => Some(v),
            _ => None,
        })
        .collect();
    assert!(!streamed.is_empty(), "{messages:?}");
    for (k, v) in streamed.iter().enumerate() {
        assert!(v.transition.spare_used <= v.spare_allowed);
        assert!(v.improves_on(k.checked_sub(1).map(|k| streamed[k])), "move {k} streamed is no better");
    }
}

#[test]
fn the_worker_shows_any_point_of_the_trade_off_it_planned_and_only_of_that_one() {
    let running = plan_for_example();
    let mut planner = Planner::default();
    let mut done = None;
    planner.handle(&Request::Transition(higher_demand(&running, "2")), &mut |m| {
        if let WorkerMessage::MoveDone { front, .. } = m {
            done = Some(front);
        }
    });
    let front = done.expect("a move");
    let last = front.len() - 1;
    let mut ask = |front_id, point| {
        let mut answers = Vec::new();
        planner.handle(&Request::ShowMove(ShowMoveRequest { front_id, point }), &mut |m| answers.push(m));
        match answers.as_slice() {
            [WorkerMessage::MoveShown { front_id: f, point: p, shown }] if (*f, *p) == (front_id, point) => {
                shown.clone()
            }
            other => panic!("{other:?}"),
        }
    };
    let picked = ask(7, last).expect("the last point's move");
    assert_eq!(picked.point(), front[last]);
    assert_eq!(picked.spare_allowed, 2);
    assert_eq!(ask(7, 0).map(|v| v.point()), Some(front[0].clone()));
    // Another trade-off's name, a point past the end, or a fresh worker: no move.
    assert_eq!(ask(8, 0), None);
    assert_eq!(ask(7, front.len()), None);
    let mut fresh = Vec::new();
    Planner::default().handle(&Request::ShowMove(ShowMoveRequest { front_id: 7, point: 0 }), &mut |m| fresh.push(m));
    assert_eq!(fresh, [WorkerMessage::MoveShown { front_id: 7, point: 0, shown: None }]);
}
