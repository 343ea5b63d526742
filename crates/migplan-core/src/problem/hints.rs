//! The hints of the errors `Problem::build` reports: what a GPU's profiles are called, which
//! other GPU some rows were measured on, which measured model a missing one resembles.

use crate::hardware::catalog::all_gpus;
use crate::hardware::fleet::Fleet;
use crate::hardware::spec::{GpuSpec, ProfileKind};
use crate::problem::input::{InputError, ProfileRow, WorkloadRow};

fn short_forms(gpu: &GpuSpec) -> String {
    let mut sizes: Vec<u8> = gpu.profiles.iter().filter(|p| p.kind == ProfileKind::Plain).map(|p| p.compute).collect();
    sizes.dedup();
    sizes.iter().map(|c| format!("{c}g")).collect::<Vec<_>>().join(", ")
}

/// The one other catalog GPU that has every one of `names` as a profile, if exactly one
/// does: the GPU the rows were most likely measured on.
fn other_gpu_of<'a>(gpu: &GpuSpec, names: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let names: Vec<&str> = names.collect();
    if names.is_empty() {
        return None;
    }
    let fits: Vec<&'static str> = all_gpus()
        .into_iter()
        .filter(|g| g.id != gpu.id && names.iter().all(|n| g.profiles.iter().any(|p| p.name.eq_ignore_ascii_case(n))))
        .map(|g| g.id)
        .collect();
    // Profile names are shared by GPUs of one memory size (A100-80GB and H100-80GB): name the
    // first when they all fit.
    fits.first().copied()
}

/// The error of a workload model without rows for the fleet: its rows are all another GPU
/// type's (`elsewhere`: the first), or it has none, and which measured models it resembles.
pub(super) fn no_rows(w: &WorkloadRow, known: &[&str], elsewhere: Option<&ProfileRow>, fleet: &Fleet) -> InputError {
    let Some(row) = elsewhere else {
        return InputError::at(&w.loc, Some("model"), format!("model `{}` has no rows in the profiles", w.model))
            .with_hint(similar_models(&w.model, known));
    };
    let other = row.gpu.as_deref().unwrap_or_default();
    let planned: Vec<&str> = fleet.types().iter().map(|t| t.spec.id).collect();
    let planned = planned.join(" or ");
    InputError::at(
        &w.loc,
        Some("model"),
        format!(
            "model `{}` has rows measured on {other} only (first: {}), none for {planned}, which this plan is for",
            w.model, row.loc
        ),
    )
    .with_hint(format!(
        "give --gpu {other} too, or rows measured on {planned} (on the page: choose {other} as the GPU or add it to \
         the capacity panel's GPU types; if these rows were measured on {planned}, say so in the file's Measured on)"
    ))
}

/// A hint for a model with no rows: the measured models whose names contain it or it theirs.
fn similar_models(model: &str, known: &[&str]) -> String {
    let lower = model.to_ascii_lowercase();
    let close: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| {
            let k = k.to_ascii_lowercase();
            k.contains(&lower) || lower.contains(&k)
        })
        .collect();
    if !close.is_empty() {
        format!("did you mean {}?", close.join(" or "))
    } else if known.is_empty() {
        "the profiles file has no rows".to_string()
    } else if known.len() <= 10 {
        format!("the profiles cover {}", known.join(", "))
    } else {
        format!("the profiles cover {} and {} more", known[..10].join(", "), known.len() - 10)
    }
}

/// One error per profile name that rows use but their GPU lacks (`gpu`: the first planned),
/// with the lines and, when one other catalog GPU has them all, that GPU.
pub(super) fn unknown_profiles(gpu: &GpuSpec, unknown: &[(&str, &GpuSpec, Vec<&ProfileRow>)]) -> Vec<InputError> {
    let mut found = Vec::new();
    let guess = other_gpu_of(gpu, unknown.iter().map(|(name, _, _)| *name));
    for (name, gpu, rows) in unknown {
        let lines: Vec<String> = rows.iter().take(5).map(|r| r.loc.line.to_string()).collect();
        let more = if rows.len() > 5 { format!(" and {} more", rows.len() - 5) } else { String::new() };
        let message = if rows.len() == 1 {
            format!("`{name}` is not a MIG profile of {}", gpu.id)
        } else {
            format!(
                "`{name}` is not a MIG profile of {} ({} rows: lines {}{more})",
                gpu.id,
                rows.len(),
                lines.join(", ")
            )
        };
        let mut hint = format!(
            "{} has {}; the short forms {} mean its plain profiles",
            gpu.id,
            gpu.profiles.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "),
            short_forms(gpu)
        );
        if let Some(other) = guess {
            hint = format!(
                "these profiles are {other}'s: give --gpu {other} (on the page: choose {other} as the GPU)? ({hint})"
            );
        }
        found.push(InputError::at(&rows[0].loc, Some("profile"), message).with_hint(hint));
    }
    found
}
