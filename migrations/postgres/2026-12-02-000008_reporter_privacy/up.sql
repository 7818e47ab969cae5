-- Issue 14, point 2: an anonymous tip of a signed-in citizen names no account. Its owner
-- is a keyed blind index (HMAC of the account id under the server's index key), which
-- only the server can compute from the account: /me/reports finds the tip, staff cannot
-- link it. Filled for tips filed before this migration by the server at start-up.
ALTER TABLE reports ADD COLUMN owner_index TEXT;
CREATE INDEX reports_by_owner_index ON reports (owner_index, id) WHERE owner_index IS NOT NULL;
-- A citizen's login (a phone number or an e-mail address) is stored as its keyed digest
-- in `login` ("h:" and 64 hex digits), and sealed here, for the account's owner and for
-- the messages sent to it. Staff logins stay in clear.
ALTER TABLE users ADD COLUMN login_sealed TEXT;
