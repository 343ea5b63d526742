//! The independent checkers every plan and every move passes before it reaches a user.
//!
//! They share no code with the solvers or the move planner: they read the plan and move JSON,
//! check each GPU against the catalog's raw placement rules, and recompute capacities from the
//! profile rows themselves.

pub mod fleet;
pub mod plan;
pub mod transition;
pub mod violation;
