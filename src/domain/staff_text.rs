//! The rules for what staff write about a case — notes, messages to reporters, the reason
//! for a step, a transfer or a reveal — kept here so that every face (the API's bodies,
//! the console's forms) is held to the same ones by the use cases themselves.

use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;

/// A note, a message, a transition's note: 1 to 2000 characters.
pub const TEXT: (usize, usize) = (1, 2000);
/// Why a case should go to another authority: 10 to 1000.
pub const TRANSFER_REASON: (usize, usize) = (10, 1000);
/// A transfer decision's note: 1 to 1000.
pub const DECISION_NOTE: (usize, usize) = (1, 1000);
/// Why an officer needs to know who reported: 10 to 500.
pub const REVEAL_REASON: (usize, usize) = (10, 500);

/// `text` without its surrounding spaces has from `min` to `max` characters; spaces alone
/// say nothing.
pub fn within(field: &str, text: &str, (min, max): (usize, usize)) -> Result<(), FieldError> {
    let count = text.trim().chars().count();
    if count < min {
        return Err(FieldError::new(
            field,
            "blank",
            Msg::of("cases-must-have-at-least-characters-besides").arg("min-chars", min),
        ));
    }
    if count > max {
        return Err(FieldError::new(field, "length", Msg::of("report-must-have-at-most-characters").arg("max", max)));
    }
    Ok(())
}

/// [`within`], as the use cases answer it: 422 with the field named.
pub fn require(field: &str, text: &str, bounds: (usize, usize)) -> Result<(), ServiceError> {
    within(field, text, bounds).map_err(|e| ServiceError::validation(vec![e]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_say_nothing_and_long_texts_are_refused() {
        assert!(within("reason", "  Hà Tiên  ", TRANSFER_REASON).is_err());
        assert_eq!(within("reason", "  Hà Tiên  ", TRANSFER_REASON).unwrap_err().code, "blank");
        assert!(within("reason", "Nhóm người ở Đông Hồ", TRANSFER_REASON).is_ok());
        assert!(within("body", "   ", TEXT).is_err());
        let long = "ư".repeat(2001);
        assert_eq!(within("body", &long, TEXT).unwrap_err().code, "length");
        assert!(within("body", &"ư".repeat(2000), TEXT).is_ok());
    }
}
