-- A job whose handler commits its outcome in its own transaction (a backup's snapshot) records, in
-- that transaction, which attempt committed it. The job completes only if this database has that
-- record: after a failover to an asynchronous standby the outcome's commit can be lost while the
-- completion, sent a moment later to the new primary, would land -- a completed backup without its
-- snapshot. Without the record the completion makes the job available again: it runs again. Releases
-- before this one neither write nor read the column.
ALTER TABLE jobs ADD COLUMN outcome_attempt_id uuid;
