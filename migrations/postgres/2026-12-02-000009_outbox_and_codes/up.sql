-- Issue 14, point 1. Messages to send (SMS now, webhooks later) are written in the same
-- transaction as the change that causes them, and sent by a worker on every instance:
-- a gateway outage loses none, a crash resends at most the ones in flight (at least
-- once). The payload (recipient and text) is sealed for its row; a sent message is
-- deleted.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    payload_sealed TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id);

-- How many SMS each number got lately (keyed digest of the number), whatever sent
-- them: no number gets more than 3 an hour and 10 a day. Rows older than a day go.
CREATE TABLE sms_quota (
    number_digest TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL
);
CREATE INDEX sms_quota_by_number ON sms_quota (number_digest, sent_at);

-- One-time codes sent by SMS: to activate a pending account, to reset a password.
-- Stored as a keyed digest; five tries; ten minutes.
CREATE TABLE one_time_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_digest TEXT NOT NULL,
    tries_left INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, purpose)
);

-- A citizen's account is pending until its owner proves the number with a code; a
-- pending account signs in like no account, and is replaced by a new registration of
-- the number or removed after 24 hours.
ALTER TABLE users ADD COLUMN pending_until TIMESTAMP;
