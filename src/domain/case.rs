//! The case workflow as pure code: states, actions, who may take them, priorities and
//! deadlines. `docs/case-workflow.md` draws the same machine.

use chrono::{Duration, NaiveDateTime};

/// Where a case stands. Serialised (in audit summaries) as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Accepted,
    Investigating,
    Resolved,
    Closed,
    Rejected,
    /// Its tips now belong to another case.
    Merged,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::New,
        Status::Accepted,
        Status::Investigating,
        Status::Resolved,
        Status::Closed,
        Status::Rejected,
        Status::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Accepted => "accepted",
            Status::Investigating => "investigating",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Rejected => "rejected",
            Status::Merged => "merged",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The statuses of a case still to be worked.
    pub const OPEN: [Status; 3] = [Status::New, Status::Accepted, Status::Investigating];

    /// Still to be worked: deadlines run and the case may be changed.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// What the reporter sees: received, being handled, or closed.
    pub fn coarse(self) -> &'static str {
        match self {
            Status::New => "received",
            Status::Accepted | Status::Investigating => "being_handled",
            Status::Resolved | Status::Closed | Status::Rejected | Status::Merged => "closed",
        }
    }
}

/// Where a proposed transfer of a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferState {
    /// Awaits the receiving authority's answer; the case has not moved.
    Proposed,
    /// The case moved to the receiver.
    Accepted,
    /// The case stayed where it was.
    Declined,
}

impl TransferState {
    pub const ALL: [TransferState; 3] = [TransferState::Proposed, TransferState::Accepted, TransferState::Declined];

    pub fn as_str(self) -> &'static str {
        match self {
            TransferState::Proposed => "proposed",
            TransferState::Accepted => "accepted",
            TransferState::Declined => "declined",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What staff do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accept,
    StartInvestigation,
    Resolve,
    Reject,
    Close,
    Reopen,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::Accept, Action::StartInvestigation, Action::Resolve, Action::Reject, Action::Close, Action::Reopen];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::StartInvestigation => "start_investigation",
            Action::Resolve => "resolve",
            Action::Reject => "reject",
            Action::Close => "close",
            Action::Reopen => "reopen",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The state an action leads to from `from`, if the machine has that edge.
    pub fn target(self, from: Status) -> Option<Status> {
        use Status::*;
        match (self, from) {
            (Action::Accept, New) => Some(Accepted),
            (Action::StartInvestigation, Accepted) => Some(Investigating),
            (Action::Resolve, Accepted | Investigating) => Some(Resolved),
            (Action::Reject, New | Accepted) => Some(Rejected),
            (Action::Close, Resolved | Rejected) => Some(Closed),
            // Reopening puts a case back to work.
            (Action::Reopen, Resolved | Closed | Rejected) => Some(Investigating),
            _ => None,
        }
    }

    /// Whether the action needs an outcome (resolve) or a note (reject, reopen).
    pub fn needs_outcome(self) -> bool {
        self == Action::Resolve
    }

    pub fn needs_note(self) -> bool {
        matches!(self, Action::Reject | Action::Reopen | Action::Resolve)
    }
}

/// The `ETag` of a case at `version`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// Whether an `If-Match` value names the case at `version` (strong comparison; `*` is
/// not taken: a client must show which version it changes).
pub fn if_match_holds(if_match: &str, version: i64) -> bool {
    let current = etag(version);
    if_match.split(',').map(str::trim).any(|tag| tag == current)
}

/// How a case was resolved.
pub const OUTCOMES: [&str; 5] = ["located_and_handled", "not_found", "unfounded", "duplicate", "referred"];

/// Which deadline a case has missed and not yet been escalated for: `resolve` when it is
/// open past its time to resolve and was last escalated before that time (or never);
/// else `accept` when it is still new past its time to accept and was never escalated.
pub fn missed_deadline(
    status: Status,
    accept_due: Option<NaiveDateTime>,
    resolve_due: Option<NaiveDateTime>,
    escalated_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<&'static str> {
    if let Some(resolve_due) = resolve_due.filter(|due| status.is_open() && *due < now)
        && escalated_at.is_none_or(|e| e < resolve_due)
    {
        return Some("resolve");
    }
    let accept_missed = accept_due.is_some_and(|due| status == Status::New && due < now);
    (accept_missed && escalated_at.is_none()).then_some("accept")
}

