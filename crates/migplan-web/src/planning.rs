//! What the worker does with a request: parse, plan or plan the move through migplan-core's
//! checked workflow, and report. Plain Rust, so it is tested natively; the worker binary only
//! wires it to messages.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::hardware::catalog;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::problem::input::limits::TIME_LIMIT_S;
use migplan_core::problem::input::{parse_workload, InputError, ProfileRow, WorkloadRow};
use migplan_core::solve::control::{Budget, Progress};
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, plan_pareto, MoveRequest, Refusal, Target};

use crate::profile_files;
use crate::protocol::{FrontPoint, PlanRequest, PlannedMove, Request, Status, TransitionRequest, WorkerMessage};

fn failure(message: String, hint: &str) -> WorkerMessage {
    WorkerMessage::Failed {
        errors: vec![InputError { file: String::new(), line: None, column: None, message, hint: Some(hint.into()) }],
    }
}

/// A refusal as the page lists problems: located input errors as they are, anything else
/// as one message.
fn refused(refusal: Refusal) -> WorkerMessage {
    match refusal {
        Refusal::Inputs(errors) => WorkerMessage::Failed { errors: errors.0 },
        other => failure(other.to_string(), "nothing was planned: fix what the list says and try again"),
    }
}

fn status(p: &Progress) -> Status {
    Status { best_gpus: p.best_gpus, lower_bound: p.lower_bound, elapsed_ms: p.elapsed_ms, phase: p.phase }
}

/// Answers a request as the page posts it, JSON text.
pub fn handle_text(text: &str, emit: &mut dyn FnMut(WorkerMessage)) {
    match serde_json::from_str::<Request>(text) {
        Ok(request) => handle(&request, emit),
        Err(e) => emit(failure(
            format!("the planner received a request it cannot read: {e}"),
            "reload the page: it and the planner may come from different versions",
        )),
    }
}

/// Answers `request`, sending every message through `emit`; the last one is `Done`,
/// `MoveDone` or `Failed`.
pub fn handle(request: &Request, emit: &mut dyn FnMut(WorkerMessage)) {
    match request {
        Request::Plan(r) => handle_plan(r, emit),
        Request::Transition(r) => handle_transition(r, emit),
    }
}

struct Prepared {
    gpu: GpuSpec,
    profiles: Vec<ProfileRow>,
    workload: Vec<WorkloadRow>,
    options: RunOptions,
}

/// The parsed inputs and run options of a request, or the message that says what is wrong.
fn prepare(request: &PlanRequest) -> Result<Prepared, Box<WorkerMessage>> {
    let Some(gpu) = catalog::gpu(&request.gpu) else {
        return Err(Box::new(failure(format!("unknown GPU `{}`", request.gpu), "pick a GPU from the list")));
    };
    let Some(solver) = SolverKind::parse(&request.solver) else {
        return Err(Box::new(failure(format!("unknown solver `{}`", request.solver), "pick a solver from the list")));
    };
    let profiles = profile_files::import_all(&request.profiles, &request.gpu, request.latency).map(|(rows, _)| rows);
    let workload = parse_workload(&request.workload_name, &request.workload_text);
    let (profiles, workload) = match (profiles, workload) {
        (Ok(p), Ok(w)) => (p, w),
        (p, w) => {
            let mut errors = p.err().map(|e| e.0).unwrap_or_default();
            errors.extend(w.err().map(|e| e.0).unwrap_or_default());
            return Err(Box::new(WorkerMessage::Failed { errors }));
        }
    };
    let field = |name: &str, message: String, hint: String| {
        Box::new(WorkerMessage::Failed {
            errors: vec![InputError {
                file: String::new(),
                line: None,
                column: Some(name.into()),
                message,
                hint: Some(hint),
            }],
        })
    };
    let typed = request.time_limit_s.trim();
    let time_limit = typed
        .parse::<f64>()
        .map_err(|_| format!("`{typed}` is not a number"))
        .and_then(|s| TIME_LIMIT_S.check(s))
        .map_err(|e| field("time limit", e, format!("give seconds, {}", TIME_LIMIT_S.describe())))?;
    let typed = request.seed.trim();
    let seed = typed.parse::<u64>().map_err(|_| {
        field(
            "seed",
            format!("`{typed}` is not a whole number"),
            "give 0, 1, 2, ... (the same seed gives the same plan)".into(),
        )
    })?;
    let options = RunOptions {
        solver,
        budget: Budget { time_limit: Some(Duration::from_secs_f64(time_limit)), max_iterations: None },
        seed,
    };
    Ok(Prepared { gpu, profiles, workload, options })
}

