//! Every unit conversion the importers make, in one place: latencies to milliseconds,
//! per-process throughput to the instance's total, and the ways profilers name a MIG profile
//! (compute slices, `nvidia-smi` profile ids) to the profile names migplan reads.
//!
//! Results are rounded to 1e-6 of their unit so that `0.013 s` becomes `13 ms`, not
//! `13.000000000000002 ms`, in the CSV `migplan import` writes.

use crate::hardware::catalog::all_gpus;
use crate::hardware::spec::{GpuSpec, ProfileKind};

/// Rounds away the binary noise of a conversion (to 1e-6); huge values are left alone.
fn tidy(x: f64) -> f64 {
    let scaled = (x * 1e6).round() / 1e6;
    if scaled.is_finite() {
        scaled
    } else {
        x
    }
}

/// perf_analyzer's latencies: microseconds to milliseconds.
pub fn microseconds_to_ms(us: f64) -> f64 {
    tidy(us / 1000.0)
}

/// ParvaGPU's latencies: seconds to milliseconds.
pub fn seconds_to_ms(s: f64) -> f64 {
    tidy(s * 1000.0)
}

/// Model Analyzer's and MIGPerf's latencies are already milliseconds.
pub fn milliseconds(ms: f64) -> f64 {
    ms
}

/// ParvaGPU's throughput is one MPS process's; the contract's `throughput` is the
/// instance's total, `processes` times as much.
pub fn per_process_to_instance(per_process: f64, processes: u32) -> f64 {
    tidy(per_process * f64::from(processes))
}

/// A profile given by its compute slices (ParvaGPU's `Mig instance`): the GPU's plain
/// profile of that size, or the short form `Ng` when no GPU was named (migplan resolves it
/// against the planning GPU). `None`: the GPU has no plain profile of that size.
pub fn profile_of_slices(gpu: Option<&GpuSpec>, slices: u32) -> Option<String> {
    let compute = u8::try_from(slices).ok().filter(|&c| c > 0)?;
    match gpu {
        Some(g) => {
            g.profiles.iter().find(|p| p.kind == ProfileKind::Plain && p.compute == compute).map(|p| p.name.clone())
        }
        None if compute <= 8 => Some(format!("{compute}g")),
        None => None,
    }
}

/// The compute slices of the plain profiles on 7-slice GPUs, by `nvidia-smi mig -lgip` id
/// (mig-hardware.md: 19, 14, 9, 5, 0 = 1g, 2g, 3g, 4g, 7g on A100, H100, H200, B200).
const SEVEN_SLICE_IDS: [(u8, u8); 5] = [(19, 1), (14, 2), (9, 3), (5, 4), (0, 7)];

/// A profile given by its `nvidia-smi` id (MIGPerf's `_MIG_profile_<id>`): that GPU's
/// profile with the id, or without a GPU the short form of the 7-slice GPUs' plain profile.
pub fn profile_of_nvidia_id(gpu: Option<&GpuSpec>, id: u8) -> Option<String> {
    match gpu {
        Some(g) => g.profiles.iter().find(|p| p.nvidia_id == Some(id)).map(|p| p.name.clone()),
        None => SEVEN_SLICE_IDS.iter().find(|(i, _)| *i == id).map(|(_, c)| format!("{c}g")),
    }
}

/// A profile given by its memory in GB (MIGPerf's `instance_memory` column and `_10g_` in
/// its file names): that GPU's plain profile of that memory with the fewest compute slices
/// (A100-40GB's 20 GB is `3g.20gb`, not `4g.20gb`: MIGPerf ran no 4g instances). `None`:
/// no GPU named, or none of its plain profiles has that memory.
pub fn profile_of_memory(gpu: Option<&GpuSpec>, gb: u32) -> Option<String> {
    let memory_of = |name: &str| name.split_once('.')?.1.strip_suffix("gb")?.parse::<u32>().ok();
    gpu?.profiles
        .iter()
        .filter(|p| p.kind == ProfileKind::Plain && memory_of(&p.name) == Some(gb))
        .min_by_key(|p| p.compute)
        .map(|p| p.name.clone())
}