/// The priorities' names, most urgent first.
pub const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];

/// How soon a case must be worked. Serialised (in audit summaries) as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Urgent,
    High,
    Normal,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Urgent, Priority::High, Priority::Normal, Priority::Low];

    pub fn as_str(self) -> &'static str {
        PRIORITIES[self as usize]
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// 0 for urgent … 3 for low: stored beside the name so that "priority" sorts by an index.
    pub fn rank(self) -> i32 {
        self as i32
    }

    /// The priority a new case gets: urgent when people are reported still present.
    pub fn for_new_tip(urgency: Option<&str>) -> Self {
        if urgency == Some("present") { Priority::Urgent } else { Priority::Normal }
    }
}

/// Which open cases are suggested as possible duplicates of a case: those in the same
/// district (or the same commune) opened within `window_hours` of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateRule {
    pub same_district: bool,
    pub window_hours: i64,
}

impl Default for DuplicateRule {
    fn default() -> Self {
        DuplicateRule { same_district: true, window_hours: 72 }
    }
}

/// Time to accept and time to resolve, per priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Indexed by [`Priority::rank`]: (to accept, to resolve).
    pub by_priority: [(Duration, Duration); 4],
}

impl Default for Deadlines {
    fn default() -> Self {
        let h = Duration::hours;
        Deadlines { by_priority: [(h(2), h(48)), (h(8), h(7 * 24)), (h(24), h(14 * 24)), (h(72), h(30 * 24))] }
    }
}

impl Deadlines {
    /// The due times of a case of `priority` opened at `opened`.
    pub fn due(&self, priority: Priority, opened: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
        let (accept, resolve) = self.by_priority[priority.rank() as usize];
        (opened + accept, opened + resolve)
    }

    /// Reads `urgent=2h/48h,high=8h/7d,normal=24h/14d,low=72h/30d` (any subset; others
    /// keep their default). Units: s (for drills and tests), m, h, d.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut deadlines = Deadlines::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, times) =
                item.split_once('=').ok_or_else(|| format!("`{item}`: expected priority=ACCEPT/RESOLVE"))?;
            let priority = Priority::parse(name.trim()).ok_or_else(|| format!("`{name}` is not a priority"))?;
            let (accept, resolve) =
                times.split_once('/').ok_or_else(|| format!("`{item}`: expected ACCEPT/RESOLVE"))?;
            let (accept, resolve) = (span(accept)?, span(resolve)?);
            if accept > resolve {
                return Err(format!("`{item}`: the time to accept exceeds the time to resolve"));
            }
            deadlines.by_priority[priority.rank() as usize] = (accept, resolve);
        }
        Ok(deadlines)
    }
}

fn span(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    // Split before the last character (which may be any character: this is user input).
    let (number, unit) = text.split_at(text.char_indices().last().map_or(0, |(i, _)| i));
    let n: i64 = number.parse().map_err(|_| format!("`{text}` is not a duration like 30m, 2h or 7d"))?;
    if !(1..=100_000).contains(&n) {
        return Err(format!("`{text}` is out of range"));
    }
    match unit {
        "s" => Ok(Duration::seconds(n)),
        "m" => Ok(Duration::minutes(n)),
        "h" => Ok(Duration::hours(n)),
        "d" => Ok(Duration::days(n)),
        _ => Err(format!("`{text}` is not a duration like 30m, 2h or 7d")),
    }
}

/// The order of a work list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Oldest,
    /// The earliest time to resolve first.
    DueSoonest,
    /// The most urgent first; within a priority, the longest waiting first (a queue).
    Priority,
}

#[cfg(test)]
mod tests {
    #[test]
    fn statuses_and_priorities_serialise_as_their_codes() {
        for status in super::Status::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for priority in super::Priority::ALL {
            assert_eq!(serde_json::to_value(priority).unwrap(), priority.as_str());
        }
    }

    use super::*;

