//! What `kubectl get nodes -o json` and `kubectl get pods -A -o json` say that a plan needs:
//! each node's labels and MIG capacity, each pod's node, phase, MIG requests and model.
//!
//! Both accept a `List` (`items`), a single object, or a JSON array of objects. Fields
//! migplan does not use are ignored; a field it uses that has the wrong type is an error.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cluster::located::file_error;
use crate::problem::input::{InputError, InputErrors};

/// The prefix of the MIG resources of the *mixed* strategy (`nvidia.com/mig-3g.40gb`).
pub const MIG_RESOURCE: &str = "nvidia.com/mig-";
/// The whole-GPU resource, which the *single* strategy uses for MIG devices too.
pub const GPU_RESOURCE: &str = "nvidia.com/gpu";

/// One node: its name, the line of the file that names it, labels and capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeInfo {
    pub name: String,
    pub line: Option<u64>,
    pub labels: BTreeMap<String, String>,
    /// `status.capacity` (else `status.allocatable`): resource name to its quantity as written.
    pub capacity: BTreeMap<String, String>,
}

impl NodeInfo {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }
}

/// One pod: where it runs, whether it holds its devices, what it asks for and serves.
#[derive(Debug, Clone, PartialEq)]
pub struct PodInfo {
    pub name: String,
    pub namespace: String,
    pub line: Option<u64>,
    pub node: Option<String>,
    pub phase: String,
    /// MIG profile to instances asked for (limits, else requests, summed over containers).
    pub mig: BTreeMap<String, u32>,
    /// Whole GPUs asked for (`nvidia.com/gpu`): MIG devices under the single strategy.
    pub gpus: u32,
    /// `MODEL_NAME` of a container, else the `app` label.
    pub model: Option<String>,
    pub batch: Option<u32>,
    pub processes: Option<u32>,
    pub labels: BTreeMap<String, String>,
}

impl PodInfo {
    /// A running pod holds its MIG devices; a pending or finished one holds none.
    pub fn holds_devices(&self) -> bool {
        self.phase == "Running"
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> Option<u64> {
    text.find(needle).map(|at| text[..at].bytes().filter(|&b| b == b'\n').count() as u64 + 1)
}

/// The objects of a `kubectl ... -o json` output.
fn objects(file: &str, text: &str, what: &str) -> Result<Vec<Value>, InputErrors> {
    let value: Value = serde_json::from_str(text).map_err(|e| InputError {
        file: file.to_string(),
        line: Some(e.line() as u64),
        column: None,
        character: Some(e.column() as u32),
        message: format!("not JSON: {}", e.to_string().split(" at line ").next().unwrap_or_default()),
        hint: Some(format!("pass the output of `kubectl get {what} -o json`")),
    })?;
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(ref o) if o.contains_key("items") => match o.get("items") {
            Some(Value::Array(items)) => Ok(items.clone()),
            _ => Err(error(file, None, "`items` is not a list", what).into()),
        },
        Value::Object(_) => Ok(vec![value]),
        _ => Err(error(file, Some(1), "neither a list of objects nor one object", what).into()),
    }
}

fn error(file: &str, line: Option<u64>, message: &str, what: &str) -> InputError {
    file_error(file, line, None, message.to_string(), &format!("pass the output of `kubectl get {what} -o json`"))
}

/// A map of strings at `path` (labels, capacity); numbers are written as JSON numbers by
/// hand-made files and kept as their text.
fn strings(object: &Value, path: &[&str]) -> BTreeMap<String, String> {
    let mut at = object;
    for key in path {
        match at.get(key) {
            Some(v) => at = v,
            None => return BTreeMap::new(),
        }
    }
    let Some(map) = at.as_object() else { return BTreeMap::new() };
    map.iter()
        .filter_map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some((k.clone(), text))
        })
        .collect()
}

/// The nodes of `kubectl get nodes -o json`.
pub fn read_nodes(file: &str, text: &str) -> Result<Vec<NodeInfo>, InputErrors> {
    let mut nodes = Vec::new();
    let mut problems = Vec::new();
    for (i, item) in objects(file, text, "nodes")?.iter().enumerate() {
        let Some(name) = item.pointer("/metadata/name").and_then(Value::as_str) else {
            problems.push(error(file, None, &format!("object {} has no metadata.name", i + 1), "nodes"));
            continue;
        };
        let mut capacity = strings(item, &["status", "capacity"]);
        if capacity.is_empty() {
            capacity = strings(item, &["status", "allocatable"]);
        }
        nodes.push(NodeInfo {
            name: name.to_string(),
            line: line_of(text, &format!("\"{name}\"")),
            labels: strings(item, &["metadata", "labels"]),
            capacity,
        });
    }
    if problems.is_empty() {
        Ok(nodes)
    } else {
        Err(InputErrors(problems))
    }
}

/// A quantity of a device resource: a whole number (`"2"`).
pub fn count(quantity: &str) -> Option<u32> {
    quantity.trim().parse().ok()
}

/// The pods of `kubectl get pods -A -o json`.
pub fn read_pods(file: &str, text: &str) -> Result<Vec<PodInfo>, InputErrors> {
    let mut pods = Vec::new();
    let mut problems = Vec::new();
    for item in objects(file, text, "pods -A")? {
        let name = item.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
        let line = line_of(text, &format!("\"{name}\""));
        let mut pod = PodInfo {
            namespace: item.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("default").to_string(),
            line,
            node: item.pointer("/spec/nodeName").and_then(Value::as_str).map(str::to_string),
            phase: item.pointer("/status/phase").and_then(Value::as_str).unwrap_or_default().to_string(),
            mig: BTreeMap::new(),
            gpus: 0,
            model: None,
            batch: None,
            processes: None,
            labels: strings(&item, &["metadata", "labels"]),
            name,
        };
        let containers = item.pointer("/spec/containers").and_then(Value::as_array).cloned().unwrap_or_default();
        for c in &containers {
            let mut asked = strings(c, &["resources", "limits"]);
            if asked.is_empty() {
                asked = strings(c, &["resources", "requests"]);
            }
            for (resource, quantity) in asked {
                let profile = resource.strip_prefix(MIG_RESOURCE);
                if profile.is_none() && resource != GPU_RESOURCE {
                    continue;
                }
                let Some(n) = count(&quantity) else {
                    problems.push(file_error(
                        file,
                        pod.line,
                        Some(&format!("resources.limits.{resource}")),
                        format!("pod `{}`: `{quantity}` is not a whole number of devices", pod.name),
                        "a pod asks for whole MIG devices",
                    ));
                    continue;
                };
                match profile {
                    Some(p) => *pod.mig.entry(p.to_string()).or_default() += n,
                    None => pod.gpus += n,
                }
            }
            for env in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                let value = env.get("value").and_then(Value::as_str);
                match (env.get("name").and_then(Value::as_str), value) {
                    (Some("MODEL_NAME"), Some(v)) => pod.model = Some(v.to_string()),
                    (Some("BATCH_SIZE"), Some(v)) => pod.batch = v.trim().parse().ok(),
                    (Some("MPS_PROCESSES"), Some(v)) => pod.processes = v.trim().parse().ok(),
                    _ => {}
                }
            }
        }
        if pod.model.is_none() {
            pod.model = pod.labels.get("app").cloned();
        }
        pods.push(pod);
    }
    if problems.is_empty() {
        Ok(pods)
    } else {
        Err(InputErrors(problems))
    }
}
