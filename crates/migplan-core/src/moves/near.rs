//! Planning new demand near the running plan: of the plans with the fewest GPUs, the one that
//! keeps the most running instances in place. A solver like the others, so it reports
//! progress, keeps a best plan and stops on cancel or at the end of its budget.

use crate::moves::matching::instances_kept;
use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::Problem;
use crate::solve::control::Control;
use crate::solve::deployment::{Deployment, GpuConfig};
use crate::solve::exact::complete_exactly;
use crate::solve::executor::{Solver, SolverResult};
use crate::solve::ga::{GeneticParams, Population};
use crate::solve::heuristic::drop_redundant;
use crate::solve::registry::SolverKind;
use crate::solve::relaxation::Relaxation;
use crate::sorting;

/// The share of the budget spent planning from scratch; the rest goes to plans that keep
/// the running GPUs.
const SCRATCH_SHARE: f64 = 0.5;

/// Plans the new demand (the problem) preferring plans close to `from`: the best plan from
/// scratch, the running GPUs kept where still useful with the shortfall refilled exactly,
/// and the genetic search seeded with that. Of the plans with the fewest GPUs, the one that
/// keeps the most running instances in place wins.
pub struct Near<'a> {
    pub from: &'a Plan,
    /// The solver that plans from scratch.
    pub scratch: SolverKind,
}

impl Solver for Near<'_> {
    fn name(&self) -> &'static str {
        "near"
    }

    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        let scratch = self
            .scratch
            .instantiate()
            .solve(problem, relaxation, &mut ctl.child(SCRATCH_SHARE))
            .deployment
            .normalized();
        ctl.offer(&scratch);
        let mut rest = ctl.child(1.0);
        let mut gpus = running_configs(problem, self.from);
        drop_redundant(problem, &mut gpus);
        complete_exactly(problem, &mut gpus, &rest);
        drop_redundant(problem, &mut gpus);
        let incremental = Deployment { gpus };
        rest.offer(&incremental);
        let mut candidates = vec![incremental.clone()];
        if incremental.gpu_count() > scratch.gpu_count() {
            let mut population = Population::new(problem, GeneticParams::default(), vec![incremental], &rest);
            rest.offer(population.best());
            while rest.stop_reason().is_none() && population.best_gpus() > scratch.gpu_count() {
                rest.tick();
                if population.generation(&rest) {
                    rest.offer(population.best());
                }
            }
            candidates.push(population.best().clone());
        }
        let termination = rest.stop_reason().unwrap_or(Termination::Finished);
        let info = SolverInfo { name: String::new(), seed: 0, elapsed_ms: 0, termination };
        let kept = |d: &Deployment| instances_kept(self.from, &d.to_plan(problem, 0, 0.0, info.clone()));
        let deployment = candidates
            .into_iter()
            .map(Deployment::normalized)
            .chain(std::iter::once(scratch))
            .min_by_key(|d| (d.gpu_count(), std::cmp::Reverse(kept(d))))
            .expect("at least the plan from scratch");
        SolverResult { deployment, termination }
    }
}

/// The running plan's GPUs as configurations of `problem`, where their layout is one of the
/// problem's (GPUs whose layout is not, or whose models changed profile, are left out).
fn running_configs(problem: &Problem, from: &Plan) -> Vec<GpuConfig> {
    let mut configs = Vec::new();
    for g in &from.gpus {
        let mut placed: Vec<(usize, u8)> =
            g.instances.iter().filter_map(|i| Some((problem.gpu.profile(&i.profile)?, i.start))).collect();
        sorting::sort(&mut placed);
        let Some(layout) = problem.layouts.iter().position(|l| {
            let mut mine: Vec<(usize, u8)> = l.placements.iter().map(|p| (p.profile, p.start)).collect();
            sorting::sort(&mut mine);
            mine == placed
        }) else {
            continue;
        };
        let models = problem.layouts[layout]
            .placements
            .iter()
            .map(|pl| {
                let inst = g.instances.iter().find(|i| i.start == pl.start)?;
                let s = problem.models.iter().position(|s| Some(&s.name) == inst.model.as_ref())?;
                problem.capacity[s][pl.profile].map(|_| s)
            })
            .collect();
        configs.push(GpuConfig { layout, models });
    }
    configs
}
