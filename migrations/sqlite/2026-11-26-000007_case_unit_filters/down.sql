DROP INDEX cases_by_commune_id;
