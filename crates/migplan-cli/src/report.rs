//! Human-readable tables for the terminal.

use std::fmt::Write;

use migplan_core::hardware::layouts::Layout;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::{Plan, PlanGpu};

pub fn gpus_table(gpus: &[GpuSpec]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{:<18} {:>6} {:>6}  {:<9} profiles", "id", "slices", "memory", "placement");
    for g in gpus {
        let profiles: Vec<&str> = g.profiles.iter().map(|p| p.name.as_str()).collect();
        let _ = writeln!(
            out,
            "{:<18} {:>6} {:>4}GB  {:<9} {}",
            g.id,
            g.compute_slices,
            g.memory_gb,
            if g.placements_assumed() { "assumed" } else { "published" },
            profiles.join(" ")
        );
    }
    out
}

pub fn layouts_table(gpu: &GpuSpec, layouts: &[Layout]) -> String {
    let mut out = format!("{} maximal layouts of {} (plain profiles; start in memory slots)\n", layouts.len(), gpu.id);
    for l in layouts {
        let cells: Vec<String> =
            l.placements.iter().map(|p| format!("[{}@{}]", gpu.profiles[p.profile].name, p.start)).collect();
        let _ = writeln!(out, "  {}", cells.join(""));
    }
    out
}

pub fn gpu_cells(g: &PlanGpu) -> String {
    let cells: String =
        g.instances.iter().map(|i| format!("[{} {}]", i.profile, i.model.as_deref().unwrap_or("idle"))).collect();
    match &g.gpu {
        Some(gpu_type) => format!("{gpu_type} {cells}"),
        None => cells,
    }
}

pub fn plan_table(plan: &Plan) -> String {
    let mut out = String::new();
    let bound = if plan.bound.proven_optimal {
        "proven optimal".to_string()
    } else {
        format!("lower bound {}, gap {}", plan.bound.lower, plan.gpu_count - plan.bound.lower)
    };
    match &plan.cost {
        Some(cost) => {
            let bound = if plan.bound.proven_optimal {
                "proven optimal".to_string()
            } else {
                format!("lower bound {:.2}", cost.lower)
            };
            let mut types = Vec::new();
            for (gpu_type, spent) in &cost.per_type {
                let n = plan.gpus.iter().filter(|g| g.gpu.as_deref().unwrap_or(&plan.gpu) == gpu_type).count();
                types.push(format!("{n} x {gpu_type} ({spent:.2})"));
            }
            if let Some(nodes) = &cost.nodes {
                let each = nodes.gpus_per_node;
                types.push(format!(
                    "{} nodes, {each} GPUs per node ({:.2})",
                    nodes.count,
                    nodes.count as f64 * nodes.cost_each
                ));
            }
            let _ = writeln!(
                out,
                "{} GPUs: {}; cost {:.2} ({bound}; solver {}, {} ms)",
                plan.gpu_count,
                types.join(" + "),
                cost.total,
                plan.solver.name,
                plan.solver.elapsed_ms
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{} x {} ({bound}; solver {}, {} ms)",
                plan.gpu_count, plan.gpu, plan.solver.name, plan.solver.elapsed_ms
            );
        }
    }
    if let Some(h) = &plan.headroom {
        let cost = plan
            .cost
            .as_ref()
            .map_or(plan.gpu_count as f64 * h.cost_without / h.gpus_without.max(1) as f64, |c| c.total);
        let per_model: Vec<String> = h.per_model.iter().map(|(m, p)| format!("{m} {p}%")).collect();
        let _ = writeln!(
            out,
            "headroom {}%{}: {} GPUs (cost {:.2}) against {} GPUs (cost {:.2}) for the measured demand",
            h.percent,
            if per_model.is_empty() { String::new() } else { format!(" ({})", per_model.join(", ")) },
            plan.gpu_count,
            cost,
            h.gpus_without,
            h.cost_without
        );
    }
    if let Some(whole) = plan.baseline.whole_gpus {
        let saving = if whole > 0 { 100.0 * (whole as f64 - plan.gpu_count as f64) / whole as f64 } else { 0.0 };
        let _ = writeln!(out, "whole GPUs only: {whole}; MIG saves {saving:.1}%");
    } else {
        let _ = writeln!(out, "whole GPUs only: not possible (some model misses its SLO on a whole GPU)");
    }
    let _ = writeln!(out, "\nGPUs");
    // Identical GPUs once, with their count, in order of first appearance.
    let mut groups: Vec<(String, usize)> = Vec::new();
    let mut group_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for g in &plan.gpus {
        let cells = gpu_cells(g);
        match group_of.get(&cells) {
            Some(&k) => groups[k].1 += 1,
            None => {
                group_of.insert(cells.clone(), groups.len());
                groups.push((cells, 1));
            }
        }
    }
    for (cells, n) in groups {
        let _ = writeln!(out, "  x{n:<3} {cells}");
    }
    let width = plan.models.iter().map(|m| m.model.len()).max().unwrap_or(5).max(5);
    let _ = writeln!(out, "\n{:<width$} {:>10} {:>10} {:>9}", "model", "demand/s", "capacity/s", "headroom");
    for m in &plan.models {
        let headroom =
            if m.rate > 0.0 { format!("{:+.1}%", 100.0 * (m.capacity - m.rate) / m.rate) } else { "-".into() };
        let _ = writeln!(out, "{:<width$} {:>10.1} {:>10.1} {:>9}", m.model, m.rate, m.capacity, headroom);
    }
    out
}
