//! The page's one state and the reducer that owns it (as in Yew's function_todomvc).
//! Inputs, the last plan and the last move are saved to localStorage after every change.

mod deployed;
mod inputs;
pub mod move_use;
pub mod plan_use;
mod run;
mod saved;
pub mod shared;
mod storage;
mod table;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use migplan_core::export::{ExportOptions, MAX_GPUS_PER_NODE};
use migplan_core::plan::Plan;
use migplan_core::problem::import::Percentile;
use migplan_core::problem::input::InputError;
use migplan_core::solve::control::Phase;
use serde::{Deserialize, Serialize};

use migplan_core::workflow::PhaseTimes;

use crate::profile_files::{FileField, ProfileFile};
use crate::protocol::{PlannedMove, Status};

pub use deployed::{Deployed, MoveInputs};
pub use inputs::{parse_errors, profile_errors, workload_errors, Inputs, Source};
pub use run::{ProgressPoint, Run};
pub use table::{workload_cells, workload_rows, workload_text, NoTable, WorkloadRows};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub inputs: Inputs,
    #[serde(default)]
    pub move_inputs: MoveInputs,
    #[serde(default)]
    pub planned_move: Option<PlannedMove>,
    /// `State::move_request_key` when the move shown (or under way) was asked; `None` if saved before.
    #[serde(default)]
    pub move_key: Option<u64>,
    #[serde(default)]
    pub move_run: Run,
    /// Shared, not copied, by every state after it and by the views.
    pub plan: Option<Rc<Plan>>,
    /// `Inputs::key` of the inputs now, kept up to date by the reducer.
    #[serde(default)]
    pub inputs_key: u64,
    /// `Inputs::key` of the inputs the plan was made from, to tell when it is out of date.
    #[serde(default)]
    pub plan_key: Option<u64>,
    /// `Inputs::key` of the inputs of the solve under way (or the last one): what its plans
    /// are for, however the inputs change while it runs.
    #[serde(default)]
    pub solving_key: Option<u64>,
    /// The profiles files' errors, kept until they change (see `profile_errors`).
    #[serde(default)]
    pub profile_errors: Vec<InputError>,
    pub run: Run,
    /// Problems found in the inputs: parse errors at once, the rest when solving.
    pub errors: Vec<InputError>,
    /// GPUs per node for the deployment downloads and the node grouping, as typed.
    #[serde(default = "default_gpus_per_node")]
    pub gpus_per_node: String,
    /// The last inputs file loaded: its name, or why it was refused (naming it). Not saved:
    /// it speaks of what the user just did.
    #[serde(skip)]
    pub inputs_load: Option<Result<String, String>>,
}

fn default_gpus_per_node() -> String {
    ExportOptions::default().gpus_per_node.to_string()
}

const DEFAULT_SPARE: &str = "0";

impl State {
    pub fn new(inputs: Inputs) -> State {
        let profile_errors = profile_errors(&inputs);
        let errors = [profile_errors.clone(), workload_errors(&inputs)].concat();
        let inputs_key = inputs.key();
        State {
            inputs,
            move_inputs: MoveInputs { deployed: None, upload_error: None, spare: DEFAULT_SPARE.into() },
            planned_move: None,
            move_key: None,
            move_run: Run::default(),
            plan: None,
            inputs_key,
            plan_key: None,
            solving_key: None,
            profile_errors,
            run: Run::default(),
            errors,
            gpus_per_node: default_gpus_per_node(),
            inputs_load: None,
        }
    }

    /// The options of the deployment downloads, or why the GPUs per node are not usable.
    pub fn export_options(&self) -> Result<ExportOptions, String> {
        let gpus_per_node = self.gpus_per_node.trim().parse().map_err(|_| {
            format!("GPUs per node: `{}` is not a whole number from 1 to {MAX_GPUS_PER_NODE}", self.gpus_per_node)
        })?;
        let options = ExportOptions { gpus_per_node, ..ExportOptions::default() };
        options.check_range()?;
        Ok(options)
    }

    /// True while the worker plans or moves: one run at a time.
    pub fn busy(&self) -> bool {
        self.run.running || self.move_run.running
    }

