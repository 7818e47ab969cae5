//! Where a tip goes: the most specific routing rule; else the district authority whose
//! jurisdiction holds the commune; else the province's triage queue. The decision is
//! stored with its explanation, so that staff see why, and so that later rule changes
//! never move existing cases. The rules themselves are administered in
//! `routing_rules`, and read through `db::routing_cache`.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::clock::now;
use crate::db::authorities::{self, AuthorityInput};
use crate::db::unit_chains::ChainCache;
use crate::db::{DbConnection, admin_units};
use crate::domain::admin_unit::{Level, UnitRef};
use crate::domain::audit::Origin;
use crate::domain::authority::{Authority, AuthorityKind};
use crate::domain::report::Matter;
use crate::domain::routing::{Rule, choose, explain_district_default, explain_rule, explain_triage};
use crate::error::ServiceError;

/// Where a tip goes, and why.
#[derive(Debug, Clone)]
pub struct Decision {
    pub authority_id: Uuid,
    pub authority_name: String,
    pub rule_id: Option<Uuid>,
    pub explanation: String,
}

/// Routes a tip about `matter` from the commune whose chain of units (the commune, then
/// each unit above it) is `chain`, by `rules` (all of them; those on the chain count);
/// the default authority comes from `cache`.
pub fn decide(
    conn: &mut DbConnection,
    cache: &ChainCache,
    rules: &[Rule],
    matter: Matter,
    chain: &[UnitRef],
) -> Result<Decision, ServiceError> {
    let commune = *chain.first().ok_or_else(|| ServiceError::internal("an empty chain of units"))?;
    if let Some(rule) = choose(rules, matter, chain) {
        let authority = authorities::find(conn, rule.authority_id)?
            .ok_or_else(|| ServiceError::internal("a routing rule names a missing authority"))?;
        return Ok(Decision {
            authority_id: authority.id,
            authority_name: authority.name,
            rule_id: Some(rule.id),
            explanation: explain_rule(rule, commune),
        });
    }
    if let Some((id, code, name)) = cache.holder(conn, AuthorityKind::District, chain)? {
        let explanation = explain_district_default(commune, &code);
        return Ok(Decision { authority_id: id, authority_name: name, rule_id: None, explanation });
    }
    let province = chain.iter().copied().find(|u| u.level == Level::Province).unwrap_or(commune);
    let authority = triage_queue(conn, province)?;
    let explanation = explain_triage(commune, province);
    Ok(Decision { authority_id: authority.id, authority_name: authority.name, rule_id: None, explanation })
}

/// The province's triage queue, created the first time a tip needs it.
fn triage_queue(conn: &mut DbConnection, province: UnitRef) -> Result<Authority, ServiceError> {
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
        phone: None,
    };
    // In a savepoint: another instance may create the same queue at the same moment.
    let _ = crate::db::pool::in_transaction(conn, |conn| {
        authorities::upsert(conn, &[input], &Origin::system("intake"), now())
    });
    authorities::find_by_code(conn, &code)?
        .ok_or_else(|| ServiceError::internal("the triage queue could not be created"))
}
