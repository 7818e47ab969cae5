DROP TABLE routing_state;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE case_transfers;
DROP TABLE case_notes;
DROP INDEX cases_by_authority_id;
DROP INDEX cases_by_authority_status_id;
DROP INDEX cases_by_district_status_id;
CREATE INDEX cases_by_authority ON cases (authority_id, status);
ALTER TABLE cases DROP COLUMN reference, DROP COLUMN matter, DROP COLUMN unit_scheme, DROP COLUMN commune_code,
    DROP COLUMN district_code, DROP COLUMN province_code, DROP COLUMN priority,
    DROP COLUMN priority_rank, DROP COLUMN assignee_id, DROP COLUMN outcome, DROP COLUMN version,
    DROP COLUMN accept_due_at, DROP COLUMN resolve_due_at, DROP COLUMN accepted_at,
    DROP COLUMN resolved_at, DROP COLUMN merged_into, DROP COLUMN escalated_at, DROP COLUMN search_text;
