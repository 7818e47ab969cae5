-- Issue 14, point 4 (OWASP's device cookies): a device that signed in successfully gets
-- a token; sign-ins from it count in the device's own throttling bucket, so failures
-- from elsewhere cannot keep the account's owner out. Stored as a digest.
CREATE TABLE trusted_devices (
    token_digest TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX trusted_devices_by_user ON trusted_devices (user_id, created_at);
