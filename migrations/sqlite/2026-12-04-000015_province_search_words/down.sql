-- Back to migration 000014's index: words, province, authority and status, once each.
DROP TRIGGER case_search_after_insert;
DROP TRIGGER case_search_after_update;
DROP TRIGGER case_search_after_delete;
DROP TABLE case_search;

CREATE VIRTUAL TABLE case_search USING fts5 (search_text, scope, tokenize = 'unicode61', columnsize = 0, detail = none);

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
