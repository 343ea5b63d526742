//! This file is longer than 350 lines because the harness (threads, timeouts, replay) and
//! the mutations it runs are one tool: split, neither part is readable alone.
//!
//! A bounded mutation test: the bundled example inputs and a plan made from them, mutated a
//! few thousand times with a seeded generator (byte flips, deleted and duplicated lines,
//! swapped columns, hostile field values, hostile JSON numbers, duplicated GPU ids, instances
//! at illegal starts, ...), each run through parsing, planning, validation and move planning.
//!
//! No case may panic and none may take longer than `case_limit()` (5 s). Each case runs on a thread
//! of its own so that a hang is reported (with its seed and mutation) instead of hanging the
//! test; a hung thread is leaked, and after `MAX_HUNG` of them the run stops.
//!
//! To replay one case: `MIGPLAN_MUTATION_SEED=<seed> cargo test -p migplan-core --test
//! mutations -- --nocapture` runs only that seed in each of the three tests. To explore:
//! `MIGPLAN_MUTATION_FROM` and `MIGPLAN_MUTATION_CASES` choose the seeds, and
//! `MIGPLAN_MUTATION_VERBOSE=1` prints every case's mutation and outcome.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Once};
use std::thread;
use std::time::{Duration, Instant};

use migplan_core::check::plan::validate;
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::Plan;
use migplan_core::problem::input::{parse_profiles, parse_workload, ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, MoveRequest, Refusal, Target};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde_json::Value;

const PROFILES: &str = include_str!("../../../static/examples/a100-40gb-profiles.csv");
const WORKLOAD: &str = include_str!("../../../static/examples/a100-40gb-workload.csv");

/// The longest any single case may take (`MIGPLAN_MUTATION_LIMIT_MS` shortens it to explore).
fn case_limit() -> Duration {
    let ms = std::env::var("MIGPLAN_MUTATION_LIMIT_MS").ok().and_then(|v| v.parse().ok());
    Duration::from_millis(ms.unwrap_or(5000))
}
/// Hung threads keep spinning; past this many the run stops and reports.
const MAX_HUNG: usize = 2;
/// Cases per test of the CSV inputs (each may plan) and of the plan JSON (each checks and
/// moves, much faster), unless `MIGPLAN_MUTATION_CASES` says otherwise.
const CSV_CASES: u64 = 1500;
const PLAN_CASES: u64 = 4000;

fn options() -> RunOptions {
    RunOptions {
        solver: SolverKind::Greedy,
        budget: Budget { time_limit: Some(Duration::from_millis(50)), max_iterations: Some(20) },
        seed: 1,
    }
}

/// The unmutated inputs, shared by every case.
struct Base {
    gpu: GpuSpec,
    profiles: Vec<ProfileRow>,
    workload: Vec<WorkloadRow>,
    plan: Plan,
    plan_json: String,
    /// The workload with every rate a third higher: a new demand to move to.
    grown: Vec<WorkloadRow>,
}

fn base() -> Arc<Base> {
    let gpu = gpu("a100-40gb").expect("the catalog has the A100 40GB");
    let profiles = parse_profiles("a100-40gb-profiles.csv", PROFILES).expect("the example profiles parse");
    let workload = parse_workload("a100-40gb-workload.csv", WORKLOAD).expect("the example workload parses");
    let plan = workflow::plan(&gpu, &profiles, &workload, &options(), &AtomicBool::new(false), None)
        .expect("the example plans");
    let plan_json = serde_json::to_string_pretty(&plan).expect("a plan serializes");
    let grown = workload.iter().map(|w| WorkloadRow { rate: w.rate * 4.0 / 3.0, ..w.clone() }).collect();
    Arc::new(Base { gpu, profiles, workload, plan, plan_json, grown })
}

/// A refusal is fine for a mutated input; a plan or move that fails its own check is a bug,
/// reported like a panic.
fn no_bug<T>(result: Result<T, Refusal>) -> Result<T, Refusal> {
    if let Err(bug @ (Refusal::PlannerBug { .. } | Refusal::MoveBug { .. })) = &result {
        panic!("{bug}");
    }
    result
}

