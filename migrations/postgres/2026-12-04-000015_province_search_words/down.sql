-- Back to migration 000014's vector: each word once.
DROP INDEX cases_search_words;
ALTER TABLE cases DROP COLUMN search_vector;
ALTER TABLE cases ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED;
CREATE INDEX cases_search_words ON cases USING gin (search_vector);
DROP INDEX cases_by_province_id;
CREATE INDEX cases_by_province_id ON cases (unit_scheme, province_code, id, status);
DROP INDEX cases_by_province_status_id;
CREATE INDEX cases_by_province_status_id ON cases (unit_scheme, province_code, status, id);
DROP INDEX cases_by_authority_id;
CREATE INDEX cases_by_authority_id ON cases (authority_id, id, status);
DROP INDEX cases_by_authority_status_id;
CREATE INDEX cases_by_authority_status_id ON cases (authority_id, status, id);
