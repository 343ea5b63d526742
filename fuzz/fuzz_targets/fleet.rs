//! Arbitrary bytes as the prices of a fleet (two GPU types, then a node price and its GPUs
//! per node, eight bytes each), planned for a small workload measured on both: the plan is
//! checked like every plan, and a price out of range is refused, never planned into a bug.
#![no_main]

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use migplan_core::hardware::catalog::gpu;
use migplan_core::problem::fleet::{NodePrice, PricedGpu};
use migplan_core::problem::input::{parse_profiles, parse_workload};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{plan_fleet_timed, Refusal};

const PROFILES: &str = "model,profile,batch,latency_ms,throughput,gpu\n\
    a,1g,1,10,100,a100-40gb\na,7g,8,20,900,a100-40gb\na,1g,1,8,230,h100-80gb\na,7g,8,15,2000,h100-80gb\n\
    b,3g,4,30,300,a100-40gb\nb,3g,4,20,700,h100-80gb\n";
const WORKLOAD: &str = "model,rate,slo_ms\na,2500,50\nb,900,50\n";

fuzz_target!(|data: &[u8]| {
    let number = |k: usize| data.get(8 * k..8 * k + 8).map(|b| f64::from_le_bytes(b.try_into().unwrap()));
    let (Some(a100), Some(h100)) = (number(0), number(1)) else { return };
    let nodes = number(2).map(|cost| NodePrice { cost, gpus_per_node: data.get(24).map_or(8, |&n| n as usize) });
    let fleet = [
        PricedGpu { spec: gpu("a100-40gb").unwrap(), cost: a100 },
        PricedGpu { spec: gpu("h100-80gb").unwrap(), cost: h100 },
    ];
    let profiles = parse_profiles("p.csv", PROFILES).unwrap();
    let workload = parse_workload("w.csv", WORKLOAD).unwrap();
    let options = RunOptions {
        solver: SolverKind::Exact,
        budget: Budget { time_limit: Some(Duration::from_millis(20)), max_iterations: Some(5) },
        seed: 1,
    };
    let planned = plan_fleet_timed(&fleet, nodes, &profiles, &workload, &options, &AtomicBool::new(false), None);
    assert!(!matches!(planned, Err(Refusal::PlannerBug { .. })), "{a100} {h100} {nodes:?}: {planned:?}");
});
