# Demo part: onboarding graph-sim's tenants through `holdfast tenants`. Sourced by deploy/dev/demo
# with $holdfast, $logs and the running coordinator/workers in scope; fail with `die`.
#
#   contoso   – the MSP's shared multi-tenant app (seeded by graph-sim), with a client secret
#   fabrikam  – the tenant's own app, with a certificate (PEM) generated here
#   northwind – the tenant's own app, which lacks UserAuthenticationMethod.Read.All: reported, and the
#               tenant stays `onboarding`
#
# Exports HOLDFAST_DEMO_TENANTS: the Holdfast ids of the tenants that became active.
# Re-running it rotates each tenant's credential (graph-sim issues a new secret on every start)
# and re-probes instead of adding the tenant twice.
sim=$HOLDFAST_LOGIN_BASE_URL/_sim
onboarding_dir=$HOLDFAST_DEV_DIR/onboarding
mkdir -p "$onboarding_dir" && chmod 700 "$onboarding_dir"

# JSON field $2 of the document on stdin (python3 is in the dev packages).
json_field() { python3 -c 'import json,sys; v=json.load(sys.stdin); print(eval("v"+sys.argv[1]))' "$1"; }

sim_tenant_id() { curl -fsS "$sim/tenants/$1" | json_field '["id"]'; }

# Registers (once) an app in a graph-sim tenant with the given permissions; graph-sim answers 409
# when it is already there, which is fine on a re-run.
sim_register_app() { # tenant client_id display_name permissions_json
    local status
    status=$(curl -sS -o "$onboarding_dir/register.json" -w '%{http_code}' -X POST "$sim/tenants/$1/applications" \
        -H 'Content-Type: application/json' \
        -d "{\"displayName\": \"$3\", \"clientId\": \"$2\", \"permissions\": $4}")
    case "$status" in
        201|409) ;;
        *) cat "$onboarding_dir/register.json" >&2; die "graph-sim refused to register $3 in $1 (HTTP $status)" ;;
    esac
}

# The backup permissions of the seeded shared app, from graph-sim's seed file.
backup_permissions=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["applications"][0]["permissions"]))' \
    "$HOLDFAST_ROOT/deploy/dev/graph-sim-seed.json")
without_auth_methods=$(python3 -c 'import json,sys; print(json.dumps([p for p in json.loads(sys.argv[1]) if p != "UserAuthenticationMethod.Read.All"]))' \
    "$backup_permissions")

# Adds the tenant, or on a re-run replaces its credential and re-probes. Output goes to the terminal
# and to $logs/onboarding-NAME.txt.
onboard() { # name directory display_name credential-options...
    local name=$1 directory=$2 display=$3
    shift 3
    log "onboarding $display ($directory)"
    if "$holdfast" tenants show "$directory" >/dev/null 2>&1; then
        "$holdfast" tenants update "$directory" --actor demo "$@" 2>>"$logs/onboarding.log" | tee "$logs/onboarding-$name.txt"
    else
        "$holdfast" tenants add "$directory" --name "$display" --partner "Demo MSP" --actor demo "$@" \
            2>>"$logs/onboarding.log" | tee "$logs/onboarding-$name.txt"
    fi
    [ "${PIPESTATUS[0]}" -eq 0 ] || die "onboarding $display failed (log: $logs/onboarding.log)"
}

# contoso: the seeded shared app and its secret (written by graph-sim to .dev/graph-sim-credentials.json).
shared_client_id=$(json_field '["applications"][0]["clientId"]' <"$HOLDFAST_DEV_DIR/graph-sim-credentials.json")
(umask 077 && json_field '["applications"][0]["clientSecret"]' <"$HOLDFAST_DEV_DIR/graph-sim-credentials.json" \
    >"$onboarding_dir/contoso-secret")
onboard contoso "$(sim_tenant_id contoso)" "Contoso" --app shared --client-id "$shared_client_id" \
    --client-secret-file "$onboarding_dir/contoso-secret" --secret-expires "$(date -u -d '+180 days' +%F)"

# fabrikam: its own app with a certificate and its key in one PEM file.
fabrikam_client_id=3c9d2f6a-58b1-4e0e-9d4f-2a7b8c1d0e51
sim_register_app fabrikam "$fabrikam_client_id" "Holdfast Backup (Fabrikam)" "$backup_permissions"
if [ ! -s "$onboarding_dir/fabrikam.pem" ]; then
    (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -keyout "$onboarding_dir/fabrikam-key.pem" \
        -out "$onboarding_dir/fabrikam-cert.pem" -days 365 -subj "/CN=Holdfast Backup Fabrikam" 2>/dev/null \
        && cat "$onboarding_dir/fabrikam-cert.pem" "$onboarding_dir/fabrikam-key.pem" >"$onboarding_dir/fabrikam.pem")
fi
python3 -c 'import json,sys; print(json.dumps({"pem": open(sys.argv[1]).read(), "displayName": "demo certificate"}))' \
    "$onboarding_dir/fabrikam-cert.pem" \
    | curl -fsS -X POST "$sim/applications/$fabrikam_client_id/certificates" -H 'Content-Type: application/json' -d @- >/dev/null \
    || die "graph-sim refused the certificate for fabrikam's app"
onboard fabrikam fabrikam.onmicrosoft.com "Fabrikam" --client-id "$fabrikam_client_id" --certificate "$onboarding_dir/fabrikam.pem"

# northwind: its own app without UserAuthenticationMethod.Read.All, and a client secret.
northwind_client_id=8e1f4b7c-0a2d-4c63-b5e9-7d6a3f2c1b94
sim_register_app northwind "$northwind_client_id" "Holdfast Backup (Northwind)" "$without_auth_methods"
(umask 077 && curl -fsS -X POST "$sim/applications/$northwind_client_id/secrets" -H 'Content-Type: application/json' \
    -d '{"displayName": "demo", "validForDays": 90}' | json_field '["value"]' >"$onboarding_dir/northwind-secret") \
    || die "graph-sim gave no secret for northwind's app"
onboard northwind "$(sim_tenant_id northwind)" "Northwind Traders" --client-id "$northwind_client_id" \
    --client-secret-file "$onboarding_dir/northwind-secret" --secret-expires "$(date -u -d '+90 days' +%F)"
grep -q "MISSING  UserAuthenticationMethod.Read.All" "$logs/onboarding-northwind.txt" \
    || die "northwind's missing permission was not reported"

log "holdfast tenants list"
"$holdfast" tenants list
log "credentials expiring within 120 days"
"$holdfast" tenants list --expiring 120d

# Later parts back up the tenants that can be backed up.
HOLDFAST_DEMO_TENANTS=$("$holdfast" tenants list --status active | tail -n +2 | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')
export HOLDFAST_DEMO_TENANTS
[ "$(wc -w <<<"$HOLDFAST_DEMO_TENANTS")" -ge 2 ] || die "expected contoso and fabrikam to be active (got: $HOLDFAST_DEMO_TENANTS)"
northwind_status=$("$holdfast" tenants list --status onboarding | grep -c "Northwind" || true)
[ "$northwind_status" -eq 1 ] || die "northwind should stay onboarding while a permission is missing"
log "active tenants for the next parts: $HOLDFAST_DEMO_TENANTS"
