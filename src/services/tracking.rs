//! Following a tip: by reference and receipt code (no account needed), or as the citizen
//! who submitted it. Reporters see a coarse status and the messages staff wrote to them,
//! and can add information.

use std::net::IpAddr;

use uuid::Uuid;

use crate::auth::policy::{TipOwner, is_own_tip};
use crate::clock::now;
use crate::db::report_messages;
use crate::db::reports::{self, StoredReport};
use crate::db::{audit, authorities};
use crate::domain::audit::{ObjectType, Origin};
use crate::domain::codes;
use crate::domain::conversation::EMBEDDED;
use crate::domain::secrets;
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::abuse::{self, Counted, Counter};
use crate::services::conversations::not_yours;
use crate::services::dto::reports::{AuthorityContact, MessageView, TrackingView};
use crate::state::AppState;

/// The longest message a reporter may add.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// A wrong code and an unknown reference get this same answer.
fn not_found() -> ServiceError {
    ServiceError::not_found(Msg::of("tracking-no-tip-matches-this-reference-and"))
}

/// Finds the tip whose reference and receipt code match, or 404 for any mismatch.
async fn authenticate(state: &AppState, reference: &str, receipt_code: &str) -> Result<StoredReport, ServiceError> {
    if !codes::is_reference(reference) || receipt_code.len() > 64 {
        return Err(not_found());
    }
    let reference = codes::canonical_reference(reference);
    let digest = secrets::digest(&format!("receipt:{}", codes::normalize(receipt_code)));
    let found = state.db.run(move |conn| Ok(reports::find_by_reference(conn, &reference)?)).await?;
    match found {
        Some(report)
            if report
                .receipt_hash
                .as_deref()
                .is_some_and(|h| secrets::constant_time_eq(h.as_bytes(), digest.as_bytes())) =>
        {
            Ok(report)
        }
        _ => Err(not_found()),
    }
}

/// The tip as its reporter sees it.
pub async fn view(state: &AppState, report: StoredReport) -> Result<TrackingView, ServiceError> {
    let (id, authority_id) = (report.id, report.authority_id);
    let (messages, contact) = state
        .db
        .run(move |conn| {
            Ok((report_messages::latest_messages(conn, id, EMBEDDED)?, authorities::contact(conn, authority_id)?))
        })
        .await?;
    let (name, phone) = contact.ok_or_else(|| ServiceError::internal("a case names a missing authority"))?;
    Ok(TrackingView {
        id: report.id,
        reference: report.reference,
        status: report.case_status.coarse(),
        matter: report.matter.as_str().to_owned(),
        submitted_at: report.created_at.and_utc(),
        authority: AuthorityContact { id: authority_id, name, phone },
        messages: messages.into_iter().map(MessageView::from).collect(),
    })
}

/// `POST /api/v1/tracking`, and the tracking page: first the address's limits (this
/// instance's, then those shared by every instance), since a receipt code can be guessed
/// only by asking many times.
pub async fn track(
    state: &AppState,
    address: Option<IpAddr>,
    reference: &str,
    receipt_code: &str,
) -> Result<TrackingView, ServiceError> {
    state.limits.tracking(address)?;
    abuse::admit(state, address.map(|a| Counter::address(Counted::Tracking, a)).into_iter().collect()).await?;
    let report = authenticate(state, reference, receipt_code).await?;
    view(state, report).await
}

fn checked_body(sent: &str) -> Result<String, ServiceError> {
    let body = sent.trim();
    if body.is_empty() || sent.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ServiceError::validation(vec![FieldError::new(
            "body",
            "length",
            Msg::of("tracking-must-have-1-to-characters").arg("max-message-chars", MAX_MESSAGE_CHARS),
        )]));
    }
    Ok(body.to_owned())
}

