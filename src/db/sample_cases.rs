//! Sample cases for benchmarks: `tinbao cases seed-sample --count N` writes N cases, each
//! with one tip, spread over every 2024 commune of Viet Nam and over the past year, in
//! realistic states, by multi-row inserts. Sample data only: they have no audit events and
//! no reporters; never run it on a database that holds real tips.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use uuid::Uuid;

use super::DbError;
use super::column_types::Id;
use super::schema::{authorities, cases, reports};
use super::{DbConnection, admin_units, on_backend};
use crate::clock::now;
use crate::domain::admin_unit::{Level, Scheme};
use crate::domain::case::{Deadlines, Priority, Status};
use crate::domain::codes::numbered_reference;
use crate::domain::report::{Matter, Tip};
use crate::domain::text::searchable;

/// Rows per INSERT: well under both backends' limits on bound values.
const CHUNK: usize = 1_000;

/// Rows per transaction.
const PER_TRANSACTION: u64 = 50_000;

const YEAR_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// (status, share in percent) of sample cases.
const STATUSES: [(Status, u32); 6] = [
    (Status::New, 20),
    (Status::Accepted, 15),
    (Status::Investigating, 15),
    (Status::Resolved, 20),
    (Status::Closed, 25),
    (Status::Rejected, 5),
];

/// A commune with the units above it and its district's authority.
struct Place {
    commune: i32,
    district: i32,
    province: i32,
    authority: Uuid,
}

fn places(conn: &mut DbConnection) -> Result<Vec<Place>, DbError> {
    let units = |level| crate::domain::admin_unit::UnitFilter {
        scheme: Some(Scheme::S2024),
        level: Some(level),
        ..Default::default()
    };
    let districts = admin_units::list(conn, &units(Level::District), None, i64::MAX)?;
    let province_of: HashMap<i32, i32> =
        districts.iter().filter_map(|d| d.parent.map(|p| (d.unit.code, p.code))).collect();
    let holders: HashMap<String, Uuid> = authorities::table
        .select((authorities::code, authorities::id))
        .load::<(String, Uuid)>(conn)?
        .into_iter()
        .collect();
    let communes = admin_units::list(conn, &units(Level::Commune), None, i64::MAX)?;
    Ok(communes
        .into_iter()
        .filter_map(|c| {
            let district = c.parent?.code;
            Some(Place {
                commune: c.unit.code,
                district,
                province: *province_of.get(&district)?,
                authority: *holders.get(&format!("2024-D{district}"))?,
            })
        })
        .collect())
}

type CaseValues = (
    diesel::dsl::Eq<cases::id, Id>,
    diesel::dsl::Eq<cases::authority_id, Id>,
    diesel::dsl::Eq<cases::status, Status>,
    diesel::dsl::Eq<cases::routing_explanation, &'static str>,
    diesel::dsl::Eq<cases::location_flagged, bool>,
    diesel::dsl::Eq<cases::created_at, NaiveDateTime>,
    diesel::dsl::Eq<cases::updated_at, NaiveDateTime>,
    diesel::dsl::Eq<cases::reference, String>,
    diesel::dsl::Eq<cases::matter, Matter>,
    diesel::dsl::Eq<cases::unit_scheme, Scheme>,
    diesel::dsl::Eq<cases::commune_code, i32>,
    diesel::dsl::Eq<cases::district_code, i32>,
    diesel::dsl::Eq<cases::province_code, i32>,
    diesel::dsl::Eq<cases::priority, Priority>,
    diesel::dsl::Eq<cases::priority_rank, i32>,
    diesel::dsl::Eq<cases::accept_due_at, NaiveDateTime>,
    diesel::dsl::Eq<cases::resolve_due_at, NaiveDateTime>,
    diesel::dsl::Eq<cases::accepted_at, Option<NaiveDateTime>>,
    diesel::dsl::Eq<cases::resolved_at, Option<NaiveDateTime>>,
    diesel::dsl::Eq<cases::search_text, String>,
);

type ReportValues = (
    diesel::dsl::Eq<reports::id, Id>,
    diesel::dsl::Eq<reports::reference, String>,
    diesel::dsl::Eq<reports::case_id, Id>,
    diesel::dsl::Eq<reports::matter, Matter>,
    diesel::dsl::Eq<reports::unit_scheme, Scheme>,
    diesel::dsl::Eq<reports::unit_code, i32>,
    diesel::dsl::Eq<reports::observed_from, NaiveDateTime>,
    diesel::dsl::Eq<reports::observed_to, NaiveDateTime>,
    diesel::dsl::Eq<reports::identity_mode, &'static str>,
    diesel::dsl::Eq<reports::content, String>,
    diesel::dsl::Eq<reports::created_at, NaiveDateTime>,
);

