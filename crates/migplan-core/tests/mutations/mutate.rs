//! The mutations of the example inputs and of a plan: byte flips, deleted and duplicated
//! lines, swapped columns, hostile field values and JSON numbers, duplicated GPU ids,
//! instances at illegal starts.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde_json::Value;

/// Values no field should be able to break anything with, and how to name them.
pub fn hostile(rng: &mut ChaCha8Rng) -> (Vec<u8>, String) {
    let plain = [
        "",
        "-1",
        "0",
        "-0",
        "1e308",
        "1e-320",
        "NaN",
        "inf",
        "-inf",
        "1e20",
        "1e9",
        "99999999999",
        "4294967296",
        "2,500",
        "\"2,500\"",
    ];
    let i = rng.random_range(0..plain.len() + 3);
    match i.checked_sub(plain.len()) {
        None => (plain[i].as_bytes().to_vec(), format!("{:?}", plain[i])),
        Some(0) => (vec![b'x'; 2048], "a 2 kB string".into()),
        Some(1) => (b"\xff\xfe\xc3(".to_vec(), "non-UTF-8 bytes".into()),
        Some(_) => ("\u{feff}7".as_bytes().to_vec(), "a BOM then 7".into()),
    }
}

/// A hostile JSON number (some of them not JSON at all).
pub fn hostile_number(rng: &mut ChaCha8Rng) -> String {
    let values = [
        "-1",
        "0",
        "-0",
        "1e308",
        "1.7976931348623157e308",
        "1e-320",
        "NaN",
        "inf",
        "1e20",
        "1e9",
        "99999999999",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        "255",
        "256",
        "0.5",
        "\"\"",
        "null",
    ];
    values[rng.random_range(0..values.len())].to_string()
}

fn lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b'\n')
}

fn fields(line: &[u8]) -> Vec<Vec<u8>> {
    line.split(|&b| b == b',').map(<[u8]>::to_vec).collect()
}

/// A data line (not the comment or header), or any line one time in ten.
fn pick_line(rng: &mut ChaCha8Rng, lines: &[Vec<u8>]) -> usize {
    let data: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].contains(&b',') && !lines[i].starts_with(b"model,")).collect();
    if data.is_empty() || rng.random_bool(0.1) {
        rng.random_range(0..lines.len())
    } else {
        data[rng.random_range(0..data.len())]
    }
}

/// One mutation of a CSV text, and its description.
fn mutate_csv(rng: &mut ChaCha8Rng, text: &mut Vec<u8>) -> String {
    let mut ls = lines(text);
    let columns = ls.iter().find(|l| l.starts_with(b"model,")).map_or(3, |l| fields(l).len());
    let description = match rng.random_range(0..10) {
        0 => {
            let pos = rng.random_range(0..text.len().max(1));
            let bit = rng.random_range(0..8);
            if let Some(b) = text.get_mut(pos) {
                *b ^= 1 << bit;
            }
            return format!("flip bit {bit} of byte {pos}");
        }
        1 => {
            let i = pick_line(rng, &ls);
            ls.remove(i);
            format!("delete line {}", i + 1)
        }
        2 => {
            let i = pick_line(rng, &ls);
            let copies = if rng.random_bool(0.2) { 50 } else { 1 };
            for _ in 0..copies {
                ls.insert(i, ls[i].clone());
            }
            format!("duplicate line {} ({copies}x)", i + 1)
        }
        3 => {
            let (a, b) = (rng.random_range(0..columns), rng.random_range(0..columns));
            let whole = rng.random_bool(0.5);
            let only = pick_line(rng, &ls);
            for (i, l) in ls.iter_mut().enumerate() {
                if whole || i == only {
                    let mut f = fields(l);
                    if a < f.len() && b < f.len() {
                        f.swap(a, b);
                        *l = f.join(&b',');
                    }
                }
            }
            if whole {
                format!("swap columns {a} and {b} in every line")
            } else {
                format!("swap columns {a} and {b} in line {}", only + 1)
            }
        }
        4..=6 => {
            let i = pick_line(rng, &ls);
            let col = rng.random_range(0..columns);
            let (value, name) = hostile(rng);
            let mut f = fields(&ls[i]);
            if col < f.len() {
                f[col] = value;
            }
            ls[i] = f.join(&b',');
            format!("line {} column {col} := {name}", i + 1)
        }
        7 | 8 => {
            // The same hostile value in one column of every data line (all rates 1e9, ...).
            let col = rng.random_range(1..columns);
            let (value, name) = hostile(rng);
            for l in ls.iter_mut().filter(|l| l.contains(&b',') && !l.starts_with(b"model,") && !l.starts_with(b"#")) {
                let mut f = fields(l);
                if col < f.len() {
                    f[col] = value.clone();
                }
                *l = f.join(&b',');
            }
            format!("column {col} of every row := {name}")
        }
        _ => {
            text.splice(0..0, "\u{feff}".bytes());
            return "a UTF-8 BOM at the start".into();
        }
    };
    *text = join(&ls);
    description
}

/// One to three mutations of a CSV text.
pub fn mutated_csv(seed: u64, original: &str) -> (String, String) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut text = original.as_bytes().to_vec();
    let n = if rng.random_bool(0.75) { 1 } else { rng.random_range(2..=3) };
    let descriptions: Vec<String> = (0..n).map(|_| mutate_csv(&mut rng, &mut text)).collect();
    (String::from_utf8_lossy(&text).into_owned(), descriptions.join("; "))
}

/// The byte ranges of the JSON numbers in `text`.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-.eE".contains(&bytes[i])) {
                i += 1;
            }
            found.push((start, i));
            continue;
        }
        i += 1;
    }
    found
}

