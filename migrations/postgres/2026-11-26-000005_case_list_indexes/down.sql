DROP INDEX cases_by_authority_id;
CREATE INDEX cases_by_authority_id ON cases (authority_id, id);
DROP INDEX cases_by_province_id;
CREATE INDEX cases_by_province_id ON cases (unit_scheme, province_code, id);
