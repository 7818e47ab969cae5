ALTER TABLE users DROP COLUMN pending_until;
DROP TABLE one_time_codes;
DROP TABLE sms_quota;
DROP TABLE outbox;
