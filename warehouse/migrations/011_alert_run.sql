-- The run whose claims refresh wrote each outbox alert: a run's summary lists the alerts it created, not every
-- alert created since it started (two overlapping runs printed each other's alerts).
ALTER TABLE alerts ADD COLUMN run_id VARCHAR;
