//! Running one mutation case: panics caught with their location, hangs timed out, every
//! case of a test tallied and the failures listed with their seeds.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Once};
use std::thread;
use std::time::{Duration, Instant};

/// The longest any single case may take (`MIGPLAN_MUTATION_LIMIT_MS` shortens it to explore).
fn case_limit() -> Duration {
    let ms = std::env::var("MIGPLAN_MUTATION_LIMIT_MS").ok().and_then(|v| v.parse().ok());
    Duration::from_millis(ms.unwrap_or(5000))
}
/// Hung threads keep spinning; past this many the run stops and reports.
const MAX_HUNG: usize = 2;

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
pub fn run_all(
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
