//! Tips, the cases they open, reporters' sealed contacts, and messages.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::DbError;
use super::column_types::{Id, UuidText};
use super::schema::{cases, reporter_contacts, reports};
use crate::domain::admin_unit::Scheme;
use crate::domain::audit::Event;
use crate::domain::case::{Priority, Status};
use crate::domain::report::Matter;

/// A new case, routed, with where it lies and when it is due.
pub struct NewCase<'a> {
    pub id: Uuid,
    pub authority_id: Uuid,
    pub rule_id: Option<Uuid>,
    pub explanation: &'a str,
    pub location_flagged: bool,
    pub matter: Matter,
    pub unit_scheme: Scheme,
    pub commune_code: i32,
    pub district_code: Option<i32>,
    pub province_code: Option<i32>,
    pub priority: Priority,
    pub accept_due_at: NaiveDateTime,
    pub resolve_due_at: NaiveDateTime,
    pub search_text: &'a str,
    /// The version of the routing rules the case was routed by.
    pub rules_version: i64,
}

/// A tip to store.
pub struct NewReport<'a> {
    pub id: Uuid,
    pub reference: &'a str,
    pub observed_from: NaiveDateTime,
    pub observed_to: NaiveDateTime,
    pub identity_mode: &'a str,
    pub content: &'a str,
    pub receipt_hash: Option<&'a str>,
    pub submitted_by_user: Option<Uuid>,
    pub submitted_by_client: Option<Uuid>,
    /// The blind index of the account an anonymous tip came from (never its id).
    pub owner_index: Option<&'a str>,
}

/// A reporter's details, sealed.
#[derive(Default)]
pub struct SealedContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub acting_as: Option<String>,
}

impl SealedContact {
    fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.acting_as.is_none()
    }
}

/// Whether [`open_case`] stored the tip, found its reference taken (40 random bits:
/// almost never; the caller draws another), or found that the routing rules changed
/// since the caller read them (the caller reads them again and routes anew).
#[derive(Debug, PartialEq, Eq)]
pub enum Opened {
    Stored,
    ReferenceTaken,
    RulesChanged,
}

