//! Every GPU migplan knows, built from the placement tables of mig-hardware.md.
//!
//! Sources, per fact:
//! - Placements (legal starts, sizes, max counts): NVIDIA's MIG User Guide ("Supported MIG
//!   Profiles") and `nvidia-smi mig -lgipp` listings quoted in mig-hardware.md, published for
//!   A100, A30, H100-80GB and H100 NVL. Every other GPU is marked `assumed`: its profiles
//!   have the same ids and memory fractions, but no placement listing was found. The mock
//!   tables of NVIDIA/go-nvml (pkg/nvml/mock/gpus, @2f9e261) give names, memory and counts for
//!   H200 and B200 but their H100/H200/B200 placements are in compute slices (a 3g of size 3,
//!   a double-memory 1g of size 1), which disagrees with the published H100 listing, so they
//!   do not lift the `assumed` flag.
//! - Profile names and PCI device ids: NVIDIA/mig-parted `deployments/systemd/config-default.yaml`
//!   @bd7160f (its `device-filter` lists, and the comment above each naming the boards).
//! - GB200: mig-parted commit ebab1f7 ("Use the correct mig partion settings for the GB200",
//!   2025-08-07) replaced 1g.24gb/3g.95gb/4g.95gb/7g.189gb by the production boards'
//!   1g.23gb/3g.93gb/4g.93gb/7g.186gb; the earlier names stay as `gb200-189gb`, the
//!   pre-production boards. GB300: commit 7544911 ("add the mig profiles for GB300",
//!   2025-10-08, device 0x31C210DE). B300: commit 47c56d9 ("add support for the B300 GPU
//!   node", 2025-10-06, device 0x318210DE). H20: config-default's all-balanced entry for
//!   "H100-96GB, PG506-96GB, GH200, H20" (same names as H100 96GB); 0x232910DE is taken as the
//!   H20's id of that list.

use crate::hardware::spec::{GpuSpec, ProfileKind, ProfileSpec};

/// One row of a placement table: profile id, kind, compute, memory slots, max count, legal
/// starts.
type PlacementRow = (u8, ProfileKind, u8, u8, u8, &'static [u8]);

/// The placement table shared by every 7-slice GPU (mig-hardware.md), in the order of the
/// names `seven_slice` takes: 1g, 1g+me, 1g double memory, 2g, 3g, 4g, 7g.
const SEVEN_SLICE_TABLE: [PlacementRow; 7] = [
    (19, ProfileKind::Plain, 1, 1, 7, &[0, 1, 2, 3, 4, 5, 6]),
    (20, ProfileKind::MediaExtensions, 1, 1, 1, &[0, 1, 2, 3, 4, 5, 6]),
    (15, ProfileKind::DoubleMemory, 1, 2, 4, &[0, 2, 4, 6]),
    (14, ProfileKind::Plain, 2, 2, 3, &[0, 2, 4]),
    (9, ProfileKind::Plain, 3, 4, 2, &[0, 4]),
    (5, ProfileKind::Plain, 4, 4, 1, &[0]),
    (0, ProfileKind::Plain, 7, 8, 1, &[0]),
];

/// A 4-slice GPU (A30 style): 1g x4 at any slot, `+me` of 1g and 2g at most once, 2g x2 at 0
/// or 2, 4g whole; in the order of the names `four_slice` takes: 1g, 1g+me, 2g, 2g+me, 4g.
const FOUR_SLICE_TABLE: [(ProfileKind, u8, u8, &[u8]); 5] = [
    (ProfileKind::Plain, 1, 4, &[0, 1, 2, 3]),
    (ProfileKind::MediaExtensions, 1, 1, &[0, 1, 2, 3]),
    (ProfileKind::Plain, 2, 2, &[0, 2]),
    (ProfileKind::MediaExtensions, 2, 1, &[0, 2]),
    (ProfileKind::Plain, 4, 1, &[0]),
];

/// What a catalog entry says beyond its profiles.
struct Board {
    id: &'static str,
    name: &'static str,
    memory_gb: u32,
    pci_ids: &'static [&'static str],
    assumed: bool,
}

/// `names`: the profile names in the table's order, separated by spaces, `-` where the GPU
/// has no such profile.
fn names(names: &'static str) -> impl Iterator<Item = Option<&'static str>> {
    names.split_whitespace().map(|n| (n != "-").then_some(n))
}

/// A profile's placement rule: kind, compute slices, memory slots, max count, legal starts.
type Rule<'a> = (ProfileKind, u8, u8, u8, &'a [u8]);

