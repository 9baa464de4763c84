#!/usr/bin/env python3
"""CPU-seconds of the PostgreSQL backends serving one database, for deploy/bench/fleet.

The cluster may be shared with other work, so only backends whose process title names the database
count. Backends come and go, so a sampler records, every --interval seconds, each matching
process's user+system time (the largest seen, kept after it exits) to --state; `total` sums it.
A backend that lives less than one interval is missed (the pools keep theirs open).

    fleet_cpu.py sample --database NAME --state FILE &     # until killed
    fleet_cpu.py total --state FILE                        # seconds so far
"""
import argparse, json, os, signal, sys, time

TICKS = os.sysconf("SC_CLK_TCK")


def backends(database):
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                title = f.read().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # utime and stime are fields 14 and 15 of stat; after the ")" they are the 12th and 13th.
            found[f"{pid}:{fields[19]}"] = (int(fields[11]) + int(fields[12])) / TICKS
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return found


def sample(database, state, interval):
    seen = {}
    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while running:
        for key, seconds in backends(database).items():
            seen[key] = max(seen.get(key, 0), seconds)
        temporary = state + ".tmp"
        with open(temporary, "w") as f:
            json.dump(seen, f)
        os.replace(temporary, state)
        time.sleep(interval)


def total(state):
    try:
        with open(state) as f:
            return round(sum(json.load(f).values()), 2)
    except FileNotFoundError:
        return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["sample", "total"])
    parser.add_argument("--database")
    parser.add_argument("--state", required=True)
    parser.add_argument("--interval", type=float, default=1.0)
    arguments = parser.parse_args()
    if arguments.command == "sample":
        if not arguments.database:
            sys.exit("sample needs --database")
        sample(arguments.database, arguments.state, arguments.interval)
    else:
        print(total(arguments.state))


if __name__ == "__main__":
    main()
