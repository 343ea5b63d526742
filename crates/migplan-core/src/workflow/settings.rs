//! Every setting a request may carry, in one table: how the command line, the page and the
//! JS API name it, what is used when it is not given, and what it accepts. The command line,
//! the page's worker and the JS API all read a setting's text here, so each refuses the same
//! values with the same words (the docs' Limits table lists the same ranges).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::export::DEFAULT_IMAGE;
use crate::hardware::catalog;
use crate::hardware::spec::{GpuSpec, MAX_GPUS_PER_NODE};
use crate::problem::import::Percentile;
use crate::problem::input::limits::{Range, PRICE, TIME_LIMIT_S};
use crate::solve::registry::SolverKind;

/// A setting of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Gpu,
    Solver,
    TimeLimit,
    Seed,
    Latency,
    Headroom,
    HeadroomFor,
    NodeCost,
    GpusPerNode,
    NodeNames,
    Image,
    Spare,
    ExtraGpus,
    From,
    To,
    Steps,
}

/// Who reads a request: each names a setting its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// The command line: its flag.
    Cli,
    /// The page (read by its worker): the label of its box.
    Page,
    /// The JS API: its option.
    Api,
}

/// What a setting accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Accepts {
    /// A number in the range.
    Number(Range),
    /// A whole number from the first to the second.
    Whole(u64, u64),
    /// A solver's name.
    Solver,
    /// A latency percentile.
    Percentile,
    /// GPU types, each `GPU` or `GPU=PRICE` (a price within [`PRICE`]), comma-separated.
    Fleet,
    /// `MODEL=PERCENT` pairs, comma-separated, each percent in the range.
    PerModel(Range),
    /// Kubernetes node names, comma-separated.
    NodeNames,
    /// A container image; `{model}` becomes the model's name.
    Image,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting {
    pub key: Key,
    pub flag: &'static str,
    /// The label of the page's box (the page shows it, and names the box's errors by it).
    pub label: &'static str,
    /// The JS API's option, and the setting's name in the page's requests to its worker.
    pub option: &'static str,
    /// The text used when the setting is not given; empty for none (no node cost, ...).
    pub default: &'static str,
    pub accepts: Accepts,
}

/// A headroom or a per-model headroom, percent over the measured rate.
pub const PERCENT: Range = Range { min: 0.0, min_allowed: true, max: 1000.0, unit: "%" };
/// A demand multiplier of a sweep.
pub const MULTIPLIER: Range = Range { min: 0.0, min_allowed: false, max: 1000.0, unit: "" };
/// The largest seed: what a JS number holds exactly.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// The most GPUs a move may use beyond the new optimum (`--extra-gpus`) or borrow
/// (`--spare`): as many as the largest workload migplan plans could need, and far from any
/// count that overflows.
pub const MAX_EXTRA_GPUS: u64 = 1_000_000;
/// The most points of a sweep.
pub const MAX_STEPS: u64 = 200;
/// The time limit when none is given, seconds.
pub const DEFAULT_TIME_LIMIT_S: &str = "10";

/// Every setting, in the order the command line's help lists them.
pub const SETTINGS: [Setting; 16] = [
    setting(Key::Gpu, "--gpu", "GPU types", "gpu", "a100-40gb", Accepts::Fleet),
    setting(Key::Solver, "--solver", "Solver", "solver", "auto", Accepts::Solver),
    setting(
        Key::TimeLimit,
        "--time-limit",
        "Time limit (s)",
        "time_limit_s",
        DEFAULT_TIME_LIMIT_S,
        Accepts::Number(TIME_LIMIT_S),
    ),
    setting(Key::Seed, "--seed", "Seed", "seed", "1", Accepts::Whole(0, MAX_SEED)),
    setting(Key::Latency, "--latency", "SLO applies to latency", "latency", "p99", Accepts::Percentile),
    setting(Key::Headroom, "--headroom", "Headroom %", "headroom", "0", Accepts::Number(PERCENT)),
    setting(Key::HeadroomFor, "--headroom-for", "Headroom per model", "headroom_for", "", Accepts::PerModel(PERCENT)),
    setting(Key::NodeCost, "--node-cost", "Node cost", "node_cost", "", Accepts::Number(PRICE)),
    setting(
        Key::GpusPerNode,
        "--gpus-per-node",
        "GPUs per node",
        "gpus_per_node",
        "8",
        Accepts::Whole(1, MAX_GPUS_PER_NODE as u64),
    ),
    setting(Key::NodeNames, "--node-names", "Node names", "node_names", "", Accepts::NodeNames),
    setting(Key::Image, "--image", "Image", "image", DEFAULT_IMAGE, Accepts::Image),
    setting(Key::Spare, "--spare", "Spare GPUs", "spare", "0", Accepts::Whole(0, MAX_EXTRA_GPUS)),
    setting(Key::ExtraGpus, "--extra-gpus", "Extra GPUs", "extra_gpus", "0", Accepts::Whole(0, MAX_EXTRA_GPUS)),
    setting(Key::From, "--from", "From ×", "from", "0.5", Accepts::Number(MULTIPLIER)),
    setting(Key::To, "--to", "To ×", "to", "4", Accepts::Number(MULTIPLIER)),
    setting(Key::Steps, "--steps", "Steps", "steps", "8", Accepts::Whole(2, MAX_STEPS)),
];

