//! The questions of capacity planning, answered with the exact planner and checked like any
//! plan: which GPU types (alone, or the cheapest mix) serve a workload at what cost, how the
//! fleet grows with demand, and what headroom over the measured demand costs.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use super::planning::{run_options, solve};
use super::refusal::{checked, Refusal};
use super::request::Request;
use crate::hardware::fleet::Fleet;
use crate::plan::{Headroom, Plan, Termination};
use crate::problem::input::limits::{readable, RATE};
use crate::problem::input::{InputError, InputErrors, ProfileRow, WorkloadRow};
use crate::problem::{instances_needed, Problem};
use crate::solve::control::Progress;
use crate::solve::deployment::Deployment;
use crate::solve::exact::WarmExact;
use crate::solve::executor::execute_keeping;
use crate::solve::registry::SolverKind;
use crate::sorting;

/// One row of a comparison: a GPU type alone, or the cheapest mix of them all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The type's id, or `mix`.
    pub fleet: String,
    /// Why this fleet cannot serve the workload; the numbers are then zero.
    pub refused: Option<String>,
    pub gpus: usize,
    /// A proven lower bound on the GPUs of any plan on this fleet.
    pub lower_gpus: usize,
    pub cost: f64,
    /// A proven lower bound on the cost of any plan on this fleet.
    pub lower_cost: f64,
    pub proven_optimal: bool,
    /// Every model on whole GPUs (of its cheapest type, for the mix), when all can be.
    pub whole_gpus: Option<usize>,
    pub whole_cost: Option<f64>,
    /// The GPUs of each type the plan uses.
    pub per_type: BTreeMap<String, usize>,
}

/// The request with its GPUs priced only (capacity questions leave nodes out) and planned
/// exactly, with bounds.
fn exactly(request: &Request, fleet: Fleet) -> Request {
    let mut request = Request { fleet, node_cost: None, ..request.clone() };
    request.run.solver = SolverKind::Exact;
    request
}

/// Plans the workload on each type of the request's fleet alone and, for two types or more,
/// on their cheapest mix. A type that cannot serve the workload gets a row saying why; when
/// no fleet can, the refusal is the error.
pub fn compare(
    request: &Request,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    cancel: &AtomicBool,
) -> Result<Vec<Comparison>, Refusal> {
    let fleet = &request.fleet;
    let mut fleets: Vec<(String, Fleet)> = fleet
        .types()
        .iter()
        .map(|t| (t.spec.id.to_string(), fleet.only(|u| u.spec.id == t.spec.id).expect("the type is in the fleet")))
        .collect();
    if fleet.is_mixed() {
        fleets.push(("mix".to_string(), fleet.clone()));
    }
    let mut rows = Vec::new();
    let mut last_refusal = None;
    for (name, types) in fleets {
        match solve(&exactly(request, types.clone()), profiles, workload, cancel, None) {
            Ok((plan, _)) => {
                let problem = Problem::build(&types, profiles, workload)?;
                rows.push(comparison(name, &types, &plan, whole_gpu_cost(&problem)));
            }
            Err(Refusal::Inputs(errors)) => {
                let reason = errors.0.first().map_or_else(String::new, ToString::to_string);
                rows.push(Comparison { fleet: name, refused: Some(reason), ..Comparison::empty() });
                last_refusal = Some(Refusal::Inputs(errors));
            }
            Err(other) => return Err(other),
        }
    }
    match last_refusal {
        Some(refusal) if rows.iter().all(|r| r.refused.is_some()) => Err(refusal),
        _ => Ok(rows),
    }
}

impl Comparison {
    fn empty() -> Comparison {
        Comparison {
            fleet: String::new(),
            refused: None,
            gpus: 0,
            lower_gpus: 0,
            cost: 0.0,
            lower_cost: 0.0,
            proven_optimal: false,
            whole_gpus: None,
            whole_cost: None,
            per_type: BTreeMap::new(),
        }
    }
}

fn comparison(fleet: String, types: &Fleet, plan: &Plan, whole_cost: Option<f64>) -> Comparison {
    let mut per_type: BTreeMap<String, usize> =
        sorting::map_of(types.types().iter().map(|t| (t.spec.id.to_string(), 0)));
    for g in &plan.gpus {
        *per_type.entry(g.gpu.clone().unwrap_or_else(|| plan.gpu.clone())).or_default() += 1;
    }
    let price = types.types()[0].price;
    let (cost, lower_cost) = match &plan.cost {
        Some(c) => (c.total, c.lower),
        None => (plan.gpu_count as f64 * price, plan.bound.lower as f64 * price),
    };
    Comparison {
        fleet,
        refused: None,
        gpus: plan.gpu_count,
        lower_gpus: plan.bound.lower,
        cost,
        lower_cost,
        proven_optimal: plan.bound.proven_optimal,
        whole_gpus: plan.baseline.whole_gpus,
        whole_cost,
        per_type,
    }
}

