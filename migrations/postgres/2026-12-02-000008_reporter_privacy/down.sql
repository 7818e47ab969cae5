ALTER TABLE users DROP COLUMN login_sealed;
DROP INDEX reports_by_owner_index;
ALTER TABLE reports DROP COLUMN owner_index;
