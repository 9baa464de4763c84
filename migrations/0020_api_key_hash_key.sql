-- API key hashes are keyed by a key derived from the master key (review F7): a row written by
-- someone who can write to the database but does not hold the master key authenticates nothing.
-- hash_key_id names the master key the hash was made under; NULL marks a hash made the unkeyed
-- way of earlier releases, which the API refuses unless an operator opts in to upgrade such keys
-- on their next use (docs/api.md, "Upgrading API keys").
ALTER TABLE api_keys ADD COLUMN hash_key_id text;
