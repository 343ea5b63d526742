//! Which catalog GPU a Kubernetes node's `nvidia.com/gpu.product` label names.
//!
//! GPU Feature Discovery writes the driver's product name with spaces as `-`
//! (`NVIDIA-H100-80GB-HBM3`, `NVIDIA-A100-SXM4-40GB`, `NVIDIA-GB200`), adds `-MIG-<profile>`
//! under the single MIG strategy and `-SHARED` under time-slicing. Some names leave the
//! memory out (`NVIDIA-H100-PCIe`, `NVIDIA-GB200`); some boards share a name across memory
//! sizes or board revisions (GB200's production and pre-production boards). So a product
//! gives candidates, best first, and the caller keeps the first whose profiles include the
//! ones the node shows.

/// The product name without its vendor prefix and the suffixes GPU Feature Discovery adds,
/// upper case: `NVIDIA-A100-SXM4-40GB-MIG-1g.5gb` is `A100-SXM4-40GB`.
pub fn base_product(label: &str) -> String {
    let upper = label.trim().to_ascii_uppercase();
    let upper = upper.strip_suffix("-SHARED").unwrap_or(&upper);
    let upper = match upper.find("-MIG-") {
        Some(at) => &upper[..at],
        None => upper,
    };
    upper.strip_prefix("NVIDIA-").unwrap_or(upper).replace(' ', "-")
}

/// The catalog ids a product label may mean, best first; empty for a product migplan does
/// not know (or a GPU without MIG).
pub fn gpus_for_product(label: &str) -> Vec<&'static str> {
    let product = base_product(label);
    let words: Vec<&str> = product.split('-').collect();
    let has = |w: &str| words.contains(&w);
    let mentions = |w: &str| product.contains(w);
    let family = words.first().copied().unwrap_or_default();
    match family {
        "GB300" => vec!["gb300-278gb"],
        "GB200" => vec!["gb200-186gb", "gb200-189gb"],
        "B300" => vec!["b300-269gb"],
        "B200" => vec!["b200-180gb"],
        "GH200" if mentions("144G") => vec!["gh200-144gb"],
        "GH200" => vec!["h100-96gb", "gh200-144gb"],
        "H200" => vec!["h200-141gb"],
        "H20" => vec!["h20-96gb"],
        "H100" | "H800" if has("NVL") => vec!["h100-94gb"],
        "H100" | "H800" if has("96GB") => vec!["h100-96gb"],
        "H100" | "H800" => vec!["h100-80gb", "h100-94gb", "h100-96gb"],
        "A100" | "A800" if mentions("80GB") => vec!["a100-80gb"],
        "A100" | "A800" if mentions("40GB") => vec!["a100-40gb"],
        "A100" | "A800" => vec!["a100-40gb", "a100-80gb"],
        "A30" => vec!["a30-24gb"],
        "RTX" if mentions("PRO-6000") => vec!["rtx-pro-6000-96gb"],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_labels_as_gpu_feature_discovery_writes_them_name_catalog_gpus() {
        let cases: [(&str, &[&str]); 12] = [
            ("NVIDIA-H100-80GB-HBM3", &["h100-80gb", "h100-94gb", "h100-96gb"]),
            ("NVIDIA-H100-80GB-HBM3-MIG-1g.10gb", &["h100-80gb", "h100-94gb", "h100-96gb"]),
            ("NVIDIA-H100-NVL", &["h100-94gb"]),
            ("NVIDIA-A100-SXM4-40GB", &["a100-40gb"]),
            ("A100-SXM4-40GB", &["a100-40gb"]),
            ("NVIDIA-A100-80GB-PCIe", &["a100-80gb"]),
            ("NVIDIA-A30", &["a30-24gb"]),
            ("NVIDIA-GB200", &["gb200-186gb", "gb200-189gb"]),
            ("NVIDIA-GB300", &["gb300-278gb"]),
            ("NVIDIA-H20-SHARED", &["h20-96gb"]),
            ("NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition", &["rtx-pro-6000-96gb"]),
            ("Tesla-T4", &[]),
        ];
        for (label, ids) in cases {
            assert_eq!(gpus_for_product(label), ids, "{label}");
        }
        assert_eq!(base_product("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb"), "A100-SXM4-40GB");
    }
}
