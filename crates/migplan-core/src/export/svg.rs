//! The plan's GPUs as a standalone SVG: the picture the page draws (memory slots, each
//! instance at its start and width, coloured by model, idle ones dashed), one row per GPU,
//! for docs and slides. Each instance is a `<g class="instance">` with a `<title>` tooltip.

use std::fmt::Write;

use super::palette::Palette;
use crate::hardware::catalog;
use crate::plan::Plan;
use crate::sorting;

/// The most GPUs an SVG draws, one row each: about 20 MB of picture, and far past what a
/// picture shows anyone.
pub const MAX_SVG_GPUS: usize = 10_000;

/// `text` safe inside SVG text and attributes. A control character, which XML 1.0 does not
/// allow at all (the SVG would not open), becomes U+FFFD; the readers refuse such names, so
/// only a plan made elsewhere can hold one.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The widest a character of the labels gets at `font_size` (system-ui, bold digits and
/// capitals included): labels are cut to what this says fits, so they stay inside their box
/// whatever font the viewer has; each box also clips its labels.
fn char_width(font_size: f64) -> f64 {
    font_size * 0.68
}

/// `text` cut to fit `width` pixels at `font_size`, ending in "…" when cut; empty when not
/// even one character and the ellipsis fit.
pub(super) fn fit(text: &str, width: f64, font_size: f64) -> String {
    let room = (width / char_width(font_size)).floor().max(0.0) as usize;
    let count = text.chars().count();
    if count <= room {
        text.to_string()
    } else if room >= 2 {
        text.chars().take(room - 1).chain(['…']).collect()
    } else {
        String::new()
    }
}

const WIDTH: f64 = 760.0;
const LABEL: f64 = 70.0;
const ROW: f64 = 40.0;
const TOP: f64 = 34.0;
const LEGEND_COLUMN: f64 = 185.0;

/// The SVG picture of `plan`.
pub fn svg(plan: &Plan) -> String {
    let spec = catalog::gpu(&plan.gpu);
    let slots = spec.as_ref().map_or(8, |g| g.memory_slots) as f64;
    let size_of = |profile: &str| {
        spec.as_ref().and_then(|g| g.profiles.iter().find(|p| p.name == profile)).map_or(1, |p| p.memory_slots) as f64
    };
    let mut models: Vec<&str> = plan.models.iter().map(|m| m.model.as_str()).collect();
    sorting::sort(&mut models);
    let palette = Palette::new(models.iter().copied());
    let legend_rows = models.len().div_ceil(4) + 1;
    let height = TOP + ROW * plan.gpus.len() as f64 + 20.0 * legend_rows as f64 + 16.0;
    let slot_w = (WIDTH - LABEL - 10.0) / slots;
    let instances: usize = plan.gpus.iter().map(|g| g.instances.len()).sum();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="system-ui, sans-serif" font-size="11" data-gpus="{}" data-instances="{instances}">"#,
        plan.gpus.len()
    );
    let _ = writeln!(
        s,
        r#"<title>{}</title><rect width="100%" height="100%" fill="white"/>"#,
        escape(&format!("migplan: {} x {}", plan.gpus.len(), plan.gpu))
    );
    let _ = writeln!(
        s,
        r#"<text x="8" y="20" font-size="14" font-weight="bold">{}</text>"#,
        escape(&format!("{} x {} ({} instances; solver {})", plan.gpus.len(), plan.gpu, instances, plan.solver.name))
    );
    for (row, g) in plan.gpus.iter().enumerate() {
        let y = TOP + ROW * row as f64;
        let _ = writeln!(s, r#"<g class="gpu" data-gpu="{}">"#, g.id);
        let _ = writeln!(s, r#"<text x="8" y="{:.1}">GPU {}</text>"#, y + ROW / 2.0 + 4.0, g.id);
        let _ = writeln!(
            s,
            r##"<rect x="{LABEL}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="#f4f4f4" stroke="#999"/>"##,
            slot_w * slots,
            ROW - 6.0
        );
        for i in &g.instances {
            let x = LABEL + slot_w * i.start as f64;
            let w = slot_w * size_of(&i.profile) - 2.0;
            let (fill, ink, dash, label, tip) = match &i.model {
                Some(m) => (
                    palette.color(m).fill,
                    palette.color(m).ink,
                    "",
                    m.clone(),
                    format!(
                        "{m} on {} at slot {}: batch {}, {} process(es), {:.1} req/s",
                        i.profile,
                        i.start,
                        i.batch.map_or("?".into(), |b| b.to_string()),
                        i.processes.unwrap_or(1),
                        i.throughput.unwrap_or(0.0)
                    ),
                ),
                None => (
                    "white".into(),
                    "#000000",
                    r#" stroke-dasharray="4 3""#,
                    "idle".into(),
                    format!("idle {} at slot {}", i.profile, i.start),
                ),
            };
            // The labels sit in a box of their own (a nested <svg> clips what it holds), cut to
            // its width: a long name never runs over the next instance.
            let inner = (w - 6.0).max(0.0);
            let _ = writeln!(
                s,
                r##"<g class="instance" data-profile="{}" data-start="{}" data-model="{}"><title>{}</title><rect x="{:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" rx="3" fill="{fill}" stroke="#333"{dash}/><svg x="{:.1}" y="{:.1}" width="{inner:.1}" height="{:.1}"><text x="0" y="12" font-size="10" fill="{ink}">{}</text><text x="0" y="26" font-size="10" font-weight="bold" fill="{ink}">{}</text></svg></g>"##,
                escape(&i.profile),
                i.start,
                escape(i.model.as_deref().unwrap_or("")),
                escape(&tip),
                x + 1.0,
                y + 1.0,
                ROW - 8.0,
                x + 4.0,
                y + 1.0,
                ROW - 8.0,
                escape(&fit(&i.profile, inner, 10.0)),
                escape(&fit(&label, inner, 10.0)),
            );
        }
        s.push_str("</g>\n");
    }
    let legend_y = TOP + ROW * plan.gpus.len() as f64 + 12.0;
    let swatches =
        models.iter().map(|m| (palette.color(m).fill, m.to_string())).chain([("white".into(), "idle".into())]);
    for (k, (color, name)) in swatches.enumerate() {
        let (x, y) = (8.0 + LEGEND_COLUMN * (k % 4) as f64, legend_y + 20.0 * (k / 4) as f64);
        // A legend entry keeps to its column; the whole name is its tooltip.
        let _ = writeln!(
            s,
            r##"<g class="legend-entry"><title>{}</title><rect x="{x:.1}" y="{y:.1}" width="12" height="12" fill="{color}" stroke="#333"/><text x="{:.1}" y="{:.1}">{}</text></g>"##,
            escape(&name),
            x + 16.0,
            y + 10.0,
            escape(&fit(&name, LEGEND_COLUMN - 24.0, 11.0))
        );
    }
    s.push_str("</svg>\n");
    s
}
