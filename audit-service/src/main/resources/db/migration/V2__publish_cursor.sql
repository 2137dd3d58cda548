-- The log is its own outbox: audit_record is append-only and ordered by sequence, so what is left to publish to
-- audit.records is "every record after published_sequence". Appends no longer write one outbox row per record and
-- tenant, and the relay marks a whole batch published with one update of this single row (locked FOR UPDATE by the
-- relay, so two instances never publish the same batch at once).
CREATE TABLE publish_cursor (
    id                 SMALLINT PRIMARY KEY CHECK (id = 1),
    published_sequence BIGINT   NOT NULL
);

-- Start after the last record whose messages were all published: rows still unpublished in the old outbox are
-- published again from their record (at-least-once; consumers deduplicate on ce_id).
INSERT INTO publish_cursor (id, published_sequence)
SELECT 1, COALESCE(
    (SELECT MIN((payload ->> 'sequence')::BIGINT) - 1 FROM outbox WHERE published_at IS NULL),
    (SELECT last_sequence FROM chain_head WHERE id = 1));

DROP TABLE outbox;
