//! The mutations of what came after the first round: profiler files through the importers
//! (under hostile file names and flags), plans through every export with hostile options,
//! and fleets with hostile prices, node prices and headroom. Beyond "no panic, no hang",
//! each checks that nothing is lost: every imported row reads back from the CSV it is
//! written to, every exported CSV has one row per instance, and no plan fails its check.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use migplan_core::check::plan::{layouts, validate};
use migplan_core::export::{check_format, render, ExportFormat, ExportOptions};
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::{Fleet, GpuType};
use migplan_core::plan::Plan;
use migplan_core::problem::generate::synthetic_fleet;
use migplan_core::problem::import::{import, Format, Given, ImportOptions, Percentile};
use migplan_core::problem::input::{parse_profiles, profiles_csv, ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::request::Headroom;
use migplan_core::workflow::{self, Request};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::harness::run_all;
use crate::mutate::{hostile, hostile_number, mutated_csv, mutated_plan};
use crate::{base, no_bug};

/// Cases per test: importing is fast, exporting renders six formats, a fleet is planned exactly.
const IMPORT_CASES: u64 = 1000;
const EXPORT_CASES: u64 = 700;
const FLEET_CASES: u64 = 120;

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("../../../../tests/fixtures/import/", $name)))
    };
}

/// One file of each profiler's format (tests/fixtures/import).
const FILES: [(&str, &str); 6] = [
    fixture!("resnet50@3g.20gb@b8.csv"),
    fixture!("bert@1g.5gb@b2.csv"),
    fixture!("metrics-model-inference@2g.10gb.csv"),
    fixture!("integrated.csv"),
    fixture!("tinybert_MIG_profile_9.csv"),
    fixture!("tinynet.csv"),
];

/// A text no name or flag should be able to break anything with.
fn hostile_text(rng: &mut ChaCha8Rng) -> String {
    let names = ["#bert", "=cmd", "-x", "@b", "a\u{1b}[2J", "", " ", "9g", "9g.99gb", "-1", "b0", "bx", "3g", "1g.5gb"];
    if rng.random_bool(0.3) {
        String::from_utf8_lossy(&hostile(rng).0).into_owned()
    } else {
        names[rng.random_range(0..names.len())].to_string()
    }
}

/// A file name made hostile: extra `@` parts, a bad batch, a comment or formula start.
fn hostile_name(rng: &mut ChaCha8Rng, name: &str) -> String {
    match rng.random_range(0..6) {
        0 => format!("{}@{}@b{}.csv", hostile_text(rng), hostile_text(rng), hostile_number(rng)),
        1 => format!("a@b@c@{name}"),
        2 => format!("#{name}"),
        3 => format!("={name}"),
        _ => name.to_string(),
    }
}

#[test]
fn mutated_profiler_files_import_and_read_back_whole() {
    run_all("import", IMPORT_CASES, |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (name, original) = FILES[rng.random_range(0..FILES.len())];
        let (text, mutation) = mutated_csv(seed, original);
        let file = if rng.random_bool(0.5) { hostile_name(&mut rng, name) } else { name.to_string() };
        let mut given = Given::default();
        if rng.random_bool(0.2) {
            given.model = Some(hostile_text(&mut rng));
        }
        if rng.random_bool(0.2) {
            given.profile = Some(hostile_text(&mut rng));
        }
        if rng.random_bool(0.2) {
            given.batch = Some([0, 1, 8, 1_000_000, 1_000_001, u32::MAX][rng.random_range(0..6)]);
        }
        let format = rng.random_bool(0.2).then(|| Format::ALL[rng.random_range(0..Format::ALL.len())]);
        let gpu = ["a100-40gb", "a100-80gb", "a30-24gb"].get(rng.random_range(0..4)).and_then(|id| gpu(id));
        let latency = Percentile::ALL[rng.random_range(0..Percentile::ALL.len())];
        let mutation = format!("{mutation}; file {file:?}; {given:?}; {format:?}");
        let options = ImportOptions { format, gpu, latency, given };
        let case = move |_: &AtomicBool| {
            let Ok(imported) = import(&file, &text, &options) else { return "refused" };
            let report = &imported.report;
            assert_eq!(report.kept, imported.rows.len(), "every kept row is a row");
            assert_eq!(report.read, report.kept + report.skipped.len(), "every row read is kept or skipped");
            if imported.rows.is_empty() {
                return "imported nothing";
            }
            let back = parse_profiles("p.csv", &profiles_csv(&imported.rows)).expect("what import writes reads back");
            let strip = |rows: &[ProfileRow]| -> Vec<ProfileRow> {
                rows.iter().map(|r| ProfileRow { loc: Default::default(), ..r.clone() }).collect()
            };
            assert_eq!(strip(&back), strip(&imported.rows), "every imported row reads back as it was");
            "imported"
        };
        (mutation, Box::new(case))
    });
}

/// Export options made hostile: GPUs per node at and past its range, node names repeated,
/// too many, refused by Kubernetes, an image with a control character.
fn hostile_options(rng: &mut ChaCha8Rng) -> ExportOptions {
    let gpus_per_node = [0, 1, 3, 8, 8, 8, 1024, 1025, usize::MAX][rng.random_range(0..9)];
    let node_names = match rng.random_range(0..8) {
        0 => vec!["a".into(), "a".into()],
        1 => (0..300).map(|i| format!("n{i}")).collect(),
        2 => vec![hostile_text(rng)],
        _ => Vec::new(),
    };
    let image = if rng.random_bool(0.1) { hostile_text(rng) } else { ExportOptions::default().image };
    ExportOptions { gpus_per_node, node_names, image }
}

