//! `nvidia-smi mig -lgi`: the GPU instances a node holds, with their exact placements.
//!
//! A row reads `|   0  MIG 3g.40gb          9        2          4:4     |`: GPU index, profile
//! name, profile id, instance id, and the placement as `start:size` in memory slots. Rows
//! are matched by shape, so the box's width and the separators between rows do not matter.

use crate::cluster::located::file_error;
use crate::problem::input::InputErrors;

/// One GPU instance as `nvidia-smi mig -lgi` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpuInstance {
    pub gpu: usize,
    pub profile: String,
    pub profile_id: u8,
    pub start: u8,
    pub size: u8,
    pub line: u64,
}

/// The instances of an `nvidia-smi mig -lgi` output. Output with no instance table (an error
/// of nvidia-smi, another listing) is refused rather than read as no instances.
pub fn read(file: &str, text: &str) -> Result<Vec<GpuInstance>, InputErrors> {
    let refuse = |line: Option<u64>, message: String| {
        let hint = "pass the output of `nvidia-smi mig -lgi` run on that node (in its driver or MIG manager pod)";
        InputErrors::from(file_error(file, line, None, message, hint))
    };
    if !text.contains("GPU instances:") {
        if text.contains("No GPU instances found") || text.contains("No MIG-enabled devices found") {
            return Ok(Vec::new());
        }
        return Err(refuse(Some(1), "no `GPU instances:` table: not the output of `nvidia-smi mig -lgi`".into()));
    }
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split_whitespace().collect();
        let [gpu, "MIG", profile, profile_id, _instance, placement] = cells[..] else { continue };
        let Ok(gpu) = gpu.parse::<usize>() else { continue };
        let parsed = (profile_id.parse::<u8>(), placement.split_once(':'));
        let (Ok(profile_id), Some((start, size))) = parsed else {
            return Err(refuse(Some(n as u64 + 1), format!("cannot read the row `{}`", line.trim())));
        };
        let (Ok(start), Ok(size)) = (start.parse::<u8>(), size.parse::<u8>()) else {
            return Err(refuse(Some(n as u64 + 1), format!("placement `{placement}` is not start:size")));
        };
        found.push(GpuInstance { gpu, profile: profile.to_string(), profile_id, start, size, line: n as u64 + 1 });
    }
    Ok(found)
}
