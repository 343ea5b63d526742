//! The relaxation's master as an integer program: every model takes one of the covers the
//! relaxation generated (a 0-1 variable per cover) and the GPUs of each layout are whole.
//!
//! The exact planner's rounding takes each model's cover from the master's fractional
//! solution and packs the covers afterwards, so a model changes cover only when that alone
//! saves a GPU. On a mix the cheaper plan often needs several models to move to the other
//! type at once, each move costing nothing until together they free a GPU: here the choice
//! of covers and the packing are one branch-and-bound, which finds such moves. The covers are
//! those the relaxation generated, not all of them, so its optimum is a plan, never a bound.
//! It prices GPUs only: a plan whose nodes are priced is kept only when it costs less with
//! its nodes.
//!
//! The LP crate cannot be stopped from outside a solve, so the branch-and-bound runs in
//! slices of a few hundred nodes, `ctl` is asked between them, and every better plan is
//! offered as it is found.

use microlp::{ComparisonOp, OptimizationDirection, Problem as Lp, ResumeOptions, Solution, SolveOptions, Variable};

use crate::problem::Problem;
use crate::solve::control::Control;
use crate::solve::cover::{cheapest_cover, covers_within, Cover};
use crate::solve::deployment::Deployment;
use crate::solve::lp::supply_terms;
use crate::solve::relaxation::Relaxation;
use crate::sorting;

/// Branch-and-bound nodes between two looks at `ctl`: tens of milliseconds at 30 models.
const NODES_PER_SLICE: u64 = 200;
/// The search ends once this many nodes in a row find nothing cheaper: on generated mixes of
/// 30 models the best plan comes within the first thousand, and a search that cannot prove
/// its optimum (the relaxation's bound is below it) would otherwise take all its time.
const STALL_NODES: u64 = 2_000;

