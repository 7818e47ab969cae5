DROP INDEX cases_search_trigrams;
-- The extension stays: another schema may use it.
