//! The supervisors' overview (`/staff/overview`): a province's statistics, its tips per
//! day over the last 90 days by status, and where its open cases are, all within the
//! caller's jurisdiction, computed on one connection under the statistics' one turn.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::auth::caller::Caller;
use crate::clock::now;
use crate::db::case_stats::{self, CommuneCount};
use crate::db::{DbConnection, admin_units};
use crate::domain::admin_unit::{Level, Scheme, UnitRef};
use crate::domain::case::Status;
use crate::error::ServiceError;
use crate::services::dto::cases::CaseStats;
use crate::services::stats;
use crate::state::AppState;

/// The days the chart shows, today (in Viet Nam) among them.
pub const CHART_DAYS: usize = 90;
/// The units named in the statistics' table, the busiest first.
const TOP_UNITS: usize = 20;
/// Viet Nam keeps UTC+7 all year: a day there starts at 17:00 UTC the day before.
const VIET_NAM_OFFSET: TimeDelta = TimeDelta::hours(7);

/// Tips received on one day (in Viet Nam), by their case's status now, in the order of
/// [`Status::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    pub day: NaiveDate,
    pub by_status: [u64; Status::ALL.len()],
}

impl DayCount {
    pub fn total(&self) -> u64 {
        self.by_status.iter().sum()
    }
}

/// A commune that holds open cases.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub unit: UnitRef,
    pub name: String,
    /// Approximate centre (latitude, longitude), where one is known: the 2024 communes'
    /// centres ship with tinbao, the 2025 communes' do not yet.
    pub centre: Option<(f64, f64)>,
    pub open: u64,
}

/// A unit of the statistics with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCount {
    pub unit: String,
    pub name: String,
    pub count: u64,
}

/// What the overview shows.
#[derive(Debug)]
pub struct Overview {
    /// The statistics of cases opened in the chosen window.
    pub stats: CaseStats,
    /// The busiest units of `stats.by_unit`, named.
    pub units: Vec<NamedCount>,
    /// The last [`CHART_DAYS`] days, oldest first, each present (0 on a quiet day).
    pub days: Vec<DayCount>,
    /// Communes with open cases, the most first.
    pub places: Vec<Place>,
    /// Open cases whose place is not known to a commune.
    pub unplaced: u64,
}

/// The overview of the caller's jurisdiction, with statistics over the last `window_days`.
pub async fn overview(state: &AppState, caller: &Caller, window_days: i64) -> Result<Overview, ServiceError> {
    let within = crate::services::work_list::jurisdiction(caller)?;
    let _turn = state.limits.statistics.enter()?;
    let at = now();
    let first_day = viet_nam_day(at) - TimeDelta::days(CHART_DAYS as i64 - 1);
    let chart_from = first_day.and_hms_opt(0, 0, 0).unwrap_or_default() - VIET_NAM_OFFSET;
    state
        .db
        .run(move |conn| {
            let stats = stats::compute(conn, &within, at - TimeDelta::days(window_days), at)?;
            let units = name_units(conn, &stats)?;
            let tips = case_stats::tips_received(conn, &within, chart_from, at)?;
            let days = per_day(&tips, first_day, CHART_DAYS);
            let counts = case_stats::open_by_commune(conn, &within)?;
            let (places, unplaced) = places(conn, counts)?;
            Ok(Overview { stats, units, days, places, unplaced })
        })
        .await
}

/// The day in Viet Nam of a UTC time.
pub fn viet_nam_day(at: NaiveDateTime) -> NaiveDate {
    (at + VIET_NAM_OFFSET).date()
}

/// Counts tips per day from `first_day`, for `days` days; tips outside are left out.
pub fn per_day(tips: &[(NaiveDateTime, Status)], first_day: NaiveDate, days: usize) -> Vec<DayCount> {
    let mut counts: Vec<DayCount> = (0..days)
        .map(|i| DayCount { day: first_day + TimeDelta::days(i as i64), by_status: [0; Status::ALL.len()] })
        .collect();
    for (at, status) in tips {
        let offset = (viet_nam_day(*at) - first_day).num_days();
        let column = Status::ALL.iter().position(|s| s == status);
        if let (Some(day), Some(column)) = (usize::try_from(offset).ok().and_then(|i| counts.get_mut(i)), column) {
            day.by_status[column] += 1;
        }
    }
    counts
}

/// The busiest units of the statistics, with their names.
fn name_units(conn: &mut DbConnection, stats: &CaseStats) -> Result<Vec<NamedCount>, ServiceError> {
    let mut named = Vec::new();
    for count in stats.by_unit.iter().take(TOP_UNITS) {
        // The statistics name a unit `2024.district.902`, the import files' form with dots.
        let unit = UnitRef::parse(&count.unit.replace('.', ":")).ok();
        let name = match unit {
            Some(unit) => admin_units::find(conn, unit)?.map(|u| u.name),
            None => None,
        };
        named.push(NamedCount { unit: count.unit.clone(), name: name.unwrap_or_default(), count: count.count });
    }
    Ok(named)
}

/// The communes of the counts, named and placed; and the open cases of no commune.
fn places(conn: &mut DbConnection, counts: Vec<CommuneCount>) -> Result<(Vec<Place>, u64), ServiceError> {
    let open = |c: &CommuneCount| u64::try_from(c.open).unwrap_or_default();
    let unplaced = counts.iter().filter(|c| c.scheme.is_none() || c.code.is_none()).map(open).sum();
    let mut places = Vec::new();
    for scheme in [Scheme::S2024, Scheme::S2025] {
        let of_scheme: Vec<(i32, u64)> = counts
            .iter()
            .filter(|c| c.scheme == Some(scheme))
            .filter_map(|c| c.code.map(|code| (code, open(c))))
            .collect();
        let codes: Vec<i32> = of_scheme.iter().map(|(code, _)| *code).collect();
        let known = case_stats::communes(conn, scheme, &codes)?;
        for (code, open) in of_scheme {
            let found = known.iter().find(|c| c.code == code);
            places.push(Place {
                unit: UnitRef { scheme, level: Level::Commune, code },
                name: found.map(|c| c.name.clone()).unwrap_or_default(),
                centre: found.and_then(|c| c.centre).map(|(lat, lon)| (lat as f64 / 1e6, lon as f64 / 1e6)),
                open,
            });
        }
    }
    places.sort_by(|a, b| b.open.cmp(&a.open).then(a.name.cmp(&b.name)));
    Ok((places, unplaced))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a time")
    }

    #[test]
    fn a_tip_counts_on_its_day_in_viet_nam() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a day");
        let tips = [
            // 16:59 UTC on 1 December is 23:59 there; 17:00 is already 2 December.
            (at("2026-12-01 16:59"), Status::New),
            (at("2026-12-01 17:00"), Status::Resolved),
            (at("2026-12-02 03:00"), Status::Resolved),
            // Before the first day and after the last: left out.
            (at("2026-11-30 16:59"), Status::New),
            (at("2026-12-03 17:00"), Status::New),
        ];
        let days = per_day(&tips, first, 3);
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].day, first);
        assert_eq!(days[0].by_status, [1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(days[1].by_status, [0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(days[2].total(), 0);
    }
}