    /// The running plan a move starts from: the one the user marked deployed or uploaded.
    pub fn running_plan(&self) -> Option<&Plan> {
        self.move_inputs.deployed.as_ref().map(|d| &d.plan)
    }
}

pub enum Action {
    SetGpu(String),
    /// Files chosen or dropped together: they replace the profiles files.
    SetProfiles(Vec<Source>),
    /// A field typed in a profiles file's row of the file table.
    EditProfileFile {
        index: usize,
        field: FileField,
        value: String,
    },
    RemoveProfileFile(usize),
    SetLatency(Percentile),
    SetWorkload(Source),
    SetSolver(String),
    SetTimeLimit(String),
    SetSeed(String),
    SetGpusPerNode(String),
    LoadExample,
    /// A file of "Download inputs (JSON)" chosen to load (or why the browser could not read
    /// it): its inputs and settings replace the page's, or nothing changes but the error.
    LoadInputs(Result<Source, String>),
    /// A solve starts, at this time of the page's clock (ms), for the current inputs.
    Started {
        at_ms: f64,
    },
    Progress {
        status: Status,
        plan: Option<Plan>,
    },
    Done(Plan, PhaseTimes),
    /// The worker refused the inputs (a solve or a move).
    Failed(Vec<InputError>),
    /// The user stopped the solve, at this time of the page's clock (ms).
    Cancelled {
        at_ms: f64,
    },
    /// The worker could not start or crashed.
    WorkerError(String),
    /// The plan on screen is what now runs on the cluster (at: ISO time).
    MarkDeployed {
        at: String,
    },
    /// An uploaded plan file is what runs on the cluster.
    UploadRunning {
        source: Result<Source, String>,
        at: String,
    },
    SetSpare(String),
    MoveStarted {
        at_ms: f64,
    },
    MoveProgress {
        status: Status,
        planned: Option<PlannedMove>,
    },
    MoveDone(PlannedMove),
    MoveCancelled {
        at_ms: f64,
    },
    Clear,
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.after(action))
    }
}

