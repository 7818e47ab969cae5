//! Where a tip goes: the most specific routing rule; else the district authority whose
//! jurisdiction holds the commune; else the province's triage queue. The decision is
//! stored with its explanation, so that staff see why, and so that later rule changes
//! never move existing cases.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use actix_web::http::StatusCode;
use diesel::Connection;
use uuid::Uuid;

use super::take_page;
use crate::clock::now;
use crate::db::admin_units::ChainCache;
use crate::db::authorities::{self, AuthorityInput};
use crate::db::{DbConnection, admin_units, audit, routing};
use crate::domain::admin_unit::{Level, UnitRef};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::authority::{Authority, AuthorityKind};
use crate::domain::report::MATTERS;
use crate::domain::routing::{Rule, choose, explain_rule};
use crate::domain::unit_csv::LineError;
use crate::error::{ApiError, FieldError};
use crate::i18n::Msg;
use crate::services::imports::ImportError;
use crate::state::AppState;

/// Where a tip goes, and why.
#[derive(Debug, Clone)]
pub struct Decision {
    pub authority_id: Uuid,
    pub authority_name: String,
    pub rule_id: Option<Uuid>,
    pub explanation: String,
}

/// The routing rules as this process last read them, with their version. A tip is
/// written only while that version is current (the check is part of the tip's write),
/// so a rule changed on any instance takes effect for the very next tip everywhere.
#[derive(Clone, Default)]
pub struct RulesCache {
    known: Arc<RwLock<Option<VersionedRules>>>,
}

/// Every rule, and the version they make up.
pub type VersionedRules = (i64, Arc<Vec<Rule>>);

impl RulesCache {
    /// The cached rules and their version, read from the database when not known.
    pub fn get(&self, conn: &mut DbConnection) -> Result<VersionedRules, ApiError> {
        if let Some(known) = self.known.read().ok().and_then(|k| k.clone()) {
            return Ok(known);
        }
        let (version, rules) = routing::all(conn)?;
        let known = (version, Arc::new(rules));
        if let Ok(mut slot) = self.known.write() {
            *slot = Some(known.clone());
        }
        Ok(known)
    }

    /// Forgets the rules: the version moved on.
    pub fn forget(&self) {
        if let Ok(mut slot) = self.known.write() {
            *slot = None;
        }
    }
}

/// Routes a tip about `matter` from the commune whose chain of units (the commune, then
/// each unit above it) is `chain`, by `rules` (all of them; those on the chain count);
/// the default authority comes from `cache`.
pub fn decide(
    conn: &mut DbConnection,
    cache: &ChainCache,
    rules: &[Rule],
    matter: &str,
    chain: &[UnitRef],
) -> Result<Decision, ApiError> {
    let commune = *chain.first().ok_or_else(|| ApiError::internal("an empty chain of units"))?;
    if let Some(rule) = choose(rules, matter, chain) {
        let authority = authorities::find(conn, rule.authority_id)?
            .ok_or_else(|| ApiError::internal("a routing rule names a missing authority"))?;
        return Ok(Decision {
            authority_id: authority.id,
            authority_name: authority.name,
            rule_id: Some(rule.id),
            explanation: explain_rule(rule, commune),
        });
    }
    if let Some((id, code, name)) = cache.holder(conn, AuthorityKind::District, chain)? {
        let explanation = format!(
            "no routing rule covers {commune}; default: the district authority {code} holds it in its jurisdiction"
        );
        return Ok(Decision { authority_id: id, authority_name: name, rule_id: None, explanation });
    }
    let province = chain.iter().copied().find(|u| u.level == Level::Province).unwrap_or(commune);
    let authority = triage_queue(conn, province)?;
    let explanation =
        format!("no routing rule and no district authority covers {commune}; sent to the triage queue of {province}");
    Ok(Decision { authority_id: authority.id, authority_name: authority.name, rule_id: None, explanation })
}

