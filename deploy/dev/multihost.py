"""The multi-host harness shared by deploy/dev/failover-test and deploy/dev/chaos (imported, not run).

A private network of network namespaces -- a switch (a bridge in a namespace of its own) and one
namespace per host, each with its own address and a veth into the switch, so traffic flows only
between these hosts -- and on it, as real processes: PostgreSQL 15 primary and a synchronous
streaming standby (pg1, pg2), graph-sim with a fleet of tenants (sim), two coordinators (co1, co2),
three workers (w1..w3) and the operator's host (ctl). Every Holdfast process reaches PostgreSQL
through one multi-host URL (target_session_attrs=read-write). Also here: the fleet checks every
scenario ends with, and the relay through which each host reaches graph-sim (`multihost.py --relay`).

Environment: HOLDFAST_BIN_DIR (holdfast and graph-sim; default: `swift build --show-bin-path`),
HOLDFAST_PG_BIN (PostgreSQL's server binaries), HOLDFAST_FAILOVER_NET (the first three octets of
the test hosts' /24; default the RFC 2544 benchmarking range, which no real network uses).
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NET = os.environ.get("HOLDFAST_FAILOVER_NET", "198.18.231")
PG_PORT = 5432
SIM_PORT = 8480
METRICS_PORT = 9400
HOSTS = {"pg1": 11, "pg2": 12, "sim": 20, "co1": 31, "co2": 32, "w1": 41, "w2": 42, "w3": 43, "ctl": 50}
LEASE = 6          # worker --lease and coordinator --leader-lease, seconds
POLL = 60          # worker --poll: long, so a job starting at once proves the worker LISTENs
WAKE = 4           # seconds within which a NOTIFY must have started a job on every worker
STARTED = time.monotonic()


def log(message):
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


class CheckFailed(Exception):
    pass


class Checks:
    """Every check run, printed as it happens; the run fails if any failed."""

    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            log(f"  ok    {what}")
        else:
            self.failed.append(what)
            log(f"  FAIL  {what}" + (f": {detail}" if detail else ""))
        return condition

    def require(self, condition, what, detail=""):
        if not self.check(condition, what, detail):
            raise CheckFailed(what)


def run(argv, check=True, capture=True, timeout=120, env=None, input=None):
    result = subprocess.run(argv, capture_output=capture, text=True, timeout=timeout, env=env, input=input)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result.returncode}: {(result.stderr or '').strip()[-2000:]}")
    return result


def ip(*args, check=True):
    return run(["ip", *args], check=check)


def address(host):
    return f"{NET}.{HOSTS[host]}"


class Network:
    """A bridge in a switch namespace and one namespace per host with a veth into it."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.switch = f"{prefix}-sw"
        self.namespaces = []

    def ns(self, host):
        return f"{self.prefix}-{host}"

    def create(self):
        ip("netns", "add", self.switch)
        self.namespaces.append(self.switch)
        ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        ip("-n", self.switch, "link", "set", "br0", "up")
        for host in HOSTS:
            ns = self.ns(host)
            ip("netns", "add", ns)
            self.namespaces.append(ns)
            ip("-n", self.switch, "link", "add", f"v-{host}", "type", "veth", "peer", "name", "eth0", "netns", ns)
            ip("-n", self.switch, "link", "set", f"v-{host}", "master", "br0", "up")
            ip("-n", ns, "link", "set", "lo", "up")
            ip("-n", ns, "addr", "add", f"{address(host)}/24", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
        log(f"network: {len(HOSTS)} hosts on {NET}.0/24 ({', '.join(f'{h} .{n}' for h, n in HOSTS.items())}), "
            f"namespaces {self.prefix}-*")

    def link(self, host, up):
        ip("-n", self.switch, "link", "set", f"v-{host}", "up" if up else "down")

    def exec(self, host):
        return ["ip", "netns", "exec", self.ns(host)]

    def destroy(self):
        for ns in reversed(self.namespaces):
            # Processes still in a namespace are ours (started here): kill them by id.
            pids = ip("netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            ip("netns", "del", ns, check=False)
        self.namespaces = []


class Postgres:
    """One PostgreSQL server on a host, its data directory under the run's directory."""

    def __init__(self, harness, host, data):
        self.harness, self.host, self.data = harness, host, data

    def pg(self, tool, *args, check=True, timeout=120):
        return run([*self.harness.net.exec(self.host), "runuser", "-u", "postgres", "--",
                    os.path.join(self.harness.pg_bin, tool), *args], check=check, timeout=timeout)

    def conf(self, text):
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(text)

    def init_primary(self):
        self.pg("initdb", "-D", self.data, "-U", "holdfast", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
        self.conf(f"""
# holdfast failover-test primary
listen_addresses = '{address(self.host)}'
port = {PG_PORT}
unix_socket_directories = ''
max_connections = 200
shared_buffers = 128MB
fsync = off
wal_level = replica
max_wal_senders = 5
wal_keep_size = 512MB
hot_standby = on
synchronous_standby_names = 'standby'
synchronous_commit = on
log_min_messages = warning
log_line_prefix = '%m [%p] %a@%h '
""")
        with open(os.path.join(self.data, "pg_hba.conf"), "a") as f:
            f.write(f"host all all {NET}.0/24 trust\nhost replication all {NET}.0/24 trust\n")

    def init_standby(self, primary):
        self.pg("pg_basebackup", "-h", address(primary.host), "-p", str(PG_PORT), "-U", "holdfast", "-D", self.data,
                "-X", "stream", "--checkpoint=fast", "--no-sync")
        for leftover in ("postmaster.pid", "server.log", "standby.signal"):
            if os.path.exists(os.path.join(self.data, leftover)):
                os.remove(os.path.join(self.data, leftover))
        self.conf(f"""
# holdfast failover-test standby (a primary once promoted: then it has no synchronous standby)
listen_addresses = '{address(self.host)}'
synchronous_standby_names = ''
primary_conninfo = 'host={address(primary.host)} port={PG_PORT} user=holdfast application_name=standby'
""")
        open(os.path.join(self.data, "standby.signal"), "w").close()
        shutil.chown(os.path.join(self.data, "standby.signal"), "postgres", "postgres")

    def start(self):
        self.pg("pg_ctl", "-D", self.data, "-l", os.path.join(self.data, "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode="fast"):
        self.pg("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def running(self):
        return self.pg("pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def promote(self):
        self.pg("pg_ctl", "-D", self.data, "-w", "promote")


class Harness:
    """The hosts, their processes and the fleet checks. `name` (failover, chaos, ...) names the run's
    namespaces (hf + its first two letters + the process id) and its directory under /var/tmp."""

    def __init__(self, args, name):
        self.args = args
        self.name = name
        self.checks = Checks()
        self.net = Network(f"hf{name[:2]}{os.getpid() % 100000}")
        self.base = tempfile.mkdtemp(prefix=f"holdfast-{name}-", dir="/var/tmp")
        os.chmod(self.base, 0o755)
        self.logs = os.path.join(self.base, "logs")
        os.makedirs(self.logs)
        self.processes = {}   # name -> (host, Popen, argv)
        self.restarts = {}
        self.pg_bin = args.pg_bin
        self.bin_dir = args.bin_dir
        self.holdfast = os.path.join(self.bin_dir, "holdfast")
        self.binaries = {}    # process name -> another holdfast binary for it (deploy/dev/upgrade-test)
        self.migrator = self.holdfast   # the binary whose `holdfast migrate` sets the schema up
        self.servers = {}
        self.tenants = {}     # holdfast tenant id -> name
        self.verified_through = 0
        self.primary = "pg1"
        hosts = ",".join(f"{address(h)}:{PG_PORT}" for h in ("pg1", "pg2"))
        self.database_url = f"postgresql://holdfast@{hosts}/holdfast?target_session_attrs=read-write&connect_timeout=2"
        master_key = os.path.join(self.base, "master-key")
        with open(os.open(master_key, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8",
            "HOLDFAST_DATABASE_URL": self.database_url,
            # Holdfast sends tokens over plain http only to loopback: each host reaches graph-sim
            # through a relay on its own 127.0.0.1 (as through a local TLS-terminating proxy).
            "HOLDFAST_GRAPH_BASE_URL": f"http://127.0.0.1:{SIM_PORT}/v1.0",
            "HOLDFAST_LOGIN_BASE_URL": f"http://127.0.0.1:{SIM_PORT}",
            "HOLDFAST_MASTER_KEY_FILE": master_key,
            "HOLDFAST_LOG_LEVEL": "info",
            # No worker slot held back for restores: the scenarios fault rounds of scheduled backups and want
            # every slot busy with them. An environment variable, not --interactive-slots, so that a worker
            # of an older release (deploy/dev/upgrade-test), which has no such flag, starts too.
            "HOLDFAST_WORKER_INTERACTIVE_SLOTS": "0",
        }

    # MARK: processes

    def env_for(self, binary):
        """The environment a process of `binary` runs with (deploy/dev/upgrade-test gives another release its own)."""
        return self.env

    def spawn(self, name, host, argv):
        path = os.path.join(self.logs, f"{name}.log")
        out = open(path, "a")
        process = subprocess.Popen([*self.net.exec(host), *argv], stdout=out, stderr=subprocess.STDOUT, env=self.env_for(argv[0]),
                                   stdin=subprocess.DEVNULL)
        out.close()
        self.processes[name] = (host, process, argv)
        return process

    def start_coordinator(self, name):
        host = name
        return self.spawn(name, host, [self.binaries.get(name, self.holdfast), "coordinator", "--leader-lease", str(LEASE), "--rescue-interval", "1",
                                       "--schedule-interval", "2", "--metrics-port", str(METRICS_PORT),
                                       "--metrics-host", address(host)])

    def start_worker(self, name):
        return self.spawn(name, name, [self.binaries.get(name, self.holdfast), "worker", "--concurrency", "2", "--lease", str(LEASE),
                                       "--retry-base", "1", "--retry-max", "4", "--poll", str(POLL),
                                       "--shutdown-timeout", "5", "--metrics-port", str(METRICS_PORT),
                                       "--metrics-host", address(name)])

    def restart(self, name):
        self.restarts[name] = self.restarts.get(name, 0) + 1
        (self.start_coordinator if name.startswith("co") else self.start_worker)(name)

    def pid(self, name):
        return self.processes[name][1].pid

    def services(self):
        return [n for n in self.processes if n.startswith(("co", "w"))]

    def stop_all(self):
        for name, (_, process, _) in self.processes.items():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, (_, process, _) in self.processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # MARK: database and CLI, from the operator's host

    def sql(self, query, host=None, timeout=30, database="holdfast"):
        url = self.database_url if host is None else f"postgresql://holdfast@{address(host)}:{PG_PORT}/{database}?connect_timeout=2"
        url = url.replace("connect_timeout=2", "connect_timeout=10")  # the checks' own sessions, on a loaded machine
        for attempt in range(3):
            result = run([*self.net.exec("ctl"), "psql", url, "-v", "ON_ERROR_STOP=1", "-AtqX", "-F", "\t", "-c", query],
                         timeout=timeout, check=False)
            # psql exits 2 when it could not connect (a server starting or busy): try again; 1 or 3 is the query's error.
            if result.returncode != 2 or attempt == 2:
                break
            time.sleep(1)
        if result.returncode != 0:
            raise RuntimeError(f"psql -c {query!r} exited {result.returncode}: {result.stderr.strip()[-1000:]}")
        return [line.split("\t") for line in result.stdout.splitlines() if line != ""]

    def value(self, query, host=None):
        rows = self.sql(query, host)
        return rows[0][0] if rows else None

    def cli(self, *args, check=True, timeout=120):
        return run([*self.net.exec("ctl"), self.holdfast, *args], env=self.env, check=check, timeout=timeout)

    def metrics(self, name):
        result = run([*self.net.exec("ctl"), "curl", "-fsS", "-m", "3", f"http://{address(self.processes[name][0])}:{METRICS_PORT}/metrics"],
                     check=False)
        values = {}
        for line in result.stdout.splitlines():
            if line and not line.startswith("#"):
                key, _, number = line.rpartition(" ")
                try:
                    values[key] = float(number)
                except ValueError:
                    pass
        return values if result.returncode == 0 else None

    def graph_admin(self, method, path, body):
        """graph-sim's admin API (docs/graph-sim.md), from the operator's host through its relay;
        tried three times, as a machine loaded by the run itself can answer slowly."""
        for attempt in range(3):
            result = run([*self.net.exec("ctl"), "curl", "-fsS", "-m", "20", "-X", method, "-H", "Content-Type: application/json",
                          "-d", json.dumps(body), f"http://127.0.0.1:{SIM_PORT}/_sim/{path}"], check=attempt == 2)
            if result.returncode == 0:
                return json.loads(result.stdout or "null")
            time.sleep(1)

    def graph_latency(self, milliseconds, **faults):
        """Every Graph response delayed by `milliseconds`, with the given fault rates (a FaultProfile)."""
        self.graph_admin("PUT", "faults", {"addedLatency": milliseconds / 1000, **faults})

    def wait(self, what, predicate, seconds, interval=0.3):
        deadline = time.monotonic() + seconds
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise CheckFailed(f"timed out after {seconds} s waiting for {what}")
            time.sleep(interval)

    def diagnose_on_timeout(self, what, predicate, seconds, interval=0.3):
        """wait(), and on a timeout show what the server's sessions were doing."""
        try:
            return self.wait(what, predicate, seconds, interval)
        except CheckFailed:
            for row in self.sql("SELECT host(client_addr), application_name, state, wait_event_type, wait_event, "
                                "pg_blocking_pids(pid), now() - xact_start, left(regexp_replace(query, '\\s+', ' ', 'g'), 120) "
                                "FROM pg_stat_activity WHERE client_addr IS NOT NULL AND state <> 'idle' AND pid <> pg_backend_pid()"):
                log(f"  session: {' | '.join(row)}")
            raise

    # MARK: set-up

    def setup(self):
        self.net.create()
        for name in ("pg1", "pg2"):
            data = os.path.join(self.base, name)
            os.makedirs(data, mode=0o700)
            shutil.chown(data, "postgres", "postgres")
            self.servers[name] = Postgres(self, name, data)
        pg1, pg2 = self.servers["pg1"], self.servers["pg2"]
        pg1.init_primary()
        pg1.start()
        pg2.init_standby(pg1)
        pg2.start()
        self.wait("the standby to stream synchronously", lambda: self.sql(
            "SELECT 1 FROM pg_stat_replication WHERE application_name = 'standby' AND sync_state = 'sync'", host="pg1", database="postgres"), 30)
        run([*self.net.exec("ctl"), "psql", f"postgresql://holdfast@{address('pg1')}:{PG_PORT}/postgres", "-qc",
             "CREATE DATABASE holdfast"])
        log(f"postgres: primary pg1 ({address('pg1')}), synchronous standby pg2 ({address('pg2')}) streaming")
        run([*self.net.exec("ctl"), self.migrator, "migrate"], env=self.env_for(self.migrator))
        log(f"migrated; every process uses {self.database_url}")

        seed = {
            "tenants": [{"name": f"fleet{i:02d}", "profile": self.args.profile, "seed": 100 + i, "displayName": f"Fleet {i:02d}"}
                        for i in range(1, self.args.tenants + 1)],
            "applications": [{
                "tenant": "fleet01", "displayName": "Holdfast Backup", "clientId": "6f0b5c1e-3d3a-4c55-9a2e-8b1f0d7c4e21",
                "secret": True, "secretValidDays": 180,
                "consentIn": [f"fleet{i:02d}" for i in range(2, self.args.tenants + 1)],
                "permissions": json.load(open(os.path.join(ROOT, "deploy/dev/graph-sim-seed.json")))["applications"][0]["permissions"],
            }],
        }
        seed_file = os.path.join(self.base, "graph-sim-seed.json")
        json.dump(seed, open(seed_file, "w"))
        credentials = os.path.join(self.base, "graph-sim-credentials.json")
        self.spawn("graph-sim", "sim", [os.path.join(self.bin_dir, "graph-sim"), "--host", address("sim"), "--port", str(SIM_PORT),
                                        "--seed-config", seed_file, "--credentials-file", credentials,
                                        "--latency-ms", str(self.args.latency_ms)])
        self.wait("graph-sim", lambda: run([*self.net.exec("ctl"), "curl", "-fsS", "-m", "2",
                                            f"http://{address('sim')}:{SIM_PORT}/_sim/health"], check=False).returncode == 0, 60)
        log(f"graph-sim on {address('sim')}:{SIM_PORT}: {self.args.tenants} tenants ({self.args.profile}), "
            f"{self.args.latency_ms} ms added to every Graph response")

        for host in ("co1", "co2", "w1", "w2", "w3", "ctl"):
            self.spawn(f"relay-{host}", host, [sys.executable, os.path.abspath(__file__), "--relay",
                                                f"127.0.0.1:{SIM_PORT}", f"{address('sim')}:{SIM_PORT}"])
        app = json.load(open(credentials))["applications"][0]
        secret_file = os.path.join(self.base, "client-secret")
        with open(os.open(secret_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(app["clientSecret"])
        self.onboard(app["clientId"], secret_file)

        for name in ("co1", "co2"):
            self.start_coordinator(name)
        for name in ("w1", "w2", "w3"):
            self.start_worker(name)
        self.wait("three workers registered", lambda: self.value("SELECT count(*) FROM workers WHERE stopped_at IS NULL") == "3", 60)
        self.wait("a leader", lambda: self.value("SELECT count(*) FROM leader_leases WHERE expires_at > now()") == "1", 60)
        log("coordinators co1, co2 and workers w1, w2, w3 running (worker --concurrency 2 --lease 6, coordinator --leader-lease 6); "
            "the leader schedules every tenant's first backup at once")

    def onboard(self, client_id, secret_file):
        """Adds the fleet (all at once) before any coordinator runs, so their first backups start together."""
        expires = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 180 * 86400))
        adds = []
        for i in range(1, self.args.tenants + 1):
            name = f"fleet{i:02d}"
            adds.append(subprocess.Popen(
                [*self.net.exec("ctl"), self.holdfast, "tenants", "add", f"{name}.onmicrosoft.com", "--name", name,
                 "--partner", "Failover MSP", "--actor", "failover-test", "--app", "shared", "--client-id", client_id,
                 "--client-secret-file", secret_file, "--secret-expires", expires],
                stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.logs, f"tenants-add-{name}.log"), "w"), env=self.env))
        failed = [i + 1 for i, add in enumerate(adds) if add.wait(timeout=180) != 0]
        for tenant_id, name in self.sql("SELECT id, display_name FROM tenants WHERE status = 'active'"):
            self.tenants[tenant_id] = name
        log(f"onboarded {len(self.tenants)} tenants with `holdfast tenants add` (the shared app)")
        self.checks.require(not failed and len(self.tenants) == self.args.tenants, f"all {self.args.tenants} tenants active",
                            f"tenants add failed for fleet {failed}")

    # MARK: what every scenario checks

    def running_backups(self):
        return self.sql("SELECT j.id, j.tenant_id, j.attempt, j.attempt_id, w.pid, extract(epoch FROM now() - j.attempted_at) "
                        "FROM jobs j JOIN workers w ON w.id = j.worker_id WHERE j.kind = 'backup' AND j.state = 'running'")

    def worker_name(self, pid):
        for name, (_, process, _) in self.processes.items():
            if process.pid == int(pid):
                return name
        return f"pid {pid}"

    def start_round(self, full=True):
        """A backup of every tenant; returns the job ids and the time the round started."""
        started = self.value("SELECT now()")
        jobs = []
        for tenant_id in self.tenants:
            output = self.cli("backup", "run", tenant_id, *(["--full"] if full else [])).stdout
            match = re.search(r"\b(?:job|Job)\D*(\d+)", output)
            jobs.append(match.group(1) if match else None)
        ids = [row[0] for row in self.sql(f"SELECT id FROM jobs WHERE kind = 'backup' AND created_at >= '{started}'")]
        return ids, started

    def wait_round(self, jobs, seconds):
        ids = ",".join(jobs)

        def finished():
            rows = self.sql(f"SELECT state, count(*) FROM jobs WHERE id IN ({ids}) GROUP BY state")
            states = {state: int(count) for state, count in rows}
            if states.get("discarded") or states.get("cancelled"):
                raise CheckFailed(f"backup jobs ended badly: {states}")
            return states.get("completed", 0) == len(jobs)
        self.wait(f"the {len(jobs)} backups of the round to complete", finished, seconds, interval=1)

    def check_processes(self):
        c = self.checks
        dead = [n for n in self.processes if self.processes[n][1].poll() is not None]
        c.check(not dead, "every coordinator, worker, graph-sim and relay process is alive", f"exited: {dead}")

    def check_connected(self, since):
        """Every process has sessions on the current primary; every worker LISTENs there."""
        c = self.checks
        sessions = self.sql("SELECT host(client_addr), application_name FROM pg_stat_activity WHERE client_addr IS NOT NULL")
        by_host = {}
        for host, app in sessions:
            by_host.setdefault(host, set()).add(app)
        for name in ("co1", "co2"):
            c.check("holdfast-coordinator" in by_host.get(address(name), set()),
                    f"{name} has a session on the primary", f"sessions: {by_host.get(address(name))}")
        for name in ("w1", "w2", "w3"):
            apps = by_host.get(address(name), set())
            c.check({"holdfast-worker", "holdfast-worker-heartbeat", "holdfast-worker-listen"} <= apps,
                    f"{name} has pool, heartbeat and LISTEN sessions on the primary", f"sessions: {apps}")
            metrics = self.metrics(name) or {}
            c.check(metrics.get("holdfast_listener_connected") == 1, f"{name} reports holdfast_listener_connected 1",
                    f"got {metrics.get('holdfast_listener_connected')}")
        # A NOTIFY must start jobs at once: --poll is long, so only a LISTENing worker claims within
        # a few seconds. Twelve jobs of 2 s for six free slots (a claim locks twice its free slots):
        # every worker must start some within WAKE seconds of the enqueue.
        self.wait("idle workers", lambda: self.value("SELECT count(*) FROM jobs WHERE state = 'running'") == "0", 60)
        enqueued = self.value("SELECT now()")
        self.cli("jobs", "enqueue", "--kind", "diagnostic", "--args", '{"sleep_ms": 2000}', "--count", "12")
        time.sleep(WAKE)
        rows = self.sql(f"SELECT w.pid, min(extract(epoch FROM e.at - j.created_at)) FROM jobs j "
                        f"JOIN job_events e ON e.job_id = j.id AND e.state = 'running' JOIN workers w ON w.id = e.worker_id "
                        f"WHERE j.kind = 'diagnostic' AND j.created_at >= '{enqueued}' GROUP BY w.pid")
        first = {self.worker_name(pid): float(delay) for pid, delay in rows}
        woken = sorted(n for n, delay in first.items() if delay < WAKE)
        c.check(woken == ["w1", "w2", "w3"],
                f"a NOTIFY woke every worker: each started a job within {max(first.values(), default=0):.1f} s (--poll is {POLL} s)",
                f"first claim after the enqueue by worker: {first}")
        self.wait("the diagnostic jobs", lambda: self.value(
            f"SELECT count(*) FROM jobs WHERE kind = 'diagnostic' AND state = 'completed' AND created_at >= '{enqueued}'") == "12", 60)
        leaders = self.sql("SELECT holder_pid, elected_at, expires_at > now(), "
                           f"renewed_at > {'now()' if since is None else repr(since)}::timestamptz FROM leader_leases")
        leading = [n for n in ("co1", "co2") if (self.metrics(n) or {}).get("holdfast_coordinator_leader") == 1]
        c.check(len(leaders) == 1 and leaders[0][2] == "t" and leaders[0][3] == "t" and len(leading) == 1
                and self.worker_name(leaders[0][0]) == leading[0],
                f"one leader: {leading[0] if leading else None} holds a live lease renewed since the fault "
                f"(elected {leaders[0][1] if leaders else '-'}), the other follows",
                f"leases {leaders}, coordinators reporting leader: {leading}")

    def check_history(self, jobs, label):
        """From the job history: each job completed once, no two backups of a tenant at once."""
        c = self.checks
        ids = ",".join(jobs)
        twice = self.sql(f"SELECT job_id, count(*) FROM job_events WHERE job_id IN ({ids}) AND state = 'completed' "
                         f"GROUP BY job_id HAVING count(*) <> 1")
        completed = self.value(f"SELECT count(*) FROM jobs WHERE id IN ({ids}) AND state = 'completed'")
        c.check(not twice and completed == str(len(jobs)),
                f"{label}: all {len(jobs)} backup jobs completed, each exactly once in the history", f"{completed} completed; {twice}")
        snapshots = self.sql(f"SELECT j.id, count(s.id) FROM jobs j LEFT JOIN snapshots s ON s.job_id = j.id "
                             f"WHERE j.id IN ({ids}) GROUP BY j.id HAVING count(s.id) <> 1")
        c.check(not snapshots, f"{label}: each completed backup committed exactly one snapshot", f"{snapshots}")
        overlaps = self.sql("""
            WITH events AS (
                SELECT job_id, tenant_id, state, at, lead(at) OVER (PARTITION BY job_id ORDER BY id) AS ended
                FROM job_events WHERE kind IN ('backup', 'restore')),
            runs AS (SELECT job_id, tenant_id, at AS started, coalesce(ended, 'infinity') AS ended FROM events WHERE state = 'running')
            SELECT a.job_id, b.job_id, a.tenant_id FROM runs a JOIN runs b
              ON a.tenant_id = b.tenant_id AND a.job_id < b.job_id AND a.started < b.ended AND b.started < a.ended""")
        runs = self.value("SELECT count(*) FROM job_events WHERE kind IN ('backup', 'restore') AND state = 'running'")
        c.check(not overlaps, f"{label}: no two backups or restores of a tenant ran at once ({runs} runs in the history)", f"{overlaps}")

    def check_snapshots(self, label):
        """Every snapshot committed since the last such check verifies (three `holdfast` at a time)."""
        c = self.checks
        rows = self.sql(f"SELECT tenant_id, id FROM snapshots WHERE id > {self.verified_through} ORDER BY id")
        bad = self.verify_snapshots(rows)
        if rows:
            self.verified_through = max(int(r[1]) for r in rows)
        c.check(rows and not bad, f"{label}: every snapshot committed since the last check verifies ({len(rows)} with "
                                  f"`holdfast snapshots show --id N --verify`)", "; ".join(bad) or "none committed")

    def verify_snapshots(self, rows):
        """`holdfast snapshots show --verify` for each (tenant id, snapshot id), three at a time; the failures."""
        bad = []
        pending = list(rows)
        while pending:
            batch, pending = pending[:3], pending[3:]
            runs = [(snapshot, subprocess.Popen([*self.net.exec("ctl"), self.holdfast, "snapshots", "show", tenant_id, "--id", snapshot,
                                                 "--verify"], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
                    for tenant_id, snapshot in batch]
            for snapshot, process in runs:
                output, _ = process.communicate(timeout=120)
                if process.returncode != 0:
                    bad.append(f"{snapshot}: {output.strip()[-300:]}")
        return bad

    def check_whole(self, interrupted, label):
        """Each interrupted backup's snapshot equals a fresh full backup of its tenant (root hash)."""
        c = self.checks
        if not interrupted:
            c.check(False, f"{label}: at least one backup was interrupted", "none was running at the fault")
            return
        retried = self.sql(f"SELECT j.id, j.attempt, s.id, encode(s.root_hash, 'hex'), s.object_count, j.tenant_id FROM jobs j "
                           f"JOIN snapshots s ON s.job_id = j.id WHERE j.id IN ({','.join(interrupted)})")
        errors = sorted({r[0][:90] for r in self.sql(
            f"SELECT replace(e->>'error', E'\\n', ' ') FROM jobs, jsonb_array_elements(errors) e WHERE id IN ({','.join(interrupted)})")})
        log(f"  the interrupted attempts ended with: {errors or 'no error recorded (handed back or rescued)'}")
        c.check(len(retried) == len(interrupted),
                f"{label}: the {len(interrupted)} interrupted backups (attempts {', '.join(sorted(r[1] for r in retried))}) "
                f"each committed one snapshot", f"{retried}")
        fresh_jobs = []
        for row in retried:
            self.cli("backup", "run", row[5], "--full")
        fresh_jobs = [r[0] for r in self.sql(
            f"SELECT max(id) FROM jobs WHERE kind = 'backup' AND tenant_id IN ({','.join(repr(r[5]) for r in retried)}) GROUP BY tenant_id")]
        self.wait_round(fresh_jobs, 240)
        mismatched = []
        for job, attempt, snapshot, root, count, tenant_id in retried:
            fresh = self.sql(f"SELECT encode(root_hash, 'hex'), object_count FROM snapshots WHERE tenant_id = '{tenant_id}' ORDER BY id DESC LIMIT 1")[0]
            if fresh != [root, count]:
                mismatched.append(f"job {job}: snapshot {snapshot} {count} objects {root[:12]} vs fresh {fresh[1]} {fresh[0][:12]}")
        c.check(not mismatched, f"{label}: each interrupted backup's snapshot is whole (same root hash and object count "
                                f"as a fresh full backup of its tenant)", "; ".join(mismatched))

    # MARK: waiting for backups

    def wait_for_running(self, count, min_seconds):
        """Waits until at least `count` backups have been running for `min_seconds`; returns every running backup
        (a younger one is interrupted by the fault too)."""
        return self.wait(f"{count} backups running for {min_seconds} s", lambda: (
            lambda rows: rows if sum(1 for r in rows if float(r[5]) >= min_seconds) >= count else None)(self.running_backups()), 90, 0.2)

    # MARK: tear-down

    def cleanup(self, keep_logs):
        for name, (_, process, _) in self.processes.items():
            if process.poll() is None:
                process.kill()
                process.wait()
        for server in self.servers.values():
            if os.path.exists(os.path.join(server.data, "postmaster.pid")):
                server.stop("immediate")
        self.net.destroy()
        if keep_logs:
            for server in self.servers.values():
                log_file = os.path.join(server.data, "server.log")
                if os.path.exists(log_file):
                    shutil.copy(log_file, os.path.join(self.logs, f"{server.host}-server.log"))
            for name in self.servers:
                shutil.rmtree(os.path.join(self.base, name), ignore_errors=True)
            log(f"logs kept in {self.logs}")
        else:
            shutil.rmtree(self.base, ignore_errors=True)


def relay(listen, target):
    """`--relay LISTEN TARGET`: forwards TCP connections from LISTEN (host:port) to TARGET."""
    import socket
    import threading

    def split(text):
        host, _, port = text.rpartition(":")
        return host, int(port)

    def pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def serve(client):
        try:
            upstream = socket.create_connection(split(target), timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
        back.start()
        pipe(client, upstream)
        back.join()
        client.close()
        upstream.close()

    server = socket.create_server(split(listen))
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client,), daemon=True).start()


def add_arguments(parser):
    """The options every multi-host run takes: the fleet and where the binaries are."""
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--profile", default="small", help="graph-sim profile of each tenant")
    parser.add_argument("--latency-ms", type=int, default=40, help="added to every Graph response, so backups last seconds")
    parser.add_argument("--bin-dir", default=os.environ.get("HOLDFAST_BIN_DIR"))
    parser.add_argument("--pg-bin", default=os.environ.get("HOLDFAST_PG_BIN"))


def prepare(args, program):
    """Finds the binaries; None when the run can go ahead, else the exit status (2) after saying why."""
    if os.geteuid() != 0 or not shutil.which("ip"):
        print(f"{program}: needs root and `ip netns`", file=sys.stderr)
        return 2
    if not args.bin_dir:
        args.bin_dir = run(["swift", "build", "--show-bin-path"], timeout=300).stdout.strip()
    if not args.pg_bin:
        candidates = sorted(d for d in (os.path.join("/usr/lib/postgresql", v, "bin") for v in os.listdir("/usr/lib/postgresql"))
                            if os.path.exists(os.path.join(d, "pg_basebackup")))
        if not candidates:
            print(f"{program}: PostgreSQL's server binaries not found (HOLDFAST_PG_BIN)", file=sys.stderr)
            return 2
        args.pg_bin = candidates[-1]
    for binary in ("holdfast", "graph-sim"):
        if not os.access(os.path.join(args.bin_dir, binary), os.X_OK):
            print(f"{program}: {binary} not built in {args.bin_dir} (swift build --product {binary})", file=sys.stderr)
            return 2
    return None


def execute(harness, body):
    """Sets up the hosts, runs `body()`, and always tears everything down (logs kept on failure).
    Returns True when every check passed."""
    failed = True
    previous = {sig: signal.signal(sig, lambda *_: sys.exit(130)) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        harness.setup()
        body()
        failed = bool(harness.checks.failed)
    except CheckFailed as error:
        harness.checks.failed.append(str(error))
        log(f"  FAIL  {error}")
    except Exception as error:  # the run is a test: report and clean up whatever broke
        harness.checks.failed.append(f"{type(error).__name__}: {error}")
        log(f"error: {type(error).__name__}: {error}")
    finally:
        harness.stop_all()
        harness.cleanup(keep_logs=failed)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return not failed


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--relay":
        relay(sys.argv[2], sys.argv[3])
    else:
        print("multihost.py is imported by deploy/dev/failover-test and deploy/dev/chaos; "
              "run as `multihost.py --relay LISTEN TARGET` it forwards TCP", file=sys.stderr)
        sys.exit(2)
