DROP TABLE idempotency_keys;
DROP TABLE report_messages;
DROP TABLE reporter_contacts;
DROP TABLE reports;
DROP TABLE cases;
DROP TABLE commune_boxes;
DROP TABLE routing_rules;
