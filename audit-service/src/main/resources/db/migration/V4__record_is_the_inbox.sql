-- The unique audit_record.source_event_id already says which events were appended (written in the same transaction
-- as the record, and every inbox row had its record): the append checks it instead of a separate inbox table, one
-- insert and one index update less per record.
DROP TABLE inbox;
