-- A supervisor's search reads the province's own matches alone (issue 16, point 4).
-- With migration 000014 the vector held each word once, so that a province's search for
-- `nguyen <-> van` took the word index's entries of the whole country (63,266 at
-- 1,000,000 cases) and combined them with the province's 16,000 cases. Each word is
-- now also in the vector with its province before it (`p2024x91xnguyen`), so that the
-- word index hands over the province's matches alone; the plain words stay for an
-- officer's search and a national one (db::case_search::ts_query).
--
-- `search_text` is its words between single spaces with one at each end, so replacing
-- each space by ` p2024x91x` writes every word with its province, in the same order (a
-- phrase `p2024x91xnguyen <-> p2024x91xvan` still matches). This rewrites every case
-- once: on a large database, run `tinbao migrate` in a quiet hour.
DROP INDEX cases_search_words;
ALTER TABLE cases DROP COLUMN search_vector;
ALTER TABLE cases ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, search_text || replace(search_text, ' ',
        ' p' || coalesce(unit_scheme, '') || 'x' || coalesce(province_code::text, '') || 'x'))
) STORED;
-- With a short pending list: every search reads the list of words written since the
-- last VACUUM whole (81 pages of the default 4 MB list, after 500 escalations, cost 1.3
-- ms of a 2 ms search), while without one (`fastupdate = off`) each written case adds
-- its hundred words at once (seeding took twice as long, intake's p99 rose from 43.8 to
-- 59.5 ms). 256 kB (32 pages) bounds what a search reads and keeps writes batched.
CREATE INDEX cases_search_words ON cases USING gin (search_vector) WITH (gin_pending_list_limit = 256);

-- A search first reads the newest thousand cases of its scope in order (db::work_list,
-- `SLICE`): with the text in the scope's indexes, that reading is the index alone (0.4 ms
-- for a thousand cases of Kiên Giang), where fetching each case's row cost 6 µs a case.
DROP INDEX cases_by_province_id;
CREATE INDEX cases_by_province_id ON cases (unit_scheme, province_code, id, status) INCLUDE (search_text);
DROP INDEX cases_by_province_status_id;
CREATE INDEX cases_by_province_status_id ON cases (unit_scheme, province_code, status, id) INCLUDE (search_text);
DROP INDEX cases_by_authority_id;
CREATE INDEX cases_by_authority_id ON cases (authority_id, id, status) INCLUDE (search_text);
DROP INDEX cases_by_authority_status_id;
CREATE INDEX cases_by_authority_status_id ON cases (authority_id, status, id) INCLUDE (search_text);
