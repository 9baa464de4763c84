#!/usr/bin/env python3
"""metrics.py SOURCES_DIR PROMETHEUS_DIR GRAFANA_DIR: the alert rules and dashboards use only
metrics Holdfast exports.

Exported: every "holdfast_..." string literal in the Swift sources (the labels given to
swift-metrics' Counter, Gauge, Timer and Recorder; a Timer or aggregating Recorder is a
histogram, read as NAME_bucket, NAME_sum and NAME_count). Every dashboard must parse as JSON and
have panels; every holdfast_* name in a rule file or dashboard must be exported. Prints a summary."""
import json
import pathlib
import re
import sys

NAME = re.compile(r"\bholdfast_[a-z0-9_]+\b")


def main(sources, prometheus, grafana):
    exported = set()
    for path in pathlib.Path(sources).rglob("*.swift"):
        exported |= set(re.findall(r'"(holdfast_[a-z0-9_]+)"', path.read_text()))
    problems, used = [], set()
    texts = [(p, p.read_text()) for p in sorted(pathlib.Path(prometheus).rglob("*.yml"))]
    dashboards = sorted(pathlib.Path(grafana).glob("*.json"))
    if not dashboards:
        problems.append(f"no dashboard in {grafana}")
    for path in dashboards:
        try:
            dashboard = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            problems.append(f"{path}: not JSON: {error}")
            continue
        panels = [p for p in dashboard.get("panels", []) if p.get("type") != "row"]
        if not panels:
            problems.append(f"{path}: no panels")
        expressions = [t.get("expr", "") for p in panels for t in p.get("targets", [])]
        if not all(expressions) or not expressions:
            problems.append(f"{path}: a panel target without an expression")
        texts.append((path, "\n".join(expressions)))
    for path, text in texts:
        for name in sorted(set(NAME.findall(text))):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            used.add(base)
            if name not in exported and base not in exported:
                problems.append(f"{path}: {name} is not exported by Holdfast (no \"{base}\" in {sources}/)")
    if problems:
        sys.exit("\n".join(problems))
    print(f"rules and dashboards use {len(used)} metrics, all exported ({len(exported)} exported)")


if __name__ == "__main__":
    main(*sys.argv[1:])
