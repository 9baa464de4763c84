#!/usr/bin/env python3
"""The throttling floor of a backup: the least time graph-sim's documented limits allow for the
requests it made (docs/performance.md, "Backup"). Reads graph-sim's request log for the tenant
(GET /_sim/tenants/{t}/requests?after=N) between two sequence numbers.

  backup_floor.py --sim URL --tenant NAME --after N --until M [--ru-per-10s 8000]

Prints {"floor_s", "requests", "resource_units", "ca_requests", "throttled"}.
"""
import argparse, json, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--sim", required=True)
parser.add_argument("--tenant", required=True)
parser.add_argument("--after", type=int, required=True)
parser.add_argument("--until", type=int, required=True)
parser.add_argument("--ru-per-10s", type=float, default=8000)  # > 500 users
parser.add_argument("--breakdown", help="also write where the requests went (per endpoint: count, units, "
                    "first and last second after the first request) to this file")
args = parser.parse_args()
with urllib.request.urlopen(f"{args.sim}/_sim/tenants/{args.tenant}/requests?after={args.after}") as response:
    records = [r for r in json.load(response)["records"] if r["sequence"] <= args.until]
served = [r for r in records if r["status"] != 429]
units = sum(r["cost"] for r in served if r["method"] == "GET" and "/oauth2/" not in r["path"])
ca = sum(1 for r in served if "/identity/conditionalAccess/" in r["path"])
# Token buckets start full: the first `capacity` units are free, the rest come at capacity/10 s.
ru_floor = max(0.0, units - args.ru_per_10s) / (args.ru_per_10s / 10)
request_floor = max(0.0, len(served) - 130000) / 13000       # 130,000 requests per 10 s per app
ca_floor = max(0, ca - 1) * 1.0                               # 1 request/s per tenant, no burst
if args.breakdown and records:
    import datetime, re
    def seconds(r):
        return datetime.datetime.fromisoformat(r["receivedAt"].replace("Z", "+00:00")).timestamp()
    start = seconds(records[0])
    rows = {}
    for r in records:
        # One row per endpoint shape: ids and query strings folded.
        shape = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", r["path"].split("?")[0])
        shape = re.sub(r"/delta.*", "/delta", shape)
        row = rows.setdefault((r["method"], shape), [0, 0, 0, None, None])
        row[0] += 1
        row[1] += r["cost"] if r["status"] != 429 else 0
        row[2] += r["status"] == 429
        t = seconds(r) - start
        row[3] = t if row[3] is None else min(row[3], t)
        row[4] = t if row[4] is None else max(row[4], t)
    with open(args.breakdown, "w") as out:
        out.write(f"{'requests':>9} {'units':>7} {'429':>5} {'first_s':>8} {'last_s':>8}  endpoint\n")
        for (method, shape), (n, units_, throttled, first, last) in sorted(rows.items(), key=lambda kv: kv[1][3]):
            out.write(f"{n:>9} {units_:>7} {throttled:>5} {first:>8.1f} {last:>8.1f}  {method} {shape}\n")
print(json.dumps({"floor_s": round(max(ru_floor, request_floor, ca_floor), 1), "requests": len(served),
                  "resource_units": units, "ca_requests": ca,
                  "throttled": sum(1 for r in records if r["status"] == 429)}))
