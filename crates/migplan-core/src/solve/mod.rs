//! Planning: the lower bound and the solvers that search for plans meeting it.
//!
//! Layers, bottom up: [`control`] (budget, seed, cancel, observer) and [`deployment`] (the
//! solvers' working form); [`lp`], [`cover`], [`relaxation`] (with [`price_search`] for
//! large problems), [`pack`] and [`integer_master`] (the integer model's pieces);
//! [`executor`] (the `Solver` trait and running one); the solvers ([`exact`], [`heuristic`],
//! [`greedy`], [`ga`], [`mcts`], [`pipeline`]); and on top the [`registry`] of solvers a
//! user picks by name.

pub mod control;
pub mod cover;
pub mod deployment;
pub mod exact;
pub mod executor;
pub mod ga;
pub mod greedy;
pub mod heuristic;
pub mod integer_master;
pub mod lp;
pub mod mcts;
pub mod pack;
pub mod pipeline;
pub mod price_search;
pub mod registry;
pub mod relaxation;
