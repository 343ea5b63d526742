//! `--solver mcts`: Monte Carlo tree search over which configuration each next GPU gets.
//!
//! A node is a partial deployment; an edge adds one GPU configuration, chosen among the
//! `branching` best-scoring configurations for the demand still outstanding (one per layout,
//! from [`crate::solve::heuristic::candidates`]). A simulation selects a path by UCT, expands one
//! untried edge, and rolls out to a full deployment with randomized greedy; its reward is
//! `(worst - gpus) / (worst - lower_bound)`, with `worst` one more than the greedy plan, so
//! rewards lie in `[0, 1]`. After `simulations_per_step` simulations the search commits to
//! the most visited edge and searches again below it, one GPU at a time: the paper uses MCTS
//! to choose a good combination of configurations for the remaining demand, and committing
//! keeps the tree small on deployments of hundreds of GPUs. A pass can start from a partial
//! deployment, so the pipeline can search only the demand some GPUs leave. Every rollout is a
//! complete plan; the best one is kept.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::plan::Termination;
use crate::problem::Problem;
use crate::solve::control::Control;
use crate::solve::deployment::{add_config, served};
use crate::solve::deployment::{Deployment, GpuConfig};
use crate::solve::executor::{Solver, SolverResult};
use crate::solve::greedy::greedy_deployment;
use crate::solve::heuristic::{all_served, candidates, complete, drop_redundant, outstanding};
use crate::solve::relaxation::Relaxation;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MctsParams {
    pub branching: usize,
    pub simulations_per_step: u32,
    /// UCT exploration constant.
    pub exploration: f64,
    /// Randomization of rollouts, 0 to 1.
    pub rollout_noise: f64,
    /// Full commit-and-search passes to run when no other budget stops the search first.
    pub passes: u32,
}

impl Default for MctsParams {
    fn default() -> Self {
        MctsParams { branching: 6, simulations_per_step: 24, exploration: 0.7, rollout_noise: 0.3, passes: 8 }
    }
}

struct Node {
    /// The configuration this node adds to its parent's deployment.
    config: Option<GpuConfig>,
    children: Vec<usize>,
    untried: Vec<GpuConfig>,
    visits: u32,
    reward: f64,
}

/// One tree search: repeated commit-and-search passes from an empty deployment.
pub struct Search<'p> {
    problem: &'p Problem,
    params: MctsParams,
    rng: ChaCha8Rng,
    lower_bound: usize,
    worst: usize,
    best: Deployment,
}

impl<'p> Search<'p> {
    pub fn new(problem: &'p Problem, params: MctsParams, seed: u64, lower_bound: usize, start: Deployment) -> Self {
        let worst = start.gpu_count() + 1;
        Search { problem, params, rng: ChaCha8Rng::seed_from_u64(seed), lower_bound, worst, best: start }
    }

    pub fn best(&self) -> &Deployment {
        &self.best
    }

    /// `plan` without a random `share` of its GPUs: where the pipeline restarts the search.
    pub fn free_share(&mut self, plan: &Deployment, share: f64) -> Vec<GpuConfig> {
        let mut gpus = plan.gpus.clone();
        let drop = ((gpus.len() as f64 * share).ceil() as usize).min(gpus.len());
        for _ in 0..drop {
            let i = self.rng.random_range(0..gpus.len() as u32) as usize;
            gpus.swap_remove(i);
        }
        gpus
    }

    fn expand_options(&mut self, prefix: &[GpuConfig]) -> Vec<GpuConfig> {
        let weights = outstanding(self.problem, &served(self.problem, prefix));
        let mut options: Vec<GpuConfig> =
            candidates(self.problem, &weights, 0.0, &mut self.rng).into_iter().map(|s| s.config).collect();
        options.truncate(self.params.branching);
        options
    }

    fn reward(&self, gpus: usize) -> f64 {
        let span = (self.worst - self.lower_bound.min(self.worst - 1)) as f64;
        ((self.worst as f64 - gpus as f64) / span).clamp(0.0, 1.0)
    }

