//! What reporters get back for their tips, what they send to follow them, and the views
//! of tips and routing rules. The tip as sent is `domain::submission`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The authority a tip went to: its name, for the reporter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorityRef {
    pub id: Uuid,
    pub name: String,
}

/// The authority holding a tip, as its reporter sees it: whom to call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorityContact {
    pub id: Uuid,
    pub name: String,
    /// The number residents call; absent for authorities that gave none. Answers
    /// replayed from before authorities had phones carry none either.
    #[serde(default)]
    pub phone: Option<String>,
}

/// The answer to a submitted tip.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportCreated {
    pub id: Uuid,
    pub reference: String,
    pub status: String,
    pub authority: AuthorityContact,
    /// Anonymous and confidential tips: shown once, needed to follow the tip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_code: Option<String>,
}

/// `POST /api/v1/tracking`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingRequest {
    pub reference: String,
    pub receipt_code: String,
}

/// `POST /api/v1/tracking/messages`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingMessageRequest {
    pub reference: String,
    pub receipt_code: String,
    pub body: String,
}

/// `POST /api/v1/me/reports/{id}/messages`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub body: String,
}

/// A message on a tip, as the reporter sees it.
#[derive(Debug, Serialize)]
pub struct MessageView {
    pub id: Uuid,
    /// `reporter` or `staff`.
    pub from: &'static str,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<crate::db::report_messages::Message> for MessageView {
    fn from(m: crate::db::report_messages::Message) -> Self {
        MessageView {
            id: m.id,
            from: if m.author == "staff" { "staff" } else { "reporter" },
            body: m.body,
            created_at: m.created_at.and_utc(),
        }
    }
}

/// A message of one of a case's tips, with the tip it is on.
#[derive(Debug, Serialize)]
pub struct CaseMessageView {
    pub report_id: Uuid,
    #[serde(flatten)]
    pub message: MessageView,
}

/// A tip as its reporter follows it: coarse status and messages, nothing else.
#[derive(Debug, Serialize)]
pub struct TrackingView {
    pub id: Uuid,
    pub reference: String,
    /// `received`, `being_handled` or `closed`.
    pub status: &'static str,
    pub matter: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    /// Who holds it now, and their phone.
    pub authority: AuthorityContact,
    pub messages: Vec<MessageView>,
}

/// `POST /api/v1/routing-rules`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRuleRequest {
    /// A matter, or absent for any matter.
    pub matter: Option<String>,
    pub unit: RuleUnitInput,
    pub authority_id: Uuid,
    pub note: Option<String>,
}

/// The unit of a rule: a commune, a district or a province.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleUnitInput {
    pub scheme: String,
    pub level: String,
    pub code: i64,
}

/// A routing rule.
#[derive(Debug, Serialize)]
pub struct RuleView {
    pub id: Uuid,
    pub matter: Option<String>,
    pub unit: RuleUnitInput,
    pub authority_id: Uuid,
    pub note: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<crate::domain::routing::Rule> for RuleView {
    fn from(r: crate::domain::routing::Rule) -> Self {
        RuleView {
            id: r.id,
            matter: r.matter.map(|m| m.as_str().to_owned()),
            unit: RuleUnitInput {
                scheme: r.unit.scheme.as_str().to_owned(),
                level: r.unit.level.as_str().to_owned(),
                code: i64::from(r.unit.code),
            },
            authority_id: r.authority_id,
            note: r.note,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// A tip as staff (in whose jurisdiction it lies) and its submitter read it.
#[derive(Debug, Serialize)]
pub struct ReportView {
    pub id: Uuid,
    pub reference: String,
    /// The case's status.
    pub status: String,
    pub authority: AuthorityRef,
    /// Why it went there; staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_explanation: Option<String>,
    /// The coordinates lie far outside the commune named.
    pub location_flagged: bool,
    /// Whether the reporter left a name or phone (never the details themselves).
    pub reporter_left_contact: bool,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub tip: crate::domain::report::Tip,
}
