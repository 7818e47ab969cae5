-- A supervisor's search reads the province's own matches alone (issue 16, point 4).
-- With migration 000014 the index held each word once for the whole country, so that
-- `nguyen AND van AND p2024x91` decoded every case of Viet Nam holding `nguyen` and
-- `van` (tens of thousands at 1,000,000 cases) to keep the few hundred of one province.
-- Each word is now also written with its province before it (`p2024x91xnguyen`), and
-- the status likewise (`p2024x91snew`): a province's search intersects lists no longer
-- than the province's cases. The plain words, the authority and the status stay, for an
-- officer's search (`kiet AND a<hex>`) and a national one.
--
-- `search_text` is its words between single spaces with one at each end, so replacing
-- each space by ` p2024x91x` writes every word with its province (and one bare
-- `p2024x91x` at the end, which no search asks for).
DROP TRIGGER case_search_after_insert;
DROP TRIGGER case_search_after_update;
DROP TRIGGER case_search_after_delete;
DROP TABLE case_search;

CREATE VIRTUAL TABLE case_search USING fts5 (search_text, scope, tokenize = 'unicode61', columnsize = 0, detail = none);

-- The scope column: `p2024x91 a<hex> snew p2024x91snew p2024x91xword…`. The same
-- expression is in both triggers below and in db::case_search (`province_word`,
-- `province_status`).
INSERT INTO case_search (rowid, search_text, scope)
    SELECT k.key, c.search_text,
        'p' || coalesce(c.unit_scheme, '') || 'x' || coalesce(c.province_code, '')
        || ' a' || replace(c.authority_id, '-', '') || ' s' || c.status
        || ' p' || coalesce(c.unit_scheme, '') || 'x' || coalesce(c.province_code, '') || 's' || c.status
        || replace(c.search_text, ' ', ' p' || coalesce(c.unit_scheme, '') || 'x' || coalesce(c.province_code, '') || 'x')
    FROM case_search_keys k JOIN cases c ON c.id = k.case_id;

CREATE TRIGGER case_search_after_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_search_keys (case_id) VALUES (new.id);
    INSERT INTO case_search (rowid, search_text, scope)
        SELECT key, new.search_text,
            'p' || coalesce(new.unit_scheme, '') || 'x' || coalesce(new.province_code, '')
            || ' a' || replace(new.authority_id, '-', '') || ' s' || new.status
            || ' p' || coalesce(new.unit_scheme, '') || 'x' || coalesce(new.province_code, '') || 's' || new.status
            || replace(new.search_text, ' ', ' p' || coalesce(new.unit_scheme, '') || 'x' || coalesce(new.province_code, '') || 'x')
        FROM case_search_keys WHERE case_id = new.id;
END;
CREATE TRIGGER case_search_after_update AFTER UPDATE OF search_text, unit_scheme, province_code, authority_id, status ON cases
BEGIN
    UPDATE case_search SET search_text = new.search_text, scope =
            'p' || coalesce(new.unit_scheme, '') || 'x' || coalesce(new.province_code, '')
            || ' a' || replace(new.authority_id, '-', '') || ' s' || new.status
            || ' p' || coalesce(new.unit_scheme, '') || 'x' || coalesce(new.province_code, '') || 's' || new.status
            || replace(new.search_text, ' ', ' p' || coalesce(new.unit_scheme, '') || 'x' || coalesce(new.province_code, '') || 'x')
        WHERE rowid = (SELECT key FROM case_search_keys WHERE case_id = new.id);
END;
CREATE TRIGGER case_search_after_delete AFTER DELETE ON cases BEGIN
    DELETE FROM case_search WHERE rowid = (SELECT key FROM case_search_keys WHERE case_id = old.id);
    DELETE FROM case_search_keys WHERE case_id = old.id;
END;
