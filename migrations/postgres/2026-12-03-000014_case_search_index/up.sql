-- Free text that staff can rely on (issue 16). A case's `search_text` becomes its words
-- between single spaces, with one at each end (`text::searchable`: runs of letters and
-- digits of the folded text; the reference is among them, so a case is found by its
-- reference too), and a search is phrases of whole words, as on SQLite. This rewrites
-- every case once: on a large database, run `tinbao migrate` in a quiet hour.
UPDATE cases SET search_text =
    ' ' || trim(regexp_replace(search_text || ' ' || coalesce(lower(reference), ''), '[^a-z0-9]+', ' ', 'g')) || ' ';

-- The words as a text-search vector (the `simple` configuration: each word as it is)
-- under a GIN index. Stored, so that a plan that reads the scope in order checks each
-- case without parsing its text. The scope and the statuses are the ordinary columns'
-- conditions: PostgreSQL's planner then estimates a search as the words' share of the
-- scope, and picks the word index for rare words and the scope's order for common ones.
ALTER TABLE cases ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED;
CREATE INDEX cases_search_words ON cases USING gin (search_vector);
