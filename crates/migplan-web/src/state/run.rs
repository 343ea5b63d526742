//! Where a run in the worker stands (a solve or the planning of a move), as the page shows it.

use migplan_core::solve::control::Phase;
use migplan_core::workflow::PhaseTimes;
use serde::{Deserialize, Serialize};

use crate::worker::protocol::{MoveTimes, Status};

/// One point of the progress chart: a GPU count (the best plan's, or the lower bound) and
/// when it was reached.
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
    /// Each new best GPU count, when it was found.
    pub points: Vec<ProgressPoint>,
    /// Each new lower bound, when it was proven.
    #[serde(default)]
    pub bounds: Vec<ProgressPoint>,
    /// When the run started by the page's clock (`Date.now()`, ms), so the page can show the
    /// time going on between the worker's reports.
    #[serde(default)]
    pub started_at_ms: f64,
    /// A note on how the last run ended (cancelled, failed).
    pub note: Option<String>,
    /// How long each phase of the last finished solve took in the worker.
    #[serde(default)]
    pub phases: Option<PhaseTimes>,
    /// Where the worker's time went in the last move planned.
    #[serde(default)]
    pub move_times: Option<MoveTimes>,
}

impl Run {
    pub(super) fn started(at_ms: f64) -> Run {
        Run { running: true, started_at_ms: at_ms, ..Run::default() }
    }

    pub(super) fn heard(&mut self, status: Status) {
        self.phase = Some(status.phase);
        self.elapsed_ms = status.elapsed_ms;
        self.bound(status.elapsed_ms, status.lower_bound);
        if let Some(gpus) = status.best_gpus {
            self.point(status.elapsed_ms, gpus);
        }
    }

    pub(super) fn point(&mut self, elapsed_ms: u64, gpus: usize) {
        if self.points.last().is_none_or(|p| p.gpus != gpus) {
            self.points.push(ProgressPoint { elapsed_ms, gpus });
        }
    }

    pub(super) fn bound(&mut self, elapsed_ms: u64, lower: usize) {
        // The worker says 0 until it has a bound: no point on the chart.
        if lower == 0 {
            return;
        }
        self.lower_bound = Some(lower);
        if self.bounds.last().is_none_or(|p| p.gpus != lower) {
            self.bounds.push(ProgressPoint { elapsed_ms, gpus: lower });
        }
    }

    /// How long the run has gone on at `now_ms` (the page's clock) while it runs, or how long
    /// it took once it stopped.
    pub fn elapsed_at(&self, now_ms: f64) -> u64 {
        if self.running && self.started_at_ms > 0.0 {
            self.elapsed_ms.max((now_ms - self.started_at_ms).max(0.0) as u64)
        } else {
            self.elapsed_ms
        }
    }

    /// What the status line says while the run goes on, `elapsed_ms` into it: the phase, the
    /// time, and when the best so far was found.
    pub fn describe(&self, what: &str, elapsed_ms: u64) -> String {
        let phase = self.phase.map_or("starting", describe);
        let found = match self.points.last() {
            Some(p) => format!("; best so far {} GPUs, found at {:.1} s", p.gpus, p.elapsed_ms as f64 / 1000.0),
            None => String::new(),
        };
        format!("{what}: {phase} ({:.1} s{found})", elapsed_ms as f64 / 1000.0)
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
