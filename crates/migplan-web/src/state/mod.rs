//! The page's one state and the reducer that owns it (as in Yew's function_todomvc).
//! Inputs, the last plan and the last move are saved to localStorage after every change.

mod action;
mod deployed;
mod inputs;
#[cfg(test)]
mod move_fixtures;
pub mod move_use;
mod moving;
pub mod plan_use;
mod planned_move;
mod run;
mod saved;
pub mod shared;
mod storage;
mod table;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use migplan_core::export::ExportOptions;
use migplan_core::plan::Plan;
use migplan_core::problem::input::InputError;
use migplan_core::solve::control::Phase;
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::{Key, Path};
use migplan_core::workflow::Request;
use serde::{Deserialize, Serialize};

use crate::logic::profile_files::ProfileFile;

pub use action::Action;
pub use deployed::{Deployed, MoveInputs};
pub use inputs::{parse_errors, profile_errors, workload_errors, Inputs, Source};
pub use planned_move::PlannedMove;
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
    /// The running plan of the move being planned (its moves arrive without it).
    #[serde(skip)]
    pub moving_from: Option<Rc<Plan>>,
    /// The point of the trade-off whose move was asked of the worker, until it answers.
    #[serde(skip)]
    pub move_picking: Option<usize>,
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
    /// The files of the last upload that could not be read, shown with the inputs' problems
    /// until the next upload. Not saved: they are not inputs.
    #[serde(skip)]
    pub upload_errors: Vec<InputError>,
    /// GPUs per node for the deployment downloads and the node grouping, as typed.
    #[serde(default = "default_gpus_per_node")]
    pub gpus_per_node: String,
    /// The last inputs file loaded: its name, or why it was refused (naming it). Not saved:
    /// it speaks of what the user just did.
    #[serde(skip)]
    pub inputs_load: Option<Result<String, String>>,
}

fn default_gpus_per_node() -> String {
    Key::GpusPerNode.setting().default.into()
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
            moving_from: None,
            move_picking: None,
            plan: None,
            inputs_key,
            plan_key: None,
            solving_key: None,
            profile_errors,
            run: Run::default(),
            errors,
            upload_errors: Vec::new(),
            gpus_per_node: default_gpus_per_node(),
            inputs_load: None,
        }
    }

    /// The options of the deployment downloads, or why the GPUs per node are not usable.
    pub fn export_options(&self) -> Result<ExportOptions, String> {
        // Read as the worker reads the page's settings: the table's limits and words.
        let asked = Asked::from([(Key::GpusPerNode, self.gpus_per_node.clone())]);
        match Request::read(&asked, Path::Page) {
            Ok(request) => Ok(request.export),
            Err(errors) => Err(errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.column.as_deref().unwrap_or(""), e.message))
                .collect::<Vec<_>>()
                .join("; ")),
        }
    }

    /// True while the worker plans, moves or fetches a move: one request at a time.
    pub fn busy(&self) -> bool {
        self.run.running || self.move_run.running || self.move_picking.is_some()
    }

    /// The running plan a move starts from: the one the user marked deployed or uploaded.
    pub fn running_plan(&self) -> Option<&Plan> {
        self.move_inputs.deployed.as_ref().map(|d| &*d.plan)
    }
}

/// Why a move was refused, beside its button: the first problem in words, and where the rest are.
fn failed_move_note(errors: &[InputError]) -> String {
    match errors {
        [] => "the move could not be planned".into(),
        [one] => format!("the move could not be planned: {}", crate::logic::error_text::in_one_line(one)),
        [first, rest @ ..] => format!(
            "the move could not be planned: {} ({} more problems in the list under the inputs)",
            crate::logic::error_text::in_one_line(first),
            rest.len()
        ),
    }
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
                | Action::OpenLink { .. }
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
            Action::Uploaded { refused } => s.upload_errors = refused,
            Action::SetLatency(latency) => s.inputs.latency = latency,
            Action::SetWorkload(source) => s.inputs.workload = source,
            Action::SetSolver(solver) => s.inputs.solver = solver,
            Action::SetTimeLimit(t) => s.inputs.time_limit_s = t,
            Action::SetSeed(seed) => s.inputs.seed = seed,
            Action::SetHeadroom(percent) => s.inputs.headroom = percent,
            Action::SetGpusPerNode(n) => s.gpus_per_node = n,
            Action::LoadExample => s.inputs = Inputs::example(),
            Action::LoadInputs(file) => inputs_changed = s.load_inputs(file),
            Action::OpenLink { inputs, gpus_per_node, spare } => {
                (s.inputs, s.gpus_per_node, s.move_inputs.spare) = (inputs, gpus_per_node, spare)
            }
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
                        Some(Deployed::new(plan.clone(), "marked deployed on this page".into(), at));
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
                s.move_started(at_ms);
                s.errors = s.input_errors();
            }
            Action::MoveProgress { status, shown } => s.move_progress(status, shown),
            Action::MoveDone { front_id, shown, front, times } => s.move_done(front_id, shown, front, times),
            Action::PickMove(point) => s.move_picking = Some(point),
            Action::MoveShown { front_id, point, shown } => s.move_shown(front_id, point, shown),
            Action::Failed(errors) => {
                let note = Some("the inputs have problems: see the list under the inputs".to_string());
                if s.run.running {
                    s.run.running = false;
                    s.run.note = note;
                }
                if s.move_run.running {
                    // Said beside Plan the move too, which is far below the inputs' list.
                    s.move_run.running = false;
                    s.move_run.note = Some(failed_move_note(&errors));
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
            Action::MoveCancelled { at_ms } => s.move_cancelled(at_ms),
            Action::WorkerError(message) => {
                // Said under the move while a move is planned or a point's move fetched.
                let moving = s.move_run.running || s.move_picking.take().is_some();
                let run = if moving { &mut s.move_run } else { &mut s.run };
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
