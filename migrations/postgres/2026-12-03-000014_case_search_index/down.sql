-- The texts stay as words (their punctuation is not kept anywhere to restore).
DROP INDEX cases_search_words;
ALTER TABLE cases DROP COLUMN search_vector;
