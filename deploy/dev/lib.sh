# Shared by deploy/dev/demo and deploy/dev/test. Source it; do not run it.
#
# Gives every script: the repo root, the packages Holdfast needs (installed with apt-get when
# missing), and a private PostgreSQL cluster under .dev/ (git-ignored) on its own port, started
# with initdb + pg_ctl and never as a system service.

set -euo pipefail

HOLDFAST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HOLDFAST_DEV_DIR=${HOLDFAST_DEV_DIR:-$HOLDFAST_ROOT/.dev}
HOLDFAST_DEV_PGPORT=${HOLDFAST_DEV_PGPORT:-55432}
HOLDFAST_DEV_PGDATA=""   # set by holdfast_cluster_start

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the build, the tests and the demo need.
HOLDFAST_PACKAGES=(libpq-dev libcurl4-openssl-dev libssl-dev libzstd-dev zlib1g-dev postgresql openssl curl python3 ca-certificates)

# What deploy/dev/validate-deploy checks the deployment artifacts with: promtool (Debian's
# prometheus package; its service is kept from starting by policy-rc.d below) and systemd-analyze.
HOLDFAST_DEPLOY_PACKAGES=(prometheus systemd)

# What deploy/dev/failover-test needs beyond the build's packages: `ip netns` and veth pairs.
HOLDFAST_FAILOVER_PACKAGES=(iproute2)

# What deploy/dev/console-browser drives the console with: Debian's browser and its matching driver
# (selenium comes from PyPI into a virtual environment).
HOLDFAST_BROWSER_PACKAGES=(chromium chromium-driver python3-venv)