/// Opens a case with its first tip, the reporter's sealed contact and the case's first
/// audit event. On PostgreSQL that is one statement (one round trip instead of four,
/// atomic by itself); on SQLite, where statements cost no round trip, plain inserts, to
/// be run in a transaction (see `Db::run_single_write`).
pub fn open_case(
    conn: &mut DbConnection,
    case: &NewCase<'_>,
    report: &NewReport<'_>,
    contact: &SealedContact,
    opened: &Event,
) -> Result<Opened, DbError> {
    let now = opened.at;
    if let DbConnection::Postgres(pg) = conn {
        return open_case_in_one_statement(pg, case, report, contact, opened);
    }
    if super::routing::version(conn)? != case.rules_version {
        return Ok(Opened::RulesChanged);
    }
    // SQLite: the transaction holds the only write lock, so a check suffices.
    let taken = reports::table.filter(reports::reference.eq(report.reference)).count().get_result::<i64>(conn)?;
    if taken > 0 {
        return Ok(Opened::ReferenceTaken);
    }
    diesel::insert_into(cases::table)
        .values((
            cases::id.eq(Id(case.id)),
            cases::authority_id.eq(Id(case.authority_id)),
            cases::status.eq(Status::New),
            cases::routing_rule_id.eq(case.rule_id.map(Id)),
            cases::routing_explanation.eq(case.explanation),
            cases::location_flagged.eq(case.location_flagged),
            cases::created_at.eq(now),
            cases::updated_at.eq(now),
            cases::reference.eq(report.reference),
            cases::matter.eq(Some(case.matter)),
            cases::unit_scheme.eq(Some(case.unit_scheme)),
            cases::commune_code.eq(case.commune_code),
            cases::district_code.eq(case.district_code),
            cases::province_code.eq(case.province_code),
            cases::priority.eq(case.priority),
            cases::priority_rank.eq(case.priority.rank()),
            cases::accept_due_at.eq(case.accept_due_at),
            cases::resolve_due_at.eq(case.resolve_due_at),
            cases::search_text.eq(case.search_text),
        ))
        .execute(conn)?;
    diesel::insert_into(reports::table)
        .values((
            reports::id.eq(Id(report.id)),
            reports::reference.eq(report.reference),
            reports::case_id.eq(Id(case.id)),
            reports::matter.eq(case.matter),
            reports::unit_scheme.eq(case.unit_scheme),
            reports::unit_code.eq(case.commune_code),
            reports::observed_from.eq(report.observed_from),
            reports::observed_to.eq(report.observed_to),
            reports::identity_mode.eq(report.identity_mode),
            reports::content.eq(report.content),
            reports::receipt_hash.eq(report.receipt_hash),
            reports::submitted_by_user.eq(report.submitted_by_user.map(Id)),
            reports::submitted_by_client.eq(report.submitted_by_client.map(Id)),
            reports::created_at.eq(now),
            reports::owner_index.eq(report.owner_index),
        ))
        .execute(conn)?;
    if !contact.is_empty() {
        diesel::insert_into(reporter_contacts::table)
            .values((
                reporter_contacts::report_id.eq(Id(report.id)),
                reporter_contacts::name_sealed.eq(&contact.name),
                reporter_contacts::phone_sealed.eq(&contact.phone),
                reporter_contacts::acting_as_sealed.eq(&contact.acting_as),
                reporter_contacts::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    super::audit::insert(conn, opened)?;
    Ok(Opened::Stored)
}

/// [`open_case`] on PostgreSQL: four inserts in one statement. When the rules' version
/// moved on, or the reference is taken, the report insert does nothing, the others insert
/// from its (empty) result, and the statement says which. Foreign keys are checked at the
/// statement's end.
fn open_case_in_one_statement(
    pg: &mut diesel::PgConnection,
    case: &NewCase<'_>,
    report: &NewReport<'_>,
    contact: &SealedContact,
    opened: &Event,
) -> Result<Opened, DbError> {
    let statement = OpenCase {
        case,
        report,
        contact,
        opened,
        priority_rank: case.priority.rank(),
        hash: opened.hash(),
        has_contact: !contact.is_empty(),
    };
    let (rules_current, reports): (i64, i64) = statement.get_result(pg)?;
    Ok(match (rules_current, reports) {
        (0, _) => Opened::RulesChanged,
        (_, 1) => Opened::Stored,
        _ => Opened::ReferenceTaken,
    })
}

/// The statement of [`open_case_in_one_statement`]. A type of its own rather than
/// `sql_query`, because diesel never caches a raw query's prepared statement: this one
/// is parsed and planned once per connection instead of once per tip.
struct OpenCase<'a> {
    case: &'a NewCase<'a>,
    report: &'a NewReport<'a>,
    contact: &'a SealedContact,
    opened: &'a Event,
    priority_rank: i32,
    hash: String,
    has_contact: bool,
}

impl diesel::query_builder::QueryId for OpenCase<'_> {
    type QueryId = OpenCase<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for OpenCase<'_> {
    type SqlType = (diesel::sql_types::BigInt, diesel::sql_types::BigInt);
}

impl<Conn> RunQueryDsl<Conn> for OpenCase<'_> {}

/// Pushes binds separated by commas.
macro_rules! binds {
    ($out:ident; $($ty:ty => $value:expr),+ $(,)?) => {{
        let mut first = true;
        $(
            if !first {
                $out.push_sql(", ");
            }
            first = false;
            $out.push_bind_param::<$ty, _>($value)?;
        )+
        let _ = first;
    }};
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for OpenCase<'_> {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamp};
        let (c, r, k, e) = (self.case, self.report, self.contact, self.opened);
        // `v` holds a row only while the rules are as the tip was routed by; every insert
        // selects from it (through `r`), so a stale routing writes nothing.
        out.push_sql("WITH v AS (SELECT 1 FROM routing_state WHERE id = 1 AND version = ");
        out.push_bind_param::<BigInt, _>(&c.rules_version)?;
        out.push_sql(
            "), r AS (INSERT INTO reports (id, reference, case_id, matter, unit_scheme, unit_code, observed_from, \
             observed_to, identity_mode, content, receipt_hash, submitted_by_user, submitted_by_client, created_at, \
             owner_index) SELECT ",
        );
        binds!(out;
            UuidText => &r.id, Text => &r.reference, UuidText => &c.id, Text => &c.matter,
            Text => &c.unit_scheme, Integer => &c.commune_code, Timestamp => &r.observed_from,
            Timestamp => &r.observed_to, Text => &r.identity_mode, Text => &r.content,
            Nullable<Text> => &r.receipt_hash, Nullable<UuidText> => &r.submitted_by_user,
            Nullable<UuidText> => &r.submitted_by_client,
            Timestamp => &e.at, Nullable<Text> => &r.owner_index,
        );
        out.push_sql(
            " FROM v ON CONFLICT (reference) DO NOTHING RETURNING id), \
             c AS (INSERT INTO cases (id, authority_id, status, routing_rule_id, routing_explanation, location_flagged, \
             created_at, updated_at, matter, unit_scheme, commune_code, district_code, province_code, priority, \
             priority_rank, accept_due_at, resolve_due_at, search_text, reference, version) SELECT ",
        );
        binds!(out;
            UuidText => &c.id, UuidText => &c.authority_id, Text => &Status::New, Nullable<UuidText> => &c.rule_id,
            Text => &c.explanation, Bool => &c.location_flagged, Timestamp => &e.at, Timestamp => &e.at,
            Text => &c.matter, Text => &c.unit_scheme, Integer => &c.commune_code,
            Nullable<Integer> => &c.district_code, Nullable<Integer> => &c.province_code, Text => &c.priority,
            Integer => &self.priority_rank, Timestamp => &c.accept_due_at, Timestamp => &c.resolve_due_at,
            Text => &c.search_text, Text => &r.reference, BigInt => &1_i64,
        );
        out.push_sql(
            " FROM r), k AS (INSERT INTO reporter_contacts (report_id, name_sealed, phone_sealed, acting_as_sealed, \
             created_at) SELECT r.id, ",
        );
        binds!(out;
            Nullable<Text> => &k.name, Nullable<Text> => &k.phone, Nullable<Text> => &k.acting_as, Timestamp => &e.at,
        );
        out.push_sql(" FROM r WHERE ");
        out.push_bind_param::<Bool, _>(&self.has_contact)?;
        out.push_sql(
            "), a AS (INSERT INTO audit_events (object_type, object_id, position, at, actor, action, summary, \
             request_id, prev_hash, hash) SELECT ",
        );
        binds!(out;
            Text => &e.object_type, Text => &e.object_id, BigInt => &e.position, Timestamp => &e.at,
            Text => &e.actor, Text => &e.action, Text => &e.summary, Nullable<Text> => &e.request_id,
            Nullable<Text> => &e.prev_hash, Text => &self.hash,
        );
        out.push_sql(" FROM r) SELECT (SELECT count(*) FROM v), (SELECT count(*) FROM r)");
        Ok(())
    }
}

