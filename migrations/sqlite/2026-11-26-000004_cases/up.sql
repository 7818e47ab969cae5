-- Case handling: where a case lies (copied from its first tip, so that work lists filter
-- by place without joins), its priority, assignee, deadlines and version (the ETag).
-- The reference of the case's first tip, to name the case in work lists.
ALTER TABLE cases ADD COLUMN reference TEXT;
ALTER TABLE cases ADD COLUMN matter TEXT;
ALTER TABLE cases ADD COLUMN unit_scheme TEXT;
ALTER TABLE cases ADD COLUMN commune_code INTEGER;
ALTER TABLE cases ADD COLUMN district_code INTEGER;
ALTER TABLE cases ADD COLUMN province_code INTEGER;
ALTER TABLE cases ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority IN ('urgent', 'high', 'normal', 'low'));
ALTER TABLE cases ADD COLUMN priority_rank INTEGER NOT NULL DEFAULT 2;
ALTER TABLE cases ADD COLUMN assignee_id TEXT REFERENCES users (id);
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN accept_due_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN resolve_due_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN accepted_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN resolved_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN merged_into TEXT REFERENCES cases (id);
ALTER TABLE cases ADD COLUMN escalated_at TIMESTAMP;
-- Narrative and place, lower-case ASCII, for searches that ignore diacritics.
ALTER TABLE cases ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

UPDATE cases SET
    reference = (SELECT r.reference FROM reports r WHERE r.case_id = cases.id ORDER BY r.id LIMIT 1),
    matter = (SELECT r.matter FROM reports r WHERE r.case_id = cases.id ORDER BY r.id LIMIT 1),
    unit_scheme = (SELECT r.unit_scheme FROM reports r WHERE r.case_id = cases.id ORDER BY r.id LIMIT 1),
    commune_code = (SELECT r.unit_code FROM reports r WHERE r.case_id = cases.id ORDER BY r.id LIMIT 1);
UPDATE cases SET district_code = (
    SELECT u.parent_code FROM admin_units u
    WHERE u.scheme = cases.unit_scheme AND u.level = 'commune' AND u.code = cases.commune_code
      AND u.parent_level = 'district');
UPDATE cases SET province_code = (
    SELECT COALESCE(d.parent_code, c.parent_code) FROM admin_units c
    LEFT JOIN admin_units d ON d.scheme = c.scheme AND d.level = c.parent_level AND d.code = c.parent_code
      AND c.parent_level = 'district'
    WHERE c.scheme = cases.unit_scheme AND c.level = 'commune' AND c.code = cases.commune_code);
-- Cases opened before deadlines existed get the default deadlines of normal priority.
UPDATE cases SET accept_due_at = datetime(created_at, '+24 hours'), resolve_due_at = datetime(created_at, '+14 days');

-- Work lists: keyset pages on id (UUIDv7: creation order) within a jurisdiction, with and
-- without a status filter. Each index slows every tip down, so only these: other filters
-- narrow a jurisdiction's rows (see docs/benchmarks.md for the plans).
DROP INDEX cases_by_authority;
CREATE INDEX cases_by_authority_id ON cases (authority_id, id);
CREATE INDEX cases_by_authority_status_id ON cases (authority_id, status, id);
CREATE INDEX cases_by_province_id ON cases (unit_scheme, province_code, id);
CREATE INDEX cases_by_province_status_id ON cases (unit_scheme, province_code, status, id);
-- Supervisors narrow their province to a district: without this, a small district's new
-- cases are found by reading every new case of the province.
CREATE INDEX cases_by_district_status_id ON cases (unit_scheme, district_code, status, id);
CREATE INDEX cases_by_assignee_id ON cases (assignee_id, id) WHERE assignee_id IS NOT NULL;

-- Internal notes; staff only, append-only.
CREATE TABLE case_notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (case_id, id);

-- Proposed transfers between authorities. The case stays where it is until accepted.
CREATE TABLE case_transfers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    from_authority_id TEXT NOT NULL REFERENCES authorities (id),
    to_authority_id TEXT NOT NULL REFERENCES authorities (id),
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'declined')),
    proposed_by TEXT NOT NULL REFERENCES users (id),
    decided_by TEXT REFERENCES users (id),
    decision_note TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX case_transfers_by_case ON case_transfers (case_id, id);
CREATE INDEX case_transfers_by_target ON case_transfers (to_authority_id, state);

-- The audit trail. Each object (a case, account, routing rule or authority) has its own
-- hash chain: an event's hash covers its content and the previous event's hash of the
-- same object. `seq` orders all events; `position` numbers each object's chain.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    summary TEXT NOT NULL,
    request_id TEXT,
    prev_hash TEXT,
    hash TEXT NOT NULL,
    UNIQUE (object_type, object_id, position)
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- The version of the routing rules: every change of a rule raises it in the same
-- transaction. Instances cache the rules and write a tip only while the version they
-- routed by is still current (see db::reports::open_case).
CREATE TABLE routing_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO routing_state (id, version) VALUES (1, 1);
