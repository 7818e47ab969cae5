//! `GET /api/v1/stats/cases`: counts by status, authority and unit, the median times to
//! accept and to resolve, and how many cases are overdue, within the caller's
//! jurisdiction, for cases opened in a window of time.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use uuid::Uuid;

use crate::auth::caller::Caller;
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::case_stats::{self, StatsRow};
use crate::db::work_list::Jurisdiction;
use crate::domain::case::Status;
use crate::error::ServiceError;
use crate::services::case_views::AuthorityNames;
use crate::services::dto::cases::{AuthorityCount, CaseStats, UnitCount};
use crate::state::AppState;

/// The median of some durations, in whole seconds (the lower middle for an even count).
pub fn median_seconds(mut seconds: Vec<i64>) -> Option<i64> {
    if seconds.is_empty() {
        return None;
    }
    seconds.sort_unstable();
    Some(seconds[(seconds.len() - 1) / 2])
}

/// Counts what the rows say; authorities are named later.
pub fn tally(rows: &[StatsRow], at: NaiveDateTime) -> (CaseStats, Vec<(Uuid, u64)>) {
    let mut by_status: BTreeMap<String, u64> = Status::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    let mut by_authority: BTreeMap<Uuid, u64> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, u64> = BTreeMap::new();
    let (mut to_accept, mut to_resolve, mut overdue) = (Vec::new(), Vec::new(), 0);
    for row in rows {
        *by_status.entry(row.status.as_str().to_owned()).or_default() += 1;
        *by_authority.entry(row.authority_id).or_default() += 1;
        let unit = match (row.unit_scheme, row.district_code, row.commune_code) {
            (Some(scheme), Some(district), _) => format!("{scheme}.district.{district}"),
            (Some(scheme), None, Some(commune)) => format!("{scheme}.commune.{commune}"),
            _ => "unknown".to_owned(),
        };
        *by_unit.entry(unit).or_default() += 1;
        if let Some(accepted) = row.accepted_at {
            to_accept.push((accepted - row.created_at).num_seconds());
        }
        if let Some(resolved) = row.resolved_at {
            to_resolve.push((resolved - row.created_at).num_seconds());
        }
        let past = |due: Option<NaiveDateTime>| due.is_some_and(|d| d < at);
        let late =
            row.status == Status::New && past(row.accept_due_at) || row.status.is_open() && past(row.resolve_due_at);
        overdue += u64::from(late);
    }
    let mut units: Vec<UnitCount> = by_unit.into_iter().map(|(unit, count)| UnitCount { unit, count }).collect();
    units.sort_by(|a, b| b.count.cmp(&a.count).then(a.unit.cmp(&b.unit)));
    let mut authorities: Vec<(Uuid, u64)> = by_authority.into_iter().collect();
    authorities.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let stats = CaseStats {
        from: None,
        to: None,
        total: rows.len() as u64,
        by_status,
        by_authority: Vec::new(),
        by_unit: units,
        overdue,
        median_seconds_to_accept: median_seconds(to_accept),
        median_seconds_to_resolve: median_seconds(to_resolve),
    };
    (stats, authorities)
}

/// The statistics of the caller's cases opened in `[from, to)`.
pub async fn cases(
    state: &AppState,
    caller: &Caller,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<CaseStats, ServiceError> {
    let within = crate::services::work_list::jurisdiction(caller)?;
    let _turn = state.limits.statistics.enter()?;
    state.db.run(move |conn| compute(conn, &within, from, to)).await
}

/// The statistics of a jurisdiction's cases opened in `[from, to)`, on one connection.
pub fn compute(
    conn: &mut DbConnection,
    within: &Jurisdiction,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<CaseStats, ServiceError> {
    let rows = case_stats::stats_rows(conn, within, from, to)?;
    let (mut stats, authorities) = tally(&rows, now());
    let mut names = AuthorityNames::default();
    for (id, count) in authorities {
        stats.by_authority.push(AuthorityCount { authority: names.get(conn, id)?, count });
    }
    stats.from = Some(from.and_utc());
    stats.to = Some(to.and_utc());
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_duration() {
        assert_eq!(median_seconds(vec![]), None);
        assert_eq!(median_seconds(vec![30]), Some(30));
        assert_eq!(median_seconds(vec![90, 10, 30]), Some(30));
        assert_eq!(median_seconds(vec![40, 10, 30, 20]), Some(20));
    }
}
