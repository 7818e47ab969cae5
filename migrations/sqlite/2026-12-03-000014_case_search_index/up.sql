-- Free text that staff can rely on (issue 16). A case's `search_text` becomes its words
-- between single spaces, with one at each end (`text::searchable`: runs of letters and
-- digits of the folded text; the reference is among them, so a case is found by its
-- reference too), and a search is phrases of whole words (`LIKE '% van kiet %'`). FTS5's
-- `unicode61` tokenizer cuts such a text at exactly its spaces, so its index finds the
-- cases holding the words without reading every case of the scope (db::case_search).
--
-- The existing texts are folded ASCII: each punctuation character becomes a space, runs
-- of spaces become one.
UPDATE cases SET search_text = ' ' || trim(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_text || ' ' || coalesce(lower(reference), ''), '!', ' '), '"', ' '), '#', ' '), '$', ' '), '%', ' '), '&', ' '), '''', ' '), '(', ' '), ')', ' '), '*', ' '), '+', ' '), ',', ' '), '-', ' '), '.', ' '), '/', ' '), ':', ' '), ';', ' '), '<', ' '), '=', ' '), '>', ' '), '?', ' '), '@', ' '), '[', ' '), '\', ' '), ']', ' '), '^', ' '), '_', ' '), '`', ' '), '{', ' '), '|', ' '), '}', ' '), '~', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ')) || ' ';

-- The index is keyed by a number of its own, not by the cases' rowid: `cases` has no
-- INTEGER PRIMARY KEY, so VACUUM (and VACUUM INTO, a backup) may renumber its rowids,
-- and an index keyed by them would then point at the wrong cases without a word.
CREATE TABLE case_search_keys (
    key INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE REFERENCES cases (id)
);
-- `scope` holds the case's province (`p2024x91`), authority (`a` and its id's hex
-- digits) and status (`snew`), so that a supervisor's or an officer's search, and the
-- work list's usual status filters, ask the index for their own matches alone instead of
-- the whole country's. A transition rewrites the case's row of the index. The index
-- keeps which cases hold each word and nothing more (`detail = none`: no positions, no
-- columns, half the reading of a common word's list): a search asks it for the cases
-- holding every word of its phrases and checks the phrases with `LIKE` on those alone.
-- No column sizes: nothing ranks matches.
CREATE VIRTUAL TABLE case_search USING fts5 (search_text, scope, tokenize = 'unicode61', columnsize = 0, detail = none);

INSERT INTO case_search_keys (case_id) SELECT id FROM cases ORDER BY id;
INSERT INTO case_search (rowid, search_text, scope)
    SELECT k.key, c.search_text, 'p' || c.unit_scheme || 'x' || coalesce(c.province_code, '') || ' a' || replace(c.authority_id, '-', '') || ' s' || c.status
    FROM case_search_keys k JOIN cases c ON c.id = k.case_id;

-- Triggers, so that every way a case is written (intake, sample data, a transition, a
-- transfer, a later purge) keeps the index, in the same transaction.
CREATE TRIGGER case_search_after_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_search_keys (case_id) VALUES (new.id);
    INSERT INTO case_search (rowid, search_text, scope)
        SELECT key, new.search_text, 'p' || new.unit_scheme || 'x' || coalesce(new.province_code, '') || ' a' || replace(new.authority_id, '-', '') || ' s' || new.status
        FROM case_search_keys WHERE case_id = new.id;
END;
CREATE TRIGGER case_search_after_update AFTER UPDATE OF search_text, unit_scheme, province_code, authority_id, status ON cases
BEGIN
    UPDATE case_search SET search_text = new.search_text, scope = 'p' || new.unit_scheme || 'x' || coalesce(new.province_code, '') || ' a' || replace(new.authority_id, '-', '') || ' s' || new.status
        WHERE rowid = (SELECT key FROM case_search_keys WHERE case_id = new.id);
END;
CREATE TRIGGER case_search_after_delete AFTER DELETE ON cases BEGIN
    DELETE FROM case_search WHERE rowid = (SELECT key FROM case_search_keys WHERE case_id = old.id);
    DELETE FROM case_search_keys WHERE case_id = old.id;
END;
