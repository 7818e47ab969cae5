-- The number residents call, shown on receipts and tracking pages (issue 15).
ALTER TABLE authorities ADD COLUMN phone TEXT;
