# Demo part: scheduled backups of graph-sim's tenants, an incident, an incremental backup, and
# what changed. Sourced by deploy/dev/demo with $holdfast, $logs and the running coordinator and
# workers in scope; part 20 onboarded the tenants and exported HOLDFAST_DEMO_TENANTS (their
# Holdfast ids, space-separated). Fail with `die`.
[ -n "${HOLDFAST_DEMO_TENANTS:-}" ] || die "HOLDFAST_DEMO_TENANTS is empty: the onboarding part (20) must run first"
demo_sql() { psql "$HOLDFAST_DATABASE_URL" -Atqc "$1"; }
demo_snapshots() { demo_sql "SELECT count(*) FROM snapshots WHERE tenant_id = '$1'"; }
# Snapshots committed before this demo run started (an earlier run's), so waits count new ones.
demo_run_started=$(demo_sql "SELECT now()")
demo_snapshots_before() { demo_sql "SELECT count(*) FROM snapshots WHERE tenant_id = '$1' AND committed_at < '$demo_run_started'"; }

# Waits until TENANT has more than COUNT snapshots, failing on a failed job or after SECONDS.
demo_wait_snapshot() {
    local tenant=$1 count=$2 seconds=$3 what=$4
    local deadline=$(( $(date +%s) + seconds ))
    while [ "$(demo_snapshots "$tenant")" -le "$count" ]; do
        local failure
        failure=$(demo_sql "SELECT state || ': ' || coalesce(errors->-1->>'error', '') FROM jobs WHERE kind = 'backup' AND tenant_id = '$tenant'
                            AND state = 'discarded' ORDER BY id DESC LIMIT 1")
        [ -z "$failure" ] || die "$what of tenant $tenant failed ($failure); logs in $logs"
        [ "$(date +%s)" -lt "$deadline" ] || die "no $what of tenant $tenant within $seconds s (jobs: $("$holdfast" jobs list --limit 5 | tail -n +2 | tr '\n' ';')); logs in $logs"
        sleep 1
    done
}

log "waiting for the coordinator's scheduled backups: one committed snapshot per tenant"
for tenant in $HOLDFAST_DEMO_TENANTS; do
    # A tenant never backed up gets its first backup at once. One left from an earlier demo run has
    # a snapshot and its next slot later: back it up now instead of waiting for the slot.
    for _ in $(seq 1 30); do
        [ "$(demo_sql "SELECT count(*) FROM jobs WHERE kind = 'backup' AND tenant_id = '$tenant'")" -gt 0 ] && break
        sleep 1
    done
    if [ "$(demo_sql "SELECT count(*) FROM jobs WHERE kind = 'backup' AND tenant_id = '$tenant' AND state NOT IN ('completed', 'discarded', 'cancelled')")" -eq 0 ] \
       && [ "$(demo_sql "SELECT count(*) FROM snapshots WHERE tenant_id = '$tenant' AND committed_at >= '$demo_run_started'")" -eq 0 ]; then
        log "tenant $tenant has no pending backup (next slot: $(demo_sql "SELECT next_backup_at FROM tenants WHERE id = '$tenant'")); enqueuing one now"
        "$holdfast" backup run "$tenant" >/dev/null
    fi
    demo_wait_snapshot "$tenant" "$(demo_snapshots_before "$tenant")" "${HOLDFAST_DEMO_BACKUP_TIMEOUT:-600}" "a scheduled backup"
    log "tenant $tenant: $(demo_sql "SELECT kind || ' snapshot ' || id || ', ' || object_count || ' objects, ' || status
                                     FROM snapshots WHERE tenant_id = '$tenant' ORDER BY id DESC LIMIT 1")"
done

demo_tenant=${HOLDFAST_DEMO_TENANTS%% *}
demo_entra=$(demo_sql "SELECT entra_tenant_id FROM tenants WHERE id = '$demo_tenant'")
[ -n "$demo_entra" ] || die "tenant $demo_tenant is not registered"
demo_incident() {
    curl -fsS -X POST "$HOLDFAST_LOGIN_BASE_URL/_sim/tenants/$demo_entra/incidents" -H 'Content-Type: application/json' -d "$1" \
        | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["affectedIds"]))' \
        || die "graph-sim refused the incident $1"
}
demo_group=$(demo_sql "SELECT object_id FROM object_versions WHERE tenant_id = '$demo_tenant' AND type = 'group' AND valid_to IS NULL
                       ORDER BY object_id LIMIT 1")
[ -n "$demo_group" ] || die "the first snapshot of $demo_tenant holds no group"
log "incident in tenant $demo_tenant: two users' jobTitle changed, one user deleted, one created, two members added to group $demo_group"
demo_changed=$(demo_incident '{"kind":"changeAttribute","count":2,"property":"jobTitle","value":"Compromised Account"}')
demo_deleted=$(demo_incident '{"kind":"deleteUsers","count":1}')
demo_created=$(demo_incident '{"kind":"createUsers","count":1}')
demo_incident "{\"kind\":\"addGroupMembers\",\"groupId\":\"$demo_group\",\"count\":2}" >/dev/null

log "holdfast backup run $demo_tenant (incremental)"
demo_before=$(demo_snapshots "$demo_tenant")
"$holdfast" backup run "$demo_tenant"
demo_wait_snapshot "$demo_tenant" "$demo_before" "${HOLDFAST_DEMO_BACKUP_TIMEOUT:-600}" "the incremental backup"

log "holdfast snapshots list $demo_tenant"
"$holdfast" snapshots list "$demo_tenant"
log "holdfast snapshots show $demo_tenant --verify (the incremental one)"
"$holdfast" snapshots show "$demo_tenant" --verify || die "the incremental snapshot of $demo_tenant did not verify"
log "what changed, object by object"
for user in ${demo_changed%% *} $demo_deleted $demo_created; do
    log "holdfast objects history $demo_tenant user $user"
    "$holdfast" objects history "$demo_tenant" user "$user"
done
log "new memberships of group $demo_group in the incremental snapshot"
demo_sql "SELECT '  + ' || object_id FROM object_versions WHERE tenant_id = '$demo_tenant' AND type = 'group.members'
          AND valid_from = (SELECT max(id) FROM snapshots WHERE tenant_id = '$demo_tenant') ORDER BY object_id"
