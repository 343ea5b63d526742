//! The page's one state and the reducer that owns it (as in Yew's function_todomvc).
//! Inputs and the last plan are saved to localStorage after every change.

#[cfg(target_arch = "wasm32")]
use std::rc::Rc;

use migplan_core::input::{parse_profiles, parse_workload, InputError};
use migplan_core::plan::Plan;
use serde::{Deserialize, Serialize};

use crate::examples;
use crate::protocol::Move;

#[cfg(target_arch = "wasm32")]
const STORAGE_KEY: &str = "migplan.state.v1";

/// A file's name and text: what the user uploaded or edited, kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pub gpu: String,
    pub profiles: Source,
    pub workload: Source,
    pub solver: String,
    /// As typed, so a half-typed number is not lost.
    pub time_limit_s: String,
    pub seed: String,
}

impl Inputs {
    /// What the worker is asked to plan; a half-typed time limit or seed falls back to the
    /// defaults.
    pub fn request(&self) -> crate::protocol::PlanRequest {
        crate::protocol::PlanRequest {
            gpu: self.gpu.clone(),
            profiles_name: self.profiles.name.clone(),
            profiles_text: self.profiles.text.clone(),
            workload_name: self.workload.name.clone(),
            workload_text: self.workload.text.clone(),
            solver: self.solver.clone(),
            time_limit_s: self.time_limit_s.trim().parse().unwrap_or(10.0),
            seed: self.seed.trim().parse().unwrap_or(1),
        }
    }

    pub fn example() -> Inputs {
        Inputs {
            gpu: "a100-40gb".into(),
            profiles: Source { name: examples::PROFILES_NAME.into(), text: examples::A100_PROFILES.into() },
            workload: Source { name: examples::WORKLOAD_NAME.into(), text: examples::A100_WORKLOAD.into() },
            solver: "auto".into(),
            time_limit_s: "10".into(),
            seed: "1".into(),
        }
    }
}

/// One point of the best-GPU-count-over-time chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProgressPoint {
    pub elapsed_ms: u64,
    pub gpus: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Run {
    pub running: bool,
    pub phase: String,
    pub elapsed_ms: u64,
    pub lower_bound: Option<usize>,
    pub points: Vec<ProgressPoint>,
    /// A note on how the last run ended (cancelled, failed).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MoveInputs {
    /// An uploaded running plan; without one, the last plan is the running one.
    pub running: Option<Source>,
    pub spare: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub inputs: Inputs,
    #[serde(default)]
    pub move_inputs: MoveInputs,
    #[serde(default)]
    pub planned_move: Option<Move>,
    #[serde(default)]
    pub moving: bool,
    pub plan: Option<Plan>,
    /// The inputs the plan was made from, to tell when it is out of date.
    pub plan_inputs: Option<Inputs>,
    pub run: Run,
    /// Problems found in the inputs: parse errors at once, the rest when solving.
    pub errors: Vec<InputError>,
}

impl State {
    pub fn new(inputs: Inputs) -> State {
        let errors = parse_errors(&inputs);
        State {
            inputs,
            move_inputs: MoveInputs { running: None, spare: "0".into() },
            planned_move: None,
            moving: false,
            plan: None,
            plan_inputs: None,
            run: Run::default(),
            errors,
        }
    }

    /// The saved state, or the example on a first visit (`true`: nothing was saved).
    #[cfg(target_arch = "wasm32")]
    pub fn load() -> (State, bool) {
        use gloo_storage::Storage;
        let saved: Option<State> = gloo_storage::LocalStorage::get(STORAGE_KEY).ok();
        match saved {
            Some(mut s) => {
                // A run cannot survive a reload.
                s.run.running = false;
                s.moving = false;
                (s, false)
            }
            None => (State::new(Inputs::example()), true),
        }
    }

    #[cfg(target_arch = "wasm32")]
    pub fn save(&self) {
        use gloo_storage::Storage;
        let _ = gloo_storage::LocalStorage::set(STORAGE_KEY, self);
    }

    pub fn plan_is_current(&self) -> bool {
        self.plan_inputs.as_ref() == Some(&self.inputs)
    }

