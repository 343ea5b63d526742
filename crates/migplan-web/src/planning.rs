//! What the worker does with a request: parse, build the problem, run the chosen solver and
//! report. Plain Rust, so it is tested natively; the worker binary only wires it to messages.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::catalog;
use migplan_core::input::{parse_profiles, parse_workload, InputError};
use migplan_core::plan::{Plan, SolverInfo};
use migplan_core::problem::Problem;
use migplan_core::solver::{run, Budget, RunOptions, SolverKind};

use migplan_core::transition::{plan_near, plan_transition, Demand};
use migplan_core::transition_check::check_transition;

use crate::protocol::{Floor, Move, PlanRequest, Request, TransitionRequest, WorkerMessage};

fn failure(message: String, hint: &str) -> WorkerMessage {
    WorkerMessage::Failed {
        errors: vec![InputError { file: String::new(), line: None, column: None, message, hint: Some(hint.into()) }],
    }
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
/// `TransitionDone` or `Failed`.
pub fn handle(request: &Request, emit: &mut dyn FnMut(WorkerMessage)) {
    match request {
        Request::Plan(r) => handle_plan(r, emit),
        Request::Transition(r) => handle_transition(r, emit),
    }
}

/// The problem and run options of a request, or the message that says what is wrong.
fn prepare(request: &PlanRequest) -> Result<(Problem, RunOptions), WorkerMessage> {
    let Some(gpu) = catalog::gpu(&request.gpu) else {
        return Err(failure(format!("unknown GPU `{}`", request.gpu), "pick a GPU from the list"));
    };
    let Some(solver) = SolverKind::parse(&request.solver) else {
        return Err(failure(format!("unknown solver `{}`", request.solver), "pick a solver from the list"));
    };
    let profiles = parse_profiles(&request.profiles_name, &request.profiles_text);
    let workload = parse_workload(&request.workload_name, &request.workload_text);
    let (profiles, workload) = match (profiles, workload) {
        (Ok(p), Ok(w)) => (p, w),
        (p, w) => {
            let mut errors = p.err().map(|e| e.0).unwrap_or_default();
            errors.extend(w.err().map(|e| e.0).unwrap_or_default());
            return Err(WorkerMessage::Failed { errors });
        }
    };
    let problem = Problem::build(&gpu, &profiles, &workload).map_err(|e| WorkerMessage::Failed { errors: e.0 })?;
    let time_limit = if request.time_limit_s.is_finite() && request.time_limit_s > 0.0 {
        Duration::from_secs_f64(request.time_limit_s)
    } else {
        Duration::from_secs(10)
    };
    let options = RunOptions {
        solver,
        budget: Budget { time_limit: Some(time_limit), max_iterations: None },
        seed: request.seed,
    };
    Ok((problem, options))
}

fn handle_transition(request: &TransitionRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let (problem, options) = match prepare(&request.inputs) {
        Ok(prepared) => prepared,
        Err(message) => return emit(message),
    };
    if !request.running.gpu.eq_ignore_ascii_case(problem.gpu.id) {
        return emit(failure(
            format!("the running plan is for {}, the inputs for {}", request.running.gpu, problem.gpu.id),
            "pick the running plan's GPU, or upload a running plan for this GPU",
        ));
    }
    let target = plan_near(&problem, &request.running, &options);
    let demands = Demand::from_plans(&request.running, &target);
    let transition = plan_transition(&problem.gpu, &request.running, &target, &demands);
    let problems = check_transition(&problem.gpu, &request.running, &target, &demands, &transition, usize::MAX);
    if !problems.is_empty() {
        return emit(failure(
            format!("the planned move fails its own check: {}", problems.join("; ")),
            "this is a bug: please report it with your inputs",
        ));
    }
    let floors = demands.iter().map(|d| Floor { model: d.model.clone(), floor: d.floor() }).collect();
    emit(WorkerMessage::TransitionDone(Move {
        running: request.running.clone(),
        target,
        transition,
        floors,
        spare_allowed: request.spare,
    }));
}

fn handle_plan(request: &PlanRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let (problem, options) = match prepare(request) {
        Ok(prepared) => prepared,
        Err(message) => return emit(message),
    };
    let solver = options.solver;
    let plan = run(&problem, &options, &AtomicBool::new(false), &mut |p| {
        let plan = p.best.as_ref().filter(|_| p.phase == "improved").map(|d| {
            let info = SolverInfo {
                name: solver.name().to_string(),
                seed: request.seed,
                elapsed_ms: p.elapsed_ms,
                termination: "running".to_string(),
            };
            Plan::from_deployment(&problem, d, p.lower_bound, info)
        });
        emit(WorkerMessage::Progress {
            best_gpus: p.best_gpus,
            lower_bound: p.lower_bound,
            elapsed_ms: p.elapsed_ms,
            phase: p.phase.to_string(),
            plan,
        });
    });
    emit(WorkerMessage::Done { plan });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(workload: &str) -> PlanRequest {
        PlanRequest {
            gpu: "a100-40gb".into(),
            profiles_name: "profiles.csv".into(),
            profiles_text: crate::examples::A100_PROFILES.into(),
            workload_name: "workload.csv".into(),
            workload_text: workload.into(),
            solver: "mig-serving".into(),
            time_limit_s: 5.0,
            seed: 1,
        }
    }

    #[test]
    fn example_request_streams_progress_then_a_plan() {
        let mut messages = Vec::new();
        handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
        let Some(WorkerMessage::Done { plan }) = messages.last() else { panic!("{messages:?}") };
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
        let Some(WorkerMessage::Done { plan: running }) = messages.pop() else { panic!() };
        let higher = crate::examples::A100_WORKLOAD.replace(",900,", ",2900,").replace(",2500,", ",3500,");
        let mut messages = Vec::new();
        let transition = TransitionRequest { inputs: request(&higher), running: running.clone(), spare: 0 };
        handle(&Request::Transition(transition), &mut |m| messages.push(m));
        let [WorkerMessage::TransitionDone(Move { transition, target, floors, running: from, spare_allowed })] =
            messages.as_slice()
        else {
            panic!("{messages:?}")
        };
        assert_eq!((from, *spare_allowed), (&running, 0));
        assert!(target.gpu_count >= running.gpu_count);
        assert!(!transition.steps.is_empty());
        let bert = floors.iter().find(|f| f.model == "bert-base-multilingual-cased").unwrap();
        assert_eq!(bert.floor, 900.0);
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
