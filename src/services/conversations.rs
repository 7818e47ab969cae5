//! Conversations on tips, bounded: whether one more message may be added (see
//! `domain::conversation`), and the pages of a case's messages and notes and of a
//! citizen's messages on one of their tips, beyond the newest that answers embed.

use uuid::Uuid;

use super::take_page;
use crate::auth::caller::Caller;
use crate::auth::policy::{TipOwner, is_own_tip};
use crate::db::{DbConnection, case_notes, report_messages, reports};
use crate::domain::conversation::{Refusal, hour_before, may_add};
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Msg;
use crate::services::case_loading::load;
use crate::services::dto::cases::NoteView;
use crate::services::dto::reports::{CaseMessageView, MessageView};
use crate::state::AppState;

/// 422 `conversation_full` or 429 `too_many_messages` unless one more message fits on the
/// tip. Call it in the transaction that adds the message, after the tip's case is locked,
/// so that two messages at once cannot both take the last place.
pub(crate) fn admit(
    conn: &mut DbConnection,
    report_id: Uuid,
    from_reporter: bool,
    now: chrono::NaiveDateTime,
) -> Result<(), ServiceError> {
    let (total, recent) = report_messages::conversation_size(conn, report_id, hour_before(now))?;
    match may_add(total, &recent, from_reporter, now) {
        Ok(()) => Ok(()),
        Err(Refusal::Full) => Err(ServiceError::new(
            ErrorKind::Invalid,
            "conversation_full",
            Msg::of("conversations-this-tip-holds-as-many-messages"),
        )),
        Err(Refusal::TooMany { retry_after_secs }) => Err(ServiceError::new(
            ErrorKind::TooManyRequests,
            "too_many_messages",
            Msg::of("conversations-you-have-sent-many-messages-on").arg("value", retry_after_secs.div_ceil(60)),
        )
        .retry_after(retry_after_secs)),
    }
}

/// Another's tip, to a citizen: answered like a missing one.
pub(crate) fn not_yours() -> ServiceError {
    ServiceError::not_found(Msg::of("conversations-you-have-no-tip-with-this"))
}

/// `GET /api/v1/cases/{id}/messages`: the messages of the case's tips, newest first.
pub async fn of_case(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<CaseMessageView>, Option<String>), ServiceError> {
    let caller = caller.clone();
    state
        .db
        .run(move |conn| {
            let case = load(conn, &caller, id, false)?;
            let rows = report_messages::case_messages_page(conn, case.row.id, before, i64::from(limit) + 1)?;
            let (rows, next) = take_page(rows, limit, |(_, m)| m.id.to_string());
            let items = rows
                .into_iter()
                .map(|(report_id, message)| CaseMessageView { report_id, message: MessageView::from(message) })
                .collect();
            Ok((items, next))
        })
        .await
}

/// `GET /api/v1/cases/{id}/notes`: the case's notes, newest first.
pub async fn notes_of_case(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<NoteView>, Option<String>), ServiceError> {
    let caller = caller.clone();
    state
        .db
        .run(move |conn| {
            let case = load(conn, &caller, id, false)?;
            let rows = case_notes::notes_page(conn, case.row.id, before, i64::from(limit) + 1)?;
            let (rows, next) = take_page(rows, limit, |n| n.id.to_string());
            Ok((rows.into_iter().map(NoteView::from).collect(), next))
        })
        .await
}

/// `GET /api/v1/me/reports/{id}/messages`: the messages on one of a citizen's own tips,
/// newest first; another's tip answers like a missing one.
pub async fn of_my_report(
    state: &AppState,
    user: Uuid,
    id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<MessageView>, Option<String>), ServiceError> {
    let key = state.index_key.clone();
    state
        .db
        .run(move |conn| {
            let mine = reports::find(conn, id)?.is_some_and(|r| is_own_tip(&key, user, TipOwner::of(&r)));
            if !mine {
                return Err(not_yours());
            }
            let rows = report_messages::messages_page(conn, id, before, i64::from(limit) + 1)?;
            let (rows, next) = take_page(rows, limit, |m| m.id.to_string());
            Ok((rows.into_iter().map(MessageView::from).collect(), next))
        })
        .await
}
