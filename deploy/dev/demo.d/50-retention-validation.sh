# Demo part: policies, retention (with garbage collection) and validation of the demo tenants.
# Runs after parts 20 (onboarding, exports HOLDFAST_DEMO_TENANTS), 30 (backups) and 40 (restore).
# Sourced by deploy/dev/demo with $holdfast, $logs and the running coordinator/workers in scope.
[ -n "${HOLDFAST_DEMO_TENANTS:-}" ] || die "HOLDFAST_DEMO_TENANTS is empty: part 20 (onboarding) must run before part 50"
# Tenant ids, whatever separates them (spaces, commas, newlines, name=id pairs).
mapfile -t retention_tenants < <(grep -oE '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}' <<<"$HOLDFAST_DEMO_TENANTS")
[ "${#retention_tenants[@]}" -gt 0 ] || die "HOLDFAST_DEMO_TENANTS holds no tenant id: '$HOLDFAST_DEMO_TENANTS'"

log "policy demo-gfs: keep the last 2, 7 daily, 4 weekly, 12 monthly, 3 yearly; validate daily"
if ! "$holdfast" policies show demo-gfs >/dev/null 2>&1; then
    "$holdfast" policies create demo-gfs --description "Holdfast demo" --keep-last 2 --keep-daily 7 --keep-weekly 4 \
        --keep-monthly 12 --keep-yearly 3 --validation-interval 1d --actor demo \
        || die "could not create policy demo-gfs (logs in $logs)"
fi
"$holdfast" policies assign demo-gfs "${retention_tenants[@]}" --actor demo || die "could not assign policy demo-gfs"
"$holdfast" policies list

retention_jobs=()
for tenant in "${retention_tenants[@]}"; do
    listing=$("$holdfast" snapshots list "$tenant") || die "could not list tenant $tenant's snapshots (is the master key set?)"
    snapshots=$(tail -n +2 <<<"$listing" | grep -c . || true)
    [ "$snapshots" -ge 1 ] || die "tenant $tenant has no snapshot: part 30 (backups) must run before part 50"
    log "tenant $tenant: $snapshots snapshots; enqueuing retention, then validation of the newest"
    retention_jobs+=("$("$holdfast" jobs enqueue --kind retention --tenant "$tenant")") || die "could not enqueue retention for $tenant"
    retention_jobs+=("$("$holdfast" jobs enqueue --kind validation --tenant "$tenant")") || die "could not enqueue validation for $tenant"
done

log "waiting for ${#retention_jobs[@]} retention and validation jobs"
for _ in $(seq 1 600); do
    pending=$("$holdfast" jobs list --kind retention,validation --state scheduled,available,running,retryable --limit 1000 | tail -n +2 | wc -l)
    [ "$pending" -eq 0 ] && break
    sleep 0.5
done
[ "$pending" -eq 0 ] || die "retention or validation jobs were left unfinished after 5 minutes (logs in $logs)"
failed=$("$holdfast" jobs list --kind retention,validation --state discarded,cancelled --limit 1000 | tail -n +2 \
    | awk '{print $1}' | grep -Fx -f <(printf '%s\n' "${retention_jobs[@]}") || true)
[ -z "$failed" ] || die "retention or validation jobs failed: $(echo "$failed" | tr '\n' ' ') (see \`$holdfast jobs show ID\`, logs in $logs)"

for tenant in "${retention_tenants[@]}"; do
    log "tenant $tenant: retention"
    "$holdfast" retention runs "$tenant" --limit 1
    "$holdfast" snapshots list "$tenant" --limit 10
    log "tenant $tenant: validation"
    "$holdfast" validations show "$tenant" || log "WARNING: tenant $tenant's validation found problems (listed above)"
done
