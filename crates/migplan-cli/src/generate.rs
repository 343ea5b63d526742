//! `migplan generate`: synthetic workloads (and a demand change) to try the planner at scale.

use std::path::PathBuf;

use clap::Args;
use migplan_core::problem::generate::{demand_change, synthetic, Change};
use migplan_core::problem::input::{profiles_csv, workload_csv};

use crate::args::{find_gpu, Failure};

#[derive(Args)]
pub struct GenerateArgs {
    #[arg(long, default_value = "a100-40gb")]
    gpu: String,
    /// How many models, 1 to 100000.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    models: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write profiles.csv and workload.csv into; created if missing.
    #[arg(long)]
    out_dir: PathBuf,
    /// Also write workload-new.csv, the demand after this change (to try `transition
    /// --workload-to`): up30, down30, added, removed or mixed.
    #[arg(long, value_parser = parse_change)]
    change: Option<Change>,
}

fn parse_change(name: &str) -> Result<Change, String> {
    let changes = [
        ("up30", Change::Up30),
        ("down30", Change::Down30),
        ("added", Change::ModelsAdded),
        ("removed", Change::ModelsRemoved),
        ("mixed", Change::Mixed),
    ];
    changes
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| c)
        .ok_or_else(|| format!("`{name}` is not a change; give up30, down30, added, removed or mixed"))
}

pub fn run(args: GenerateArgs) -> Result<(), Failure> {
    let GenerateArgs { gpu, models, seed, out_dir, change } = args;
    let gpu = find_gpu(&gpu)?;
    let mut generated = synthetic(&gpu, models as usize, seed);
    let mut new_workload = None;
    if let Some(change) = change {
        let (profiles, old, new) = demand_change(&gpu, models as usize, seed, change);
        (generated.profiles, generated.workload, new_workload) = (profiles, old, Some(new));
    }
    let write = |name: &str, text: String| {
        let path = out_dir.join(name);
        std::fs::write(&path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| Failure(format!("cannot create {}: {e}", out_dir.display())))?;
    write("profiles.csv", profiles_csv(&generated.profiles))?;
    write("workload.csv", workload_csv(&generated.workload))?;
    if let Some(new) = new_workload {
        write("workload-new.csv", workload_csv(&new))?;
    }
    Ok(())
}
