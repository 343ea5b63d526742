//! What the commands share: reading their arguments (GPU, input files, plans) and the
//! failure they report.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ValueEnum;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::Plan;
use migplan_core::problem::input::decode;
use migplan_core::problem::input::limits::TIME_LIMIT_S;
use migplan_core::solve::registry::SolverKind;
use migplan_core::text::terminal_safe;
use migplan_core::workflow::settings::{self, Refused};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// A solver's name, for the benches' `--solvers`, in the settings table's words.
pub fn parse_solver(name: &str) -> Result<SolverKind, String> {
    settings::solver(name).map_err(said)
}

/// A refusal as clap shows a value parser's error: the message, then what to give.
fn said(r: Refused) -> String {
    format!("{}; {}", r.message, r.hint)
}

/// A failure to report: the message, then what the user can do.
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// One GPU type (`layouts`, `import`, the benches), in the settings table's words.
pub fn find_gpu(id: &str) -> Result<GpuSpec, Failure> {
    settings::gpu_type(id).map_err(|r| Failure(format!("{}\n  hint: {}", r.message, r.hint)))
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

/// The benches' `--time-limit` (each bench has its own default), in the settings table's
/// words.
pub fn parse_time_limit(text: &str) -> Result<Duration, String> {
    settings::number(text, &TIME_LIMIT_S).map(Duration::from_secs_f64).map_err(said)
}

/// A count of generated models: 1 to 100,000, as `generate --models` takes.
pub fn parse_models(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a whole number of models from 1 to 100000")),
    }
}

/// Refuses a flag given twice for the same key (`--gpu a100-40gb` twice, `--cost` or
/// `--headroom-for` for one GPU or model twice): the later would silently win.
pub fn each_once<'a>(flag: &str, keys: impl IntoIterator<Item = &'a str>, what: &str) -> Result<(), Failure> {
    let mut seen: Vec<&str> = Vec::new();
    for key in keys {
        if seen.contains(&key) {
            return Err(Failure(format!("{flag} {key} is given twice\n  hint: give each {what} once")));
        }
        seen.push(key);
    }
    Ok(())
}

/// Refuses to run when an output would overwrite an input or another output (the same file
/// under any spelling, or a hard link to it): checked before anything is written, so that
/// `import --out F --workload-out F` or `plan --profiles p.csv --out p.csv` loses nothing.
pub fn check_outputs(inputs: &[&Path], outputs: &[(&str, &Path)]) -> Result<(), Failure> {
    for (k, (flag, out)) in outputs.iter().enumerate() {
        let earlier = outputs[..k].iter().map(|(f, p)| (format!("{f} {}", p.display()), *p));
        let read = inputs.iter().map(|p| (format!("the input {}", p.display()), *p));
        for (what, other) in read.chain(earlier) {
            if same_file(out, other) {
                return Err(Failure(format!(
                    "{flag} {} is the same file as {what}: writing it would overwrite that\n  hint: write to another file",
                    out.display()
                )));
            }
        }
    }
    Ok(())
}

/// True when `a` and `b` name one file: the same path once resolved (a file yet to be
/// written by its folder), or on Unix the same inode.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return (x.dev(), x.ino()) == (y.dev(), y.ino());
        }
    }
    let resolved = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| {
            let folder = match p.parent() {
                Some(f) if !f.as_os_str().is_empty() => f,
                _ => Path::new("."),
            };
            Some(std::fs::canonicalize(folder).ok()?.join(p.file_name()?))
        })
    };
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A line on standard error (a note, a skipped row), safe for the terminal.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{}", terminal_safe(text));
}

/// Writes `text` to standard output, control characters written out
/// ([`terminal_safe`]: whatever a file held cannot drive the terminal). A reader that went
/// away (a closed pipe, as with `| head`) is no error for a command line tool: the command
/// stops quietly with success.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(terminal_safe(text).as_bytes()).and_then(|()| out.flush()) {
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

/// `print!` through [`print()`], returning its failure to the caller. Declared with
/// `#[macro_use]` first in main.rs, so every command's module has it.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::args::print(&format!($($arg)*))?
    };
}
