//! Charts drawn on the server as SVG: no JavaScript, readable by a screen
//! reader through each chart's title and description, and always shown
//! with a table of the same numbers beneath (the pages do that).
//!
//! Each series has a colour and a dash pattern of its own, so the lines
//! can be told apart without colour.

use std::fmt::Write;

use crate::domain::statistics::Step;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 340.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 70.0;

/// Colours and dashes of the series, in order (GOV.UK palette: blue,
/// orange, green), chosen to keep 3:1 contrast against white.
const SERIES: [(&str, &str); 3] = [("#1d70b8", ""), ("#b24d00", "8 4"), ("#00703c", "2 3")];

/// One Kaplan-Meier curve to draw.
pub struct Curve<'a> {
    pub label: &'a str,
    pub steps: &'a [Step],
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Cumulative known reoffending (1 - S) against days, one step line per
/// group with its 95 % interval shaded; `window` days across.
pub fn kaplan_meier(id: &str, title: &str, curves: &[Curve<'_>], window: i64) -> String {
    let window = window.max(1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |day: i64| LEFT + plot_w * (day as f64 / window).clamp(0.0, 1.0);
    let y = |share: f64| TOP + plot_h * (1.0 - share.clamp(0.0, 1.0));
    let mut svg = String::new();
    let described: Vec<String> = curves
        .iter()
        .map(|c| {
            let end = c.steps.last().map_or(0.0, |s| 1.0 - s.survival);
            format!(
                "{}: {:.0}% by day {}",
                c.label,
                end * 100.0,
                c.steps.last().map_or(0, |s| s.day)
            )
        })
        .collect();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">Cumulative known reoffending by days since the index date. {}. The table below gives every step.</desc>"#,
        escape(title),
        escape(&described.join("; "))
    );
    // axes and grid: 0 to 100 % in fifths, days in quarters of the window
    for i in 0..=5 {
        let share = i as f64 / 5.0;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#b1b4b6" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="#0b0c0c">{}%</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(share) + 4.0,
            i * 20,
            y = y(share)
        );
    }
    for i in 0..=4 {
        let day = (window * i as f64 / 4.0).round() as i64;
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#0b0c0c">{day}</text>"##,
            x(day),
            TOP + plot_h + 18.0
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#0b0c0c">Days since the index date</text>"##,
        LEFT + plot_w / 2.0,
        TOP + plot_h + 36.0
    );
    for (i, c) in curves.iter().enumerate() {
        let (colour, dash) = SERIES[i % SERIES.len()];
        // the 95 % interval, step by step
        for (k, s) in c.steps.iter().enumerate() {
            let Some([lo, hi]) = s.ci95 else { continue };
            let next = c.steps.get(k + 1).map_or(window as i64, |n| n.day);
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.12"/>"#,
                x(s.day),
                y(1.0 - lo),
                (x(next) - x(s.day)).max(0.0),
                (y(1.0 - hi) - y(1.0 - lo)).abs()
            );
        }
        let mut path = format!("M{:.1},{:.1}", x(0), y(0.0));
        for s in c.steps {
            let _ = write!(path, " H{:.1} V{:.1}", x(s.day), y(1.0 - s.survival));
        }
        let _ = write!(path, " H{:.1}", x(window as i64));
        let _ = write!(
            svg,
            r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{}/>"#,
            if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            }
        );
        // the legend, under the axis label
        let lx = LEFT + i as f64 * (plot_w / curves.len().max(1) as f64);
        let ly = HEIGHT - 12.0;
        let _ = write!(
            svg,
            r##"<line x1="{lx:.1}" x2="{:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2.5"{}/><text x="{:.1}" y="{:.1}" font-size="12" fill="#0b0c0c">{}</text>"##,
            lx + 24.0,
            if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            },
            lx + 30.0,
            ly + 4.0,
            escape(c.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Stacked columns, one per category (a month), one colour and pattern per
/// series (a disposal); `series` names them in stacking order.
pub fn stacked_columns(
    id: &str,
    title: &str,
    categories: &[(String, Vec<u64>)],
    series: &[&str],
) -> String {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let top = categories
        .iter()
        .map(|(_, v)| v.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    // a round top for the scale: 1, 2 or 5 times a power of ten
    let mut scale = 1u64;
    while scale < top {
        scale = match scale.to_string().chars().next() {
            Some('1') => scale * 2,
            Some('2') => scale / 2 * 5,
            _ => scale * 2,
        };
    }
    let y = |v: u64| TOP + plot_h * (1.0 - v as f64 / scale as f64);
    let total: u64 = categories.iter().flat_map(|(_, v)| v).sum();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{} in all, over {} columns. The table below gives every number.</desc>"#,
        escape(title),
        total,
        categories.len()
    );
    for i in 0..=4 {
        let v = scale * i / 4;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#b1b4b6" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="#0b0c0c">{v}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            y = y(v)
        );
    }
    let slot = plot_w / categories.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    let every = (categories.len() / 12).max(1);
    for (i, (label, values)) in categories.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0u64;
        for (k, v) in values.iter().enumerate() {
            if *v == 0 {
                continue;
            }
            let (colour, _) = SERIES[k % SERIES.len()];
            let opacity = 1.0 - 0.3 * (k / SERIES.len()) as f64;
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{:.1}" fill="{colour}" fill-opacity="{opacity:.1}" stroke="#ffffff" stroke-width="1"/>"##,
                y(base + v),
                y(base) - y(base + v)
            );
            base += v;
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#0b0c0c">{}</text>"##,
                x + bar / 2.0,
                TOP + plot_h + 16.0,
                escape(label)
            );
        }
    }
    for (k, name) in series.iter().enumerate() {
        let (colour, _) = SERIES[k % SERIES.len()];
        let opacity = 1.0 - 0.3 * (k / SERIES.len()) as f64;
        let lx = LEFT + (k % 3) as f64 * (plot_w / 3.0);
        let ly = HEIGHT - 34.0 + (k / 3) as f64 * 18.0;
        let _ = write!(
            svg,
            r##"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{colour}" fill-opacity="{opacity:.1}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#0b0c0c">{}</text>"##,
            ly - 10.0,
            lx + 18.0,
            ly,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars with their values written at their ends (a funnel, a
/// rate per cohort); `max` is the full length.
pub fn horizontal_bars(id: &str, title: &str, rows: &[(String, f64, String)], max: f64) -> String {
    let row_h = 30.0;
    let label_w = 190.0;
    let height = TOP + row_h * rows.len() as f64 + 10.0;
    let room = WIDTH - label_w - 90.0;
    let mut svg = String::new();
    let said: Vec<String> = rows.iter().map(|(l, _, t)| format!("{l}: {t}")).collect();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}.</desc>"#,
        escape(title),
        escape(&said.join("; "))
    );
    for (i, (label, value, text)) in rows.iter().enumerate() {
        let y = TOP + row_h * i as f64;
        let w = if max > 0.0 {
            room * (value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="12" fill="#0b0c0c">{}</text><rect x="{label_w}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="#1d70b8"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#0b0c0c">{}</text>"##,
            label_w - 8.0,
            y + row_h * 0.55,
            escape(label),
            row_h * 0.7,
            label_w + w + 6.0,
            y + row_h * 0.55,
            escape(text)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(day: i64, survival: f64) -> Step {
        Step {
            day,
            at_risk: 10,
            events: 1,
            survival,
            ci95: Some([survival - 0.1, (survival + 0.1).min(1.0)]),
        }
    }

    #[test]
    fn a_curve_steps_up_at_each_event_and_is_described_in_words() {
        let steps = [step(90, 0.9), step(180, 0.75)];
        let svg = kaplan_meier(
            "km",
            "Known reoffending <by group>",
            &[Curve {
                label: "Completed",
                steps: &steps,
            }],
            365,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(
            svg.contains(r#"role="img""#)
                && svg
                    .contains("<title id=\"km-title\">Known reoffending &lt;by group&gt;</title>")
        );
        assert!(svg.contains("Completed: 25% by day 180"), "{svg}");
        // a horizontal run to each event's day, then up to its level
        let x90 = LEFT + (WIDTH - LEFT - RIGHT) * 90.0 / 365.0;
        assert!(svg.contains(&format!("H{x90:.1} V")), "{svg}");
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "each step's interval is shaded"
        );
    }

    #[test]
    fn stacked_columns_stack_each_series_and_scale_to_a_round_top() {
        let svg = stacked_columns(
            "m",
            "Arrests per month",
            &[
                ("2026-10".into(), vec![3, 4]),
                ("2026-11".into(), vec![0, 9]),
            ],
            &["Simple caution", "Charged"],
        );
        assert!(svg.contains("16 in all, over 2 columns"));
        assert_eq!(
            svg.matches("<rect").count(),
            3 + 2,
            "three parts and two legend keys"
        );
        assert!(
            svg.contains(">10<") && svg.contains(">5<"),
            "the scale runs to 10: {svg}"
        );
    }

    #[test]
    fn horizontal_bars_say_their_values_in_words_too() {
        let svg = horizontal_bars(
            "f",
            "Pipeline",
            &[
                ("Arrested".into(), 10.0, "10".into()),
                ("Referred".into(), 5.0, "5 (50%)".into()),
            ],
            10.0,
        );
        assert!(svg.contains("Arrested: 10; Referred: 5 (50%)"));
        assert!(
            svg.contains(r#"width="180.0""#),
            "half of the 360 of room: {svg}"
        );
    }

    #[test]
    fn series_differ_by_dash_as_well_as_colour() {
        let a = [step(30, 0.8)];
        let svg = kaplan_meier(
            "km",
            "t",
            &[
                Curve {
                    label: "A",
                    steps: &a,
                },
                Curve {
                    label: "B",
                    steps: &a,
                },
            ],
            365,
        );
        assert!(svg.contains("stroke-dasharray=\"8 4\""));
        assert!(svg.contains("#1d70b8") && svg.contains("#b24d00"));
    }
}
