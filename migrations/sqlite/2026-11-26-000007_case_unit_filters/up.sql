-- The work list's unit filter, at every level (districts have had an index since 000005).
--
-- A commune's cases in id order: without it a commune filter read every case of the
-- caller's province or authority and kept the commune's.
CREATE INDEX cases_by_commune_id ON cases (unit_scheme, commune_code, id);
-- The PostgreSQL migration of the same name also adds functional-dependency statistics,
-- which have no SQLite counterpart.
