//! Cases as staff see them and change them; the audit trail as auditors read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

use super::reports::AuthorityRef;

/// `POST /api/v1/cases/{id}/transitions`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    #[validate(length(min = 1, max = 40))]
    pub action: String,
    #[validate(length(min = 1, max = 40))]
    pub outcome: Option<String>,
    #[validate(length(min = 1, max = 2000))]
    pub note: Option<String>,
}

/// `POST /api/v1/cases/{id}/assignment`: who works the case, and how urgently. Absent
/// fields stay as they are; `assignee_id: null` takes the case off its officer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    #[serde(default, deserialize_with = "present")]
    pub assignee_id: Option<Option<Uuid>>,
    pub priority: Option<String>,
}

/// Tells "absent" (outer `None`) from `null` (inner `None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Uuid>>, D::Error> {
    Option::<Uuid>::deserialize(d).map(Some)
}

/// `POST /api/v1/cases/{id}/notes` and `.../messages`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct TextRequest {
    #[validate(length(min = 1, max = 2000))]
    pub body: String,
    /// Messages only: one tip of the case (default: every tip's reporter).
    pub report_id: Option<Uuid>,
}

/// `POST /api/v1/cases/{id}/reporter-contact`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    /// Why the officer needs the reporter's identity; kept in the audit trail.
    #[validate(length(min = 10, max = 500))]
    pub reason: String,
    /// A fresh code of the officer's authenticator (step-up); without it, 403.
    #[serde(default)]
    #[validate(length(max = 16))]
    pub totp_code: Option<String>,
}

/// A case in a work list.
#[derive(Debug, Serialize)]
pub struct CaseSummary {
    pub id: Uuid,
    /// The reference of its first tip.
    pub reference: String,
    pub status: String,
    pub priority: String,
    pub matter: Option<String>,
    pub authority: AuthorityRef,
    pub assignee_id: Option<Uuid>,
    pub unit: Option<CaseUnit>,
    pub outcome: Option<String>,
    pub overdue: bool,
    /// When the case was last escalated for a missed deadline.
    pub escalated_at: Option<DateTime<Utc>>,
    pub accept_due_at: Option<DateTime<Utc>>,
    pub resolve_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// Where a case lies.
#[derive(Debug, Serialize)]
pub struct CaseUnit {
    pub scheme: String,
    pub province_code: Option<i32>,
    pub district_code: Option<i32>,
    pub commune_code: i32,
}

/// One case, whole.
#[derive(Debug, Serialize)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub merged_into: Option<Uuid>,
    pub location_flagged: bool,
    pub routing: RoutingView,
    pub reports: Vec<CaseReportView>,
    pub notes: Vec<NoteView>,
    pub history: Vec<EventView>,
    /// Every transfer proposed for the case, oldest first.
    pub transfers: Vec<TransferView>,
    /// Open cases nearby and close in time that may be about the same group (for merging).
    pub possible_duplicates: Vec<CaseSummary>,
    /// What the caller may do next.
    pub allowed_actions: Vec<&'static str>,
}

