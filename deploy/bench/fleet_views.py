#!/usr/bin/env python3
"""Latency of the API's fleet views, for deploy/bench/fleet: each view's requests are sent one after
another on one keep-alive connection (as a console or a dashboard polling the API would), after a
few warm-up requests; prints one JSON object with p50, p99 and the slowest per view, in ms.

    fleet_views.py --api http://127.0.0.1:8492 --token-file F --requests 200 \
        --view tenants=/v1/tenants?limit=100 --view sla=/v1/sla?limit=100 ...

A view given more than once (same name) alternates between its paths. A slow view stops after
--max-seconds once it has --min-requests (its p99 is then nearly its slowest request; "requests" says
how many were timed).
"""
import argparse, http.client, json, math, sys, time, urllib.parse


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, math.ceil(fraction * len(ordered)) - 1)
    return ordered[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=90,
                        help="stop a view after this long once it has --min-requests (a view that takes seconds per request)")
    parser.add_argument("--min-requests", type=int, default=20)
    parser.add_argument("--view", action="append", required=True, help="NAME=PATH")
    arguments = parser.parse_args()
    token = open(arguments.token_file).read().strip()
    base = urllib.parse.urlsplit(arguments.api)
    views = {}
    for item in arguments.view:
        name, path = item.split("=", 1)
        views.setdefault(name, []).append(path)
    result = {}
    for name, paths in views.items():
        connection = http.client.HTTPConnection(base.hostname, base.port, timeout=120)
        timings = []
        view_started = time.perf_counter()
        warmup = arguments.warmup
        for index in range(arguments.warmup + arguments.requests):
            if index == warmup:
                view_started = time.perf_counter()
            if len(timings) >= arguments.min_requests and time.perf_counter() - view_started > arguments.max_seconds:
                break
            if index < warmup and index >= 2 and time.perf_counter() - view_started > arguments.max_seconds / 10:
                warmup = index
            path = paths[index % len(paths)]
            started = time.perf_counter()
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                sys.exit(f"GET {path}: {response.status} {body[:300]!r}")
            if index >= warmup:
                timings.append(elapsed)
        connection.close()
        result[name] = {"p50_ms": round(percentile(timings, 0.5), 1), "p99_ms": round(percentile(timings, 0.99), 1),
                        "max_ms": round(max(timings), 1), "requests": len(timings), "paths": paths}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
