//! Routing rules as admins write them: create, list, read, delete, and the CSV import.
//! Each change is audited in its own transaction.

use uuid::Uuid;

use super::take_page;
use crate::auth::caller::Caller;
use crate::auth::policy::{Action, authorize};
use crate::clock::now;
use crate::db::authorities;
use crate::db::{DbConnection, admin_units, audit, routing};
use crate::domain::admin_unit::{Level, Scheme, UnitRef};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::csv_rows::LineError;
use crate::domain::report::{MATTERS, Matter};
use crate::domain::routing::Rule;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::reports::CreateRuleRequest;
use crate::services::imports::ImportError;
use crate::state::AppState;

/// A rule as an admin writes it (the matter as sent: checked by [`create`]).
struct RuleInput {
    matter: Option<String>,
    unit: UnitRef,
    authority_id: Uuid,
    note: Option<String>,
}

fn rule_errors(conn: &mut DbConnection, input: &RuleInput) -> Result<Vec<FieldError>, ServiceError> {
    let mut errors = Vec::new();
    if input.matter.as_deref().is_some_and(|m| Matter::parse(m).is_none()) {
        errors.push(FieldError::new(
            "matter",
            "invalid",
            Msg::of("routing-rules-must-be-illegal-entry-facilitation-harbouring"),
        ));
    }
    if admin_units::find(conn, input.unit)?.is_none() {
        errors.push(FieldError::new("unit", "unknown", Msg::of("accounts-does-not-exist")));
    }
    if authorities::find(conn, input.authority_id)?.is_none() {
        errors.push(FieldError::new("authority_id", "unknown", Msg::of("accounts-does-not-exist")));
    }
    Ok(errors)
}

/// The unit and note of a rule as sent: a unit of a level its scheme has, a note of at
/// most 500 characters (blank is none).
fn input_of(body: CreateRuleRequest) -> Result<RuleInput, ServiceError> {
    let u = &body.unit;
    let unit = match (Scheme::parse(&u.scheme), Level::parse(&u.level), i32::try_from(u.code)) {
        (Some(scheme), Some(level), Ok(code)) if scheme.levels().contains(&level) => UnitRef { scheme, level, code },
        _ => {
            return Err(ServiceError::validation(vec![FieldError::new(
                "unit",
                "invalid",
                Msg::of("routing-rules-must-name-a-unit-scheme-2024"),
            )]));
        }
    };
    if body.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(ServiceError::validation(vec![FieldError::new(
            "note",
            "length",
            Msg::of("routing-rules-must-have-at-most-500-characters"),
        )]));
    }
    let note = body.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    Ok(RuleInput { matter: body.matter, unit, authority_id: body.authority_id, note })
}

/// Creates a rule; one rule per matter and unit.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    origin: Origin,
    body: CreateRuleRequest,
) -> Result<Rule, ServiceError> {
    authorize(caller, Action::ManageRoutingRules)?;
    let input = input_of(body)?;
    state
        .db
        .transaction(move |conn| {
            let errors = rule_errors(conn, &input)?;
            if !errors.is_empty() {
                return Err(ServiceError::validation(errors));
            }
            let matter = input.matter.as_deref().and_then(Matter::parse);
            if routing::find_same(conn, matter, input.unit)?.is_some() {
                return Err(ServiceError::conflict("rule_exists", Msg::of("routing-rules-a-rule-for-this-matter-and")));
            }
            insert_audited(conn, &origin, matter, input.unit, input.authority_id, input.note.as_deref(), now())
        })
        .await
}

/// Creates a rule and records it in the audit trail: the API and the import both do.
fn insert_audited(
    conn: &mut DbConnection,
    origin: &Origin,
    matter: Option<Matter>,
    unit: UnitRef,
    authority_id: Uuid,
    note: Option<&str>,
    at: chrono::NaiveDateTime,
) -> Result<Rule, ServiceError> {
    let rule = routing::insert(conn, matter, unit, authority_id, note, at)?;
    audit::append(conn, ObjectType::RoutingRule, rule.id, origin, "routing_rule.created", rule_state(&rule), at)?;
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
pub async fn list(
    state: &AppState,
    caller: &Caller,
    after: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<Rule>, Option<Uuid>), ServiceError> {
    authorize(caller, Action::ManageRoutingRules)?;
    state.db.run(move |conn| Ok(take_page(routing::list(conn, after, i64::from(limit) + 1)?, limit, |r| r.id))).await
}

fn not_found() -> ServiceError {
    ServiceError::not_found(Msg::of("routing-rules-there-is-no-routing-rule-with"))
}

/// One rule.
pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> Result<Rule, ServiceError> {
    authorize(caller, Action::ManageRoutingRules)?;
    state.db.run(move |conn| Ok(routing::find(conn, id)?)).await?.ok_or_else(not_found)
}

/// Deletes a rule; existing cases keep their routing.
pub async fn delete(state: &AppState, caller: &Caller, origin: Origin, id: Uuid) -> Result<(), ServiceError> {
    authorize(caller, Action::ManageRoutingRules)?;
    state
        .db
        .transaction(move |conn| {
            let rule = routing::find(conn, id)?.ok_or_else(not_found)?;
            if !routing::delete(conn, id)? {
                return Err(not_found());
            }
            let summary = serde_json::json!({"before": rule_state(&rule)});
            Ok(audit::append(conn, ObjectType::RoutingRule, id, &origin, "routing_rule.deleted", summary, now())?)
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
                m => match Matter::parse(m) {
                    Some(matter) => Some(matter),
                    None => return Err(fail(format!("matter `{m}` is not one of {} or *", MATTERS.join(", ")))),
                },
            };
            let unit = UnitRef::parse(&fields[1]).map_err(|m| fail(format!("unit: {m}")))?;
            let authority = authorities::find_by_code(conn, &fields[2])?
                .ok_or_else(|| fail(format!("authority `{}` does not exist", fields[2])))?;
            let note = Some(fields[3].as_str()).filter(|n| !n.is_empty());
            let input = RuleInput {
                matter: matter.map(|m| m.as_str().to_owned()),
                unit,
                authority_id: authority.id,
                note: note.map(str::to_owned),
            };
            if let Some(e) = rule_errors(conn, &input)?.first() {
                return Err(fail(format!("{}: {}", e.field, e.message.en())));
            }
            match routing::find_same(conn, matter, unit)? {
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
                        rule.id,
                        &origin,
                        "routing_rule.changed",
                        summary,
                        at,
                    )?;
                    counts.updated += 1;
                }
                None => {
                    insert_audited(conn, &origin, matter, unit, authority.id, note, now())?;
                    counts.inserted += 1;
                }
            }
        }
        Ok(counts)
    })
}
