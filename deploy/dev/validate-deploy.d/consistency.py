#!/usr/bin/env python3
"""consistency.py RENDERED.yaml MIGRATIONS_DIR: what no schema checks but a deployment needs.

- the ScaledObject's targetQueryValue is the worker's --concurrency (KEDA divides the demand by it);
- its query reads a view that a migration creates;
- the worker's grace period outlasts --shutdown-timeout plus one --lease (the hand-back);
- every pod runs as non-root with a read-only root file system, no privilege escalation, no
  capabilities and the runtime's seccomp profile, and mounts no service account token;
- every PodDisruptionBudget selects a Deployment;
- when the render has Secrets, every Secret the objects read is among them.
Prints a summary line; exits non-zero with every problem found."""
import pathlib
import re
import sys

import yaml


def flag(args, name, default=None):
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def main(rendered, migrations):
    objects = [d for d in yaml.safe_load_all(pathlib.Path(rendered).read_text()) if d]
    problems = []
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], []).append(o)
    deployments = {d["metadata"]["name"]: d for d in by_kind.get("Deployment", [])}
    worker = deployments.get("holdfast-worker")
    scaled = [s for s in by_kind.get("ScaledObject", []) if s["spec"]["scaleTargetRef"]["name"] == "holdfast-worker"]
    if worker is None or len(scaled) != 1:
        problems.append("expected the holdfast-worker Deployment and one ScaledObject scaling it")
    else:
        container = worker["spec"]["template"]["spec"]["containers"][0]
        args = container.get("args", [])
        concurrency = int(flag(args, "--concurrency", "10"))
        shutdown = float(flag(args, "--shutdown-timeout", "30"))
        lease = float(flag(args, "--lease", "30"))
        grace = worker["spec"]["template"]["spec"].get("terminationGracePeriodSeconds", 30)
        if grace < shutdown + lease:
            problems.append(f"worker terminationGracePeriodSeconds {grace} < --shutdown-timeout {shutdown:g} + --lease {lease:g}")
        for trigger in scaled[0]["spec"]["triggers"]:
            if trigger["type"] != "postgresql":
                continue
            target = int(trigger["metadata"]["targetQueryValue"])
            if target != concurrency:
                problems.append(f"ScaledObject targetQueryValue {target} is not the worker's --concurrency {concurrency}")
            match = re.search(r"\bFROM\s+([a-z_][a-z0-9_]*)", trigger["metadata"]["query"], re.IGNORECASE)
            sql = "\n".join(p.read_text() for p in sorted(pathlib.Path(migrations).glob("*.sql")))
            if not match or not re.search(rf"CREATE (OR REPLACE )?VIEW {match.group(1)}\b", sql):
                problems.append(f"the scaler's query reads {match.group(1) if match else '?'}, which no migration creates")
    pods = [(d["kind"], d["metadata"]["name"], d["spec"]["template"]["spec"]) for d in by_kind.get("Deployment", []) + by_kind.get("Job", [])]
    for kind, name, pod in pods:
        context = pod.get("securityContext", {})
        if not context.get("runAsNonRoot") or context.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{kind} {name}: pod must set runAsNonRoot and seccompProfile RuntimeDefault")
        if pod.get("automountServiceAccountToken") is not False:
            problems.append(f"{kind} {name}: automountServiceAccountToken must be false")
        for container in pod["containers"]:
            sc = container.get("securityContext", {})
            if not (sc.get("readOnlyRootFilesystem") and sc.get("allowPrivilegeEscalation") is False
                    and sc.get("capabilities", {}).get("drop") == ["ALL"]):
                problems.append(f"{kind} {name}/{container['name']}: needs readOnlyRootFilesystem, no privilege escalation, capabilities drop ALL")
            if "memory" not in container.get("resources", {}).get("requests", {}):
                problems.append(f"{kind} {name}/{container['name']}: no memory request")
    for pdb in by_kind.get("PodDisruptionBudget", []):
        selector = pdb["spec"]["selector"]["matchLabels"]
        if not any(selector.items() <= d["spec"]["template"]["metadata"]["labels"].items() for d in deployments.values()):
            problems.append(f"PodDisruptionBudget {pdb['metadata']['name']} selects no Deployment")
    secrets = {s["metadata"]["name"] for s in by_kind.get("Secret", [])}
    if secrets:
        wanted = set(re.findall(r"secretKeyRef': \{'name': '([^']+)'", str(objects)))
        for auth in by_kind.get("TriggerAuthentication", []):
            wanted |= {ref["name"] for ref in auth["spec"].get("secretTargetRef", [])}
        for missing in sorted(wanted - secrets):
            problems.append(f"Secret {missing} is read but not defined")
    if problems:
        sys.exit("\n".join(problems))
    print(f"consistent ({len(objects)} objects, {len(pods)} pod templates)")


if __name__ == "__main__":
    main(*sys.argv[1:])