    /// Rolls out from `prefix`; keeps the plan if it is the best so far. Returns its GPUs.
    fn rollout(&mut self, prefix: &[GpuConfig], ctl: &Control) -> usize {
        let mut gpus = prefix.to_vec();
        complete(self.problem, &mut gpus, self.params.rollout_noise, &mut self.rng, ctl);
        drop_redundant(self.problem, &mut gpus);
        let n = gpus.len();
        if n < self.best.gpu_count() {
            self.best = Deployment { gpus };
        }
        n
    }

    /// One pass from the GPUs in `prefix`: search, commit the most visited configuration,
    /// repeat until every model is served. Returns false when `ctl` stopped it early.
    pub fn pass(&mut self, ctl: &mut Control, prefix: Vec<GpuConfig>) -> bool {
        let mut committed = prefix;
        loop {
            if all_served(self.problem, &served(self.problem, &committed)) {
                return true;
            }
            let untried = self.expand_options(&committed);
            let mut tree = vec![Node { config: None, children: Vec::new(), untried, visits: 0, reward: 0.0 }];
            for _ in 0..self.params.simulations_per_step {
                if ctl.stop_reason().is_some() {
                    return false;
                }
                ctl.tick();
                self.simulate(&mut tree, &committed, ctl);
                ctl.offer(&self.best);
            }
            let Some(&next) = tree[0].children.iter().max_by_key(|&&c| tree[c].visits) else { return true };
            committed.push(tree[next].config.clone().expect("children carry a configuration"));
        }
    }

    fn simulate(&mut self, tree: &mut Vec<Node>, committed: &[GpuConfig], ctl: &Control) {
        let mut path = vec![0usize];
        let mut state = committed.to_vec();
        let mut served_now = served(self.problem, &state);
        // Select down the tree while nodes are fully expanded.
        loop {
            let node = *path.last().expect("the path starts at the root");
            if !tree[node].untried.is_empty() || tree[node].children.is_empty() {
                break;
            }
            let parent_visits = tree[node].visits.max(1) as f64;
            let c = self.params.exploration;
            let child = *tree[node]
                .children
                .iter()
                .max_by(|&&a, &&b| {
                    let uct = |n: &Node| n.reward / n.visits as f64 + c * (parent_visits.ln() / n.visits as f64).sqrt();
                    uct(&tree[a]).total_cmp(&uct(&tree[b]))
                })
                .expect("children is not empty");
            let config = tree[child].config.clone().expect("children carry a configuration");
            add_config(self.problem, &config, &mut served_now, 1.0);
            state.push(config);
            path.push(child);
        }
        // Expand one untried configuration, unless the state is already complete.
        let node = *path.last().expect("the path starts at the root");
        if !all_served(self.problem, &served_now) {
            if let Some(config) = tree[node].untried.pop() {
                state.push(config.clone());
                let untried = self.expand_options(&state);
                tree.push(Node { config: Some(config), children: Vec::new(), untried, visits: 0, reward: 0.0 });
                let id = tree.len() - 1;
                tree[node].children.push(id);
                path.push(id);
            }
        }
        let gpus = self.rollout(&state, ctl);
        let reward = self.reward(gpus);
        for &n in &path {
            tree[n].visits += 1;
            tree[n].reward += reward;
        }
    }
}

#[derive(Debug, Default)]
pub struct Mcts {
    pub params: MctsParams,
}

impl Solver for Mcts {
    fn name(&self) -> &'static str {
        "mcts"
    }

    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        let greedy = greedy_deployment(problem, ctl);
        ctl.offer(&greedy);
        let mut search = Search::new(problem, self.params, ctl.seed(), relaxation.lower_bound, greedy);
        for _ in 0..self.params.passes {
            if !search.pass(ctl, Vec::new()) {
                break;
            }
        }
        let termination = ctl.stop_reason().unwrap_or(Termination::Finished);
        SolverResult { deployment: search.best().clone(), termination }
    }
}