/// Whether `written` names a MIG profile of some GPU migplan knows, in full (`3g.20gb`) or
/// in the short form (`3g`): which GPU's is for the planner to say, since a mixed fleet's
/// files name several GPUs' profiles. `Err` says why not.
pub fn known_profile(written: &str) -> Result<(), String> {
    if all_gpus().iter().any(|g| g.resolve_profile(written).is_some()) {
        Ok(())
    } else {
        Err(format!("`{written}` is not a MIG profile of any GPU migplan knows"))
    }
}

/// The hint for a profile [`known_profile`] refuses.
pub const PROFILE_HINT: &str = "write a profile as `migplan gpus` lists it (3g.20gb), or its short form (3g)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog::gpu;

    #[test]
    fn microseconds_become_milliseconds() {
        assert_eq!(microseconds_to_ms(21018.0), 21.018);
        assert_eq!(microseconds_to_ms(4600.0), 4.6);
        assert_eq!(microseconds_to_ms(1.0), 0.001);
    }

    #[test]
    fn seconds_become_milliseconds() {
        assert_eq!(seconds_to_ms(0.013), 13.0);
        assert_eq!(seconds_to_ms(0.019), 19.0);
        assert_eq!(seconds_to_ms(1.5), 1500.0);
    }

    #[test]
    fn milliseconds_stay_milliseconds() {
        assert_eq!(milliseconds(0.5), 0.5);
        assert_eq!(milliseconds(20.7), 20.7);
    }

    #[test]
    fn per_process_throughput_becomes_the_instance_total() {
        assert_eq!(per_process_to_instance(74.408, 1), 74.408);
        assert_eq!(per_process_to_instance(52.42, 2), 104.84);
        assert_eq!(per_process_to_instance(39.917, 3), 119.751);
    }

    #[test]
    fn compute_slices_become_the_gpus_plain_profile() {
        let a100 = gpu("a100-80gb").unwrap();
        let names: Vec<_> = [1, 2, 3, 4, 7].iter().map(|&s| profile_of_slices(Some(&a100), s).unwrap()).collect();
        assert_eq!(names, ["1g.10gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"]);
        assert_eq!(profile_of_slices(Some(&a100), 5), None);
        assert_eq!(profile_of_slices(None, 3).as_deref(), Some("3g"));
        assert_eq!(profile_of_slices(None, 0), None);
    }

    #[test]
    fn only_profiles_some_gpu_has_are_known() {
        for known in ["3g.20gb", "1g.10gb+me", "7G", "4g.24gb", "1g"] {
            assert_eq!(known_profile(known), Ok(()), "{known}");
        }
        for unknown in ["9g", "9g.99gb", "-1", "0g", "+3g", "", "b"] {
            assert!(known_profile(unknown).is_err(), "{unknown}");
        }
    }

    #[test]
    fn memory_becomes_the_plain_profile_with_the_fewest_slices() {
        let a100 = gpu("a100-40gb").unwrap();
        let names: Vec<_> = [5, 10, 20, 40].iter().map(|&m| profile_of_memory(Some(&a100), m).unwrap()).collect();
        assert_eq!(names, ["1g.5gb", "2g.10gb", "3g.20gb", "7g.40gb"]);
        let a100_80 = gpu("a100-80gb").unwrap();
        let names: Vec<_> = [10, 20, 40, 80].iter().map(|&m| profile_of_memory(Some(&a100_80), m).unwrap()).collect();
        assert_eq!(names, ["1g.10gb", "2g.20gb", "3g.40gb", "7g.80gb"]);
        assert_eq!(profile_of_memory(Some(&a100), 15), None);
        assert_eq!(profile_of_memory(None, 10), None);
    }

    #[test]
    fn nvidia_ids_become_profile_names() {
        let a100 = gpu("a100-40gb").unwrap();
        let names: Vec<_> = [19, 14, 9, 0].iter().map(|&i| profile_of_nvidia_id(Some(&a100), i).unwrap()).collect();
        assert_eq!(names, ["1g.5gb", "2g.10gb", "3g.20gb", "7g.40gb"]);
        let a100_80 = gpu("a100-80gb").unwrap();
        assert_eq!(profile_of_nvidia_id(Some(&a100_80), 19).as_deref(), Some("1g.10gb"));
        assert_eq!(profile_of_nvidia_id(None, 9).as_deref(), Some("3g"));
        assert_eq!(profile_of_nvidia_id(None, 15), None);
    }
}
