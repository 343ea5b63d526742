//! The new demand and the running GPUs seen in its terms: which GPUs a plan keeps as they
//! are, and the plan of what a kept set leaves to new GPUs.

use std::collections::HashMap;

use crate::hardware::layouts::{Layout, Placement};
use crate::plan::{Plan, PlanGpu};
use crate::problem::{covers, Model, Problem};
use crate::solve::control::Control;
use crate::solve::deployment::{served, Deployment, GpuConfig};
use crate::solve::exact::Exact;
use crate::solve::executor::Solver;
use crate::solve::relaxation::relax;
use crate::sorting;

/// The share of what is left that one residual plan may take.
const RESIDUAL_SHARE: f64 = 0.25;

/// The running plan read in terms of the new demand.
pub struct Situation {
    /// The new demand, with the running GPUs' layouts added where they are not maximal ones;
    /// the problem's own layouts come first, with their indexes.
    pub problem: Problem,
    /// Per running GPU, its configuration, or `None` when it cannot stay as it is (a model
    /// it serves is gone, or no longer fits that instance within its SLO).
    pub running: Vec<Option<GpuConfig>>,
    /// Layouts of the new demand's own problem (the residual's columns).
    pub own_layouts: usize,
}

/// The best plan found so far and the running GPUs it touches.
pub struct Best {
    pub deployment: Deployment,
    pub touched: usize,
    /// The most running GPUs any plan found within the budget keeps, taken or not (a plan
    /// may be turned down for the spare GPUs its move borrows): what the bound is measured
    /// against, since it holds for every plan.
    pub fitting: usize,
}

impl Best {
    /// Nothing taken yet: `deployment` stands in, as if it touched every running GPU.
    pub fn none(deployment: Deployment, running: usize) -> Best {
        Best { deployment, touched: running, fitting: 0 }
    }
}

impl Situation {
    pub fn read(problem: &Problem, from: &Plan) -> Situation {
        let own_layouts = problem.layouts.len();
        let mut problem = problem.clone();
        let running = from.gpus.iter().map(|g| running_config(&mut problem, from, g)).collect();
        Situation { problem, running, own_layouts }
    }

    /// The new demand's own problem: its layouts without the running ones added.
    pub fn own(&self) -> Problem {
        Problem { layouts: self.problem.layouts[..self.own_layouts].to_vec(), ..self.problem.clone() }
    }

    /// Running GPUs that can never stay: no budget keeps them.
    pub fn never_kept(&self) -> usize {
        self.running.iter().filter(|c| c.is_none()).count()
    }

    /// Running GPUs a move to `deployment` touches: those no GPU of it is identical to.
    pub fn touched(&self, deployment: &Deployment) -> usize {
        self.running.len() - self.kept_by(deployment).len()
    }

    /// The running GPUs `deployment` keeps as they are (each matched to one identical GPU).
    pub fn kept_by(&self, deployment: &Deployment) -> Vec<usize> {
        let mut offered: HashMap<&GpuConfig, usize> = HashMap::new();
        for g in &deployment.gpus {
            *offered.entry(g).or_default() += 1;
        }
        (0..self.running.len())
            .filter(|&r| {
                self.running[r].as_ref().is_some_and(|c| {
                    offered.get_mut(c).is_some_and(|n| {
                        *n > 0 && {
                            *n -= 1;
                            true
                        }
                    })
                })
            })
            .collect()
    }

    /// The running GPUs `kept` (indexes), with the rest of the demand planned exactly on new
    /// GPUs, if that fits in `gpu_budget` GPUs; else the prices that prove the rest needs
    /// more GPUs than are left, when its bound does.
    pub fn keep(&self, kept: &[usize], gpu_budget: usize, ctl: &mut Control) -> Result<Deployment, Option<Vec<f64>>> {
        let mut gpus: Vec<GpuConfig> = kept.iter().filter_map(|&r| self.running[r].clone()).collect();
        let room = gpu_budget.checked_sub(gpus.len()).ok_or(None)?;
        let have = served(&self.problem, &gpus);
        let short: Vec<usize> =
            (0..self.problem.models.len()).filter(|&s| !covers(have[s], self.problem.models[s].rate)).collect();
        if short.is_empty() {
            return Ok(Deployment { gpus });
        }
        let residual = Problem {
            models: short
                .iter()
                .map(|&s| Model { rate: self.problem.models[s].rate - have[s], ..self.problem.models[s].clone() })
                .collect(),
            capacity: short.iter().map(|&s| self.problem.capacity[s].clone()).collect(),
            layouts: self.problem.layouts[..self.own_layouts].to_vec(),
            layout_type: self.problem.layout_type[..self.own_layouts].to_vec(),
            node_price: None,
            ..self.problem.clone()
        };
        let mut child = ctl.quiet_child(RESIDUAL_SHARE);
        let relaxation = relax(&residual, &child);
        if relaxation.lower_bound > room {
            return Err(Some(relaxation.prices));
        }
        // Only fitting in the room matters: the search stops at the first plan that does
        // (the child is quiet, so this target is never reported as a bound).
        child.raise_lower_bound(room.max(relaxation.lower_bound));
        let added = Exact.solve(&residual, &relaxation, &mut child).deployment.normalized();
        if added.gpu_count() > room {
            return Err(None);
        }
        for mut g in added.gpus {
            g.models.iter_mut().for_each(|s| *s = s.map(|s| short[s]));
            gpus.push(g);
        }
        Ok(Deployment { gpus })
    }
}

/// A running GPU of `plan` as a configuration of `problem` (whose layouts gain its layout,
/// of its type, when it is not one of them), or `None` when it cannot stay as it is under the
/// new demand (or is of a type not planned on).
fn running_config(problem: &mut Problem, plan: &Plan, g: &PlanGpu) -> Option<GpuConfig> {
    let (t, kind) = problem.fleet.named(g.gpu.as_deref().unwrap_or(&plan.gpu))?;
    let block = problem.blocks[t].clone();
    let mut placed: Vec<(Placement, Option<usize>)> = Vec::with_capacity(g.instances.len());
    for i in &g.instances {
        let profile = block.start + kind.spec.profile(&i.profile)?;
        let model = match &i.model {
            None => None,
            Some(name) => {
                let s = problem.models.iter().position(|m| &m.name == name)?;
                problem.capacity[s][profile]?;
                Some(s)
            }
        };
        placed.push((Placement { profile, start: i.start }, model));
    }
    sorting::sort_by_key(&mut placed, |(p, _)| (p.start, p.profile));
    let same = |l: &Layout| {
        l.placements.len() == placed.len()
            && l.placements.iter().zip(&placed).all(|(a, (b, _))| a.profile == b.profile && a.start == b.start)
    };
    // Profile indexes are the type's own block, so a layout of them is of that type.
    let layout = match problem.layouts.iter().position(same) {
        Some(l) => l,
        None => {
            let mut counts = vec![0u32; problem.profiles.len()];
            placed.iter().for_each(|(p, _)| counts[p.profile] += 1);
            problem.layouts.push(Layout { placements: placed.iter().map(|(p, _)| *p).collect(), counts });
            problem.layout_type.push(t);
            problem.layouts.len() - 1
        }
    };
    Some(GpuConfig { layout, models: placed.into_iter().map(|(_, m)| m).collect() })
}
