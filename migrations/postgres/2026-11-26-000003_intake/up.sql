-- Routing rules: for a matter (or any: NULL) and a unit, the authority that receives
-- the tip. The most specific rule wins; see domain/routing.rs.
CREATE TABLE routing_rules (
    id TEXT PRIMARY KEY,
    matter TEXT CHECK (matter IN ('illegal_entry', 'facilitation', 'harbouring', 'health_risk')),
    unit_scheme TEXT NOT NULL,
    unit_level TEXT NOT NULL,
    unit_code INTEGER NOT NULL,
    authority_id TEXT NOT NULL REFERENCES authorities (id),
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    FOREIGN KEY (unit_scheme, unit_level, unit_code) REFERENCES admin_units (scheme, level, code)
);
CREATE INDEX routing_rules_by_unit ON routing_rules (unit_scheme, unit_level, unit_code);

-- Approximate centre and bounding box of communes (microdegrees), for locating a point.
CREATE TABLE commune_boxes (
    scheme TEXT NOT NULL,
    code INTEGER NOT NULL,
    lat_e6 BIGINT NOT NULL,
    lon_e6 BIGINT NOT NULL,
    min_lat_e6 BIGINT NOT NULL,
    min_lon_e6 BIGINT NOT NULL,
    max_lat_e6 BIGINT NOT NULL,
    max_lon_e6 BIGINT NOT NULL,
    PRIMARY KEY (scheme, code)
);
CREATE INDEX commune_boxes_by_latitude ON commune_boxes (min_lat_e6, max_lat_e6);

-- The work item staff handle. A tip opens one; the routing decision is kept as it was
-- made, so that later rule changes never move existing cases.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities (id),
    status TEXT NOT NULL,
    routing_rule_id TEXT,
    routing_explanation TEXT NOT NULL,
    location_flagged BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_by_authority ON cases (authority_id, status);

-- Tips. Content is immutable JSON (domain::report::Tip); no address, user agent or
-- device id is ever stored. The receipt code is kept only as a digest.
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    case_id TEXT NOT NULL REFERENCES cases (id),
    matter TEXT NOT NULL,
    unit_scheme TEXT NOT NULL,
    unit_code INTEGER NOT NULL,
    observed_from TIMESTAMP NOT NULL,
    observed_to TIMESTAMP NOT NULL,
    identity_mode TEXT NOT NULL,
    content TEXT NOT NULL,
    receipt_hash TEXT UNIQUE,
    submitted_by_user TEXT REFERENCES users (id),
    submitted_by_client TEXT REFERENCES clients (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_by_case ON reports (case_id);
CREATE INDEX reports_by_user ON reports (submitted_by_user, created_at);

-- Reporters' name and phone (and the resident a commune official files for), sealed
-- with AES-256-GCM, apart from the tip.
CREATE TABLE reporter_contacts (
    report_id TEXT PRIMARY KEY REFERENCES reports (id),
    name_sealed TEXT,
    phone_sealed TEXT,
    acting_as_sealed TEXT,
    created_at TIMESTAMP NOT NULL
);

-- Messages between staff and a tip's reporter; append-only.
CREATE TABLE report_messages (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports (id),
    author TEXT NOT NULL CHECK (author IN ('reporter', 'staff')),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX report_messages_by_report ON report_messages (report_id, created_at);

-- Idempotency-Key of POST /reports: the first answer, sealed (it holds a receipt code).
CREATE TABLE idempotency_keys (
    key_hash TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    response_status INTEGER,
    response_sealed TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
