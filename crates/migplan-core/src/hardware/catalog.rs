//! Every GPU migplan knows, built from the placement tables of mig-hardware.md.

use crate::hardware::spec::{GpuSpec, ProfileKind, ProfileSpec};

/// Names of a 7-slice GPU's profiles in the order 1g, 1g+me, 1g double memory, 2g, 3g, 4g, 7g.
/// `None` where the GPU has no such profile.
type SevenSliceNames = [Option<&'static str>; 7];

/// One row of a placement table: profile id, kind, compute, memory slots, max count, legal
/// starts.
type PlacementRow = (u8, ProfileKind, u8, u8, u8, &'static [u8]);

/// The placement table shared by every 7-slice GPU (mig-hardware.md).
const SEVEN_SLICE_TABLE: [PlacementRow; 7] = [
    (19, ProfileKind::Plain, 1, 1, 7, &[0, 1, 2, 3, 4, 5, 6]),
    (20, ProfileKind::MediaExtensions, 1, 1, 1, &[0, 1, 2, 3, 4, 5, 6]),
    (15, ProfileKind::DoubleMemory, 1, 2, 4, &[0, 2, 4, 6]),
    (14, ProfileKind::Plain, 2, 2, 3, &[0, 2, 4]),
    (9, ProfileKind::Plain, 3, 4, 2, &[0, 4]),
    (5, ProfileKind::Plain, 4, 4, 1, &[0]),
    (0, ProfileKind::Plain, 7, 8, 1, &[0]),
];

fn seven_slice(
    id: &'static str,
    name: &'static str,
    memory_gb: u32,
    names: SevenSliceNames,
    pci_ids: Vec<&'static str>,
    assumed: bool,
) -> GpuSpec {
    let profiles = SEVEN_SLICE_TABLE
        .iter()
        .zip(names)
        .filter_map(|(&(nvidia_id, kind, compute, memory_slots, max_count, starts), name)| {
            Some(ProfileSpec {
                name: name?.to_string(),
                nvidia_id: Some(nvidia_id),
                kind,
                compute,
                memory_slots,
                starts: starts.to_vec(),
                max_count,
                assumed,
            })
        })
        .collect();
    GpuSpec { id, name, memory_gb, compute_slices: 7, memory_slots: 8, pci_ids, profiles }
}

/// A 4-slice GPU (A30 style): 1g x4 at any slot, 2g x2 at 0 or 2, 4g whole, `+me` variants
/// of 1g and 2g at most once. `names` are 1g, 1g+me, 2g, 2g+me, 4g; ids where known.
fn four_slice(
    id: &'static str,
    name: &'static str,
    memory_gb: u32,
    names: [(Option<&'static str>, Option<u8>); 5],
    pci_ids: Vec<&'static str>,
    assumed: bool,
) -> GpuSpec {
    let table: [(ProfileKind, u8, u8, &[u8]); 5] = [
        (ProfileKind::Plain, 1, 4, &[0, 1, 2, 3]),
        (ProfileKind::MediaExtensions, 1, 1, &[0, 1, 2, 3]),
        (ProfileKind::Plain, 2, 2, &[0, 2]),
        (ProfileKind::MediaExtensions, 2, 1, &[0, 2]),
        (ProfileKind::Plain, 4, 1, &[0]),
    ];
    let profiles = table
        .iter()
        .zip(names)
        .filter_map(|(&(kind, compute, max_count, starts), (name, nvidia_id))| {
            Some(ProfileSpec {
                name: name?.to_string(),
                nvidia_id,
                kind,
                compute,
                memory_slots: compute,
                starts: starts.to_vec(),
                max_count,
                assumed,
            })
        })
        .collect();
    GpuSpec { id, name, memory_gb, compute_slices: 4, memory_slots: 4, pci_ids, profiles }
}

/// Every GPU migplan knows, in a stable order.
pub fn all_gpus() -> Vec<GpuSpec> {
    let a100_80_group = vec![
        "0x233010DE",
        "0x233110DE",
        "0x232210DE",
        "0x20B210DE",
        "0x20B510DE",
        "0x20F310DE",
        "0x20F510DE",
        "0x232410DE",
    ];
    vec![
        seven_slice(
            "a100-40gb",
            "NVIDIA A100 40GB (SXM4, PCIe)",
            40,
            [
                Some("1g.5gb"),
                Some("1g.5gb+me"),
                Some("1g.10gb"),
                Some("2g.10gb"),
                Some("3g.20gb"),
                Some("4g.20gb"),
                Some("7g.40gb"),
            ],
            vec!["0x20B010DE", "0x20B110DE", "0x20F110DE", "0x20F610DE"],
            false,
        ),
        seven_slice(
            "a100-80gb",
            "NVIDIA A100 80GB (SXM4, PCIe)",
            80,
            [
                Some("1g.10gb"),
                Some("1g.10gb+me"),
                Some("1g.20gb"),
                Some("2g.20gb"),
                Some("3g.40gb"),
                Some("4g.40gb"),
                Some("7g.80gb"),
            ],
            a100_80_group.clone(),
            false,
        ),
        four_slice(
            "a30-24gb",
            "NVIDIA A30 24GB",
            24,
            [
                (Some("1g.6gb"), Some(14)),
                (Some("1g.6gb+me"), Some(21)),
                (Some("2g.12gb"), Some(5)),
                (Some("2g.12gb+me"), Some(6)),
                (Some("4g.24gb"), Some(0)),
            ],
            vec!["0x20B710DE"],
            false,
        ),
        seven_slice(
            "h100-80gb",
            "NVIDIA H100 80GB (SXM5, PCIe)",
            80,
            [
                Some("1g.10gb"),
                Some("1g.10gb+me"),
                Some("1g.20gb"),
                Some("2g.20gb"),
                Some("3g.40gb"),
                Some("4g.40gb"),
                Some("7g.80gb"),
            ],
            a100_80_group,
            false,
        ),
        seven_slice(
            "h100-94gb",
            "NVIDIA H100 NVL 94GB",
            94,
            [
                Some("1g.12gb"),
                Some("1g.12gb+me"),
                Some("1g.24gb"),
                Some("2g.24gb"),
                Some("3g.47gb"),
                Some("4g.47gb"),
                Some("7g.94gb"),
            ],
            vec!["0x232110DE"],
            false,
        ),
        seven_slice(
            "h100-96gb",
            "NVIDIA H100 96GB (GH200 96GB, H20)",
            96,
            [
                Some("1g.12gb"),
                Some("1g.12gb+me"),
                Some("1g.24gb"),
                Some("2g.24gb"),
                Some("3g.48gb"),
                Some("4g.48gb"),
                Some("7g.96gb"),
            ],
            vec![],
            true,
        ),
        seven_slice(
            "h200-141gb",
            "NVIDIA H200 141GB (SXM, NVL)",
            141,
            [
                Some("1g.18gb"),
                Some("1g.18gb+me"),
                Some("1g.35gb"),
                Some("2g.35gb"),
                Some("3g.71gb"),
                Some("4g.71gb"),
                Some("7g.141gb"),
            ],
            vec!["0x233510DE", "0x233B10DE"],
            true,
        ),
        seven_slice(
            "gh200-144gb",
            "NVIDIA GH200 144GB HBM3e",
            144,
            [
                Some("1g.18gb"),
                Some("1g.18gb+me"),
                Some("1g.36gb"),
                Some("2g.36gb"),
                Some("3g.72gb"),
                Some("4g.72gb"),
                Some("7g.144gb"),
            ],
            vec!["0x234810DE"],
            true,
        ),
        seven_slice(
            "b200-180gb",
            "NVIDIA B200 180GB",
            180,
            [
                Some("1g.23gb"),
                Some("1g.23gb+me"),
                Some("1g.45gb"),
                Some("2g.45gb"),
                Some("3g.90gb"),
                Some("4g.90gb"),
                Some("7g.180gb"),
            ],
            vec!["0x290110DE"],
            true,
        ),
        seven_slice(
            "gb200-189gb",
            "NVIDIA GB200 189GB",
            189,
            [
                Some("1g.24gb"),
                None,
                Some("1g.47gb"),
                Some("2g.47gb"),
                Some("3g.95gb"),
                Some("4g.95gb"),
                Some("7g.189gb"),
            ],
            vec!["0x294110DE"],
            true,
        ),
        four_slice(
            "rtx-pro-6000-96gb",
            "NVIDIA RTX PRO 6000 Blackwell 96GB",
            96,
            [(Some("1g.24gb"), None), (None, None), (Some("2g.48gb"), None), (None, None), (Some("4g.96gb"), None)],
            vec!["0x2BB510DE"],
            true,
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
