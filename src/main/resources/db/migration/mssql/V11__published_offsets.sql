-- Per input partition, the highest offset whose batch's captured events the broker acknowledged
-- (see postgresql/V11).
CREATE TABLE published_offsets (
    topic            NVARCHAR(249)     NOT NULL,
    partition_no     INT               NOT NULL,
    published_offset BIGINT            NOT NULL,
    updated_at       DATETIMEOFFSET(3) NOT NULL,
    CONSTRAINT published_offsets_pk PRIMARY KEY (topic, partition_no)
);
GO
INSERT INTO capture_schema_version (version, description) VALUES (11, N'published offsets per input partition');
GO
