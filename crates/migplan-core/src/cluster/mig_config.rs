//! The mig-parted config the GPU Operator applies: a plain `version: v1` file, or a
//! ConfigMap holding one under `config.yaml` (alone or among other documents, as the
//! operator's manifests ship it), and what one of its configs gives each GPU of a node.
//!
//! mig-parted applies a config's entries in order: an entry matches a GPU when its
//! `device-filter` (PCI device ids, absent for every GPU) names the GPU's model and its
//! `devices` (`all` or indices) include the GPU; a GPU matched twice gets the last entry, and
//! a GPU no entry matches is left as it is.

use std::collections::BTreeMap;

use serde::Deserialize;
use yaml_serde::Value;

use crate::cluster::located::file_error;
use crate::export::mig_parted::OPERATOR_NAMESPACE;
use crate::export::nodes::Counts;
use crate::export::options::is_dns_subdomain;
use crate::problem::input::{InputError, InputErrors};

/// One entry of a named config.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// PCI device ids, upper case, without a subsystem; empty for every GPU.
    pub filter: Vec<String>,
    /// `None` for `all`.
    pub devices: Option<Vec<usize>>,
    pub mig_enabled: bool,
    pub counts: Counts,
}

/// The configs of a mig-parted file, by name, and where the file came from.
#[derive(Debug, Clone, PartialEq)]
pub struct MigConfig {
    pub file: String,
    pub configs: BTreeMap<String, Vec<Entry>>,
    /// The ConfigMap (name, namespace) that held the file, when it came in one.
    pub config_map: Option<(String, String)>,
    /// The `mig-configs` mapping as read, so a new file can keep every config it had.
    pub raw: yaml_serde::Mapping,
}

/// What one GPU gets from a config.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceConfig {
    /// No entry matches it: mig-parted leaves it as it is.
    Untouched,
    MigDisabled,
    Mig(Counts),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    #[serde(rename = "device-filter", default)]
    device_filter: Option<Value>,
    devices: Value,
    #[serde(rename = "mig-enabled")]
    mig_enabled: bool,
    #[serde(rename = "mig-devices", default)]
    mig_devices: Option<BTreeMap<String, u32>>,
}

fn problem(file: &str, line: Option<u64>, message: String) -> InputError {
    let hint = "pass the mig-parted config the operator applies: `kubectl get configmap -n gpu-operator NAME -o yaml` \
                (NAME is migManager.config.name, by default default-mig-parted-config) or its config.yaml";
    file_error(file, line, None, message, hint)
}

/// Reads a mig-parted config, or the first ConfigMap among the documents holding one.
pub fn read(file: &str, text: &str) -> Result<MigConfig, InputErrors> {
    let mut documents = Vec::new();
    for document in yaml_serde::Deserializer::from_str(text) {
        let value = Value::deserialize(document).map_err(|e| {
            let line = e.location().map(|l| l.line() as u64);
            InputErrors::from(problem(file, line, format!("not YAML: {e}")))
        })?;
        documents.push(value);
    }
    for doc in &documents {
        if doc.get("mig-configs").is_some() {
            return parse(file, doc, None, 0);
        }
        if doc.get("kind").and_then(Value::as_str) == Some("ConfigMap") {
            let Some(inner) = doc.get("data").and_then(|d| d.get("config.yaml")).and_then(Value::as_str) else {
                continue;
            };
            let name = doc.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or_default();
            // The operator's own manifest leaves the namespace to be filled in (`FILLED BY THE
            // OPERATOR`): a namespace Kubernetes would refuse means the operator's, by default.
            let namespace = doc
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Value::as_str)
                .filter(|n| is_dns_subdomain(n))
                .unwrap_or(OPERATOR_NAMESPACE);
            let offset = text.find("config.yaml:").map_or(0, |at| text[..at].lines().count() as u64);
            let parsed: Value = yaml_serde::from_str(inner).map_err(|e| {
                let line = e.location().map(|l| l.line() as u64 + offset);
                InputErrors::from(problem(file, line, format!("config.yaml of ConfigMap `{name}` is not YAML: {e}")))
            })?;
            return parse(file, &parsed, Some((name.to_string(), namespace.to_string())), offset);
        }
    }
    Err(problem(file, Some(1), "holds no `mig-configs` and no ConfigMap with a config.yaml".into()).into())
}

