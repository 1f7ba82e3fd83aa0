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
