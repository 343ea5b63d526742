//! The hardware: MIG-capable GPUs, their instance profiles and the layouts the driver accepts.
//! Knows nothing of models, workloads or plans.

pub mod catalog;
pub mod layouts;
pub mod products;
pub mod spec;
