-- The work list's unit filter, at every level (districts have had an index since 000005).
--
-- A commune's cases in id order: without it a commune filter read every case of the
-- caller's province or authority and kept the commune's (at 1,000,000 cases a
-- supervisor's commune list took 67–102 ms p99).
CREATE INDEX cases_by_commune_id ON cases (unit_scheme, commune_code, id);
-- A case's units and authority depend on each other: a district lies in one province, a
-- commune in one district, and the district's authority holds most of its cases. Without
-- being told, PostgreSQL multiplies the selectivities of `province_code = $2` and
-- `district_code = $5` as if they were independent, expects a handful of rows where a
-- district has hundreds, and its generic plan then sorts a whole district instead of
-- reading an index in the page's order and stopping at the page (at 1,000,000 cases a
-- supervisor's district list took 1.3 ms where 0.2 ms suffice). Functional-dependency
-- statistics correct the estimate, also for a province's list filtered by authority.
CREATE STATISTICS cases_unit_dependencies (dependencies)
    ON unit_scheme, province_code, district_code, commune_code, authority_id FROM cases;
ANALYZE cases;