fn profile(
    name: &str,
    nvidia_id: Option<u8>,
    (kind, compute, memory_slots, max_count, starts): Rule,
    assumed: bool,
) -> ProfileSpec {
    ProfileSpec {
        name: name.to_string(),
        nvidia_id,
        kind,
        compute,
        memory_slots,
        starts: starts.to_vec(),
        max_count,
        assumed,
    }
}

fn seven_slice(b: Board, profile_names: &'static str) -> GpuSpec {
    let profiles = SEVEN_SLICE_TABLE
        .iter()
        .zip(names(profile_names))
        .filter_map(|(&(id, kind, compute, slots, max, starts), name)| {
            Some(profile(name?, Some(id), (kind, compute, slots, max, starts), b.assumed))
        })
        .collect();
    GpuSpec {
        id: b.id,
        name: b.name,
        memory_gb: b.memory_gb,
        compute_slices: 7,
        memory_slots: 8,
        pci_ids: b.pci_ids.to_vec(),
        profiles,
    }
}

/// `ids`: the profile ids `nvidia-smi` prints, where known, in the table's order.
fn four_slice(b: Board, profile_names: &'static str, ids: [Option<u8>; 5]) -> GpuSpec {
    let profiles = FOUR_SLICE_TABLE
        .iter()
        .zip(names(profile_names).zip(ids))
        .filter_map(|(&(kind, compute, max, starts), (name, id))| {
            Some(profile(name?, id, (kind, compute, compute, max, starts), b.assumed))
        })
        .collect();
    GpuSpec {
        id: b.id,
        name: b.name,
        memory_gb: b.memory_gb,
        compute_slices: 4,
        memory_slots: 4,
        pci_ids: b.pci_ids.to_vec(),
        profiles,
    }
}

const A100_40GB_PCI: &[&str] = &["0x20B010DE", "0x20B110DE", "0x20F110DE", "0x20F610DE"];
/// mig-parted gives A100-80GB, A800-80GB, H100-80GB and H800-80GB one `device-filter` list.
const EIGHTY_GB_PCI: &[&str] =
    &["0x233010DE", "0x233110DE", "0x232210DE", "0x20B210DE", "0x20B510DE", "0x20F310DE", "0x20F510DE", "0x232410DE"];

/// Every GPU migplan knows, in a stable order (new boards are added at the end, so that the
/// first GPU having some profile names stays the same).
pub fn all_gpus() -> Vec<GpuSpec> {
    let board = |id, name, memory_gb, pci_ids, assumed| Board { id, name, memory_gb, pci_ids, assumed };
    vec![
        seven_slice(
            board("a100-40gb", "NVIDIA A100 40GB (SXM4, PCIe)", 40, A100_40GB_PCI, false),
            "1g.5gb 1g.5gb+me 1g.10gb 2g.10gb 3g.20gb 4g.20gb 7g.40gb",
        ),
        seven_slice(
            board("a100-80gb", "NVIDIA A100 80GB (SXM4, PCIe)", 80, EIGHTY_GB_PCI, false),
            "1g.10gb 1g.10gb+me 1g.20gb 2g.20gb 3g.40gb 4g.40gb 7g.80gb",
        ),
        four_slice(
            board("a30-24gb", "NVIDIA A30 24GB", 24, &["0x20B710DE"], false),
            "1g.6gb 1g.6gb+me 2g.12gb 2g.12gb+me 4g.24gb",
            [Some(14), Some(21), Some(5), Some(6), Some(0)],
        ),
        seven_slice(
            board("h100-80gb", "NVIDIA H100 80GB (SXM5, PCIe)", 80, EIGHTY_GB_PCI, false),
            "1g.10gb 1g.10gb+me 1g.20gb 2g.20gb 3g.40gb 4g.40gb 7g.80gb",
        ),
        seven_slice(
            board("h100-94gb", "NVIDIA H100 NVL 94GB", 94, &["0x232110DE", "0x233A10DE"], false),
            "1g.12gb 1g.12gb+me 1g.24gb 2g.24gb 3g.47gb 4g.47gb 7g.94gb",
        ),
        seven_slice(
            board("h100-96gb", "NVIDIA H100 96GB (GH200 96GB)", 96, &["0x234210DE", "0x233D10DE", "0x20B610DE"], true),
            "1g.12gb 1g.12gb+me 1g.24gb 2g.24gb 3g.48gb 4g.48gb 7g.96gb",
        ),
        seven_slice(
            board("h200-141gb", "NVIDIA H200 141GB (SXM, NVL)", 141, &["0x233510DE", "0x233B10DE"], true),
            "1g.18gb 1g.18gb+me 1g.35gb 2g.35gb 3g.71gb 4g.71gb 7g.141gb",
        ),
        seven_slice(
            board("gh200-144gb", "NVIDIA GH200 144GB HBM3e", 144, &["0x234810DE"], true),
            "1g.18gb 1g.18gb+me 1g.36gb 2g.36gb 3g.72gb 4g.72gb 7g.144gb",
        ),
        seven_slice(
            board("b200-180gb", "NVIDIA B200 180GB", 180, &["0x290110DE"], true),
            "1g.23gb 1g.23gb+me 1g.45gb 2g.45gb 3g.90gb 4g.90gb 7g.180gb",
        ),
        seven_slice(
            board("gb200-189gb", "NVIDIA GB200 189GB (pre-production boards)", 189, &["0x294110DE"], true),
            "1g.24gb - 1g.47gb 2g.47gb 3g.95gb 4g.95gb 7g.189gb",
        ),
        four_slice(
            board("rtx-pro-6000-96gb", "NVIDIA RTX PRO 6000 Blackwell 96GB", 96, &["0x2BB510DE"], true),
            "1g.24gb - 2g.48gb - 4g.96gb",
            [None; 5],
        ),
        seven_slice(
            board("gb200-186gb", "NVIDIA GB200 186GB (production boards)", 186, &["0x294110DE"], true),
            "1g.23gb 1g.23gb+me 1g.47gb 2g.47gb 3g.93gb 4g.93gb 7g.186gb",
        ),
        seven_slice(
            board("gb300-278gb", "NVIDIA GB300 278GB", 278, &["0x31C210DE"], true),
            "1g.35gb 1g.35gb+me 1g.70gb 2g.70gb 3g.139gb 4g.139gb 7g.278gb",
        ),
        seven_slice(
            board("b300-269gb", "NVIDIA B300 269GB", 269, &["0x318210DE"], true),
            "1g.34gb 1g.34gb+me 1g.67gb 2g.67gb 3g.135gb 4g.135gb 7g.269gb",
        ),
        seven_slice(
            board("h20-96gb", "NVIDIA H20 96GB", 96, &["0x232910DE"], true),
            "1g.12gb 1g.12gb+me 1g.24gb 2g.24gb 3g.48gb 4g.48gb 7g.96gb",
        ),
    ]
}