// ---- Running one case: panics caught with their location, hangs timed out. ----

thread_local! {
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Inside a case, a panic's message and location are kept for the report instead of printed.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_CASE.with(Cell::get) {
                return default(info);
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            let location = info.location().map_or("an unknown place".into(), |l| l.to_string());
            CAUGHT.with(|c| *c.borrow_mut() = Some(format!("panicked at {location}: {message}")));
        }));
    });
}

enum Outcome {
    Done,
    Failed(String),
    Hung,
}

/// Runs `case` on a thread of its own; its result is a short word for the tally.
fn run_case(case: impl FnOnce(&AtomicBool) -> &'static str + Send + 'static) -> (Outcome, &'static str) {
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let flag = cancel.clone();
    let started = Instant::now();
    thread::Builder::new()
        .name("mutation case".into())
        .spawn(move || {
            IN_CASE.with(|c| c.set(true));
            let result = catch_unwind(AssertUnwindSafe(|| case(&flag)))
                .map_err(|_| CAUGHT.with(|c| c.borrow_mut().take()).unwrap_or_else(|| "panicked".into()));
            let _ = tx.send(result);
        })
        .expect("a thread starts");
    let limit = case_limit();
    match rx.recv_timeout(limit) {
        Ok(Ok(tally)) if started.elapsed() <= limit => (Outcome::Done, tally),
        Ok(Ok(_)) => (Outcome::Failed(format!("took {:.1?} (limit {limit:?})", started.elapsed())), "slow"),
        Ok(Err(panic)) => (Outcome::Failed(panic), "panic"),
        Err(_) => {
            cancel.store(true, Ordering::Relaxed);
            (Outcome::Hung, "hung")
        }
    }
}

/// Runs every seed's case and fails with the first failure (seed and mutation), after listing
/// them all.
fn run_all(
    what: &str,
    cases: u64,
    make: impl Fn(u64) -> (String, Box<dyn FnOnce(&AtomicBool) -> &'static str + Send>),
) {
    install_hook();
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let seeds: Vec<u64> = match env("MIGPLAN_MUTATION_SEED") {
        Some(seed) => vec![seed],
        None => {
            let from = env("MIGPLAN_MUTATION_FROM").unwrap_or(0);
            (from..from + env("MIGPLAN_MUTATION_CASES").unwrap_or(cases)).collect()
        }
    };
    let verbose = std::env::var_os("MIGPLAN_MUTATION_VERBOSE").is_some();
    let started = Instant::now();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut hung = 0;
    for &seed in &seeds {
        let (mutation, case) = make(seed);
        let case_started = Instant::now();
        let (outcome, word) = run_case(case);
        *tally.entry(word).or_default() += 1;
        if verbose {
            eprintln!("{what} seed {seed} [{mutation}]: {word} in {:.1?}", case_started.elapsed());
        }
        match outcome {
            Outcome::Done => {}
            Outcome::Failed(why) => failures.push(format!("{what} seed {seed} [{mutation}]: {why}")),
            Outcome::Hung => {
                hung += 1;
                failures.push(format!(
                    "{what} seed {seed} [{mutation}]: still running after {:.1?} (hung; thread leaked)",
                    case_started.elapsed()
                ));
                if hung >= MAX_HUNG {
                    failures.push(format!("{what}: stopped after {hung} hung cases"));
                    break;
                }
            }
        }
    }
    eprintln!("{what}: {} cases in {:.1?}: {tally:?}", seeds.len(), started.elapsed());
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} of the {what} mutations failed; the first: {}", failures.len(), failures[0]);
}

// ---- Mutations. ----

