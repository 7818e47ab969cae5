-- Issue 14, point 6: abuse limits that every instance shares. One row per bucket (a
-- keyed digest of an address, an account or a client, and what it counts) and window
-- (the start of the hour or minute); a request adds one with an upsert that returns the
-- count. Rows of past windows are purged.
CREATE TABLE rate_counters (
    bucket TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_by_window ON rate_counters (window_start);
