//! Why a plan has no whole-GPU baseline, in words naming the model: the baseline serves every
//! model on whole-GPU instances (7g), so a model with no row on the whole GPU, or none within
//! its SLO there, leaves it undefined. Native, so it is tested with the core's readers.

use migplan_core::hardware::catalog;
use migplan_core::plan::Plan;
use migplan_core::problem::input::ProfileRow;

/// Why `plan` has no whole-GPU baseline, from the profile rows it was planned with: the first
/// model without a whole-GPU capacity and why, and how many more there are.
pub fn missing(plan: &Plan, rows: &[ProfileRow]) -> String {
    let Some(spec) = catalog::gpu(&plan.gpu) else { return format!("{} is not a GPU migplan knows", plan.gpu) };
    let whole = spec.whole_gpu_profile();
    let whole_name = &spec.profiles[whole].name;
    let fastest_on_whole = |model: &str| {
        rows.iter()
            .filter(|r| {
                r.model == model
                    && r.gpu.as_deref().is_none_or(|g| g == spec.id)
                    && spec.resolve_profile(&r.profile) == Some(whole)
            })
            .map(|r| r.latency_ms)
            .min_by(f64::total_cmp)
    };
    let reasons: Vec<String> = plan
        .models
        .iter()
        .filter(|m| m.rate > 0.0)
        .filter_map(|m| match fastest_on_whole(&m.model) {
            None => Some(format!("{} has no measurement on {whole_name}, the whole GPU", m.model)),
            Some(ms) if ms > m.slo_ms => Some(format!(
                "{} misses its SLO on {whole_name}, the whole GPU (its fastest row takes {ms} ms, the SLO is {} ms)",
                m.model, m.slo_ms
            )),
            Some(_) => None,
        })
        .collect();
    match reasons.as_slice() {
        [] => "no model lacks a whole GPU in these profiles: plan again for the inputs on the page".into(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first}, and {} more models lack one", rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Inputs;
    use crate::worker::planning::Planner;
    use crate::worker::protocol::{Request, WorkerMessage};

    /// The example's plan with `bert`'s 7g rows gone, or slowed past its SLO.
    fn planned(profiles: &str) -> (Plan, Vec<ProfileRow>) {
        let mut inputs = Inputs::example();
        inputs.profiles[0].text = profiles.to_string();
        let mut plan = None;
        Planner::default().handle(&Request::Plan(inputs.request()), &mut |m| {
            if let WorkerMessage::Done { plan: p, .. } = m {
                plan = Some(p);
            }
        });
        let rows = crate::logic::profile_files::import_all(&inputs.profiles, &inputs.gpu, inputs.latency).unwrap().0;
        (plan.expect("the example plans"), rows)
    }

    #[test]
    fn a_model_without_7g_rows_or_within_its_slo_there_is_named() {
        let example = Inputs::example().profiles[0].text.clone();
        // The first line is a comment, the second the header.
        let model = example.lines().nth(2).unwrap().split(',').next().unwrap().to_string();
        let without: String = example
            .lines()
            .filter(|l| !(l.starts_with(&format!("{model},")) && l.contains(",7g")))
            .map(|l| format!("{l}\n"))
            .collect();
        let (plan, rows) = planned(&without);
        assert_eq!(plan.baseline.whole_gpus, None);
        assert_eq!(missing(&plan, &rows), format!("{model} has no measurement on 7g.40gb, the whole GPU"));
        // The example plans with a baseline: nothing to say about it.
        let (plan, mut rows) = planned(&example);
        assert!(plan.baseline.whole_gpus.is_some());
        assert!(missing(&plan, &rows).starts_with("no model lacks"));
        // Its 7g rows slower than its SLO: measured, but too slow.
        let slo = plan.models.iter().find(|m| m.model == model).unwrap().slo_ms;
        for r in rows.iter_mut().filter(|r| r.model == model && r.profile.starts_with("7g")) {
            r.latency_ms = slo + 1.0;
        }
        assert_eq!(
            missing(&plan, &rows),
            format!(
                "{model} misses its SLO on 7g.40gb, the whole GPU (its fastest row takes {} ms, the SLO is {slo} ms)",
                slo + 1.0
            )
        );
    }
}
