use super::nodes::{assign, config_name, Devices};
use super::*;
use crate::plan::{Baseline, Bound, PlanGpu, PlanInstance, PlanModel, SolverInfo, Termination};

fn instance(profile: &str, start: u8, model: Option<&str>) -> PlanInstance {
    PlanInstance {
        profile: profile.into(),
        start,
        model: model.map(String::from),
        batch: model.map(|_| 8),
        processes: model.map(|_| 1),
        throughput: model.map(|_| 100.0),
    }
}

/// A plan of `a` GPUs of layout A (3g+3g) and `b` of layout B (4g+2g+1g, one idle 1g).
fn plan(a: usize, b: usize) -> Plan {
    let mut gpus = Vec::new();
    for id in 0..a + b {
        let instances = if id < a {
            vec![instance("3g.20gb", 0, Some("bert")), instance("3g.20gb", 4, Some("bert"))]
        } else {
            vec![instance("4g.20gb", 0, Some("gpt")), instance("2g.10gb", 4, Some("bert")), instance("1g.5gb", 6, None)]
        };
        gpus.push(PlanGpu { id, gpu: None, node: None, device: None, instances });
    }
    Plan {
        gpu: "a100-40gb".into(),
        gpu_count: a + b,
        gpus,
        models: vec![],
        bound: Bound { lower: 1, proven_optimal: false },
        baseline: Baseline { whole_gpus: None },
        solver: SolverInfo { name: "test".into(), seed: 1, elapsed_ms: 0, termination: Termination::Finished },
        cost: None,
        headroom: None,
    }
}

fn options(per_node: usize) -> ExportOptions {
    ExportOptions { gpus_per_node: per_node, ..ExportOptions::default() }
}

#[test]
fn config_names_are_stable_and_readable() {
    assert_eq!(config_name(0), "migplan-a");
    assert_eq!(config_name(25), "migplan-z");
    assert_eq!(config_name(26), "migplan-aa");
    assert_eq!(config_name(27), "migplan-ab");
}

#[test]
fn full_nodes_of_one_layout_use_all() {
    let nodes = assign(&plan(16, 0), &options(8));
    assert_eq!(nodes.nodes.len(), 2);
    assert_eq!(nodes.configs.len(), 1);
    assert_eq!(nodes.configs[0].entries.len(), 1);
    assert_eq!(nodes.configs[0].entries[0].devices, Devices::All);
    assert!(nodes.nodes.iter().all(|n| n.config == "migplan-a"));
}

#[test]
fn balanced_nodes_share_one_config_where_uniform_would_need_two() {
    // 12 A + 4 B on 8-GPU nodes: two nodes of 6 A + 2 B share one config.
    let nodes = assign(&plan(12, 4), &options(8));
    assert_eq!(nodes.nodes.len(), 2);
    assert_eq!(nodes.configs.len(), 1, "{nodes:?}");
    let entries = &nodes.configs[0].entries;
    assert_eq!(entries[0].devices, Devices::List(vec![0, 1, 2, 3, 4, 5]));
    assert_eq!(entries[1].devices, Devices::List(vec![6, 7]));
}

#[test]
fn uniform_first_when_it_makes_fewer_configs() {
    // 17 A + 1 B on 8-GPU nodes: two full A nodes ("all") and one node of 1 A + 1 B.
    let nodes = assign(&plan(17, 1), &options(8));
    assert_eq!(nodes.nodes.len(), 3);
    assert_eq!(nodes.configs.len(), 2);
    let last = &nodes.configs[1];
    assert_eq!(last.entries.len(), 2);
    assert!(last.entries.iter().all(|e| matches!(&e.devices, Devices::List(l) if l.len() == 1)));
}

#[test]
fn a_partly_filled_node_lists_its_devices() {
    let nodes = assign(&plan(3, 0), &options(8));
    assert_eq!(nodes.nodes.len(), 1);
    assert_eq!(nodes.configs[0].entries[0].devices, Devices::List(vec![0, 1, 2]));
}

#[test]
fn every_gpu_lands_on_exactly_one_node_with_devices_below_the_node_size() {
    for (a, b) in [(0, 0), (1, 0), (5, 3), (9, 9), (20, 7), (3, 30)] {
        for per_node in [1, 2, 3, 4, 8] {
            let p = plan(a, b);
            let nodes = assign(&p, &options(per_node));
            assert_eq!(nodes.nodes.len(), (a + b).div_ceil(per_node));
            let mut ids: Vec<usize> = nodes.nodes.iter().flat_map(|n| n.gpus.clone()).collect();
            ids.sort_unstable();
            assert_eq!(ids, (0..a + b).collect::<Vec<_>>());
            for c in &nodes.configs {
                for e in &c.entries {
                    if let Devices::List(list) = &e.devices {
                        assert!(list.iter().all(|&d| d < per_node));
                    }
                }
            }
        }
    }
}

#[test]
fn options_are_checked() {
    let p = plan(9, 0);
    assert!(options(8).check(&p).is_ok());
    assert!(options(0).check(&p).is_err());
    assert!(options(MAX_GPUS_PER_NODE + 1).check(&p).is_err());
    let one_name = ExportOptions { node_names: vec!["a".into()], ..options(8) };
    assert!(one_name.check(&p).unwrap_err().contains("2 nodes"));
    let bad_name = ExportOptions { node_names: vec!["a".into(), "B_1".into()], ..options(8) };
    assert!(bad_name.check(&p).is_err());
    let names = ExportOptions { node_names: vec!["gpu-a".into(), "gpu-b.example".into()], ..options(8) };
    assert!(names.check(&p).is_ok());
    assert!(render(&p, &names, ExportFormat::GpuOperator).contains("kubectl label node gpu-b.example"));
}

