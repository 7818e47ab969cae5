-- The staff console's sessions (issue 16): a browser holds its session by a cookie whose
-- digest is kept here, and is signed out after 30 minutes without a request.
ALTER TABLE sessions ADD COLUMN cookie_hash TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;
CREATE UNIQUE INDEX sessions_cookie_hash ON sessions (cookie_hash);

-- A sign-in between its password and its authenticator code: kept for five minutes, so
-- that the password need not travel twice and any instance can take the code.
CREATE TABLE console_sign_ins (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX console_sign_ins_expires ON console_sign_ins (expires_at);