    /// The running plan a move starts from: the uploaded one, else the last plan.
    pub fn running_plan(&self) -> Result<Option<Plan>, String> {
        match &self.move_inputs.running {
            Some(source) => serde_json::from_str(&source.text).map(Some).map_err(|e| {
                format!(
                    "{}, line {}, column {}: not a plan: {}",
                    source.name,
                    e.line(),
                    e.column(),
                    e.to_string().split(" at line ").next().unwrap_or_default()
                )
            }),
            None => Ok(self.plan.clone()),
        }
    }
}

/// Parse errors of the two inputs, so they show next to the inputs as soon as a file lands.
pub fn parse_errors(inputs: &Inputs) -> Vec<InputError> {
    let mut errors = Vec::new();
    if let Err(e) = parse_profiles(&inputs.profiles.name, &inputs.profiles.text) {
        errors.extend(e.0);
    }
    if let Err(e) = parse_workload(&inputs.workload.name, &inputs.workload.text) {
        errors.extend(e.0);
    }
    errors
}

pub enum Action {
    SetGpu(String),
    SetProfiles(Source),
    SetWorkload(Source),
    SetSolver(String),
    SetTimeLimit(String),
    SetSeed(String),
    LoadExample,
    Started,
    Progress {
        best_gpus: Option<usize>,
        lower_bound: usize,
        elapsed_ms: u64,
        phase: String,
        plan: Option<Plan>,
    },
    Done(Plan),
    Failed(Vec<InputError>),
    Cancelled,
    /// The worker could not start or crashed.
    WorkerError(String),
    SetRunningPlan(Option<Source>),
    SetSpare(String),
    MoveStarted,
    MoveDone(Move),
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
        let inputs_changed =
            matches!(action, Action::SetGpu(_) | Action::SetProfiles(_) | Action::SetWorkload(_) | Action::LoadExample);
        match action {
            Action::SetGpu(gpu) => s.inputs.gpu = gpu,
            Action::SetProfiles(source) => s.inputs.profiles = source,
            Action::SetWorkload(source) => s.inputs.workload = source,
            Action::SetSolver(solver) => s.inputs.solver = solver,
            Action::SetTimeLimit(t) => s.inputs.time_limit_s = t,
            Action::SetSeed(seed) => s.inputs.seed = seed,
            Action::LoadExample => s.inputs = Inputs::example(),
            Action::Started => {
                s.run = Run { running: true, phase: "starting".into(), ..Run::default() };
                s.errors = parse_errors(&s.inputs);
            }
            Action::Progress { best_gpus, lower_bound, elapsed_ms, phase, plan } => {
                s.run.phase = phase;
                s.run.elapsed_ms = elapsed_ms;
                s.run.lower_bound = Some(lower_bound);
                if let Some(gpus) = best_gpus {
                    if s.run.points.last().is_none_or(|p| p.gpus != gpus) {
                        s.run.points.push(ProgressPoint { elapsed_ms, gpus });
                    }
                }
                if let Some(plan) = plan {
                    s.plan = Some(plan);
                    s.plan_inputs = Some(s.inputs.clone());
                }
            }
            Action::Done(plan) => {
                s.run.running = false;
                s.run.phase = plan.solver.termination.clone();
                s.run.elapsed_ms = plan.solver.elapsed_ms;
                s.run.lower_bound = Some(plan.bound.lower);
                if s.run.points.last().is_none_or(|p| p.gpus != plan.gpu_count) {
                    s.run.points.push(ProgressPoint { elapsed_ms: plan.solver.elapsed_ms, gpus: plan.gpu_count });
                }
                s.plan = Some(plan);
                s.plan_inputs = Some(s.inputs.clone());
                s.errors.clear();
            }
            Action::SetRunningPlan(source) => s.move_inputs.running = source,
            Action::SetSpare(spare) => s.move_inputs.spare = spare,
            Action::MoveStarted => {
                s.moving = true;
                s.planned_move = None;
                s.errors = parse_errors(&s.inputs);
            }
            Action::MoveDone(planned) => {
                s.moving = false;
                s.planned_move = Some(planned);
            }
            Action::Failed(errors) => {
                s.moving = false;
                s.run.running = false;
                s.run.note = Some("the inputs have problems: see the list under the inputs".into());
                s.errors = errors;
            }
            Action::Cancelled => {
                s.run.running = false;
                s.run.phase = "cancelled".into();
                s.run.note = Some(match &s.plan {
                    Some(p) if s.plan_is_current() => {
                        format!("cancelled: kept the best plan found, {} GPUs", p.gpu_count)
                    }
                    _ => "cancelled before a plan was found".into(),
                });
            }
            Action::WorkerError(message) => {
                s.moving = false;
                s.run.running = false;
                s.run.note = Some(format!("the planner stopped: {message}"));
            }
            Action::Clear => s = State::new(Inputs::example()),
        }
        if inputs_changed {
            s.errors = parse_errors(&s.inputs);
        }
        s
    }
}

