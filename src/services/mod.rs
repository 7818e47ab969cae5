//! One function per use case. Each runs in one transaction on the blocking pool and
//! returns domain values; HTTP concerns stay in `routes`.

pub mod abuse;
pub mod accounts;
pub mod actors;
pub mod admin_units;
pub mod audit;
pub mod authorities;
pub mod blind_index;
pub mod case_choices;
pub mod case_loading;
pub mod case_moves;
pub mod case_views;
pub mod cases;
pub mod clients;
pub mod console_sessions;
pub mod conversations;
pub mod devices;
pub mod dto;
pub mod escalation;
pub mod housekeeping;
pub mod imports;
pub mod intake;
pub mod keys;
pub mod locate;
pub mod logins;
pub mod me;
pub mod overview;
pub mod places;
pub mod readiness;
pub mod registration;
pub mod reports;
pub mod routing;
pub mod routing_rules;
pub mod seed;
pub mod sessions;
pub mod sms;
pub mod stats;
pub mod step_up;
pub mod tip_review;
pub mod tracking;
pub mod validation;
pub mod work_list;

/// Turns the `limit + 1` rows of a keyset query into one page, and the last item of that
/// page when more rows follow (the position the next page starts after).
pub(crate) fn take_page<T, K>(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> K) -> (Vec<T>, Option<K>) {
    if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        let next = rows.last().map(key);
        (rows, next)
    } else {
        (rows, None)
    }
}
