//! A small SVG line chart: each meter's value at the start and after every decision.
//!
//! Lines differ by colour and by dash pattern, and are labelled at their ends, so the chart
//! reads without colour. The same figures are in a table under "Show the figures" for screen
//! readers and for anyone who prefers numbers.

use yew::prelude::*;

/// One line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Label, e.g. "Team morale".
    pub label: String,
    /// Values 0-100: the start, then after each decision.
    pub values: Vec<i32>,
}

/// Props for [`LineChart`].
#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    /// Element id prefix (for the title and description ids).
    pub id: AttrValue,
    /// A short title, e.g. "Meters across your decisions".
    pub title: AttrValue,
    /// The lines.
    pub series: Vec<Series>,
}

// Geometry is in whole chart units (the SVG scales to its box), so no floating-point
// formatting code is needed in the bundle.
const WIDTH: i32 = 700;
const HEIGHT: i32 = 260;
const LEFT: i32 = 40;
const RIGHT: i32 = 210;
const TOP: i32 = 14;
const BOTTOM: i32 = 34;
/// Smallest vertical gap between two end labels, in chart units.
const LABEL_GAP: i32 = 15;

fn x_at(i: usize, n: usize) -> i32 {
    let span = WIDTH - LEFT - RIGHT;
    if n <= 1 {
        LEFT
    } else {
        LEFT + span * i as i32 / (n as i32 - 1)
    }
}

fn y_at(v: i32) -> i32 {
    let span = HEIGHT - TOP - BOTTOM;
    TOP + span * (100 - v.clamp(0, 100)) / 100
}

/// Places end labels at their lines' last values, pushed apart so none overlap.
pub fn label_positions(last: &[i32]) -> Vec<i32> {
    let mut order: Vec<usize> = (0..last.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(last[i]));
    let mut ys = vec![0; last.len()];
    let mut prev: Option<i32> = None;
    for &i in &order {
        let mut y = y_at(last[i]) + 4;
        if let Some(p) = prev {
            y = y.max(p + LABEL_GAP);
        }
        ys[i] = y;
        prev = Some(y);
    }
    // If the labels ran off the bottom, shift them all up.
    let overflow = prev.map_or(0, |p| p - (HEIGHT - BOTTOM + 4));
    if overflow > 0 {
        for y in &mut ys {
            *y -= overflow;
        }
    }
    ys
}

/// The chart.
#[function_component(LineChart)]
pub fn line_chart(props: &LineChartProps) -> Html {
    let n = props
        .series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0);
    let title_id = format!("{}-title", props.id);
    let desc_id = format!("{}-desc", props.id);
    let description = props
        .series
        .iter()
        .map(|s| {
            let first = s.values.first().copied().unwrap_or(0);
            let last = s.values.last().copied().unwrap_or(0);
            format!("{} went from {first} to {last}.", s.label)
        })
        .collect::<Vec<_>>()
        .join(" ");
    let grid: Html = [0, 25, 50, 75, 100]
        .into_iter()
        .map(|v| {
            let y = y_at(v);
            html! {
                <g class="chart-grid">
                    <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={y.to_string()} y2={y.to_string()} />
                    <text x={(LEFT - 8).to_string()} y={(y + 4).to_string()} text-anchor="end">{ v }</text>
                </g>
            }
        })
        .collect();
    let ticks: Html = (0..n)
        .map(|i| {
            let label = if i == 0 {
                "Start".to_owned()
            } else {
                i.to_string()
            };
            html! {
                <text class="chart-tick" x={x_at(i, n).to_string()} y={(HEIGHT - BOTTOM + 18).to_string()} text-anchor="middle">{ label }</text>
            }
        })
        .collect();
    let last: Vec<i32> = props
        .series
        .iter()
        .map(|s| s.values.last().copied().unwrap_or(0))
        .collect();
    let label_ys = label_positions(&last);
    let lines: Html = props
        .series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let points = s
                .values
                .iter()
                .enumerate()
                .map(|(i, &v)| format!("{},{}", x_at(i, n), y_at(v)))
                .collect::<Vec<_>>()
                .join(" ");
            let dots: Html = s
                .values
                .iter()
                .enumerate()
                .map(|(i, &v)| html! { <circle cx={x_at(i, n).to_string()} cy={y_at(v).to_string()} r="4" /> })
                .collect();
            let end_x = x_at(s.values.len().saturating_sub(1), n) + 10;
            html! {
                <g class={classes!("chart-series", format!("series-{}", k % 6))}>
                    <polyline points={points} fill="none" />
                    { dots }
                    <text class="chart-label" x={end_x.to_string()} y={label_ys[k].to_string()}>
                        { format!("{} {}", s.label, last[k]) }
                    </text>
                </g>
            }
        })
        .collect();
    let header: Html = (0..n)
        .map(|i| {
            html! { <th scope="col">{ if i == 0 { "Start".to_owned() } else { format!("After {i}") } }</th> }
        })
        .collect();
    let rows: Html = props
        .series
        .iter()
        .map(|s| {
            html! {
                <tr>
                    <th scope="row">{ &s.label }</th>
                    { for s.values.iter().map(|v| html! { <td>{ v }</td> }) }
                </tr>
            }
        })
        .collect();
    html! {
        <figure class="chart line-chart">
            // On a phone the chart keeps a readable size and scrolls sideways in its own box.
            <div class="chart-scroll" tabindex="0" role="region" aria-label={props.title.clone()}>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-labelledby={format!("{title_id} {desc_id}")}>
                <title id={title_id}>{ &props.title }</title>
                <desc id={desc_id}>{ description }</desc>
                { grid }
                { ticks }
                { lines }
            </svg>
            </div>
            <p class="chart-hint" aria-hidden="true">{ "Scroll sideways to see the whole chart." }</p>
            <details class="chart-figures">
                <summary>{ "Show the figures" }</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Figures">
                    <table>
                        <caption>{ &props.title }</caption>
                        <thead><tr><th scope="col">{ "Meter" }</th>{ header }</tr></thead>
                        <tbody>{ rows }</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_labels_never_overlap_and_stay_on_the_chart() {
        for last in [
            vec![50, 50, 50],
            vec![0, 1, 2, 3],
            vec![100, 99],
            vec![70, 20],
        ] {
            let ys = label_positions(&last);
            let mut sorted = ys.clone();
            sorted.sort_unstable();
            for pair in sorted.windows(2) {
                assert!(pair[1] - pair[0] >= LABEL_GAP, "{last:?}: {ys:?}");
            }
            assert!(sorted.iter().all(|&y| y <= HEIGHT - BOTTOM + 4));
        }
    }

    #[test]
    fn scale_maps_the_range_onto_the_plot() {
        assert_eq!(y_at(100), TOP);
        assert_eq!(y_at(0), HEIGHT - BOTTOM);
        assert_eq!(y_at(150), TOP);
        assert_eq!(x_at(0, 5), LEFT);
        assert_eq!(x_at(4, 5), WIDTH - RIGHT);
    }
}