fn handle_plan(request: &PlanRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let p = match prepare(request) {
        Ok(prepared) => prepared,
        Err(message) => return emit(*message),
    };
    let mut watch = |progress: &Progress, plan| emit(WorkerMessage::Progress { status: status(progress), plan });
    let planned =
        workflow::plan_timed(&p.gpu, &p.profiles, &p.workload, &p.options, &AtomicBool::new(false), Some(&mut watch));
    emit(match planned {
        Ok((plan, phases)) => WorkerMessage::Done { plan, phases },
        Err(refusal) => refused(refusal),
    });
}

fn handle_transition(request: &TransitionRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let p = match prepare(&request.inputs) {
        Ok(prepared) => prepared,
        Err(message) => return emit(*message),
    };
    let typed = request.spare.trim();
    let Ok(spare_allowed) = typed.parse::<usize>() else {
        return emit(WorkerMessage::Failed {
            errors: vec![InputError {
                file: String::new(),
                line: None,
                column: Some("spare GPUs".into()),
                message: format!("`{typed}` is not a whole number of GPUs"),
                hint: Some("give 0, 1, 2, ...: how many spare GPUs the move may borrow".into()),
            }],
        });
    };
    let move_request = MoveRequest {
        gpu: &p.gpu,
        profiles: &p.profiles,
        running: &request.running,
        running_workload: None,
        target: Target::Workload(&p.workload),
        options: p.options,
        extra_gpus: 0,
    };
    let mut watch = |progress: &Progress, planned: Option<_>| {
        let planned = planned.map(|planned| PlannedMove { planned, spare_allowed, front: Vec::new() });
        emit(WorkerMessage::MoveProgress { status: status(progress), planned })
    };
    let front = plan_pareto(&move_request, &AtomicBool::new(false), Some(&mut watch));
    emit(match front {
        Ok(moves) => {
            let front = moves
                .iter()
                .map(|m| FrontPoint {
                    extra_gpus: m.disruption.as_ref().map_or(0, |d| d.extra_gpus),
                    touched_lower_bound: m.disruption.as_ref().map_or(0, |d| d.touched_lower_bound),
                    target: m.target.clone(),
                    transition: m.transition.clone(),
                })
                .collect();
            let planned = moves.into_iter().next().expect("a front has its first point");
            WorkerMessage::MoveDone { planned: PlannedMove { planned, spare_allowed, front } }
        }
        Err(refusal) => refused(refusal),
    });
}

#[cfg(test)]
mod tests {
    use migplan_core::plan::Plan;
    use migplan_core::workflow::Move;

    use super::*;
    use crate::profile_files::ProfileFile;

    fn request(workload: &str) -> PlanRequest {
        PlanRequest {
            gpu: "a100-40gb".into(),
            profiles: vec![ProfileFile::new("profiles.csv", crate::examples::A100_PROFILES)],
            latency: Default::default(),
            workload_name: "workload.csv".into(),
            workload_text: workload.into(),
            solver: "mig-serving".into(),
            time_limit_s: "5".into(),
            seed: "1".into(),
        }
    }

    #[test]
    fn example_request_streams_progress_then_a_plan() {
        let mut messages = Vec::new();
        handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
        let Some(WorkerMessage::Done { plan, phases }) = messages.last() else { panic!("{messages:?}") };
        assert!(phases.bound_ms >= 0.0 && phases.build_ms >= 0.0);
        assert!(plan.gpu_count > 0);
        let improvements: Vec<&Plan> = messages
            .iter()
            .filter_map(|m| match m {
                WorkerMessage::Progress { plan: Some(p), .. } => Some(p),
                _ => None,
            })
            .collect();
        assert!(!improvements.is_empty());
        // The last improvement streamed is as good as the final plan.
        assert_eq!(improvements.last().unwrap().gpu_count, plan.gpu_count);
    }

