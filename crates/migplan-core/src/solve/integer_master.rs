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
use crate::solve::deployment::Deployment;
use crate::solve::lp::supply_terms;
use crate::solve::relaxation::Relaxation;

/// Branch-and-bound nodes between two looks at `ctl`: tens of milliseconds at 30 models.
const NODES_PER_SLICE: u64 = 200;
/// The search ends once this many nodes in a row find nothing cheaper: on generated mixes of
/// 30 models the best plan comes within the first thousand, and a search that cannot prove
/// its optimum (the relaxation's bound is below it) would otherwise take all its time.
const STALL_NODES: u64 = 2_000;

/// The cheapest plan the branch-and-bound finds over the relaxation's covers before `ctl`
/// stops it, each better one offered to `ctl`; `None` when it finds none (or the LP fails).
pub fn choose_covers(problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> Option<Deployment> {
    let model = MasterIp::new(problem, relaxation);
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

/// Objective differences below this are round-off, not a cheaper plan.
const COST_TOLERANCE: f64 = 1e-9;

/// The integer program and what its variables mean.
struct MasterIp<'a> {
    lp: Lp,
    relaxation: &'a Relaxation,
    /// GPUs per layout, indexed like `Problem::layouts`.
    gpus: Vec<Variable>,
    /// Per model, one variable per column of the relaxation; empty for a model with one
    /// column (or none), which always takes it.
    choice: Vec<Vec<Variable>>,
}

impl<'a> MasterIp<'a> {
    fn new(problem: &Problem, relaxation: &'a Relaxation) -> MasterIp<'a> {
        let mut lp = Lp::new(OptimizationDirection::Minimize);
        let gpus: Vec<Variable> =
            (0..problem.layouts.len()).map(|l| lp.add_integer_var(problem.layout_cost(l), (0, i32::MAX))).collect();
        // A model without a choice asks for its instances as constants.
        let mut fixed = vec![0.0; problem.profiles.len()];
        let choice: Vec<Vec<Variable>> = relaxation
            .columns
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
            for (columns, vars) in relaxation.columns.iter().zip(&choice) {
                row.extend(columns.iter().zip(vars).filter(|(c, _)| c[p] > 0).map(|(c, &v)| (v, -(c[p] as f64))));
            }
            lp.add_constraint(row.as_slice(), ComparisonOp::Ge, fixed[p]);
        }
        MasterIp { lp, relaxation, gpus, choice }
    }

    /// The plan `solution` describes; `None` when its rounded values do not fit together.
    fn deployment(&self, problem: &Problem, solution: &Solution) -> Option<Deployment> {
        let layout_counts: Vec<usize> =
            self.gpus.iter().map(|&v| solution.var_value(v).round().max(0.0) as usize).collect();
        let instances: Vec<Vec<usize>> = self
            .relaxation
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
