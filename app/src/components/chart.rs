//! A horizontal bar chart as plain SVG: one bar per row, labelled, scaled to the largest value.
//! The bars are sized in percent of the chart's width and the text in pixels, so labels stay
//! readable from 360 px phones to wide screens.

use leptos::prelude::*;

/// The share of the width the longest bar takes; the rest holds its value.
const BAR_SHARE: f64 = 85.0;
const ROW: f64 = 34.0;

/// Bars of `(label, value)`; `title` is announced to screen readers.
#[component]
pub fn BarChart(title: String, bars: Vec<(String, f64)>) -> impl IntoView {
    let max = bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let height = (bars.len() as f64 * ROW).max(ROW);
    view! {
        <svg class="bar-chart" width="100%" height=height role="img" aria-label=title>
            {bars
                .into_iter()
                .enumerate()
                .map(|(i, (label, value))| {
                    let y = i as f64 * ROW;
                    let share = if max > 0.0 { value / max * BAR_SHARE } else { 0.0 };
                    // A non-zero value always shows a sliver.
                    let width = format!("{:.2}%", if value > 0.0 { share.max(0.6) } else { 0.0 });
                    let shown = if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") };
                    view! {
                        <g class="bar">
                            <text x="0" y=y + 12.0 class="bar-label">{label}</text>
                            <rect x="0" y=y + 16.0 width=width height="12" rx="3"></rect>
                            <text x=format!("{share:.2}%") dx="6" y=y + 27.0 class="bar-value">{shown}</text>
                        </g>
                    }
                })
                .collect_view()}
        </svg>
    }
}
