//! Which rows of a long table to draw: only those in view (and a few around), with spacers
//! for the rest, so a 1,000-row table costs a screenful of rows to render and to diff.

/// The rows to draw and the heights standing in for the rows above and below them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowsWindow {
    pub first: usize,
    /// One past the last row drawn.
    pub end: usize,
    pub above_px: f64,
    pub below_px: f64,
}

/// Rows drawn beyond the view on each side, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;

/// The window of `len` rows of `row_px` each seen through `view_px` scrolled to `scroll_top`.
pub fn rows_window(len: usize, scroll_top: f64, row_px: f64, view_px: f64) -> RowsWindow {
    let first = ((scroll_top.max(0.0) / row_px) as usize).saturating_sub(OVERSCAN).min(len);
    let end = (first + (view_px / row_px).ceil() as usize + 2 * OVERSCAN).min(len);
    RowsWindow { first, end, above_px: first as f64 * row_px, below_px: (len - end) as f64 * row_px }
}

/// The window of `len` rows of `row_px` each in a box `view_px` high, kept as the box
/// scrolls: give the callback to the box's `onscroll`.
#[cfg(target_arch = "wasm32")]
#[yew::hook]
pub fn use_rows_window(len: usize, row_px: f64, view_px: f64) -> (RowsWindow, yew::Callback<web_sys::Event>) {
    use web_sys::Element;
    use yew::TargetCast;
    let scroll_top = yew::use_state(|| 0.0);
    let on_scroll = {
        let scroll_top = scroll_top.clone();
        yew::Callback::from(move |e: web_sys::Event| {
            scroll_top.set(f64::from(e.target_unchecked_into::<Element>().scroll_top()))
        })
    };
    (rows_window(len, *scroll_top, row_px, view_px), on_scroll)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_covers_the_view_and_the_spacers_the_rest() {
        let w = rows_window(1000, 3200.0, 32.0, 320.0);
        assert!(w.first <= 100 && w.end >= 110, "{w:?}");
        assert_eq!(w.above_px + (w.end - w.first) as f64 * 32.0 + w.below_px, 32_000.0);
        assert_eq!(rows_window(5, 0.0, 32.0, 320.0), RowsWindow { first: 0, end: 5, above_px: 0.0, below_px: 0.0 });
        let bottom = rows_window(1000, 1e9, 32.0, 320.0);
        assert_eq!((bottom.end, bottom.below_px), (1000, 0.0));
    }
}
