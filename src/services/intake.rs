//! Taking a tip: check it, route it, open its case, seal the reporter's contact, and
//! answer with a reference (and a receipt code when the reporter stays unnamed) — all in
//! one transaction. `Idempotency-Key` makes retries from bad networks safe.

use uuid::Uuid;

use crate::auth::caller::Caller;
use crate::auth::keyring::Place;
use crate::auth::policy::{self, Submitter};
use crate::clock::now;
use crate::db::audit::first_event;
use crate::db::idempotency::{self, Claim};
use crate::db::reports::{self, NewCase, NewReport, Opened, SealedContact};
use crate::db::sealed_columns::{self, SealedColumn};
use crate::db::{DbConnection, authorities, commune_boxes};
use crate::domain::admin_unit::Level;
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::case::Priority;
use crate::domain::codes;
use crate::domain::report::{Contact, Tip, check};
use crate::domain::secrets;
use crate::domain::submission::ReportRequest;
use crate::domain::text::searchable;
use crate::error::{ErrorKind, FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::reports::{AuthorityContact, ReportCreated};
use crate::services::routing::decide;
use crate::state::AppState;

/// How far outside its commune's box (in microdegrees, about 5.5 km) a point may lie
/// before the case is flagged for staff.
const BOX_TOLERANCE_E6: i64 = 50_000;

/// Who may submit is the policy's decision; the rest are refused with this 403.
fn submitter(caller: Option<&Caller>) -> Result<Submitter, ServiceError> {
    policy::submitter(caller)
        .ok_or_else(|| ServiceError::forbidden(Msg::of("intake-this-account-cannot-submit-tips-residents")))
}

/// The answer to a submission: the tip received now, or, for a retried key, earlier.
pub type Submitted = ReportCreated;

/// Submits a tip. `key` is the `Idempotency-Key`, if sent; `body_digest` is present
/// whenever it is.
pub async fn submit(
    state: &AppState,
    caller: Option<&Caller>,
    body: ReportRequest,
    body_digest: Option<String>,
    key: Option<String>,
    address: Option<std::net::IpAddr>,
    request_id: Option<String>,
) -> Result<Submitted, ServiceError> {
    let who = submitter(caller)?;
    // A citizen's tips never name the account in the trail: staff would otherwise link
    // one person's tips, and an admin turn the account into a phone number (issue 14,
    // point 2). Officials and integrators file in their own name.
    let origin = match (who, caller) {
        (Submitter::Anonymous | Submitter::Citizen(_), _) | (_, None) => Origin::anonymous(request_id),
        (_, Some(caller)) => caller.origin(request_id),
    };
    let (tip, contact) = check(&body, chrono::Utc::now()).map_err(ServiceError::validation)?;
    if !matches!(who, Submitter::CommuneOfficial(_)) && (contact.acting_as.is_some() || tip.channel.is_some()) {
        return Err(ServiceError::validation(vec![FieldError::new(
            if tip.channel.is_some() { "channel" } else { "acting_as" },
            "not_allowed",
            Msg::of("intake-only-commune-officials-file-tips-on"),
        )]));
    }
    // Anonymous tips count against the address's allowance; a retry that replays an
    // earlier answer does not.
    let Some(key) = key else {
        admit_tip(state, who, address).await?;
        return store(state, who, tip, contact, origin, None).await;
    };
    let key = KeyClaim {
        key_hash: secrets::digest(&format!("idempotency:{}:{key}", key_scope(who))),
        request_hash: body_digest
            .ok_or_else(|| ServiceError::internal("a body with an Idempotency-Key has no digest"))?,
    };
    let (key_hash, request_hash) = (key.key_hash.clone(), key.request_hash.clone());
    let earlier = state.db.run(move |conn| Ok(idempotency::peek(conn, &key_hash, &request_hash, now())?)).await?;
    if earlier == Claim::Claimed {
        admit_tip(state, who, address).await?;
    }
    match earlier {
        Claim::Claimed => store(state, who, tip, contact, origin, Some(key)).await,
        Claim::Mismatch => Err(key_reused()),
        Claim::Done { sealed } => replay(state, &key.key_hash, &sealed),
    }
}

/// Counts a tip against its submitter's limits, shared by every instance: an address's
/// (tips without an account), a citizen's, an official's (higher: they file for
/// residents), a client's. Accounts are not counted per address: mobile carriers put
/// many subscribers behind one address, and an account costs a proven number already.
async fn admit_tip(state: &AppState, who: Submitter, address: Option<std::net::IpAddr>) -> Result<(), ServiceError> {
    use super::abuse::{Counted, Counter};
    if matches!(who, Submitter::Anonymous) {
        state.limits.anonymous_report(address)?;
    }
    let counters: Vec<Counter> = match who {
        Submitter::Anonymous => address.map(|a| Counter::address(Counted::AddressReports, a)).into_iter().collect(),
        Submitter::Citizen(id) => vec![Counter::id(Counted::AccountReports, id)],
        Submitter::CommuneOfficial(id) => vec![Counter::id(Counted::OfficialReports, id)],
        Submitter::Client(id) => vec![Counter::id(Counted::ClientReports, id)],
    };
    super::abuse::admit(state, counters).await
}

/// What a key is unique within: a caller's own keys, or every anonymous tip's.
fn key_scope(who: Submitter) -> String {
    match who {
        Submitter::Anonymous => "anonymous".to_owned(),
        Submitter::Citizen(id) | Submitter::CommuneOfficial(id) | Submitter::Client(id) => id.to_string(),
    }
}

/// The `Idempotency-Key` of a request, as stored: its digest and the body's.
struct KeyClaim {
    key_hash: String,
    request_hash: String,
}

/// A tip names a commune that does not exist.
pub(crate) fn unknown_commune(commune: crate::domain::admin_unit::UnitRef) -> ServiceError {
    ServiceError::validation(vec![FieldError::new(
        "location.commune_code",
        "unknown",
        Msg::of("intake-there-is-no-commune-in-scheme").arg("code", commune.code).arg("scheme", commune.scheme),
    )])
}

fn key_reused() -> ServiceError {
    ServiceError::new(ErrorKind::Invalid, "idempotency_key_reused", Msg::of("intake-this-idempotency-key-was-used-for"))
}

/// The answer a key received the first time.
fn replay(state: &AppState, key_hash: &str, sealed: &str) -> Result<Submitted, ServiceError> {
    let json = state.keyring.open(sealed, answer_place(key_hash)).map_err(ServiceError::internal)?;
    serde_json::from_str(&json).map_err(ServiceError::internal)
}

/// Where a key's stored answer is sealed: its row.
fn answer_place(key_hash: &str) -> Place<'_> {
    Place { column: sealed_columns::IDEMPOTENT_ANSWER.name, row: key_hash }
}

