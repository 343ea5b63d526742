//! mig-parted's v1 spec (../shared/data/formats/PROVENANCE.md, section 3) as a checker.

use yaml_serde::Value;

/// Every way `value` breaks mig-parted's v1 spec (PROVENANCE.md section 3), with
/// `devices` indices also required below `per_node` when given.
pub fn spec_violations(value: &Value, per_node: Option<usize>) -> Vec<String> {
    let mut bad = Vec::new();
    let Some(top) = value.as_mapping() else { return vec!["the document is not a mapping".into()] };
    for key in top.keys() {
        if !matches!(key.as_str(), Some("version" | "mig-configs")) {
            bad.push(format!("unexpected top-level key {key:?}"));
        }
    }
    if top.get("version").and_then(Value::as_str) != Some("v1") {
        bad.push("version is not the string v1".into());
    }
    let Some(configs) = top.get("mig-configs").and_then(Value::as_mapping) else {
        return [bad, vec!["mig-configs is not a mapping".into()]].concat();
    };
    if configs.is_empty() {
        bad.push("mig-configs is empty".into());
    }
    for (name, entries) in configs {
        let Some(entries) = entries.as_sequence().filter(|e| !e.is_empty()) else {
            bad.push(format!("{name:?}: not a non-empty list"));
            continue;
        };
        for entry in entries {
            let Some(entry) = entry.as_mapping() else {
                bad.push(format!("{name:?}: an entry is not a mapping"));
                continue;
            };
            for key in entry.keys() {
                if !matches!(key.as_str(), Some("device-filter" | "devices" | "mig-enabled" | "mig-devices")) {
                    bad.push(format!("{name:?}: unexpected key {key:?}"));
                }
            }
            match entry.get("devices") {
                Some(Value::String(s)) if s == "all" => {}
                Some(Value::Sequence(list)) => {
                    for d in list {
                        match d.as_u64() {
                            Some(i) if per_node.is_none_or(|n| (i as usize) < n) => {}
                            _ => bad.push(format!("{name:?}: device {d:?} is not an index below {per_node:?}")),
                        }
                    }
                }
                other => bad.push(format!("{name:?}: devices {other:?} is neither `all` nor a list")),
            }
            let enabled = entry.get("mig-enabled").and_then(Value::as_bool);
            let devices = entry.get("mig-devices");
            match (enabled, devices) {
                (None, _) => bad.push(format!("{name:?}: mig-enabled is missing or not a bool")),
                (Some(true), None) => bad.push(format!("{name:?}: mig-enabled without mig-devices")),
                (Some(false), Some(d)) if d.as_mapping().is_none_or(|m| !m.is_empty()) => {
                    bad.push(format!("{name:?}: mig-devices given with mig-enabled false"))
                }
                _ => {}
            }
            if let Some(d) = devices.filter(|_| enabled == Some(true)) {
                let Some(map) = d.as_mapping() else {
                    bad.push(format!("{name:?}: mig-devices is not a mapping"));
                    continue;
                };
                for (profile, count) in map {
                    if !profile.as_str().is_some_and(profile_name_ok) {
                        bad.push(format!("{name:?}: {profile:?} is not a profile name"));
                    }
                    if count.as_u64().is_none() {
                        bad.push(format!("{name:?}: count {count:?} of {profile:?} is not a whole number"));
                    }
                }
                if !map.is_empty() && map.values().all(|c| c.as_u64() == Some(0)) {
                    bad.push(format!("{name:?}: every count is zero"));
                }
            }
        }
    }
    bad
}

/// mig-parted's grammar: `[<c>c.]<g>g.<m>gb[+attr,..|-attr,..]`.
pub fn profile_name_ok(name: &str) -> bool {
    let (base, attrs) = match name.find(['+', '-']) {
        Some(i) => (&name[..i], Some(&name[i + 1..])),
        None => (name, None),
    };
    let mut parts: Vec<&str> = base.split('.').collect();
    if parts.len() == 3 {
        let c = parts.remove(0);
        if !c.strip_suffix('c').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
            return false;
        }
    }
    let number = |s: Option<&str>| s.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    parts.len() == 2
        && number(parts[0].strip_suffix('g'))
        && number(parts[1].strip_suffix("gb"))
        && attrs.is_none_or(|a| {
            a.split(',').all(|x| {
                !x.is_empty()
                    && !x.starts_with(|c: char| c.is_ascii_digit())
                    && x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
            })
        })
}
