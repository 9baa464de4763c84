# Demo part: diagnostic jobs through the queue, one retried. Sourced by deploy/dev/demo with
# $holdfast, $logs and the running coordinator/workers in scope; fail with `die`.
log "enqueuing 12 diagnostic jobs (one fails once and is retried)"
"$holdfast" jobs enqueue --kind diagnostic --args '{"sleep_ms": 300, "progress_steps": 3}' --count 10 >/dev/null
"$holdfast" jobs enqueue --kind diagnostic --args '{"sleep_ms": 100}' >/dev/null
"$holdfast" jobs enqueue --kind diagnostic --args '{"fail": "retryable", "fail_until_attempt": 2}' --max-attempts 3 >/dev/null

# The failed job is retried after about a second (--retry-base 1).
for _ in $(seq 1 120); do
    pending=$("$holdfast" jobs list --state scheduled,available,running,retryable --limit 1000 | tail -n +2 | wc -l)
    [ "$pending" -eq 0 ] && break
    sleep 0.5
done
"$holdfast" jobs list --limit 20
"$holdfast" jobs workers

[ "$pending" -eq 0 ] || die "diagnostic jobs were left unfinished (logs in $logs)"