/// What serving every model on whole GPUs costs, each model on its cheapest type: the
/// baseline's cost (its GPU count is `Problem::whole_gpu_baseline`).
fn whole_gpu_cost(problem: &Problem) -> Option<f64> {
    problem
        .models
        .iter()
        .zip(&problem.capacity)
        .map(|(s, caps)| {
            if s.rate <= 0.0 {
                return Some(0.0);
            }
            (0..problem.blocks.len())
                .filter_map(|t| {
                    let c = caps[problem.blocks[t].start + problem.spec(t).whole_gpu_profile()]?;
                    Some(instances_needed(s.rate, c.throughput) as f64 * problem.fleet.types()[t].price)
                })
                .min_by(f64::total_cmp)
        })
        .sum()
}

/// The workload with every rate multiplied by `factor`.
pub fn scaled(workload: &[WorkloadRow], factor: f64) -> Vec<WorkloadRow> {
    workload.iter().map(|w| WorkloadRow { rate: w.rate * factor, ..w.clone() }).collect()
}

/// The workload with each rate multiplied by its `factor`, every raised rate held to the
/// range of a rate read from a file (`limits::RATE`): a demand migplan would refuse as an
/// input is refused as a multiple too, naming the model and what raised it.
fn raised(
    workload: &[WorkloadRow],
    factor: impl Fn(&WorkloadRow) -> f64,
    why: &str,
) -> Result<Vec<WorkloadRow>, InputErrors> {
    let mut errors = Vec::new();
    let rows = workload
        .iter()
        .map(|w| {
            let rate = w.rate * factor(w);
            if let Err(problem) = RATE.check(rate) {
                let message = format!("`{}` at {} x {}: {problem}", w.model, readable(w.rate), readable(factor(w)));
                errors.push(InputError::at(&w.loc, Some("rate"), message).with_hint(format!(
                    "{why} may raise a rate to at most {} (see Limits in the docs)",
                    readable(RATE.max)
                )));
            }
            WorkloadRow { rate, ..w.clone() }
        })
        .collect();
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(InputErrors(errors))
    }
}

/// `steps` factors evenly spaced from `from` to `to` (both included).
pub fn factors(from: f64, to: f64, steps: usize) -> Vec<f64> {
    match steps {
        0 => Vec::new(),
        1 => vec![from],
        n => (0..n).map(|i| from + (to - from) * i as f64 / (n - 1) as f64).collect(),
    }
}

/// One point of a growth curve: the checked plan for the workload times `factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrowthPoint {
    pub factor: f64,
    pub gpus: usize,
    pub lower_gpus: usize,
    pub cost: f64,
    pub lower_cost: f64,
    pub whole_gpus: Option<usize>,
    /// True when the plan for the demand as measured (factor 1) still serves this demand.
    pub current_suffices: bool,
    pub plan: Plan,
}

/// The highest demand multiplier `plan` serves: its least capacity over demand.
pub fn suffices_up_to(plan: &Plan) -> f64 {
    plan.models.iter().filter(|m| m.rate > 0.0).map(|m| m.capacity / m.rate).fold(f64::INFINITY, f64::min)
}

