-- The captured event is stored as the exact UTF-8 bytes that were published: no text decoding on
-- write or on republish, and a duplicate is republished byte for byte but for its status.
ALTER TABLE trade_versions ALTER COLUMN captured_event TYPE BYTEA USING convert_to(captured_event, 'UTF8');