/// A stored tip, as its reporter may follow it.
#[derive(Debug, Clone)]
pub struct StoredReport {
    pub id: Uuid,
    pub reference: String,
    pub matter: Matter,
    pub receipt_hash: Option<String>,
    pub submitted_by_user: Option<Uuid>,
    /// The blind index of the account an anonymous tip came from.
    pub owner_index: Option<String>,
    pub created_at: NaiveDateTime,
    /// The status of the case it belongs to.
    pub case_status: Status,
    /// The authority holding that case.
    pub authority_id: Uuid,
}

type ReportColumns = (Uuid, String, Matter, Option<String>, Option<Uuid>, Option<String>, NaiveDateTime, Status, Uuid);

fn stored(row: ReportColumns) -> StoredReport {
    let (id, reference, matter, receipt_hash, submitted_by_user, owner_index, created_at, case_status, authority_id) =
        row;
    StoredReport {
        id,
        reference,
        matter,
        receipt_hash,
        submitted_by_user,
        owner_index,
        created_at,
        case_status,
        authority_id,
    }
}

macro_rules! report_query {
    () => {
        reports::table.inner_join(cases::table.on(cases::id.eq(reports::case_id))).select((
            reports::id,
            reports::reference,
            reports::matter,
            reports::receipt_hash,
            reports::submitted_by_user,
            reports::owner_index,
            reports::created_at,
            cases::status,
            cases::authority_id,
        ))
    };
}

/// A tip by its reference.
pub fn find_by_reference(conn: &mut DbConnection, reference: &str) -> Result<Option<StoredReport>, DbError> {
    Ok(report_query!().filter(reports::reference.eq(reference)).first::<ReportColumns>(conn).optional()?.map(stored))
}

/// A tip by id.
pub fn find(conn: &mut DbConnection, id: Uuid) -> Result<Option<StoredReport>, DbError> {
    Ok(report_query!().filter(reports::id.eq(Id(id))).first::<ReportColumns>(conn).optional()?.map(stored))
}