/// Family names with roughly their shares of Vietnamese people (Nguyễn about four in ten),
/// so that a search for a name finds as many sample cases as it would real ones.
const FAMILY_NAMES: [(&str, u32); 10] = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 10),
    ("Phạm", 7),
    ("Huỳnh", 6),
    ("Hoàng", 5),
    ("Võ", 5),
    ("Phan", 5),
    ("Trương", 7),
    ("Đặng", 6),
];
const GIVEN_NAMES: [&str; 24] = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Kiệt", "Lâm", "Long", "Minh", "Nam", "Phúc", "Quang",
    "Sơn", "Tâm", "Thành", "Tuấn", "Hoa", "Lan", "Mai", "Ngọc", "Thảo", "Yến",
];
const WAYS: [&str; 5] =
    ["đi bộ theo đường mòn", "đi ghe máy cập bến", "đi xe máy qua cánh đồng", "lội qua kênh", "đi ghe nhỏ vào rạch"];
const PARTS_OF_DAY: [&str; 3] = ["sáng", "chiều", "tối"];

/// A sample tip's narrative, varied as real ones are: the hour, how many, the way they
/// came, and in a third of them the name of the one who led them. Searches then find
/// what they would in a real province: a way of crossing in a fifth of the cases, a
/// family name in a tenth, a full name in a few hundredths.
fn narrative(rng: &mut impl Rng) -> String {
    let hour = rng.gen_range(1..12);
    let part = PARTS_OF_DAY[rng.gen_range(0..PARTS_OF_DAY.len())];
    let persons = rng.gen_range(2..9);
    let way = WAYS[rng.gen_range(0..WAYS.len())];
    let mut text = format!("Khoảng {hour} giờ {part} tôi thấy {persons} người {way} từ phía Campuchia sang.");
    if rng.gen_range(0..3) == 0 {
        let family = by_share(&FAMILY_NAMES, rng.gen_range(0..100));
        let middle = if rng.gen_range(0..2) == 0 { "Văn" } else { "Thị" };
        let given = GIVEN_NAMES[rng.gen_range(0..GIVEN_NAMES.len())];
        text.push_str(&format!(" Người dẫn đường tên là {family} {middle} {given}."));
    }
    text.push_str(" (dữ liệu mẫu)");
    text
}

/// A sample tip as `reports.content` holds it: a real `Tip`, so that case pages read it.
fn content(matter: Matter, commune: i32, seen: NaiveDateTime, narrative: String) -> Result<String, DbError> {
    let tip = Tip {
        matter,
        observed_from: seen.and_utc(),
        observed_to: seen.and_utc(),
        commune: (Scheme::S2024, commune),
        address_text: None,
        latitude_e6: None,
        longitude_e6: None,
        crossing_mode: Some("land_trail".to_owned()),
        crossing_point: None,
        vessel_or_vehicle: None,
        persons_count: Some(5),
        children_count: None,
        subjects: Vec::new(),
        current_whereabouts: None,
        facilitator_info: None,
        health_flags: Vec::new(),
        relationship_to_subjects: None,
        urgency: None,
        narrative,
        identity_mode: "anonymous".to_owned(),
        channel: None,
    };
    serde_json::to_string(&tip).map_err(DbError::broken)
}

/// One sample case opened at `opened`, with its one tip.
fn sample_case(
    rng: &mut impl Rng,
    place: &Place,
    deadlines: &Deadlines,
    opened: NaiveDateTime,
    reference: String,
) -> Result<(CaseValues, ReportValues), DbError> {
    let id = uuid_at(opened, rng);
    let status = pick_status(rng.gen_range(0..100));
    let priority =
        [Priority::Urgent, Priority::High, Priority::Normal, Priority::Normal, Priority::Low][rng.gen_range(0..5)];
    let (accept_due, resolve_due) = deadlines.due(priority, opened);
    let accepted = (status != Status::New).then(|| opened + Duration::minutes(rng.gen_range(5..600)));
    let resolved =
        matches!(status, Status::Resolved | Status::Closed).then(|| opened + Duration::hours(rng.gen_range(2..400)));
    let matter =
        [Matter::IllegalEntry, Matter::IllegalEntry, Matter::Facilitation, Matter::Harbouring, Matter::HealthRisk]
            [rng.gen_range(0..5)];
    let narrative = narrative(rng);
    let case = (
        cases::id.eq(Id(id)),
        cases::authority_id.eq(Id(place.authority)),
        cases::status.eq(status),
        cases::routing_explanation.eq("sample data"),
        cases::location_flagged.eq(false),
        cases::created_at.eq(opened),
        cases::updated_at.eq(resolved.or(accepted).unwrap_or(opened)),
        cases::reference.eq(reference.clone()),
        cases::matter.eq(matter),
        cases::unit_scheme.eq(Scheme::S2024),
        cases::commune_code.eq(place.commune),
        cases::district_code.eq(place.district),
        cases::province_code.eq(place.province),
        cases::priority.eq(priority),
        cases::priority_rank.eq(priority.rank()),
        cases::accept_due_at.eq(accept_due),
        cases::resolve_due_at.eq(resolve_due),
        cases::accepted_at.eq(accepted),
        cases::resolved_at.eq(resolved),
        cases::search_text.eq(searchable(&format!("{narrative} {reference}"))),
    );
    let report = (
        reports::id.eq(Id(uuid_at(opened, rng))),
        reports::reference.eq(reference),
        reports::case_id.eq(Id(id)),
        reports::matter.eq(matter),
        reports::unit_scheme.eq(Scheme::S2024),
        reports::unit_code.eq(place.commune),
        reports::observed_from.eq(opened - Duration::hours(2)),
        reports::observed_to.eq(opened - Duration::hours(2)),
        reports::identity_mode.eq("anonymous"),
        reports::content.eq(content(matter, place.commune, opened - Duration::hours(2), narrative)?),
        reports::created_at.eq(opened),
    );
    Ok((case, report))
}

