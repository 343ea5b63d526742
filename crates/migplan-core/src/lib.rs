//! migplan-core: plan how to slice MIG GPUs to serve many models with as few GPUs as possible.
//!
//! Plain data in, plain data out: no files, no globals, no clock but `web-time`'s, so the same
//! code runs natively and in a browser worker. See ARCHITECTURE.md for the map.

pub mod catalog;
pub mod cover;
pub mod exact;
pub mod ga;
pub mod generate;
pub mod greedy;
pub mod heuristic;
pub mod input;
pub mod layouts;
pub mod mcts;
pub mod pack;
pub mod pipeline;
pub mod plan;
pub mod problem;
pub mod relaxation;
pub mod solver;
pub mod transition;
pub mod transition_check;
pub mod validate;
