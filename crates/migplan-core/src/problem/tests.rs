//! Building problems from small inputs: capacities within SLOs, and every refusal located.

use super::*;
use crate::hardware::catalog::gpu;
use crate::hardware::fleet::GpuType;
use crate::problem::input::{parse_profiles, parse_workload};

const PROFILES: &str = "model,profile,batch,latency_ms,throughput\n\
    bert,1g,8,40,200\nbert,1g,16,90,300\nbert,7g.40gb,16,12,1400\nbert,3g.20gb,16,30,700\n\
    resnet,7g,32,20,2500\n";

fn problem(workload: &str) -> Result<Problem, InputErrors> {
    let g = gpu("a100-40gb").unwrap();
    let p = parse_profiles("p.csv", PROFILES).unwrap();
    let w = parse_workload("w.csv", workload).unwrap();
    Problem::build(&Fleet::one(g), &p, &w)
}

#[test]
fn capacity_is_best_throughput_within_slo() {
    let pr = problem("model,rate,slo_ms\nbert,1000,50\n").unwrap();
    let g = pr.spec(0);
    let one = pr.capacity[0][g.profile("1g.5gb").unwrap()].unwrap();
    assert_eq!((one.throughput, one.batch), (200.0, 8));
    let pr = problem("model,rate,slo_ms\nbert,1000,100\n").unwrap();
    assert_eq!(pr.capacity[0][g.profile("1g.5gb").unwrap()].unwrap().batch, 16);
    assert_eq!(pr.usable_profiles.len(), 3);
    assert_eq!(pr.whole_gpu_baseline(), Some(1));
}

#[test]
fn unknown_model_is_named() {
    let e = problem("model,rate,slo_ms\nber,10,100\n").unwrap_err().0.remove(0);
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("`ber`"), "{e}");
    assert!(e.hint.unwrap().contains("bert"));
}

#[test]
fn slo_too_tight_names_best_latency() {
    let e = problem("model,rate,slo_ms\nbert,10,5\n").unwrap_err().0.remove(0);
    assert_eq!(e.column.as_deref(), Some("slo_ms"));
    assert!(e.message.contains("12 ms"), "{e}");
    assert!(e.message.contains("p.csv:4"), "{e}");
}

#[test]
fn duplicate_model_is_an_error() {
    let e = problem("model,rate,slo_ms\nbert,10,100\nbert,5,100\n").unwrap_err().0.remove(0);
    assert_eq!(e.line, Some(3));
}

#[test]
fn unknown_profile_names_the_gpu_profiles() {
    let g = gpu("a100-40gb").unwrap();
    let p = parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput\nbert,3g.40gb,1,10,100\n").unwrap();
    let w = parse_workload("w.csv", "model,rate,slo_ms\nbert,10,100\n").unwrap();
    let errs = Problem::build(&Fleet::one(g), &p, &w).unwrap_err().0;
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].line, errs[0].column.as_deref()), (Some(2), Some("profile")));
    assert!(errs[0].hint.as_ref().unwrap().contains("3g.20gb"));
}

#[test]
fn rows_of_another_gpu_are_one_error_per_profile_naming_that_gpu() {
    let p = parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput\nbert,3g.20gb,1,10,100\nbert,3g.20gb,2,12,150\nbert,7g.40gb,1,5,300\n").unwrap();
    let w = parse_workload("w.csv", "model,rate,slo_ms\nbert,10,100\n").unwrap();
    let errs = Problem::build(&Fleet::one(gpu("a30-24gb").unwrap()), &p, &w).unwrap_err().0;
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].message.contains("2 rows: lines 2, 3"), "{}", errs[0]);
    assert!(errs[0].hint.as_ref().unwrap().contains("--gpu a100-40gb"), "{}", errs[0]);
}

#[test]
fn instances_needed_rounds_up_without_float_noise() {
    assert_eq!(instances_needed(1000.0, 250.0), 4);
    assert_eq!(instances_needed(1000.1, 250.0), 5);
    assert_eq!(instances_needed(0.3, 0.1), 3);
    assert_eq!(instances_needed(0.0, 5.0), 0);
}

#[test]
fn rows_naming_their_gpu_belong_to_that_type_alone() {
    let (a100, h100) = (gpu("a100-40gb").unwrap(), gpu("h100-80gb").unwrap());
    let text = "model,profile,batch,latency_ms,throughput,gpu\nm,7g,1,5,1000,h100-80gb\nm,1g,1,5,100,\n";
    let rows = crate::problem::input::parse_profiles("p.csv", text).unwrap();
    let workload = crate::problem::input::parse_workload("w.csv", "model,rate,slo_ms\nm,500,10\n").unwrap();
    let types = vec![GpuType { spec: a100.clone(), price: 1.0 }, GpuType { spec: h100.clone(), price: 3.0 }];
    let problem = Problem::build(&Fleet::new(types).unwrap(), &rows, &workload).unwrap();
    let usable: Vec<&str> = problem.usable_profiles.iter().map(|&p| problem.profiles[p].name.as_str()).collect();
    assert_eq!(usable, ["1g.5gb", "1g.10gb", "7g.80gb"]);
    assert!(problem.layout_type.contains(&0) && problem.layout_type.contains(&1));
    // Planned on the A100 alone, the H100 row is not a row of the model.
    let alone = Problem::build(&Fleet::one(a100.clone()), &rows, &workload).unwrap();
    assert_eq!(alone.usable_profiles, vec![a100.profile("1g.5gb").unwrap()]);
}

#[test]
fn a_model_whose_rows_are_all_another_types_says_where_they_are() {
    let text = "model,profile,batch,latency_ms,throughput,gpu\nm,1g,1,5,100,\nx,7g,1,5,1000,h100-80gb\n";
    let rows = parse_profiles("p.csv", text).unwrap();
    let workload = parse_workload("w.csv", "model,rate,slo_ms\nm,50,10\nx,500,10\n").unwrap();
    let errors = Problem::build(&Fleet::one(gpu("a100-40gb").unwrap()), &rows, &workload).unwrap_err().0;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column.as_deref()), (Some(3), Some("model")));
    assert_eq!(
        errors[0].message,
        "model `x` has rows measured on h100-80gb only (first: p.csv:3), none for a100-40gb, which this plan is for"
    );
    assert!(errors[0].hint.as_deref().unwrap().starts_with("give --gpu h100-80gb too, or rows measured on a100-40gb"));
}
