-- The console's audit page filters by actor, action and tenant and pages by id, newest first:
-- one index per filter ending in id, so a filtered page reads about a page of rows however large
-- the log grows.
CREATE INDEX audit_log_actor_id ON audit_log (actor, id);
CREATE INDEX audit_log_action_id ON audit_log (action, id);
CREATE INDEX audit_log_tenant_id ON audit_log (tenant_id, id);