/// Picks a GPU index and, when it has any, one of its instances.
fn pick_instance(rng: &mut ChaCha8Rng, plan: &Value) -> Option<(usize, usize)> {
    let gpus = plan["gpus"].as_array()?;
    let g = rng.random_range(0..gpus.len().max(1));
    let n = gpus.get(g)?["instances"].as_array()?.len();
    (n > 0).then(|| (g, rng.random_range(0..n)))
}

/// One mutation of the plan JSON, and its description.
fn mutate_plan(rng: &mut ChaCha8Rng, text: &mut String) -> String {
    let kind = rng.random_range(0..12);
    if kind < 4 {
        // Text level: a hostile number, or a flipped byte.
        if kind < 3 {
            let spots = numbers(text);
            let (start, end) = spots[rng.random_range(0..spots.len())];
            let value = hostile_number(rng);
            let before = text[start..end].to_string();
            text.replace_range(start..end, &value);
            return format!("number {before} at byte {start} := {value}");
        }
        let mut bytes = std::mem::take(text).into_bytes();
        let pos = rng.random_range(0..bytes.len());
        let bit = rng.random_range(0..8);
        bytes[pos] ^= 1 << bit;
        *text = String::from_utf8_lossy(&bytes).into_owned();
        return format!("flip bit {bit} of byte {pos}");
    }
    let Ok(mut plan) = serde_json::from_str::<Value>(text) else {
        return "nothing (no longer JSON)".into();
    };
    let gpu_count = plan["gpus"].as_array().map_or(0, Vec::len);
    let description = match kind {
        4 if gpu_count >= 2 => {
            let (a, b) = (rng.random_range(0..gpu_count), rng.random_range(0..gpu_count));
            let id = plan["gpus"][b]["id"].clone();
            plan["gpus"][a]["id"] = id.clone();
            format!("GPU {a} takes the id {id} of GPU {b}")
        }
        5 | 6 => {
            let Some((g, i)) = pick_instance(rng, &plan) else { return "nothing".into() };
            let start = plan["gpus"][g]["instances"][i]["start"].as_u64().unwrap_or(0);
            let new = match rng.random_range(0..4) {
                0 => start + 1,
                1 => 7,
                2 => 255,
                _ => rng.random_range(0..8),
            };
            plan["gpus"][g]["instances"][i]["start"] = new.into();
            format!("GPU {g} instance {i}: start {start} -> {new}")
        }
        7 => {
            let all = rng.random_bool(0.5);
            let pick = pick_instance(rng, &plan);
            for (g, gpu) in plan["gpus"].as_array_mut().into_iter().flatten().enumerate() {
                for (i, instance) in gpu["instances"].as_array_mut().into_iter().flatten().enumerate() {
                    if all || pick == Some((g, i)) {
                        instance.as_object_mut().map(|o| o.remove("throughput"));
                    }
                }
            }
            if all {
                "no instance has a throughput".into()
            } else {
                format!("instance {pick:?} has no throughput")
            }
        }
        8 => {
            let Some((g, i)) = pick_instance(rng, &plan) else { return "nothing".into() };
            let field = ["throughput", "batch", "processes", "start"][rng.random_range(0..4)];
            let value = hostile_number(rng);
            let parsed: Value = serde_json::from_str(&value).unwrap_or_else(|_| Value::String(value.clone()));
            plan["gpus"][g]["instances"][i][field] = parsed;
            format!("GPU {g} instance {i}: {field} := {value}")
        }
        9 => {
            let models = plan["models"].as_array().map_or(0, Vec::len);
            let m = rng.random_range(0..models.max(1));
            let field = ["rate", "slo_ms", "capacity"][rng.random_range(0..3)];
            let value = hostile_number(rng);
            let parsed: Value = serde_json::from_str(&value).unwrap_or_else(|_| Value::String(value.clone()));
            plan["models"][m][field] = parsed;
            format!("model {m}: {field} := {value}")
        }
        10 if gpu_count >= 1 => {
            let g = rng.random_range(0..gpu_count);
            let gpus = plan["gpus"].as_array_mut().expect("gpus is a list");
            if rng.random_bool(0.5) {
                gpus.remove(g);
                format!("delete GPU {g}")
            } else {
                let copy = gpus[g].clone();
                gpus.push(copy);
                format!("duplicate GPU {g} (same id)")
            }
        }
        _ => {
            let Some((g, i)) = pick_instance(rng, &plan) else { return "nothing".into() };
            let instances = plan["gpus"][g]["instances"].as_array_mut().expect("instances is a list");
            match rng.random_range(0..3) {
                0 => {
                    instances.remove(i);
                    format!("delete GPU {g} instance {i}")
                }
                1 => {
                    let copy = instances[i].clone();
                    instances.push(copy);
                    format!("duplicate GPU {g} instance {i}")
                }
                _ => {
                    instances[i]["model"] = Value::Null;
                    format!("GPU {g} instance {i}: model := null")
                }
            }
        }
    };
    *text = serde_json::to_string_pretty(&plan).expect("a value serializes");
    description
}

/// One to three mutations of the plan JSON.
pub fn mutated_plan(seed: u64, original: &str) -> (String, String, bool) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut text = original.to_string();
    let n = if rng.random_bool(0.75) { 1 } else { rng.random_range(2..=3) };
    let descriptions: Vec<String> = (0..n).map(|_| mutate_plan(&mut rng, &mut text)).collect();
    (text, descriptions.join("; "), rng.random_bool(0.5))
}
