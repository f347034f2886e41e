//! The principle profile: for each leadership idea the player's choices named, how many
//! decisions applied it (bar to the right) and how many went against it (bar to the left).
//! HTML rows with small SVG bars (so names wrap and bars fit a phone), labelled as one image,
//! with a table of the figures beside it for screen readers.

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

/// The chart. Each row is the idea's name and two bars in HTML, so the names wrap and the
/// bars fit any width: on a phone the name sits above its bars rather than pushing them off
/// the screen. The bars are small SVGs (whole units, no floating-point formatting in the
/// bundle) stretched to their column.
#[function_component(ProfileChart)]
pub fn profile_chart(props: &ProfileChartProps) -> Html {
    let max = props
        .rows
        .iter()
        .map(|r| r.applied.max(r.violated))
        .max()
        .unwrap_or(1)
        .max(1);
    let title_id = format!("{}-title", props.id);
    let bar = |count: u32, class: &'static str, from_right: bool| {
        let x = if from_right { max - count } else { 0 };
        html! {
            <svg class="profile-bar" viewBox={format!("0 0 {max} 1")} preserveAspectRatio="none" focusable="false">
                if count > 0 {
                    <rect class={class} x={x.to_string()} y="0" width={count.to_string()} height="1" />
                }
            </svg>
        }
    };
    let count = |n: u32, sign: &str| {
        if n > 0 {
            format!("{sign}{n}")
        } else {
            String::new()
        }
    };
    let bars: Html = props
        .rows
        .iter()
        .map(|r| {
            html! {
                <li class="profile-row">
                    <span class="profile-name">{ &r.name }</span>
                    <span class="profile-count against">{ count(r.violated, "\u{2212}") }</span>
                    { bar(r.violated, "profile-violated", true) }
                    { bar(r.applied, "profile-applied", false) }
                    <span class="profile-count">{ count(r.applied, "+") }</span>
                </li>
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
            <div class="profile" role="img" aria-labelledby={title_id.clone()}>
                <p class="profile-title" id={title_id}>{ "Leadership ideas your decisions applied (right) and went against (left)" }</p>
                <p class="profile-axes"><span>{ "Went against" }</span><span>{ "Applied" }</span></p>
                <ul class="profile-rows">{ bars }</ul>
            </div>
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
