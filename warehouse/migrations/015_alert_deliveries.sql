-- Per-channel delivery of alerts (subscriptions): which channel took which alert, and in which digest. An alert's
-- own status stays the outcome over every immediate channel that wants it; these rows let a retry skip the
-- channels that already accepted it and let a failed digest be resent with the same members under the same id.
CREATE TABLE alert_deliveries (
    alert_id     VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,
    digest_id    VARCHAR,
    status       VARCHAR NOT NULL,
    delivered_at TIMESTAMPTZ,
    PRIMARY KEY (alert_id, channel)
);
COMMENT ON TABLE alert_deliveries IS 'Per-channel delivery of alerts: planned (in a digest not yet accepted) or delivered.';
COMMENT ON COLUMN alert_deliveries.alert_id IS 'alerts.alert_id.';
COMMENT ON COLUMN alert_deliveries.channel IS 'The subscription channel''s name (default: the one channel of CLAIMWATCH_ALERT_URLS or the log).';
COMMENT ON COLUMN alert_deliveries.digest_id IS 'The digest message it went (or goes) out in for this channel; NULL when sent on its own.';
COMMENT ON COLUMN alert_deliveries.status IS 'planned (assigned to a digest, not yet accepted) or delivered.';
COMMENT ON COLUMN alert_deliveries.delivered_at IS 'When the channel accepted it.';
COMMENT ON COLUMN alerts.status IS 'pending, sending (leased to a delivery), delivered (every immediate channel that wants it accepted it), failed (retried), filtered (no immediate channel subscribes to it) or suppressed (claim judged wrong).';
