//! migplan-core: plan how to slice MIG GPUs to serve many models with as few GPUs as possible.
//!
//! Plain data in, plain data out: no files, no globals, no clock but `web-time`'s (read only
//! through [`solve::control::Control`]), so the same code runs natively and in a browser
//! worker. Data flows one way through the folders below; ARCHITECTURE.md draws the map and
//! `scripts/check-layers.py` checks that no module imports against the flow.
//!
//! - [`hardware`]: the GPUs, their profiles and legal layouts.
//! - [`problem`]: profile and workload rows read from text, and the planning problem built
//!   from them.
//! - [`plan`]: the plan and move JSON of contract.md, plain data shared by everything.
//! - [`solve`]: the bound and the solvers, run under one `Control`.
//! - [`moves`]: moving a running plan to a new one.
//! - [`check`]: the independent checkers of plans and moves.
//! - [`export`]: a plan as text in every format migplan writes, and what users see of each
//!   format ([`export::ExportFormat`]: its name, label, file name and MIME type).
//! - [`cluster`]: a running cluster read as a plan, and a move written as a runbook.
//! - [`sorting`]: one sort for everything but the checkers, so the web binary holds one.
//! - [`text`]: the names readers accept, the CSV every writer quotes alike, terminal-safe
//!   messages.
//! - [`workflow`]: what the command line and the browser worker call: plan or move, then
//!   check, so nothing leaves unchecked.

pub mod check;
pub mod cluster;
pub mod export;
pub mod hardware;
pub mod moves;
pub mod plan;
pub mod problem;
pub mod solve;
pub mod sorting;
pub mod text;
pub mod workflow;
