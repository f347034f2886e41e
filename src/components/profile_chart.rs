//! The principle profile: for each leadership idea the player's choices named, how many
//! decisions applied it (bar to the right) and how many went against it (bar to the left).
//! An SVG of our own with a table beside it for screen readers.

use yew::prelude::*;

/// One principle's row.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    /// The idea's name.
    pub name: String,
    /// Its author.
    pub author: String,
    /// Decisions that applied it.
    pub applied: u32,
    /// Decisions that went against it.
    pub violated: u32,
}

/// Props for [`ProfileChart`].
#[derive(Properties, PartialEq)]
pub struct ProfileChartProps {
    /// Element id prefix.
    pub id: AttrValue,
    /// The rows.
    pub rows: Vec<ProfileRow>,
}

// Whole chart units only: no floating-point formatting code in the bundle.
const WIDTH: i32 = 640;
const ROW: i32 = 30;
const NAME: i32 = 300;
const TOP: i32 = 22;

/// The chart.
#[function_component(ProfileChart)]
pub fn profile_chart(props: &ProfileChartProps) -> Html {
    let max = props
        .rows
        .iter()
        .map(|r| r.applied.max(r.violated))
        .max()
        .unwrap_or(1)
        .max(1);
    let max = max as i32;
    // Room on both sides for the counts beside the longest bars.
    let half = (WIDTH - NAME) / 2 - 30;
    let mid = NAME + half + 30;
    let height = TOP + ROW * props.rows.len() as i32 + 8;
    let title_id = format!("{}-title", props.id);
    let bars: Html = props
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = TOP + ROW * i as i32;
            let applied_w = half * r.applied as i32 / max;
            let violated_w = half * r.violated as i32 / max;
            html! {
                <g class="profile-row">
                    <text class="profile-name" x={(NAME - 10).to_string()} y={(y + 19).to_string()} text-anchor="end">{ &r.name }</text>
                    if r.violated > 0 {
                        <rect class="profile-violated" x={(mid - violated_w).to_string()} y={(y + 6).to_string()} width={violated_w.to_string()} height="18" />
                        <text class="profile-count" x={(mid - violated_w - 4).to_string()} y={(y + 19).to_string()} text-anchor="end">{ format!("\u{2212}{}", r.violated) }</text>
                    }
                    if r.applied > 0 {
                        <rect class="profile-applied" x={mid.to_string()} y={(y + 6).to_string()} width={applied_w.to_string()} height="18" />
                        <text class="profile-count" x={(mid + applied_w + 4).to_string()} y={(y + 19).to_string()}>{ format!("+{}", r.applied) }</text>
                    }
                </g>
            }
        })
        .collect();
    let rows: Html = props
        .rows
        .iter()
        .map(|r| {
            html! {
                <tr>
                    <th scope="row">{ format!("{} ({})", r.name, r.author) }</th>
                    <td>{ r.applied }</td>
                    <td>{ r.violated }</td>
                </tr>
            }
        })
        .collect();
    html! {
        <figure class="chart profile-chart">
            <div class="chart-scroll" tabindex="0" role="region" aria-label="Leadership profile">
            <svg viewBox={format!("0 0 {WIDTH} {height}")} role="img" aria-labelledby={title_id.clone()}>
                <title id={title_id}>{ "Leadership ideas your decisions applied (right) and went against (left)" }</title>
                <text class="profile-axis" x={(mid - 8).to_string()} y="12" text-anchor="end">{ "Went against" }</text>
                <text class="profile-axis" x={(mid + 8).to_string()} y="12">{ "Applied" }</text>
                <line class="profile-mid" x1={mid.to_string()} x2={mid.to_string()} y1={(TOP - 2).to_string()} y2={(height - 6).to_string()} />
                { bars }
            </svg>
            </div>
            <p class="chart-hint" aria-hidden="true">{ "Scroll sideways to see the whole chart." }</p>
            <details class="chart-figures">
                <summary>{ "Show the figures" }</summary>
                <div class="table-scroll" tabindex="0" role="region" aria-label="Figures">
                    <table>
                        <caption>{ "Decisions that applied or went against each idea" }</caption>
                        <thead><tr><th scope="col">{ "Idea" }</th><th scope="col">{ "Applied" }</th><th scope="col">{ "Went against" }</th></tr></thead>
                        <tbody>{ rows }</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
