//! Arbitrary bytes as a move JSON, then, when it parses, replayed by the move checker between
//! two fixed small plans.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use migplan_core::check::transition::check_transition;
use migplan_core::hardware::catalog::gpu;
use migplan_core::plan::transition::Transition;
use migplan_core::plan::Plan;

/// One GPU with a whole-GPU instance of `a`.
const FROM: &str = r#"{"gpu":"a100-40gb","gpu_count":1,
 "gpus":[{"id":0,"instances":[{"profile":"7g.40gb","start":0,"model":"a","batch":8,"processes":1,"throughput":100.0}]}],
 "models":[{"model":"a","rate":100.0,"slo_ms":50.0,"capacity":100.0}],
 "bound":{"lower":1,"proven_optimal":true},"baseline":{"whole_gpus":1},
 "solver":{"name":"greedy","seed":1,"elapsed_ms":0,"termination":"optimal"}}"#;

/// One GPU with a 4g and a 3g instance of `a`.
const TO: &str = r#"{"gpu":"a100-40gb","gpu_count":1,
 "gpus":[{"id":0,"instances":[{"profile":"4g.20gb","start":0,"model":"a","batch":4,"processes":1,"throughput":70.0},
                              {"profile":"3g.20gb","start":4,"model":"a","batch":4,"processes":1,"throughput":60.0}]}],
 "models":[{"model":"a","rate":110.0,"slo_ms":50.0,"capacity":130.0}],
 "bound":{"lower":1,"proven_optimal":true},"baseline":{"whole_gpus":2},
 "solver":{"name":"greedy","seed":1,"elapsed_ms":0,"termination":"optimal"}}"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(transition) = serde_json::from_str::<Transition>(&text) else { return };
    let g = gpu("a100-40gb").expect("the catalog has the A100 40GB");
    let from: Plan = serde_json::from_str(FROM).expect("the fixed running plan parses");
    let to: Plan = serde_json::from_str(TO).expect("the fixed target plan parses");
    let floors = BTreeMap::from([("a".to_string(), 100.0)]);
    let _ = check_transition(&g, &from, &to, &floors, &transition, 1);
});
