//! A case's history in words: each audit event's action (`case.accept`) said as the
//! officer would say it, with what the event records that matters to them (the reason
//! typed, the outcome, the new priority or assignee, the deadline missed). The codes stay
//! on the auditors' pages, where they are what is searched for.

use uuid::Uuid;

use crate::i18n::format_in;
use crate::services::dto::cases::EventView;
use crate::web::texts::T;

/// Who did it: the caller themself, a colleague by name, tinbao's own jobs, a citizen
/// (never who), or the actor as recorded (`client:…`); the ids stay on the auditors' pages.
pub fn actor(t: &T, event: &EventView, me: Option<Uuid>, name_of: &dyn Fn(Uuid) -> Option<String>) -> String {
    if event.actor_masked || event.actor == "anonymous" {
        return t.get("console-audit-actor-masked");
    }
    match event.actor.split_once(':') {
        Some(("user", id)) => match Uuid::try_parse(id) {
            Ok(id) if me == Some(id) => t.get("console-actor-you"),
            Ok(id) => name_of(id).unwrap_or_else(|| t.get("console-actor-staff")),
            Err(_) => event.actor.clone(),
        },
        Some(("system", "deadlines")) => t.get("console-actor-deadlines"),
        Some(("system", _)) => t.get("console-actor-system"),
        _ => event.actor.clone(),
    }
}

/// What happened, in words; an action with no words yet is shown by its code.
pub fn event(t: &T, event: &EventView, name_of: &dyn Fn(Uuid) -> Option<String>) -> String {
    let key = format!("console-event-{}", event.action.replace('.', "-"));
    let Some(words) = format_in(t.language(), &key, &[]) else {
        return event.action.clone();
    };
    let field = |path: &[&str]| {
        let mut value = &event.summary;
        for step in path {
            value = value.get(step)?;
        }
        value.as_str().map(str::to_owned)
    };
    let mut details: Vec<String> = Vec::new();
    if let Some(outcome) = field(&["after", "outcome"]).filter(|_| event.action == "case.resolve") {
        details.push(t.get(&format!("console-outcome-{outcome}")));
    }
    if event.action == "case.assignment" {
        let (before, after) = (&event.summary["before"], &event.summary["after"]);
        if before["priority"] != after["priority"]
            && let Some(priority) = after["priority"].as_str()
        {
            details.push(t.with(
                "console-event-priority-now",
                "priority",
                &t.get(&format!("console-priority-{priority}")),
            ));
        }
        if before["assignee_id"] != after["assignee_id"] {
            let assignee = after["assignee_id"].as_str().and_then(|a| Uuid::try_parse(a).ok());
            details.push(match assignee {
                Some(id) => t.with("console-event-assigned-to", "name", &name_of(id).unwrap_or_else(|| id.to_string())),
                None => t.get("console-event-unassigned"),
            });
        }
    }
    if let Some(deadline) = field(&["deadline"]) {
        details.push(t.get(&format!("console-event-missed-{deadline}")));
    }
    // What staff typed as the reason for the step: shown to the staff of the case, as the
    // API's history shows it.
    if let Some(reason) = field(&["note"]).or_else(|| field(&["reason"])).filter(|r| !r.is_empty()) {
        details.push(format!("“{reason}”"));
    }
    if details.is_empty() { words } else { format!("{words}: {}", details.join("; ")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn event_of(action: &str, summary: serde_json::Value) -> EventView {
        EventView {
            seq: 1,
            object_type: "case".into(),
            object_id: "x".into(),
            position: 1,
            at: chrono::Utc::now(),
            actor: "system:deadlines".into(),
            actor_masked: false,
            action: action.into(),
            summary,
            request_id: None,
            prev_hash: None,
            hash: String::new(),
        }
    }

    #[test]
    fn events_are_said_in_words_with_what_they_changed() {
        let t = T::of(Lang::EN);
        let nobody = |_: Uuid| None;
        let resolved = event_of(
            "case.resolve",
            serde_json::json!({"after": {"status": "resolved", "outcome": "located_and_handled"}, "note": "Đã xử lý"}),
        );
        let said = event(&t, &resolved, &nobody);
        assert!(said.starts_with("Resolved: ") && said.ends_with("; “Đã xử lý”"), "{said}");
        let officer = Uuid::now_v7();
        let assigned = event_of(
            "case.assignment",
            serde_json::json!({"before": {"assignee_id": null, "priority": "normal"},
                               "after": {"assignee_id": officer, "priority": "urgent"}}),
        );
        let named = |id: Uuid| (id == officer).then(|| "Nguyễn An".to_owned());
        assert_eq!(event(&t, &assigned, &named), "Assignment changed: priority now Urgent; assigned to Nguyễn An");
        let late = event_of("case.escalated", serde_json::json!({"deadline": "accept"}));
        assert_eq!(event(&t, &late, &nobody), "Escalated to the supervisor: not accepted in time");
        assert_eq!(actor(&t, &late, None, &nobody), "tinbao (deadlines)");
        let mut by = late;
        by.actor = format!("user:{officer}");
        assert_eq!(actor(&t, &by, None, &named), "Nguyễn An");
        assert_eq!(actor(&t, &by, Some(officer), &named), "you");
        by.actor = format!("user:{}", Uuid::now_v7());
        assert_eq!(actor(&t, &by, None, &named), "a staff member");
        by.actor = "anonymous".into();
        assert_eq!(actor(&t, &by, None, &named), "a citizen (not shown)");
        assert_eq!(event(&t, &event_of("case.unheard_of", serde_json::json!({})), &nobody), "case.unheard_of");
    }
}