impl State {
    /// The state after `action`: the whole of the page's logic, free of the browser.
    pub fn after(&self, action: Action) -> State {
        let mut s = self.clone();
        let mut inputs_changed = matches!(
            action,
            Action::SetGpu(_)
                | Action::SetProfiles(_)
                | Action::EditProfileFile { .. }
                | Action::RemoveProfileFile(_)
                | Action::SetLatency(_)
                | Action::SetWorkload(_)
                | Action::LoadExample
        );
        let loading = matches!(action, Action::LoadInputs(_));
        match action {
            Action::SetGpu(gpu) => s.inputs.gpu = gpu,
            Action::SetProfiles(sources) => {
                s.inputs.profiles = sources.into_iter().map(|f| ProfileFile::new(f.name, f.text)).collect()
            }
            Action::EditProfileFile { index, field, value } => {
                if let Some(file) = s.inputs.profiles.get_mut(index) {
                    file.set(field, value);
                }
            }
            Action::RemoveProfileFile(index) => {
                if index < s.inputs.profiles.len() {
                    s.inputs.profiles.remove(index);
                }
            }
            Action::SetLatency(latency) => s.inputs.latency = latency,
            Action::SetWorkload(source) => s.inputs.workload = source,
            Action::SetSolver(solver) => s.inputs.solver = solver,
            Action::SetTimeLimit(t) => s.inputs.time_limit_s = t,
            Action::SetSeed(seed) => s.inputs.seed = seed,
            Action::SetGpusPerNode(n) => s.gpus_per_node = n,
            Action::LoadExample => s.inputs = Inputs::example(),
            Action::LoadInputs(file) => inputs_changed = s.load_inputs(file),
            Action::Started { at_ms } => {
                s.run = Run::started(at_ms);
                s.solving_key = Some(s.inputs_key);
                s.errors = s.input_errors();
            }
            Action::Progress { status, plan } => {
                s.run.heard(status);
                if let Some(plan) = plan {
                    s.plan = Some(Rc::new(plan));
                    s.plan_key = s.solving_key;
                }
            }
            Action::Done(plan, phases) => {
                s.run.running = false;
                s.run.phases = Some(phases);
                s.run.phase = Some(Phase::Stopped(plan.solver.termination));
                s.run.elapsed_ms = plan.solver.elapsed_ms;
                s.run.bound(plan.solver.elapsed_ms, plan.bound.lower);
                s.run.point(plan.solver.elapsed_ms, plan.gpu_count);
                s.plan = Some(Rc::new(plan));
                s.plan_key = s.solving_key;
                s.errors.clear();
            }
            Action::MarkDeployed { at } => {
                if let Some(plan) = &s.plan {
                    s.move_inputs.deployed =
                        Some(Deployed::new(Plan::clone(plan), "marked deployed on this page".into(), at));
                    s.move_inputs.upload_error = None;
                }
            }
            Action::UploadRunning { source, at } => match source.and_then(|source| Deployed::upload(&source, at)) {
                Ok(deployed) => {
                    s.move_inputs.deployed = Some(deployed);
                    s.move_inputs.upload_error = None;
                }
                Err(e) => s.move_inputs.upload_error = Some(e),
            },
            Action::SetSpare(spare) => s.move_inputs.spare = spare,
            Action::MoveStarted { at_ms } => {
                s.move_run = Run::started(at_ms);
                s.planned_move = None;
                s.move_key = s.move_request_key();
                s.errors = s.input_errors();
            }
            Action::MoveProgress { status, planned } => {
                s.move_run.heard(status);
                if planned.is_some() {
                    s.planned_move = planned;
                }
            }
            Action::MoveDone(planned) => {
                s.move_run.running = false;
                s.move_run.phase = Some(Phase::Stopped(planned.planned.target.solver.termination));
                s.planned_move = Some(planned);
            }
            Action::Failed(errors) => {
                let note = Some("the inputs have problems: see the list under the inputs".to_string());
                for run in [&mut s.run, &mut s.move_run] {
                    if run.running {
                        run.running = false;
                        run.note = note.clone();
                    }
                }
                s.errors = errors;
            }
            Action::Cancelled { at_ms } => {
                s.run.elapsed_ms = s.run.elapsed_at(at_ms);
                s.run.running = false;
                s.run.phase = Some(Phase::Stopped(migplan_core::plan::Termination::Cancelled));
                s.run.note = Some(match &s.plan {
                    Some(p) if s.plan_key.is_some() && s.plan_key == s.solving_key => {
                        format!("cancelled: kept the best plan found, {} GPUs", p.gpu_count)
                    }
                    Some(_) => {
                        "cancelled before a plan for these inputs was found: the plan shown is an earlier one".into()
                    }
                    None => "cancelled before a plan was found".into(),
                });
            }
            Action::MoveCancelled { at_ms } => {
                s.move_run.elapsed_ms = s.move_run.elapsed_at(at_ms);
                s.move_run.running = false;
                s.move_run.phase = Some(Phase::Stopped(migplan_core::plan::Termination::Cancelled));
                s.move_run.note = Some(match &s.planned_move {
                    Some(m) => format!("cancelled: kept the best move found, to {} GPUs", m.planned.target.gpu_count),
                    None => "cancelled before a move was found".into(),
                });
            }
            Action::WorkerError(message) => {
                let run = if s.move_run.running { &mut s.move_run } else { &mut s.run };
                run.running = false;
                run.note = Some(message);
            }
            Action::Clear => s = State::new(Inputs::example()),
        }
        if s.inputs != self.inputs {
            // What the last inputs file load said is past once the user edits the inputs.
            s.inputs_load = s.inputs_load.take().filter(|_| loading);
            s.inputs_key = s.inputs.key();
            if (&s.inputs.profiles, &s.inputs.gpu, s.inputs.latency)
                != (&self.inputs.profiles, &self.inputs.gpu, self.inputs.latency)
            {
                s.profile_errors = profile_errors(&s.inputs);
            }
        }
        if inputs_changed {
            s.errors = s.input_errors();
        }
        s
    }

    /// The errors of the inputs' files as they are now.
    fn input_errors(&self) -> Vec<InputError> {
        [self.profile_errors.clone(), workload_errors(&self.inputs)].concat()
    }
}
