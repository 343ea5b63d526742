//! Why a workflow gives no result, how a run is watched, and the check every plan migplan
//! makes passes before it leaves: what the workflow and its move modules share.

use std::fmt;

use crate::check::plan::{validate, Violation};
use crate::hardware::fleet::Fleet;
use crate::plan::Plan;
use crate::problem::input::{InputErrors, ProfileRow, WorkloadRow};
use crate::solve::control::Progress;

/// Why a workflow gave no result.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The inputs have problems, each located.
    Inputs(InputErrors),
    /// A plan the user gave does not serve its workload on its GPU.
    PlanRejected { what: String, violations: Vec<Violation> },
    /// A plan given for a move leaves out the throughput of instances that serve a model:
    /// the move's floors cannot be kept without it.
    Unmeasured { what: String, instances: Vec<String> },
    /// A plan migplan made fails the checker: a bug.
    PlannerBug { violations: Vec<Violation> },
    /// A move migplan planned fails the move checker: a bug.
    MoveBug { problems: Vec<String> },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: Vec<String>| items.iter().map(|v| format!("\n  - {v}")).collect::<String>();
        match self {
            Refusal::Inputs(errors) => write!(f, "{errors}"),
            Refusal::PlanRejected { what, violations } => write!(
                f,
                "{what} fails its check:{}\n  hint: give a plan migplan wrote for this GPU, with the workload it serves",
                list(violations.iter().map(Violation::to_string).collect())
            ),
            Refusal::Unmeasured { what, instances } => write!(
                f,
                "{what} does not state the throughput of {} instance{} ({}{}): a move needs each \
                 instance's throughput\n  hint: give the plan JSON that `migplan plan --format json` writes",
                instances.len(),
                if instances.len() == 1 { "" } else { "s" },
                instances.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if instances.len() > 5 { ", ..." } else { "" }
            ),
            Refusal::PlannerBug { violations } => write!(
                f,
                "the planner produced a plan that fails validation (a bug; please report it with your inputs):{}",
                list(violations.iter().map(Violation::to_string).collect())
            ),
            Refusal::MoveBug { problems } => write!(
                f,
                "the planned move fails its own check (a bug; please report it with your plans):{}",
                list(problems.clone())
            ),
        }
    }
}

impl From<InputErrors> for Refusal {
    fn from(e: InputErrors) -> Self {
        Refusal::Inputs(e)
    }
}

/// Hears every progress report of a run, with the best plan (or move) so far whenever it
/// improved, already checked.
pub type Watch<'a, T> = &'a mut dyn FnMut(&Progress, Option<T>);

/// A plan migplan made for `fleet`, once the independent checker has passed it; failing is a
/// bug.
pub fn checked(fleet: &Fleet, profiles: &[ProfileRow], workload: &[WorkloadRow], plan: Plan) -> Result<Plan, Refusal> {
    let violations = validate(fleet, profiles, workload, &plan);
    if violations.is_empty() {
        Ok(plan)
    } else {
        Err(Refusal::PlannerBug { violations })
    }
}
