//! The bundled example, compiled in so that a first visit shows a plan with no download.

pub const A100_PROFILES: &str = include_str!("../../../../static/examples/a100-40gb-profiles.csv");
pub const A100_WORKLOAD: &str = include_str!("../../../../static/examples/a100-40gb-workload.csv");
pub const PROFILES_NAME: &str = "a100-40gb-profiles.csv";
pub const WORKLOAD_NAME: &str = "a100-40gb-workload.csv";
