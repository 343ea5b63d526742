//! Model colours, shared by the SVG export and the page: far apart for names that sort
//! together, each with the ink (black or white) that reads best on it.

use std::collections::BTreeMap;

use crate::sorting;

/// The golden angle: consecutive indices land on hues as far apart as the ones before allow.
const GOLDEN_DEGREES: f64 = 137.507_764;
/// Lightness steps, cycled once the hues come round again.
const LIGHTNESS: [f64; 3] = [0.42, 0.58, 0.32];

/// A colour per model of a plan: the i-th name in sorted order gets hue i × the golden angle,
/// so neighbours (densenet121, densenet169, densenet201) never share a hue family.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Palette {
    colors: BTreeMap<String, Color>,
}

/// A fill as `#rrggbb`, and the ink for text on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Color {
    pub fill: String,
    pub ink: &'static str,
}

impl Palette {
    pub fn new<'a>(models: impl IntoIterator<Item = &'a str>) -> Palette {
        let mut names: Vec<&str> = models.into_iter().collect();
        sorting::sort(&mut names);
        names.dedup();
        Palette { colors: names.iter().enumerate().map(|(i, m)| (m.to_string(), nth(i))).collect() }
    }

    /// The model's colour; a model outside the palette gets one from its name.
    pub fn color(&self, model: &str) -> Color {
        self.colors.get(model).cloned().unwrap_or_else(|| {
            let hash = model.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
            nth(hash as usize % 997)
        })
    }
}

/// The i-th colour of the sequence.
fn nth(i: usize) -> Color {
    let hue = (i as f64 * GOLDEN_DEGREES) % 360.0;
    let lightness = LIGHTNESS[(i / 8) % LIGHTNESS.len()];
    let (r, g, b) = hsl_to_rgb(hue, 0.62, lightness);
    let fill =
        format!("#{:02x}{:02x}{:02x}", (r * 255.0).round() as u8, (g * 255.0).round() as u8, (b * 255.0).round() as u8);
    // WCAG relative luminance; the better of black and white gives at least 4.58:1.
    let linear = |c: f64| if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
    let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    let ink = if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) { "#000000" } else { "#ffffff" };
    Color { fill, ink }
}

fn hsl_to_rgb(hue: f64, saturation: f64, lightness: f64) -> (f64, f64, f64) {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    (r + m, g + m, b + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hue_of(fill: &str) -> f64 {
        let v: Vec<f64> =
            (0..3).map(|k| u8::from_str_radix(&fill[1 + 2 * k..3 + 2 * k], 16).unwrap() as f64 / 255.0).collect();
        let (max, min) = (v.iter().cloned().fold(0.0, f64::max), v.iter().cloned().fold(1.0, f64::min));
        let d = max - min;
        let h = if max == v[0] {
            ((v[1] - v[2]) / d).rem_euclid(6.0)
        } else if max == v[1] {
            (v[2] - v[0]) / d + 2.0
        } else {
            (v[0] - v[1]) / d + 4.0
        };
        h * 60.0
    }

    #[test]
    fn neighbours_in_name_order_get_hues_far_apart() {
        let p = Palette::new(["densenet121", "densenet169", "densenet201", "resnet50"]);
        let hues: Vec<f64> =
            ["densenet121", "densenet169", "densenet201"].iter().map(|m| hue_of(&p.color(m).fill)).collect();
        for w in hues.windows(2) {
            let gap = (w[0] - w[1]).abs().min(360.0 - (w[0] - w[1]).abs());
            assert!(gap > 90.0, "{hues:?}");
        }
    }

    #[test]
    fn the_ink_contrasts_with_every_fill_at_aa() {
        let lum = |hex: &str| {
            let v: Vec<f64> =
                (0..3).map(|k| u8::from_str_radix(&hex[1 + 2 * k..3 + 2 * k], 16).unwrap() as f64 / 255.0).collect();
            let linear = |c: f64| if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) };
            0.2126 * linear(v[0]) + 0.7152 * linear(v[1]) + 0.0722 * linear(v[2])
        };
        for i in 0..500 {
            let c = nth(i);
            let (a, b) = (lum(&c.fill), lum(c.ink));
            let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
            assert!(ratio >= 4.5, "{c:?}: {ratio}");
        }
    }
}
