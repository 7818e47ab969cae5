-- Every order of the work list is an index's order, within an authority (a district
-- officer's list) and within a province (a supervisor's), so that a page of due-soonest
-- or priority cases reads its own rows instead of sorting every case of the scope (at
-- 1,000,000 cases a supervisor's due-soonest page sorted ~16,000 rows: 60 ms alone).
-- The keyset condition of those orders is a row value, `(resolve_due_at, id) > (…)`,
-- which both backends turn into the start of the index range.
CREATE INDEX cases_by_authority_due ON cases (authority_id, resolve_due_at, id);
CREATE INDEX cases_by_province_due ON cases (unit_scheme, province_code, resolve_due_at, id);
CREATE INDEX cases_by_authority_priority ON cases (authority_id, priority_rank, id);
CREATE INDEX cases_by_province_priority ON cases (unit_scheme, province_code, priority_rank, id);
-- Escalated cases are few, and a supervisor looks for them: small partial indexes, to
-- which a new case (never escalated) adds nothing.
CREATE INDEX cases_escalated_by_authority ON cases (authority_id, id) WHERE escalated_at IS NOT NULL;
CREATE INDEX cases_escalated_by_province ON cases (unit_scheme, province_code, id) WHERE escalated_at IS NOT NULL;