/// The cheapest plan the branch-and-bound finds over the relaxation's covers before `ctl`
/// stops it, each better one offered to `ctl`; `None` when it finds none (or the LP fails).
pub fn choose_covers(problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> Option<Deployment> {
    let model = MasterIp::new(problem, &relaxation.columns);
    let mut options = SolveOptions::default();
    (options.node_limit, options.time_limit) = (Some(NODES_PER_SLICE), ctl.remaining());
    let mut outcome = model.lp.solve_with(options).ok()?;
    let mut best: Option<(f64, Deployment)> = None;
    let mut improved_at = 0;
    loop {
        let nodes = outcome.stats().nodes_solved;
        if let Some(solution) = outcome.solution() {
            if best.as_ref().is_none_or(|(objective, _)| solution.objective() < objective - COST_TOLERANCE) {
                if let Some(deployment) = model.deployment(problem, solution) {
                    ctl.offer(&deployment);
                    best = Some((solution.objective(), deployment));
                    improved_at = nodes;
                }
            }
        }
        if outcome.is_optimal() || ctl.stop_reason().is_some() || nodes - improved_at >= STALL_NODES {
            break;
        }
        ctl.tick();
        let mut slice = ResumeOptions::default();
        (slice.node_limit, slice.time_limit) = (Some(NODES_PER_SLICE), ctl.remaining());
        match outcome.resume_with(slice) {
            Ok(next) => outcome = next,
            Err(_) => break,
        }
    }
    best.map(|(_, deployment)| deployment)
}

/// Past this many covers in all the proof is not tried: its integer programs would take
/// longer than the searches it could end.
const MOST_COVERS: usize = 20_000;
/// Past this many fleets between the bound and the best plan (GPUs per type, several types
/// priced close together) the proof is not tried either.
const MOST_FLEETS: usize = 256;

/// What [`prove`] found: no plan costs less than `lower_cost`, and `cheaper` when a plan
/// costs less than the one it was given.
#[derive(Debug)]
pub struct Proof {
    pub lower_cost: f64,
    pub cheaper: Option<Deployment>,
}

/// Proves `best` optimal, or finds the optimum, fleet by fleet.
///
/// At the relaxation's prices every layout costs at most its GPU, so a plan costs at least
/// its covers' prices, each at least its model's cheapest cover: a plan cheaper than `best`
/// takes, for every model, a minimal cover within the gap (`best` less the sum of the
/// cheapest) of its cheapest one. Such a plan has a fleet (GPUs per type) costing between the
/// bound and `best`; on a mix there are a handful. For each, cheapest first, the master over
/// those covers with the fleet's GPUs as the limit either has no solution (its LP alone
/// usually shows it, where the relaxation's fractional fleet did not) or gives the optimum.
/// GPUs only: a problem whose nodes are priced is not proven here. `None` when the covers or
/// fleets are too many, or `ctl` stops it first.
pub fn prove(problem: &Problem, relaxation: &Relaxation, best: &Deployment, ctl: &mut Control) -> Option<Proof> {
    if problem.node_price.is_some() {
        return None;
    }
    let best_cost = best.cost(problem);
    let prices = &relaxation.prices;
    let cheapest: Vec<f64> =
        (0..problem.models.len()).map(|s| cheapest_cover(problem, s, prices).map(|(_, c)| c)).collect::<Option<_>>()?;
    let gap = (best_cost - cheapest.iter().sum::<f64>()).max(0.0);
    let mut columns = Vec::with_capacity(cheapest.len());
    let mut listed = 0;
    for (s, floor) in cheapest.iter().enumerate() {
        let covers = covers_within(problem, s, prices, floor + gap, MOST_COVERS - listed)?;
        // Never empty (the cheapest is within the limit); an empty list would read as a model
        // that needs nothing, so it ends the proof.
        if covers.is_empty() {
            return None;
        }
        listed += covers.len();
        columns.push(covers);
    }
    let type_costs: Vec<f64> = (0..problem.blocks.len()).map(|t| problem.type_cost(t)).collect();
    let below = best_cost - COST_TOLERANCE * best_cost.max(1.0);
    let mut fleets = Vec::new();
    let from = relaxation.lower_cost - COST_TOLERANCE * relaxation.lower_cost.max(1.0);
    fleets_costing(&type_costs, from, below, &mut Vec::new(), &mut fleets);
    if fleets.len() > MOST_FLEETS {
        return None;
    }
    sorting::sort_by(&mut fleets, |a, b| a.0.total_cmp(&b.0));
    for (_, fleet) in &fleets {
        if let Some(cheaper) = plan_within(problem, &columns, fleet, ctl)? {
            return Some(Proof { lower_cost: cheaper.cost(problem), cheaper: Some(cheaper) });
        }
    }
    Some(Proof { lower_cost: best_cost, cheaper: None })
}

/// `best`, or the cheaper plan [`prove`] finds in `share` of what is left of the budget,
/// with the bound it proves raised in `ctl`.
pub fn proven(
    problem: &Problem,
    relaxation: &Relaxation,
    best: Deployment,
    ctl: &mut Control,
    share: f64,
) -> Deployment {
    if ctl.stop_reason().is_some() {
        return best;
    }
    let Some(proof) = prove(problem, relaxation, &best, &mut ctl.child(share)) else {
        return best;
    };
    ctl.raise_lower_cost(proof.lower_cost);
    match proof.cheaper {
        Some(cheaper) => {
            ctl.offer(&cheaper);
            cheaper
        }
        None => best,
    }
}

/// A plan over `columns` with at most `fleet[t]` GPUs of each type `t`: `Some(None)` when
/// there is none, `None` when `ctl` stops the search first or the LP fails.
fn plan_within(
    problem: &Problem,
    columns: &[Vec<Cover>],
    fleet: &[usize],
    ctl: &mut Control,
) -> Option<Option<Deployment>> {
    let mut model = MasterIp::new(problem, columns);
    for (t, &limit) in fleet.iter().enumerate() {
        let of_type: Vec<(Variable, f64)> = model
            .gpus
            .iter()
            .enumerate()
            .filter(|&(l, _)| problem.layout_type[l] == t)
            .map(|(_, &v)| (v, 1.0))
            .collect();
        model.lp.add_constraint(of_type.as_slice(), ComparisonOp::Le, limit as f64);
    }
    let mut options = SolveOptions::default();
    (options.node_limit, options.time_limit) = (Some(NODES_PER_SLICE), ctl.remaining());
    let mut outcome = model.lp.solve_with(options);
    loop {
        match outcome {
            Err(microlp::Error::Infeasible) => return Some(None),
            Err(_) => return None,
            Ok(ref found) => {
                if let Some(solution) = found.solution() {
                    return model.deployment(problem, solution).map(Some);
                }
            }
        }
        if ctl.stop_reason().is_some() {
            return None;
        }
        ctl.tick();
        let mut slice = ResumeOptions::default();
        (slice.node_limit, slice.time_limit) = (Some(NODES_PER_SLICE), ctl.remaining());
        outcome = outcome.ok()?.resume_with(slice);
    }
}

/// Every fleet (GPUs per type) costing at least `from` and less than `below`, with its cost;
/// it stops past [`MOST_FLEETS`].
fn fleets_costing(costs: &[f64], from: f64, below: f64, counts: &mut Vec<usize>, out: &mut Vec<(f64, Vec<usize>)>) {
    let spent: f64 = counts.iter().zip(costs).map(|(&n, &c)| n as f64 * c).sum();
    let Some(&cost) = costs.get(counts.len()) else {
        if spent >= from {
            out.push((spent, counts.clone()));
        }
        return;
    };
    let mut n = 0;
    while spent + n as f64 * cost < below && out.len() <= MOST_FLEETS {
        counts.push(n);
        fleets_costing(costs, from, below, counts, out);
        counts.pop();
        n += 1;
    }
}

/// Objective differences below this are round-off, not a cheaper plan.
const COST_TOLERANCE: f64 = 1e-9;

/// The integer program and what its variables mean.
struct MasterIp<'a> {
    lp: Lp,
    columns: &'a [Vec<Cover>],
    /// GPUs per layout, indexed like `Problem::layouts`.
    gpus: Vec<Variable>,
    /// Per model, one variable per column of the relaxation; empty for a model with one
    /// column (or none), which always takes it.
    choice: Vec<Vec<Variable>>,
}

