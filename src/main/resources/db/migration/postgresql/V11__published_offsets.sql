-- Per input partition, the highest offset whose batch's captured events the broker acknowledged: a
-- redelivered record whose version is stored above the mark may never have had its event published
-- (its writer stopped between commit and publish), so it is published as CAPTURED, not DUPLICATE.
CREATE TABLE published_offsets (
    topic            VARCHAR(249) NOT NULL,
    partition_no     INT          NOT NULL,
    published_offset BIGINT       NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    CONSTRAINT published_offsets_pk PRIMARY KEY (topic, partition_no)
);
INSERT INTO capture_schema_version (version, description) VALUES (11, 'published offsets per input partition');
