//! The move on the page: the running plan it starts from, the move shown (one point of the
//! trade-off, or the best found so far while planning) and the trade-off summed up. The
//! worker keeps the trade-off's moves; the page asks it for the one a user picks.

use std::rc::Rc;

use migplan_core::plan::Plan;
use serde::{Deserialize, Serialize};

use crate::worker::move_view::{FrontPoint, MoveView};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlannedMove {
    pub running: Rc<Plan>,
    pub shown: Rc<MoveView>,
    /// Empty while the move is being planned.
    pub front: Rc<Vec<FrontPoint>>,
    /// Names the trade-off in the worker that holds its moves, to ask for another point's;
    /// not saved, since a reload starts a new worker.
    #[serde(skip)]
    pub front_id: Option<u64>,
}

// Shared parts compared by address first: the page compares the move on every change of
// the state (to save it, to render), and a 1,000-model move is megabytes deep.
impl PartialEq for PlannedMove {
    fn eq(&self, other: &Self) -> bool {
        fn same<T: PartialEq>(a: &Rc<T>, b: &Rc<T>) -> bool {
            Rc::ptr_eq(a, b) || a == b
        }
        same(&self.running, &other.running)
            && same(&self.shown, &other.shown)
            && same(&self.front, &other.front)
            && self.front_id == other.front_id
    }
}

impl PlannedMove {
    /// Extra GPUs of the point shown.
    pub fn extra_gpus(&self) -> usize {
        self.shown.disruption.as_ref().map_or(0, |d| d.extra_gpus)
    }
}