    #[test]
    fn the_machine_has_exactly_the_documented_edges() {
        let edges: Vec<(Action, Status, Status)> = Action::ALL
            .into_iter()
            .flat_map(|a| Status::ALL.into_iter().filter_map(move |s| a.target(s).map(|t| (a, s, t))))
            .collect();
        use Status::*;
        assert_eq!(
            edges,
            vec![
                (Action::Accept, New, Accepted),
                (Action::StartInvestigation, Accepted, Investigating),
                (Action::Resolve, Accepted, Resolved),
                (Action::Resolve, Investigating, Resolved),
                (Action::Reject, New, Rejected),
                (Action::Reject, Accepted, Rejected),
                (Action::Close, Resolved, Closed),
                (Action::Close, Rejected, Closed),
                (Action::Reopen, Resolved, Investigating),
                (Action::Reopen, Closed, Investigating),
                (Action::Reopen, Rejected, Investigating),
            ]
        );
        // A merged case is finished for good.
        assert!(Action::ALL.iter().all(|a| a.target(Merged).is_none()));
    }

    #[test]
    fn states_read_back_as_written() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        for state in TransferState::ALL {
            assert_eq!(TransferState::parse(state.as_str()), Some(state));
        }
        assert_eq!(TransferState::parse("pending"), None);
        assert!(Status::OPEN.iter().all(|s| s.is_open()));
        assert_eq!(Status::ALL.iter().filter(|s| s.is_open()).count(), Status::OPEN.len());
    }

    #[test]
    fn deadlines_parse_and_reject_nonsense() {
        let d = Deadlines::parse("urgent=30m/12h, low=5d/60d").expect("valid");
        assert_eq!(d.by_priority[0], (Duration::minutes(30), Duration::hours(12)));
        assert_eq!(d.by_priority[2], Deadlines::default().by_priority[2]);
        assert_eq!(d.by_priority[3], (Duration::days(5), Duration::days(60)));
        for bad in [
            "urgent",
            "soon=1h/2h",
            "urgent=1h",
            "urgent=2x/3h",
            "urgent=5h/1h",
            "urgent=0h/1h",
            "urgent=/",
            "urgent=1h/2é",
        ] {
            assert!(Deadlines::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_missed_deadline_escalates_once() {
        let t = |h: i64| chrono::DateTime::from_timestamp(1_764_000_000 + h * 3600, 0).map(|d| d.naive_utc());
        let (accept, resolve) = (t(2), t(48));
        assert_eq!(missed_deadline(Status::New, accept, resolve, None, t(1).unwrap()), None);
        assert_eq!(missed_deadline(Status::New, accept, resolve, None, t(3).unwrap()), Some("accept"));
        assert_eq!(missed_deadline(Status::New, accept, resolve, t(3), t(4).unwrap()), None, "once");
        assert_eq!(missed_deadline(Status::Accepted, accept, resolve, None, t(3).unwrap()), None, "accepted in time");
        assert_eq!(missed_deadline(Status::Investigating, accept, resolve, t(3), t(49).unwrap()), Some("resolve"));
        assert_eq!(missed_deadline(Status::Investigating, accept, resolve, t(49), t(50).unwrap()), None);
        assert_eq!(missed_deadline(Status::Resolved, accept, resolve, None, t(50).unwrap()), None, "done");
    }

    #[test]
    fn if_match_compares_strongly() {
        assert!(if_match_holds("\"3\"", 3));
        assert!(if_match_holds("\"2\", \"3\"", 3));
        assert!(!if_match_holds("\"2\"", 3));
        assert!(!if_match_holds("W/\"3\"", 3));
        assert!(!if_match_holds("*", 3));
        assert!(!if_match_holds("3", 3));
    }

    #[test]
    fn people_still_present_make_a_case_urgent() {
        assert_eq!(Priority::for_new_tip(Some("present")), Priority::Urgent);
        assert_eq!(Priority::for_new_tip(Some("past")), Priority::Normal);
        assert_eq!(Priority::for_new_tip(None), Priority::Normal);
        assert!(Priority::Urgent.rank() < Priority::Low.rank());
    }
}
