DROP TABLE console_sign_ins;
DROP INDEX sessions_cookie_hash;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN cookie_hash;
