-- The texts stay as words (their punctuation is not kept anywhere to restore).
DROP TRIGGER case_search_after_delete;
DROP TRIGGER case_search_after_update;
DROP TRIGGER case_search_after_insert;
DROP TABLE case_search;
DROP TABLE case_search_keys;
