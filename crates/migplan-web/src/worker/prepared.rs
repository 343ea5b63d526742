//! A request's inputs parsed and checked, as every request needs them, and the messages that
//! say what is wrong with them.

use migplan_core::hardware::spec::GpuSpec;
use migplan_core::problem::input::{parse_workload, InputError, ProfileRow, WorkloadRow};
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::{Key, Path};
use migplan_core::workflow::{Refusal, Request};

use crate::logic::profile_files;
use crate::worker::protocol::{PlanRequest, WorkerMessage};

pub(crate) fn failure(message: String, hint: &str) -> WorkerMessage {
    WorkerMessage::Failed {
        errors: vec![InputError {
            file: String::new(),
            line: None,
            column: None,
            character: None,
            message,
            hint: Some(hint.into()),
        }],
    }
}

/// A refusal as the page lists problems: located input errors as they are, anything else
/// as one message.
pub(crate) fn refused(refusal: Refusal) -> WorkerMessage {
    match refusal {
        Refusal::Inputs(errors) => WorkerMessage::Failed { errors: errors.0 },
        other => failure(other.to_string(), "nothing was planned: fix what the list says and try again"),
    }
}

pub(crate) struct Prepared {
    /// The inputs' settings with the request's own read over them.
    pub request: Request,
    /// The inputs' GPU: the profiles are read as measured on it.
    pub gpu: GpuSpec,
    pub profiles: Vec<ProfileRow>,
    pub workload: Vec<WorkloadRow>,
}

/// The settings, read through the table as the page names them.
fn read(asked: &Asked) -> Result<Request, Box<WorkerMessage>> {
    Request::read(asked, Path::Page).map_err(|e| Box::new(WorkerMessage::Failed { errors: e.0 }))
}

/// The parsed inputs, with the request's own settings (`own`: a move's spare GPUs, the
/// capacity panel's GPU types and multipliers) read over the inputs' settings, or the message
/// that says what is wrong.
pub(crate) fn prepare(inputs: &PlanRequest, own: &Asked) -> Result<Prepared, Box<WorkerMessage>> {
    let mut asked = inputs.settings.clone();
    asked.extend(own.iter().map(|(k, v)| (*k, v.clone())));
    let request = read(&asked)?;
    let gpu = if own.contains_key(&Key::Gpu) { read(&inputs.settings)?.fleet } else { request.fleet.clone() };
    let gpu = gpu.first().clone();
    let profiles = profile_files::import_all(&inputs.profiles, gpu.id, request.latency).map(|(rows, _)| rows);
    let workload = parse_workload(&inputs.workload_name, &inputs.workload_text);
    match (profiles, workload) {
        (Ok(profiles), Ok(workload)) => Ok(Prepared { request, gpu, profiles, workload }),
        (p, w) => {
            let mut errors = p.err().map(|e| e.0).unwrap_or_default();
            errors.extend(w.err().map(|e| e.0).unwrap_or_default());
            Err(Box::new(WorkerMessage::Failed { errors }))
        }
    }
}
