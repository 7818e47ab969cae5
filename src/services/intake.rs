//! Taking a tip: check it, route it, open its case, seal the reporter's contact, and
//! answer with a reference (and a receipt code when the reporter stays unnamed) — all in
//! one transaction. `Idempotency-Key` makes retries from bad networks safe.

use actix_web::http::StatusCode;
use uuid::Uuid;

use crate::api::reports::{AuthorityRef, ReportCreated, ReportRequest};
use crate::auth::caller::{Caller, Principal};
use crate::auth::secrets;
use crate::clock::now;
use crate::db::commune_boxes;
use crate::db::idempotency::{self, Reservation};
use crate::db::reports::{self, NewCase, NewReport};
use crate::domain::account::Role;
use crate::domain::client::ClientScope;
use crate::domain::codes;
use crate::domain::report::{Contact, Tip, check};
use crate::error::{ApiError, FieldError};
use crate::i18n::Msg;
use crate::services::routing::decide;
use crate::state::AppState;

/// How far outside its commune's box (in microdegrees, about 5.5 km) a point may lie
/// before the case is flagged for staff.
const BOX_TOLERANCE_E6: i64 = 50_000;

/// Who submits.
#[derive(Debug, Clone, Copy)]
enum Submitter {
    Anonymous,
    Citizen(Uuid),
    CommuneOfficial(Uuid),
    Client(Uuid),
}

/// Who may submit: anyone unsigned, citizens, commune officials, and clients with
/// `reports:submit`. The policy's answer for the rest is 403.
fn submitter(caller: Option<&Caller>) -> Result<Submitter, ApiError> {
    let forbidden = || {
        ApiError::forbidden(Msg::new(
            "This account cannot submit tips: residents, commune officials and integrators with reports:submit can.",
            "Tài khoản này không gửi được tin báo: người dân, cán bộ xã và hệ thống tích hợp có quyền reports:submit thì được.",
        ))
    };
    match caller {
        None => Ok(Submitter::Anonymous),
        Some(c) => {
            crate::auth::policy::authorize_submission(c).map_err(|_| forbidden())?;
            match &c.principal {
                Principal::User(a) if a.role == Role::Citizen => Ok(Submitter::Citizen(a.id)),
                Principal::User(a) if a.role == Role::CommuneOfficial => Ok(Submitter::CommuneOfficial(a.id)),
                Principal::Client(client) if client.scopes.contains(&ClientScope::ReportsSubmit) => {
                    Ok(Submitter::Client(client.id))
                }
                _ => Err(forbidden()),
            }
        }
    }
}

/// The answer to a submission, and its status.
pub type Submitted = (StatusCode, ReportCreated);

/// Submits a tip. `key` is the `Idempotency-Key`, if sent.
pub async fn submit(
    state: &AppState,
    caller: Option<&Caller>,
    body: ReportRequest,
    body_digest: String,
    key: Option<String>,
    address: Option<std::net::IpAddr>,
) -> Result<Submitted, ApiError> {
    let who = submitter(caller)?;
    let (tip, contact) = check(&body, chrono::Utc::now()).map_err(ApiError::validation)?;
    if !matches!(who, Submitter::CommuneOfficial(_)) && (contact.acting_as.is_some() || tip.channel.is_some()) {
        return Err(ApiError::validation(vec![FieldError::new(
            if tip.channel.is_some() { "channel" } else { "acting_as" },
            "not_allowed",
            Msg::new(
                "only commune officials file tips on someone's behalf",
                "chỉ cán bộ xã mới gửi tin báo thay người khác",
            ),
        )]));
    }
    // Anonymous tips count against the address's allowance; a retry that replays an
    // earlier answer does not.
    let limit = || if matches!(who, Submitter::Anonymous) { state.limits.anonymous_report(address) } else { Ok(()) };
    let Some(key) = key else {
        limit()?;
        return store(state, who, tip, contact).await;
    };
    let scope = match who {
        Submitter::Anonymous => "anonymous".to_owned(),
        Submitter::Citizen(id) | Submitter::CommuneOfficial(id) | Submitter::Client(id) => id.to_string(),
    };
    let key_hash = secrets::digest(&format!("idempotency:{scope}:{key}"));
    let (reserved_key, digest) = (key_hash.clone(), body_digest);
    match state.db.transaction(move |conn| idempotency::reserve(conn, &reserved_key, &digest, now())).await? {
        Reservation::Reserved => {}
        Reservation::Running => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "request_in_progress",
                Msg::new(
                    "This tip is still being received. Wait a moment and retry with the same Idempotency-Key.",
                    "Tin báo này đang được tiếp nhận. Vui lòng đợi giây lát rồi gửi lại với cùng Idempotency-Key.",
                ),
            ));
        }
        Reservation::Mismatch => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                Msg::new(
                    "This Idempotency-Key was used for another tip. Use a new key for a new tip.",
                    "Idempotency-Key này đã dùng cho một tin báo khác. Hãy dùng khóa mới cho tin báo mới.",
                ),
            ));
        }
        Reservation::Done { status, sealed } => {
            let json = state.sealer.open(&sealed).map_err(ApiError::internal)?;
            let answer: ReportCreated = serde_json::from_str(&json).map_err(ApiError::internal)?;
            return Ok((StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED), answer));
        }
    }
    let stored = match limit() {
        Ok(()) => store(state, who, tip, contact).await,
        Err(limited) => Err(limited),
    };
    match stored {
        Ok((status, answer)) => {
            let json = serde_json::to_string(&answer).map_err(ApiError::internal)?;
            let sealed = state.sealer.seal(&json).map_err(ApiError::internal)?;
            let code = status.as_u16();
            state.db.transaction(move |conn| idempotency::complete(conn, &key_hash, code, &sealed, now())).await?;
            Ok((status, answer))
        }
        Err(err) => {
            state.db.transaction(move |conn| idempotency::release(conn, &key_hash)).await?;
            Err(err)
        }
    }
}

