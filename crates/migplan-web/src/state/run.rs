//! Where a run in the worker stands (a solve or the planning of a move), as the page shows it.

use migplan_core::solve::control::Phase;
use migplan_core::workflow::PhaseTimes;
use serde::{Deserialize, Serialize};

use crate::protocol::Status;

/// One point of the best-GPU-count-over-time chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProgressPoint {
    pub elapsed_ms: u64,
    pub gpus: usize,
}

/// Where a run in the worker stands: a solve, or the planning of a move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Run {
    pub running: bool,
    pub phase: Option<Phase>,
    pub elapsed_ms: u64,
    pub lower_bound: Option<usize>,
    pub points: Vec<ProgressPoint>,
    /// A note on how the last run ended (cancelled, failed).
    pub note: Option<String>,
    /// How long each phase of the last finished solve took in the worker.
    #[serde(default)]
    pub phases: Option<PhaseTimes>,
}

impl Run {
    pub(super) fn started() -> Run {
        Run { running: true, ..Run::default() }
    }

    pub(super) fn heard(&mut self, status: Status) {
        self.phase = Some(status.phase);
        self.elapsed_ms = status.elapsed_ms;
        self.lower_bound = Some(status.lower_bound);
        if let Some(gpus) = status.best_gpus {
            self.point(status.elapsed_ms, gpus);
        }
    }

    pub(super) fn point(&mut self, elapsed_ms: u64, gpus: usize) {
        if self.points.last().is_none_or(|p| p.gpus != gpus) {
            self.points.push(ProgressPoint { elapsed_ms, gpus });
        }
    }

    /// What the status line says while the run goes on.
    pub fn describe(&self, what: &str) -> String {
        let phase = self.phase.map_or("starting", describe);
        format!("{what}: {phase} ({:.1} s)", self.elapsed_ms as f64 / 1000.0)
    }
}

/// A phase in a few words for the status line.
fn describe(phase: Phase) -> &'static str {
    match phase {
        Phase::Bounding => "bounding",
        Phase::Searching => "searching",
        Phase::Improved => "improved",
        Phase::BoundRaised => "bound raised",
        Phase::Stopped(t) => t.as_str(),
    }
}
