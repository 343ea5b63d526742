//! What a MIG-capable GPU and its instance profiles are, as the driver describes them.
//!
//! Each profile carries its placement rule (size in memory slots, legal starts, how many may
//! exist at once). Legal layouts are never listed: [`crate::hardware::layouts`] derives them
//! from these rules. Where no placement listing was published for a GPU, the profile is
//! marked `assumed` so users can see which facts are inferred.

use serde::Serialize;

/// The most GPUs one node may hold (`--gpus-per-node`, a plan's `cost.nodes.gpus_per_node`):
/// past any server built, so that a node count never rounds a plan away.
pub const MAX_GPUS_PER_NODE: usize = 1024;

/// What sets a profile apart from the plain profile of the same compute size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileKind {
    /// The standard profile of its size (`1g.5gb`, `3g.20gb`, ...).
    Plain,
    /// A 1-slice profile with twice the memory (`1g.10gb` on A100-40GB).
    DoubleMemory,
    /// A `+me` variant that owns the media engines; at most one per GPU.
    MediaExtensions,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileSpec {
    pub name: String,
    /// The id `nvidia-smi mig -lgip` prints, where it is known.
    pub nvidia_id: Option<u8>,
    pub kind: ProfileKind,
    /// Compute slices (the `Ng` of the name).
    pub compute: u8,
    /// Memory slots the instance occupies, from its start.
    pub memory_slots: u8,
    /// Legal first memory slots, as `nvidia-smi mig -lgipp` prints them.
    pub starts: Vec<u8>,
    pub max_count: u8,
    /// True where the placement rule is inferred, not taken from a published listing.
    pub assumed: bool,
}

impl ProfileSpec {
    /// Bit mask of the memory slots an instance placed at `start` occupies.
    pub fn slot_mask(&self, start: u8) -> u16 {
        (((1u32 << self.memory_slots) - 1) << start) as u16
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GpuSpec {
    /// Lower-case id used on the command line (`a100-40gb`).
    pub id: &'static str,
    pub name: &'static str,
    pub memory_gb: u32,
    pub compute_slices: u8,
    pub memory_slots: u8,
    /// PCI device ids, as mig-parted's `device-filter` takes them.
    pub pci_ids: Vec<&'static str>,
    pub profiles: Vec<ProfileSpec>,
}

impl GpuSpec {
    pub fn profile(&self, name: &str) -> Option<usize> {
        self.profiles.iter().position(|p| p.name == name)
    }

    /// Resolves a profile as users write it: the full name (`3g.20gb`) or the short form
    /// (`3g`), which means the plain profile of that compute size.
    pub fn resolve_profile(&self, written: &str) -> Option<usize> {
        let written = written.trim();
        if let Some(i) = self.profiles.iter().position(|p| p.name.eq_ignore_ascii_case(written)) {
            return Some(i);
        }
        let digits = written.strip_suffix(['g', 'G'])?;
        // Digits only: `parse` would also take `+3`.
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let compute: u8 = digits.parse().ok()?;
        self.profiles.iter().position(|p| p.kind == ProfileKind::Plain && p.compute == compute)
    }

    /// The whole-GPU profile (`7g.40gb`, `4g.24gb` on A30).
    pub fn whole_gpu_profile(&self) -> usize {
        self.profiles
            .iter()
            .position(|p| p.kind == ProfileKind::Plain && p.compute == self.compute_slices)
            .expect("every catalog GPU has a whole-GPU profile")
    }

    /// True when any profile's placement on this GPU is assumed rather than published.
    pub fn placements_assumed(&self) -> bool {
        self.profiles.iter().any(|p| p.assumed)
    }
}
