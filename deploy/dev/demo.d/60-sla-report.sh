# Demo part: the fleet's SLA, then a signed compliance report for the demo's partner, verified.
# Sourced by deploy/dev/demo after the backup, retention and validation parts, with $holdfast, $logs
# and the running coordinator/workers in scope; fail with `die`.

log "SLA of every tenant, worst first"
"$holdfast" sla || die "holdfast sla failed (coordinator log: $logs/coordinator.log)"

# The partner part 20 onboarded the demo's tenants under (the first partner, if there are several).
report_partner=$(psql "$HOLDFAST_DATABASE_URL" -Atqc \
    "SELECT p.name FROM partners p WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.partner_id = p.id) ORDER BY p.created_at, p.name LIMIT 1") \
    || die "cannot read partners from $HOLDFAST_DATABASE_URL"
[ -n "$report_partner" ] || die "no partner with tenants: the onboarding part (20) should have created one"

log "making a report signing key (Ed25519) in $logs"
"$holdfast" report keygen --out "$logs/report-signing-key.pem" --public-out "$logs/report-public-key.pem" \
    || die "holdfast report keygen failed"
export HOLDFAST_REPORT_SIGNING_KEY_FILE="$logs/report-signing-key.pem"

report_from=$(date -u -d '30 days ago' +%Y-%m-%d)
for report_format in html json; do
    report_file="$logs/compliance-report.$report_format"
    log "compliance report for partner '$report_partner' since $report_from ($report_format)"
    "$holdfast" report compliance --partner "$report_partner" --from "$report_from" --format "$report_format" --out "$report_file" \
        || die "holdfast report compliance failed for partner '$report_partner'"
    "$holdfast" report verify "$report_file" --public-key "$logs/report-public-key.pem" \
        || die "the signed report $report_file did not verify"
done

log "a report changed after signing is refused"
cp "$logs/compliance-report.json" "$logs/compliance-report-edited.json"
cp "$logs/compliance-report.json.sig" "$logs/compliance-report-edited.json.sig"
# One changed digit: the first "succeeded" count gets a 9 in front.
sed -i '0,/"succeeded" : /s//"succeeded" : 9/' "$logs/compliance-report-edited.json"
cmp -s "$logs/compliance-report.json" "$logs/compliance-report-edited.json" && die "could not edit the report copy"
if "$holdfast" report verify "$logs/compliance-report-edited.json" --public-key "$logs/report-public-key.pem"; then
    die "an edited report passed verification"
fi
log "reports written to $logs (compliance-report.html, .json and their .sig files)"