impl<'a> MasterIp<'a> {
    fn new(problem: &Problem, columns: &'a [Vec<Cover>]) -> MasterIp<'a> {
        let mut lp = Lp::new(OptimizationDirection::Minimize);
        let gpus: Vec<Variable> =
            (0..problem.layouts.len()).map(|l| lp.add_integer_var(problem.layout_cost(l), (0, i32::MAX))).collect();
        // A model without a choice asks for its instances as constants.
        let mut fixed = vec![0.0; problem.profiles.len()];
        let choice: Vec<Vec<Variable>> = columns
            .iter()
            .map(|columns| {
                if columns.len() <= 1 {
                    for column in columns {
                        column.iter().zip(&mut fixed).for_each(|(&k, f)| *f += k as f64);
                    }
                    return Vec::new();
                }
                let vars: Vec<Variable> = columns.iter().map(|_| lp.add_binary_var(0.0)).collect();
                let one: Vec<(Variable, f64)> = vars.iter().map(|&v| (v, 1.0)).collect();
                lp.add_constraint(one.as_slice(), ComparisonOp::Eq, 1.0);
                vars
            })
            .collect();
        for &p in &problem.usable_profiles {
            let mut row = supply_terms(problem, &gpus, p);
            for (columns, vars) in columns.iter().zip(&choice) {
                row.extend(columns.iter().zip(vars).filter(|(c, _)| c[p] > 0).map(|(c, &v)| (v, -(c[p] as f64))));
            }
            lp.add_constraint(row.as_slice(), ComparisonOp::Ge, fixed[p]);
        }
        MasterIp { lp, columns, gpus, choice }
    }

    /// The plan `solution` describes; `None` when its rounded values do not fit together.
    fn deployment(&self, problem: &Problem, solution: &Solution) -> Option<Deployment> {
        let layout_counts: Vec<usize> =
            self.gpus.iter().map(|&v| solution.var_value(v).round().max(0.0) as usize).collect();
        let instances: Vec<Vec<usize>> = self
            .columns
            .iter()
            .zip(&self.choice)
            .map(|(columns, vars)| {
                let taken = vars.iter().position(|&v| solution.var_value(v) > 0.5).unwrap_or(0);
                columns.get(taken).map_or(vec![0; problem.profiles.len()], |c| c.iter().map(|&k| k as usize).collect())
            })
            .collect();
        Deployment::from_counts(problem, &layout_counts, &instances)
    }
}
