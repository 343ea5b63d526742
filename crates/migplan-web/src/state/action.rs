//! What the page can do to its state: every input, run event and reset.

use migplan_core::plan::Plan;
use migplan_core::problem::import::Percentile;
use migplan_core::problem::input::InputError;
use migplan_core::workflow::PhaseTimes;

use super::inputs::{Inputs, Source};
use crate::logic::profile_files::FileField;
use crate::worker::move_view::{FrontPoint, MoveView};
use crate::worker::protocol::{MoveTimes, Status, WorkerMessage};

pub enum Action {
    SetGpu(String),
    /// Files chosen or dropped together: they replace the profiles files.
    SetProfiles(Vec<Source>),
    /// The files of an upload that could not be read (each by name): they replace those of
    /// the last upload, and the files read come after.
    Uploaded {
        refused: Vec<InputError>,
    },
    /// A field typed or chosen in a profiles file's row of the file table.
    EditProfileFile {
        index: usize,
        field: FileField,
        value: String,
    },
    RemoveProfileFile(usize),
    SetLatency(Percentile),
    SetWorkload(Source),
    SetSolver(String),
    SetTimeLimit(String),
    SetSeed(String),
    SetHeadroom(String),
    SetGpusPerNode(String),
    LoadExample,
    /// A file of "Download inputs (JSON)" chosen to load (or why the browser could not read
    /// it): its inputs and settings replace the page's, or nothing changes but the error.
    LoadInputs(Result<Source, String>),
    /// A share link pasted into the open page: its inputs and settings (`Shared::settled`)
    /// replace the page's (the plans stay, for the inputs they were made for).
    OpenLink {
        inputs: Inputs,
        gpus_per_node: String,
        spare: String,
    },
    /// A solve starts, at this time of the page's clock (ms), for the current inputs.
    Started {
        at_ms: f64,
    },
    Progress {
        status: Status,
        plan: Option<Plan>,
    },
    Done(Plan, PhaseTimes),
    /// The worker refused the inputs (a solve or a move).
    Failed(Vec<InputError>),
    /// The user stopped the solve, at this time of the page's clock (ms).
    Cancelled {
        at_ms: f64,
    },
    /// The worker could not start or crashed.
    WorkerError(String),
    /// The plan on screen is what now runs on the cluster (at: ISO time).
    MarkDeployed {
        at: String,
    },
    /// An uploaded plan file is what runs on the cluster.
    UploadRunning {
        source: Result<Source, String>,
        at: String,
    },
    SetSpare(String),
    MoveStarted {
        at_ms: f64,
    },
    MoveProgress {
        status: Status,
        shown: Option<MoveView>,
    },
    MoveDone {
        front_id: u64,
        shown: MoveView,
        front: Vec<FrontPoint>,
        times: MoveTimes,
    },
    /// The user picked this point of the trade-off: its move is asked of the worker.
    PickMove(usize),
    MoveShown {
        front_id: u64,
        point: usize,
        shown: Option<MoveView>,
    },
    MoveCancelled {
        at_ms: f64,
    },
    Clear,
}

impl Action {
    /// What a message of the page's planning worker does to the state; `None` for the
    /// messages it does not act on (`Ready`, and the capacity panel's answer, which that
    /// panel's own worker hears).
    pub fn heard(message: WorkerMessage) -> Option<Action> {
        Some(match message {
            WorkerMessage::Progress { status, plan } => Action::Progress { status, plan },
            WorkerMessage::Done { plan, phases } => Action::Done(plan, phases),
            WorkerMessage::MoveProgress { status, shown } => Action::MoveProgress { status, shown },
            WorkerMessage::MoveDone { front_id, shown, front, times } => {
                Action::MoveDone { front_id, shown, front, times }
            }
            WorkerMessage::MoveShown { front_id, point, shown } => Action::MoveShown { front_id, point, shown },
            WorkerMessage::Failed { errors } => Action::Failed(errors),
            WorkerMessage::Crashed { message } => Action::WorkerError(message),
            WorkerMessage::Ready | WorkerMessage::Capacity { .. } => return None,
        })
    }
}
