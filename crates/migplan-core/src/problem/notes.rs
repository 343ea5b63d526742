//! What is accepted but worth a word: rows that repeat a measurement with other figures, and
//! profile names that mean something else on another GPU. Said once each, never an error.

use std::collections::{HashMap, HashSet};

use crate::hardware::catalog::all_gpus;
use crate::hardware::spec::{GpuSpec, ProfileKind};
use crate::problem::input::{InputError, ProfileRow};

/// The notes on `profiles` read for `gpu`.
pub fn notes(gpu: &GpuSpec, profiles: &[ProfileRow]) -> Vec<InputError> {
    // Rows measured on another GPU type are not this GPU's: planning leaves them out.
    let own: Vec<&ProfileRow> = profiles.iter().filter(|r| r.gpu.as_deref().is_none_or(|t| t == gpu.id)).collect();
    let mut notes = Vec::new();
    notes.extend(repeated_measurements(&own));
    notes.extend(names_of_another_gpu(gpu, &own));
    notes
}

/// One note when rows repeat a model, profile, batch and processes with other figures:
/// fine for operating points (concurrency levels), but the user should know the best
/// row within the SLO is the one used.
fn repeated_measurements(profiles: &[&ProfileRow]) -> Option<InputError> {
    // Profile names in any case as one, numbered once each: a row's key then allocates nothing.
    let mut profile_ids: HashMap<&str, usize> = HashMap::new();
    let mut lower_ids: HashMap<String, usize> = HashMap::new();
    // Rows of one model run through the same few profiles: one lookup per change of name.
    let mut ids: Vec<usize> = Vec::with_capacity(profiles.len());
    let mut last: Option<(&str, usize)> = None;
    for row in profiles {
        let id = match last {
            Some((name, id)) if name == row.profile => id,
            _ => match profile_ids.get(row.profile.as_str()) {
                Some(&id) => id,
                None => {
                    let next = lower_ids.len();
                    let id = *lower_ids.entry(row.profile.to_ascii_lowercase()).or_insert(next);
                    profile_ids.insert(&row.profile, id);
                    id
                }
            },
        };
        last = Some((&row.profile, id));
        ids.push(id);
    }
    // Each model's rows (with their place), gathered by the runs a file lists them in: only
    // rows of one model can repeat each other, so each model is checked in a small map.
    let mut by_model: HashMap<&str, Vec<(usize, &ProfileRow)>> = HashMap::new();
    let mut at = 0;
    for run in profiles.chunk_by(|a, b| a.model == b.model) {
        by_model.entry(&run[0].model).or_default().extend(run.iter().enumerate().map(|(i, &r)| (at + i, r)));
        at += run.len();
    }
    let mut count = 0;
    // The repeat met first in the file, and the row it repeats.
    let mut first_conflict: Option<(usize, &ProfileRow, &ProfileRow)> = None;
    // A model's few dozen rows are searched in a list; a model of very many rows in a map.
    let mut first: HashMap<(usize, u32, u32), &ProfileRow> = HashMap::new();
    let mut few: Vec<((usize, u32, u32), &ProfileRow)> = Vec::new();
    for rows in by_model.values() {
        first.clear();
        few.clear();
        for &(at, row) in rows {
            let key = (ids[at], row.batch, row.processes);
            let earlier = if rows.len() <= 64 {
                let found = few.iter().find(|(k, _)| *k == key).map(|&(_, r)| r);
                if found.is_none() {
                    few.push((key, row));
                }
                found
            } else {
                let found = first.get(&key).copied();
                first.entry(key).or_insert(row);
                found
            };
            if let Some(earlier) = earlier {
                if (earlier.latency_ms, earlier.throughput) != (row.latency_ms, row.throughput) {
                    count += 1;
                    if first_conflict.is_none_or(|(k, _, _)| at < k) {
                        first_conflict = Some((at, earlier, row));
                    }
                }
            }
        }
    }
    let conflicts: Vec<(&ProfileRow, &ProfileRow)> =
        first_conflict.map(|(_, earlier, later)| (earlier, later)).into_iter().collect();
    let &(earlier, later) = conflicts.first()?;
    Some(
        InputError::at(
            &later.loc,
            None,
            format!(
                "{} row{} repeat a model, profile, batch and processes with other figures (first: `{}` on {} at \
                 batch {}, lines {} and {})",
                count,
                if count == 1 { "" } else { "s" },
                later.model,
                later.profile,
                later.batch,
                earlier.loc.line,
                later.loc.line
            ),
        )
        .with_hint("fine for operating points such as concurrency levels: each model uses the best row within its SLO"),
    )
}

/// A note for each profile name that is a variant (double memory, `+me`) on `gpu` but the
/// plain profile of another GPU: `1g.10gb` is A100-40GB's double-memory 1g and A100-80GB's
/// plain 1g, so rows measured on the 80GB card would plan the wrong instance here.
fn names_of_another_gpu(gpu: &GpuSpec, profiles: &[&ProfileRow]) -> Vec<InputError> {
    let others = all_gpus();
    let mut written: HashSet<&str> = HashSet::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut notes = Vec::new();
    for &row in profiles {
        // Each spelling once, then each name in any case once.
        if !written.insert(&row.profile) {
            continue;
        }
        let name = row.profile.to_ascii_lowercase();
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(here) = gpu.profiles.iter().find(|p| p.name.eq_ignore_ascii_case(&name)) else { continue };
        if here.kind == ProfileKind::Plain {
            continue;
        }
        let plain_elsewhere: Vec<&str> = others
            .iter()
            .filter(|g| g.id != gpu.id)
            .filter(|g| g.profiles.iter().any(|p| p.kind == ProfileKind::Plain && p.name.eq_ignore_ascii_case(&name)))
            .map(|g| g.id)
            .collect();
        if !plain_elsewhere.is_empty() {
            notes.push(
                InputError::at(
                    &row.loc,
                    Some("profile"),
                    format!(
                        "`{}` is a {} variant on {} ({} memory slots) but the plain {}g of {}",
                        row.profile,
                        if here.kind == ProfileKind::DoubleMemory { "double-memory" } else { "media" },
                        gpu.id,
                        here.memory_slots,
                        here.compute,
                        plain_elsewhere.join(", ")
                    ),
                )
                .with_hint(format!("if these rows were measured on {}, plan for that GPU", plain_elsewhere[0])),
            );
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog::gpu;
    use crate::problem::input::parse_profiles;

    #[test]
    fn repeated_measurements_are_noted_once_with_their_lines() {
        let text = "model,profile,batch,latency_ms,throughput\nbert,3g,16,20,700\nbert,3g,16,25,760\nbert,3g,16,30,790\nbert,3g,16,20,700\n";
        let notes = notes(&gpu("a100-40gb").unwrap(), &parse_profiles("p.csv", text).unwrap());
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].message.starts_with("2 rows repeat"), "{}", notes[0]);
        assert!(notes[0].message.contains("lines 2 and 3"), "{}", notes[0]);
    }

    #[test]
    fn an_80gb_plain_name_on_a_40gb_gpu_is_noted() {
        let text = "model,profile,batch,latency_ms,throughput\nbert,1g.10gb,16,20,700\n";
        let rows = parse_profiles("p.csv", text).unwrap();
        let notes = notes(&gpu("a100-40gb").unwrap(), &rows);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].message.contains("a100-80gb"), "{}", notes[0]);
        assert!(super::notes(&gpu("a100-80gb").unwrap(), &rows).is_empty());
    }
}
