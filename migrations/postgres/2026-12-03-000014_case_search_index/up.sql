-- Free text that staff can rely on (issue 16). A case's `search_text` becomes its words
-- between single spaces, with one at each end (`text::searchable`: runs of letters and
-- digits of the folded text; the reference is among them, so a case is found by its
-- reference too), and a search is phrases of whole words, as on SQLite. This rewrites
-- every case once: on a large database, run `tinbao migrate` in a quiet hour.
UPDATE cases SET search_text =
    ' ' || trim(regexp_replace(search_text || ' ' || coalesce(lower(reference), ''), '[^a-z0-9]+', ' ', 'g')) || ' ';

-- The words as a text-search vector (the `simple` configuration: each word as it is),
-- with the case's province (`p2024x91`), authority (`a` and its id's hex digits) and
-- status (`snew`) as words of their own, so that a search asks one GIN index for the
-- cases of its scope and statuses that hold its words (db::case_search). Stored, so that
-- a plan that reads the scope in order checks each case without parsing its text.
ALTER TABLE cases ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig,
        search_text || ' p' || unit_scheme || 'x' || coalesce(province_code::text, '')
        || ' a' || replace(authority_id::text, '-', '') || ' s' || status)
) STORED;
CREATE INDEX cases_search_words ON cases USING gin (search_vector);