/// A transfer between authorities.
#[derive(Debug, Serialize)]
pub struct TransferView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub from_authority: AuthorityRef,
    pub to_authority: AuthorityRef,
    pub reason: String,
    /// `proposed`, `accepted` or `declined`.
    pub state: String,
    pub proposed_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/cases/{id}/transfers`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub to_authority_id: Uuid,
    #[validate(length(min = 10, max = 1000))]
    pub reason: String,
}

/// `POST /api/v1/cases/{id}/transfers/{transfer_id}/decision`.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct TransferDecisionRequest {
    #[validate(length(min = 1, max = 20))]
    pub decision: String,
    #[validate(length(min = 1, max = 1000))]
    pub note: Option<String>,
}

/// `POST /api/v1/cases/{id}/merge`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The case that keeps every tip.
    pub into: Uuid,
}

/// Why the case went where it is.
#[derive(Debug, Serialize)]
pub struct RoutingView {
    pub rule_id: Option<Uuid>,
    pub explanation: String,
}

/// A tip of a case, as staff read it: whether its reporter left contact details, never
/// the details themselves.
#[derive(Debug, Serialize)]
pub struct CaseReportView {
    pub id: Uuid,
    pub reference: String,
    pub matter: String,
    pub submitted_at: DateTime<Utc>,
    pub reporter_left_contact: bool,
    pub tip: crate::domain::report::Tip,
    /// Messages between staff and this tip's reporter, oldest first.
    pub messages: Vec<crate::services::dto::reports::MessageView>,
}

/// An internal note.
#[derive(Debug, Serialize)]
pub struct NoteView {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<crate::db::case_notes::Note> for NoteView {
    fn from(n: crate::db::case_notes::Note) -> Self {
        NoteView {
            id: n.id,
            author_id: n.author_id,
            author_name: n.author_name,
            body: n.body,
            created_at: n.created_at.and_utc(),
        }
    }
}

/// An audit event.
#[derive(Debug, Serialize)]
pub struct EventView {
    pub seq: i64,
    pub object_type: String,
    pub object_id: String,
    pub position: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// The stored actor was a citizen's account, shown as `anonymous` (see
    /// `services::actors`); the event's hash covers the stored actor.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub actor_masked: bool,
    pub action: String,
    pub summary: serde_json::Value,
    pub request_id: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: String,
}

impl From<crate::domain::audit::Stored> for EventView {
    fn from(s: crate::domain::audit::Stored) -> Self {
        let e = s.event;
        EventView {
            seq: s.seq,
            summary: serde_json::from_str(&e.summary).unwrap_or(serde_json::Value::String(e.summary)),
            object_type: e.object_type,
            object_id: e.object_id,
            position: e.position,
            at: e.at.and_utc(),
            actor: e.actor,
            actor_masked: false,
            action: e.action,
            request_id: e.request_id,
            prev_hash: e.prev_hash,
            hash: s.hash,
        }
    }
}

/// A reporter's contact details, revealed.
#[derive(Debug, Serialize)]
pub struct RevealedContact {
    pub report_id: Uuid,
    pub reference: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// The resident a commune official filed for.
    pub acting_as: Option<String>,
}

/// `POST /api/v1/cases/{id}/reporter-contact`.
#[derive(Debug, Serialize)]
pub struct RevealView {
    pub contacts: Vec<RevealedContact>,
}

/// A note or message just added.
#[derive(Debug, Serialize)]
pub struct Added {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/audit/verify`.
#[derive(Debug, Serialize)]
pub struct VerifyView {
    /// Every chain is whole (and matches the checkpoint, when one was given).
    pub intact: bool,
    pub events_checked: u64,
    pub first_damaged: Option<DamagedView>,
    /// Whether the checkpoint given matches the trail (absent without one).
    pub checkpoint_matches: Option<bool>,
}

/// The first event that breaks its chain.
#[derive(Debug, Serialize)]
pub struct DamagedView {
    pub seq: i64,
    pub object_type: String,
    pub object_id: String,
    pub position: i64,
    pub problem: &'static str,
}

/// `GET /api/v1/stats/cases`.
#[derive(Debug, Serialize)]
pub struct CaseStats {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub total: u64,
    /// Every status, with 0 where there is none.
    pub by_status: std::collections::BTreeMap<String, u64>,
    pub by_authority: Vec<AuthorityCount>,
    pub by_unit: Vec<UnitCount>,
    pub overdue: u64,
    pub median_seconds_to_accept: Option<i64>,
    pub median_seconds_to_resolve: Option<i64>,
}

/// Cases held by one authority.
#[derive(Debug, Serialize)]
pub struct AuthorityCount {
    pub authority: AuthorityRef,
    pub count: u64,
}

/// Cases in one district (or commune, where there are no districts).
#[derive(Debug, Serialize)]
pub struct UnitCount {
    pub unit: String,
    pub count: u64,
}
