//! The background faces: work that no request waits for, run on every instance over the
//! same use cases and database (so several instances share it safely).

pub mod outbox;
pub mod sms_gateway;
