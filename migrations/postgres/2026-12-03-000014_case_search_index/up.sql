-- Free text that staff can rely on (issue 16). A case's `search_text` becomes its words
-- between single spaces, with one at each end (`text::searchable`: runs of letters and
-- digits of the folded text; the reference is among them, so a case is found by its
-- reference too), and a search is phrases of whole words (`LIKE '% van kiet %'`), as on
-- SQLite. This rewrites every case once: on a large database, run `tinbao migrate` in a
-- quiet hour.
UPDATE cases SET search_text =
    ' ' || trim(regexp_replace(search_text || ' ' || coalesce(lower(reference), ''), '[^a-z0-9]+', ' ', 'g')) || ' ';

-- A trigram index answers `LIKE '% kiet %'` without reading every case of the scope;
-- pg_trgm takes the spaces around a word as its bounds, so the trigrams of a whole word
-- (`' ki'`, `'et '`) are more selective than those of a substring. pg_trgm ships with
-- PostgreSQL (Debian's postgresql package) and is a trusted extension: the database's
-- owner may create it (docs/deploy.md).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX cases_search_trigrams ON cases USING gin (search_text gin_trgm_ops);
