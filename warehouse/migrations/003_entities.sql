-- Entities seen in claims: firms and models, gazetteer or discovered, for analysts to curate.
ALTER TABLE claim_mentions ADD COLUMN subject_model_in_gazetteer BOOLEAN;
ALTER TABLE claim_mentions ADD COLUMN object_model_in_gazetteer BOOLEAN;

CREATE TABLE entities (
    entity_id        VARCHAR PRIMARY KEY,   -- kind:name
    kind             VARCHAR NOT NULL,      -- firm | model
    name             VARCHAR NOT NULL,
    firm             VARCHAR,               -- owning firm of a model; the firm itself for a firm
    in_gazetteer     BOOLEAN NOT NULL,      -- false: found by pattern or discovered in text (curate me)
    first_seen_at    TIMESTAMPTZ,
    first_article_id VARCHAR,
    mention_count    INTEGER NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
-- Views: warehouse/schema/views.sql.
