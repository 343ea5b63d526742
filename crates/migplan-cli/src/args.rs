//! What the commands share: reading their arguments (GPU, input files, plans) and the
//! failure they report.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use migplan_core::hardware::catalog;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::Plan;
use migplan_core::problem::input::decode;
use migplan_core::problem::input::limits::TIME_LIMIT_S;
use migplan_core::solve::registry::SolverKind;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn parse_solver(name: &str) -> Result<SolverKind, String> {
    SolverKind::parse(name).ok_or_else(|| {
        let names: Vec<&str> = SolverKind::ALL.iter().map(|k| k.name()).collect();
        format!("unknown solver `{name}`; choose one of {}", names.join(", "))
    })
}

/// A failure to report: the message, then what the user can do.
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

pub fn find_gpu(id: &str) -> Result<GpuSpec, Failure> {
    catalog::gpu(id)
        .ok_or_else(|| Failure(format!("unknown GPU `{id}`\n  hint: choose one of {}", catalog::gpu_ids().join(", "))))
}

pub fn read(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?;
    Ok(decode(&path.display().to_string(), &bytes)?)
}

/// Reads a plan as `migplan plan --format json` writes it.
pub fn read_plan(path: &Path) -> Result<Plan, Failure> {
    serde_json::from_str(&read(path)?).map_err(|e| {
        Failure(format!(
            "{}:{}: column {}: not a plan: {}\n  hint: pass the JSON that `migplan plan --format json` writes",
            path.display(),
            e.line(),
            e.column(),
            e.to_string().split(" at line ").next().unwrap_or_default()
        ))
    })
}

/// `--time-limit`: seconds within the documented range (README.md, Limits).
pub fn parse_time_limit(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number of seconds"))?;
    TIME_LIMIT_S
        .check(seconds)
        .map(Duration::from_secs_f64)
        .map_err(|e| format!("{e}; give {}", TIME_LIMIT_S.describe()))
}

/// A count of generated models: 1 to 100,000, as `generate --models` takes.
pub fn parse_models(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a whole number of models from 1 to 100000")),
    }
}

/// Writes `text` to standard output. A reader that went away (a closed pipe, as with
/// `| head`) is no error for a command line tool: the command stops quietly with success.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Failure(format!("cannot write to standard output: {e}"))),
    }
}

/// Writes `text` to `path`, or to standard output when there is none.
pub fn write_out(path: Option<&PathBuf>, text: &str) -> Result<(), Failure> {
    match path {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?
        }
        None => print(text)?,
    }
    Ok(())
}

/// `print!` through [`print`], returning its failure to the caller. Declared with
/// `#[macro_use]` first in main.rs, so every command's module has it.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::args::print(&format!($($arg)*))?
    };
}
