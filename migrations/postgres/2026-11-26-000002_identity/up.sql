-- Accounts. Staff are scoped: a commune official to a commune (scope_*), a district
-- officer to an authority, a supervisor to a province (scope_*).
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('citizen', 'commune_official', 'district_officer', 'supervisor', 'auditor', 'admin')),
    authority_id TEXT REFERENCES authorities (id),
    scope_scheme TEXT,
    scope_level TEXT,
    scope_code INTEGER,
    -- TOTP secret (base32), sealed with AES-256-GCM; pending until totp_enabled
    totp_secret TEXT,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- the 30-second step of the last accepted code, so that no code is used twice
    totp_last_step BIGINT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    FOREIGN KEY (scope_scheme, scope_level, scope_code) REFERENCES admin_units (scheme, level, code)
);
CREATE INDEX users_by_authority ON users (authority_id);

-- Integrator applications (OAuth 2.0 client credentials). Only the secret's digest is kept.
CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    authority_id TEXT REFERENCES authorities (id),
    revoked BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A sign-in (a user's, with its refresh-token family) or a client's token grant. Every
-- request checks its session, so revoking one takes effect at once.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users (id),
    client_id TEXT REFERENCES clients (id),
    stage TEXT NOT NULL CHECK (stage IN ('full', 'mfa_enrollment')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    CHECK ((user_id IS NULL) <> (client_id IS NULL))
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_client ON sessions (client_id);

-- Refresh tokens, by digest. A used token presented again revokes its whole session.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- Consecutive failed sign-ins per bucket (an account, or a client address), keyed by a
-- digest so that neither addresses nor unknown logins are stored as typed.
CREATE TABLE login_throttle (
    bucket TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);
