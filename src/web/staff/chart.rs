//! The overview's chart of tips per day, drawn on the server as SVG: it reads without
//! JavaScript, costs a few kilobytes, and needs nothing from elsewhere. Each day is a bar
//! stacked by status; colours come from the style sheet (`.s-new`, …), so that the legend
//! and the bars cannot disagree. The same counts are in a table beside it for screen
//! readers and for anyone who wants the numbers.

use std::fmt::Write;

use crate::domain::case::Status;
use crate::services::overview::DayCount;

// Drawn for a phone's width (the text stays legible at 360 pixels); the style sheet keeps
// it from growing past 40rem on a desktop.
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 200.0;
/// Room for the counts on the left and the dates below.
const LEFT: f64 = 34.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

/// The smallest of 1, 2, 5, 10, 20, 50, … that is at least `n` (and at least 1).
pub fn axis_top(n: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= n.max(1) {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// The chart's SVG element; `labelled_by` names the elements that say what it shows.
pub fn tips_per_day(days: &[DayCount], labelled_by: &str) -> String {
    let top = axis_top(days.iter().map(DayCount::total).max().unwrap_or(0));
    let plot_height = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let bar = (slot - 1.0).max(1.0);
    let y_of = |n: u64| TOP + plot_height * (1.0 - n as f64 / top as f64);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" id="tips-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{labelled_by}" xmlns="http://www.w3.org/2000/svg">"#
    );
    // The scale: zero, half and the top, with lines across.
    for n in [0, top / 2, top] {
        let y = y_of(n);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{WIDTH}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{n}</text>"#,
            LEFT - 4.0,
            y + 4.0
        );
    }
    for (i, day) in days.iter().enumerate() {
        let x = LEFT + slot * i as f64;
        let mut below = 0;
        for (status, &count) in Status::ALL.iter().zip(&day.by_status) {
            if count == 0 {
                continue;
            }
            let (y_top, y_bottom) = (y_of(below + count), y_of(below));
            let _ = write!(
                svg,
                r#"<rect class="s-{}" x="{x:.1}" y="{y_top:.1}" width="{bar:.1}" height="{:.1}"/>"#,
                status.as_str(),
                y_bottom - y_top
            );
            below += count;
        }
        // A date under the first day of each month-ish stretch and under today, which
        // ends at the right edge rather than past it.
        let last = i + 1 == days.len();
        if (i % 30 == 0 && i + 15 < days.len()) || last {
            let (anchor, at) = if last { ("end", x + bar) } else { ("start", x) };
            let _ = write!(
                svg,
                r#"<text class="axis" x="{at:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
                HEIGHT - 6.0,
                day.day.format("%d/%m")
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn day(d: u32, by_status: [u64; 7]) -> DayCount {
        DayCount { day: NaiveDate::from_ymd_opt(2026, 12, d).expect("a day"), by_status }
    }

    #[test]
    fn the_scale_rounds_up_to_one_two_or_five() {
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(1), 1);
        assert_eq!(axis_top(3), 5);
        assert_eq!(axis_top(7), 10);
        assert_eq!(axis_top(11), 20);
        assert_eq!(axis_top(2_001), 5_000);
    }

    #[test]
    fn each_status_of_a_day_is_one_stacked_rectangle() {
        let svg = tips_per_day(&[day(1, [3, 0, 0, 2, 0, 0, 0]), day(2, [0; 7])], "t");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
        assert_eq!(svg.matches(r#"class="s-new""#).count(), 1);
        assert_eq!(svg.matches(r#"class="s-resolved""#).count(), 1);
        // The top of the scale is 5 and the new tips (3 of 5) sit on the resolved ones.
        assert!(svg.contains(">5</text>"), "{svg}");
        // Only today is dated in so short a chart, its label ending at the right edge.
        assert!(!svg.contains(">01/12</text>") && svg.contains(r#"text-anchor="end">02/12</text>"#), "{svg}");
        assert!(svg.contains(r#"aria-labelledby="t""#));
    }

    #[test]
    fn ninety_days_are_dated_every_thirty_and_today() {
        let start = NaiveDate::from_ymd_opt(2026, 9, 5).expect("a day");
        let days: Vec<DayCount> =
            (0..90).map(|i| DayCount { day: start + chrono::TimeDelta::days(i), by_status: [0; 7] }).collect();
        let svg = tips_per_day(&days, "t");
        let dates: Vec<&str> =
            svg.split("</text>").filter_map(|t| t.rsplit('>').next()).filter(|t| t.contains('/')).collect();
        assert_eq!(dates, ["05/09", "05/10", "04/11", "03/12"]);
        assert_eq!(svg.matches("<rect").count(), 0, "a quiet day draws nothing");
    }
}