/// The province's triage queue, created the first time a tip needs it.
fn triage_queue(conn: &mut DbConnection, province: UnitRef) -> Result<Authority, ApiError> {
    let code = format!("TRIAGE-{}-{}", province.scheme, province.code);
    if let Some(found) = authorities::find_by_code(conn, &code)? {
        return Ok(found);
    }
    let name = admin_units::find(conn, province)?.map_or_else(|| province.to_string(), |u| u.name);
    let input = AuthorityInput {
        code: code.clone(),
        name: format!("Tổ tiếp nhận và phân loại tin báo – {name}"),
        kind: AuthorityKind::Province,
        units: BTreeSet::from([province]),
    };
    // In a savepoint: another instance may create the same queue at the same moment.
    let _ = conn.transaction(|conn| authorities::upsert(conn, &[input], &Origin::system("intake"), now()));
    authorities::find_by_code(conn, &code)?.ok_or_else(|| ApiError::internal("the triage queue could not be created"))
}

/// A rule as an admin writes it.
pub struct RuleInput {
    pub matter: Option<String>,
    pub unit: UnitRef,
    pub authority_id: Uuid,
    pub note: Option<String>,
}

fn rule_errors(conn: &mut DbConnection, input: &RuleInput) -> Result<Vec<FieldError>, ApiError> {
    let mut errors = Vec::new();
    if input.matter.as_deref().is_some_and(|m| !MATTERS.contains(&m)) {
        errors.push(FieldError::new(
            "matter",
            "invalid",
            Msg::new(
                "must be illegal_entry, facilitation, harbouring or health_risk (or absent: any)",
                "phải là illegal_entry, facilitation, harbouring hoặc health_risk (hoặc bỏ trống: mọi loại)",
            ),
        ));
    }
    if admin_units::find(conn, input.unit)?.is_none() {
        errors.push(FieldError::new("unit", "unknown", Msg::new("does not exist", "không tồn tại")));
    }
    if authorities::find(conn, input.authority_id)?.is_none() {
        errors.push(FieldError::new("authority_id", "unknown", Msg::new("does not exist", "không tồn tại")));
    }
    Ok(errors)
}

/// Creates a rule; one rule per matter and unit.
pub async fn create(state: &AppState, origin: Origin, input: RuleInput) -> Result<Rule, ApiError> {
    state
        .db
        .transaction(move |conn| {
            let errors = rule_errors(conn, &input)?;
            if !errors.is_empty() {
                return Err(ApiError::validation(errors));
            }
            if routing::find_same(conn, input.matter.as_deref(), input.unit)?.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "rule_exists",
                    Msg::new(
                        "A rule for this matter and unit exists already; delete it first.",
                        "Đã có quy tắc cho loại tin và đơn vị này; hãy xóa quy tắc cũ trước.",
                    ),
                ));
            }
            insert_audited(
                conn,
                &origin,
                input.matter.as_deref(),
                input.unit,
                input.authority_id,
                input.note.as_deref(),
                now(),
            )
        })
        .await
}

/// Creates a rule and records it in the audit trail: the API and the import both do.
fn insert_audited(
    conn: &mut DbConnection,
    origin: &Origin,
    matter: Option<&str>,
    unit: UnitRef,
    authority_id: Uuid,
    note: Option<&str>,
    at: chrono::NaiveDateTime,
) -> Result<Rule, ApiError> {
    let rule = routing::insert(conn, matter, unit, authority_id, note, at)?;
    audit::append(
        conn,
        ObjectType::RoutingRule,
        &rule.id.to_string(),
        origin,
        "routing_rule.created",
        rule_state(&rule),
        at,
    )?;
    Ok(rule)
}

/// What the audit trail records of a rule.
fn rule_state(rule: &Rule) -> serde_json::Value {
    serde_json::json!({
        "matter": rule.matter,
        "unit": rule.unit.to_string(),
        "authority_id": rule.authority_id,
        "note": rule.note,
    })
}