/// Writes `count` sample cases (numbered from `first`, so that runs add up); returns how
/// many it wrote.
pub fn seed(conn: &mut DbConnection, count: u64, first: u64) -> Result<u64, DbError> {
    // A million rows go into indexes in random order: give this one connection a cache
    // that holds them, instead of SQLite's 2 MiB default.
    if let DbConnection::Sqlite(sqlite) = conn {
        use diesel::connection::SimpleConnection;
        sqlite.batch_execute("PRAGMA cache_size = -524288")?;
    }
    let places = places(conn)?;
    if places.is_empty() {
        return Err(DbError::broken("no 2024 communes with district authorities: start tinbao once to seed them"));
    }
    let deadlines = Deadlines::default();
    let mut rng = rand::thread_rng();
    let end = now();
    let mut written = 0;
    while written < count {
        let batch_end = (written + PER_TRANSACTION).min(count);
        super::pool::in_transaction(conn, |conn| {
            while written < batch_end {
                let n = (batch_end - written).min(CHUNK as u64);
                let mut case_rows: Vec<CaseValues> = Vec::with_capacity(n as usize);
                let mut report_rows: Vec<ReportValues> = Vec::with_capacity(n as usize);
                // Opened in time order over the past year, as real cases arrive: ids and every
                // index then grow at their ends instead of at random places.
                let step = YEAR_SECONDS / count.max(1) as f64;
                for i in 0..n {
                    let place = &places[rng.gen_range(0..places.len())];
                    let offset = ((written + i) as f64 * step + rng.gen_range(0.0..step.max(1.0))) as i64;
                    let opened = end - Duration::seconds(YEAR_SECONDS as i64) + Duration::seconds(offset);
                    let reference = numbered_reference(first + written + i);
                    let (case, report) = sample_case(&mut rng, place, &deadlines, opened, reference)?;
                    case_rows.push(case);
                    report_rows.push(report);
                }
                on_backend!(conn, |c| diesel::insert_into(cases::table).values(case_rows).execute(c))?;
                on_backend!(conn, |c| diesel::insert_into(reports::table).values(report_rows).execute(c))?;
                written += n;
            }
            Ok::<(), DbError>(())
        })?;
    }
    // The planner should know the new rows at once, not at the next automatic analysis.
    diesel::sql_query("ANALYZE").execute(conn)?;
    Ok(written)
}

/// The status whose share of 100 holds `roll`.
fn pick_status(roll: u32) -> Status {
    by_share(&STATUSES, roll)
}

/// The choice whose share of 100 holds `roll` (the first beyond the last share).
fn by_share<T: Copy>(choices: &[(T, u32)], mut roll: u32) -> T {
    for &(choice, share) in choices {
        if roll < share {
            return choice;
        }
        roll -= share;
    }
    choices[0].0
}

/// A UUIDv7 of a past moment, so that ids sort like the times the cases were opened.
fn uuid_at(at: NaiveDateTime, rng: &mut impl Rng) -> Uuid {
    let utc = at.and_utc();
    let ms = u64::try_from(utc.timestamp_millis()).unwrap_or(0);
    let mut bytes: [u8; 16] = rng.r#gen();
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_ids_sort_by_time_and_are_version_7() {
        let mut rng = rand::thread_rng();
        let early = uuid_at(now() - Duration::days(2), &mut rng);
        let late = uuid_at(now() - Duration::days(1), &mut rng);
        assert!(early.to_string() < late.to_string());
        assert_eq!(late.get_version_num(), 7);
    }

    #[test]
    fn statuses_follow_their_shares() {
        assert_eq!(pick_status(0), Status::New);
        assert_eq!(pick_status(19), Status::New);
        assert_eq!(pick_status(20), Status::Accepted);
        assert_eq!(pick_status(99), Status::Rejected);
    }
}
