-- Outbox details: priority (watchlist), kind (new | relation_change), retry schedule, digests;
-- strongest evidence on claims.
ALTER TABLE alerts ADD COLUMN priority BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE alerts ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'new';
ALTER TABLE alerts ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN digest_id VARCHAR;
ALTER TABLE claims ADD COLUMN strongest_claimant VARCHAR;       -- third_party > self > outlet
ALTER TABLE claims ADD COLUMN strongest_claimant_name VARCHAR;
-- Views: warehouse/schema/views.sql.