/// Looks a GPU up by its id, case-insensitively.
pub fn gpu(id: &str) -> Option<GpuSpec> {
    all_gpus().into_iter().find(|g| g.id.eq_ignore_ascii_case(id.trim()))
}

/// The ids of all GPUs, for error messages.
pub fn gpu_ids() -> Vec<&'static str> {
    all_gpus().iter().map(|g| g.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb200_production_boards_and_gb300_are_listed_with_their_profiles() {
        let names = |id: &str| -> Vec<String> { gpu(id).unwrap().profiles.into_iter().map(|p| p.name).collect() };
        assert_eq!(
            names("gb200-186gb"),
            ["1g.23gb", "1g.23gb+me", "1g.47gb", "2g.47gb", "3g.93gb", "4g.93gb", "7g.186gb"]
        );
        assert_eq!(names("gb200-189gb"), ["1g.24gb", "1g.47gb", "2g.47gb", "3g.95gb", "4g.95gb", "7g.189gb"]);
        assert_eq!(
            names("gb300-278gb"),
            ["1g.35gb", "1g.35gb+me", "1g.70gb", "2g.70gb", "3g.139gb", "4g.139gb", "7g.278gb"]
        );
        let gb300 = gpu("gb300-278gb").unwrap();
        assert_eq!(gb300.profiles[gb300.profile("1g.70gb").unwrap()].kind, ProfileKind::DoubleMemory);
        assert_eq!(gb300.pci_ids, ["0x31C210DE"]);
    }

    #[test]
    fn only_gpus_with_a_published_placement_listing_are_not_assumed() {
        let published: Vec<&str> = all_gpus().iter().filter(|g| !g.placements_assumed()).map(|g| g.id).collect();
        assert_eq!(published, ["a100-40gb", "a100-80gb", "a30-24gb", "h100-80gb", "h100-94gb"]);
    }

    #[test]
    fn ids_are_unique_and_every_gpu_has_a_whole_gpu_profile() {
        let gpus = all_gpus();
        for (i, g) in gpus.iter().enumerate() {
            assert!(gpus[..i].iter().all(|o| o.id != g.id), "{} twice", g.id);
            let whole = &g.profiles[g.whole_gpu_profile()];
            assert!(whole.name.ends_with(&format!("{}gb", g.memory_gb)), "{}: {}", g.id, whole.name);
        }
    }
}
