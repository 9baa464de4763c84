#!/usr/bin/env python3
"""split.py RENDERED.yaml OUTDIR: core Kubernetes objects into OUTDIR/core.yaml, each KEDA object
into OUTDIR/keda-<kind>-<name>.yaml (check-jsonschema takes one document per file). Any other
custom resource is an error: nothing here could validate it."""
import pathlib
import sys

import yaml

CORE_GROUPS = {"v1", "apps", "batch", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
               "autoscaling", "monitoring.coreos.com"}


def main(rendered, outdir):
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    core = []
    for document in yaml.safe_load_all(pathlib.Path(rendered).read_text()):
        if document is None:
            continue
        api_version, kind = document.get("apiVersion", ""), document.get("kind", "")
        name = document.get("metadata", {}).get("name", "")
        group = api_version.split("/")[0] if "/" in api_version else "v1"
        if group == "keda.sh":
            path = out / f"keda-{kind.lower()}-{name}.yaml"
            path.write_text(yaml.safe_dump(document, sort_keys=False))
        elif group in CORE_GROUPS:
            core.append(document)
        else:
            sys.exit(f"{kind} {name} ({api_version}) has no schema to validate it against")
    (out / "core.yaml").write_text(yaml.safe_dump_all(core, sort_keys=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
