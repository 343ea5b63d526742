//! The hardware: MIG-capable GPUs, their instance profiles, the layouts the driver accepts,
//! and a fleet of GPU types with their prices. Knows nothing of models, workloads or plans.

pub mod catalog;
pub mod fleet;
pub mod layouts;
pub mod products;
pub mod spec;
