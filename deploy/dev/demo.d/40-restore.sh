# Demo part: an incident in one tenant, the backup that records it, the diff that shows it (with
# who did it), a restore planned and applied, and the tenant compared with its snapshot again.
# Sourced by deploy/dev/demo after part 30 (backups committed for $HOLDFAST_DEMO_TENANTS), with
# $holdfast, $logs, log and die in scope.
[ -n "${HOLDFAST_MASTER_KEY_FILE:-}${HOLDFAST_MASTER_KEY:-}" ] \
    || die "restore demo: no master key in the environment (HOLDFAST_MASTER_KEY_FILE): diff --who and restore open tenant credentials"
[ -n "${HOLDFAST_LOGIN_BASE_URL:-}" ] || die "restore demo: HOLDFAST_LOGIN_BASE_URL is not set (graph-sim is not running?)"
restore_tenant=$(printf '%s\n' "${HOLDFAST_DEMO_TENANTS:-}" | grep -oiE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' | head -n 1)
[ -n "$restore_tenant" ] || die "restore demo: HOLDFAST_DEMO_TENANTS names no tenant id (part 20 exports it)"
restore_psql=$(command -v psql || echo "${HOLDFAST_PG_BIN:-/usr/lib/postgresql/15/bin}/psql")
restore_entra=$("$restore_psql" "$HOLDFAST_DATABASE_URL" -Atc "SELECT entra_tenant_id FROM tenants WHERE id = '$restore_tenant'" 2>/dev/null) \
    || die "restore demo: cannot read tenant $restore_tenant from $HOLDFAST_DATABASE_URL"
[ -n "$restore_entra" ] || die "restore demo: tenant $restore_tenant has no Entra tenant id"

restore_latest_snapshot() { "$holdfast" snapshots list "$restore_tenant" | awk 'NR == 2 { print $1 }'; }
restore_before=$(restore_latest_snapshot)
[ -n "$restore_before" ] || die "restore demo: tenant $restore_tenant has no committed snapshot (part 30 backs it up)"
log "restore demo: tenant $restore_tenant, snapshot $restore_before before the incident"

restore_incident() {
    curl -fsS -X POST -H 'Content-Type: application/json' -d "$1" \
        "$HOLDFAST_LOGIN_BASE_URL/_sim/tenants/$restore_entra/incidents" >/dev/null \
        || die "restore demo: graph-sim refused incident $1"
}
log "incident: 3 users hard-deleted, a security group deleted (security groups are purged at once), a conditional access policy weakened"
restore_actor='"actor":{"userId":"6d1f1c9e-0000-4000-8000-00000000bad1","displayName":"Mallory","userPrincipalName":"mallory@attacker.example"}'
restore_incident "{\"kind\":\"hardDeleteUsers\",\"count\":3,$restore_actor}"
restore_incident "{\"kind\":\"deleteGroups\",\"count\":1,\"groupKind\":\"security\",$restore_actor}"
restore_incident "{\"kind\":\"weakenConditionalAccessPolicies\",\"count\":1,$restore_actor}"
log "incident: the eligible Global Administrator's PIM eligibility removed"
restore_incident "{\"kind\":\"removeRoleEligibilities\",\"count\":1,\"roleDefinitionId\":\"62e90394-69f5-4237-9190-012177145e10\",$restore_actor}"

log "backing up after the incident"
"$holdfast" backup run "$restore_tenant" >/dev/null || die "restore demo: cannot enqueue a backup"
restore_after=$restore_before
for _ in $(seq 1 240); do
    restore_after=$(restore_latest_snapshot)
    [ "$restore_after" != "$restore_before" ] && break
    sleep 0.5
done
[ "$restore_after" != "$restore_before" ] || die "restore demo: no new snapshot of $restore_tenant after 120 s (logs in $logs)"

log "what changed between snapshot $restore_before and $restore_after (who did it from the directory audit log)"
"$holdfast" diff "$restore_tenant" --from "$restore_before" --to "$restore_after" --who \
    --type user --type group --type group.members --type conditionalAccessPolicy --type roleEligibilitySchedule \
    || die "restore demo: diff failed"

# Backups need read permissions only; restoring needs the write ones. The operator grants them
# (admin consent) before a restore, as docs/restore.md says; graph-sim's admin API stands in.
restore_client=$("$restore_psql" "$HOLDFAST_DATABASE_URL" -Atc \
    "SELECT client_id FROM tenant_credentials WHERE tenant_id = '$restore_tenant' AND replaced_at IS NULL LIMIT 1") \
    || die "restore demo: cannot read the credential of tenant $restore_tenant"
[ -n "$restore_client" ] || die "restore demo: tenant $restore_tenant has no active credential"
log "granting the restore (write) permissions to app $restore_client in the tenant (admin consent)"
curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"grant": ["User.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Application.ReadWrite.All",
                   "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "Policy.ReadWrite.ConditionalAccess",
                   "RoleManagement.ReadWrite.Directory", "AdministrativeUnit.ReadWrite.All", "Policy.ReadWrite.Authorization",
                   "Directory.ReadWrite.All", "AuditLog.Read.All"]}' \
    "$HOLDFAST_LOGIN_BASE_URL/_sim/tenants/$restore_entra/applications/$restore_client/permissions" >/dev/null \
    || die "restore demo: graph-sim refused the permission grant for app $restore_client"

log "planning the restore of snapshot $restore_before (a dry run, stored)"
restore_plan_output=$("$holdfast" restore plan "$restore_tenant" --snapshot "$restore_before" \
    --type user --type group --type conditionalAccessPolicy --type roleAssignment \
    --type roleEligibilitySchedule --type roleAssignmentSchedule --type roleManagementPolicy) || die "restore demo: planning failed"
printf '%s\n' "$restore_plan_output" | head -n 40
restore_plan=$(printf '%s\n' "$restore_plan_output" | awk 'NR == 1 { sub(":", "", $2); print $2 }')
[ -n "$restore_plan" ] || die "restore demo: the plan printed no id"

log "applying plan $restore_plan"
"$holdfast" restore apply "$restore_plan" || die "restore demo: applying plan $restore_plan failed (see: $holdfast restore show $restore_plan --steps)"

log "the tenant compared with snapshot $restore_before, up to the new ids of recreated objects"
"$holdfast" restore verify "$restore_plan" || die "restore demo: the tenant still differs from snapshot $restore_before"

log "backing up the restored tenant, so its newest snapshot is the restored state"
restore_incident_snapshot=$(restore_latest_snapshot)
"$holdfast" backup run "$restore_tenant" >/dev/null || die "restore demo: cannot enqueue a backup"
restore_restored=$restore_incident_snapshot
for _ in $(seq 1 240); do
    restore_restored=$(restore_latest_snapshot)
    [ "$restore_restored" != "$restore_incident_snapshot" ] && break
    sleep 0.5
done
[ "$restore_restored" != "$restore_incident_snapshot" ] || die "restore demo: no backup of the restored tenant within 120 s"