const fn setting(
    key: Key,
    flag: &'static str,
    label: &'static str,
    option: &'static str,
    default: &'static str,
    accepts: Accepts,
) -> Setting {
    Setting { key, flag, label, option, default, accepts }
}

impl Key {
    pub fn setting(self) -> &'static Setting {
        SETTINGS.iter().find(|s| s.key == self).expect("every key has its row")
    }

    /// The setting of this JS option (or worker request field).
    pub fn of_option(option: &str) -> Option<Key> {
        SETTINGS.iter().find(|s| s.option == option).map(|s| s.key)
    }

    /// How `path` names the setting.
    pub fn name(self, path: Path) -> &'static str {
        let s = self.setting();
        match path {
            Path::Cli => s.flag,
            Path::Page => s.label,
            Path::Api => s.option,
        }
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.setting().option)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a setting's name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Key::of_option(v).ok_or_else(|| E::custom(format!("`{v}` is not a setting")))
            }
        }
        d.deserialize_str(Name)
    }
}

/// Why a setting's value is refused, and what to give instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub hint: String,
}

impl Refused {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Refused {
        Refused { message: message.into(), hint: hint.into() }
    }
}

/// A number in `range`, as written; the words every path refuses it with.
pub fn number(text: &str, range: &Range) -> Result<f64, Refused> {
    let hint = || format!("give a number {} (see Limits in the docs)", range.describe());
    let x: f64 = text.trim().parse().map_err(|_| Refused::new(format!("`{}` is not a number", text.trim()), hint()))?;
    in_range(x, range)
}

/// `x` when it lies in `range`.
pub fn in_range(x: f64, range: &Range) -> Result<f64, Refused> {
    range.check(x).map_err(|m| Refused::new(m, format!("give a number {} (see Limits in the docs)", range.describe())))
}

/// A whole number from `min` to `max`, as written.
pub fn whole(text: &str, min: u64, max: u64) -> Result<u64, Refused> {
    let text = text.trim();
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(whole_refused(text, min, max)),
    }
}

/// The words for a whole number outside `min..=max`.
pub fn whole_refused(text: &str, min: u64, max: u64) -> Refused {
    Refused::new(
        format!("`{text}` is not a whole number from {min} to {max}"),
        format!("give a whole number from {min} to {max} (see Limits in the docs)"),
    )
}

pub fn solver(text: &str) -> Result<SolverKind, Refused> {
    SolverKind::parse(text.trim()).ok_or_else(|| {
        let names: Vec<&str> = SolverKind::ALL.iter().map(|k| k.name()).collect();
        Refused::new(format!("unknown solver `{}`", text.trim()), format!("choose one of {}", names.join(", ")))
    })
}

pub fn percentile(text: &str) -> Result<Percentile, Refused> {
    Percentile::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Percentile::ALL.iter().map(|p| p.name()).collect();
        Refused::new(format!("unknown percentile `{}`", text.trim()), format!("choose one of {}", names.join(", ")))
    })
}

/// The GPU type of this id.
pub fn gpu_type(id: &str) -> Result<GpuSpec, Refused> {
    catalog::gpu(id.trim()).ok_or_else(|| {
        Refused::new(format!("unknown GPU `{}`", id.trim()), format!("choose one of {}", catalog::gpu_ids().join(", ")))
    })
}

/// A price, as written after a GPU's `=`.
pub fn price(text: &str) -> Result<f64, Refused> {
    let hint = || format!("a price is a number {} (see Limits in the docs)", PRICE.describe());
    let text = text.trim();
    let x: f64 = text.parse().map_err(|_| Refused::new(format!("`{text}` is not a price"), hint()))?;
    PRICE.check(x).map_err(|m| Refused::new(m, hint()))
}

/// The items of a comma-separated list, trimmed, empty ones left out.
pub fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').map(str::trim).filter(|t| !t.is_empty())
}