/// The reporter's contact, each part sealed for its column of the tip's row.
fn seal_contact(state: &AppState, report_id: Uuid, contact: &Contact) -> Result<SealedContact, ServiceError> {
    let row = report_id.to_string();
    let seal = |v: &Option<String>, column: SealedColumn| {
        v.as_deref()
            .map(|v| state.keyring.seal(v, Place { column: column.name, row: &row }))
            .transpose()
            .map_err(ServiceError::internal)
    };
    Ok(SealedContact {
        name: seal(&contact.name, sealed_columns::REPORTER_NAME)?,
        phone: seal(&contact.phone, sealed_columns::REPORTER_PHONE)?,
        acting_as: seal(&contact.acting_as, sealed_columns::REPORTER_ACTING_AS)?,
    })
}

/// What staff search a case by: the tip's free texts and its reference, as words (see
/// `text::searchable`). Staff find a case by its reference too (a citizen reads it out
/// on the phone).
fn search_text_of(tip: &Tip, reference: &str) -> String {
    let texts = [
        Some(tip.narrative.as_str()),
        tip.address_text.as_deref(),
        tip.crossing_point.as_deref(),
        tip.current_whereabouts.as_deref(),
        Some(reference),
    ];
    searchable(&texts.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

/// Whether the tip's point lies clearly outside the box of the commune it names: staff
/// see the case flagged, since one of the two is wrong.
fn outside_its_commune(conn: &mut DbConnection, tip: &Tip) -> Result<bool, ServiceError> {
    let (Some(lat), Some(lon)) = (tip.latitude_e6, tip.longitude_e6) else { return Ok(false) };
    let commune = tip.commune_unit();
    Ok(commune_boxes::find(conn, commune.scheme, commune.code)?.is_some_and(|b| {
        lat < b.min_lat_e6 - BOX_TOLERANCE_E6
            || lat > b.max_lat_e6 + BOX_TOLERANCE_E6
            || lon < b.min_lon_e6 - BOX_TOLERANCE_E6
            || lon > b.max_lon_e6 + BOX_TOLERANCE_E6
    }))
}

/// What the transaction of [`store`] did.
enum Filed {
    New(Submitted),
    /// The key was answered while this request waited for it.
    Replay(String),
}

/// Routes and stores a checked tip, opening its case, in one transaction; with a key,
/// the key's claim and answer are in that transaction too.
async fn store(
    state: &AppState,
    who: Submitter,
    tip: Tip,
    contact: Contact,
    origin: Origin,
    key: Option<KeyClaim>,
) -> Result<Submitted, ServiceError> {
    // The ids come first: the contact is sealed for its row.
    let (case_id, id) = (Uuid::now_v7(), Uuid::now_v7());
    let sealed = seal_contact(state, id, &contact)?;
    let receipt = tip.needs_receipt().then(codes::new_receipt_code);
    let receipt_hash = receipt.as_deref().map(|r| secrets::digest(&format!("receipt:{}", codes::normalize(r))));
    let content = serde_json::to_string(&tip).map_err(ServiceError::internal)?;
    // An anonymous tip of a signed-in citizen carries the account's blind index, not its id.
    let (user, client, owner_index) = match who {
        Submitter::Citizen(id) if tip.identity_mode == "anonymous" => {
            (None, None, Some(state.index_key.owner_index(id)))
        }
        Submitter::Citizen(id) | Submitter::CommuneOfficial(id) => (Some(id), None, None),
        Submitter::Client(id) => (None, Some(id), None),
        Submitter::Anonymous => (None, None, None),
    };
    let chains = state.unit_chains.clone();
    let rules_cache = state.routing_rules.clone();
    let deadlines = state.deadlines;
    // On PostgreSQL the tip's rows are one statement (see `reports::open_case`).
    let keyring = state.keyring.clone();
    let keyed = key.is_some();
    let key_hash = key.as_ref().map(|k| k.key_hash.clone()).unwrap_or_default();
    let file = move |conn: &mut DbConnection| {
        if let Some(key) = &key {
            match idempotency::claim(conn, &key.key_hash, &key.request_hash, now())? {
                Claim::Claimed => {}
                Claim::Mismatch => return Err(key_reused()),
                Claim::Done { sealed } => return Ok(Filed::Replay(sealed)),
            }
        }
        let commune = tip.commune_unit();
        let Some(chain) = chains.get(conn, commune)? else {
            return Err(unknown_commune(commune));
        };
        let flagged = outside_its_commune(conn, &tip)?;
        let now = now();
        let priority = Priority::for_new_tip(tip.urgency.as_deref());
        let (accept_due_at, resolve_due_at) = deadlines.due(priority, now);
        let code_at = |level: Level| chain.iter().find(|u| u.level == level).map(|u| u.code);
        // Routed by the cached rules; written only while they are current (else read
        // them again and route anew). A drawn reference that exists already (40 random
        // bits) is drawn again.
        for _ in 0..5 {
            let (rules_version, rules) = rules_cache.get(conn)?;
            let decision = decide(conn, &chains, &rules, tip.matter, &chain)?;
            let reference = codes::new_reference();
            let search_text = search_text_of(&tip, &reference);
            let case = NewCase {
                id: case_id,
                authority_id: decision.authority_id,
                rule_id: decision.rule_id,
                explanation: &decision.explanation,
                location_flagged: flagged,
                matter: tip.matter,
                unit_scheme: commune.scheme,
                commune_code: commune.code,
                district_code: code_at(Level::District),
                province_code: code_at(Level::Province),
                priority,
                accept_due_at,
                resolve_due_at,
                search_text: &search_text,
                rules_version,
            };
            let report = NewReport {
                id,
                reference: &reference,
                observed_from: tip.observed_from.naive_utc(),
                observed_to: tip.observed_to.naive_utc(),
                identity_mode: &tip.identity_mode,
                content: &content,
                receipt_hash: receipt_hash.as_deref(),
                submitted_by_user: user,
                submitted_by_client: client,
                owner_index: owner_index.as_deref(),
            };
            let summary = serde_json::json!({
                "status": "new",
                "authority_id": decision.authority_id,
                "routing_rule_id": decision.rule_id,
                "priority": priority.as_str(),
                "report": reference,
            });
            let opened =
                first_event(ObjectType::Case, &case_id.to_string(), &origin, "case.opened", summary.to_string(), now);
            match reports::open_case(conn, &case, &report, &sealed, &opened)? {
                Opened::Stored => {
                    // The phone is read here rather than carried by the routing cache, so an
                    // import that changes it shows on the next receipt.
                    let phone = authorities::contact(conn, decision.authority_id)?.and_then(|(_, phone)| phone);
                    let answer = ReportCreated {
                        id,
                        reference,
                        status: "received".to_owned(),
                        authority: AuthorityContact { id: decision.authority_id, name: decision.authority_name, phone },
                        receipt_code: receipt,
                    };
                    if let Some(key) = &key {
                        let json = serde_json::to_string(&answer).map_err(ServiceError::internal)?;
                        let sealed =
                            keyring.seal(&json, answer_place(&key.key_hash)).map_err(ServiceError::internal)?;
                        idempotency::answer(conn, &key.key_hash, &sealed, now)?;
                    }
                    return Ok(Filed::New(answer));
                }
                Opened::ReferenceTaken => {}
                Opened::RulesChanged => rules_cache.forget(),
            }
        }
        Err(ServiceError::internal("no tip written after five attempts (references taken or rules changing)"))
    };
    // Without a key, PostgreSQL files the tip in one statement (see `reports::open_case`);
    // a key's claim and answer make it a transaction.
    let filed = if keyed { state.db.transaction(file).await? } else { state.db.run_single_write(file).await? };
    match filed {
        Filed::New(answer) => Ok(answer),
        Filed::Replay(sealed) => replay(state, &key_hash, &sealed),
    }
}