# holdfast_ensure_packages [PACKAGE...]: installs the given Debian packages (default: the build's).
holdfast_ensure_packages() {
    local wanted=("$@")
    [ ${#wanted[@]} -gt 0 ] || wanted=("${HOLDFAST_PACKAGES[@]}")
    local missing=()
    for package in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing missing packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing packages (${missing[*]}) and not root; install them with apt-get"
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # postgresql's postinst may try to start a system cluster; policy-rc.d keeps it from doing so.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ] && [ "$(id -u)" -eq 0 ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    [ "$created_policy" -eq 1 ] && rm -f "$policy"
    return 0
}

holdfast_ensure_swift() {
    command -v swift >/dev/null && return 0
    [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH" && return 0
    die "swift is not on PATH (expected the Swift 6 toolchain, e.g. /opt/swift/usr/bin)"
}

holdfast_pg_bin() {
    local dir
    if command -v pg_config >/dev/null; then
        dir=$(pg_config --bindir)
        # `return 0`, not `return`: called from an EXIT trap, a bare return would return the
        # status of the command that triggered the trap.
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] || die "PostgreSQL server binaries not found (is the postgresql package installed?)"
    echo "$dir"
}

# PostgreSQL refuses to run as root: when we are root, run its tools as the postgres user.
holdfast_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Where the cluster's files live: .dev/pg, unless the postgres user cannot reach the checkout
# (a home directory without o+x, say); then a per-checkout directory under /var/tmp.
holdfast_pgdata_dir() {
    local dir=$HOLDFAST_DEV_DIR/pg
    if [ "$(id -u)" -eq 0 ]; then
        mkdir -p "$HOLDFAST_DEV_DIR"
        if ! runuser -u postgres -- test -x "$HOLDFAST_DEV_DIR"; then
            dir=/var/tmp/holdfast-dev-$(printf '%s' "$HOLDFAST_ROOT" | md5sum | cut -c1-12)/pg
        fi
    fi
    echo "$dir"
}

HOLDFAST_CLUSTER_STARTED_HERE=0

holdfast_cluster_start() {
    local bin; bin=$(holdfast_pg_bin)
    HOLDFAST_DEV_PGDATA=$(holdfast_pgdata_dir)
    local data=$HOLDFAST_DEV_PGDATA
    mkdir -p "$(dirname "$data")"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$(dirname "$data")"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
        log "creating private PostgreSQL cluster in $data (port $HOLDFAST_DEV_PGPORT)"
        rm -rf "$data"
        holdfast_as_pg "$bin/initdb" -D "$data" -U holdfast --auth=trust -E UTF8 --no-sync --no-instructions >/dev/null
        holdfast_as_pg tee -a "$data/postgresql.conf" >/dev/null <<CONF

# Holdfast private development cluster
listen_addresses = '127.0.0.1'
port = $HOLDFAST_DEV_PGPORT
unix_socket_directories = ''
max_connections = 400
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
    fi
    if holdfast_as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        log "private PostgreSQL already running (port $HOLDFAST_DEV_PGPORT)"
    else
        # A crash can leave postmaster.pid behind; pg_ctl status said no server runs, so it is stale.
        rm -f "$data/postmaster.pid"
        log "starting private PostgreSQL on 127.0.0.1:$HOLDFAST_DEV_PGPORT"
        holdfast_as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null \
            || { tail -n 20 "$data/server.log" >&2 || true; die "PostgreSQL did not start (log: $data/server.log)"; }
        HOLDFAST_CLUSTER_STARTED_HERE=1
    fi
    local admin_url="postgresql://holdfast@127.0.0.1:$HOLDFAST_DEV_PGPORT/postgres"
    for database in holdfast holdfast_test; do
        if ! psql "$admin_url" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
            psql "$admin_url" -qc "CREATE DATABASE $database" >/dev/null
        fi
    done
    export HOLDFAST_DATABASE_URL="postgresql://holdfast@127.0.0.1:$HOLDFAST_DEV_PGPORT/holdfast"
    export HOLDFAST_TEST_DATABASE_URL="postgresql://holdfast@127.0.0.1:$HOLDFAST_DEV_PGPORT/holdfast_test"
    export HOLDFAST_PG_BIN=$bin
}

holdfast_cluster_stop() {
    set +e  # runs from an EXIT trap: stop the cluster whatever failed before
    local bin; bin=$(holdfast_pg_bin)
    [ -n "$HOLDFAST_DEV_PGDATA" ] || HOLDFAST_DEV_PGDATA=$(holdfast_pgdata_dir)
    if holdfast_as_pg "$bin/pg_ctl" -D "$HOLDFAST_DEV_PGDATA" status >/dev/null 2>&1; then
        log "stopping private PostgreSQL"
        holdfast_as_pg "$bin/pg_ctl" -D "$HOLDFAST_DEV_PGDATA" -m fast -w stop >/dev/null || true
    fi
}

# swift build with its progress lines folded away; the full log is kept in .build/holdfast-build.log.
holdfast_swift_build() {
    # The log lives in the checkout's own .build/, so checkouts that share a cluster through
    # HOLDFAST_DEV_DIR (git worktrees) do not write over each other's build logs.
    mkdir -p "$HOLDFAST_ROOT/.build"
    local build_log=$HOLDFAST_ROOT/.build/holdfast-build.log
    if ! swift build "$@" >"$build_log" 2>&1; then
        grep -E 'error:|warning: unre' "$build_log" | head -50 >&2 || true
        tail -n 30 "$build_log" >&2
        die "swift build $* failed (full log: $build_log)"
    fi
    grep -E '^(Build complete|warning: .*(deprecated|unused))' "$build_log" | tail -n 3 >&2 || true
}

# graph-sim, the Microsoft Graph and token endpoint simulator, on its own port, seeded from
# deploy/dev/graph-sim-seed.json, its state and app credentials kept under .dev/.
HOLDFAST_DEV_GRAPH_SIM_PORT=${HOLDFAST_DEV_GRAPH_SIM_PORT:-8480}

holdfast_graph_sim_running() {
    local pid_file=$HOLDFAST_DEV_DIR/graph-sim.pid
    [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

holdfast_graph_sim_start() {
    mkdir -p "$HOLDFAST_DEV_DIR"
    export HOLDFAST_GRAPH_BASE_URL="http://127.0.0.1:$HOLDFAST_DEV_GRAPH_SIM_PORT/v1.0"
    export HOLDFAST_LOGIN_BASE_URL="http://127.0.0.1:$HOLDFAST_DEV_GRAPH_SIM_PORT"
    if holdfast_graph_sim_running; then
        log "graph-sim already running on port $HOLDFAST_DEV_GRAPH_SIM_PORT"
        return 0
    fi
    holdfast_swift_build --product graph-sim
    local binary; binary=$(swift build --show-bin-path)/graph-sim
    log "starting graph-sim on port $HOLDFAST_DEV_GRAPH_SIM_PORT (log: $HOLDFAST_DEV_DIR/graph-sim.log)"
    "$binary" --port "$HOLDFAST_DEV_GRAPH_SIM_PORT" \
        --seed-config "$HOLDFAST_ROOT/deploy/dev/graph-sim-seed.json" \
        --state-file "$HOLDFAST_DEV_DIR/graph-sim-state.json" \
        --credentials-file "$HOLDFAST_DEV_DIR/graph-sim-credentials.json" \
        >"$HOLDFAST_DEV_DIR/graph-sim.log" 2>&1 &
    echo $! >"$HOLDFAST_DEV_DIR/graph-sim.pid"
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$HOLDFAST_DEV_GRAPH_SIM_PORT/_sim/health" >/dev/null 2>&1 && return 0
        holdfast_graph_sim_running || die "graph-sim exited (see $HOLDFAST_DEV_DIR/graph-sim.log)"
        sleep 0.5
    done
    die "graph-sim did not answer on port $HOLDFAST_DEV_GRAPH_SIM_PORT (see $HOLDFAST_DEV_DIR/graph-sim.log)"
}

holdfast_graph_sim_stop() {
    holdfast_graph_sim_running || return 0
    log "stopping graph-sim (its state is saved to $HOLDFAST_DEV_DIR/graph-sim-state.json)"
    local pid; pid=$(cat "$HOLDFAST_DEV_DIR/graph-sim.pid")
    kill "$pid"
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    rm -f "$HOLDFAST_DEV_DIR/graph-sim.pid"
}

# Dev master key (tenant onboarding): tenant credentials are sealed under per-tenant data keys that
# this key wraps. Generated once under .dev/ (mode 600) and exported as the variable the worker and
# `holdfast tenants` read, unless a key is already configured. A real deployment keeps it outside
# the checkout and outside the database (docs/security.md).
holdfast_dev_master_key() {
    if [ -n "${HOLDFAST_MASTER_KEY_FILE:-}" ] || [ -n "${HOLDFAST_MASTER_KEY:-}" ]; then return 0; fi
    local file=$HOLDFAST_DEV_DIR/master-key
    if [ ! -s "$file" ]; then
        mkdir -p "$HOLDFAST_DEV_DIR"
        (umask 077 && head -c 32 /dev/urandom | base64 >"$file")
    fi
    export HOLDFAST_MASTER_KEY_FILE=$file
}
holdfast_dev_master_key

# moto, a local S3-compatible server (with Object Lock) for the S3 blob store's tests, on its own
# port; pip-installed when missing. Exports HOLDFAST_TEST_S3_URL, which the tests read.
HOLDFAST_DEV_S3_PORT=${HOLDFAST_DEV_S3_PORT:-54590}
HOLDFAST_MOTO_STARTED_HERE=0

holdfast_moto_running() {
    local pid_file=$HOLDFAST_DEV_DIR/moto.pid
    [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

holdfast_moto_start() {
    mkdir -p "$HOLDFAST_DEV_DIR"
    export HOLDFAST_TEST_S3_URL="http://127.0.0.1:$HOLDFAST_DEV_S3_PORT"
    if holdfast_moto_running; then
        log "moto already running on port $HOLDFAST_DEV_S3_PORT"
        return 0
    fi
    rm -f "$HOLDFAST_DEV_DIR/moto.pid"  # stale: its process is gone
    if ! command -v moto_server >/dev/null; then
        log "installing moto (pip install 'moto[server]')"
        python3 -m pip install --quiet 'moto[server]' >&2 || die "could not pip install 'moto[server]' (needed by the S3 tests)"
        hash -r
        command -v moto_server >/dev/null || die "moto_server is not on PATH after pip install (is pip's bin directory on PATH?)"
    fi
    log "starting moto (S3) on port $HOLDFAST_DEV_S3_PORT (log: $HOLDFAST_DEV_DIR/moto.log)"
    # setsid: its own process group, so stopping it also stops a pyenv shim's child.
    setsid moto_server -H 127.0.0.1 -p "$HOLDFAST_DEV_S3_PORT" >"$HOLDFAST_DEV_DIR/moto.log" 2>&1 &
    echo $! >"$HOLDFAST_DEV_DIR/moto.pid"
    HOLDFAST_MOTO_STARTED_HERE=1
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$HOLDFAST_TEST_S3_URL/" 2>/dev/null && return 0
        holdfast_moto_running || die "moto exited (see $HOLDFAST_DEV_DIR/moto.log)"
        sleep 0.5
    done
    die "moto did not answer on port $HOLDFAST_DEV_S3_PORT (see $HOLDFAST_DEV_DIR/moto.log)"
}

holdfast_moto_stop() {
    holdfast_moto_running || return 0  # (from an EXIT trap too: status 0 either way)
    log "stopping moto"
    local pid; pid=$(cat "$HOLDFAST_DEV_DIR/moto.pid")
    # moto_server ignores SIGTERM and SIGINT while serving; it keeps nothing worth flushing.
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    rm -f "$HOLDFAST_DEV_DIR/moto.pid"
}