#[test]
fn node_names_name_each_node_once() {
    let p = plan(9, 0);
    // Two names for one node each: a repeat would label the same node twice.
    let twice = ExportOptions { node_names: vec!["a".into(), "a".into()], ..options(8) };
    assert!(twice.check(&p).unwrap_err().contains("`a` is given twice"));
    // More names than nodes: the rest would name nothing, silently.
    let many = ExportOptions { node_names: (0..300).map(|i| format!("n{i}")).collect(), ..options(8) };
    assert!(many.check(&p).unwrap_err().contains("300 node names given but there are 2 nodes"));
    let image = ExportOptions { image: "reg/\u{1b}[31m:x".into(), ..options(8) };
    assert!(image.check(&p).is_err());
}

#[test]
fn csv_fields_a_reader_would_misread_are_quoted() {
    let mut p = plan(1, 0);
    p.gpus[0].instances[0].model = Some("#bert".into());
    let text = render(&p, &ExportOptions::default(), ExportFormat::Csv);
    assert!(text.contains(",\"#bert\","), "{text}");
}

#[test]
fn an_svg_of_too_many_gpus_is_refused_and_control_characters_never_reach_it() {
    let mut p = plan(2, 1);
    p.gpus[0].instances[0].model = Some("a\u{1b}[2Jb\u{0}".into());
    let text = render(&p, &ExportOptions::default(), ExportFormat::Svg);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
    assert!(check_format(&p, ExportFormat::Svg).is_ok());
    let gpu = p.gpus[1].clone();
    p.gpus = (0..svg::MAX_SVG_GPUS + 1).map(|id| PlanGpu { id, ..gpu.clone() }).collect();
    assert!(check_format(&p, ExportFormat::Svg).unwrap_err().contains("10001 GPUs"));
    assert!(check_format(&p, ExportFormat::Csv).is_ok());
}

#[test]
fn formats_round_trip_their_names() {
    for f in ExportFormat::ALL {
        assert_eq!(ExportFormat::parse(f.name()), Some(f));
    }
    assert_eq!(ExportFormat::parse("table"), None);
}

#[test]
fn formats_have_distinct_names_files_and_labels_and_mime_types_a_browser_accepts() {
    use std::collections::BTreeSet;
    let distinct = |seen: Vec<String>| seen.iter().collect::<BTreeSet<_>>().len() == ExportFormat::ALL.len();
    assert!(distinct(ExportFormat::ALL.map(|f| f.name().to_string()).to_vec()));
    assert!(distinct(ExportFormat::ALL.map(|f| f.file_name("a100-40gb")).to_vec()));
    assert!(distinct(ExportFormat::ALL.map(|f| f.label().to_string()).to_vec()));
    // A Blob's type: `type/subtype`, both RFC 9110 tokens, under a registered top-level type.
    let token = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b));
    let top_level = ["application", "font", "image", "model", "text"];
    for f in ExportFormat::ALL {
        let (kind, subtype) = f.mime().split_once('/').unwrap_or_else(|| panic!("{}: {}", f.name(), f.mime()));
        assert!(top_level.contains(&kind) && token(subtype), "{}: {}", f.name(), f.mime());
        assert!(!f.label().is_empty(), "{}", f.name());
    }
    // The names users have saved files under.
    assert_eq!(ExportFormat::MigParted.file_name("move"), "migplan-move-mig-parted.yaml");
    assert_eq!(ExportFormat::Svg.file_name("h100-80gb"), "migplan-h100-80gb.svg");
}

#[test]
fn model_names_become_dns_labels() {
    use super::options::dns_label;
    assert_eq!(dns_label("BERT_base/v2"), "bert-base-v2");
    assert_eq!(dns_label("__"), "model");
    let long = dns_label(&"x".repeat(100));
    assert!(long.len() <= 63 && long != dns_label(&"x".repeat(101)));
}

#[test]
fn svg_draws_every_instance_and_escapes_names() {
    let mut p = plan(2, 1);
    p.gpus[0].instances[0].model = Some("<b&b>".into());
    let text = render(&p, &ExportOptions::default(), ExportFormat::Svg);
    assert_eq!(text.matches(r#"<g class="instance""#).count(), 7);
    assert!(text.contains("&lt;b&amp;b&gt;") && !text.contains("<b&b>"));
}

#[test]
fn svg_labels_are_cut_to_their_box_and_the_names_kept_whole() {
    let mut p = plan(2, 1);
    let long = "a-model-name-far-longer-than-any-instance-is-wide".to_string();
    p.gpus[0].instances[0].model = Some(long.clone());
    p.models.push(PlanModel { model: long.clone(), rate: 1.0, slo_ms: 1.0, capacity: 1.0 });
    let text = render(&p, &ExportOptions::default(), ExportFormat::Svg);
    // The label is cut (with an ellipsis) while the tooltip, the data and the legend's title keep it.
    assert!(text.contains(&format!(r#"data-model="{long}""#)) && text.contains(&format!("<title>{long}</title>")));
    assert!(!text.contains(&format!(">{long}</text>")), "{text}");
    assert!(text.contains("…</text>"));
    assert_eq!(svg::fit("bert", 40.0, 10.0), "bert");
    assert_eq!(svg::fit("bert-large", 40.0, 10.0), "bert…");
    assert_eq!(svg::fit("bert", 10.0, 10.0), "");
}
