//! A horizontal bar chart as plain SVG: one bar per row, labelled, scaled to the largest value.
//! Readable at 360 px (the viewBox scales; labels sit above their bars).

use leptos::prelude::*;

/// Bars of `(label, value)`; `title` is announced to screen readers.
#[component]
pub fn BarChart(title: String, bars: Vec<(String, f64)>) -> impl IntoView {
    const WIDTH: f64 = 600.0;
    const ROW: f64 = 34.0;
    let max = bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let height = (bars.len() as f64 * ROW).max(ROW);
    let view_box = format!("0 0 {WIDTH} {height}");
    view! {
        <svg class="bar-chart" viewBox=view_box role="img" aria-label=title preserveAspectRatio="xMinYMin meet">
            {bars
                .into_iter()
                .enumerate()
                .map(|(i, (label, value))| {
                    let y = i as f64 * ROW;
                    let width = if max > 0.0 { (value / max * (WIDTH - 60.0)).max(if value > 0.0 { 2.0 } else { 0.0 }) } else { 0.0 };
                    let shown = if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") };
                    view! {
                        <g class="bar">
                            <text x="0" y=y + 12.0 class="bar-label">{label}</text>
                            <rect x="0" y=y + 16.0 width=width height="12" rx="3"></rect>
                            <text x=width + 6.0 y=y + 27.0 class="bar-value">{shown}</text>
                        </g>
                    }
                })
                .collect_view()}
        </svg>
    }
}