/// Plans the workload at every factor of the request's sweep (increasing) exactly, each
/// point started from the previous point's plan. A plan for more demand serves less, so a
/// point never keeps more GPUs (or cost) than the next one's plan, and a bound for less
/// demand bounds more: the curve and its bounds are monotone. Every point's plan is checked;
/// `current` is the plan for factor 1, which says where the measured demand's plan stops
/// sufficing.
pub fn growth(
    request: &Request,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    cancel: &AtomicBool,
) -> Result<Vec<GrowthPoint>, Refusal> {
    let request = &exactly(request, request.fleet.clone());
    let options = run_options(request)?;
    let fleet = &request.fleet;
    let factors = &factors(request.sweep.from, request.sweep.to, request.sweep.steps);
    let demands: Vec<Vec<WorkloadRow>> =
        factors.iter().map(|&f| raised(workload, |_| f, "a demand multiplier")).collect::<Result<_, _>>()?;
    let (current, _) = solve(request, profiles, workload, cancel, None)?;
    let current_up_to = suffices_up_to(&current);
    let mut solved: Vec<(Problem, Deployment, Plan)> = Vec::with_capacity(factors.len());
    let mut previous: Option<(f64, Deployment)> = None;
    for (&factor, demand) in factors.iter().zip(&demands) {
        let problem = Problem::build(fleet, profiles, demand)?;
        let start = previous.take().filter(|(f, _)| *f <= factor).map(|(_, d)| d);
        let mut solver = WarmExact { start };
        let mut quiet = |_: &Progress| {};
        let (plan, deployment) =
            execute_keeping(&problem, &mut solver, options.budget, options.seed, cancel, &mut quiet);
        previous = Some((factor, deployment.clone()));
        solved.push((problem, deployment, plan));
    }
    // Backwards: the next point's plan serves this point's demand too.
    for k in (0..solved.len().saturating_sub(1)).rev() {
        let (next, smaller) = (&solved[k + 1], &solved[k]);
        if factors[k] <= factors[k + 1] && next.1.cost(&next.0) < smaller.1.cost(&smaller.0) - 1e-9 {
            solved[k].1 = solved[k + 1].1.clone();
        }
    }
    let mut points: Vec<GrowthPoint> = Vec::with_capacity(solved.len());
    for (k, (problem, deployment, plan)) in solved.into_iter().enumerate() {
        // Forwards: a bound for less demand is a bound for more.
        let (mut lower_gpus, mut lower_cost) = (plan.bound.lower, plan.cost.as_ref().map_or(0.0, |c| c.lower));
        if plan.cost.is_none() {
            lower_cost = lower_gpus as f64 * fleet.types()[0].price;
        }
        if let Some(before) = points.last().filter(|_| factors[k - 1] <= factors[k]) {
            lower_gpus = lower_gpus.max(before.lower_gpus);
            lower_cost = lower_cost.max(before.lower_cost);
        }
        let mut info = plan.solver.clone();
        let mut plan = deployment.to_plan(&problem, lower_gpus, lower_cost / problem.price_unit(), info.clone());
        if plan.bound.proven_optimal {
            info.termination = Termination::Optimal;
            plan.solver = info;
        }
        let plan = checked(fleet, profiles, &demands[k], plan)?;
        let cost = plan.cost.as_ref().map_or(plan.gpu_count as f64 * fleet.types()[0].price, |c| c.total);
        points.push(GrowthPoint {
            factor: factors[k],
            gpus: plan.gpu_count,
            lower_gpus,
            cost,
            lower_cost,
            whole_gpus: plan.baseline.whole_gpus,
            current_suffices: factors[k] <= current_up_to * (1.0 + 1e-9),
            plan,
        });
    }
    Ok(points)
}

/// Plans for each model's rate raised by its headroom (the request's percent per model where
/// given, else its percent), checked against that demand and against the measured one, and
/// says what the plan for the measured demand alone takes: the headroom's price, apart from
/// the SLO.
pub fn with_headroom(
    request: &Request,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    cancel: &AtomicBool,
) -> Result<Plan, Refusal> {
    let (percent, per_model) = (request.headroom.percent, &request.headroom.per_model);
    let fleet = &request.fleet;
    let unknown: Vec<InputError> = per_model
        .keys()
        .filter(|m| !workload.iter().any(|w| &w.model == *m))
        // The request is at fault, not the workload file: no file or line to point at.
        .map(|m| InputError {
            file: String::new(),
            line: None,
            column: None,
            character: None,
            message: format!("a headroom is given for `{m}`, which the workload does not list"),
            hint: Some("name a model of the workload, as its `model` column spells it".into()),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(Refusal::Inputs(InputErrors(unknown)));
    }
    let headroom_of = |w: &WorkloadRow| 1.0 + per_model.get(&w.model).copied().unwrap_or(percent) / 100.0;
    let raised = raised(workload, headroom_of, "a headroom")?;
    let (without, _) = solve(request, profiles, workload, cancel, None)?;
    let (mut plan, _) = solve(request, profiles, &raised, cancel, None)?;
    for (m, w) in plan.models.iter_mut().zip(workload) {
        m.rate = w.rate;
    }
    let cost_of = |p: &Plan| p.cost.as_ref().map_or(p.gpu_count as f64 * fleet.types()[0].price, |c| c.total);
    plan.headroom = Some(Headroom {
        percent,
        per_model: per_model.iter().filter(|(_, &p)| p != percent).map(|(m, &p)| (m.clone(), p)).collect(),
        gpus_without: without.gpu_count,
        cost_without: cost_of(&without),
    });
    checked(fleet, profiles, workload, plan)
}