    #[test]
    fn bad_workload_fails_with_located_errors() {
        let mut messages = Vec::new();
        handle(&Request::Plan(request("model,rate,slo_ms\nbert-base-multilingual-cased,lots,60\n")), &mut |m| {
            messages.push(m)
        });
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
        assert_eq!((errors[0].line, errors[0].column.as_deref()), (Some(2), Some("rate")));
    }

    #[test]
    fn a_transition_request_moves_the_example_to_higher_demand() {
        let mut messages = Vec::new();
        handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
        let Some(WorkerMessage::Done { plan: running, .. }) = messages.pop() else { panic!() };
        let higher = crate::examples::A100_WORKLOAD.replace(",900,", ",2900,").replace(",2500,", ",3500,");
        let mut messages = Vec::new();
        let transition = TransitionRequest { inputs: request(&higher), running: running.clone(), spare: "0".into() };
        handle(&Request::Transition(transition), &mut |m| messages.push(m));
        let Some(WorkerMessage::MoveDone { planned }) = messages.last() else { panic!("{messages:?}") };
        let PlannedMove { planned: Move { transition, target, floors, running: from, .. }, spare_allowed, front } =
            planned;
        assert_eq!((from, *spare_allowed), (&running, 0));
        // The trade-off: more extra GPUs never touch more running GPUs, and each point's move
        // picks into the move shown.
        let touched: Vec<usize> = front.iter().map(|p| p.transition.running_touched).collect();
        assert!(!touched.is_empty() && touched.windows(2).all(|w| w[1] <= w[0]), "{touched:?}");
        assert_eq!(&front[0].transition, transition);
        let last = planned.pick(front.len() - 1).unwrap();
        assert_eq!(last.planned.transition.running_touched, *touched.last().unwrap());
        assert_eq!(last.planned.disruption.as_ref().unwrap().extra_gpus, front.len() - 1);
        // The move streamed its progress, and at least one move before the final one.
        let streamed = messages.iter().filter(|m| matches!(m, WorkerMessage::MoveProgress { planned: Some(_), .. }));
        assert!(streamed.count() >= 1, "{messages:?}");
        assert!(target.gpu_count >= running.gpu_count);
        assert!(!transition.steps.is_empty());
        let bert = floors.iter().find(|f| f.model == "bert-base-multilingual-cased").unwrap();
        assert_eq!(bert.floor, 900.0);
    }

    #[test]
    fn a_time_limit_or_seed_out_of_range_fails_naming_the_field() {
        for (time_limit, seed, field) in [("1e20", "1", "time limit"), ("inf", "1", "time limit"), ("5", "-3", "seed")]
        {
            let mut messages = Vec::new();
            let mut r = request(crate::examples::A100_WORKLOAD);
            (r.time_limit_s, r.seed) = (time_limit.into(), seed.into());
            handle(&Request::Plan(r), &mut |m| messages.push(m));
            let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
            assert_eq!(errors[0].column.as_deref(), Some(field), "{errors:?}");
        }
    }

    #[test]
    fn a_spare_count_that_is_not_a_whole_number_fails_naming_the_field() {
        let running = plan_for_example();
        for spare in ["abc", "-1", "1.5"] {
            let mut messages = Vec::new();
            let r = TransitionRequest {
                inputs: request(crate::examples::A100_WORKLOAD),
                running: running.clone(),
                spare: spare.into(),
            };
            handle(&Request::Transition(r), &mut |m| messages.push(m));
            let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
            assert_eq!(errors[0].column.as_deref(), Some("spare GPUs"), "{spare}");
        }
    }

    fn plan_for_example() -> Plan {
        let mut messages = Vec::new();
        handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
        let Some(WorkerMessage::Done { plan, .. }) = messages.pop() else { panic!("{messages:?}") };
        plan
    }

    #[test]
    fn an_unreadable_request_fails_with_a_message() {
        let mut messages = Vec::new();
        handle_text("{\"kind\": \"plan\"}", &mut |m| messages.push(m));
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
        assert!(errors[0].message.contains("cannot read"), "{errors:?}");
    }

    #[test]
    fn messages_round_trip_as_json() {
        let mut messages = Vec::new();
        handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
        for m in messages {
            let text = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<WorkerMessage>(&text).unwrap(), m);
        }
    }
}
