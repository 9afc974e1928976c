-- The database account of `tsunagu outreach relay` on the internet tier (PostgreSQL), run once by the database owner.
-- It reads the e-mail and LINE deliveries and writes back their results, and nothing else: no person, household or
-- contact; not the paper notices (printed at the city hall, they carry the guardian's name and the household's address);
-- not a delivery's address or words (it may not rewrite where a notice goes or what it says).
-- Replace the password before running. The test suite runs this file as it is written here.
CREATE ROLE tsunagu_relay LOGIN PASSWORD 'change-me';
GRANT USAGE ON SCHEMA public TO tsunagu_relay;
GRANT SELECT ON deliveries TO tsunagu_relay;
GRANT UPDATE ("Status", "Attempts", "Error", "NextAttemptAt", "LeaseOwner", "LeasedUntil", "SentAt") ON deliveries TO tsunagu_relay;
-- Row-level security: the relay sees e-mail (2) and LINE (3) only. Tsunagu's own account owns the table and is not
-- affected; any other account sees no delivery at all.
ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY relay_email_and_line ON deliveries TO tsunagu_relay USING ("Channel" IN (2, 3));