/// Routes and stores a checked tip, opening its case, in one transaction.
async fn store(state: &AppState, who: Submitter, tip: Tip, contact: Contact) -> Result<Submitted, ApiError> {
    let seal = |v: &Option<String>| v.as_deref().map(|v| state.sealer.seal(v)).transpose().map_err(ApiError::internal);
    let sealed = (seal(&contact.name)?, seal(&contact.phone)?, seal(&contact.acting_as)?);
    let receipt = tip.needs_receipt().then(codes::new_receipt_code);
    let receipt_hash = receipt.as_deref().map(|r| secrets::digest(&format!("receipt:{}", codes::normalize(r))));
    let content = serde_json::to_string(&tip).map_err(ApiError::internal)?;
    let (user, client) = match who {
        Submitter::Citizen(id) | Submitter::CommuneOfficial(id) => (Some(id), None),
        Submitter::Client(id) => (None, Some(id)),
        Submitter::Anonymous => (None, None),
    };
    let chains = state.unit_chains.clone();
    let (id, reference, authority) = state
        .db
        .transaction(move |conn| {
            let commune = tip.commune_unit();
            let Some(chain) = chains.get(conn, commune)? else {
                return Err(ApiError::validation(vec![FieldError::new(
                    "location.commune_code",
                    "unknown",
                    Msg::new(
                        format!("there is no commune {} in scheme {}", commune.code, commune.scheme),
                        format!("không có xã mã {} trong danh mục {}", commune.code, commune.scheme),
                    ),
                )]));
            };
            let flagged = match (tip.latitude_e6, tip.longitude_e6) {
                (Some(lat), Some(lon)) => commune_boxes::find(conn, commune.scheme, commune.code)?.is_some_and(|b| {
                    lat < b.min_lat_e6 - BOX_TOLERANCE_E6
                        || lat > b.max_lat_e6 + BOX_TOLERANCE_E6
                        || lon < b.min_lon_e6 - BOX_TOLERANCE_E6
                        || lon > b.max_lon_e6 + BOX_TOLERANCE_E6
                }),
                _ => false,
            };
            let decision = decide(conn, &chains, &tip.matter, &chain)?;
            let now = now();
            let case = NewCase {
                authority_id: decision.authority_id,
                rule_id: decision.rule_id,
                explanation: &decision.explanation,
                location_flagged: flagged,
            };
            let case_id = reports::insert_case(conn, &case, now)?;
            let new = NewReport {
                case_id,
                matter: &tip.matter,
                unit_scheme: commune.scheme.as_str(),
                unit_code: commune.code,
                observed_from: tip.observed_from.naive_utc(),
                observed_to: tip.observed_to.naive_utc(),
                identity_mode: &tip.identity_mode,
                content: &content,
                receipt_hash: receipt_hash.as_deref(),
                submitted_by_user: user,
                submitted_by_client: client,
            };
            let (id, reference) = reports::insert_report(conn, &new, now)?;
            if sealed.0.is_some() || sealed.1.is_some() || sealed.2.is_some() {
                reports::insert_contact(conn, id, sealed.0.as_deref(), sealed.1.as_deref(), sealed.2.as_deref(), now)?;
            }
            Ok((id, reference, (decision.authority_id, decision.authority_name)))
        })
        .await?;
    let answer = ReportCreated {
        id,
        reference,
        status: "received".to_owned(),
        authority: AuthorityRef { id: authority.0, name: authority.1 },
        receipt_code: receipt,
    };
    Ok((StatusCode::CREATED, answer))
}
