//! What the command line and the browser worker call: plan a request, or plan a move, and
//! pass the result through the independent checkers before handing it over. A plan or a
//! move that fails its check is an error, never a result. The request ([`request`]) is read
//! through one table of settings ([`settings`]) whoever asks.

pub mod capacity;
mod moving;
mod planning;
mod refusal;
mod replanning;
pub mod request;
mod running;
pub mod settings;

use std::sync::atomic::AtomicBool;

use crate::plan::Plan;
use crate::problem::input::{ProfileRow, WorkloadRow};
use moving::{check_given, checked_running, move_to, workload_or_models};
pub use moving::{Disruption, Floor, Move, MoveRequest, Target};
pub use planning::PhaseTimes;
pub use refusal::{checked, Refusal, Watch};
pub use request::Request;
pub use running::measured_running;

/// The cheapest plan of `workload` for the request (the fewest GPUs for one type at one
/// price), checked, and how long each phase took. With headroom asked for, the plan serves
/// each rate raised by it, and says beside what the measured demand alone takes
/// ([`capacity::with_headroom`]; its phases are not timed).
pub fn plan(
    request: &Request,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    cancel: &AtomicBool,
    watch: Option<Watch<Plan>>,
) -> Result<(Plan, PhaseTimes), Refusal> {
    if request.headroom.raises() {
        let plan = capacity::with_headroom(request, profiles, workload, cancel)?;
        return Ok((plan, PhaseTimes::default()));
    }
    planning::solve(request, profiles, workload, cancel, watch)
}

/// Checks both plans, plans the target when only its workload is given (on one GPU type,
/// touching the fewest running GPUs within the GPU budget; on several, the cheapest plan, as
/// the replan counts GPUs, not cost), then the move, and checks the move by replaying it.
pub fn plan_move(request: &MoveRequest, cancel: &AtomicBool, watch: Option<Watch<Move>>) -> Result<Move, Refusal> {
    let MoveRequest { profiles, running, .. } = *request;
    let fleet = &request.request.fleet;
    let running_workload = checked_running(request)?;
    let (target, target_workload) = match request.target {
        Target::Plan(target, workload) => {
            let workload = workload_or_models(workload, target);
            check_given(fleet, profiles, &workload, target, "the target plan")?;
            (target.clone(), workload)
        }
        Target::Workload(workload) if fleet.is_mixed() => {
            let (target, _) = planning::solve(request.request, profiles, workload, cancel, None)?;
            (target, workload.to_vec())
        }
        Target::Workload(workload) => {
            return replanning::replan_move(request, workload, &running_workload, cancel, watch);
        }
    };
    move_to(fleet, running, &running_workload, target, &target_workload)
}

/// For extra GPUs E = 0, 1, 2, ... over the new demand's optimum, the checked move that
/// touches the fewest running GPUs, until nothing more can stay untouched or the budget is
/// spent: what less disruption costs in GPUs. A target plan given, or a fleet of several
/// types, has one point: its move.
pub fn plan_pareto(
    request: &MoveRequest,
    cancel: &AtomicBool,
    watch: Option<Watch<Move>>,
) -> Result<Vec<Move>, Refusal> {
    let workload = match request.target {
        Target::Workload(workload) if !request.request.fleet.is_mixed() => workload,
        _ => return plan_move(request, cancel, watch).map(|m| vec![m]),
    };
    let running_workload = checked_running(request)?;
    replanning::pareto(request, workload, &running_workload, cancel, watch)
}