/// `POST /api/v1/tracking/messages`: the reporter adds information, within the
/// address's tracking and message limits.
pub async fn add_message(
    state: &AppState,
    address: Option<IpAddr>,
    reference: &str,
    receipt_code: &str,
    body: &str,
) -> Result<MessageView, ServiceError> {
    admit_message(state, address).await?;
    let body = checked_body(body)?;
    let report = authenticate(state, reference, receipt_code).await?;
    append(state, report.id, body).await
}

/// The tracking page's form: the reporter adds information and sees the tip again, on
/// one count of the address's limits (a second count could refuse the view of a message
/// just stored, and the reporter send it again). The outer error is the lookup's; the
/// inner one the message's (empty, too long), shown beside the tip.
pub async fn add_message_and_view(
    state: &AppState,
    address: Option<IpAddr>,
    reference: &str,
    receipt_code: &str,
    body: &str,
) -> Result<(Result<MessageView, ServiceError>, TrackingView), ServiceError> {
    admit_message(state, address).await?;
    let report = authenticate(state, reference, receipt_code).await?;
    let added = match checked_body(body) {
        Ok(body) => append(state, report.id, body).await,
        Err(e) => Err(e),
    };
    if let Err(e) = &added
        && e.kind != crate::error::ErrorKind::Invalid
    {
        return Err(e.clone());
    }
    Ok((added, view(state, report).await?))
}

/// A reporter's message counts as a tracking lookup and as a message, per address, on
/// this instance and across all of them.
async fn admit_message(state: &AppState, address: Option<IpAddr>) -> Result<(), ServiceError> {
    state.limits.tracking(address)?;
    let counters = address
        .into_iter()
        .flat_map(|a| [Counter::address(Counted::Tracking, a), Counter::address(Counted::Messages, a)]);
    abuse::admit(state, counters.collect()).await
}

/// Adds the reporter's message, and an event to the case's trail that proves it (the
/// tip's reference and the text's digest: never the text, never who sent it, since the
/// reporter of an anonymous tip must stay unlinkable).
async fn append(state: &AppState, report_id: Uuid, body: String) -> Result<MessageView, ServiceError> {
    let message = state
        .db
        .transaction(move |conn| {
            let (case_id, reference) =
                reports::case_of(conn, report_id)?.ok_or_else(|| ServiceError::internal("a tip without its case"))?;
            crate::db::cases::lock(conn, case_id)?;
            let now = now();
            crate::services::conversations::admit(conn, report_id, true, now)?;
            let message = report_messages::add_message(conn, report_id, "reporter", &body, now)?;
            let summary = serde_json::json!({"report": reference, "sha256": secrets::digest(&body)});
            let origin = Origin::anonymous(None);
            audit::append(conn, ObjectType::Case, case_id, &origin, "case.reporter_message", summary, now)?;
            Ok(message)
        })
        .await?;
    Ok(MessageView::from(message))
}

/// A citizen's own tips, newest first.
pub async fn mine(
    state: &AppState,
    user: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<TrackingView>, Option<Uuid>), ServiceError> {
    let index = state.index_key.owner_index(user);
    let rows =
        state.db.run(move |conn| Ok(reports::list_for_user(conn, user, &index, before, i64::from(limit) + 1)?)).await?;
    let (rows, next) = super::take_page(rows, limit, |r| r.id);
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        views.push(view(state, row).await?);
    }
    Ok((views, next))
}

/// One of a citizen's own tips; another's answers like a missing one.
pub async fn one_of_mine(state: &AppState, user: Uuid, id: Uuid) -> Result<TrackingView, ServiceError> {
    let found = state.db.run(move |conn| Ok(reports::find(conn, id)?)).await?;
    match found {
        Some(report) if is_own_tip(&state.index_key, user, TipOwner::of(&report)) => view(state, report).await,
        _ => Err(not_yours()),
    }
}

/// A citizen adds information to one of their tips.
pub async fn add_my_message(state: &AppState, user: Uuid, id: Uuid, body: &str) -> Result<MessageView, ServiceError> {
    let body = checked_body(body)?;
    one_of_mine(state, user, id).await?;
    append(state, id, body).await
}