/// Rules by creation.
pub async fn list(state: &AppState, after: Option<Uuid>, limit: u32) -> Result<(Vec<Rule>, Option<Uuid>), ApiError> {
    state.db.run(move |conn| Ok(take_page(routing::list(conn, after, i64::from(limit) + 1)?, limit, |r| r.id))).await
}

fn not_found() -> ApiError {
    ApiError::not_found(Msg::new(
        "There is no routing rule with this id.",
        "Không có quy tắc định tuyến nào có mã này.",
    ))
}

/// One rule.
pub async fn get(state: &AppState, id: Uuid) -> Result<Rule, ApiError> {
    state.db.run(move |conn| routing::find(conn, id)).await?.ok_or_else(not_found)
}

/// Deletes a rule; existing cases keep their routing.
pub async fn delete(state: &AppState, origin: Origin, id: Uuid) -> Result<(), ApiError> {
    state
        .db
        .transaction(move |conn| {
            let rule = routing::find(conn, id)?.ok_or_else(not_found)?;
            if !routing::delete(conn, id)? {
                return Err(not_found());
            }
            let summary = serde_json::json!({"before": rule_state(&rule)});
            audit::append(
                conn,
                ObjectType::RoutingRule,
                &id.to_string(),
                &origin,
                "routing_rule.deleted",
                summary,
                now(),
            )
        })
        .await
}

/// Imports rules from CSV (`matter,unit,authority_code,note`; matter `*` for any; unit as
/// `SCHEME:LEVEL:CODE`): a rule for the same matter and unit is pointed at the file's
/// authority. All or nothing; errors name the line.
pub fn import(conn: &mut DbConnection, input: impl std::io::Read) -> Result<crate::db::UpsertCounts, ImportError> {
    let rows = crate::domain::csv_rows::read_rows(input, &["matter", "unit", "authority_code", "note"])?;
    let origin = Origin::system("routing-rules-import");
    crate::db::pool::in_transaction(conn, |conn| {
        let mut counts = crate::db::UpsertCounts::default();
        for (line, fields) in rows {
            let fail = |m: String| ImportError::Line(LineError::new(line, m));
            let matter = match fields[0].as_str() {
                "*" | "" => None,
                m if MATTERS.contains(&m) => Some(m.to_owned()),
                m => return Err(fail(format!("matter `{m}` is not one of {} or *", MATTERS.join(", ")))),
            };
            let unit = UnitRef::parse(&fields[1]).map_err(|m| fail(format!("unit: {m}")))?;
            let authority = authorities::find_by_code(conn, &fields[2])?
                .ok_or_else(|| fail(format!("authority `{}` does not exist", fields[2])))?;
            let note = Some(fields[3].as_str()).filter(|n| !n.is_empty());
            let input =
                RuleInput { matter: matter.clone(), unit, authority_id: authority.id, note: note.map(str::to_owned) };
            if let Some(e) = rule_errors(conn, &input)?.first() {
                return Err(fail(format!("{}: {}", e.field, e.message.en)));
            }
            match routing::find_same(conn, matter.as_deref(), unit)? {
                Some(rule) if rule.authority_id == authority.id && rule.note.as_deref() == note => {
                    counts.unchanged += 1
                }
                Some(rule) => {
                    let at = now();
                    routing::set_authority(conn, rule.id, authority.id, note, at)?;
                    let after = routing::find(conn, rule.id)?.ok_or_else(|| fail("the rule vanished".into()))?;
                    let summary = serde_json::json!({"before": rule_state(&rule), "after": rule_state(&after)});
                    audit::append(
                        conn,
                        ObjectType::RoutingRule,
                        &rule.id.to_string(),
                        &origin,
                        "routing_rule.changed",
                        summary,
                        at,
                    )?;
                    counts.updated += 1;
                }
                None => {
                    insert_audited(conn, &origin, matter.as_deref(), unit, authority.id, note, now())?;
                    counts.inserted += 1;
                }
            }
        }
        Ok(counts)
    })
}
