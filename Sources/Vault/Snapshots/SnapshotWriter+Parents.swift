extension SnapshotWriter {
    /// Object ids of `type` as this snapshot will hold them (the current map with this job's
    /// staging applied), in ascending order, `limit` at a time after `after`: the parents whose
    /// children a backup lists next, without loading a whole type into memory.
    public func objectIDs(type: String, after: String, limit: Int) async throws -> [String] {
        let rows = try await self.client.query("""
            SELECT object_id FROM (
                SELECT v.object_id FROM object_versions v
                WHERE v.tenant_id = \(self.tenantID) AND v.type = \(type) AND v.valid_to IS NULL AND v.object_id > \(after)
                  AND NOT EXISTS (SELECT 1 FROM snapshot_staging s WHERE s.attempt_id = \(self.attemptID) AND s.type = v.type
                                  AND s.object_id = v.object_id AND s.op = 'remove')
                UNION
                SELECT s.object_id FROM snapshot_staging s
                WHERE s.attempt_id = \(self.attemptID) AND s.type = \(type) AND s.op = 'put' AND s.object_id > \(after)
            ) AS ids
            ORDER BY object_id LIMIT \(limit)
            """, logger: self.logger)
        return try rows.map { try $0.decode(String.self, "object_id") }
    }

    /// Stages the removal of every current object of `type` whose key starts with one of
    /// `parentKeys` (a deleted group's memberships).
    public func stageRemovalOfChildren(type: String, parentKeys: [String]) async throws {
        try await self.stageRemovals(type: type, keySegment: 1, in: parentKeys)
    }

    /// Stages the removal of every current relationship of `type` (keys `PARENT/TARGET`) whose
    /// target is one of `targetIDs`: a deleted user is no longer anyone's owner or member, though
    /// Graph reports no change on the groups, applications and service principals it owned.
    public func stageRemovalOfReferences(type: String, targetIDs: [String]) async throws {
        try await self.stageRemovals(type: type, keySegment: 2, in: targetIDs)
    }

    private func stageRemovals(type: String, keySegment: Int, in ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        if let pending = self.pendingSnapshotID {
            try await self.removePending(type: type, keySegment: keySegment, in: ids, snapshotID: pending)
            return
        }
        try await self.client.query("""
            INSERT INTO snapshot_staging (job_id, attempt_id, tenant_id, type, object_id, op, blob_id)
            SELECT \(self.jobID), \(self.attemptID), \(self.tenantID), v.type, v.object_id, 'remove', NULL FROM object_versions v
            WHERE v.tenant_id = \(self.tenantID) AND v.type = \(type) AND v.valid_to IS NULL
              AND split_part(v.object_id, '/', \(unescaped: String(keySegment))) = ANY (\(ids)::text[])
            ON CONFLICT (attempt_id, type, object_id) DO UPDATE SET op = 'remove', blob_id = NULL
            """, logger: self.logger)
    }
}
