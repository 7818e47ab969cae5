ALTER TABLE authorities DROP COLUMN phone;