/// Values no field should be able to break anything with, and how to name them.
fn hostile(rng: &mut ChaCha8Rng) -> (Vec<u8>, String) {
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
fn hostile_number(rng: &mut ChaCha8Rng) -> String {
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
fn mutated_csv(seed: u64, original: &str) -> (String, String) {
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
fn mutated_plan(seed: u64, original: &str) -> (String, String, bool) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut text = original.to_string();
    let n = if rng.random_bool(0.75) { 1 } else { rng.random_range(2..=3) };
    let descriptions: Vec<String> = (0..n).map(|_| mutate_plan(&mut rng, &mut text)).collect();
    (text, descriptions.join("; "), rng.random_bool(0.5))
}

// ---- The tests. ----

#[test]
fn mutated_profiles_never_panic_or_hang() {
    let base = base();
    run_all("profiles", CSV_CASES, |seed| {
        let (text, mutation) = mutated_csv(seed, PROFILES);
        let base = base.clone();
        let case = move |cancel: &AtomicBool| {
            let Ok(profiles) = parse_profiles("profiles.csv", &text) else { return "parse error" };
            match no_bug(workflow::plan(&base.gpu, &profiles, &base.workload, &options(), cancel, None)) {
                Ok(_) => "planned",
                Err(_) => "refused",
            }
        };
        (mutation, Box::new(case))
    });
}

#[test]
fn mutated_workloads_never_panic_or_hang() {
    let base = base();
    run_all("workload", CSV_CASES, |seed| {
        let (text, mutation) = mutated_csv(seed, WORKLOAD);
        let base = base.clone();
        let case = move |cancel: &AtomicBool| {
            let Ok(workload) = parse_workload("workload.csv", &text) else { return "parse error" };
            match no_bug(workflow::plan(&base.gpu, &base.profiles, &workload, &options(), cancel, None)) {
                Ok(_) => "planned",
                Err(_) => "refused",
            }
        };
        (mutation, Box::new(case))
    });
}

#[test]
fn mutated_plans_never_panic_or_hang() {
    let base = base();
    run_all("plan", PLAN_CASES, |seed| {
        let (text, mutation, with_workload) = mutated_plan(seed, &base.plan_json);
        let mutation = format!("{mutation}; workloads {}", if with_workload { "given" } else { "from the plans" });
        let base = base.clone();
        let case = move |cancel: &AtomicBool| {
            let Ok(plan) = serde_json::from_str::<Plan>(&text) else { return "parse error" };
            let valid = validate(&base.gpu, &base.profiles, &base.workload, &plan).is_empty();
            let workload = with_workload.then_some(base.workload.as_slice());
            // The mutated plan as the target, then as the running plan (Target::Plan).
            let forth = MoveRequest {
                gpu: &base.gpu,
                profiles: &base.profiles,
                running: &base.plan,
                running_workload: workload,
                target: Target::Plan(&plan, workload),
                options: options(),
                extra_gpus: 0,
                spare: usize::MAX,
            };
            let forth = no_bug(workflow::plan_move(&forth, cancel, None)).is_ok();
            let back = MoveRequest {
                gpu: &base.gpu,
                profiles: &base.profiles,
                running: &plan,
                running_workload: workload,
                target: Target::Plan(&base.plan, workload),
                options: options(),
                extra_gpus: 0,
                spare: usize::MAX,
            };
            let back = no_bug(workflow::plan_move(&back, cancel, None)).is_ok();
            // And from the mutated plan to new demand, planned near it.
            let grow = MoveRequest {
                gpu: &base.gpu,
                profiles: &base.profiles,
                running: &plan,
                running_workload: workload,
                target: Target::Workload(&base.grown),
                options: options(),
                extra_gpus: 0,
                spare: usize::MAX,
            };
            let _ = no_bug(workflow::plan_move(&grow, cancel, None));
            match (valid, forth, back) {
                (true, true, true) => "valid, moved both ways",
                (false, false, false) => "invalid, refused",
                (true, _, _) => "valid, some move refused",
                (false, _, _) => "invalid, some move made",
            }
        };
        (mutation, Box::new(case))
    });
}