#[test]
fn mutated_plans_export_whole_or_are_refused() {
    let base = base();
    run_all("export", EXPORT_CASES, |seed| {
        let (text, mutation, _) = mutated_plan(seed, &base.plan_json);
        let options = hostile_options(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x5eed));
        let mutation = format!("{mutation}; {options:?}");
        let base = base.clone();
        let case = move |_: &AtomicBool| {
            let Ok(plan) = serde_json::from_str::<Plan>(&text) else { return "parse error" };
            if !layouts(&base.request.fleet, &plan).is_empty() || options.check(&plan).is_err() {
                return "refused";
            }
            for format in ExportFormat::ALL.into_iter().filter(|&f| check_format(&plan, f).is_ok()) {
                let written = render(&plan, &options, format);
                assert!(!written.chars().any(|c| c.is_control() && c != '\n'), "{format:?} holds a control character");
                if format == ExportFormat::Csv {
                    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(written.as_bytes());
                    let instances: usize = plan.gpus.iter().map(|g| g.instances.len()).sum();
                    assert_eq!(reader.records().count(), instances, "one CSV row per instance");
                }
            }
            "exported"
        };
        (mutation, Box::new(case))
    });
}

/// A price no planner should be able to break on, or a plain one.
fn hostile_price(rng: &mut ChaCha8Rng) -> f64 {
    let plain = [1.0, 2.2, 0.5, 3.3e-3, 1e3];
    let hostile = [1e-6, 1e9, 1e-12, 5e-324, 1e12, 0.0, -1.0, f64::NAN, f64::INFINITY, 1e4];
    if rng.random_bool(0.8) {
        plain[rng.random_range(0..plain.len())]
    } else {
        hostile[rng.random_range(0..hostile.len())]
    }
}

/// Five generated models measured on an A100-40GB and an H100-80GB (at 2.3 times the
/// throughput), by profile short forms both share.
fn two_types() -> (Vec<ProfileRow>, Vec<WorkloadRow>) {
    let generated = synthetic_fleet(&gpu("a100-40gb").unwrap(), &[(gpu("h100-80gb").unwrap(), 2.3)], 5, 3);
    (generated.profiles, generated.workload)
}

#[test]
fn mutated_fleets_and_prices_plan_or_are_refused() {
    let (rows, workload) = two_types();
    let (rows, workload) = (Arc::new(rows), Arc::new(workload));
    run_all("fleet", FLEET_CASES, |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let ids = ["a100-40gb", "h100-80gb", "a30-24gb"];
        let types = rng.random_range(1..=3);
        let fleet = Fleet::new(
            ids[..types].iter().map(|id| GpuType { spec: gpu(id).unwrap(), price: hostile_price(&mut rng) }).collect(),
        )
        .unwrap();
        let nodes = rng.random_bool(0.4).then(|| ([0, 1, 4, 8, 1024][rng.random_range(0..5)], hostile_price(&mut rng)));
        let headroom = rng
            .random_bool(0.3)
            .then(|| Headroom { percent: [0.0, 20.0, 1000.0][rng.random_range(0..3)], per_model: Default::default() });
        let rate_scale = [1.0, 1e3, 1e6][rng.random_range(0..3)];
        let solver = [SolverKind::Auto, SolverKind::Exact, SolverKind::Greedy][rng.random_range(0..3)];
        let prices: Vec<f64> = fleet.types().iter().map(|t| t.price).collect();
        let mutation = format!(
            "{types} types at {prices:?}; nodes {nodes:?}; headroom {:?}; rates x{rate_scale}; {solver:?}",
            headroom.as_ref().map(|h| h.percent)
        );
        let (rows, workload) = (rows.clone(), workload.clone());
        let case = move |cancel: &AtomicBool| {
            let workload: Vec<WorkloadRow> =
                workload.iter().map(|w| WorkloadRow { rate: w.rate * rate_scale, ..w.clone() }).collect();
            let run = RunOptions {
                solver,
                budget: Budget { time_limit: Some(Duration::from_millis(50)), max_iterations: Some(20) },
                seed: 1,
            };
            let mut request = Request { run, ..Request::on(fleet.clone()) };
            if let Some((per_node, cost)) = nodes {
                (request.export.gpus_per_node, request.node_cost) = (per_node, Some(cost));
            }
            request.headroom = headroom.clone().unwrap_or_default();
            let planned = no_bug(workflow::plan(&request, &rows, &workload, cancel, None).map(|p| p.0));
            let Ok(plan) = planned else { return "refused" };
            // The checker on the plan's cost with its numbers made hostile: a verdict, no panic.
            if let Some(mut cost) = plan.cost.clone() {
                let mut r = ChaCha8Rng::seed_from_u64(seed);
                cost.total = hostile_price(&mut r);
                if let Some(n) = cost.nodes.as_mut() {
                    n.cost_each = hostile_price(&mut r);
                    n.gpus_per_node = [0, 1, 1_000_000][r.random_range(0..3)];
                }
                let _ = validate(&fleet, &rows, &workload, &Plan { cost: Some(cost), ..plan });
            }
            "planned"
        };
        (mutation, Box::new(case))
    });
}