/// Workload rows as editable cells (model, rate, slo_ms), read leniently so that a value
/// that does not parse still shows in the table. `None` when the text is not a CSV with
/// those three columns.
pub fn workload_cells(text: &str) -> Option<Vec<[String; 3]>> {
    if text.trim_start().starts_with('{') {
        return None;
    }
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().ok()?.iter().map(|h| h.to_ascii_lowercase()).collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (m, r, s) = (column("model")?, column("rate")?, column("slo_ms")?);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.ok()?;
        let cell = |i: usize| record.get(i).unwrap_or("").to_string();
        rows.push([cell(m), cell(r), cell(s)]);
    }
    Some(rows)
}

/// The cells written back as the workload CSV.
pub fn workload_text(rows: &[[String; 3]]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["model", "rate", "slo_ms"]);
    for row in rows {
        let _ = writer.write_record(row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_and_keep_bad_values() {
        let rows = workload_cells("Model,Rate,SLO_ms\nbert,900,60\nresnet,lots,30\n").unwrap();
        assert_eq!(rows[1], ["resnet".to_string(), "lots".into(), "30".into()]);
        let text = workload_text(&rows);
        assert_eq!(workload_cells(&text).unwrap(), rows);
        assert!(parse_workload("w.csv", &text).is_err());
    }

    fn plan_for(inputs: &Inputs) -> Plan {
        let mut plan = None;
        crate::planning::handle(
            &crate::protocol::Request::Plan(Inputs { solver: "exact".into(), ..inputs.clone() }.request()),
            &mut |m| {
                if let crate::protocol::WorkerMessage::Done { plan: p } = m {
                    plan = Some(p);
                }
            },
        );
        plan.unwrap()
    }

    #[test]
    fn a_plan_is_current_until_an_input_changes() {
        let s = State::new(Inputs::example()).after(Action::Started);
        assert!(s.run.running);
        let plan = plan_for(&s.inputs);
        let s = s.after(Action::Done(plan));
        assert!(!s.run.running && s.plan_is_current());
        let s = s.after(Action::SetSeed("9".into()));
        assert!(!s.plan_is_current());
        assert!(s.plan.is_some(), "the old plan stays on screen");
    }

    #[test]
    fn cancel_keeps_the_streamed_plan_and_says_so() {
        let s = State::new(Inputs::example()).after(Action::Started);
        let plan = plan_for(&s.inputs);
        let s = s.after(Action::Progress {
            best_gpus: Some(plan.gpu_count),
            lower_bound: 1,
            elapsed_ms: 5,
            phase: "improved".into(),
            plan: Some(plan.clone()),
        });
        let s = s.after(Action::Cancelled);
        assert!(!s.run.running);
        assert_eq!(s.plan.as_ref().map(|p| p.gpu_count), Some(plan.gpu_count));
        assert!(s.run.note.as_deref().unwrap().contains("kept the best plan"));
        assert_eq!(s.run.points.len(), 1);
    }

    #[test]
    fn a_bad_upload_is_kept_and_its_errors_shown() {
        let s = State::new(Inputs::example())
            .after(Action::SetWorkload(Source { name: "w.csv".into(), text: "model,rate,slo_ms\na,x,1\n".into() }));
        assert_eq!(s.inputs.workload.text, "model,rate,slo_ms\na,x,1\n");
        assert_eq!((s.errors[0].line, s.errors[0].column.as_deref()), (Some(2), Some("rate")));
        let s = s.after(Action::Clear);
        assert!(s.errors.is_empty());
        assert_eq!(s.inputs, Inputs::example());
    }

    #[test]
    fn state_survives_a_json_round_trip() {
        let s = State::new(Inputs::example());
        let s = s.after(Action::Done(plan_for(&s.inputs)));
        let back: State = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn json_workload_has_no_cells() {
        assert_eq!(workload_cells("{\"workload\": []}"), None);
    }
}
