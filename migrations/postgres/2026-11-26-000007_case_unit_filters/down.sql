DROP STATISTICS cases_unit_dependencies;
DROP INDEX cases_by_commune_id;
