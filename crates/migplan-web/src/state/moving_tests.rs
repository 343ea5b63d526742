//! A move's run in the reducer, natively: what a streamed move, a fetched point and a worker
//! that lost its trade-off do to the page.

use migplan_core::solve::control::Phase;

use super::super::move_fixtures::{move_asked, running_the_example_with_a_higher_workload};
use super::super::{Action, State};
use super::FRONT_GONE;
use crate::worker::move_view::MoveView;
use crate::worker::protocol::Status;

/// A move asked for with one spare GPU allowed, and every message of the worker for it.
fn moving() -> (State, Vec<Action>) {
    move_asked(&running_the_example_with_a_higher_workload().after(Action::SetSpare("1".into())))
}

fn status(elapsed_ms: u64) -> Status {
    Status { best_gpus: Some(99), lower_bound: 1, elapsed_ms, phase: Phase::Improved }
}

fn shown(s: &State) -> Option<&MoveView> {
    s.planned_move.as_ref().map(|m| &*m.shown)
}

#[test]
fn a_streamed_move_is_shown_only_when_better_and_within_the_spares_allowed() {
    let (s, heard) = moving();
    let Some(Action::MoveDone { shown: done, .. }) = heard.into_iter().last() else { panic!("no move") };
    let mut v = done.clone();
    v.transition.running_touched += 2;
    let s = s.after(Action::MoveProgress { status: status(10), shown: Some(v.clone()) });
    assert_eq!(shown(&s), Some(&v));
    // The status line's best so far is the move's, not the planner's own count.
    assert_eq!(s.move_run.points.last().map(|p| (p.elapsed_ms, p.gpus)), Some((10, v.target.gpu_count)));
    let mut worse = v.clone();
    worse.transition.running_touched += 1;
    let s = s.after(Action::MoveProgress { status: status(20), shown: Some(worse) });
    assert_eq!(shown(&s), Some(&v), "a worse move replaced the one shown");
    let mut borrowing = v.clone();
    (borrowing.transition.running_touched, borrowing.transition.spare_used) = (0, 2);
    let s = s.after(Action::MoveProgress { status: status(30), shown: Some(borrowing) });
    assert_eq!(shown(&s), Some(&v), "a move borrowing 2 spare GPUs shown with 1 allowed");
    let s = s.after(Action::MoveProgress { status: status(40), shown: Some(done.clone()) });
    assert_eq!(shown(&s), Some(&done));
    assert!(s.move_run.running);
}

#[test]
fn a_picked_point_comes_from_the_worker_that_holds_the_trade_off_or_the_page_says_it_is_gone() {
    let (mut s, heard) = moving();
    for action in heard {
        s = s.after(action);
    }
    let front = s.planned_move.as_ref().unwrap().front.clone();
    assert!(front.len() >= 2 && !s.busy());
    let s = s.after(Action::PickMove(1));
    assert!(s.busy(), "one request at a time: Solve waits for the point's move");
    // An answer for another point changes nothing; one for another trade-off ends the
    // wait, and shows nothing.
    let first = shown(&s).cloned();
    let mut other = first.clone().unwrap();
    other.transition.running_touched += 5;
    let same = s.after(Action::MoveShown { front_id: 2, point: 0, shown: Some(other.clone()) });
    assert_eq!((same.move_picking, shown(&same)), (Some(1), first.as_ref()));
    let same = s.after(Action::MoveShown { front_id: 3, point: 1, shown: Some(other) });
    assert_eq!((same.move_picking, shown(&same)), (None, first.as_ref()));
    let mut picked = first.clone().unwrap();
    picked.disruption.as_mut().unwrap().extra_gpus = 1;
    let s = s.after(Action::MoveShown { front_id: 2, point: 1, shown: Some(picked.clone()) });
    assert_eq!((shown(&s), s.planned_move.as_ref().unwrap().extra_gpus(), s.busy()), (Some(&picked), 1, false));
    // A worker replaced since: the move stays, its points can no longer be picked, and the
    // page says so.
    let s = s.after(Action::PickMove(0)).after(Action::MoveShown { front_id: 2, point: 0, shown: None });
    assert_eq!((shown(&s), s.planned_move.as_ref().unwrap().front_id), (Some(&picked), None));
    assert_eq!(s.move_run.note.as_deref(), Some(FRONT_GONE));
}

#[test]
fn a_move_is_saved_once_planned_and_not_its_best_so_far_on_every_improvement() {
    use super::super::saved::{assemble, changed_parts, MOVE};
    let keys = |parts: &[(&'static str, String)]| parts.iter().map(|p| p.0).collect::<Vec<&str>>();
    let (planning, heard) = moving();
    let Some(Action::MoveDone { shown: done, .. }) = heard.last() else { panic!("no move") };
    let streamed = planning.after(Action::MoveProgress { status: status(10), shown: Some(done.clone()) });
    assert!(streamed.planned_move.is_some());
    assert!(!keys(&changed_parts(&streamed, Some(&planning)).unwrap()).contains(&MOVE));
    let mut planned = streamed.clone();
    for action in heard {
        planned = planned.after(action);
    }
    let parts = changed_parts(&planned, Some(&streamed)).unwrap();
    assert!(keys(&parts).contains(&MOVE));
    let mut store: std::collections::HashMap<&str, String> =
        changed_parts(&streamed, None).unwrap().into_iter().collect();
    store.extend(parts);
    let loaded = assemble(&store).unwrap().planned_move.unwrap();
    assert_eq!(loaded.shown, planned.planned_move.unwrap().shown);
}

#[test]
fn a_planner_that_stops_on_a_bug_ends_the_move_with_its_words_and_keeps_the_move_shown() {
    let (s, heard) = moving();
    let Some(Action::MoveDone { shown: done, .. }) = heard.last() else { panic!("no move") };
    let s = s.after(Action::MoveProgress { status: status(10), shown: Some(done.clone()) });
    let crash =
        crate::worker::protocol::WorkerMessage::Crashed { message: "the planner stopped on a bug (boom)".into() };
    let s = s.after(Action::heard(crash).expect("a crash is acted on"));
    assert!(!s.move_run.running && !s.busy());
    assert_eq!(s.move_run.note.as_deref(), Some("the planner stopped on a bug (boom)"));
    assert_eq!(shown(&s), Some(done), "the best move so far stays");
}
