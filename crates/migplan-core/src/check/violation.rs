//! Every way a plan can be wrong, and its words: what [`super::plan`] and [`super::fleet`]
//! report.

use std::fmt;

/// The largest GPU id a plan may use: far more GPUs than any cluster, small enough that a
/// move can number the GPUs it adds after it.
pub const MAX_GPU_ID: usize = 1_000_000_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    WrongGpu {
        plan: String,
        expected: String,
    },
    GpuCountMismatch {
        stated: usize,
        actual: usize,
    },
    DuplicateGpuId {
        gpu: usize,
    },
    GpuIdTooLarge {
        gpu: usize,
    },
    /// A number of the plan outside the range migplan reads (see Limits in the docs).
    OutOfRange {
        place: String,
        field: &'static str,
        problem: String,
    },
    /// A model's name no reader accepts (a control character, a spreadsheet formula's
    /// start): exporting it would write what the readers refuse.
    BadName {
        place: String,
        name: String,
        problem: String,
    },
    UnknownProfile {
        gpu: usize,
        profile: String,
    },
    IllegalStart {
        gpu: usize,
        profile: String,
        start: u8,
        legal: Vec<u8>,
    },
    Overlap {
        gpu: usize,
        first: String,
        second: String,
    },
    ComputeOverBudget {
        gpu: usize,
        used: u32,
        total: u8,
    },
    TooManyInstances {
        gpu: usize,
        profile: String,
        count: u32,
        max: u8,
    },
    UnknownModel {
        gpu: usize,
        model: String,
    },
    NoRowWithinSlo {
        gpu: usize,
        model: String,
        profile: String,
        batch: Option<u32>,
        processes: Option<u32>,
    },
    ThroughputOverstated {
        gpu: usize,
        model: String,
        profile: String,
        stated: f64,
        measured: f64,
    },
    UnderCapacity {
        model: String,
        capacity: f64,
        rate: f64,
    },
    StatedCapacityWrong {
        model: String,
        stated: f64,
        actual: f64,
    },
    BoundAboveCount {
        lower: usize,
        count: usize,
    },
    FalseOptimalClaim {
        lower: usize,
        count: usize,
    },
    /// A GPU of a type the plan was not checked for.
    TypeNotPlanned {
        gpu: usize,
        gpu_type: String,
    },
    /// A number of the plan's `cost` that its GPUs and the prices do not give.
    CostWrong {
        field: String,
        stated: f64,
        actual: f64,
    },
    /// A number of the plan's `cost` that no plan can hold.
    CostOutOfRange {
        field: String,
        problem: String,
    },
    /// A mixed fleet's plan without its `cost`.
    CostMissing,
    CostBoundAbove {
        lower: f64,
        total: f64,
    },
    FalseCostOptimalClaim {
        lower: f64,
        total: f64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self {
            WrongGpu { plan, expected } => write!(f, "the plan is for `{plan}`, not `{expected}`"),
            GpuCountMismatch { stated, actual } => {
                write!(f, "gpu_count says {stated} but the plan lists {actual} GPUs")
            }
            DuplicateGpuId { gpu } => write!(f, "GPU id {gpu} appears more than once"),
            GpuIdTooLarge { gpu } => write!(f, "GPU id {gpu} is above {MAX_GPU_ID}, the largest a plan may use"),
            OutOfRange { place, field, problem } => write!(f, "{place}: `{field}` {problem}"),
            BadName { place, name, problem } => write!(f, "{place}: `{}`: {problem}", name.escape_debug()),
            UnknownProfile { gpu, profile } => write!(f, "GPU {gpu}: `{profile}` is not a profile of this GPU"),
            IllegalStart { gpu, profile, start, legal } => {
                write!(f, "GPU {gpu}: {profile} cannot start at memory slot {start} (legal starts: {legal:?})")
            }
            Overlap { gpu, first, second } => write!(f, "GPU {gpu}: {first} and {second} overlap in memory slots"),
            ComputeOverBudget { gpu, used, total } => {
                write!(f, "GPU {gpu}: instances use {used} compute slices, more than the {total} it has")
            }
            TooManyInstances { gpu, profile, count, max } => {
                write!(f, "GPU {gpu}: {count} instances of {profile}, at most {max} allowed")
            }
            UnknownModel { gpu, model } => write!(f, "GPU {gpu}: model `{model}` is not in the workload"),
            NoRowWithinSlo { gpu, model, profile, batch, processes } => write!(
                f,
                "GPU {gpu}: no profile row of `{model}` on {profile}{}{} meets its SLO",
                batch.map(|b| format!(" at batch {b}")).unwrap_or_default(),
                processes.map(|p| format!(" with {p} processes")).unwrap_or_default()
            ),
            ThroughputOverstated { gpu, model, profile, stated, measured } => {
                write!(f, "GPU {gpu}: `{model}` on {profile} is stated at {stated}/s but measured at {measured}/s")
            }
            UnderCapacity { model, capacity, rate } => {
                write!(f, "`{model}` gets {capacity:.2}/s of capacity but needs {rate}/s")
            }
            StatedCapacityWrong { model, stated, actual } => {
                write!(f, "`{model}`: the plan states capacity {stated} but its instances give {actual:.2}")
            }
            BoundAboveCount { lower, count } => {
                write!(f, "bound.lower is {lower}, above the plan's own {count} GPUs")
            }
            FalseOptimalClaim { lower, count } => {
                write!(f, "bound.proven_optimal is true but the bound {lower} is not the {count} GPUs used")
            }
            TypeNotPlanned { gpu, gpu_type } => write!(f, "GPU {gpu} is a `{gpu_type}`, not a type planned for"),
            CostWrong { field, stated, actual } => write!(f, "cost.{field} says {stated} but the plan gives {actual}"),
            CostOutOfRange { field, problem } => write!(f, "cost.{field}: {problem}"),
            CostMissing => write!(f, "a plan over several GPU types must state its `cost`"),
            CostBoundAbove { lower, total } => write!(f, "cost.lower is {lower}, above the plan's own cost {total}"),
            FalseCostOptimalClaim { lower, total } => {
                write!(f, "bound.proven_optimal is true but the cost {total} is above the bound {lower}")
            }
        }
    }
}