/// A citizen's own tips, newest first, before `before` (an id): those that name the
/// account, and the anonymous ones that carry its blind index.
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: Uuid,
    owner_index: &str,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<StoredReport>, DbError> {
    let mut query = report_query!()
        .filter(
            reports::submitted_by_user.eq(Some(Id(user_id))).or(reports::owner_index.eq(Some(owner_index.to_owned()))),
        )
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(reports::id.lt(Id(before)));
    }
    Ok(query.order(reports::id.desc()).limit(limit).load::<ReportColumns>(conn)?.into_iter().map(stored).collect())
}

/// The case a tip belongs to, and the tip's reference.
pub fn case_of(conn: &mut DbConnection, report_id: Uuid) -> Result<Option<(Uuid, String)>, DbError> {
    Ok(reports::table
        .select((reports::case_id, reports::reference))
        .filter(reports::id.eq(Id(report_id)))
        .first(conn)
        .optional()?)
}

/// Everything staff may read of a tip (never the reporter's contact, only whether there
/// is one).
#[derive(Debug, Clone)]
pub struct ReportDetail {
    pub report: StoredReport,
    pub content: String,
    pub unit_scheme: Scheme,
    pub unit_code: i32,
    pub authority_id: Uuid,
    pub routing_explanation: String,
    pub location_flagged: bool,
    pub submitted_by_client: Option<Uuid>,
    pub has_contact: bool,
}

/// A tip with its case's routing.
pub fn detail(conn: &mut DbConnection, id: Uuid) -> Result<Option<ReportDetail>, DbError> {
    let Some(report) = find(conn, id)? else { return Ok(None) };
    let (content, unit_scheme, unit_code, authority_id, routing_explanation, location_flagged, submitted_by_client): (
        String,
        Scheme,
        i32,
        Uuid,
        String,
        bool,
        Option<Uuid>,
    ) = reports::table
        .inner_join(cases::table.on(cases::id.eq(reports::case_id)))
        .select((
            reports::content,
            reports::unit_scheme,
            reports::unit_code,
            cases::authority_id,
            cases::routing_explanation,
            cases::location_flagged,
            reports::submitted_by_client,
        ))
        .filter(reports::id.eq(Id(id)))
        .first(conn)?;
    let contacts: i64 =
        reporter_contacts::table.filter(reporter_contacts::report_id.eq(Id(id))).count().get_result(conn)?;
    Ok(Some(ReportDetail {
        report,
        content,
        unit_scheme,
        unit_code,
        authority_id,
        routing_explanation,
        location_flagged,
        submitted_by_client,
        has_contact: contacts > 0,
    }))
}

/// A tip's sealed contact: report id, name, phone, and the resident filed for.
pub type SealedContactRow = (Uuid, Option<String>, Option<String>, Option<String>);

/// The sealed contacts of tips.
pub fn contacts_of(conn: &mut DbConnection, report_ids: &[Uuid]) -> Result<Vec<SealedContactRow>, DbError> {
    Ok(reporter_contacts::table
        .select((
            reporter_contacts::report_id,
            reporter_contacts::name_sealed,
            reporter_contacts::phone_sealed,
            reporter_contacts::acting_as_sealed,
        ))
        .filter(reporter_contacts::report_id.eq_any(report_ids.iter().copied().map(Id)))
        .order(reporter_contacts::report_id)
        .load(conn)?)
}

/// The accounts that anonymous tips filed before blind indexes still name.
pub fn accounts_naming_anonymous_tips(conn: &mut DbConnection) -> Result<Vec<Uuid>, DbError> {
    Ok(reports::table
        .select(reports::submitted_by_user.assume_not_null())
        .filter(reports::identity_mode.eq("anonymous"))
        .filter(reports::submitted_by_user.is_not_null())
        .distinct()
        .load(conn)?)
}

/// Replaces the account an anonymous tip names with its blind index. Returns how many
/// tips changed.
pub fn unlink_anonymous_tips(conn: &mut DbConnection, user_id: Uuid, owner_index: &str) -> Result<usize, DbError> {
    Ok(diesel::update(reports::table)
        .filter(reports::identity_mode.eq("anonymous"))
        .filter(reports::submitted_by_user.eq(Some(Id(user_id))))
        .set((reports::submitted_by_user.eq(None::<Id>), reports::owner_index.eq(Some(owner_index))))
        .execute(conn)?)
}
