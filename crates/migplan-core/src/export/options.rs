//! What the deployment formats need beyond the plan (GPUs per node, node names, the image),
//! their checks, and the Kubernetes naming rules they follow.

use std::collections::BTreeMap;

pub use crate::hardware::spec::MAX_GPUS_PER_NODE;
use crate::plan::Plan;

/// The image when none is given: a placeholder to replace (`{model}` is the model's name).
pub const DEFAULT_IMAGE: &str = "registry.example.com/migplan/{model}:latest";

/// What the deployment formats need beyond the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// GPUs per node, 1 to [`MAX_GPUS_PER_NODE`] (default 8).
    pub gpus_per_node: usize,
    /// Node names in node order; placeholders `node-1`, `node-2`, .. for the rest.
    pub node_names: Vec<String>,
    /// Container image template; `{model}` becomes the model's name as a DNS label.
    pub image: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { gpus_per_node: 8, node_names: Vec::new(), image: DEFAULT_IMAGE.to_string() }
    }
}

impl ExportOptions {
    /// Why these options cannot export `plan`, if they cannot: [`Self::check_range`], or
    /// fewer node names than the plan needs nodes (each type's GPUs in nodes of their own).
    pub fn check(&self, plan: &Plan) -> Result<(), String> {
        self.check_range()?;
        let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
        for g in &plan.gpus {
            *per_type.entry(g.gpu.as_deref().unwrap_or(&plan.gpu).to_ascii_lowercase()).or_default() += 1;
        }
        self.check_names_for(per_type.values().map(|n| n.div_ceil(self.gpus_per_node)).sum())
    }

    /// Why the node names do not name `nodes` nodes, one each, if they do not: a name left
    /// over would name no node, silently.
    pub fn check_names_for(&self, nodes: usize) -> Result<(), String> {
        let given = self.node_names.len();
        if given != 0 && given != nodes {
            return Err(format!(
                "{given} node names given but there {} {nodes} node{} ({} GPU{} per node); give one name per node",
                if nodes == 1 { "is" } else { "are" },
                if nodes == 1 { "" } else { "s" },
                self.gpus_per_node,
                if self.gpus_per_node == 1 { "" } else { "s" }
            ));
        }
        Ok(())
    }

    /// Why these options are wrong for any plan: GPUs per node out of range, a node name
    /// Kubernetes would refuse, an empty image or one with a space.
    pub fn check_range(&self) -> Result<(), String> {
        if !(1..=MAX_GPUS_PER_NODE).contains(&self.gpus_per_node) {
            return Err(format!(
                "GPUs per node is {}; give a whole number from 1 to {MAX_GPUS_PER_NODE}",
                self.gpus_per_node
            ));
        }
        for (i, name) in self.node_names.iter().enumerate() {
            if self.node_names[..i].contains(name) {
                return Err(format!("node name `{name}` is given twice: each node needs a name of its own"));
            }
            if !is_dns_subdomain(name) {
                return Err(format!(
                    "node name `{name}` is not a Kubernetes node name (lower-case letters, digits, `-` and `.`, \
                     starting and ending with a letter or digit, at most 253 characters)"
                ));
            }
        }
        if self.image.trim().is_empty() || self.image.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "image `{}` is empty or holds a space or a control character",
                self.image.escape_debug()
            ));
        }
        Ok(())
    }
}

/// True for a DNS-1123 subdomain (what a node or Deployment name must be).
pub fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// `text` as a DNS-1123 label (lower case, `-` for anything else, at most 63 characters; a
/// hash of the whole text keeps long names apart).
pub fn dns_label(text: &str) -> String {
    let mut label = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            label.push(c);
        } else if !label.ends_with('-') {
            label.push('-');
        }
    }
    let label = label.trim_matches('-').to_string();
    let label = if label.is_empty() { "model".to_string() } else { label };
    if label.len() <= 63 {
        return label;
    }
    let hash = text.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    format!("{}-{hash:08x}", label[..54].trim_end_matches('-'))
}