fn parse(file: &str, doc: &Value, config_map: Option<(String, String)>, offset: u64) -> Result<MigConfig, InputErrors> {
    let at = Some(offset + 1);
    match doc.get("version").and_then(Value::as_str) {
        Some("v1") => {}
        other => return Err(problem(file, at, format!("version is {other:?}; mig-parted reads version `v1`")).into()),
    }
    let Some(raw) = doc.get("mig-configs").and_then(Value::as_mapping) else {
        return Err(problem(file, at, "`mig-configs` is not a mapping of config names".into()).into());
    };
    let mut configs = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, entries) in raw {
        let Some(name) = name.as_str() else { continue };
        let parsed: Result<Vec<RawEntry>, _> = yaml_serde::from_value(entries.clone());
        match parsed {
            Ok(list) => match list.into_iter().map(entry).collect::<Result<Vec<Entry>, String>>() {
                Ok(list) => {
                    configs.insert(name.to_string(), list);
                }
                Err(e) => problems.push(format!("config `{name}`: {e}")),
            },
            Err(e) => problems.push(format!("config `{name}`: {e}")),
        }
    }
    if !problems.is_empty() {
        return Err(InputErrors(problems.into_iter().map(|m| problem(file, at, m)).collect()));
    }
    Ok(MigConfig { file: file.to_string(), configs, config_map, raw: raw.clone() })
}

fn entry(raw: RawEntry) -> Result<Entry, String> {
    let ids = |v: &Value| -> Result<Vec<String>, String> {
        let list = match v {
            Value::String(s) => vec![s.clone()],
            Value::Sequence(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string).ok_or("a device-filter is not a string"))
                .collect::<Result<_, _>>()?,
            _ => return Err("device-filter is neither a string nor a list".into()),
        };
        Ok(list
            .into_iter()
            .map(|id| id.split(':').next().unwrap_or_default().trim().to_ascii_uppercase().replace("0X", "0x"))
            .collect())
    };
    let devices = match &raw.devices {
        Value::String(s) if s == "all" => None,
        Value::Sequence(items) => Some(
            items
                .iter()
                .map(|i| i.as_u64().map(|d| d as usize).ok_or_else(|| format!("device `{i:?}` is not an index")))
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(format!("devices is {other:?}; mig-parted takes `all` or a list of indices")),
    };
    let counts: Counts = raw.mig_devices.unwrap_or_default().into_iter().filter(|(_, n)| *n > 0).collect();
    if !raw.mig_enabled && !counts.is_empty() {
        return Err("MIG devices are listed where mig-enabled is false".into());
    }
    Ok(Entry {
        filter: raw.device_filter.as_ref().map(ids).transpose()?.unwrap_or_default(),
        devices,
        mig_enabled: raw.mig_enabled,
        counts,
    })
}

impl MigConfig {
    /// What config `name` gives device `device` of a GPU with these PCI ids; `None` when the
    /// file has no such config.
    pub fn device(&self, name: &str, device: usize, pci_ids: &[&str]) -> Option<DeviceConfig> {
        let entries = self.configs.get(name)?;
        let applies = |e: &&Entry| {
            (e.filter.is_empty() || e.filter.iter().any(|f| pci_ids.iter().any(|id| id.eq_ignore_ascii_case(f))))
                && e.devices.as_ref().is_none_or(|list| list.contains(&device))
        };
        Some(match entries.iter().rev().find(applies) {
            None => DeviceConfig::Untouched,
            Some(e) if !e.mig_enabled => DeviceConfig::MigDisabled,
            Some(e) => DeviceConfig::Mig(e.counts.clone()),
        })
    }
}
