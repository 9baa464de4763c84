#!/usr/bin/env python3
"""Turns KEDA's CustomResourceDefinitions into strict JSON Schemas for check-jsonschema.

    python3 generate.py CRD.yaml [CRD.yaml ...]   # writes <kind>.schema.json beside this file

The CRDs come from kedacore/keda, config/crd/bases/ (Apache-2.0); SOURCE.md records which commit
the committed schemas were made from. Kubernetes prunes unknown fields of a structural schema and
`kubectl apply --validate=strict` rejects them, so every object that lists its properties and does
not preserve unknown fields gets additionalProperties: false: a misspelt key fails validation here
as it would on a cluster.
"""
import json
import pathlib
import sys

import yaml


def strict(node):
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strict(value) for key, value in node.items()}
    if node.pop("x-kubernetes-int-or-string", False):
        node.pop("type", None)
        node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
    for key in [k for k in node if k.startswith("x-kubernetes-")]:
        node.pop(key)
    if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node and not preserve:
        node["additionalProperties"] = False
    return node


def main(paths):
    here = pathlib.Path(__file__).resolve().parent
    for path in paths:
        crd = yaml.safe_load(pathlib.Path(path).read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if not version.get("served", False):
                continue
            schema = strict(version["schema"]["openAPIV3Schema"])
            schema["$schema"] = "http://json-schema.org/draft-07/schema#"
            schema["title"] = f"{kind} ({group}/{version['name']}), from {pathlib.Path(path).name}"
            schema["properties"]["apiVersion"] = {"const": f"{group}/{version['name']}"}
            schema["properties"]["kind"] = {"const": kind}
            schema["properties"]["metadata"] = {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "minLength": 1}},
            }
            schema.setdefault("required", [])
            for key in ("apiVersion", "kind", "metadata", "spec"):
                if key not in schema["required"]:
                    schema["required"].append(key)
            out = here / f"{kind.lower()}-{version['name']}.schema.json"
            out.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
            print(out.name)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
