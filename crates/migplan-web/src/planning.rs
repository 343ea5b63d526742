//! What the worker does with a request: parse, build the problem, run the chosen solver and
//! report. Plain Rust, so it is tested natively; the worker binary only wires it to messages.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::catalog;
use migplan_core::input::{parse_profiles, parse_workload, InputError};
use migplan_core::plan::{Plan, SolverInfo};
use migplan_core::problem::Problem;
use migplan_core::solver::{run, Budget, RunOptions, SolverKind};

use crate::protocol::{PlanRequest, WorkerMessage};

fn failure(message: String, hint: &str) -> WorkerMessage {
    WorkerMessage::Failed {
        errors: vec![InputError { file: String::new(), line: None, column: None, message, hint: Some(hint.into()) }],
    }
}

/// Answers `request`, sending every message through `emit`; the last one is `Done` or
/// `Failed`.
pub fn handle(request: &PlanRequest, emit: &mut dyn FnMut(WorkerMessage)) {
    let Some(gpu) = catalog::gpu(&request.gpu) else {
        return emit(failure(format!("unknown GPU `{}`", request.gpu), "pick a GPU from the list"));
    };
    let Some(solver) = SolverKind::parse(&request.solver) else {
        return emit(failure(format!("unknown solver `{}`", request.solver), "pick a solver from the list"));
    };
    let profiles = parse_profiles(&request.profiles_name, &request.profiles_text);
    let workload = parse_workload(&request.workload_name, &request.workload_text);
    let (profiles, workload) = match (profiles, workload) {
        (Ok(p), Ok(w)) => (p, w),
        (p, w) => {
            let mut errors = p.err().map(|e| e.0).unwrap_or_default();
            errors.extend(w.err().map(|e| e.0).unwrap_or_default());
            return emit(WorkerMessage::Failed { errors });
        }
    };
    let problem = match Problem::build(&gpu, &profiles, &workload) {
        Ok(p) => p,
        Err(e) => return emit(WorkerMessage::Failed { errors: e.0 }),
    };
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
        handle(&request(crate::examples::A100_WORKLOAD), &mut |m| messages.push(m));
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
        handle(&request("model,rate,slo_ms\nbert-base-multilingual-cased,lots,60\n"), &mut |m| messages.push(m));
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
        assert_eq!((errors[0].line, errors[0].column.as_deref()), (Some(2), Some("rate")));
    }

    #[test]
    fn messages_round_trip_as_json() {
        let mut messages = Vec::new();
        handle(&request(crate::examples::A100_WORKLOAD), &mut |m| messages.push(m));
        for m in messages {
            let text = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<WorkerMessage>(&text).unwrap(), m);
        }
    }
}
