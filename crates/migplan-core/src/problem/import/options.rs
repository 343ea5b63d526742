//! What an import is told: the format, the GPU, the latency percentile and what the user
//! says about a file where the file does not.

use crate::hardware::spec::GpuSpec;

/// The formats `migplan import --from` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// migplan's own profiles CSV or JSON (contract.md).
    Migplan,
    PerfAnalyzer,
    ModelAnalyzer,
    Migperf,
    Parvagpu,
}

impl Format {
    pub const ALL: [Format; 5] =
        [Format::Migplan, Format::PerfAnalyzer, Format::ModelAnalyzer, Format::Migperf, Format::Parvagpu];

    /// The name `--from` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Migplan => "migplan",
            Format::PerfAnalyzer => "perf-analyzer",
            Format::ModelAnalyzer => "model-analyzer",
            Format::Migperf => "migperf",
            Format::Parvagpu => "parvagpu",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The columns that tell this format apart, as the error for an unknown file lists them.
    pub(crate) fn signature(self) -> &'static [&'static str] {
        match self {
            Format::Migplan => &["model", "profile", "batch", "latency_ms", "throughput"],
            Format::PerfAnalyzer => &["Inferences/Second", "p99 latency"],
            Format::ModelAnalyzer => &["Model", "Batch", "Throughput (infer/sec)"],
            Format::Migperf => &["model_name", "batch_size", "latency", "throughput"],
            Format::Parvagpu => &["Mig instance", "Batch size", "Workload Number", "Throughput", "Latency"],
        }
    }
}

/// Which latency percentile the SLO applies to, where a file has several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Percentile {
    P50,
    P90,
    P95,
    #[default]
    P99,
}

impl Percentile {
    pub const ALL: [Percentile; 4] = [Percentile::P50, Percentile::P90, Percentile::P95, Percentile::P99];

    pub fn name(self) -> &'static str {
        match self {
            Percentile::P50 => "p50",
            Percentile::P90 => "p90",
            Percentile::P95 => "p95",
            Percentile::P99 => "p99",
        }
    }

    pub fn parse(name: &str) -> Option<Percentile> {
        Percentile::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// What the user says about a file where the file does not (flags, or the page's table).
/// Each given value wins over the file name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Given {
    pub model: Option<String>,
    pub profile: Option<String>,
    pub batch: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `None`: recognise the format from the header.
    pub format: Option<Format>,
    /// Resolves profile ids and slice counts to names; without it they become short forms.
    pub gpu: Option<GpuSpec>,
    pub latency: Percentile,
    pub given: Given,
}

impl ImportOptions {
    /// How a plan's profiles files are read (the command line's `--profiles`, the JS API's
    /// profiles): any format, recognised by its header, profile ids resolved on `gpu`.
    pub fn for_plan(gpu: &GpuSpec, latency: Percentile) -> ImportOptions {
        ImportOptions { gpu: Some(gpu.clone()), latency, ..ImportOptions::default() }
    }
}
