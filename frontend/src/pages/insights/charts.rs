//! Charts as SVG components: horizontal bars (with an optional reference
//! line), stacked status bars and a line over time. Each scales to its
//! container (`viewBox`, width 100 %), so it reads on a 360 px phone; every
//! bar carries its number as text, and each chart a `<title>` for screen
//! readers.

use leptos::prelude::*;

/// One bar: a label and a value in 0–100 (none: no data).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The label (a school, grade, class, mentor).
    pub label: String,
    /// Whole percent, or none.
    pub value: Option<i64>,
}

const W: f64 = 320.0;
const LABEL_W: f64 = 118.0;
const ROW: f64 = 26.0;

fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// Horizontal percent bars; `reference` draws a dashed line (e.g. the
/// district's rate) labelled `reference_label`.
#[component]
pub fn PercentBars(
    /// Accessible title.
    title: String,
    /// The bars.
    bars: Vec<Bar>,
    /// A reference value (0–100).
    #[prop(optional)]
    reference: Option<i64>,
    /// The reference's label.
    #[prop(optional)]
    reference_label: String,
    /// The chart's id (tests).
    #[prop(optional)]
    id: &'static str,
) -> impl IntoView {
    let plot = W - LABEL_W - 34.0;
    let h = ROW * bars.len() as f64 + if reference.is_some() { 18.0 } else { 4.0 };
    let x = move |v: i64| LABEL_W + plot * (v.clamp(0, 100) as f64) / 100.0;
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let y = ROW * i as f64 + 4.0;
            let w = b.value.map_or(0.0, |v| x(v) - LABEL_W);
            let text = b.value.map_or("—".to_string(), |v| format!("{v}%"));
            let label = short(&b.label, 8);
            let full = b.label.clone();
            view! {
                <g class="chart-row" data-label={full} data-value={b.value.map(|v| v.to_string())}>
                    <text x="0" y={y + 14.0} class="chart-label">{label}</text>
                    <rect x={LABEL_W} y={y} width={W - LABEL_W - 34.0} height="16" class="chart-track"/>
                    <rect x={LABEL_W} y={y} width={w} height="16" class="chart-bar"/>
                    <text x={LABEL_W + w + 4.0} y={y + 13.0} class="chart-value">{text}</text>
                </g>
            }
        })
        .collect_view();
    let reference_view = reference.map(|r| {
        let rx = x(r);
        view! {
            <line x1={rx} x2={rx} y1="0" y2={h - 14.0} class="chart-ref"/>
            <text x={rx} y={h - 2.0} class="chart-ref-label" text-anchor="middle">
                {format!("{reference_label} {r}%")}
            </text>
        }
    });
    view! {
        <svg class="chart" id=id viewBox={format!("0 0 {W} {h}")} width="100%" role="img">
            <title>{title}</title>
            {rows}
            {reference_view}
        </svg>
    }
}

/// One stacked bar: parts of a whole in fixed colours (e.g. done, due, overdue).
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// The label.
    pub label: String,
    /// The parts' counts, in the order of the legend.
    pub parts: Vec<i64>,
}

/// Stacked horizontal bars with a legend (`legend[i]` names `parts[i]`).
#[component]
pub fn StackedBars(
    /// Accessible title.
    title: String,
    /// The legend.
    legend: Vec<String>,
    /// The bars.
    stacks: Vec<Stack>,
    /// The chart's id (tests).
    #[prop(optional)]
    id: &'static str,
) -> impl IntoView {
    let plot = W - LABEL_W - 4.0;
    let h = ROW * stacks.len() as f64 + 22.0;
    let rows = stacks
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let y = ROW * i as f64 + 22.0;
            let total: i64 = s.parts.iter().sum();
            let mut x0 = LABEL_W;
            let segs = s
                .parts
                .iter()
                .enumerate()
                .map(|(k, n)| {
                    let w = if total > 0 { plot * (*n as f64) / (total as f64) } else { 0.0 };
                    let x = x0;
                    x0 += w;
                    let n = *n;
                    view! {
                        <rect x={x} y={y} width={w} height="16" class={format!("chart-seg seg{k}")}/>
                        {(w >= 18.0).then(|| view! {
                            <text x={x + w / 2.0} y={y + 12.0} class="chart-seg-value" text-anchor="middle">{n}</text>
                        })}
                    }
                })
                .collect_view();
            view! {
                <g class="chart-row">
                    <text x="0" y={y + 13.0} class="chart-label">{short(&s.label, 8)}</text>
                    {segs}
                </g>
            }
        })
        .collect_view();
    let legend_view = legend
        .into_iter()
        .enumerate()
        .map(|(k, l)| {
            let x = 4.0 + 100.0 * k as f64;
            view! {
                <rect x={x} y="2" width="10" height="10" class={format!("chart-seg seg{k}")}/>
                <text x={x + 14.0} y="11" class="chart-legend">{l}</text>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" id=id viewBox={format!("0 0 {W} {h}")} width="100%" role="img">
            <title>{title}</title>
            {legend_view}
            {rows}
        </svg>
    }
}

/// A point of a line chart: a date label and a value in 0–100.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Short label (e.g. `11-15`).
    pub label: String,
    /// Whole percent, or none.
    pub value: Option<i64>,
}

/// A line over time in percent, 0–100 on the vertical axis, with an
/// optional dashed reference line.
#[component]
pub fn TrendLine(
    /// Accessible title.
    title: String,
    /// The points, oldest first.
    points: Vec<Point>,
    /// A reference value (0–100).
    #[prop(optional)]
    reference: Option<i64>,
    /// The chart's id (tests).
    #[prop(optional)]
    id: &'static str,
) -> impl IntoView {
    let (h, left, right, top, bottom) = (150.0, 30.0, 10.0, 8.0, 22.0);
    let n = points.len().max(1);
    let step = if n > 1 {
        (W - left - right) / (n - 1) as f64
    } else {
        0.0
    };
    let y = move |v: i64| top + (h - top - bottom) * (1.0 - v.clamp(0, 100) as f64 / 100.0);
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.value
                .map(|v| format!("{:.1},{:.1}", left + step * i as f64, y(v)))
        })
        .collect();
    let every = n.div_ceil(5);
    let labels = points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i + 1 == n)
        .map(|(i, p)| {
            view! {
                <text x={left + step * i as f64} y={h - 6.0} class="chart-axis" text-anchor="middle">
                    {p.label.clone()}
                </text>
            }
        })
        .collect_view();
    let dots = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.value.map(|v| {
                view! { <circle cx={left + step * i as f64} cy={y(v)} r="3" class="chart-dot" data-value={v.to_string()}/> }
            })
        })
        .collect_view();
    let last = points.iter().rev().find_map(|p| p.value);
    view! {
        <svg class="chart" id=id viewBox={format!("0 0 {W} {h}")} width="100%" role="img">
            <title>{title}</title>
            {[0i64, 50, 100]
                .into_iter()
                .map(|g| view! {
                    <line x1={left} x2={W - right} y1={y(g)} y2={y(g)} class="chart-grid"/>
                    <text x={left - 4.0} y={y(g) + 4.0} class="chart-axis" text-anchor="end">{format!("{g}%")}</text>
                })
                .collect_view()}
            {reference.map(|r| view! { <line x1={left} x2={W - right} y1={y(r)} y2={y(r)} class="chart-ref"/> })}
            <polyline points={path.join(" ")} class="chart-line" fill="none"/>
            {dots}
            {labels}
            {last.map(|v| view! {
                <text x={W - right} y={y(v) - 6.0} class="chart-value" text-anchor="end">{format!("{v}%")}</text>
            })}
        </svg>
    }
}
